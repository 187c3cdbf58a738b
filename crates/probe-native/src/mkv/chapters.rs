//! Matroska chapters as libavformat lists them: the ChapterAtoms of every edition (nested
//! atoms ignored), each with a UID and a start later than the one before, titled by its
//! display string; a chapter without an end ends where the next starts, or with the file.

use scanner_core::Chapter;

use super::{elements, find, text, uint};
use crate::{Unsure, round3};

const EDITION_ENTRY: u32 = 0x45B9;
const CHAPTER_ATOM: u32 = 0xB6;
const CHAPTER_UID: u32 = 0x73C4;
const CHAPTER_TIME_START: u32 = 0x91;
const CHAPTER_TIME_END: u32 = 0x92;
const CHAPTER_DISPLAY: u32 = 0x80;
const CHAP_STRING: u32 = 0x85;

/// Most chapters read: more is not a real file.
const MAX_CHAPTERS: usize = 4096;

/// The chapters of a Chapters element's body; `duration_ns` is the file's duration, which
/// ends a last chapter without an end (libavformat's `compute_chapters_end`, with the file
/// starting at 0).
pub(super) fn chapters(body: &[u8], duration_ns: Option<u64>) -> Result<Vec<Chapter>, Unsure> {
    // (start, end, title) in nanoseconds.
    let mut listed: Vec<(u64, Option<u64>, Option<String>)> = Vec::new();
    let mut max_start = 0u64;
    for (id, edition) in elements(body)? {
        if id != EDITION_ENTRY {
            continue;
        }
        for (id, atom) in elements(edition)? {
            if id != CHAPTER_ATOM {
                continue;
            }
            let atom = elements(atom)?;
            let Some(start) = find(&atom, CHAPTER_TIME_START).map(uint).transpose()? else { continue };
            let uid = find(&atom, CHAPTER_UID).map(uint).transpose()?.unwrap_or(0);
            if uid == 0 || (max_start != 0 && start <= max_start) {
                continue;
            }
            let end = find(&atom, CHAPTER_TIME_END).map(uint).transpose()?;
            let displays: Vec<_> = atom.iter().filter(|(id, _)| *id == CHAPTER_DISPLAY).collect();
            if displays.len() > 1 {
                return Err(Unsure::new("a chapter with several display strings"));
            }
            let title = match displays.first() {
                Some((_, display)) => find(&elements(display)?, CHAP_STRING).map(text),
                None => None,
            };
            if listed.len() == MAX_CHAPTERS {
                return Err(Unsure::new("too many chapters"));
            }
            listed.push((start, end, title));
            max_start = start;
        }
    }
    let mut out = Vec::with_capacity(listed.len());
    for (i, (start, end, title)) in listed.iter().enumerate() {
        let end = match end {
            Some(end) => *end,
            None => {
                let limit = duration_ns.filter(|d| *d > 0);
                let next = listed.get(i + 1).map(|(s, ..)| *s).filter(|s| s > start);
                match (next, limit) {
                    (Some(n), Some(l)) => n.min(l),
                    (Some(n), None) => n,
                    (None, Some(l)) => l,
                    (None, None) => *start,
                }
                .max(*start)
            }
        };
        let title = title.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
        out.push(Chapter {
            start_secs: round3(*start as f64 / 1e9),
            end_secs: round3(end as f64 / 1e9),
            title,
        });
    }
    Ok(out)
}
