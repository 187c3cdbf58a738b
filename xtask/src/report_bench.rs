//! `cargo xtask bench report`: `mediascan report` on a catalog of 100 000 files, on SQLite and
//! PostgreSQL, through the binary as a user runs it (process start and connection included).

use std::process::Command;

use crate::Result;
use crate::bench::{Report, build, driver, field, finish, median, release, timed};

/// Files in the benchmark catalog, and timed runs per backend.
const FILES: usize = 100_000;
const RUNS: usize = 7;

pub fn report_bench() -> Result {
    build()?;
    let mut report = Report { rows: Vec::new(), json: Vec::new() };
    let data = crate::root().join("target/bench-data");
    std::fs::create_dir_all(&data).map_err(|e| e.to_string())?;
    let sqlite = format!("sqlite://{}", data.join("report-100k.db").display());
    let have_sqlite = data.join("report-100k.db").is_file();
    let postgres = driver(&["pg-schema", "bench_report"])?;
    let mediascan = release("mediascan");
    report.rows.push((
        format!("library report, {FILES} files (median of {RUNS} runs, whole process)"),
        String::new(),
    ));
    for (name, url, fresh) in
        [("sqlite", sqlite.as_str(), !have_sqlite), ("postgres", postgres.as_str(), true)]
    {
        if fresh {
            let filled = driver(&["fill", url, &FILES.to_string()])?;
            report.add(
                &format!("report_{name}_fill_secs"),
                format!("  {name}: writing the catalog: s"),
                field(&filled, "seconds"),
            );
        }
        let mut runs = Vec::new();
        let mut library = Vec::new();
        for _ in 0..RUNS {
            runs.push(timed(Command::new(&mediascan).args(["report", "--json", "--db", url]))?);
            library.push(timed(Command::new(&mediascan).args([
                "report",
                "--json",
                "--library",
                "library",
                "--db",
                url,
            ]))?);
        }
        report.add(
            &format!("report_{name}_secs"),
            format!("  {name}: mediascan report --json: s (target < 1)"),
            median(&runs),
        );
        report.add(
            &format!("report_{name}_library_secs"),
            format!("  {name}: mediascan report --json --library: s (target < 1)"),
            median(&library),
        );
    }
    finish(&report, "report")
}
