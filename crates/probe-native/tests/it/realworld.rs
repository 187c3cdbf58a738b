//! The native probe against ffprobe on files made the way real libraries are made
//! (`testkit::realworld`): of the files ffprobe reads, the native probe must answer at least
//! [`FLOOR`], and every answer must equal the ffprobe adapter's in every stored field.

use std::collections::BTreeMap;
use std::path::PathBuf;

use probe_ffprobe::{FfprobeConfig, FfprobeMediaProbe};
use probe_native::{Answer, NativeProbe, read_headers};
use scanner_core::ports::MediaProbe;
use testkit::realworld::{self, RECIPES, Recipe};

use crate::differential::{differences, report};

/// The share of the files ffprobe reads that the native probe must answer: the 95 % issue 13
/// asks for. What is left (AAC that may be HE-AAC v2, MPEG audio in Matroska whose frames'
/// bit rates differ, files libavformat reads only in part) falls back for reasons
/// docs/architecture.md gives.
const FLOOR: f64 = 0.95;

/// Every recipe's file, made two at a time (the machine has two cores).
fn build_all() -> Vec<(&'static Recipe, PathBuf)> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let built = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(recipe) = RECIPES.get(i) else { break };
                    if let Some(path) = realworld::build(recipe) {
                        built.lock().unwrap().push((i, recipe, path));
                    }
                }
            });
        }
    });
    let mut built = built.into_inner().unwrap();
    built.sort_by_key(|(i, ..)| *i);
    built.into_iter().map(|(_, recipe, path)| (recipe, path)).collect()
}

#[derive(Default)]
struct Row {
    files: usize,
    readable: usize,
    native: usize,
    mismatches: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_real_world_files_the_native_probe_answers_and_agrees() {
    testkit::require_ffmpeg();
    let ffprobe = FfprobeMediaProbe::new(FfprobeConfig::default());
    let mut table: BTreeMap<&str, Row> = BTreeMap::new();
    let (mut mismatches, mut unsure) = (Vec::new(), Vec::new());
    for (recipe, path) in build_all() {
        let row = table.entry(recipe.source).or_default();
        row.files += 1;
        let Ok(expected) = ffprobe.probe(path.clone()).await else {
            // Not a file ffprobe reads: the native probe must not answer either.
            if let Answer::Known(info) = read_headers(&path, NativeProbe::default().max_bytes).unwrap() {
                mismatches.push(format!("{}: ffprobe fails, native answered {info:?}", recipe.name));
                row.mismatches += 1;
            }
            continue;
        };
        row.readable += 1;
        match read_headers(&path, NativeProbe::default().max_bytes).unwrap() {
            Answer::Known(info) => {
                row.native += 1;
                let diff = differences(&info, &expected);
                if !diff.is_empty() {
                    row.mismatches += 1;
                    mismatches.push(format!("{}: {}", recipe.name, diff.join("; ")));
                }
            }
            Answer::Unsure(why) => unsure.push(format!("{}: {why}", recipe.name)),
        }
    }
    let mut text = String::from("source          files  ffprobe reads  native  mismatches\n");
    let mut total = Row::default();
    for (source, row) in &table {
        text += &format!(
            "{source:<15} {:>5}  {:>13}  {:>6}  {:>10}\n",
            row.files, row.readable, row.native, row.mismatches
        );
        total.files += row.files;
        total.readable += row.readable;
        total.native += row.native;
        total.mismatches += row.mismatches;
    }
    text += &format!(
        "{:<15} {:>5}  {:>13}  {:>6}  {:>10}\n",
        "all", total.files, total.readable, total.native, total.mismatches
    );
    let share = total.native as f64 / total.readable.max(1) as f64;
    report(&format!(
        "{text}native answers {:.1} % of the files ffprobe reads; unsure of:\n  {}\nmismatches:\n  {}",
        share * 100.0,
        unsure.join("\n  "),
        mismatches.join("\n  ")
    ));
    assert!(mismatches.is_empty(), "the native probe disagrees with ffprobe:\n{}", mismatches.join("\n"));
    assert!(share >= FLOOR, "the native probe answered only {:.1} % of the real-world files", share * 100.0);
}
