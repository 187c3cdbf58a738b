//! An MP4 track's streams: the sample entry's codec configuration, and what the track header
//! and sample tables say (disposition, rotation, aspect ratio, colour, bit rate).

use scanner_core::{AudioStream, VideoStream};

use super::{Track, child, need};
use crate::bits::{be, u8_at};
use crate::source::Source;
use crate::video::{self, Container, VideoFacts};
use crate::{Stop, Unsure, audio, round3};

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

