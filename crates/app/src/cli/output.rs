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
        display(&done.root),
        done.processed,
        done.total_files
    );
    println!(
        "  {} new, {} changed, {} unchanged, {} moved, {} missing; {} ok, {} failed",
        done.new_files,
        done.changed_files,
        done.unchanged_files,
        done.moved_files,
        done.missing_files,
        done.succeeded,
        done.failed
    );
    if !done.probes.is_empty() {
        let by: Vec<String> = done.probes.iter().map(|(probe, n)| format!("{n} by {probe}")).collect();
        println!("  probed: {}", by.join(", "));
    }
    for warning in &done.warnings {
        println!("Warning: {}", terminal(warning));
    }
    let unlisted = done.warnings_total.saturating_sub(done.warnings.len() as u64);
    if unlisted > 0 {
        println!("  … and {unlisted} more warnings");
    }
    if !done.errors.is_empty() {
        println!("Problems:");
        for issue in &done.errors[..done.errors.len().min(LISTED)] {
            println!("  {}: {}", display(&issue.path), terminal(&issue.message));
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

/// A table whose columns are sized to their widest cell; the last column is not padded.
#[derive(Debug)]
pub struct Table<const N: usize> {
    header: [&'static str; N],
    rows: Vec<[String; N]>,
}

impl<const N: usize> Table<N> {
    pub fn new(header: [&'static str; N]) -> Self {
        Self { header, rows: Vec::new() }
    }

    /// Adds a row; control characters in cells are shown escaped.
    pub fn row(&mut self, cells: [String; N]) {
        self.rows.push(cells.map(|cell| terminal(&cell)));
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        let mut widths = self.header.map(|h| h.chars().count());
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let mut line = |cells: [&str; N]| -> io::Result<()> {
            for (i, cell) in cells.iter().enumerate() {
                if i + 1 == N {
                    writeln!(out, "{cell}")?;
                } else {
                    write!(out, "{cell:<width$}  ", width = widths[i])?;
                }
            }
            Ok(())
        };
        line(self.header)?;
        for row in &self.rows {
            line(row.each_ref().map(String::as_str))?;
        }
        Ok(())
    }
}

/// The catalog as a table.
#[derive(Debug)]
pub struct MediaTable {
    table: Table<8>,
    /// The profile whose decision PLAYS shows; without one, whether the library's profile plays
    /// the file directly.
    profile: Option<String>,
}

impl MediaTable {
    pub fn new(profile: Option<String>) -> Self {
        let table = Table::new(["STATUS", "KIND", "NAME", "EPISODE", "VIDEO", "DURATION", "PLAYS", "PATH"]);
        Self { table, profile }
    }

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
        let plays = match (&self.profile, &record.compatibility) {
            (Some(profile), _) => record.playback.get(profile).map_or("-", |p| p.decision.as_str()),
            (None, Some(c)) if c.compatible => "yes",
            (None, Some(_)) => "no",
            (None, None) => "-",
        };
        self.table.row([
            record.status.to_string(),
            parsed.kind.as_str().to_owned(),
            name,
            episode_label(record),
            video,
            duration(record.info.duration_secs),
            plays.to_owned(),
            record.path.to_string_lossy().into_owned(),
        ]);
    }

    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        if self.table.len() == 0 {
            return writeln!(out, "No files match: run `mediascan scan <DIR>`, or loosen the filters.");
        }
        self.table.write(out)?;
        writeln!(out, "{} files", self.table.len())
    }
}

/// Recent scans as a table.
pub fn write_scans(out: &mut impl Write, scans: &[ScanProgress]) -> io::Result<()> {
    if scans.is_empty() {
        return writeln!(out, "No scans yet.");
    }
    let mut table = Table::new(["ID", "STATUS", "FILES", "FAILED", "STARTED", "TOOK", "NODE", "LIBRARY"]);
    for scan in scans {
        let took = scan
            .ended_at
            .map(|end| format!("{:.1} s", (end - scan.started_at).num_milliseconds() as f64 / 1000.0))
            .unwrap_or_default();
        table.row([
            scan.scan_id.to_string(),
            scan.status.to_string(),
            format!("{}/{}", scan.processed, scan.total_files),
            scan.failed.to_string(),
            scan.started_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            took,
            scan.node.clone().unwrap_or_default(),
            scan.library.clone().unwrap_or_else(|| scan.root.to_string_lossy().into_owned()),
        ]);
    }
    table.write(out)
}

/// Text for a terminal: control characters (a newline or an escape sequence in a file name)
/// shown escaped, so one value stays on one line and cannot drive the terminal.
pub fn terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A path for a terminal: lossy where it is not UTF-8, control characters escaped.
pub fn display(path: &Path) -> String {
    terminal(&path.to_string_lossy())
}
