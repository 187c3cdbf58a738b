//! The library report of the in-memory catalog: a plain loop over the matching records.

use std::collections::BTreeMap;

use crate::media::{MediaRecord, MediaStatus};
use crate::report::{LibraryReport, ReportKeys, Tally, add_group, finish, playback_key};

/// The report of `records` (those a filter selected), as [`crate::ports::MediaQueries::report`]
/// defines it.
pub(super) fn report<'a>(records: impl Iterator<Item = &'a MediaRecord>) -> LibraryReport {
    let mut report = LibraryReport::default();
    let mut reasons = BTreeMap::new();
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
                let keys = ReportKeys::of(&record.info, &record.path).values();
                add_group(&mut report, &mut reasons, keys, &playback_key(&record.playback), tally);
            }
        }
    }
    finish(&mut report, reasons);
    report
}
