//! `cargo xtask bench [parser [--peers]] [scan] [--quick]`: benchmarks. Results are printed as
//! tables and written to `target/bench/*.json`; `--peers` also scores the parser on the other
//! projects' test suites in `../shared/peer-names` (see [`crate::peers`]).
//!
//! The scan benchmark measures, in one run on the same trees (SQLite and PostgreSQL):
//! 1. a first scan of 1 000 videos: mediascan with ffprobe at its default concurrency vs one
//!    file at a time vs `find -exec ffprobe`; and native-first (`--probe auto`, the default) vs
//!    ffprobe only, with the native probe's time per file on a warm cache;
//! 2. a rescan of an unchanged 100 000-file library with the real `mediascan` binary vs
//!    `find -printf '%s %T@'` (the catalog is built with a stand-in probe, see `crates/bench`);
//! 3. a rescan after 1 % of the files changed: how many were probed again;
//! 4. peak RSS of first scans of 100 000 and 1 000 000 files (stand-in probe);
//! 5. a first scan of a realistic library (`realistic`, also run alone as `cargo xtask bench
//!    realistic`): 31 files of 50–300 MB from mkvmerge, HandBrake, ffmpeg, MEncoder and
//!    GStreamer, cold page cache and warm, `--probe auto` vs `--probe ffprobe` vs ffprobe run
//!    as Jellyfin runs it for a library scan; medians of three runs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::{Result, cargo, root, run};

pub(crate) fn release(binary: &str) -> PathBuf {
    root().join("target/release").join(binary)
}

/// Runs a command quietly and returns its wall time in seconds.
pub(crate) fn timed(command: &mut Command) -> Result<f64> {
    let started = Instant::now();
    let status = command.stdout(Stdio::null()).stderr(Stdio::null()).status().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("{command:?} failed: {status}"));
    }
    Ok(started.elapsed().as_secs_f64())
}

/// Runs the bench driver and returns the JSON line it prints.
pub(crate) fn driver(args: &[&str]) -> Result<String> {
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
pub(crate) fn field(json: &str, key: &str) -> f64 {
    let Some(rest) = json.split(&format!("\"{key}\":")).nth(1) else { return f64::NAN };
    rest.trim_start()
        .split([',', '}'])
        .next()
        .and_then(|v| v.trim().trim_matches('"').parse().ok())
        .unwrap_or(f64::NAN)
}

pub(crate) fn sqlite_url(dir: &Path, name: &str) -> String {
    let path = dir.join(name);
    for suffix in ["", "-wal", "-shm"] {
        let _ = fs::remove_file(format!("{}{suffix}", path.display()));
    }
    format!("sqlite://{}", path.display())
}

pub(crate) fn best(runs: &[f64]) -> f64 {
    runs.iter().copied().fold(f64::INFINITY, f64::min)
}

pub struct Report {
    pub(crate) rows: Vec<(String, String)>,
    pub(crate) json: Vec<String>,
}

impl Report {
    pub(crate) fn add(&mut self, key: &str, label: String, value: f64) {
        self.rows.push((label, format!("{value:.3}")));
        self.json.push(format!("\"{key}\": {value}"));
    }
}

/// Empties the page cache (root only): `sync`, then `3` into `/proc/sys/vm/drop_caches`.
fn drop_caches() -> bool {
    Command::new("sync").status().is_ok_and(|s| s.success())
        && fs::write("/proc/sys/vm/drop_caches", "3\n").is_ok()
}

pub(crate) fn median(runs: &[f64]) -> f64 {
    let mut sorted = runs.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
}

fn video_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// ffprobe as Jellyfin's media encoder runs it when it scans a library
/// (MediaBrowser.MediaEncoding/Encoder/MediaEncoder.cs: the default `FFmpeg:analyzeduration`
/// 200M and `FFmpeg:probesize` 1G, `file:"<path>"`, `-threads 0`, chapters asked for).
/// Debian's ffprobe lacks jellyfin-ffmpeg's `-only_first_vframe`, so Jellyfin would not add
/// `-show_frames -only_first_vframe` with it either. `workers` files at a time.
fn jellyfin_ffprobe(files: &[PathBuf], workers: usize) -> Result<f64> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failed = std::sync::atomic::AtomicBool::new(false);
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                while let Some(file) = files.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                    let ok = Command::new("ffprobe")
                        .args(["-analyzeduration", "200M", "-probesize", "1G", "-i"])
                        .arg(format!("file:{}", file.display()))
                        .args(["-threads", "0", "-v", "warning", "-print_format", "json"])
                        .args(["-show_streams", "-show_chapters", "-show_format"])
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status()
                        .is_ok_and(|s| s.success());
                    if !ok {
                        failed.store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            });
        }
    });
    if failed.into_inner() {
        return Err("ffprobe (Jellyfin's arguments) failed on a file of the realistic library".into());
    }
    Ok(started.elapsed().as_secs_f64())
}

/// Section 5: the realistic library, cold and warm, native-first vs ffprobe vs Jellyfin's.
pub fn realistic(report: &mut Report, runs: usize) -> Result {
    let data = root().join("target/bench-data");
    let library = data.join("realistic");
    driver(&["gen-realistic", library.to_str().unwrap()])?;
    let files = video_files(&library);
    let n = files.len() as f64;
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let sizes: Vec<u64> = files.iter().filter_map(|f| fs::metadata(f).ok()).map(|m| m.len()).collect();
    let mut cold_ok = true;
    // (probe, cold) → seconds per run.
    let mut times: Vec<((&str, bool), Vec<f64>)> = Vec::new();
    let mut record = |key: (&'static str, bool), secs: f64| match times.iter_mut().find(|(k, _)| *k == key) {
        Some((_, v)) => v.push(secs),
        None => times.push((key, vec![secs])),
    };
    let mediascan = release("mediascan");
    for _ in 0..runs {
        for probe in ["auto", "ffprobe", "jellyfin"] {
            for cold in [true, false] {
                if cold {
                    cold_ok &= drop_caches();
                }
                let secs = if probe == "jellyfin" {
                    jellyfin_ffprobe(&files, cores)?
                } else {
                    let url = sqlite_url(&data, "realistic.db");
                    timed(
                        Command::new(&mediascan)
                            .arg("scan")
                            .arg(&library)
                            .args(["--json", "--probe", probe, "--db", &url]),
                    )?
                };
                record((probe, cold), secs);
            }
        }
    }
    let rate = |probe: &str, cold: bool| {
        times.iter().find(|(k, _)| *k == (probe, cold)).map_or(f64::NAN, |(_, v)| n / median(v))
    };
    let mb = |b: u64| b as f64 / 1e6;
    let label = format!(
        "realistic library ({} files, {:.0}–{:.0} MB, mkvmerge/HandBrake/ffmpeg/MEncoder/GStreamer)",
        files.len(),
        mb(sizes.iter().copied().min().unwrap_or(0)),
        mb(sizes.iter().copied().max().unwrap_or(0))
    );
    report.rows.push((label, String::new()));
    if !cold_ok {
        report.rows.push((
            "  (the page cache could not be dropped: not root?) cold = as found".into(),
            String::new(),
        ));
    }
    for (cold, name) in [(true, "cold"), (false, "warm")] {
        let (auto, ffprobe, jellyfin) = (rate("auto", cold), rate("ffprobe", cold), rate("jellyfin", cold));
        report.add(
            &format!("realistic_{name}_auto_files_per_sec"),
            format!("  {name}: --probe auto: files/s"),
            auto,
        );
        report.add(
            &format!("realistic_{name}_ffprobe_files_per_sec"),
            format!("  {name}: --probe ffprobe: files/s"),
            ffprobe,
        );
        report.add(
            &format!("realistic_{name}_jellyfin_files_per_sec"),
            format!("  {name}: ffprobe as Jellyfin runs it, {cores} at a time: files/s"),
            jellyfin,
        );
        let target = if cold { 10 } else { 25 };
        report.add(
            &format!("realistic_{name}_auto_vs_ffprobe"),
            format!("  {name}: auto / ffprobe (target >= {target})"),
            auto / ffprobe,
        );
        report.add(
            &format!("realistic_{name}_auto_vs_jellyfin"),
            format!("  {name}: auto / Jellyfin's ffprobe"),
            auto / jellyfin,
        );
    }
    let native = driver(&["native", library.to_str().unwrap()])?;
    report.add(
        "realistic_native_answered",
        "  answered by the native probe".into(),
        field(&native, "answered"),
    );
    report.add(
        "realistic_bytes_read_median_kib",
        "  native probe: bytes read per file, median: KiB (target <= 256)".into(),
        field(&native, "bytes_read_median") / 1024.0,
    );
    report.add(
        "realistic_bytes_read_max_kib",
        "  native probe: bytes read per file, max: KiB".into(),
        field(&native, "bytes_read_max") / 1024.0,
    );
    Ok(())
}

/// Builds the release binaries the benchmarks run.
pub(crate) fn build() -> Result {
    run(
        "build (release)",
        cargo().args(["build", "--release", "--locked", "-p", "app", "-p", "mediascan-bench"]),
    )
}

/// Prints the report and writes it to `target/bench/<name>.json`.
pub(crate) fn finish(report: &Report, name: &str) -> Result {
    let out = root().join("target/bench");
    fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let width = report.rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    println!("\n{name} benchmark ({cores} cores)\n");
    for (label, value) in &report.rows {
        println!("{label:<width$}  {value:>12}");
    }
    let file = out.join(format!("{name}.json"));
    fs::write(&file, format!("{{\n  {}\n}}\n", report.json.join(",\n  "))).map_err(|e| e.to_string())?;
    println!("\nwritten to {}", file.display());
    Ok(())
}

/// `cargo xtask bench realistic`: section 5 alone.
pub fn realistic_only() -> Result {
    build()?;
    let mut report = Report { rows: Vec::new(), json: Vec::new() };
    realistic(&mut report, 3)?;
    finish(&report, "realistic")
}

pub fn scan(quick: bool) -> Result {
    build()?;
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

    realistic(&mut report, 3)?;
    finish(&report, "scan")
}
