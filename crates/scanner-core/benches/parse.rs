//! Parser benchmark: names per second on the naming corpus, and — where guessit is installed
//! (`pip install guessit`) — guessit's speed and accuracy on the same names, in the same run.
//! Prints a table and writes `target/bench/parse.json`. Run with `cargo xtask bench parser`.

// A benchmark reports on stdout.
#![allow(clippy::print_stdout)]

// The corpus test reads fields the benchmark does not.
#[allow(dead_code)]
#[path = "../tests/it/corpus_case.rs"]
mod corpus_case;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::{Value, json};

use corpus_case::Case;

/// Passes over the corpus per timed run; the best of `RUNS` runs counts.
const PASSES: usize = 200;
const RUNS: usize = 5;

fn ours(cases: &[Case]) -> (Vec<Value>, f64) {
    let paths: Vec<PathBuf> = cases.iter().map(|c| PathBuf::from(&c.path)).collect();
    let answers = paths.iter().map(|p| serde_json::to_value(scanner_core::parse_path(p)).unwrap()).collect();
    let mut best = f64::INFINITY;
    for _ in 0..RUNS {
        let started = Instant::now();
        for _ in 0..PASSES {
            for path in &paths {
                std::hint::black_box(scanner_core::parse_path(std::hint::black_box(path)));
            }
        }
        best = best.min(started.elapsed().as_secs_f64() / PASSES as f64);
    }
    (answers, best)
}

/// guessit's answers and seconds per pass, or why there are none.
fn guessit(cases: &[Case]) -> Result<(Vec<Value>, f64, String), String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/guessit_answers.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped");
    for case in cases {
        writeln!(stdin, "{}", case.path).map_err(|e| e.to_string())?;
    }
    drop(stdin);
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    let report: Value = serde_json::from_slice(&output.stdout).map_err(|e| format!("guessit script: {e}"))?;
    if let Some(error) = report["error"].as_str() {
        return Err(error.to_owned());
    }
    let answers = report["results"].as_array().ok_or("no results")?.clone();
    let seconds = report["seconds_per_pass"].as_f64().ok_or("no timing")?;
    Ok((answers, seconds, report["version"].as_str().unwrap_or("?").to_owned()))
}

/// Correct cases per category (strict, lenient) and in total.
fn score(cases: &[Case], answers: &[Value]) -> BTreeMap<String, (usize, usize, usize)> {
    let mut per: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for (case, got) in cases.iter().zip(answers) {
        for key in [case.category.clone(), "ALL".to_owned()] {
            let entry = per.entry(key).or_default();
            entry.0 += usize::from(corpus_case::mismatches(case, got, false).is_empty());
            entry.1 += usize::from(corpus_case::mismatches(case, got, true).is_empty());
            entry.2 += 1;
        }
    }
    per
}

fn pct(n: usize, of: usize) -> f64 {
    100.0 * n as f64 / of.max(1) as f64
}

fn main() {
    let corpus = report("corpus", corpus_case::load(include_str!("../tests/corpus.jsonl")));
    let holdout = report("holdout", corpus_case::load(include_str!("../tests/holdout.jsonl")));
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    std::fs::create_dir_all(&dir).expect("cannot create target/bench");
    let file = dir.join("parse.json");
    let report = json!({ "corpus": corpus, "holdout": holdout });
    std::fs::write(&file, serde_json::to_string_pretty(&report).unwrap()).expect("cannot write the report");
    println!("\nwritten to {}", file.display());
}

/// Times and scores both parsers on one set of cases; prints a table and returns it as JSON.
fn report(name: &str, cases: Vec<Case>) -> Value {
    let (our_answers, our_seconds) = ours(&cases);
    let our_rate = cases.len() as f64 / our_seconds;
    let our_score = score(&cases, &our_answers);
    let theirs = guessit(&cases);

    println!("\nparser benchmark: {} names from the {name} set\n", cases.len());
    println!("{:<14} {:>22} {:>22}", "category", "mediascan strict/lenient", "guessit strict/lenient");
    let their_score = theirs.as_ref().ok().map(|(answers, _, _)| score(&cases, answers));
    let mut categories = serde_json::Map::new();
    for (category, &(strict, lenient, total)) in &our_score {
        let theirs_cell = match their_score.as_ref().and_then(|s| s.get(category)) {
            Some(&(s, l, t)) => format!("{:>9.1}% / {:>5.1}%", pct(s, t), pct(l, t)),
            None => "-".to_owned(),
        };
        println!(
            "{category:<14} {:>9.1}% / {:>5.1}% {theirs_cell:>22}",
            pct(strict, total),
            pct(lenient, total)
        );
        let mut entry = json!({ "cases": total, "mediascan": { "strict": strict, "lenient": lenient } });
        if let Some(&(s, l, _)) = their_score.as_ref().and_then(|sc| sc.get(category)) {
            entry["guessit"] = json!({ "strict": s, "lenient": l });
        }
        categories.insert(category.clone(), entry);
    }
    println!(
        "\nmediascan: {our_rate:>12.0} names/s ({:.2} µs per name)",
        our_seconds * 1e6 / cases.len() as f64
    );
    let mut report = json!({
        "corpus_cases": cases.len(),
        "mediascan": { "names_per_second": our_rate },
        "categories": categories,
    });
    match &theirs {
        Ok((_, seconds, version)) => {
            let rate = cases.len() as f64 / seconds;
            println!(
                "guessit {version}: {rate:>8.0} names/s ({:.0} µs per name)",
                seconds * 1e6 / cases.len() as f64
            );
            println!("speed ratio: mediascan is {:.0}× guessit", our_rate / rate);
            report["guessit"] = json!({ "version": version, "names_per_second": rate });
            report["speed_ratio"] = json!(our_rate / rate);
        }
        Err(why) => println!("guessit: not measured ({why})"),
    }
    report
}
