//! QuickTime chapter tracks (`tref`/`chap`, HandBrake's markers): libavformat lists each
//! sample of the referenced text track as a chapter — from its time to the next sample's (the
//! track's duration for the last), titled by the sample's text (a 16-bit length, then UTF-8, or
//! UTF-16 after a byte-order mark). Nero chapters (`chpl` in `udta`) give starts and titles;
//! libavformat reads them first and lets a chapter track's chapters of the same number replace
//! them.

use scanner_core::Chapter;

use super::{Track, boxes, child, need};
use crate::bits::{be, u8_at};
use crate::source::Source;
use crate::{Stop, Unsure, round3};

/// Most chapters read: more is not a real file.
const MAX_CHAPTERS: u64 = 4096;

/// Where each sample of a track is: (offset, size), from `stsc`, `stco`/`co64` and `stsz`.
fn sample_positions(stbl: &[u8]) -> Result<Vec<(u64, u64)>, Unsure> {
    let stsz = need(stbl, b"stsz")?;
    let (fixed, count) = (be(stsz, 4, 4)?, be(stsz, 8, 4)?);
    if count > MAX_CHAPTERS {
        return Err(Unsure::new("too many chapters"));
    }
    let size = |i: u64| -> Result<u64, Unsure> {
        if fixed != 0 { Ok(fixed) } else { be(stsz, 12 + 4 * i as usize, 4) }
    };
    let (offsets, wide) = match (child(stbl, b"stco")?, child(stbl, b"co64")?) {
        (Some(stco), _) => (stco, false),
        (_, Some(co64)) => (co64, true),
        _ => return Err(Unsure::new("a track without chunks")),
    };
    let chunks = be(offsets, 4, 4)?;
    let chunk_offset = |c: u64| -> Result<u64, Unsure> {
        if wide { be(offsets, 8 + 8 * c as usize, 8) } else { be(offsets, 8 + 4 * c as usize, 4) }
    };
    let stsc = need(stbl, b"stsc")?;
    let entries = be(stsc, 4, 4)?.min(MAX_CHAPTERS);
    let mut out = Vec::new();
    let mut sample = 0u64;
    for e in 0..entries as usize {
        let first = be(stsc, 8 + 12 * e, 4)?.saturating_sub(1);
        let per_chunk = be(stsc, 12 + 12 * e, 4)?;
        let last =
            if (e as u64) + 1 < entries { be(stsc, 8 + 12 * (e + 1), 4)?.saturating_sub(1) } else { chunks };
        for chunk in first..last.min(chunks) {
            let mut at = chunk_offset(chunk)?;
            for _ in 0..per_chunk.min(MAX_CHAPTERS) {
                if sample >= count {
                    return Ok(out);
                }
                let len = size(sample)?;
                out.push((at, len));
                at = at.saturating_add(len);
                sample += 1;
            }
        }
    }
    Ok(out)
}

/// A chapter sample's title, as libavformat decodes it.
fn title(sample: &[u8]) -> Result<Option<String>, Unsure> {
    let len = be(sample, 0, 2)? as usize;
    if len + 2 > sample.len() {
        return Err(Unsure::new("a chapter title longer than its sample"));
    }
    let text = &sample[2..2 + len];
    let decoded = match text {
        [0xfe, 0xff, rest @ ..] | [0xff, 0xfe, rest @ ..] => {
            let big = text[0] == 0xfe;
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(
                    |c| if big { u16::from_be_bytes([c[0], c[1]]) } else { u16::from_le_bytes([c[0], c[1]]) },
                )
                .collect();
            String::from_utf16(&units).map_err(|_| Unsure::new("a chapter title that is not UTF-16"))?
        }
        _ => {
            String::from_utf8(text.to_vec()).map_err(|_| Unsure::new("a chapter title that is not UTF-8"))?
        }
    };
    let end = decoded.find('\0').unwrap_or(decoded.len());
    let trimmed = decoded[..end].trim();
    Ok((!trimmed.is_empty()).then(|| trimmed.to_owned()))
}

/// Whether a track's edit list starts with an empty edit (media time -1): the track, and so
/// perhaps the file, then starts after zero.
pub(super) fn starts_late(moov: &[u8]) -> Result<bool, Unsure> {
    for (kind, trak) in boxes(moov)? {
        let Some(elst) = (if &kind == b"trak" { child(trak, b"edts")? } else { None })
            .map(|edts| child(edts, b"elst"))
            .transpose()?
            .flatten()
        else {
            continue;
        };
        if be(elst, 4, 4)? == 0 {
            continue;
        }
        let empty =
            if u8_at(elst, 0)? == 0 { be(elst, 12, 4)? == 0xFFFF_FFFF } else { be(elst, 16, 8)? == u64::MAX };
        if empty {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Nero chapters: (start in 100 ns units, title) of each.
pub(crate) type NeroList = Vec<(u64, Option<String>)>;

/// Nero chapters: each one's start (in 100 ns units) and title, as `mov_read_chpl` reads them
/// (it stops quietly where the box says it ends).
pub(crate) fn nero(chpl: &[u8]) -> Result<NeroList, Unsure> {
    let version = u8_at(chpl, 0)?;
    let mut left = chpl.len() as i64 - 5;
    let mut at = if version != 0 { 8 } else { 4 };
    let count = if left < 0 { 0 } else { u8_at(chpl, at)? };
    at += 1;
    let mut out = Vec::new();
    for _ in 0..count {
        left -= 9;
        if left < 0 {
            break;
        }
        let start = be(chpl, at, 8)?;
        let len = usize::from(u8_at(chpl, at + 8)?);
        left -= len as i64;
        if left < 0 {
            break;
        }
        let text = chpl.get(at + 9..at + 9 + len).ok_or_else(|| Unsure::new("a Nero chapter cut short"))?;
        let text = &text[..text.iter().position(|&b| b == 0).unwrap_or(text.len())];
        let text =
            std::str::from_utf8(text).map_err(|_| Unsure::new("a Nero chapter title that is not UTF-8"))?;
        out.push((start, Some(text.trim().to_owned()).filter(|t| !t.is_empty())));
        at += 9 + len;
    }
    Ok(out)
}

/// Nero chapters as ffprobe prints them: each ends where the next one (by start) starts, the
/// last at the end of the file (`compute_chapters_end`, the file starting at 0).
pub(super) fn nero_chapters(list: &[(u64, Option<String>)], duration_micros: u64) -> Vec<Chapter> {
    let file_end = duration_micros.saturating_mul(10);
    let secs = |v: u64| round3(v as f64 / 1e7);
    list.iter()
        .map(|(start, title)| {
            let next = list.iter().map(|(s, _)| *s).filter(|s| s > start && *s < file_end).min();
            let end = next.unwrap_or(file_end).max(*start);
            Chapter { start_secs: secs(*start), end_secs: secs(end), title: title.clone() }
        })
        .collect()
}

/// The chapters of the text track `t`, and how many samples it has (a sample too short to
/// hold a title gives no chapter).
pub(super) fn read(src: &mut Source<'_>, t: &Track<'_>, trak: &[u8]) -> Result<(Vec<Chapter>, usize), Stop> {
    if &t.handler == b"vide" {
        return Err(Unsure::new("a chapter track of pictures").into());
    }
    if let Some(edts) = child(trak, b"edts")? {
        let elst = need(edts, b"elst")?;
        let media_time = if u8_at(elst, 0)? == 0 { be(elst, 12, 4)? } else { be(elst, 16, 8)? };
        if be(elst, 4, 4)? != 1 || media_time != 0 {
            return Err(Unsure::new("a chapter track with an edit list").into());
        }
    }
    if t.timescale == 0 {
        return Err(Unsure::new("a chapter track without a time scale").into());
    }
    let stts = need(t.stbl, b"stts")?;
    let mut times = Vec::new();
    let mut now = 0u64;
    for i in 0..be(stts, 4, 4)?.min(MAX_CHAPTERS) as usize {
        let (n, delta) = (be(stts, 8 + 8 * i, 4)?, be(stts, 12 + 8 * i, 4)?);
        for _ in 0..n.min(MAX_CHAPTERS) {
            times.push(now);
            now = now.saturating_add(delta);
        }
    }
    let positions = sample_positions(t.stbl)?;
    let secs = |v: u64| round3(v as f64 / t.timescale as f64);
    let mut out = Vec::new();
    for (i, (at, size)) in positions.iter().enumerate() {
        let start = *times.get(i).ok_or_else(|| Unsure::new("a chapter sample without a time"))?;
        let end = times.get(i + 1).copied().unwrap_or(t.duration);
        if end < start {
            return Err(Unsure::new("chapters out of order").into());
        }
        let sample = src.read(*at, (*size).min(4096))?;
        if sample.len() < 2 || be(&sample, 0, 2)? + 2 > *size {
            continue;
        }
        out.push(Chapter { start_secs: secs(start), end_secs: secs(end), title: title(&sample)? });
    }
    Ok((out, positions.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chpl(version: u8, entries: &[(u64, &str)]) -> Vec<u8> {
        let mut out = vec![version, 0, 0, 0];
        if version != 0 {
            out.extend_from_slice(&[0; 4]);
        }
        out.push(entries.len() as u8);
        for (start, title) in entries {
            out.extend_from_slice(&start.to_be_bytes());
            out.push(title.len() as u8);
            out.extend_from_slice(title.as_bytes());
        }
        out
    }

    #[test]
    fn nero_chapters_end_where_the_next_starts() {
        let list = nero(&chpl(1, &[(0, "One"), (10_000_000, "Two"), (5_000_000, " ")])).unwrap();
        assert_eq!(
            list,
            vec![(0, Some("One".to_owned())), (10_000_000, Some("Two".to_owned())), (5_000_000, None)]
        );
        let chapters = nero_chapters(&list, 12_345_678);
        let spans: Vec<_> = chapters.iter().map(|c| (c.start_secs, c.end_secs)).collect();
        assert_eq!(spans, vec![(0.0, 0.5), (1.0, 12.346), (0.5, 1.0)]);
        // A start past the end of the file ends where it starts.
        let late = nero_chapters(&[(200_000_000, None)], 1_000_000);
        assert_eq!((late[0].start_secs, late[0].end_secs), (20.0, 20.0));
    }

    #[test]
    fn a_nero_box_cut_short_is_read_as_far_as_it_says() {
        let full = chpl(0, &[(0, "One"), (10_000_000, "Two")]);
        assert_eq!(nero(&full).unwrap().len(), 2);
        assert_eq!(nero(&full[..full.len() - 1]).unwrap().len(), 1);
        // Version 1 has 4 bytes the size does not count: libavformat reads on past the box.
        let long = chpl(1, &[(0, "One"), (10_000_000, "Two")]);
        assert!(nero(&long[..long.len() - 1]).is_err());
        assert!(nero(&[]).is_err());
        assert_eq!(nero(&[0, 0, 0, 0, 0]).unwrap(), vec![]);
        let mut bad = chpl(0, &[(0, "x")]);
        *bad.last_mut().unwrap() = 0xff;
        assert!(nero(&bad).is_err());
    }

    fn wrap(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out
    }

    #[test]
    fn an_empty_edit_starts_a_track_late() {
        let moov = |media_time: [u8; 4]| {
            let mut elst = vec![0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 100];
            elst.extend_from_slice(&media_time);
            wrap(b"trak", &wrap(b"edts", &wrap(b"elst", &elst)))
        };
        assert!(starts_late(&moov([0xFF; 4])).unwrap());
        assert!(!starts_late(&moov([0, 0, 4, 0])).unwrap());
        assert!(!starts_late(&wrap(b"trak", &[])).unwrap());
    }
}
