//! The library report of the in-memory catalog: a plain loop over the matching records.

use std::collections::BTreeMap;

use crate::media::{MediaRecord, MediaStatus};
use crate::report::{DIMENSIONS, LibraryReport, ReportKeys, Tally, rank_reasons};

/// The report of `records` (those a filter selected), as [`crate::ports::MediaQueries::report`]
/// defines it.
pub(super) fn report<'a>(records: impl Iterator<Item = &'a MediaRecord>) -> LibraryReport {
    let mut report = LibraryReport::default();
    let mut reasons: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for record in records {
        match record.status {
            MediaStatus::Failed => report.failed += 1,
            MediaStatus::Missing => report.missing += 1,
            MediaStatus::Ok => {
                let tally = Tally {
                    files: 1,
                    bytes: record.size_bytes,
                    secs: record.info.duration_secs.unwrap_or_default(),
                };
                report.files += 1;
                report.bytes = report.bytes.saturating_add(tally.bytes);
                report.secs += tally.secs;
                let keys = ReportKeys::of(&record.info, &record.path).values();
                for (dimension, key) in DIMENSIONS.iter().zip(keys) {
                    report.by.entry((*dimension).to_owned()).or_default().entry(key).or_default().add(tally);
                }
                for (name, playback) in &record.playback {
                    let profile = report.profiles.entry(name.clone()).or_default();
                    profile.decisions.entry(playback.decision.as_str().to_owned()).or_default().add(tally);
                    let codes = reasons.entry(name.clone()).or_default();
                    let mut seen: Vec<&str> = playback.reasons.iter().map(|r| r.code.as_str()).collect();
                    seen.sort_unstable();
                    seen.dedup();
                    for code in seen {
                        *codes.entry(code.to_owned()).or_default() += 1;
                    }
                }
            }
        }
    }
    for (name, counts) in reasons {
        if let Some(profile) = report.profiles.get_mut(&name) {
            profile.top_reasons = rank_reasons(counts);
        }
    }
    report
}
