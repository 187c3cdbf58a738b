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
pub(super) fn first_sample(src: &mut Source<'_>, stbl: &[u8]) -> Result<Vec<u8>, Stop> {
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

/// Whether the video stream is only described by its first sample: AV1 whose `av1C` carries
/// no sequence header (GStreamer's mp4mux writes it all zero), and VP9, whose colour ffmpeg's
/// decoder takes from the key frame.
pub(super) fn needs_first_sample(t: &Track<'_>) -> Result<bool, Unsure> {
    Ok(match &t.entry {
        b"av01" => {
            let av1c = need(visual_children(t)?, b"av1C")?;
            av1c.iter().all(|b| *b == 0) || av1c.len() <= 4
        }
        b"vp09" => true,
        _ => false,
    })
}

/// The display matrix of `tkhd` as ffprobe reports its rotation: `None` for the identity,
/// unsure of scaling or shearing matrices (ffmpeg derives an aspect ratio from those).
fn rotation(t: &Track<'_>) -> Result<Option<i32>, Unsure> {
    let at = if u8_at(t.tkhd, 0)? == 0 { 40 } else { 52 };
    let mut m = [0i64; 9];
    for (i, v) in m.iter_mut().enumerate() {
        *v = be(t.tkhd, at + 4 * i, 4)? as u32 as i32 as i64;
    }
    if m == [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 1 << 30] {
        return Ok(None);
    }
    let unit = |v: i64| v == 0 || v.abs() == 0x10000;
    if !(m[..2].iter().chain(&m[3..5]).all(|v| unit(*v)) && m[2] == 0 && m[5] == 0 && m[8] == 1 << 30) {
        return Err(Unsure::new("a display matrix that scales or shears"));
    }
    let (sx, sy) = ((m[0] * m[0] + m[3] * m[3]) as f64, (m[1] * m[1] + m[4] * m[4]) as f64);
    if sx != 65536.0 * 65536.0 || sy != 65536.0 * 65536.0 {
        return Err(Unsure::new("a degenerate display matrix"));
    }
    let degrees = (m[1] as f64).atan2(m[0] as f64).to_degrees();
    Ok(Some(-(degrees as i32)))
}

/// The size of all the samples `stsz` lists.
pub(super) fn sample_bytes(stbl: &[u8]) -> Result<u64, Unsure> {
    let stsz = need(stbl, b"stsz")?;
    let count = be(stsz, 8, 4)?;
    Ok(match be(stsz, 4, 4)? {
        0 => {
            let mut sum = 0u64;
            for i in 0..count.min(1 << 24) as usize {
                sum = sum.saturating_add(be(stsz, 12 + 4 * i, 4)?);
            }
            sum
        }
        fixed => fixed.saturating_mul(count),
    })
}

/// The track's bit rate as libavformat computes it: all sample sizes over the media duration,
/// rounded down.
fn bit_rate(t: &Track<'_>) -> Result<Option<u64>, Unsure> {
    let bytes = sample_bytes(t.stbl)?;
    if t.duration == 0 {
        return Ok(None);
    }
    let rate = u128::from(bytes) * u128::from(t.timescale) * 8 / u128::from(t.duration);
    Ok(u64::try_from(rate).ok().filter(|r| *r > 0))
}

/// What the sample entry's boxes say: `pasp`, `colr`, `fiel`, and the Dolby Vision record.
fn container(t: &Track<'_>, children: &[u8], index: u32) -> Result<Container, Unsure> {
    let mut out = Container {
        index,
        codec_tag: video::details::fourcc(&t.entry),
        rotation: rotation(t)?,
        bit_rate: bit_rate(t)?,
        ..Container::default()
    };
    if let Some(pasp) = child(children, b"pasp")? {
        out.sar = Some((be(pasp, 0, 4)?, be(pasp, 4, 4)?)).filter(|(h, v)| *h > 0 && *v > 0);
    }
    if let Some(colr) = child(children, b"colr")? {
        let code = |at: usize| -> Result<u32, Unsure> { Ok(be(colr, at, 2)? as u32) };
        match colr.get(..4) {
            Some(b"nclx") => {
                let range = if u8_at(colr, 10)? >> 7 == 1 { 2 } else { 1 };
                out.colour = Some(video::details::Colour {
                    range,
                    primaries: code(4)?,
                    transfer: code(6)?,
                    matrix: code(8)?,
                });
            }
            Some(b"nclc") => {
                out.colour = Some(video::details::Colour {
                    range: 0,
                    primaries: code(4)?,
                    transfer: code(6)?,
                    matrix: code(8)?,
                });
            }
            _ => {}
        }
    }
    if let Some(fiel) = child(children, b"fiel")? {
        out.field_order = match be(fiel, 0, 2)? {
            0x0100..=0x01FF => Some("progressive"),
            _ => return Err(Unsure::new("an interlaced field order box")),
        };
    }
    for kind in [b"dvcC", b"dvvC", b"dvwC"] {
        if let Some(record) = child(children, kind)? {
            out.dovi = Some(video::details::dovi(record)?);
        }
    }
    Ok(out)
}

pub(super) fn video_stream(t: &Track<'_>, first: Option<&[u8]>, index: u32) -> Result<VideoStream, Unsure> {
    let body = t.entry_body;
    let (width, height) = (be(body, 24, 2)? as u32, be(body, 26, 2)? as u32);
    let children = visual_children(t)?;
    let (codec, facts): (&str, VideoFacts) = match &t.entry {
        b"av01" if let Some(first) = first => {
            ("av1", video::av1_stream(crate::av1::find_sequence_header(first)?, width, height)?)
        }
        b"vp09" if let Some(first) = first => ("vp9", crate::vpx::vp9(first, width, height)?),
        b"avc1" | b"avc3" | b"dvav" | b"dva1" => ("h264", video::h264(need(children, b"avcC")?)?),
        b"hvc1" | b"hev1" | b"dvh1" | b"dvhe" => ("hevc", video::hevc(need(children, b"hvcC")?)?),
        b"av01" | b"dav1" => ("av1", video::av1(need(children, b"av1C")?, width, height)?),
        b"mp4v" => match esds(need(children, b"esds")?)? {
            (0x20, config) => ("mpeg4", video::mpeg4(config, width, height)?),
            _ => return Err(Unsure::new("an MPEG-4 visual object type the native probe does not read")),
        },
        _ => return Err(Unsure::new("a video codec the native probe does not read")),
    };
    facts.stream(codec, frame_rate(t)?, &container(t, children, index)?)
}

/// PCM in QuickTime: ffmpeg's PCM decoders name no channel layout, so ffprobe gives the one of
/// the sample entry's `chan` box (Core Audio layout tags for mono and stereo), or none.
fn pcm(
    codec: &'static str,
    channels: u32,
    rate: u32,
    children: &[u8],
) -> Result<(&'static str, audio::AudioFacts), Unsure> {
    let mut facts = audio::AudioFacts::plain(channels, rate, false)?;
    facts.layout = match child(children, b"chan")? {
        None if child(children, b"wave")?.is_some() => {
            return Err(Unsure::new("PCM with a wave box"));
        }
        None => None,
        Some(chan) => match (be(chan, 4, 4)?, channels) {
            // kAudioChannelLayoutTag_Mono and _Stereo: (100 << 16) | 1, (101 << 16) | 2.
            (0x64_0001, 1) => Some("mono"),
            (0x65_0002, 2) => Some("stereo"),
            _ => return Err(Unsure::new("a QuickTime channel layout the native probe does not name")),
        },
    };
    Ok((codec, facts))
}

pub(super) fn audio_stream(src: &mut Source<'_>, t: &Track<'_>, index: u32) -> Result<AudioStream, Stop> {
    let body = t.entry_body;
    let version = be(body, 8, 2)?;
    let children_at = match version {
        0 => 28,
        1 => 44,
        2 => 64,
        _ => return Err(Unsure::new("an unknown audio sample entry version").into()),
    };
    let children = body.get(children_at..).unwrap_or_default();
    let entry_channels = be(body, 16, 2)? as u32;
    let sample_bits = be(body, 18, 2)?;
    let entry_rate = if version == 2 {
        let rate = f64::from_bits(be(body, 32, 8)?);
        if !(1.0..1e7).contains(&rate) || rate.fract() != 0.0 {
            return Err(Unsure::new("an odd sample rate").into());
        }
        rate as u32
    } else {
        (be(body, 24, 4)? >> 16) as u32
    };
    // QuickTime puts the codec's box inside a `wave` box.
    let config = |kind: &[u8; 4]| -> Result<&[u8], Unsure> {
        match child(children, kind)? {
            Some(found) => Ok(found),
            None => need(need(children, b"wave")?, kind),
        }
    };
    let plain = |codec: &'static str| {
        Ok::<_, Unsure>((codec, audio::AudioFacts::plain(entry_channels, entry_rate, false)?))
    };
    let (codec, mut facts) = match &t.entry {
        b"mp4a" => match esds(config(b"esds")?)? {
            (0x40 | 0x66 | 0x67 | 0x68, asc) => ("aac", audio::aac(asc)?),
            (0x69 | 0x6b, _) => plain("mp3")?,
            (0xdd, headers) => ("vorbis", audio::vorbis_id(headers)?),
            _ => return Err(Unsure::new("an MPEG-4 audio object type the native probe does not read").into()),
        },
        // QuickTime's entry for MP3, and PCM by byte order and sample size.
        b".mp3" => plain("mp3")?,
        b"sowt" if sample_bits == 16 => pcm("pcm_s16le", entry_channels, entry_rate, children)?,
        b"twos" if sample_bits == 16 => pcm("pcm_s16be", entry_channels, entry_rate, children)?,
        b"in24" if child(children, b"enda")?.is_none() && child(children, b"wave")?.is_none() => {
            pcm("pcm_s24be", entry_channels, entry_rate, children)?
        }
        b"alac" => {
            // The magic cookie: version and flags, then ALACSpecificConfig (numChannels at 9,
            // sampleRate at 20).
            let cookie = config(b"alac")?;
            let channels = u32::from(u8_at(cookie, 4 + 9)?);
            ("alac", audio::AudioFacts::plain(channels, be(cookie, 4 + 20, 4)? as u32, false)?)
        }
        b"ac-3" | b"ec-3" => {
            config(if &t.entry == b"ac-3" { b"dac3" } else { b"dec3" })?;
            let frame = first_sample(src, t.stbl)?;
            (if &t.entry == b"ac-3" { "ac3" } else { "eac3" }, audio::ac3_frame(&frame)?)
        }
        b"Opus" => ("opus", audio::opus(config(b"dOps")?, 1)?),
        b"fLaC" => {
            let dfla = config(b"dfLa")?;
            let block = dfla.get(8..).ok_or_else(|| Unsure::new("a short dfLa"))?;
            if u8_at(dfla, 4)? & 0x7f != 0 {
                return Err(Unsure::new("a dfLa without STREAMINFO first").into());
            }
            ("flac", audio::flac(block)?)
        }
        _ => return Err(Unsure::new("an audio codec the native probe does not read").into()),
    };
    // ffmpeg's AC-3 decoder sets the bit rate of the frames; for the others it is the track's.
    if facts.bit_rate.is_none() {
        facts.bit_rate = bit_rate(t)?;
    }
    Ok(AudioStream { language: t.language.clone(), default: t.enabled, ..facts.stream(codec, index) })
}
