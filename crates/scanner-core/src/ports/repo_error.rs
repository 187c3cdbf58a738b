//! `RepoError`: how every repository port fails, and [`Cause`], the error underneath.

use std::error::Error;
use std::fmt;
use std::sync::Arc;

/// The error underneath a port's error (a driver's, an I/O error), kept so that error chains
/// go on past the port. Shared, so that port errors stay `Clone`.
#[derive(Clone)]
pub struct Cause(Arc<dyn Error + Send + Sync>);

impl Cause {
    pub fn new(error: impl Error + Send + Sync + 'static) -> Self {
        Self(Arc::new(error))
    }

    /// A cause that is only a message (no error type carries it).
    pub fn msg(message: impl Into<String>) -> Self {
        #[derive(Debug)]
        struct Message(String);
        impl fmt::Display for Message {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl Error for Message {}
        Self::new(Message(message.into()))
    }
}

impl fmt::Debug for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Error for Cause {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.0.source()
    }
}

/// `error: cause: cause's cause …` on one line, as `anyhow`'s `{:#}` prints a chain.
pub fn error_chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        let part = cause.to_string();
        // Some errors repeat their cause in their own message; say it once.
        if !text.ends_with(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        next = cause.source();
    }
    text
}

#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum RepoError {
    /// The database cannot be reached right now (connection refused or lost, locked, busy).
    /// Retrying later may succeed.
    #[error("database unavailable")]
    Unavailable(#[source] Cause),
    /// Stored data could not be read back into domain types.
    #[error("catalog data is invalid: {what}")]
    Corrupt {
        what: String,
        #[source]
        source: Option<Cause>,
    },
    /// What was asked cannot be stored or looked up: text the database cannot hold (a NUL
    /// byte), a number out of its range. Retrying the same request fails the same way.
    #[error("{0}")]
    InvalidInput(String),
    /// The catalog's schema is not the one this program knows (older and not migrated, or
    /// written by a newer mediascan).
    #[error("{0}")]
    Schema(String),
    /// Any other database error.
    #[error("database error")]
    Database(#[source] Cause),
}

impl RepoError {
    /// True when a retry may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }

    /// A database error that is only a message.
    pub fn database(message: impl Into<String>) -> Self {
        Self::Database(Cause::msg(message))
    }

    /// Stored data that cannot be read back, with no error underneath.
    pub fn corrupt(what: impl Into<String>) -> Self {
        Self::Corrupt { what: what.into(), source: None }
    }
}

/// Equal when of the same kind with the same message chain (causes are compared as text).
impl PartialEq for RepoError {
    fn eq(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
            && error_chain(self) == error_chain(other)
    }
}

impl Eq for RepoError {}
