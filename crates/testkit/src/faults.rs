//! Ways to make a database misbehave on purpose: a SQLite file locked by someone else, a file
//! system that is full, a PostgreSQL server that goes away and comes back.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// An exclusive lock on a SQLite database, held as a writer in another process holds it,
/// until [`SqliteLock::release`].
#[derive(Debug)]
pub struct SqliteLock(DatabaseConnection);

impl SqliteLock {
    /// Opens `path` on one connection and begins an exclusive transaction on it.
    pub async fn take(path: &Path) -> Self {
        let mut options = ConnectOptions::new(format!("sqlite://{}", path.display()));
        options.max_connections(1).min_connections(1).sqlx_logging(false);
        let db = Database::connect(options).await.expect("cannot open the SQLite file to lock it");
        db.execute_unprepared("BEGIN EXCLUSIVE").await.expect("cannot lock the SQLite file");
        Self(db)
    }

    pub async fn release(self) {
        let _ = self.0.execute_unprepared("ROLLBACK").await;
        let _ = self.0.close().await;
    }
}

/// What `PRAGMA integrity_check` says of the SQLite file at `path` ("ok" when sound).
pub async fn sqlite_integrity(path: &Path) -> String {
    let db =
        Database::connect(format!("sqlite://{}", path.display())).await.expect("cannot open the SQLite file");
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), "PRAGMA integrity_check"))
        .await
        .expect("integrity_check failed to run")
        .expect("integrity_check returned nothing");
    let verdict = row.try_get_by_index::<String>(0).expect("integrity_check returned no text");
    let _ = db.close().await;
    verdict
}

/// A small tmpfs mounted for one test (root only), unmounted when dropped.
#[derive(Debug)]
pub struct SmallDisk {
    pub path: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmallDisk {
    /// Mounts a tmpfs of `kib` KiB. Where that is not allowed (not root, no mount permission in
    /// a container) the test fails, or with `MEDIASCAN_SKIP_TMPFS=1` is skipped (`None`).
    pub fn mount(test: &str, kib: u64) -> Option<Self> {
        let dir = tempfile::Builder::new().prefix("mediascan-small-disk").tempdir().ok()?;
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(dir.path())
            .output();
        match mounted {
            Ok(output) if output.status.success() => Some(Self { path: dir.path().to_path_buf(), _dir: dir }),
            Ok(output) => {
                crate::unavailable(
                    crate::Resource::Tmpfs,
                    test,
                    &format!("cannot mount a tmpfs: {}", String::from_utf8_lossy(&output.stderr).trim()),
                );
                None
            }
            Err(e) => {
                crate::unavailable(crate::Resource::Tmpfs, test, &format!("cannot run mount: {e}"));
                None
            }
        }
    }

    /// Fills the disk with a file `filler` until the file system refuses more.
    pub fn fill(&self) -> PathBuf {
        use std::io::Write;
        let filler = self.path.join("filler");
        let mut file = std::fs::File::create(&filler).expect("cannot create the filler");
        let block = vec![0xAAu8; 4096];
        while file.write_all(&block).is_ok() {}
        let _ = file.sync_all();
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

/// A TCP proxy in front of a server, which can be taken down (every connection dropped, new
/// ones closed at once) and brought back: a database restart as its clients see it.
#[derive(Debug, Clone)]
pub struct Proxy {
    pub addr: SocketAddr,
    down: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Proxy {
    /// Listens on an ephemeral local port, forwarding to `target` (`host:port`). Needs a
    /// running Tokio runtime.
    pub async fn start(target: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("cannot bind the proxy");
        let proxy = Self {
            addr: listener.local_addr().expect("no local address"),
            down: Arc::new(AtomicBool::new(false)),
            links: Arc::new(Mutex::new(Vec::new())),
        };
        let (target, me) = (target.to_owned(), proxy.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if me.down.load(Ordering::SeqCst) {
                    continue; // Dropped: the client sees the connection closed.
                }
                let target = target.clone();
                let link = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                me.links.lock().unwrap().push(link.abort_handle());
            }
        });
        proxy
    }

    /// Drops every connection and refuses new ones until [`Self::up`].
    pub fn down(&self) {
        self.down.store(true, Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    pub fn up(&self) {
        self.down.store(false, Ordering::SeqCst);
    }

    /// `url` (a `postgres://` URL) with its host and port replaced by the proxy's.
    pub fn url_for(&self, url: &str) -> String {
        let (scheme, rest) = url.split_once("://").expect("a URL");
        let (authority, tail) = rest.split_once('/').unwrap_or((rest, ""));
        let credentials = authority.rsplit_once('@').map(|(c, _)| format!("{c}@")).unwrap_or_default();
        format!("{scheme}://{credentials}{}/{tail}", self.addr)
    }
}

/// `host:port` of a `postgres://` URL (port 5432 when absent).
pub fn host_port(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host.contains(':') { host.to_owned() } else { format!("{host}:5432") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_rewritten_to_the_proxy() {
        assert_eq!(host_port("postgres://postgres@127.0.0.1:5432/test?x=1"), "127.0.0.1:5432");
        assert_eq!(host_port("postgres://u:p@db.example/test"), "db.example:5432");
        let proxy =
            Proxy { addr: "127.0.0.1:40000".parse().unwrap(), down: Arc::default(), links: Arc::default() };
        assert_eq!(
            proxy.url_for("postgres://u:p@db:5432/test?options[search_path]=s"),
            "postgres://u:p@127.0.0.1:40000/test?options[search_path]=s"
        );
    }
}
