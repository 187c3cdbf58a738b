//! What users set by hand over what a name says: show, season, episodes, title, year, kind.
//!
//! Overrides are stored apart from the file's row, which scans rewrite; a catalog merges them
//! into `parsed` whenever it reads a record, so that a rescan, a re-probe, a move or a rename
//! never loses them and never races with an edit. Every change is kept in an audit history.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::media::MediaId;
use crate::parse::{MediaKind, ParsedName};

/// Largest season or episode number an override takes (the catalogs' 32-bit integers).
pub const MAX_NUMBER: u32 = i32::MAX as u32;
/// Most episodes one file may be set to.
pub const MAX_EPISODES: usize = 1_000;
/// Longest show or title, in characters.
pub const MAX_TEXT: usize = 1_000;
/// The years an override takes.
pub const YEARS: std::ops::RangeInclusive<u16> = 1..=9999;

/// The fields a user may set; `None` leaves the parser's value.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Overrides {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub season: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub episodes: Option<Vec<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MediaKind>,
}

/// One overridable field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Show,
    Season,
    Episodes,
    Title,
    Year,
    Kind,
}

impl Field {
    pub const ALL: [Self; 6] =
        [Self::Show, Self::Season, Self::Episodes, Self::Title, Self::Year, Self::Kind];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Show => "show",
            Self::Season => "season",
            Self::Episodes => "episodes",
            Self::Title => "title",
            Self::Year => "year",
            Self::Kind => "kind",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// A field's value, as the history records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Value {
    Number(u32),
    Numbers(Vec<u32>),
    Text(String),
}

impl Overrides {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// `parsed` with these values over it.
    pub fn apply(&self, parsed: &ParsedName) -> ParsedName {
        let mut out = parsed.clone();
        if let Some(show) = &self.show {
            out.show = Some(show.clone());
        }
        if let Some(season) = self.season {
            out.season = Some(season);
        }
        if let Some(episodes) = &self.episodes {
            out.episodes = episodes.clone();
        }
        if let Some(title) = &self.title {
            out.title = Some(title.clone());
        }
        if let Some(year) = self.year {
            out.year = Some(year);
        }
        if let Some(kind) = self.kind {
            out.kind = kind;
        }
        out
    }

    /// The value set for `field`, if any.
    pub fn get(&self, field: Field) -> Option<Value> {
        match field {
            Field::Show => self.show.clone().map(Value::Text),
            Field::Season => self.season.map(Value::Number),
            Field::Episodes => self.episodes.clone().map(Value::Numbers),
            Field::Title => self.title.clone().map(Value::Text),
            Field::Year => self.year.map(|y| Value::Number(u32::from(y))),
            Field::Kind => self.kind.map(|k| Value::Text(k.as_str().to_owned())),
        }
    }

    fn clear(&mut self, field: Field) {
        match field {
            Field::Show => self.show = None,
            Field::Season => self.season = None,
            Field::Episodes => self.episodes = None,
            Field::Title => self.title = None,
            Field::Year => self.year = None,
            Field::Kind => self.kind = None,
        }
    }

    /// These overrides after `edit`: first everything it clears, then what it sets.
    pub fn edited(&self, edit: &OverrideEdit) -> Self {
        let mut out = if edit.clear_all { Self::default() } else { self.clone() };
        for field in &edit.clear {
            out.clear(*field);
        }
        let set = &edit.set;
        out.show = set.show.clone().or(out.show);
        out.season = set.season.or(out.season);
        out.episodes = set.episodes.clone().or(out.episodes);
        out.title = set.title.clone().or(out.title);
        out.year = set.year.or(out.year);
        out.kind = set.kind.or(out.kind);
        out
    }

    /// The changes from `self` to `after`, one per field that differs, as the history keeps
    /// them.
    pub fn changes(
        &self,
        after: &Self,
        media: MediaId,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Vec<OverrideChange> {
        Field::ALL
            .into_iter()
            .filter_map(|field| {
                let (old, new) = (self.get(field), after.get(field));
                (old != new).then(|| OverrideChange {
                    media_id: media,
                    at,
                    actor: actor.to_owned(),
                    field,
                    old,
                    new,
                })
            })
            .collect()
    }

    /// Checks what every catalog must refuse alike: empty or over-long text, NUL, numbers the
    /// databases do not hold, too many episodes.
    pub fn check(&self) -> Result<(), String> {
        for (name, text) in [("show", &self.show), ("title", &self.title)] {
            if let Some(text) = text {
                if text.is_empty() {
                    return Err(format!("{name} is empty: set null to remove the override"));
                }
                if text.contains('\0') || text.chars().count() > MAX_TEXT {
                    return Err(format!("{name} must be at most {MAX_TEXT} characters without NUL"));
                }
            }
        }
        if self.year.is_some_and(|y| !YEARS.contains(&y)) {
            return Err(format!("year must be {} to {}", YEARS.start(), YEARS.end()));
        }
        if self.season.is_some_and(|s| s > MAX_NUMBER) {
            return Err(format!("season must be at most {MAX_NUMBER}"));
        }
        if let Some(episodes) = &self.episodes {
            if episodes.is_empty() || episodes.len() > MAX_EPISODES {
                return Err(format!("episodes lists 1 to {MAX_EPISODES} numbers"));
            }
            if episodes.iter().any(|e| *e > MAX_NUMBER) {
                return Err(format!("episode numbers must be at most {MAX_NUMBER}"));
            }
        }
        Ok(())
    }
}

/// A change to a file's overrides: values to set, fields to clear, or all of them cleared.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OverrideEdit {
    pub set: Overrides,
    pub clear: Vec<Field>,
    pub clear_all: bool,
}

/// One field's change, as the history keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverrideChange {
    pub media_id: MediaId,
    pub at: DateTime<Utc>,
    /// Who: `cli`, `api` (a request with the token), `api (no token)` (loopback without one).
    pub actor: String,
    pub field: Field,
    /// The override before (`null`: the parser's value was in force).
    pub old: Option<Value>,
    /// The override after (`null`: removed).
    pub new: Option<Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_set_clear_and_apply_over_the_parsed_name() {
        let parsed = ParsedName {
            kind: MediaKind::Episode,
            show: Some("Shw".into()),
            season: Some(1),
            episodes: vec![2],
            ..ParsedName::default()
        };
        let set = Overrides { show: Some("Show".into()), season: Some(3), ..Overrides::default() };
        let first = Overrides::default().edited(&OverrideEdit { set, ..OverrideEdit::default() });
        let effective = first.apply(&parsed);
        assert_eq!(
            (effective.show.as_deref(), effective.season, effective.episodes.as_slice()),
            (Some("Show"), Some(3), &[2][..])
        );

        let second = first.edited(&OverrideEdit { clear: vec![Field::Season], ..OverrideEdit::default() });
        assert_eq!(second.apply(&parsed).season, Some(1), "a cleared field shows the parser's value again");
        let changes = first.changes(&second, MediaId::new(), "cli", Utc::now());
        assert_eq!(changes.len(), 1);
        assert_eq!(
            (changes[0].field, &changes[0].old, &changes[0].new),
            (Field::Season, &Some(Value::Number(3)), &None)
        );

        let cleared = second.edited(&OverrideEdit { clear_all: true, ..OverrideEdit::default() });
        assert!(cleared.is_empty());
        assert_eq!(cleared.apply(&parsed), parsed);
    }

    #[test]
    fn out_of_range_values_are_refused() {
        let bad = [
            Overrides { show: Some(String::new()), ..Overrides::default() },
            Overrides { year: Some(0), ..Overrides::default() },
            Overrides { title: Some("a\0b".into()), ..Overrides::default() },
            Overrides { title: Some("x".repeat(MAX_TEXT + 1)), ..Overrides::default() },
            Overrides { season: Some(MAX_NUMBER + 1), ..Overrides::default() },
            Overrides { episodes: Some(vec![]), ..Overrides::default() },
            Overrides { episodes: Some(vec![1; MAX_EPISODES + 1]), ..Overrides::default() },
            Overrides { episodes: Some(vec![u32::MAX]), ..Overrides::default() },
        ];
        for overrides in bad {
            assert!(overrides.check().is_err(), "{overrides:?}");
        }
        assert!(
            Overrides { season: Some(MAX_NUMBER), episodes: Some(vec![1, 2]), ..Overrides::default() }
                .check()
                .is_ok()
        );
    }
}
