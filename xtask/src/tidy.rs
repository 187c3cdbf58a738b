//! Tidy tests: the architecture's rules, checked by plain `cargo test` so that breaking a layer
//! fails CI rather than waiting for review.

use std::fs;
use std::path::{Path, PathBuf};

use crate::root;

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "target") {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn crates() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(root().join("crates"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("Cargo.toml").exists())
        .collect();
    dirs.push(root().join("xtask"));
    dirs.push(root().join("tests"));
    dirs.sort();
    dirs
}

/// The `[dependencies]` table of a manifest, as text.
fn dependencies(manifest: &str) -> &str {
    let start = manifest.find("\n[dependencies]").map_or(manifest.len(), |i| i + 1);
    let rest = &manifest[start..];
    let end = rest[1..].find("\n[").map_or(rest.len(), |i| i + 1);
    &rest[..end]
}

#[test]
fn every_library_says_what_it_is_and_must_never_do() {
    for dir in crates() {
        let lib = ["src/lib.rs", "lib.rs"].iter().map(|f| dir.join(f)).find(|p| p.exists());
        let Some(lib) = lib else { continue };
        let text = read(&lib);
        let header: Vec<&str> = text.lines().take_while(|l| l.starts_with("//!")).collect();
        assert!(!header.is_empty(), "{} must open with a //! header saying the crate's role", lib.display());
        let header = header.join(" ");
        assert!(
            header.contains("never"),
            "the header of {} must say what the crate must never do",
            lib.display()
        );
    }
}

#[test]
fn every_member_inherits_the_workspace_lints() {
    for dir in crates() {
        let manifest = read(&dir.join("Cargo.toml"));
        assert!(
            manifest.contains("[lints]\nworkspace = true"),
            "{} lacks `[lints] workspace = true`",
            dir.display()
        );
    }
}

#[test]
fn the_core_has_no_io_dependencies() {
    let manifest = read(&root().join("crates/scanner-core/Cargo.toml"));
    let deps = dependencies(&manifest);
    for banned in ["sea-orm", "sqlx", "jwalk", "walkdir", "ignore", "axum", "hyper", "reqwest", "libc", "nix"]
    {
        assert!(
            !deps
                .lines()
                .any(|l| l.starts_with(&format!("{banned} ")) || l.starts_with(&format!("{banned}."))),
            "scanner-core must not depend on {banned}"
        );
    }
    let tokio = deps.lines().find(|l| l.starts_with("tokio")).expect("scanner-core uses tokio");
    for feature in ["\"fs\"", "\"process\"", "\"net\"", "\"io-util\"", "\"full\""] {
        assert!(!tokio.contains(feature), "scanner-core must not enable tokio's {feature} feature");
    }
}

#[test]
fn the_core_touches_neither_files_nor_processes() {
    let mut files = Vec::new();
    rust_files(&root().join("crates/scanner-core/src"), &mut files);
    for file in files {
        let text = read(&file);
        for banned in [
            "std::fs",
            "tokio::fs",
            "std::process",
            "tokio::process",
            "std::net",
            "File::open",
            // Reads cgroup files: the application computes it and hands it in.
            "available_parallelism",
        ] {
            assert!(!text.contains(banned), "{} uses {banned}: the core does no I/O", file.display());
        }
    }
}

#[test]
fn only_the_ffprobe_adapter_spawns_processes() {
    // Test support (testkit, tests, xtask) runs ffmpeg and friends; shipped code must not.
    let allowed = ["probe-ffprobe", "testkit"];
    for dir in crates() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        if allowed.contains(&name.as_str()) || name == "xtask" || name == "tests" {
            continue;
        }
        let mut files = Vec::new();
        rust_files(&dir.join("src"), &mut files);
        for file in files {
            let text = read(&file);
            for banned in ["process::Command", "Command::new("] {
                assert!(
                    !text.contains(banned),
                    "{} spawns processes ({banned}); only probe-ffprobe may",
                    file.display()
                );
            }
        }
    }
}

#[test]
fn source_files_stay_readable_in_one_sitting() {
    for dir in crates() {
        let mut files = Vec::new();
        rust_files(&dir, &mut files);
        for file in files {
            let lines = read(&file).lines().count();
            assert!(lines <= 500, "{} has {lines} lines; split it along a real seam", file.display());
        }
    }
}
