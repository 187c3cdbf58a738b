//! mediascan-bench: the driver behind `cargo xtask bench scan`.
//!
//! - `gen <DIR> <FILES>`: a library of FILES videos (one real video made with ffmpeg, hard
//!   links to it), 50 per folder, in show/season folders. Kept between runs.
//! - `scan <DIR> <DATABASE_URL> [--touch N]`: scans DIR with the real walk, catalog and
//!   pipeline but a stand-in probe (the `MediaProbe` port answering at once), so that catalogs
//!   of a million files build in minutes. `--touch N` first gives N files a new inode and
//!   modification time. Prints one JSON object: time, probe calls, counts, peak RSS.
//!
//! - `gen-realistic <DIR>`: the realistic library (`testkit::realworld::BENCH`: files of
//!   50–300 MB from mkvmerge, HandBrake, ffmpeg, MEncoder and GStreamer), one folder per tool.
//! - `native <DIR>`: the native probe's time per file on a warm cache, and the bytes it read per
//!   file (median, max).
//! - `fill <DATABASE_URL> <FILES>`: a catalog of FILES varied records (containers, codecs,
//!   resolutions, dynamic ranges, audio) with their decisions in every built-in profile, written
//!   through the repository in batches, for `bench report`. Prints the seconds it took.
//!
//! Not a test and not shipped: a measuring tool.

// A measuring tool reports on stdout (results) and stderr (what it is doing).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::{Context, bail};
use async_trait::async_trait;
use serde_json::json;

use fs_jwalk::JwalkFileSource;
use repo_seaorm::{OpenMode, SeaOrmMediaRepository};
use scanner_core::ports::{MediaProbe, ProbeError};
use scanner_core::{MediaInfo, ScanRequest, Scanner, ScannerConfig, ScannerPorts};

mod fill;

const PER_FOLDER: usize = 50;

/// A probe that answers at once with a fixed H.264 file, counting its calls.
#[derive(Debug, Default)]
struct StandInProbe {
    calls: AtomicU64,
}

#[async_trait]
impl MediaProbe for StandInProbe {
    async fn check(&self) -> Result<String, ProbeError> {
        Ok("stand-in probe".into())
    }

    async fn probe(&self, _path: PathBuf) -> Result<MediaInfo, ProbeError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        Ok(MediaInfo {
            container: Some("mov,mp4,m4a,3gp,3g2,mj2".into()),
            duration_secs: Some(1.0),
            bit_rate: Some(200_000),
            video: Some(scanner_core::VideoStream {
                codec: "h264".into(),
                profile: Some("High".into()),
                width: Some(160),
                height: Some(120),
                frame_rate: Some(24.0),
                pix_fmt: Some("yuv420p".into()),
                bit_depth: Some(8),
                ..Default::default()
            }),
            audio: vec![scanner_core::AudioStream {
                index: 1,
                codec: "aac".into(),
                channels: Some(2),
                language: Some("eng".into()),
                default: true,
                ..Default::default()
            }],
            probe: Some("stand-in".into()),
            ..MediaInfo::default()
        })
    }
}

/// The path of the `i`th file of a generated library.
fn file_path(root: &Path, i: usize) -> PathBuf {
    let show = i / 1_000;
    let season = (i / PER_FOLDER) % 20 + 1;
    let episode = i % PER_FOLDER + 1;
    root.join(format!("Show {show:04}"))
        .join(format!("Season {season:02}"))
        .join(format!("Show {show:04} - S{season:02}E{episode:02} - Episode {i}.mp4"))
}

fn generate(root: &Path, files: usize, sidecars: bool) -> anyhow::Result<()> {
    let marker = root.join(".complete");
    if marker.exists() {
        return Ok(());
    }
    let fixture = testkit::presets::h264_aac_mp4();
    let started = Instant::now();
    fs::create_dir_all(root)?;
    let mut source = PathBuf::new();
    for i in 0..files {
        // File systems cap links per inode (ext4: 65 000): a fresh copy every 50 000.
        if i % 50_000 == 0 {
            // Outside the tree: the scan must not count it.
            source = root.with_extension(format!("source-{}.mp4", i / 50_000));
            if !source.exists() {
                fs::copy(&fixture, &source)?;
            }
        }
        let path = file_path(root, i);
        if i % PER_FOLDER == 0 {
            fs::create_dir_all(path.parent().unwrap())?;
        }
        if !path.exists() {
            fs::hard_link(&source, &path).with_context(|| format!("cannot link {}", path.display()))?;
        }
    }
    if sidecars {
        for i in 0..files {
            fs::write(sidecar_path(root, i), SUBTITLE)?;
        }
    }
    fs::write(marker, files.to_string())?;
    eprintln!("generated {files} files in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The subtitle written beside every video of a library generated with sidecars.
const SUBTITLE: &[u8] = b"1\n00:00:01,000 --> 00:00:02,000\nHello\n";

/// The `i`th video's sidecar: `….en.srt`.
fn sidecar_path(root: &Path, i: usize) -> PathBuf {
    file_path(root, i).with_extension("en.srt")
}

/// Rewrites `n` sidecars spread over the library (new size and time).
fn touch_sidecars(root: &Path, files: usize, n: usize) -> anyhow::Result<()> {
    let step = (files / n.max(1)).max(1);
    for i in (0..files).step_by(step).take(n) {
        fs::write(sidecar_path(root, i), [SUBTITLE, b"\n"].concat())?;
    }
    Ok(())
}

/// Gives `n` files spread over the library a new inode and modification time (a copy).
fn touch_videos(root: &Path, files: usize, n: usize) -> anyhow::Result<()> {
    let step = (files / n.max(1)).max(1);
    for i in (0..files).step_by(step).take(n) {
        let path = file_path(root, i);
        let bytes = fs::read(&path)?;
        fs::remove_file(&path)?;
        fs::write(&path, bytes)?;
    }
    Ok(())
}

/// What a scan changes in the library before it runs.
enum Touch {
    Nothing,
    Videos(usize),
    Sidecars(usize),
}

/// Peak resident set size of this process, in KiB.
fn peak_rss_kb() -> u64 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:").map(|v| v.trim().trim_end_matches(" kB").parse().ok()))
        })
        .flatten()
        .unwrap_or(0)
}

async fn scan(root: &Path, url: &str, touch: Touch) -> anyhow::Result<()> {
    let files: usize = fs::read_to_string(root.join(".complete"))?.trim().parse()?;
    match touch {
        Touch::Nothing => {}
        Touch::Videos(n) => touch_videos(root, files, n)?,
        Touch::Sidecars(n) => touch_sidecars(root, files, n)?,
    }
    let catalog = Arc::new(SeaOrmMediaRepository::open(url, OpenMode::Migrate).await?);
    let probe = Arc::new(StandInProbe::default());
    let ports = ScannerPorts {
        source: Arc::new(JwalkFileSource::new()),
        probe: probe.clone(),
        repo: catalog.clone(),
        scans: Arc::new(catalog.scans()),
    };
    let config = ScannerConfig {
        holder: app::node::holder(None),
        probe_concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
        ..ScannerConfig::default()
    };
    let scanner = Scanner::new(ports, config);
    let started = Instant::now();
    let id = scanner.start(ScanRequest::new(root)).await?;
    let done = scanner.wait(id).await?;
    let seconds = started.elapsed().as_secs_f64();
    scanner.shutdown().await;
    let report = json!({
        "status": done.status,
        "files": done.total_files,
        "seconds": seconds,
        "files_per_sec": done.total_files as f64 / seconds,
        "probes": probe.calls.load(Ordering::Relaxed),
        "new": done.new_files,
        "changed": done.changed_files,
        "unchanged": done.unchanged_files,
        "missing": done.missing_files,
        "peak_rss_kb": peak_rss_kb(),
    });
    println!("{report}");
    Ok(())
}

/// Makes the realistic library's files (cached in the fixtures) and links them under `root`.
fn generate_realistic(root: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    for recipe in testkit::realworld::BENCH {
        let file = testkit::realworld::build(recipe).context("a tool of the benchmark library is missing")?;
        let name: String =
            recipe.name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
        let dest = root.join(recipe.source).join(format!("{}.{}", name.trim(), recipe.ext));
        if !dest.exists() {
            testkit::place(&file, &dest);
        }
    }
    eprintln!("realistic library ready in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Times the native probe on every file under `dir`, three passes (the first warms the page
/// cache); prints the best pass's time per file as JSON.
fn native(dir: &Path) -> anyhow::Result<()> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
            } else if path
                .extension()
                .is_some_and(|e| ["mp4", "mkv", "avi", "mov", "m4v", "webm"].iter().any(|x| e == *x))
            {
                files.push(path);
            }
        }
    }
    let max = probe_native::NativeProbe::default().max_bytes;
    let (mut best, mut answered) = (f64::MAX, 0);
    let mut bytes = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        answered = 0;
        bytes.clear();
        for file in &files {
            let (answer, read) = probe_native::read_headers_counted(file, max)?;
            if let probe_native::Answer::Known(_) = answer {
                answered += 1;
            }
            bytes.push(read);
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    bytes.sort_unstable();
    let report = serde_json::json!({
        "files": files.len(),
        "answered": answered,
        "micros_per_file": best * 1e6 / files.len().max(1) as f64,
        "bytes_read_median": bytes.get(bytes.len() / 2).copied().unwrap_or(0),
        "bytes_read_max": bytes.last().copied().unwrap_or(0),
    });
    println!("{report}");
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["gen", dir, files] => generate(Path::new(dir), files.parse()?, false),
        ["gen", dir, files, "--sidecars"] => generate(Path::new(dir), files.parse()?, true),
        ["scan", dir, url] => runtime.block_on(scan(Path::new(dir), url, Touch::Nothing)),
        ["scan", dir, url, "--touch", n] => {
            runtime.block_on(scan(Path::new(dir), url, Touch::Videos(n.parse()?)))
        }
        ["scan", dir, url, "--touch-sidecars", n] => {
            runtime.block_on(scan(Path::new(dir), url, Touch::Sidecars(n.parse()?)))
        }
        ["native", dir] => native(Path::new(dir)),
        ["gen-realistic", dir] => generate_realistic(Path::new(dir)),
        ["fill", url, files] => runtime.block_on(fill::fill(url, files.parse()?)),
        ["pg-schema", name] => {
            let url = runtime.block_on(testkit::pg::recreate_schema(name)).map_err(anyhow::Error::msg)?;
            println!("{url}");
            Ok(())
        }
        _ => bail!(
            "usage: mediascan-bench gen <DIR> <FILES> [--sidecars] | gen-realistic <DIR> | scan <DIR> <DATABASE_URL> [--touch N | --touch-sidecars N] | native <DIR> | fill <DATABASE_URL> <FILES> | pg-schema <NAME>"
        ),
    }
}
