//! AVI (RIFF), OpenDML included: the `hdrl` list — stream headers and formats — and the first
//! video frame's headers where the profile is only there (H.264 in Annex B or length-prefixed,
//! MPEG-4 Part 2). Subtitle streams and codecs not listed here are [`Unsure`].

use scanner_core::{AudioStream, MediaInfo, VideoStream};

use crate::source::Source;
use crate::video::Container;
use crate::{Stop, Unsure, audio, format_timing, round3, video};

pub(crate) const CONTAINER: &str = "avi";

fn le(data: &[u8], at: usize, len: usize) -> Result<u64, Unsure> {
    let field = data.get(at..at.checked_add(len).ok_or_else(|| Unsure::new("offset overflow"))?);
    let field = field.ok_or_else(|| Unsure::new("a header ends early"))?;
    Ok(field.iter().rev().fold(0, |n, &b| (n << 8) | u64::from(b)))
}

/// A RIFF chunk: its fourcc and payload.
type Chunk<'a> = ([u8; 4], &'a [u8]);

/// Chunks of a RIFF list body: (fourcc, payload); a LIST's payload starts with its type.
fn chunks(data: &[u8]) -> Result<Vec<Chunk<'_>>, Unsure> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at + 8 <= data.len() {
        let id: [u8; 4] = data[at..at + 4].try_into().map_err(|_| Unsure::new("a chunk header"))?;
        let size = le(data, at + 4, 4)? as usize;
        let end = (at + 8).checked_add(size).filter(|&e| e <= data.len());
        let end = end.ok_or_else(|| Unsure::new("a chunk that does not fit its list"))?;
        if out.len() == crate::MAX_CHILDREN {
            return Err(Unsure::new("a list with too many chunks"));
        }
        out.push((id, &data[at + 8..end]));
        at = end + (size & 1);
    }
    Ok(out)
}

struct Stream<'a> {
    kind: [u8; 4],
    scale: u64,
    rate: u64,
    length: u64,
    sample_size: u64,
    format: &'a [u8],
    /// The aspect ratio of the video properties header (`vprp`).
    sar: Option<(u64, u64)>,
    /// The stream's name (`strn`), which libavformat reports as its title.
    name: Option<String>,
}

fn stream(strl: &[u8]) -> Result<Stream<'_>, Unsure> {
    let parts = chunks(strl)?;
    let find = |id: &[u8; 4]| parts.iter().find(|(i, _)| i == id).map(|(_, p)| *p);
    let strh = find(b"strh").ok_or_else(|| Unsure::new("a stream without strh"))?;
    let format = find(b"strf").ok_or_else(|| Unsure::new("a stream without strf"))?;
    // The video properties header: libavformat takes the stream's aspect ratio from the frame
    // aspect ratio over the active frame size.
    let mut sar = None;
    if let Some(vprp) = find(b"vprp").filter(|v| v.len() > 36) {
        let (aspect_den, aspect_num) = (le(vprp, 20, 2)?, le(vprp, 22, 2)?);
        let (active_num, active_den) = (le(vprp, 24, 4)?, le(vprp, 28, 4)?);
        if aspect_num > 0 && aspect_den > 0 && active_num > 0 && active_den > 0 {
            sar = Some((aspect_num * active_den, aspect_den * active_num));
        }
    }
    let name = find(b"strn").map(|n| {
        let end = n.iter().position(|b| *b == 0).unwrap_or(n.len());
        String::from_utf8_lossy(&n[..end]).trim().to_owned()
    });
    Ok(Stream {
        sar,
        name: name.filter(|n| !n.is_empty()),
        kind: strh.get(0..4).and_then(|k| k.try_into().ok()).ok_or_else(|| Unsure::new("a short strh"))?,
        scale: le(strh, 20, 4)?,
        rate: le(strh, 24, 4)?,
        length: le(strh, 32, 4)?,
        sample_size: le(strh, 44, 4)?,
        format,
    })
}

/// Chunks walked at most in `movi` looking for the first video frame: MEncoder writes up to a
/// few hundred audio chunks (and an empty video chunk) before it.
const MAX_MOVI_CHUNKS: usize = 1024;

/// The payload of the first non-empty chunk of stream `index` in `movi`, read within the budget.
fn first_frame(
    src: &mut Source<'_>,
    movi: u64,
    movi_end: u64,
    index: usize,
    audio: bool,
) -> Result<Vec<u8>, Stop> {
    let wanted = format!("{index:02}");
    let mut at = movi;
    for _ in 0..MAX_MOVI_CHUNKS {
        if at + 8 > movi_end {
            break;
        }
        let head = src.read(at, 12)?;
        let size = le(&head, 4, 4)?;
        if &head[0..4] == b"LIST" {
            at += 12; // `rec ` lists: step inside.
            continue;
        }
        let kind = if audio { &head[2..4] == b"wb" } else { head[2] == b'd' };
        if head[0..2] == *wanted.as_bytes() && kind && size > 0 {
            return src.read(at + 8, size.min(1 << 20));
        }
        at += 8 + size + (size & 1);
    }
    Err(Unsure::new("no frame near the start of the file").into())
}

fn video_stream(s: &Stream<'_>, frame: &[u8], index: u32) -> Result<VideoStream, Unsure> {
    let width = le(s.format, 4, 4)? as u32;
    let height = (le(s.format, 8, 4)? as u32 as i32).unsigned_abs();
    let extradata = s.format.get(40..).unwrap_or_default();
    let facts = match s.format.get(16..20) {
        Some(b"FMP4" | b"XVID" | b"xvid" | b"DIVX" | b"divx" | b"DX50" | b"MP4V" | b"mp4v") => {
            ("mpeg4", video::mpeg4(extradata, width, height).or_else(|_| video::mpeg4(frame, width, height))?)
        }
        Some(b"H264" | b"h264" | b"X264" | b"x264" | b"AVC1" | b"avc1") => {
            // Annex B (start codes) as encoders write it, or an avcC record and length-prefixed
            // NAL units as copied from MP4 or Matroska.
            let facts = video::h264_annex_b(extradata)
                .or_else(|_| video::h264(extradata))
                .or_else(|_| video::h264_annex_b(frame))
                .or_else(|_| video::h264_length_prefixed(frame))?;
            ("h264", facts)
        }
        _ => return Err(Unsure::new("a video codec the native probe does not read")),
    };
    let (codec, facts) = facts;
    if s.scale == 0 || s.rate == 0 {
        return Err(Unsure::new("a stream without a rate"));
    }
    let container = Container {
        index,
        codec_tag: s.format.get(16..20).and_then(video::details::fourcc),
        sar: s.sar,
        ..Container::default()
    };
    facts.stream(codec, Some(round3(s.rate as f64 / s.scale as f64)), &container)
}

fn audio_stream(s: &Stream<'_>, frame: &[u8], index: u32) -> Result<AudioStream, Unsure> {
    let mut tag = le(s.format, 0, 2)?;
    if tag == 0xFFFE {
        // WAVE_FORMAT_EXTENSIBLE: the format is the first two bytes of the SubFormat GUID.
        tag = le(s.format, 24, 2)?;
    }
    let bits = le(s.format, 14, 2)?;
    let codec = match (tag, bits) {
        (0x01, 8) => "pcm_u8",
        (0x01, 16) => "pcm_s16le",
        (0x01, 24) => "pcm_s24le",
        (0x01, 32) => "pcm_s32le",
        (0x03, 32) => "pcm_f32le",
        (0x03, 64) => "pcm_f64le",
        (0x50, _) => "mp2",
        (0x55, _) => "mp3",
        (0x2000, _) => "ac3",
        (0x2001, _) => "dts",
        _ => return Err(Unsure::new("an audio format the native probe does not read")),
    };
    // The decoders and parsers report what the first frame says; the bit rate stays the
    // header's average where it gives one.
    let mut facts = match codec {
        "ac3" => audio::ac3_frame(frame)?,
        "mp2" | "mp3" => audio::mpeg_audio_frame(frame)?,
        // A plain WAVEFORMATEX says nothing of the layout, and ffprobe names none.
        c if c.starts_with("pcm_") && le(s.format, 0, 2)? == 1 => audio::AudioFacts {
            channels: le(s.format, 2, 2)? as u32,
            sample_rate: le(s.format, 4, 4)? as u32,
            ..audio::AudioFacts::default()
        },
        _ => return Err(Unsure::new("PCM or DTS in AVI, whose layout the native probe does not name")),
    };
    let average = le(s.format, 8, 4)? * 8;
    if average > 0 {
        facts.bit_rate = Some(average);
    }
    Ok(AudioStream { title: s.name.clone(), ..facts.stream(codec, index) })
}

pub(crate) fn probe(src: &mut Source<'_>) -> Result<MediaInfo, Stop> {
    let head = src.read(0, 12)?;
    if &head[0..4] != b"RIFF" || &head[8..12] != b"AVI " {
        return Err(Unsure::new("not an AVI file").into());
    }
    if 8 + le(&head, 4, 4)? > src.len {
        return Err(Unsure::new("a file cut short").into());
    }
    // Top-level chunks: hdrl and movi (their headers only), idx1 and extensions ignored.
    let (mut hdrl, mut movi, mut idx1) = (None, None, None);
    let mut at = 12u64;
    for _ in 0..64 {
        if at + 8 > src.len || (hdrl.is_some() && movi.is_some() && idx1.is_some()) {
            break;
        }
        let head = src.read(at, 12)?;
        let size = le(&head, 4, 4)?;
        if &head[0..4] == b"LIST" && &head[8..12] == b"hdrl" {
            hdrl = Some(src.read(at + 12, size.saturating_sub(4))?);
        } else if &head[0..4] == b"LIST" && &head[8..12] == b"movi" {
            if at + 8 + size > src.len {
                return Err(Unsure::new("a file cut short").into());
            }
            movi = Some((at + 12, at + 8 + size));
        } else if &head[0..4] == b"idx1" && movi.is_some() {
            idx1 = Some(src.read(at + 8, size)?);
        }
        at += 8 + size + (size & 1);
    }
    let hdrl = hdrl.ok_or_else(|| Unsure::new("no hdrl list"))?;
    let (movi, movi_end) = movi.ok_or_else(|| Unsure::new("no movi list"))?;
    let mut streams = Vec::new();
    if hdrl.windows(4).any(|w| w == b"indx") {
        return Err(Unsure::new("an OpenDML index").into());
    }
    for (id, body) in chunks(&hdrl)? {
        if let (b"LIST", Some(b"strl")) = (&id, body.get(0..4)) {
            streams.push(stream(&body[4..])?);
        }
    }
    let rates: Vec<_> = streams.iter().map(|s| (s.scale, s.rate, s.sample_size > 0)).collect();
    let index_rates = match &idx1 {
        Some(idx1) => crate::avi_index::bit_rates(idx1, movi - 4, src.len, &rates)?,
        None => vec![None; streams.len()],
    };
    let mut media = MediaInfo { container: Some(CONTAINER.to_owned()), ..MediaInfo::default() };
    let mut longest = 0f64;
    for (index, s) in streams.iter().enumerate() {
        let number = u32::try_from(index).map_err(|_| Unsure::new("too many streams"))?;
        if s.rate == 0 {
            return Err(Unsure::new("a stream without a rate").into());
        }
        // libavformat takes a stream's duration from its header only without a fixed sample
        // size (PCM, some MP3): those streams do not count towards the file's.
        if s.sample_size == 0 {
            longest = longest.max(s.length as f64 * s.scale as f64 / s.rate as f64);
        }
        match &s.kind {
            b"vids" if media.video.is_none() => {
                let frame = first_frame(src, movi, movi_end, index, false)?;
                let mut video = video_stream(s, &frame, number)?;
                video.bit_rate = index_rates[index];
                media.video = Some(video);
            }
            b"vids" => {}
            b"auds" => {
                let frame = first_frame(src, movi, movi_end, index, true)?;
                let audio = audio_stream(s, &frame, number)?;
                if audio.bit_rate.is_none() && (index_rates[index].is_some() || s.sample_size > 0) {
                    return Err(Unsure::new("audio whose bit rate only the index gives").into());
                }
                media.audio.push(audio);
            }
            _ => return Err(Unsure::new("a stream of another kind").into()),
        }
    }
    if longest <= 0.0 {
        return Err(Unsure::new("no duration in the header").into());
    }
    let (duration_secs, bit_rate) = format_timing((longest * 1e6).round() as u64, src.len)?;
    media.duration_secs = duration_secs;
    media.bit_rate = bit_rate;
    Ok(media)
}
