//! `mediascan report`: the library at a glance — what there is, and what each client profile
//! needs to play it.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clap::Args;

use scanner_core::Decision;
use scanner_core::ports::MediaFilter;
use scanner_core::report::{DIMENSIONS, LibraryReport, Tally};

use super::DbArgs;
use super::output::Table;
use crate::CatalogReader;
use crate::config::Config;

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub db: DbArgs,

    /// Only the files of this configured library.
    #[arg(long, value_name = "NAME")]
    pub library: Option<String>,

    /// The report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: ReportArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let catalog = CatalogReader::open(&args.db.settings(config)?).await?;
    let filter = MediaFilter { library: args.library.clone(), ..MediaFilter::default() };
    let report = catalog.media().report(filter).await;
    catalog.close().await;
    let report = report?;
    let mut out = BufWriter::new(io::stdout().lock());
    if args.json {
        serde_json::to_writer(&mut out, &report)?;
        writeln!(out)?;
    } else {
        write(&mut out, &report, args.library.as_deref())?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / f64::from(1u32 << 30))
}

fn hours(secs: f64) -> String {
    format!("{:.1} h", secs / 3600.0)
}

fn share(part: u64, whole: u64) -> String {
    if whole == 0 { String::new() } else { format!("{:.0}%", part as f64 * 100.0 / whole as f64) }
}

/// The report as tables: totals, one table per dimension, then one row per profile.
fn write(out: &mut impl Write, report: &LibraryReport, library: Option<&str>) -> io::Result<()> {
    let scope = library.map_or_else(|| "the catalog".to_owned(), |l| format!("library {l}"));
    writeln!(
        out,
        "{} files in {scope}: {}, {} ({} failed to probe, {} missing)",
        report.files,
        gib(report.bytes),
        hours(report.secs),
        report.failed,
        report.missing
    )?;
    if report.files == 0 {
        return writeln!(out, "Nothing to report: run `mediascan scan`, or check --library.");
    }
    for dimension in DIMENSIONS {
        let Some(groups) = report.by.get(dimension) else { continue };
        let mut rows: Vec<(&String, &Tally)> = groups.iter().collect();
        rows.sort_by(|a, b| b.1.files.cmp(&a.1.files).then_with(|| a.0.cmp(b.0)));
        let mut table = Table::new([
            match dimension {
                "container" => "CONTAINER",
                "video_codec" => "VIDEO CODEC",
                "resolution" => "RESOLUTION",
                "hdr" => "RANGE",
                "audio_codec" => "AUDIO CODEC",
                _ => "CHANNELS",
            },
            "FILES",
            "SHARE",
            "SIZE",
            "DURATION",
        ]);
        for (value, tally) in rows {
            table.row([
                value.clone(),
                tally.files.to_string(),
                share(tally.files, report.files),
                gib(tally.bytes),
                hours(tally.secs),
            ]);
        }
        writeln!(out)?;
        table.write(out)?;
    }
    let mut table = Table::new([
        "PROFILE",
        "DIRECT PLAY",
        "REMUX",
        "TRANSCODE AUDIO",
        "TRANSCODE VIDEO",
        "TRANSCODE",
        "TOP REASONS",
    ]);
    for (name, profile) in &report.profiles {
        let count = |d: Decision| {
            let files = profile.decisions.get(d.as_str()).map_or(0, |t| t.files);
            format!("{files} ({})", share(files, report.files))
        };
        let reasons: Vec<String> =
            profile.top_reasons.iter().take(3).map(|r| format!("{} {}", r.code, r.files)).collect();
        table.row([
            name.clone(),
            count(Decision::DirectPlay),
            count(Decision::Remux),
            count(Decision::TranscodeAudio),
            count(Decision::TranscodeVideo),
            count(Decision::Transcode),
            reasons.join(", "),
        ]);
    }
    writeln!(out)?;
    table.write(out)
}
