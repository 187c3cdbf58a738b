//! Helpers for the end-to-end tests: locating and running the built `mediascan` binary.
//!
//! The binary is this package's `mediascan-e2e`: `mediascan`'s own `main` (`app::cli::main`),
//! which cargo builds before it runs this package's tests, so `cargo test -p e2e` on a clean
//! tree runs what the sources say. Test support only: it must never be a dependency of shipped
//! code.

// Test support reports problems on stderr.
#![allow(clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `target/<profile>/mediascan-e2e`, next to this test binary's `deps` folder.
pub fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("no current exe");
    let profile_dir = exe.parent().and_then(Path::parent).expect("unexpected test binary location");
    let binary = profile_dir.join("mediascan-e2e");
    assert!(
        binary.exists(),
        "{} is missing: run the end-to-end tests with `cargo test -p e2e`",
        binary.display()
    );
    binary
}

/// A `mediascan` command with a clean environment for the variables it reads.
pub fn mediascan() -> Command {
    let mut command = Command::new(binary());
    for var in [
        "MEDIASCAN_DATABASE_URL",
        "MEDIASCAN_LOG",
        "MEDIASCAN_FFPROBE",
        "MEDIASCAN_PROBE",
        "MEDIASCAN_CONFIG",
        "RUST_BACKTRACE",
    ] {
        command.env_remove(var);
    }
    command
}

/// Runs and returns the output, printing stderr on failure for diagnosis.
pub fn run(command: &mut Command) -> Output {
    let output = command.output().expect("cannot run mediascan");
    if !output.status.success() {
        eprintln!("stderr: {}", String::from_utf8_lossy(&output.stderr));
    }
    output
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is not UTF-8")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The one JSON object a `--json` scan prints.
pub fn json(output: &Output) -> serde_json::Value {
    let text = stdout(output);
    assert_eq!(text.lines().count(), 1, "expected one JSON line, got: {text}");
    serde_json::from_str(&text).expect("stdout is not JSON")
}

/// JSON Lines output.
pub fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    stdout(output).lines().map(|l| serde_json::from_str(l).expect("a line is not JSON")).collect()
}

/// A `mediascan serve` process on an ephemeral port, killed when dropped.
#[derive(Debug)]
pub struct Server {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    /// Starts `mediascan --config <config> serve --listen 127.0.0.1:0 --db <db> [extra…]` and waits
    /// until it listens.
    pub fn start(config: &Path, db: &str, extra: &[&str]) -> Self {
        Self::start_listening(config, db, "127.0.0.1:0", extra)
    }

    /// [`Self::start`] on the address `listen`.
    pub fn start_listening(config: &Path, db: &str, listen: &str, extra: &[&str]) -> Self {
        use std::io::{BufRead, BufReader};
        let mut child = mediascan()
            .arg("--config")
            .arg(config)
            .args(["serve", "--listen", listen, "--db", db])
            .args(extra)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("cannot start mediascan serve");
        let stderr = child.stderr.take().expect("piped");
        let (tx, rx) = std::sync::mpsc::channel();
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(address) = line.strip_prefix("mediascan: listening on ") {
                    let _ = tx.send(address.to_owned());
                }
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        match rx.recv_timeout(std::time::Duration::from_secs(30)) {
            Ok(base) => Self { child, base, stderr: log },
            Err(_) => {
                let _ = child.kill();
                panic!("mediascan serve did not start:\n{}", log.lock().unwrap());
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the server wrote on stderr so far.
    pub fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends `signal` (`-KILL`, `-TERM`) and waits for the process.
    pub fn signal(mut self, signal: &str) -> std::process::ExitStatus {
        let _ = Command::new("kill").args([signal, &self.child.id().to_string()]).status();
        self.child.wait().expect("cannot wait for mediascan serve")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
