//! `cargo xtask api [--seconds N]`: the HTTP API against its own OpenAPI document.
//!
//! 1. The document (`mediascan serve --openapi`) is validated with `openapi-spec-validator`.
//! 2. For SQLite and for PostgreSQL, a real `mediascan serve` with a token and a small library
//!    is attacked by schemathesis with every check, for N seconds each; any failure fails.
//!
//! Both tools come from PyPI at pinned versions, in a virtual environment under `target/`.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Result, cargo, run, target_dir};

/// The versions CI runs; bump deliberately.
const SCHEMATHESIS: &str = "schemathesis==4.32.5";
const SPEC_VALIDATOR: &str = "openapi-spec-validator==0.9.0";

/// The token the servers under test require (long enough for any address).
const TOKEN: &str = "api-contract-check-token-0123456789";

/// A Python virtual environment with the pinned tools; returns its `bin` folder.
fn python_tools() -> Result<PathBuf> {
    let venv = target_dir().join("py-tools");
    let bin = venv.join("bin");
    let stamp = venv.join(format!("{SCHEMATHESIS}+{SPEC_VALIDATOR}"));
    if stamp.exists() {
        return Ok(bin);
    }
    run("python venv", Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    run(
        "install schemathesis and openapi-spec-validator",
        Command::new(bin.join("pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            SCHEMATHESIS,
            SPEC_VALIDATOR,
        ]),
    )?;
    fs::write(&stamp, "").map_err(|e| e.to_string())?;
    Ok(bin)
}

/// A few seconds of real video, so that scans started by the fuzzer have something to probe.
fn library(dir: &Path) -> Result {
    fs::create_dir_all(dir.join("Show/Season 1")).map_err(|e| e.to_string())?;
    for (name, seconds) in [("Show/Season 1/Show.S01E01.mp4", "1"), ("Show/Season 1/Show.S01E02.mp4", "2")] {
        let file = dir.join(name);
        if file.exists() {
            continue;
        }
        run(
            "make a test video",
            Command::new("ffmpeg")
                .args([
                    "-v",
                    "error",
                    "-y",
                    "-f",
                    "lavfi",
                    "-i",
                    "testsrc=size=160x120:rate=10",
                    "-t",
                    seconds,
                ])
                .args(["-c:v", "libx264", "-pix_fmt", "yuv420p"])
                .arg(&file),
        )?;
    }
    Ok(())
}

/// `mediascan serve` on an ephemeral port; returns the child and its base URL.
fn serve(exe: &Path, config: &Path, db: &str) -> Result<(Child, String)> {
    let mut child = Command::new(exe)
        .arg("--config")
        .arg(config)
        .args(["serve", "--listen", "127.0.0.1:0", "--db", db])
        .env("MEDIASCAN_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start mediascan serve: {e}"))?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(|l| l.ok()) {
            if let Some(address) = line.strip_prefix("mediascan: listening on ") {
                let _ = tx.send(address.to_owned());
            } else {
                eprintln!("server: {line}");
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(base) => Ok((child, base)),
        Err(_) => {
            let _ = child.kill();
            Err("mediascan serve did not start".into())
        }
    }
}

/// A PostgreSQL schema of its own on the test server, through psql; returns the URL.
fn postgres_schema(name: &str) -> Result<String> {
    let base = std::env::var("MEDIASCAN_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let sql = format!("DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name};");
    run(
        "fresh PostgreSQL schema",
        Command::new("psql").args(["-q", "-v", "ON_ERROR_STOP=1", &base, "-c", &sql]),
    )?;
    let sep = if base.contains('?') { '&' } else { '?' };
    Ok(format!("{base}{sep}options[search_path]={name}"))
}

/// Counts in schemathesis's JSON report: (test cases run, failures).
fn figures(report: &Path) -> (u64, u64) {
    let text = fs::read_to_string(report).unwrap_or_default();
    let number = |key: &str| {
        text.split(&format!("\"{key}\":"))
            .skip(1)
            .filter_map(|rest| {
                rest.trim_start().split(|c: char| !c.is_ascii_digit()).next()?.parse::<u64>().ok()
            })
            .sum::<u64>()
    };
    (number("generated"), number("unique_failures"))
}

pub fn check(args: &[String]) -> Result {
    let mut seconds = 60u64;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                let value = args.next().ok_or("--seconds needs a number")?;
                seconds = value.parse().map_err(|_| format!("--seconds: not a number: {value}"))?;
            }
            other => return Err(format!("unknown argument {other:?} for `cargo xtask api`")),
        }
    }
    let tools = python_tools()?;
    run("build mediascan", cargo().args(["build", "--locked", "-p", "app", "--bin", "mediascan"]))?;
    let exe = target_dir().join("debug/mediascan");
    let work = target_dir().join("api-contract");
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).map_err(|e| e.to_string())?;

    let document = Command::new(&exe).args(["serve", "--openapi"]).output().map_err(|e| e.to_string())?;
    let doc_path = work.join("openapi.json");
    fs::write(&doc_path, &document.stdout).map_err(|e| e.to_string())?;
    run("openapi-spec-validator", Command::new(tools.join("openapi-spec-validator")).arg(&doc_path))?;

    let media = target_dir().join("api-contract-library");
    library(&media)?;
    let config = work.join("config.toml");
    let text = format!(
        "[scanner]\nlease_ttl_secs = 5\n[server]\ntoken = \"{TOKEN}\"\n[libraries.tv]\nroot = {:?}\n",
        media.display().to_string()
    );
    fs::write(&config, text).map_err(|e| e.to_string())?;

    // What no schema can say, told to the checks: a webhook's path outside every configured
    // library is well-formed JSON the API must refuse with 422 (issue 16), and a webhook body over
    // its limit is 413 before anything reads it. Everything else keeps the default expectations.
    let checks = work.join("schemathesis.toml");
    let hooks = r#"
[[operations]]
include-path-regex = "^/api/v1/hooks/"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
checks.negative_data_rejection.expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
"#;
    fs::write(&checks, hooks).map_err(|e| e.to_string())?;

    let mut summary = Vec::new();
    let backends = [
        ("sqlite", format!("sqlite://{}", work.join("catalog.db").display())),
        ("postgres", postgres_schema("mediascan_api_contract")?),
    ];
    for (backend, db) in backends {
        let (mut server, base) = serve(&exe, &config, &db)?;
        let report = work.join(backend);
        let started = Instant::now();
        let status = Command::new(tools.join("schemathesis"))
            // Its cache (`.schemathesis/`) goes with the run, not into the checkout.
            .current_dir(&work)
            .arg("--config-file")
            .arg(&checks)
            .arg("run")
            .arg(format!("{base}/api/v1/openapi.json"))
            .args(["--checks", "all", "--max-time", &seconds.to_string(), "--workers", "1"])
            .args(["--header", &format!("Authorization: Bearer {TOKEN}")])
            .args(["--report", "json", "--report-dir"])
            .arg(&report)
            .args(["--seed", "20261128", "--suppress-health-check", "too_slow"])
            .status();
        let _ = server.kill();
        let _ = server.wait();
        let status = status.map_err(|e| format!("cannot run schemathesis: {e}"))?;
        let json = fs::read_dir(&report)
            .ok()
            .and_then(|d| d.flatten().map(|e| e.path()).find(|p| p.extension().is_some_and(|e| e == "json")));
        let (cases, failures) = json.as_deref().map(figures).unwrap_or((0, 0));
        summary.push(format!(
            "{backend:<9} {cases:>7} test cases in {:>4.0} s, {failures} failure(s): {}",
            started.elapsed().as_secs_f64(),
            if status.success() { "ok" } else { "FAILED" }
        ));
        if !status.success() {
            println!("\napi contract:\n{}", summary.join("\n"));
            return Err(format!("schemathesis found failures on {backend} (report in {})", report.display()));
        }
    }
    println!("\napi contract:\n{}", summary.join("\n"));
    Ok(())
}
