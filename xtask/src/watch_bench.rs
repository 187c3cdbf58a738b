//! `cargo xtask bench watch`: `mediascan watch` with the release binary, on SQLite.
//!
//! 1. Latency from a file's last write to its row in the catalog, with events and with polling
//!    (`settle_secs` 2, `poll_interval_secs` 5): 20 files one after another, p50 and p99.
//! 2. A burst of 10 000 new files in 100 folders: scans run, time until every row is there,
//!    files probed (new + changed over the watcher's scans: 10 000 means none twice).
//! 3. A 2 GB file copied slowly (`SLOW_RATE` bytes/s by a paced writer) into a watched
//!    library: how many times it was probed (1 is right), the duration stored against
//!    ffprobe's, and the time from the copy's end to its row.
//! 4. An unchanged 100 000-file library watched with events: CPU time of the process over
//!    `IDLE_SECS` and its RSS at the start and the end.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::Result;
use crate::bench::{Report, build, driver, finish, median, release};

const SETTLE: u64 = 2;
const POLL: u64 = 5;
const SAMPLES: usize = 20;
const IDLE_SECS: u64 = 600;
/// 20 MB/s: a copy from a slow disk or over a network.
const SLOW_RATE: u64 = 20_000_000;

fn config(dir: &Path, root: &Path) -> Result<PathBuf> {
    let path = dir.join("watch-bench.toml");
    let text = format!(
        "[scanner]\nprobe = \"native\"\nsettle_secs = {SETTLE}\npoll_interval_secs = {POLL}\n\
         [libraries.lib]\nroot = {:?}\n",
        root.display().to_string()
    );
    fs::write(&path, text).map_err(|e| e.to_string())?;
    Ok(path)
}

/// `mediascan watch`, its stderr in a file, killed when dropped.
struct Watch(Child);

impl Watch {
    fn start(config: &Path, db: &str, mode: &str, log: &Path) -> Result<Self> {
        let stderr = fs::File::create(log).map_err(|e| e.to_string())?;
        let child = Command::new(release("mediascan"))
            .arg("--config")
            .arg(config)
            .args(["watch", "--mode", mode, "--db", db])
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .map_err(|e| e.to_string())?;
        let watch = Self(child);
        let ready = format!("lib: {mode} ok");
        wait("the watcher to start", Duration::from_secs(300), || {
            fs::read_to_string(log).is_ok_and(|l| l.contains(&ready))
        })?;
        Ok(watch)
    }

    /// User plus system CPU seconds, and resident kB, from /proc.
    fn usage(&self) -> (f64, u64) {
        let pid = self.0.id();
        let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, r)| r).split_whitespace().collect();
        let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        // Fields 14 and 15 (utime, stime), counted after the command name: indexes 11 and 12.
        let cpu = (ticks(11) + ticks(12)) / 100.0;
        let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let rss = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0);
        (cpu, rss)
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status();
        let _ = self.0.wait();
    }
}

fn wait(what: &str, deadline: Duration, mut done: impl FnMut() -> bool) -> Result {
    let started = Instant::now();
    while !done() {
        if started.elapsed() > deadline {
            return Err(format!("{what}: not within {deadline:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

/// The catalog's paths (one `mediascan media --json` run).
fn catalogued(config: &Path, db: &str, prefix: &Path) -> Vec<String> {
    let output = Command::new(release("mediascan"))
        .arg("--config")
        .arg(config)
        .args(["media", "--json", "--db", db, "--path-prefix"])
        .arg(prefix)
        .output();
    let text = output.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    text.lines().filter_map(|l| l.split("\"path\":\"").nth(1)?.split('"').next().map(str::to_owned)).collect()
}

/// Sum of a count over the watcher's scans, and how many there were.
fn watch_scans(config: &Path, db: &str) -> (usize, f64) {
    let output = Command::new(release("mediascan"))
        .arg("--config")
        .arg(config)
        .args(["scans", "--json", "--limit", "10000", "--db", db])
        .output();
    let text = output.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    let scans: Vec<&str> = text.lines().filter(|l| l.contains("\"trigger\":\"watch\"")).collect();
    let probed = scans
        .iter()
        .map(|s| crate::bench::field(s, "new_files") + crate::bench::field(s, "changed_files"))
        .sum();
    (scans.len(), probed)
}

fn percentile(samples: &[f64], p: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or(f64::NAN)
}

fn fresh(dir: &Path) -> Result {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).map_err(|e| e.to_string())
}

fn latency(report: &mut Report, data: &Path, clip: &Path, mode: &str) -> Result {
    let root = data.join(format!("latency-{mode}"));
    fresh(&root)?;
    for folder in 0..5 {
        fs::create_dir_all(root.join(format!("F{folder}"))).map_err(|e| e.to_string())?;
    }
    let db = format!("sqlite://{}", data.join(format!("latency-{mode}.db")).display());
    let _ = fs::remove_file(data.join(format!("latency-{mode}.db")));
    let config = config(data, &root)?;
    let watch = Watch::start(&config, &db, mode, &data.join(format!("latency-{mode}.log")))?;
    let bytes = fs::read(clip).map_err(|e| e.to_string())?;
    let mut samples = Vec::new();
    for i in 0..SAMPLES {
        let path = root.join(format!("F{}/clip {i}.mp4", i % 5));
        fs::write(&path, &bytes).map_err(|e| e.to_string())?;
        let written = Instant::now();
        let wanted = path.display().to_string();
        wait("the row", Duration::from_secs(120), || catalogued(&config, &db, &root).contains(&wanted))?;
        samples.push(written.elapsed().as_secs_f64());
    }
    drop(watch);
    let bound = if mode == "poll" { POLL + SETTLE + 2 } else { SETTLE + 2 };
    report.add(
        &format!("watch_{mode}_latency_p50_secs"),
        format!("  {mode}: last write → row, p50: s (target ≤ {bound})"),
        median(&samples),
    );
    report.add(
        &format!("watch_{mode}_latency_p99_secs"),
        format!("  {mode}: last write → row, p99 of {SAMPLES}: s (target ≤ {bound})"),
        percentile(&samples, 0.99),
    );
    Ok(())
}

fn burst(report: &mut Report, data: &Path, clip: &Path) -> Result {
    let root = data.join("burst");
    fresh(&root)?;
    let db = format!("sqlite://{}", data.join("burst.db").display());
    let _ = fs::remove_file(data.join("burst.db"));
    let config = config(data, &root)?;
    let watch = Watch::start(&config, &db, "events", &data.join("burst.log"))?;
    let started = Instant::now();
    for folder in 0..100 {
        let dir = root.join(format!("Show {folder}"));
        fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        for file in 0..100 {
            fs::hard_link(clip, dir.join(format!("e{file}.mp4"))).map_err(|e| e.to_string())?;
        }
    }
    let written = started.elapsed().as_secs_f64();
    wait("10 000 rows", Duration::from_secs(1800), || {
        std::thread::sleep(Duration::from_millis(500));
        catalogued(&config, &db, &root).len() == 10_000
    })?;
    let total = started.elapsed().as_secs_f64();
    drop(watch);
    let (scans, probed) = watch_scans(&config, &db);
    report.add(
        "watch_burst_write_secs",
        "  burst of 10 000 files in 100 folders: writing them: s".into(),
        written,
    );
    report.add("watch_burst_total_secs", "  burst: first write → 10 000 rows: s".into(), total);
    report.add("watch_burst_scans", "  burst: scans run".into(), scans as f64);
    report.add("watch_burst_probed", "  burst: files probed (10 000 = none twice)".into(), probed);
    Ok(())
}

/// A 2 GB Matroska file of raw 1080p video (quick to make, and as big as a film).
fn big_file(data: &Path) -> Result<PathBuf> {
    let path = data.join("big-2gb.mkv");
    if path.is_file() {
        return Ok(path);
    }
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25", "-t", "26"])
        .args(["-c:v", "rawvideo", "-pix_fmt", "yuv420p", "-f", "matroska"])
        .arg(&path)
        .status()
        .map_err(|e| format!("ffmpeg: {e}"))?;
    if !status.success() {
        return Err("ffmpeg could not make the 2 GB file".into());
    }
    Ok(path)
}

/// Seconds of `file` as ffprobe reads its container.
fn ffprobe_duration(file: &Path) -> f64 {
    let output = Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0"])
        .arg(file)
        .output();
    output.ok().and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok()).unwrap_or(f64::NAN)
}

fn slow_copy(report: &mut Report, data: &Path) -> Result {
    use std::io::{Read, Write};
    let source = big_file(data)?;
    let root = data.join("slow-copy");
    fresh(&root)?;
    let db = format!("sqlite://{}", data.join("slow-copy.db").display());
    let _ = fs::remove_file(data.join("slow-copy.db"));
    let config = config(data, &root)?;
    // Raw video is ffprobe's to read: probe as a user's default does.
    let text = fs::read_to_string(&config).map_err(|e| e.to_string())?;
    fs::write(&config, text.replace("probe = \"native\"", "probe = \"auto\"")).map_err(|e| e.to_string())?;
    let watch = Watch::start(&config, &db, "events", &data.join("slow-copy.log"))?;
    let target = root.join("Big Film (2024).mkv");
    let mut reader = fs::File::open(&source).map_err(|e| e.to_string())?;
    let mut writer = fs::File::create(&target).map_err(|e| e.to_string())?;
    let mut chunk = vec![0u8; 4 << 20];
    let (started, mut copied) = (Instant::now(), 0u64);
    loop {
        let n = reader.read(&mut chunk).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        writer.write_all(&chunk[..n]).map_err(|e| e.to_string())?;
        copied += n as u64;
        let due = Duration::from_secs_f64(copied as f64 / SLOW_RATE as f64);
        if let Some(ahead) = due.checked_sub(started.elapsed()) {
            std::thread::sleep(ahead);
        }
    }
    drop(writer);
    let ended = Instant::now();
    let copy_secs = started.elapsed().as_secs_f64();
    let wanted = target.display().to_string();
    wait("the copied file's row", Duration::from_secs(600), || {
        std::thread::sleep(Duration::from_millis(200));
        catalogued(&config, &db, &root).contains(&wanted)
    })?;
    let latency = ended.elapsed().as_secs_f64();
    drop(watch);
    let (_, probed) = watch_scans(&config, &db);
    let output = Command::new(release("mediascan"))
        .arg("--config")
        .arg(&config)
        .args(["media", "--json", "--db", &db])
        .output()
        .map_err(|e| e.to_string())?;
    let row = String::from_utf8_lossy(&output.stdout).into_owned();
    let stored = crate::bench::field(&row, "duration_secs");
    let gb = copied as f64 / 1e9;
    report.add(
        "watch_slow_copy_gb",
        format!("  slow copy: file size: GB (at {} MB/s)", SLOW_RATE / 1_000_000),
        gb,
    );
    report.add("watch_slow_copy_secs", "  slow copy: copying: s".into(), copy_secs);
    report.add("watch_slow_copy_probes", "  slow copy: times probed (target 1)".into(), probed);
    report.add("watch_slow_copy_latency_secs", "  slow copy: end of copy → row: s".into(), latency);
    report.add("watch_slow_copy_duration_secs", "  slow copy: duration stored: s".into(), stored);
    report.add(
        "watch_slow_copy_ffprobe_secs",
        "  slow copy: duration by ffprobe: s".into(),
        ffprobe_duration(&source),
    );
    Ok(())
}

fn idle(report: &mut Report, data: &Path) -> Result {
    let root = data.join("watch-100k");
    if !root.is_dir() {
        driver(&["gen", root.to_str().unwrap_or_default(), "100000"])?;
    }
    let db_path = data.join("watch-100k.db");
    let db = format!("sqlite://{}", db_path.display());
    if !db_path.is_file() {
        driver(&["scan", root.to_str().unwrap_or_default(), &db])?;
    }
    let config = config(data, &root)?;
    let watch = Watch::start(&config, &db, "events", &data.join("idle.log"))?;
    let (cpu0, rss0) = watch.usage();
    std::thread::sleep(Duration::from_secs(IDLE_SECS));
    let (cpu1, rss1) = watch.usage();
    report.add("watch_idle_setup_cpu_secs", "  100 000 files, events: CPU to start watching: s".into(), cpu0);
    report.add(
        "watch_idle_cpu_secs",
        format!("  100 000 files, events, no changes: CPU over {IDLE_SECS} s: s (target < 1 per 600 s)"),
        cpu1 - cpu0,
    );
    report.add("watch_idle_rss_start_kb", "  idle: RSS at start: kB".into(), rss0 as f64);
    report.add("watch_idle_rss_end_kb", format!("  idle: RSS after {IDLE_SECS} s: kB"), rss1 as f64);
    Ok(())
}

pub fn watch_bench() -> Result {
    build()?;
    let data = crate::root().join("target/bench-data/watch");
    fs::create_dir_all(&data).map_err(|e| e.to_string())?;
    // A real video from the generated library: the native probe reads it.
    let clips = data.join("clips");
    if !clips.is_dir() {
        driver(&["gen", clips.to_str().unwrap_or_default(), "1"])?;
    }
    let clip = find_video(&clips).ok_or("no video in the generated clip library")?;
    let mut report = Report { rows: Vec::new(), json: Vec::new() };
    report.rows.push((format!("latency (settle_secs {SETTLE}, poll_interval_secs {POLL})"), String::new()));
    latency(&mut report, &data, &clip, "events")?;
    latency(&mut report, &data, &clip, "poll")?;
    burst(&mut report, &data, &clip)?;
    slow_copy(&mut report, &data)?;
    idle(&mut report, &data)?;
    finish(&report, "watch")
}

fn find_video(dir: &Path) -> Option<PathBuf> {
    for entry in fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if let Some(found) = find_video(&path) {
                return Some(found);
            }
        } else if path.extension().is_some_and(|e| e == "mp4" || e == "mkv") {
            return Some(path);
        }
    }
    None
}
