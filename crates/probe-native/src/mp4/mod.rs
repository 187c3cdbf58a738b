//! ISO base media files (MP4, M4V, MOV): the `moov` box, wherever it is, and for fragmented
//! files the `moof` boxes (`fragments.rs`). Codecs and layouts not listed here are [`Unsure`].

use scanner_core::{AudioStream, MediaInfo, SubtitleStream, VideoStream};

mod fragments;

use crate::bits::{be, u8_at};
use crate::source::Source;
use crate::video::{self, VideoFacts};
use crate::{Stop, Unsure, audio, format_timing, round3};

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
                    ids.push(be(refs, 4 * i, 4)?);
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
        let default_duration = boxes(mvex)?
            .into_iter()
            .find(|(k, b)| k == b"trex" && be(b, 4, 4).is_ok_and(|i| i == id))
            .map(|(_, trex)| be(trex, 12, 4))
            .transpose()?
            .unwrap_or(0);
        let (samples, end, first_offset) = fragments::moov_samples(t.stbl)?;
        tracks.push(fragments::Timing {
            id,
            timescale: t.timescale,
            default_duration,
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

/// Reads an MPEG-4 descriptor's tag and length at `at`; returns (tag, body start, body end).
fn descriptor(data: &[u8], at: usize) -> Result<(u8, usize, usize), Unsure> {
    let tag = u8_at(data, at)?;
    let mut len = 0usize;
    let mut i = at + 1;
    for _ in 0..4 {
        let b = u8_at(data, i)?;
        i += 1;
        len = (len << 7) | usize::from(b & 0x7f);
        if b & 0x80 == 0 {
            break;
        }
    }
    let end = i
        .checked_add(len)
        .filter(|&e| e <= data.len())
        .ok_or_else(|| Unsure::new("a descriptor too long"))?;
    Ok((tag, i, end))
}

/// An `esds` payload: the object type and the decoder-specific info.
fn esds(payload: &[u8]) -> Result<(u8, &[u8]), Unsure> {
    let body = payload.get(4..).ok_or_else(|| Unsure::new("an empty esds"))?;
    let (tag, start, end) = descriptor(body, 0)?;
    if tag != 3 {
        return Err(Unsure::new("an esds without an ES descriptor"));
    }
    let flags = u8_at(body, start + 2)?;
    let mut at = start + 3;
    if flags & 0x80 != 0 {
        at += 2;
    }
    if flags & 0x40 != 0 {
        at += 1 + usize::from(u8_at(body, at)?);
    }
    if flags & 0x20 != 0 {
        at += 2;
    }
    let (tag, dc_start, dc_end) = descriptor(&body[..end], at)?;
    if tag != 4 {
        return Err(Unsure::new("an esds without a decoder config"));
    }
    let object_type = u8_at(body, dc_start)?;
    let specific = if dc_start + 13 < dc_end {
        let (tag, s, e) = descriptor(&body[..dc_end], dc_start + 13)?;
        if tag == 5 { &body[s..e] } else { &[][..] }
    } else {
        &[][..]
    };
    Ok((object_type, specific))
}

struct Track<'a> {
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
    let (timescale, lang) = match u8_at(mdhd, 0)? {
        0 => (be(mdhd, 12, 4)?, be(mdhd, 20, 2)?),
        1 => (be(mdhd, 20, 4)?, be(mdhd, 32, 2)?),
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
    Ok(Track { handler, timescale, language: language(lang as u16)?, entry, entry_body, stbl })
}

/// Average frame rate from the time-to-sample table, as ffmpeg computes it.
fn frame_rate(t: &Track<'_>) -> Result<Option<f64>, Unsure> {
    let stts = need(t.stbl, b"stts")?;
    let count = be(stts, 4, 4)?;
    let (mut frames, mut duration) = (0u64, 0u64);
    for i in 0..count.min(1 << 20) as usize {
        let n = be(stts, 8 + 8 * i, 4)?;
        let delta = be(stts, 12 + 8 * i, 4)?;
        frames = frames.saturating_add(n);
        duration = duration.saturating_add(n.saturating_mul(delta));
    }
    if frames == 0 || duration == 0 || t.timescale == 0 {
        return Ok(None);
    }
    Ok(Some(round3(t.timescale as f64 * frames as f64 / duration as f64)))
}

/// Bytes read at most from a track's first sample.
const FIRST_SAMPLE: u64 = 64 << 10;

/// The start of a track's first sample: the first chunk's offset (`stco`/`co64`), the first
/// sample's size (`stsz`).
fn first_sample(src: &mut Source<'_>, stbl: &[u8]) -> Result<Vec<u8>, Stop> {
    let offset = match (child(stbl, b"stco")?, child(stbl, b"co64")?) {
        (Some(stco), _) if be(stco, 4, 4)? > 0 => be(stco, 8, 4)?,
        (_, Some(co64)) if be(co64, 4, 4)? > 0 => be(co64, 8, 8)?,
        _ => return Err(Unsure::new("a track without chunks").into()),
    };
    let stsz = need(stbl, b"stsz")?;
    let size = match be(stsz, 4, 4)? {
        0 if be(stsz, 8, 4)? > 0 => be(stsz, 12, 4)?,
        0 => return Err(Unsure::new("a track without samples").into()),
        fixed => fixed,
    };
    src.read(offset, size.min(FIRST_SAMPLE))
}

/// The codec configuration boxes of a visual sample entry.
fn visual_children<'a>(t: &Track<'a>) -> Result<&'a [u8], Unsure> {
    t.entry_body.get(78..).ok_or_else(|| Unsure::new("a short visual sample entry"))
}

/// Whether the video stream is only described by its first sample: AV1 with an all-zero
/// `av1C` (GStreamer's mp4mux), where ffmpeg reads the sequence header from the stream.
fn needs_first_sample(t: &Track<'_>) -> Result<bool, Unsure> {
    Ok(&t.entry == b"av01" && need(visual_children(t)?, b"av1C")?.iter().all(|b| *b == 0))
}

fn video_stream(t: &Track<'_>, first: Option<&[u8]>) -> Result<VideoStream, Unsure> {
    let body = t.entry_body;
    let (width, height) = (be(body, 24, 2)? as u32, be(body, 26, 2)? as u32);
    let children = visual_children(t)?;
    let (codec, facts): (&str, VideoFacts) = match &t.entry {
        b"av01" if let Some(first) = first => {
            ("av1", video::av1_stream(crate::av1::find_sequence_header(first)?, width, height)?)
        }
        b"avc1" | b"avc3" => ("h264", video::h264(need(children, b"avcC")?)?),
        b"hvc1" | b"hev1" => ("hevc", video::hevc(need(children, b"hvcC")?)?),
        b"av01" => ("av1", video::av1(need(children, b"av1C")?, width, height)?),
        b"vp09" => ("vp9", video::vp9(need(children, b"vpcC")?, width, height)?),
        b"mp4v" => match esds(need(children, b"esds")?)? {
            (0x20, config) => ("mpeg4", video::mpeg4(config, width, height)?),
            _ => return Err(Unsure::new("an MPEG-4 visual object type the native probe does not read")),
        },
        _ => return Err(Unsure::new("a video codec the native probe does not read")),
    };
    Ok(facts.stream(codec, frame_rate(t)?))
}

fn audio_stream(t: &Track<'_>) -> Result<AudioStream, Unsure> {
    let body = t.entry_body;
    let children_at = match be(body, 8, 2)? {
        0 => 28,
        1 => 44,
        2 => 64,
        _ => return Err(Unsure::new("an unknown audio sample entry version")),
    };
    let children = body.get(children_at..).unwrap_or_default();
    let entry_channels = be(body, 16, 2)? as u32;
    let sample_bits = be(body, 18, 2)?;
    // QuickTime puts the codec's box inside a `wave` box.
    let config = |kind: &[u8; 4]| -> Result<&[u8], Unsure> {
        match child(children, kind)? {
            Some(found) => Ok(found),
            None => need(need(children, b"wave")?, kind),
        }
    };
    let (codec, channels) = match &t.entry {
        b"mp4a" => match esds(config(b"esds")?)? {
            (0x40 | 0x66 | 0x67 | 0x68, asc) => ("aac", audio::aac_channels(asc)?),
            (0x69 | 0x6b, _) => ("mp3", entry_channels),
            (0xdd, headers) => ("vorbis", audio::vorbis_id_channels(headers)?),
            _ => return Err(Unsure::new("an MPEG-4 audio object type the native probe does not read")),
        },
        // QuickTime's entry for MP3, and PCM by byte order and sample size.
        b".mp3" => ("mp3", entry_channels),
        b"sowt" if sample_bits == 16 => ("pcm_s16le", entry_channels),
        b"twos" if sample_bits == 16 => ("pcm_s16be", entry_channels),
        b"in24" if child(children, b"enda")?.is_none() && child(children, b"wave")?.is_none() => {
            ("pcm_s24be", entry_channels)
        }
        b"alac" => {
            // The magic cookie: version and flags, then ALACSpecificConfig (numChannels at 9).
            ("alac", u32::from(u8_at(config(b"alac")?, 4 + 9)?))
        }
        b"ac-3" => ("ac3", audio::ac3_channels(config(b"dac3")?)?),
        b"ec-3" => ("eac3", audio::eac3_channels(config(b"dec3")?)?),
        b"Opus" => ("opus", audio::opus_channels(config(b"dOps")?)?),
        b"fLaC" => {
            let dfla = config(b"dfLa")?;
            let block = dfla.get(8..).ok_or_else(|| Unsure::new("a short dfLa"))?;
            if u8_at(dfla, 4)? & 0x7f != 0 {
                return Err(Unsure::new("a dfLa without STREAMINFO first"));
            }
            ("flac", audio::flac_channels(block)?)
        }
        _ => return Err(Unsure::new("an audio codec the native probe does not read")),
    };
    Ok(AudioStream {
        codec: codec.to_owned(),
        channels: Some(channels).filter(|c| *c > 0),
        language: t.language.clone(),
        ..AudioStream::default()
    })
}

pub(crate) fn probe(src: &mut Source<'_>) -> Result<MediaInfo, Stop> {
    let layout = read_moov(src)?;
    let moov = layout.moov.as_slice();
    let fragmented = child(moov, b"mvex")?.is_some();
    if !fragmented && !layout.moofs.is_empty() {
        return Err(Unsure::new("fragments without mvex").into());
    }
    let mvhd = need(moov, b"mvhd")?;
    let (timescale, duration) = match u8_at(mvhd, 0)? {
        0 => (be(mvhd, 12, 4)?, be(mvhd, 16, 4)?),
        1 => (be(mvhd, 20, 4)?, be(mvhd, 24, 8)?),
        _ => return Err(Unsure::new("an unknown mvhd version").into()),
    };
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
    for (kind, trak) in boxes(moov)? {
        if &kind != b"trak" {
            continue;
        }
        if chapter_tracks.contains(&track_id(trak)?) {
            // libavformat reads a QuickTime chapter track (HandBrake's markers) as chapters
            // and lists it as a data stream, which the catalog does not store.
            continue;
        }
        let t = track(trak)?;
        match &t.handler {
            b"vide" if info.video.is_none() => {
                let first = if needs_first_sample(&t)? { Some(first_sample(src, t.stbl)?) } else { None };
                let mut video = video_stream(&t, first.as_deref())?;
                if fragmented {
                    let id = track_id(trak)?;
                    video.frame_rate = timings.iter().find(|t| t.id == id).and_then(|t| t.frame_rate());
                }
                info.video = Some(video);
            }
            b"vide" => {}
            b"soun" => info.audio.push(audio_stream(&t)?),
            b"sbtl" | b"subt" | b"text" => match &t.entry {
                b"tx3g" => info.subtitles.push(SubtitleStream {
                    codec: "mov_text".to_owned(),
                    language: t.language,
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
