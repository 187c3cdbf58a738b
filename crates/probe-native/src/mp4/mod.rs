//! ISO base media files (MP4, M4V, MOV): the `moov` box, wherever it is, and for fragmented
//! files the `moof` boxes (`fragments.rs`). Codecs and layouts not listed here are [`Unsure`].

use scanner_core::{MediaInfo, SubtitleStream};

mod chapters;
mod fragments;
mod streams;

pub(crate) use self::chapters::nero;

use crate::bits::{be, u8_at};
use crate::source::Source;
use crate::{Stop, Unsure, format_timing};

pub(crate) const CONTAINER: &str = "mov,mp4,m4a,3gp,3g2,mj2";

/// A box: its type and payload.
type Mp4Box<'a> = ([u8; 4], &'a [u8]);

/// Child boxes of a box's payload.
fn boxes(data: &[u8]) -> Result<Vec<Mp4Box<'_>>, Unsure> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at + 8 <= data.len() {
        let size = be(data, at, 4)?;
        let kind: [u8; 4] = data[at + 4..at + 8].try_into().map_err(|_| Unsure::new("a box header"))?;
        let (header, size) = match size {
            0 => (8, (data.len() - at) as u64),
            1 => (16, be(data, at + 8, 8)?),
            n => (8, n),
        };
        let end = usize::try_from(size).ok().and_then(|s| at.checked_add(s)).filter(|&e| e <= data.len());
        let Some(end) = end.filter(|_| size >= header as u64) else {
            return Err(Unsure::new("a box that does not fit its parent"));
        };
        if out.len() == crate::MAX_CHILDREN {
            return Err(Unsure::new("a box with too many children"));
        }
        out.push((kind, &data[at + header..end]));
        at = end;
    }
    Ok(out)
}

fn child<'a>(data: &'a [u8], kind: &[u8; 4]) -> Result<Option<&'a [u8]>, Unsure> {
    Ok(boxes(data)?.into_iter().find(|(k, _)| k == kind).map(|(_, payload)| payload))
}

fn need<'a>(data: &'a [u8], kind: &[u8; 4]) -> Result<&'a [u8], Unsure> {
    child(data, kind)?.ok_or_else(|| Unsure::new(format!("no {} box", String::from_utf8_lossy(kind))))
}

/// A track's ID, from `tkhd`.
fn track_id(trak: &[u8]) -> Result<u64, Unsure> {
    let tkhd = need(trak, b"tkhd")?;
    if u8_at(tkhd, 0)? == 0 { be(tkhd, 12, 4) } else { be(tkhd, 20, 4) }
}

/// The IDs of the tracks other tracks name as their chapters (`tref`/`chap`).
fn chapter_tracks(moov: &[u8]) -> Result<Vec<u64>, Unsure> {
    let mut ids = Vec::new();
    for (kind, trak) in boxes(moov)? {
        let Some(tref) = child(trak, b"tref")?.filter(|_| &kind == b"trak") else { continue };
        for (kind, refs) in boxes(tref)? {
            if &kind == b"chap" {
                for i in 0..refs.len() / 4 {
                    let id = be(refs, 4 * i, 4)?;
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
            }
        }
    }
    Ok(ids)
}

/// Top-level boxes looked at most: a fragmented file has two per fragment (`moof`, `mdat`).
const MAX_TOP_LEVEL: usize = 1 << 16;

/// `moov`, read, and where the fragments (`moof` boxes) are.
struct Layout {
    moov: Vec<u8>,
    moofs: Vec<(u64, u64)>,
}

/// Finds `moov` among the top-level boxes and reads it; notes every `moof` on the way.
fn read_moov(src: &mut Source<'_>) -> Result<Layout, Stop> {
    let mut at = 0u64;
    let mut moov = None;
    let mut moofs = Vec::new();
    for i in 0..MAX_TOP_LEVEL {
        if at + 8 > src.len {
            break;
        }
        if i == 256 && moofs.is_empty() {
            return Err(Unsure::new("too many top-level boxes").into());
        }
        let head = src.read(at, 16)?;
        let size = be(&head, 0, 4)?;
        let (header, size) = match size {
            0 => (8, src.len - at),
            1 => (16, be(&head, 8, 8)?),
            n => (8, n),
        };
        if size < header || at.checked_add(size).is_none_or(|end| end > src.len) {
            // Trailing bytes after the movie that do not make a box: libavformat stops there
            // with what it has. (Media data cut short is left to ffprobe: its decoders may
            // miss the first frames.)
            if &head[4..8] != b"mdat" && moov.is_some() && moofs.is_empty() {
                at = src.len;
                break;
            }
            return Err(Unsure::new("a top-level box runs past the end of the file").into());
        }
        match &head[4..8] {
            b"moov" if moov.is_some() => return Err(Unsure::new("two moov boxes").into()),
            b"moov" => moov = Some((at + header, size - header)),
            b"moof" => moofs.push((at + header, size - header)),
            _ => {}
        }
        at += size;
    }
    if at + 8 <= src.len {
        return Err(Unsure::new("too many top-level boxes").into());
    }
    let (start, len) = moov.ok_or_else(|| Unsure::new("no moov box"))?;
    Ok(Layout { moov: src.read(start, len)?, moofs })
}

/// A fragmented file's duration in microseconds (see `fragments.rs`).
fn fragmented_timing(
    src: &mut Source<'_>,
    moov: &[u8],
    moofs: &[(u64, u64)],
) -> Result<(u64, Vec<fragments::Timing>), Stop> {
    let mvex = need(moov, b"mvex")?;
    let mut tracks = Vec::new();
    for (kind, trak) in boxes(moov)? {
        if &kind != b"trak" {
            continue;
        }
        if let Some(edts) = child(trak, b"edts")? {
            // An edit list shifts or cuts the track; only the empty shift is followed here.
            let elst = need(edts, b"elst")?;
            let media_time = match u8_at(elst, 0)? {
                0 => be(elst, 12, 4)?,
                _ => be(elst, 16, 8)?,
            };
            if be(elst, 4, 4)? != 1 || media_time != 0 {
                return Err(Unsure::new("a fragmented track with an edit list").into());
            }
        }
        let id = track_id(trak)?;
        let t = track(trak)?;
        let trex = boxes(mvex)?.into_iter().find(|(k, b)| k == b"trex" && be(b, 4, 4).is_ok_and(|i| i == id));
        let (default_duration, default_size) = match trex {
            Some((_, trex)) => (be(trex, 12, 4)?, be(trex, 16, 4)?),
            None => (0, 0),
        };
        let (samples, end, first_offset) = fragments::moov_samples(t.stbl)?;
        tracks.push(fragments::Timing {
            id,
            timescale: t.timescale,
            default_duration,
            default_size,
            bytes: streams::sample_bytes(t.stbl)?,
            end,
            first_offset,
            samples,
            total: end,
        });
    }
    fragments::read(src, moofs, &mut tracks)?;
    Ok((fragments::micros(&tracks)?, tracks))
}

/// ISO 639-2/T from an `mdhd` language field; `None` for "undetermined".
fn language(code: u16) -> Result<Option<String>, Unsure> {
    match code {
        0x7fff | 0x55c4 => Ok(None),     // unspecified, "und"
        0 => Ok(Some("eng".to_owned())), // the Macintosh code for English
        c if c >= 0x400 => {
            let letters: String =
                [10, 5, 0].iter().map(|shift| char::from((((c >> shift) & 0x1f) as u8) + 0x60)).collect();
            if letters.chars().all(|l| l.is_ascii_lowercase()) {
                Ok(Some(letters))
            } else {
                Err(Unsure::new("a malformed language code"))
            }
        }
        _ => Err(Unsure::new("a Macintosh language code")),
    }
}

struct Track<'a> {
    tkhd: &'a [u8],
    /// `tkhd`'s "enabled" flag, which ffmpeg reports as the default disposition.
    enabled: bool,
    /// The media duration (`mdhd`), in `timescale` units.
    duration: u64,
    handler: [u8; 4],
    timescale: u64,
    language: Option<String>,
    entry: [u8; 4],
    entry_body: &'a [u8],
    stbl: &'a [u8],
}

fn track(trak: &[u8]) -> Result<Track<'_>, Unsure> {
    let mdia = need(trak, b"mdia")?;
    let mdhd = need(mdia, b"mdhd")?;
    let (timescale, duration, lang) = match u8_at(mdhd, 0)? {
        0 => (be(mdhd, 12, 4)?, be(mdhd, 16, 4)?, be(mdhd, 20, 2)?),
        1 => (be(mdhd, 20, 4)?, be(mdhd, 24, 8)?, be(mdhd, 32, 2)?),
        _ => return Err(Unsure::new("an unknown mdhd version")),
    };
    if child(mdia, b"elng")?.is_some() {
        return Err(Unsure::new("an extended language tag"));
    }
    let hdlr = need(mdia, b"hdlr")?;
    let handler: [u8; 4] =
        hdlr.get(8..12).and_then(|h| h.try_into().ok()).ok_or_else(|| Unsure::new("hdlr"))?;
    let stbl = need(need(mdia, b"minf")?, b"stbl")?;
    let stsd = need(stbl, b"stsd")?;
    if be(stsd, 4, 4)? != 1 {
        return Err(Unsure::new("a track with several sample descriptions"));
    }
    let entries = boxes(stsd.get(8..).unwrap_or_default())?;
    let (entry, entry_body) = *entries.first().ok_or_else(|| Unsure::new("an empty sample description"))?;
    let tkhd = need(trak, b"tkhd")?;
    if let Some(udta) = child(trak, b"udta")? {
        // A track title (`©nam`) or kind (`kind`) ffmpeg would report.
        if boxes(udta)?.iter().any(|(k, _)| k == b"\xa9nam" || k == b"kind") {
            return Err(Unsure::new("a track with a title or kind"));
        }
    }
    Ok(Track {
        tkhd,
        enabled: be(tkhd, 0, 4)? & 1 == 1,
        duration,
        handler,
        timescale,
        language: language(lang as u16)?,
        entry,
        entry_body,
        stbl,
    })
}

pub(crate) fn probe(src: &mut Source<'_>) -> Result<MediaInfo, Stop> {
    let layout = read_moov(src)?;
    let moov = layout.moov.as_slice();
    let fragmented = child(moov, b"mvex")?.is_some();
    if !fragmented && !layout.moofs.is_empty() {
        return Err(Unsure::new("fragments without mvex").into());
    }
    let has_tracks = boxes(moov)?.iter().any(|(kind, _)| kind == b"trak");
    if child(moov, b"mvhd")?.is_none() && !has_tracks && !fragmented {
        // Metadata alone (a tag editor's test file): no duration, no streams.
        return Ok(MediaInfo { container: Some(CONTAINER.to_owned()), ..MediaInfo::default() });
    }
    let mvhd = need(moov, b"mvhd")?;
    let (timescale, duration, matrix_at) = match u8_at(mvhd, 0)? {
        0 => (be(mvhd, 12, 4)?, be(mvhd, 16, 4)?, 36),
        1 => (be(mvhd, 20, 4)?, be(mvhd, 24, 8)?, 48),
        _ => return Err(Unsure::new("an unknown mvhd version").into()),
    };
    // libavformat applies the movie's matrix to every track's: only the identity is read here.
    let identity = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 1 << 30];
    for (i, want) in identity.iter().enumerate() {
        if be(mvhd, matrix_at + 4 * i, 4)? != *want {
            return Err(Unsure::new("a movie display matrix").into());
        }
    }
    if duration == 0 && !fragmented && !boxes(moov)?.iter().any(|(kind, _)| kind == b"trak") {
        // A movie header and nothing else: libavformat reports a duration of 0 and no streams.
        return Ok(MediaInfo {
            container: Some(CONTAINER.to_owned()),
            duration_secs: Some(0.0),
            ..MediaInfo::default()
        });
    }
    let mut timings = Vec::new();
    let micros = if fragmented {
        let (micros, tracks) = fragmented_timing(src, moov, &layout.moofs)?;
        timings = tracks;
        micros
    } else {
        if timescale == 0 || duration == 0 || duration == u64::from(u32::MAX) {
            return Err(Unsure::new("no duration in the header").into());
        }
        // ffmpeg: av_rescale(duration, AV_TIME_BASE, time_scale), rounded to nearest.
        let micros = (u128::from(duration) * 1_000_000 + u128::from(timescale) / 2) / u128::from(timescale);
        u64::try_from(micros).unwrap_or(u64::MAX)
    };
    let (duration_secs, bit_rate) = format_timing(micros, src.len)?;
    let mut info =
        MediaInfo { container: Some(CONTAINER.to_owned()), duration_secs, bit_rate, ..MediaInfo::default() };
    let chapter_tracks = chapter_tracks(moov)?;
    if chapter_tracks.len() > 1 {
        return Err(Unsure::new("several QuickTime chapter tracks").into());
    }
    let nero = metadata(moov, &mut info)?;
    if let Some(list) = nero.as_deref().filter(|_| chapter_tracks.is_empty()) {
        // The last chapter ends at the file's end: its duration after its start time, which
        // a track starting late (an empty edit) moves from zero.
        if chapters::starts_late(moov)? {
            return Err(Unsure::new("Nero chapters in a file whose tracks start late").into());
        }
        info.chapters = chapters::nero_chapters(list, micros);
    }
    // Every track is a stream, numbered in file order.
    let traks = boxes(moov)?.into_iter().filter(|(kind, _)| kind == b"trak");
    for (index, (_, trak)) in traks.enumerate() {
        let index = u32::try_from(index).map_err(|_| Unsure::new("too many tracks"))?;
        let t = track(trak)?;
        if chapter_tracks.contains(&track_id(trak)?) {
            // libavformat lists it as a data stream (not stored) and reads it as chapters,
            // numbered by sample: they replace the Nero chapters of the same numbers.
            let (list, samples) = chapters::read(src, &t, trak)?;
            if nero.as_ref().is_some_and(|n| !n.is_empty() && (n.len() > list.len() || list.len() < samples))
            {
                return Err(Unsure::new("Nero chapters a chapter track does not replace").into());
            }
            info.chapters = list;
            continue;
        }
        match &t.handler {
            b"vide" if info.video.is_none() => {
                let first = if streams::needs_first_sample(&t)? {
                    Some(streams::first_sample(src, t.stbl)?)
                } else {
                    None
                };
                let mut video = streams::video_stream(&t, first.as_deref(), index)?;
                if fragmented {
                    let id = track_id(trak)?;
                    video.frame_rate = timings.iter().find(|t| t.id == id).and_then(|t| t.frame_rate());
                    video.avg_frame_rate = video.frame_rate;
                    video.bit_rate = timings.iter().find(|t| t.id == id).and_then(|t| t.bit_rate());
                }
                info.video = Some(video);
            }
            b"vide" => {}
            b"soun" => {
                let mut audio = streams::audio_stream(src, &t, index)?;
                if fragmented && !matches!(audio.codec.as_str(), "ac3" | "eac3") {
                    let id = track_id(trak)?;
                    audio.bit_rate = timings.iter().find(|t| t.id == id).and_then(|t| t.bit_rate());
                }
                info.audio.push(audio);
            }
            b"sbtl" | b"subt" | b"text" => match &t.entry {
                b"tx3g" => info.subtitles.push(SubtitleStream {
                    index,
                    codec: "mov_text".to_owned(),
                    language: t.language,
                    default: t.enabled,
                    text: true,
                    ..SubtitleStream::default()
                }),
                _ => return Err(Unsure::new("a subtitle format the native probe does not read").into()),
            },
            b"tmcd" | b"hint" | b"meta" => {}
            _ => return Err(Unsure::new("a track of an unknown kind").into()),
        }
    }
    Ok(info)
}

/// Movie metadata ffprobe turns into streams or chapters: cover art (`covr` in an iTunes
/// `ilst`, an attached picture stream) and Nero chapters (`chpl`).
fn metadata(moov: &[u8], info: &mut MediaInfo) -> Result<Option<chapters::NeroList>, Unsure> {
    let mut seen_trak = false;
    let mut nero = None;
    for (kind, payload) in boxes(moov)? {
        match &kind {
            b"trak" => seen_trak = true,
            b"udta" | b"meta" => {
                let udta = if &kind == b"meta" { moov_meta(payload)? } else { boxes(payload)? };
                for (inner, body) in udta {
                    let pictures = match &inner {
                        b"chpl" if nero.is_some() => return Err(Unsure::new("several Nero chapter lists")),
                        b"chpl" => {
                            nero = Some(chapters::nero(body)?);
                            false
                        }
                        b"meta" => cover_art(&boxes_of_meta(body)?)?,
                        b"ilst" => cover_art(&[(inner, body)])?,
                        _ => false,
                    };
                    if pictures && !seen_trak {
                        // The picture's stream would come before the tracks' and renumber them.
                        return Err(Unsure::new("cover art before the tracks"));
                    }
                    info.cover_art |= pictures;
                }
            }
            _ => {}
        }
    }
    Ok(nero)
}

/// A `meta` box's children, whether it is a full box (ISO) or not (QuickTime).
fn boxes_of_meta(meta: &[u8]) -> Result<Vec<Mp4Box<'_>>, Unsure> {
    match meta.get(4..8) {
        Some(b"hdlr") => boxes(meta),
        _ => boxes(meta.get(4..).unwrap_or_default()),
    }
}

fn moov_meta(meta: &[u8]) -> Result<Vec<Mp4Box<'_>>, Unsure> {
    Ok(vec![(*b"meta", meta)])
}

/// Whether an `ilst` among these boxes holds a picture ffmpeg turns into a stream (JPEG, PNG
/// or BMP `data`).
fn cover_art(children: &[Mp4Box<'_>]) -> Result<bool, Unsure> {
    for (kind, ilst) in children {
        if kind != b"ilst" {
            continue;
        }
        for (item, body) in boxes(ilst)? {
            if &item != b"covr" {
                continue;
            }
            for (data, value) in boxes(body)? {
                if &data == b"data" && matches!(be(value, 0, 4)?, 0xd | 0xe | 0x1b) {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_decoded() {
        assert_eq!(language(0x15c7).unwrap().as_deref(), Some("eng"));
        assert_eq!(language(0x55c4).unwrap(), None);
        assert_eq!(language(0).unwrap().as_deref(), Some("eng"));
        assert!(language(12).is_err());
    }

    #[test]
    fn boxes_that_do_not_fit_are_unsure() {
        assert!(boxes(&[0, 0, 0, 20, b'f', b'r', b'e', b'e', 0, 0]).is_err());
        assert!(boxes(&[0, 0, 0, 4, b'f', b'r', b'e', b'e']).is_err());
        let ok = boxes(&[0, 0, 0, 9, b'f', b'r', b'e', b'e', 7]).unwrap();
        assert_eq!(ok, vec![(*b"free", &[7u8][..])]);
    }
}
