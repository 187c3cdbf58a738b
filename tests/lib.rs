//! Helpers for the end-to-end tests: locating and running the built `mediascan` binary.
//!
//! The binary is built by `cargo test --workspace` (the `app` package's tests need it), which
//! is what `cargo xtask ci` runs.

// Test support reports problems on stderr.
#![allow(clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `target/<profile>/mediascan`, next to this test binary's `deps` folder.
pub fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("no current exe");
    let profile_dir = exe.parent().and_then(Path::parent).expect("unexpected test binary location");
    let binary = profile_dir.join("mediascan");
    assert!(
        binary.exists(),
        "{} is missing: run the end-to-end tests with `cargo test --workspace` (or `cargo build -p app` first)",
        binary.display()
    );
    binary
}

/// A `mediascan` command with a clean environment for the variables it reads.
pub fn mediascan() -> Command {
    let mut command = Command::new(binary());
    for var in ["MEDIASCAN_DATABASE_URL", "MEDIASCAN_LOG", "MEDIASCAN_FFPROBE", "RUST_BACKTRACE"] {
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
