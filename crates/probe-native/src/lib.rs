//! A [`MediaProbe`] that reads container headers in safe Rust — MP4/MOV (ISO BMFF),
//! Matroska/WebM and AVI — and reports exactly what the ffprobe adapter would store, without starting
//! a process. It answers only when it is sure: anything it cannot decide (an unknown codec, no
//! duration in the header, a fragmented MP4, damaged headers) is [`Unsure`], and
//! [`AutoProbe`] hands such files to ffprobe.
//!
//! Reading is bounded: at most [`NativeProbe::max_bytes`] bytes per file, no allocation larger
//! than that, no loop longer than the data it walks. It must never run a process, use unsafe
//! code or C, or answer where ffprobe would answer differently.

#![forbid(unsafe_code)]

mod audio;
mod av1;
mod avi;
mod avi_index;
mod bits;
mod estimate;
mod mkv;
mod mp4;
mod source;
mod video;
mod vpx;

use std::fmt;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use scanner_core::MediaInfo;
use scanner_core::ports::{MediaProbe, ProbeError};
use tracing::debug;

use crate::source::Source;

/// Why the native probe will not answer for a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsure(pub String);

impl Unsure {
    pub(crate) fn new(reason: impl Into<String>) -> Self {
        Self(reason.into())
    }
}

impl fmt::Display for Unsure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a parser stops early.
#[derive(Debug)]
pub(crate) enum Stop {
    Unsure(Unsure),
    Io(io::Error),
}

impl From<Unsure> for Stop {
    fn from(u: Unsure) -> Self {
        Self::Unsure(u)
    }
}

/// Most child elements, boxes or chunks a header may hold: more is not a real file, and each
/// costs memory beyond the bytes read.
pub(crate) const MAX_CHILDREN: usize = 4096;

/// Rounds to three decimals, as the ffprobe adapter stores frame rates.
pub(crate) fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The format's duration and overall bit rate as ffprobe prints them: the duration in whole
/// microseconds, the bit rate from the file size (libavformat's `update_stream_timings`).
/// A duration that rounds to nothing, or to more than a century, is not trusted.
pub(crate) fn format_timing(micros: u64, file_size: u64) -> Result<(Option<f64>, Option<u64>), Unsure> {
    if micros == 0 || micros > 3_155_760_000_000_000 {
        return Err(Unsure::new("no plausible duration in the header"));
    }
    let bit_rate = (file_size as f64 * 8.0 * 1e6 / micros as f64) as u64;
    Ok((Some(micros as f64 / 1e6), Some(bit_rate).filter(|b| *b > 0)))
}

/// What the native probe made of a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Known(Box<MediaInfo>),
    Unsure(Unsure),
}

/// Reads `path`'s headers, reading at most `max_bytes` of it.
pub fn read_headers(path: &Path, max_bytes: u64) -> io::Result<Answer> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(Answer::Unsure(Unsure::new("not a regular file")));
    }
    read_from(&mut Source::new(file, meta.len(), max_bytes))
}

/// Like [`read_headers`], also telling how many bytes of the file were read.
pub fn read_headers_counted(path: &Path, max_bytes: u64) -> io::Result<(Answer, u64)> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok((Answer::Unsure(Unsure::new("not a regular file")), 0));
    }
    let mut src = Source::new(file, meta.len(), max_bytes);
    let answer = read_from(&mut src)?;
    Ok((answer, src.bytes_read()))
}

/// Runs every codec header reader (parameter sets, frame headers, sequence headers, audio
/// configurations) on `data` and returns how many gave an answer. For fuzzing: each must
/// return, whatever the bytes.
pub fn read_codec_headers(data: &[u8]) -> usize {
    let (w, h) = (320, 240);
    [
        video::h264(data).is_ok(),
        video::h264_annex_b(data).is_ok(),
        video::h264_length_prefixed(data).is_ok(),
        video::hevc(data).is_ok(),
        video::av1(data, w, h).is_ok(),
        av1::find_sequence_header(data).is_ok(),
        video::vp9(data, w, h).is_ok(),
        vpx::vp8(data, w, h).is_ok(),
        vpx::vp9(data, w, h).is_ok(),
        video::mpeg4(data, w, h).is_ok(),
        audio::aac_channels(data).is_ok(),
        audio::ac3_frame_channels(data).is_ok(),
        audio::mpeg_audio_frame_channels(data).is_ok(),
        audio::vorbis_id_channels(data).is_ok(),
    ]
    .iter()
    .filter(|ok| **ok)
    .count()
}

/// Runs the readers of container parts that depend on every packet libavformat reads, not on
/// headers alone, on `data`: Matroska block lacing, Nero chapter lists, MPEG audio frame
/// headers, and the frame rate estimate from numbers taken from the bytes. Returns how many
/// gave an answer. For fuzzing: each must return, whatever the bytes.
pub fn read_container_parts(data: &[u8]) -> usize {
    let number =
        |at: usize| data.get(at..at + 8).map_or(0, |b| u64::from_be_bytes(b.try_into().unwrap_or_default()));
    let (frame_time, time_base) = ((number(0), number(8)), (number(16), number(24)));
    let ticks = estimate::packet_ticks(frame_time, time_base);
    [
        mkv::laced_frames(data, data.len() as u64).is_ok(),
        mkv::laced_frames(data, number(0)).is_ok(),
        mp4::nero(data).is_ok(),
        audio::mpeg_audio_header(data).is_ok(),
        ticks.is_some(),
        estimate::average_frame_rate(ticks.unwrap_or(number(32)), time_base).is_some(),
    ]
    .iter()
    .filter(|ok| **ok)
    .count()
}

/// Reads headers from bytes in memory, as from a file holding them.
pub fn read_bytes(data: &[u8], max_bytes: u64) -> Answer {
    match read_from(&mut Source::new(io::Cursor::new(data), data.len() as u64, max_bytes)) {
        Ok(answer) => answer,
        Err(e) => Answer::Unsure(Unsure::new(e.to_string())),
    }
}

fn read_from(src: &mut Source<'_>) -> io::Result<Answer> {
    let magic = match src.read(0, 12) {
        Ok(magic) => magic,
        Err(Stop::Io(e)) => return Err(e),
        Err(Stop::Unsure(u)) => return Ok(Answer::Unsure(u)),
    };
    let parsed = match magic.as_slice() {
        [0x1A, 0x45, 0xDF, 0xA3, ..] => mkv::probe(src),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'A', b'V', b'I', b' '] => avi::probe(src),
        [_, _, _, _, b'f', b't', b'y', b'p', ..]
        | [_, _, _, _, b'm', b'o', b'o', b'v', ..]
        | [_, _, _, _, b'w', b'i', b'd', b'e', ..]
        | [_, _, _, _, b'f', b'r', b'e', b'e', ..]
        | [_, _, _, _, b'm', b'd', b'a', b't', ..] => mp4::probe(src),
        _ => Err(Stop::Unsure(Unsure::new("not an MP4, MOV, Matroska or AVI file"))),
    };
    match parsed {
        Ok(mut info) => {
            info.probe = Some(NATIVE.to_owned());
            Ok(Answer::Known(Box::new(info)))
        }
        Err(Stop::Unsure(u)) => Ok(Answer::Unsure(u)),
        Err(Stop::Io(e)) => Err(e),
    }
}

/// The name recorded for files the native probe answered.
pub const NATIVE: &str = "native";

/// Reads container headers itself. On its own (`probe = "native"`) a file it is unsure of is
/// recorded as failed, with a hint.
#[derive(Debug, Clone)]
pub struct NativeProbe {
    /// Bytes read per file at most (default 4 MiB).
    pub max_bytes: u64,
    /// How long reading one file's headers may take (a hung network share).
    pub timeout: Duration,
}

impl Default for NativeProbe {
    fn default() -> Self {
        Self { max_bytes: 4 << 20, timeout: Duration::from_secs(30) }
    }
}

impl NativeProbe {
    /// Reads the headers on a blocking thread.
    pub async fn answer(&self, path: PathBuf) -> Result<Answer, ProbeError> {
        let max = self.max_bytes;
        let read = tokio::task::spawn_blocking(move || read_headers(&path, max));
        match tokio::time::timeout(self.timeout, read).await {
            Err(_) => Err(ProbeError::TimedOut(self.timeout)),
            Ok(Err(e)) => Err(ProbeError::Failed(format!("the native probe stopped: {e}"))),
            Ok(Ok(Err(e))) if e.kind() == io::ErrorKind::NotFound => Err(ProbeError::NotFound),
            Ok(Ok(Err(e))) => Err(ProbeError::io("cannot read file", e)),
            Ok(Ok(Ok(answer))) => Ok(answer),
        }
    }
}

#[async_trait]
impl MediaProbe for NativeProbe {
    async fn check(&self) -> Result<String, ProbeError> {
        Ok("native probe (MP4, MOV, Matroska headers)".to_owned())
    }

    async fn probe(&self, path: PathBuf) -> Result<MediaInfo, ProbeError> {
        match self.answer(path).await? {
            Answer::Known(info) => Ok(*info),
            Answer::Unsure(why) => Err(ProbeError::InvalidMedia(format!(
                "the native probe cannot read this file ({why}); with ffmpeg installed, probe = \"auto\" reads it"
            ))),
        }
    }
}

/// The native probe first, `fallback` (ffprobe) for every file it is unsure of.
#[derive(Clone)]
pub struct AutoProbe {
    pub native: NativeProbe,
    pub fallback: Arc<dyn MediaProbe>,
}

impl fmt::Debug for AutoProbe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AutoProbe").field("native", &self.native).finish_non_exhaustive()
    }
}

#[async_trait]
impl MediaProbe for AutoProbe {
    async fn check(&self) -> Result<String, ProbeError> {
        Ok(format!("native probe, falling back to {}", self.fallback.check().await?))
    }

    async fn probe(&self, path: PathBuf) -> Result<MediaInfo, ProbeError> {
        match self.native.answer(path.clone()).await {
            Ok(Answer::Known(info)) => return Ok(*info),
            Ok(Answer::Unsure(why)) => {
                debug!(path = %path.display(), %why, "native probe unsure; asking ffprobe")
            }
            Err(ProbeError::NotFound) => return Err(ProbeError::NotFound),
            Err(e) => debug!(path = %path.display(), error = %e, "native probe failed; asking ffprobe"),
        }
        self.fallback.probe(path).await
    }
}
