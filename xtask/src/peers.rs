//! `cargo xtask bench parser --peers`: the parser scored on other projects' test suites.

use std::path::PathBuf;
use std::process::Command;

use crate::{Result, cargo, root, run};

/// The peer projects' parser test suites, kept outside the repository (they are GPL and MPL
/// test data): `../shared/peer-names` seen from the workspace root.
fn peer_dir() -> PathBuf {
    root().join("../shared/peer-names")
}

/// `bench parser --peers`: scores the release `mediascan parse --stdin --json` on the peer
/// suites with their own `score.py`, side by side with guessit when this Python can import it.
/// Skips, saying so, where the suites are not there.
pub fn peers() -> Result {
    let script = peer_dir().join("score.py");
    if !script.is_file() {
        println!(
            "\npeer suites: {} not found; skipping (they live outside the repository, next to it in ../shared)",
            script.display()
        );
        return Ok(());
    }
    run("build (release)", cargo().args(["build", "--release", "--locked", "-p", "app"]))?;
    let mut score = Command::new("python3");
    score.arg(&script).current_dir(root());
    let guessit =
        Command::new("python3").args(["-c", "import guessit"]).output().is_ok_and(|o| o.status.success());
    if guessit {
        score.arg("--guessit");
    } else {
        println!("\nguessit is not installed (pip install guessit==4.4.0): scoring mediascan alone");
    }
    run("peer suites (../shared/peer-names/score.py)", &mut score)
}
