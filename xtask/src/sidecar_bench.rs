//! `cargo xtask bench sidecars [--quick]`: an unchanged library of 100 000 videos (10 000 with
//! `--quick`), each with one subtitle file beside it, rescanned with the real `mediascan`
//! binary vs `find -printf '%s %T@'` over the same tree (videos and sidecars), on SQLite and
//! PostgreSQL; then a rescan after 1 % of the sidecars changed, which must probe nothing.
//! Results in `target/bench/sidecars.json`.

use std::fs;
use std::process::Command;

use crate::bench::{Report, best, build, driver, field, finish, median, release, sqlite_url, timed};
use crate::{Result, root};

/// Rescans timed per backend (and `find` runs, interleaved with them).
const RUNS: usize = 5;

pub fn sidecars(quick: bool) -> Result {
    build()?;
    let data = root().join("target/bench-data");
    fs::create_dir_all(&data).map_err(|e| e.to_string())?;
    let mediascan = release("mediascan");
    let files: usize = if quick { 10_000 } else { 100_000 };
    let tree = data.join(format!("lib-{files}-sidecars"));
    let tree_arg = tree.to_str().ok_or("the bench folder is not UTF-8")?;
    driver(&["gen", tree_arg, &files.to_string(), "--sidecars"])?;
    let mut report = Report { rows: Vec::new(), json: Vec::new() };
    for backend in ["sqlite", "postgres"] {
        let catalog = match backend {
            "sqlite" => sqlite_url(&data, "sidecars.db"),
            _ => driver(&["pg-schema", "mediascan_bench_sidecars"])?,
        };
        let first = driver(&["scan", tree_arg, &catalog])?;
        report.add(
            &format!("{backend}_sidecars_first_scan_files_per_sec"),
            format!("{backend}: first scan of {files} videos + {files} subtitles (stand-in probe): videos/s"),
            field(&first, "files_per_sec"),
        );
        let (mut ours, mut find) = (Vec::new(), Vec::new());
        for _ in 0..RUNS {
            find.push(timed(Command::new("find").arg(&tree).args(["-type", "f", "-printf", "%s %T@\\n"]))?);
            ours.push(timed(
                Command::new(&mediascan).arg("scan").arg(&tree).args(["--json", "--db", &catalog]),
            )?);
        }
        report.add(
            &format!("{backend}_sidecars_rescan_seconds"),
            format!("{backend}: rescan, unchanged (median of {RUNS}; best {:.3}): s", best(&ours)),
            median(&ours),
        );
        report.add(
            &format!("{backend}_sidecars_find_seconds"),
            format!(
                "{backend}: find -printf on the same tree (median of {RUNS}; best {:.3}): s",
                best(&find)
            ),
            median(&find),
        );
        report.add(
            &format!("{backend}_sidecars_rescan_vs_find"),
            format!("{backend}:   rescan / find, medians (target <= 1.5)"),
            median(&ours) / median(&find),
        );
        let touched = driver(&["scan", tree_arg, &catalog, "--touch-sidecars", &(files / 100).to_string()])?;
        report.add(
            &format!("{backend}_sidecars_touched_probes"),
            format!("{backend}: rescan after changing {} subtitles: videos probed (target 0)", files / 100),
            field(&touched, "probes"),
        );
        report.add(
            &format!("{backend}_sidecars_touched_seconds"),
            format!("{backend}:   its time: s"),
            field(&touched, "seconds"),
        );
    }
    finish(&report, "sidecars")
}
