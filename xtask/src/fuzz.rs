//! `cargo xtask fuzz [--seconds N] [TARGET…]`: runs each cargo-fuzz target for N seconds
//! (default 60) and reports executions and findings.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::{Result, cargo, root, run};

const TARGETS: [&str; 7] =
    ["parse_path", "ffprobe_json", "native_mp4", "native_mkv", "native_avi", "native_codecs", "native_parts"];

pub fn fuzz(args: &[String]) -> Result {
    let mut seconds = 60u64;
    let mut targets: Vec<String> = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                let value = args.next().ok_or("--seconds needs a number")?;
                seconds = value.parse().map_err(|_| format!("--seconds: not a number: {value}"))?;
            }
            target if TARGETS.contains(&target) => targets.push(target.to_owned()),
            other => return Err(format!("unknown fuzz argument {other:?}; targets: {}", TARGETS.join(", "))),
        }
    }
    if targets.is_empty() {
        targets = TARGETS.iter().map(|t| (*t).to_owned()).collect();
    }
    if !cargo().args(["fuzz", "--version"]).output().is_ok_and(|o| o.status.success()) {
        run("install cargo-fuzz", cargo().args(["install", "--locked", "cargo-fuzz"]))?;
    }
    let fuzz_dir = root().join("fuzz");
    seed_parser(&fuzz_dir.join("corpus/parse_path"))?;
    seed_ffprobe(&fuzz_dir.join("corpus/ffprobe_json"))?;
    for (target, extensions) in [
        ("native_mp4", &["mp4", "mov", "m4a", "m4v"][..]),
        ("native_mkv", &["mkv", "webm"]),
        ("native_avi", &["avi"]),
        ("native_codecs", &["264", "hevc", "aac", "ac3", "eac3", "mp3", "ivf"]),
        ("native_parts", &["mp3", "aac"]),
    ] {
        seed_media(&fuzz_dir.join("corpus").join(target), extensions)?;
    }

    let mut report = Vec::new();
    for target in &targets {
        let log = fuzz_dir.join(format!("{target}.log"));
        let status = cargo()
            .current_dir(&fuzz_dir)
            // cargo-fuzz passes nightly-only flags (sanitizers); this lets the stable
            // toolchain accept them.
            .env("RUSTC_BOOTSTRAP", "1")
            .args([
                "fuzz",
                "run",
                target,
                "--",
                &format!("-max_total_time={seconds}"),
                "-print_final_stats=1",
            ])
            .stderr(fs::File::create(&log).map_err(|e| e.to_string())?)
            .status()
            .map_err(|e| format!("cannot run cargo fuzz: {e}"))?;
        let text = fs::read_to_string(&log).unwrap_or_default();
        let runs = text
            .lines()
            .find_map(|l| l.strip_prefix("stat::number_of_executed_units:"))
            .map_or_else(|| "?".to_owned(), |n| n.trim().to_owned());
        let findings = fs::read_dir(fuzz_dir.join("artifacts").join(target)).map_or(0, |d| d.count());
        report.push(format!(
            "{target:<14} {seconds:>6} s {runs:>12} executions  {findings} finding(s)  {}",
            if status.success() { "ok" } else { "CRASHED (see the log and fuzz/artifacts)" }
        ));
        if !status.success() {
            println!(
                "{}",
                text.lines()
                    .rev()
                    .take(30)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
    println!("\nfuzz report:\n{}", report.join("\n"));
    if report.iter().any(|l| l.contains("CRASHED")) { Err("a fuzz target crashed".into()) } else { Ok(()) }
}

/// Unescapes a JSON string body (the part between quotes).
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                if let Some(c) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(c);
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// The naming corpus's paths as seeds for the parser target.
fn seed_parser(dir: &Path) -> Result {
    fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let corpus = fs::read_to_string(root().join("crates/scanner-core/tests/corpus.jsonl"))
        .map_err(|e| e.to_string())?;
    for (i, line) in corpus.lines().enumerate() {
        let Some(rest) = line.split_once("\"path\": \"").map(|(_, r)| r) else { continue };
        let mut end = 0;
        let bytes = rest.as_bytes();
        while end < bytes.len() && !(bytes[end] == b'"' && (end == 0 || bytes[end - 1] != b'\\')) {
            end += 1;
        }
        fs::write(dir.join(format!("corpus-{i:04}")), unescape(&rest[..end])).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The test fixtures (if generated), the real-world corpus's included, with one of
/// `extensions`, as seeds for a native target; for the codec target, their first 4 KiB.
fn seed_media(dir: &Path, extensions: &[&str]) -> Result {
    fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let fixtures = root().join("target/test-fixtures");
    for folder in [fixtures.clone(), fixtures.join("realworld")] {
        let Ok(entries) = fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let hidden = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
            let small = entry.metadata().is_ok_and(|m| m.is_file() && m.len() <= 4 << 20);
            if hidden || !small || !path.extension().is_some_and(|e| extensions.iter().any(|x| e == *x)) {
                continue;
            }
            let name = path.file_name().unwrap_or_default();
            let mut bytes = fs::read(&path).map_err(|e| e.to_string())?;
            if dir.ends_with("native_codecs") || dir.ends_with("native_parts") {
                bytes.truncate(4096);
            }
            fs::write(dir.join(name), bytes).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Real ffprobe output for the test fixtures (if generated) as seeds for the JSON target.
fn seed_ffprobe(dir: &Path) -> Result {
    fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let Ok(fixtures) = fs::read_dir(root().join("target/test-fixtures")) else { return Ok(()) };
    for entry in fixtures.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e == "srt")
            || path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        let output = Command::new("ffprobe")
            .args(["-v", "error", "-print_format", "json", "-show_format", "-show_streams"])
            .arg(&path)
            .output();
        if let Ok(output) = output
            && output.status.success()
        {
            let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            fs::write(dir.join(name), output.stdout).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}
