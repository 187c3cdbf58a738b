//! Human-readable output: the scan summary and the media table.

use std::io::{self, Write};
use std::path::Path;

use scanner_core::{MediaKind, MediaRecord, ScanProgress, ScanStatus};

/// Problems listed in a summary before "and N more".
const LISTED: usize = 20;

pub fn print_summary(done: &ScanProgress, catalog: &str) {
    let seconds = done
        .ended_at
        .map(|end| (end - done.started_at).num_milliseconds() as f64 / 1000.0)
        .unwrap_or_default();
    let rate = if seconds > 0.0 { done.processed as f64 / seconds } else { 0.0 };
    let verb = match done.status {
        ScanStatus::Completed => "Scanned",
        ScanStatus::Cancelled => "Cancelled scan of",
        _ => "Failed scan of",
    };
    println!(
        "{verb} {}: {} of {} video files in {seconds:.1} s ({rate:.1} files/s)",
        done.root.display(),
        done.processed,
        done.total_files
    );
    println!("  {} ok, {} failed", done.succeeded, done.failed);
    if !done.errors.is_empty() {
        println!("Problems:");
        for issue in &done.errors[..done.errors.len().min(LISTED)] {
            println!("  {}: {}", issue.path.display(), issue.message);
        }
        let more = done.errors_total.saturating_sub(LISTED.min(done.errors.len()) as u64);
        if more > 0 {
            println!("  … and {more} more");
        }
    }
    println!("Catalog: {catalog}");
}

fn episode_label(record: &MediaRecord) -> String {
    let parsed = &record.parsed;
    if let Some(date) = parsed.date {
        return date.to_string();
    }
    let episodes = match parsed.episodes.as_slice() {
        [] => String::new(),
        [one] => format!("E{one:02}"),
        [first, .., last] => format!("E{first:02}-E{last:02}"),
    };
    match parsed.season {
        Some(season) => format!("S{season:02}{episodes}"),
        None => episodes,
    }
}

fn duration(seconds: Option<f64>) -> String {
    let Some(s) = seconds else { return String::new() };
    let s = s.round() as u64;
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// A table, its columns sized to their widest cell.
#[derive(Debug, Default)]
pub struct MediaTable {
    rows: Vec<[String; 8]>,
}

const HEADER: [&str; 8] = ["STATUS", "KIND", "NAME", "EPISODE", "VIDEO", "DURATION", "PLAYS", "PATH"];

impl MediaTable {
    pub fn push(&mut self, record: &MediaRecord) {
        let parsed = &record.parsed;
        let name = match (parsed.kind, &parsed.show, &parsed.title) {
            (MediaKind::Episode, Some(show), _) => show.clone(),
            (_, _, Some(title)) => match parsed.year {
                Some(year) => format!("{title} ({year})"),
                None => title.clone(),
            },
            (_, Some(show), None) => show.clone(),
            _ => String::new(),
        };
        let video = record
            .info
            .video
            .as_ref()
            .map(|v| match (v.width, v.height) {
                (Some(w), Some(h)) => format!("{} {w}x{h}", v.codec),
                _ => v.codec.clone(),
            })
            .unwrap_or_default();
        let plays = match &record.compatibility {
            Some(c) if c.compatible => "yes",
            Some(_) => "no",
            None => "-",
        };
        self.rows.push([
            record.status.to_string(),
            parsed.kind.as_str().to_owned(),
            name,
            episode_label(record),
            video,
            duration(record.info.duration_secs),
            plays.to_owned(),
            display(&record.path),
        ]);
    }

    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        if self.rows.is_empty() {
            return writeln!(out, "The catalog is empty: run `mediascan scan <DIR>` first.");
        }
        let mut widths = HEADER.map(|h| h.chars().count());
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |out: &mut dyn Write, cells: [&str; 8]| -> io::Result<()> {
            let last = cells.len() - 1;
            for (i, cell) in cells.iter().enumerate() {
                if i == last {
                    writeln!(out, "{cell}")?;
                } else {
                    write!(out, "{cell:<width$}  ", width = widths[i])?;
                }
            }
            Ok(())
        };
        line(out, HEADER)?;
        for row in &self.rows {
            line(out, row.each_ref().map(String::as_str))?;
        }
        writeln!(out, "{} files", self.rows.len())
    }
}

/// A path for a terminal: control characters (a newline in a file name) shown escaped.
fn display(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}
