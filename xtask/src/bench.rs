//! `cargo xtask bench [parser [--peers]] [scan] [--quick]`: benchmarks. Results are printed as
//! tables and written to `target/bench/*.json`; `--peers` also scores the parser on the other
//! projects' test suites in `../shared/peer-names` (see [`peers`]).
//!
//! The scan benchmark measures, in one run on the same trees (SQLite and PostgreSQL):
//! 1. a first scan of 1 000 videos: mediascan with ffprobe at its default concurrency vs one
//!    file at a time vs `find -exec ffprobe`; and native-first (`--probe auto`, the default) vs
//!    ffprobe only, with the native probe's time per file on a warm cache;
//! 2. a rescan of an unchanged 100 000-file library with the real `mediascan` binary vs
//!    `find -printf '%s %T@'` (the catalog is built with a stand-in probe, see `crates/bench`);
//! 3. a rescan after 1 % of the files changed: how many were probed again;
//! 4. peak RSS of first scans of 100 000 and 1 000 000 files (stand-in probe).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::{Result, cargo, root, run};

fn release(binary: &str) -> PathBuf {
    root().join("target/release").join(binary)
}

/// Runs a command quietly and returns its wall time in seconds.
fn timed(command: &mut Command) -> Result<f64> {
    let started = Instant::now();
    let status = command.stdout(Stdio::null()).stderr(Stdio::null()).status().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("{command:?} failed: {status}"));
    }
    Ok(started.elapsed().as_secs_f64())
}

/// Runs the bench driver and returns the JSON line it prints.
fn driver(args: &[&str]) -> Result<String> {
    let output = Command::new(release("mediascan-bench"))
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!("mediascan-bench {args:?} failed"));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// A number from the driver's JSON (a tiny reader: xtask has no JSON dependency).
fn field(json: &str, key: &str) -> f64 {
    let Some(rest) = json.split(&format!("\"{key}\":")).nth(1) else { return f64::NAN };
    rest.trim_start()
        .split([',', '}'])
        .next()
        .and_then(|v| v.trim().trim_matches('"').parse().ok())
        .unwrap_or(f64::NAN)
}

fn sqlite_url(dir: &Path, name: &str) -> String {
    let path = dir.join(name);
    for suffix in ["", "-wal", "-shm"] {
        let _ = fs::remove_file(format!("{}{suffix}", path.display()));
    }
    format!("sqlite://{}", path.display())
}

fn best(runs: &[f64]) -> f64 {
    runs.iter().copied().fold(f64::INFINITY, f64::min)
}

struct Report {
    rows: Vec<(String, String)>,
    json: Vec<String>,
}

impl Report {
    fn add(&mut self, key: &str, label: String, value: f64) {
        self.rows.push((label, format!("{value:.3}")));
        self.json.push(format!("\"{key}\": {value}"));
    }
}

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

pub fn scan(quick: bool) -> Result {
    run(
        "build (release)",
        cargo().args(["build", "--release", "--locked", "-p", "app", "-p", "mediascan-bench"]),
    )?;
    let data = root().join("target/bench-data");
    let out = root().join("target/bench");
    fs::create_dir_all(&data).map_err(|e| e.to_string())?;
    fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let mediascan = release("mediascan");
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut report = Report { rows: Vec::new(), json: Vec::new() };
    let (big, huge) = if quick { (10_000, 100_000) } else { (100_000, 1_000_000) };

    // 1. First scan of 1 000 real videos.
    let small = data.join("lib-1000");
    driver(&["gen", small.to_str().unwrap(), "1000"])?;
    let mut parallel = Vec::new();
    let mut sequential = Vec::new();
    let mut find_ffprobe = Vec::new();
    let mut native_first = Vec::new();
    for _ in 0..2 {
        let url = sqlite_url(&data, "first.db");
        parallel.push(timed(
            Command::new(&mediascan)
                .arg("scan")
                .arg(&small)
                .args(["--json", "--probe", "ffprobe", "--db", &url]),
        )?);
        let url = sqlite_url(&data, "first.db");
        sequential.push(timed(Command::new(&mediascan).arg("scan").arg(&small).args([
            "--json",
            "--probe",
            "ffprobe",
            "--concurrency",
            "1",
            "--db",
            &url,
        ]))?);
        let url = sqlite_url(&data, "first.db");
        native_first.push(timed(
            Command::new(&mediascan)
                .arg("scan")
                .arg(&small)
                .args(["--json", "--probe", "auto", "--db", &url]),
        )?);
        find_ffprobe.push(timed(Command::new("find").arg(&small).args([
            "-type",
            "f",
            "-name",
            "*.mp4",
            "-exec",
            "ffprobe",
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            "{}",
            ";",
        ]))?);
    }
    let (p, s, f) = (1000.0 / best(&parallel), 1000.0 / best(&sequential), 1000.0 / best(&find_ffprobe));
    report.add(
        "first_scan_files_per_sec",
        format!("first scan, 1 000 videos, concurrency {cores}: files/s"),
        p,
    );
    report.add("first_scan_sequential_files_per_sec", "first scan, --concurrency 1: files/s".into(), s);
    report.add("find_exec_ffprobe_files_per_sec", "find -exec ffprobe: files/s".into(), f);
    report.add("first_scan_speedup_vs_sequential", "  speed-up vs sequential (target >= 1.8)".into(), p / s);
    report.add(
        "first_scan_share_of_cores_bound",
        "  share of the cores bound (target >= 0.9)".into(),
        p / (s * cores as f64),
    );
    report.add("first_scan_speedup_vs_find_ffprobe", "  speed-up vs find -exec ffprobe".into(), p / f);
    let n = 1000.0 / best(&native_first);
    report.add(
        "first_scan_native_files_per_sec",
        "first scan, --probe auto (native first): files/s".into(),
        n,
    );
    report.add(
        "first_scan_native_speedup_vs_ffprobe",
        "  speed-up vs ffprobe only (target >= 10)".into(),
        n / p,
    );
    report.add("first_scan_native_speedup_vs_find_ffprobe", "  speed-up vs find -exec ffprobe".into(), n / f);
    let timing = driver(&["native", small.to_str().unwrap()])?;
    report.add(
        "native_probe_micros_per_file",
        "native probe per file, warm cache: µs (target < 1000)".into(),
        field(&timing, "micros_per_file"),
    );

    // 2–4, on each backend.
    let big_tree = data.join(format!("lib-{big}"));
    driver(&["gen", big_tree.to_str().unwrap(), &big.to_string()])?;
    let huge_tree = data.join(format!("lib-{huge}"));
    driver(&["gen", huge_tree.to_str().unwrap(), &huge.to_string()])?;
    for backend in ["sqlite", "postgres"] {
        let url = |name: &str| -> Result<String> {
            match backend {
                "sqlite" => Ok(sqlite_url(&data, &format!("{name}.db"))),
                _ => driver(&["pg-schema", &format!("mediascan_bench_{name}")]),
            }
        };
        let catalog = url("rescan")?;
        let first = driver(&["scan", big_tree.to_str().unwrap(), &catalog])?;
        let rss_big = field(&first, "peak_rss_kb");
        report.add(
            &format!("{backend}_first_scan_{big}_files_per_sec"),
            format!("{backend}: first scan of {big} files (stand-in probe): files/s"),
            field(&first, "files_per_sec"),
        );

        let mut ours = Vec::new();
        let mut find = Vec::new();
        for _ in 0..3 {
            find.push(timed(Command::new("find").arg(&big_tree).args([
                "-type",
                "f",
                "-printf",
                "%s %T@\\n",
            ]))?);
            ours.push(timed(
                Command::new(&mediascan).arg("scan").arg(&big_tree).args(["--json", "--db", &catalog]),
            )?);
        }
        report.add(
            &format!("{backend}_rescan_seconds"),
            format!("{backend}: rescan of {big} unchanged files (best of 3): s"),
            best(&ours),
        );
        report.add(
            &format!("{backend}_first_rescan_seconds"),
            format!("{backend}:   the first of them, right after the first scan: s"),
            ours[0],
        );
        report.add(
            &format!("{backend}_find_seconds"),
            format!("{backend}: find -printf on the same tree: s"),
            best(&find),
        );
        report.add(
            &format!("{backend}_rescan_vs_find"),
            format!("{backend}:   rescan / find (target <= 1.5)"),
            best(&ours) / best(&find),
        );

        let touched =
            driver(&["scan", big_tree.to_str().unwrap(), &catalog, "--touch", &(big / 100).to_string()])?;
        report.add(
            &format!("{backend}_touched_1pct_probes"),
            format!("{backend}: rescan after touching {} files: probed", big / 100),
            field(&touched, "probes"),
        );
        report.add(
            &format!("{backend}_touched_1pct_unchanged"),
            format!("{backend}:   and left unchanged"),
            field(&touched, "unchanged"),
        );

        let huge_catalog = url("huge")?;
        let first_huge = driver(&["scan", huge_tree.to_str().unwrap(), &huge_catalog])?;
        let rss_huge = field(&first_huge, "peak_rss_kb");
        report.add(
            &format!("{backend}_peak_rss_{big}_mb"),
            format!("{backend}: peak RSS, first scan of {big} files: MB"),
            rss_big / 1024.0,
        );
        report.add(
            &format!("{backend}_peak_rss_{huge}_mb"),
            format!("{backend}: peak RSS, first scan of {huge} files: MB (target < 150)"),
            rss_huge / 1024.0,
        );
        report.add(
            &format!("{backend}_rss_ratio"),
            format!("{backend}:   RSS {huge} / {big} (target <= 1.5)"),
            rss_huge / rss_big,
        );
        report.add(
            &format!("{backend}_first_scan_{huge}_files_per_sec"),
            format!("{backend}: first scan of {huge} files: files/s"),
            field(&first_huge, "files_per_sec"),
        );
    }

    let width = report.rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    println!("\nscan benchmark ({cores} cores)\n");
    for (label, value) in &report.rows {
        println!("{label:<width$}  {value:>12}");
    }
    let file = out.join("scan.json");
    fs::write(&file, format!("{{\n  {}\n}}\n", report.json.join(",\n  "))).map_err(|e| e.to_string())?;
    println!("\nwritten to {}", file.display());
    Ok(())
}
