//! A TrackEntry: codec, language, and what its codec configuration says. Some answers need the
//! track's first frame ([`Need`]); content encodings say how to undo the muxer's compression of
//! the configuration and the frames.

use scanner_core::{AudioStream, SubtitleStream, VideoStream};

use super::details::{self, Flags};
use super::{elements, find, small, text, uint};
use crate::bits::u8_at;
use crate::video::Container;
use crate::{Unsure, audio, round3, video};

const TRACK_NUMBER: u32 = 0xD7;
const TRACK_TYPE: u32 = 0x83;
const CODEC_ID: u32 = 0x86;
const CODEC_PRIVATE: u32 = 0x63A2;
const LANGUAGE: u32 = 0x22_B59C;
const DEFAULT_DURATION: u32 = 0x23_E383;
const CONTENT_ENCODINGS: u32 = 0x6D80;
const CONTENT_ENCODING: u32 = 0x6240;
const CONTENT_ENCODING_SCOPE: u32 = 0x5032;
const CONTENT_ENCODING_TYPE: u32 = 0x5033;
const CONTENT_COMPRESSION: u32 = 0x5034;
const CONTENT_COMP_ALGO: u32 = 0x4254;
const CONTENT_COMP_SETTINGS: u32 = 0x4255;
const VIDEO: u32 = 0xE0;
const PIXEL_WIDTH: u32 = 0xB0;
const PIXEL_HEIGHT: u32 = 0xBA;
const AUDIO: u32 = 0xE1;
const CHANNELS: u32 = 0x9F;

/// Largest CodecPrivate or frame start inflated: more is not a codec configuration.
const MAX_INFLATED: usize = 1 << 20;

pub(super) enum Stream {
    /// A stream whose description is in its first frame ([`Need`]).
    InFirstFrame,
    Video(VideoStream),
    Audio(AudioStream),
    Subtitle(SubtitleStream),
}

/// What the first frame of a track must tell.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Need {
    /// VP8 and VP9 keep profile, bit depth and subsampling in the frames, not in Matroska.
    Vp8 {
        width: u32,
        height: u32,
        rate: Option<f64>,
    },
    Vp9 {
        width: u32,
        height: u32,
        rate: Option<f64>,
    },
    /// ffmpeg reports the channels the bitstream has, whatever the container says.
    Ac3,
    MpegAudio,
}

/// How frames (or the CodecPrivate) were compressed by the muxer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Encoding {
    zlib: bool,
    /// Header stripping: bytes removed from the start of every frame.
    stripped: Vec<u8>,
}

impl Encoding {
    /// The start of a frame as the codec sees it, from the start of the frame as stored.
    pub(super) fn decode(&self, stored: &[u8]) -> Result<Vec<u8>, Unsure> {
        let mut out = self.stripped.clone();
        if self.zlib {
            out.extend(inflate(stored)?);
        } else {
            out.extend_from_slice(stored);
        }
        Ok(out)
    }

    /// Whether the start of a frame is enough to decode its start (zlib needs the whole frame).
    pub(super) fn needs_whole_frames(&self) -> bool {
        self.zlib
    }
}

/// zlib data, or as much of it as decodes (a frame read only in part).
fn inflate(data: &[u8]) -> Result<Vec<u8>, Unsure> {
    match miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(data, MAX_INFLATED) {
        Ok(out) => Ok(out),
        Err(e) if !e.output.is_empty() => Ok(e.output),
        Err(_) => Err(Unsure::new("zlib data that does not inflate")),
    }
}

/// A track as read from its entry.
pub(super) struct Track {
    pub number: u64,
    /// What the container says of a video stream described by its first frame.
    pub container: Container,
    pub stream: Stream,
    pub need: Option<Need>,
    pub encoding: Encoding,
    /// A video track without a default frame duration whose codec says how long a frame lasts
    /// (seconds, as a fraction): its frame rate is libavformat's estimate from the packets.
    pub estimate: Option<(u64, u64)>,
}

/// ContentEncodings: zlib or header stripping, of the frames and/or the CodecPrivate.
/// Encryption, bzlib and LZO are left to ffprobe.
fn encodings(fields: &[(u32, &[u8])]) -> Result<(Encoding, Encoding), Unsure> {
    let (mut frames, mut private) = (Encoding::default(), Encoding::default());
    let Some(list) = find(fields, CONTENT_ENCODINGS) else { return Ok((frames, private)) };
    let list = elements(list)?;
    let list: Vec<_> = list.iter().filter(|(id, _)| *id == CONTENT_ENCODING).collect();
    if list.len() > 1 {
        return Err(Unsure::new("a track with several content encodings"));
    }
    for (_, encoding) in list {
        let encoding = elements(encoding)?;
        let scope = find(&encoding, CONTENT_ENCODING_SCOPE).map(uint).transpose()?.unwrap_or(1);
        if find(&encoding, CONTENT_ENCODING_TYPE).map(uint).transpose()?.unwrap_or(0) != 0 {
            return Err(Unsure::new("an encrypted track"));
        }
        let compression = elements(find(&encoding, CONTENT_COMPRESSION).unwrap_or_default())?;
        let how = match find(&compression, CONTENT_COMP_ALGO).map(uint).transpose()?.unwrap_or(0) {
            0 => Encoding { zlib: true, stripped: Vec::new() },
            3 => Encoding {
                zlib: false,
                stripped: find(&compression, CONTENT_COMP_SETTINGS).unwrap_or_default().to_vec(),
            },
            _ => return Err(Unsure::new("a track compressed with bzlib or LZO")),
        };
        if scope & 1 != 0 {
            frames = how.clone();
        }
        if scope & 2 != 0 {
            private = how;
        }
    }
    Ok((frames, private))
}

fn frame_rate(fields: &[(u32, &[u8])]) -> Result<Option<f64>, Unsure> {
    match find(fields, DEFAULT_DURATION).map(uint).transpose()?.unwrap_or(0) {
        0 => Ok(None),
        ns => Ok(Some(round3(1e9 / ns as f64))),
    }
}

fn no_default_duration() -> Unsure {
    Unsure::new("no default frame duration")
}

/// The channel count in a Vorbis CodecPrivate: Xiph-laced headers, the first the
/// identification header (`\x01vorbis`, version, channels).
fn vorbis_channels(private: &[u8]) -> Result<u32, Unsure> {
    if u8_at(private, 0)? != 2 {
        return Err(Unsure::new("a Vorbis CodecPrivate without three headers"));
    }
    let mut at = 1;
    for _ in 0..2 {
        while u8_at(private, at)? == 255 {
            at += 1;
        }
        at += 1;
    }
    if private.get(at..at + 7) != Some(b"\x01vorbis") {
        return Err(Unsure::new("a Vorbis CodecPrivate without an identification header"));
    }
    Ok(u32::from(u8_at(private, at + 11)?))
}

/// An audio stream from what its codec configuration or first frame says.
pub(super) fn audio_stream(
    codec: &str,
    facts: audio::AudioFacts,
    language: Option<String>,
    flags: &Flags,
    index: u32,
) -> AudioStream {
    AudioStream {
        language,
        default: flags.default,
        forced: flags.forced,
        title: flags.title.clone(),
        ..facts.stream(codec, index)
    }
}

/// A TrackEntry, the stream numbered `index`.
pub(super) fn track(entry: &[u8], index: u32) -> Result<Track, Unsure> {
    let fields = elements(entry)?;
    let (encoding, private_encoding) = encodings(&fields)?;
    let number = find(&fields, TRACK_NUMBER).map(uint).transpose()?.unwrap_or(0);
    if number == 0 {
        return Err(Unsure::new("a track without a number"));
    }
    let codec_id = find(&fields, CODEC_ID).map(text).unwrap_or_default();
    let stored = find(&fields, CODEC_PRIVATE).unwrap_or_default();
    let private = if private_encoding == Encoding::default() || stored.is_empty() {
        stored.to_vec()
    } else {
        private_encoding.decode(stored)?
    };
    let private = private.as_slice();
    // ffprobe reports the ISO 639-2 `Language` (default "eng") and ignores the BCP 47
    // `LanguageBCP47` that mkvmerge writes next to it since v58.
    let language = find(&fields, LANGUAGE).map_or_else(|| "eng".to_owned(), text);
    let language = (!language.is_empty() && language != "und").then_some(language);
    let mut need = None;
    let mut estimate = None;
    let flags = details::flags(&fields)?;
    let mut container = Container { index, ..Container::default() };
    let stream = match find(&fields, TRACK_TYPE).map(uint).transpose()? {
        Some(1) => {
            let picture =
                elements(find(&fields, VIDEO).ok_or_else(|| Unsure::new("a video track without Video"))?)?;
            let width = find(&picture, PIXEL_WIDTH).map(small).transpose()?.unwrap_or(0);
            let height = find(&picture, PIXEL_HEIGHT).map(small).transpose()?.unwrap_or(0);
            container = details::video(&fields, &picture, index)?;
            let (codec, facts) = match codec_id.as_str() {
                "V_MPEG4/ISO/AVC" => ("h264", video::h264(private)?),
                "V_MPEGH/ISO/HEVC" => ("hevc", video::hevc(private)?),
                "V_AV1" => ("av1", video::av1(private, width, height)?),
                "V_VP8" | "V_VP9" => {
                    let rate = Some(frame_rate(&fields)?.ok_or_else(no_default_duration)?);
                    need = Some(match codec_id.as_str() {
                        "V_VP8" => Need::Vp8 { width, height, rate },
                        _ => Need::Vp9 { width, height, rate },
                    });
                    let stream = Stream::InFirstFrame;
                    return Ok(Track { number, container, stream, need, encoding, estimate: None });
                }
                _ => return Err(Unsure::new("a video codec the native probe does not read")),
            };
            let rate = frame_rate(&fields)?;
            if rate.is_none() {
                // libavformat estimates the rate from packet durations it derives, for H.264
                // and HEVC, from the parameter sets' timing (see `estimate`); other codecs are
                // left to ffprobe.
                estimate = facts.frame_time.filter(|_| matches!(codec, "h264" | "hevc"));
                estimate.ok_or_else(no_default_duration)?;
            }
            Stream::Video(facts.stream(codec, rate, &container)?)
        }
        Some(2) => {
            let sound = find(&fields, AUDIO).map(elements).transpose()?.unwrap_or_default();
            let channels = find(&sound, CHANNELS).map(small).transpose()?.unwrap_or(1);
            // Until the first frame tells: every codec read here says its own sample rate.
            let pending = audio::AudioFacts { channels, ..audio::AudioFacts::default() };
            let (codec, facts) = match codec_id.as_str() {
                "A_AAC" => ("aac", audio::aac(private)?),
                "A_AC3" | "A_EAC3" => {
                    need = Some(Need::Ac3);
                    (if codec_id == "A_AC3" { "ac3" } else { "eac3" }, pending)
                }
                "A_MPEG/L3" | "A_MPEG/L2" => {
                    need = Some(Need::MpegAudio);
                    (if codec_id == "A_MPEG/L3" { "mp3" } else { "mp2" }, pending)
                }
                "A_VORBIS" => {
                    vorbis_channels(private)?;
                    ("vorbis", audio::vorbis_id(private)?)
                }
                "A_OPUS" => ("opus", audio::opus(private, 9)?),
                "A_FLAC" => {
                    // "fLaC", then a metadata block header, then STREAMINFO.
                    if private.get(..4) != Some(b"fLaC") || u8_at(private, 4)? & 0x7f != 0 {
                        return Err(Unsure::new("FLAC without STREAMINFO first"));
                    }
                    ("flac", audio::flac(private.get(8..).unwrap_or_default())?)
                }
                _ => return Err(Unsure::new("an audio codec the native probe does not read")),
            };
            Stream::Audio(audio_stream(codec, facts, language, &flags, index))
        }
        Some(17) => {
            let codec = match codec_id.as_str() {
                "S_TEXT/UTF8" => "subrip",
                "S_TEXT/ASS" | "S_TEXT/SSA" | "S_ASS" | "S_SSA" => "ass",
                "S_HDMV/PGS" => "hdmv_pgs_subtitle",
                "S_VOBSUB" => "dvd_subtitle",
                // ffmpeg's muxer writes WebVTT under the codec ID of the WebM specification.
                "S_TEXT/WEBVTT" | "D_WEBVTT/SUBTITLES" => "webvtt",
                _ => return Err(Unsure::new("a subtitle format the native probe does not read")),
            };
            Stream::Subtitle(SubtitleStream {
                index,
                codec: codec.to_owned(),
                language,
                default: flags.default,
                forced: flags.forced,
                hearing_impaired: flags.hearing_impaired,
                title: flags.title,
                text: scanner_core::streams::is_text_subtitle(codec),
                ..SubtitleStream::default()
            })
        }
        _ => return Err(Unsure::new("a track of an unknown kind")),
    };
    Ok(Track { number, container, stream, need, encoding, estimate })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_flac_codec_private_is_unsure() {
        let mut entry = vec![0x83, 0x81, 2, 0x86, 0x86];
        entry.extend_from_slice(b"A_FLAC");
        entry.extend_from_slice(&[0x63, 0xA2, 0x85]);
        entry.extend_from_slice(b"fLaC\0");
        entry.extend_from_slice(&[0xD7, 0x81, 1]);
        assert!(track(&entry, 0).is_err());
    }

    #[test]
    fn zlib_data_read_in_part_still_inflates() {
        let data = miniz_oxide::deflate::compress_to_vec_zlib(&[7u8; 5000], 6);
        assert_eq!(inflate(&data).unwrap(), vec![7u8; 5000]);
        assert!(!inflate(&data[..data.len() / 2]).unwrap().is_empty());
        assert!(inflate(&[]).is_err());
    }
}
