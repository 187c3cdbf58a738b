//! Matroska and WebM: the EBML header, and the Segment's SeekHead, Info and Tracks — never a
//! Cluster. Codecs, layouts and encodings not listed here are [`Unsure`].

use scanner_core::{AudioStream, MediaInfo, SubtitleStream, VideoStream};

use crate::bits::{be, u8_at};
use crate::source::Source;
use crate::{Stop, Unsure, audio, format_timing, round3, video};

pub(crate) const CONTAINER: &str = "matroska,webm";

const EBML: u32 = 0x1A45_DFA3;
const DOC_TYPE: u32 = 0x4282;
const EBML_VERSION: u32 = 0x4286;
const EBML_READ_VERSION: u32 = 0x42F7;
const EBML_MAX_ID_LENGTH: u32 = 0x42F2;
const EBML_MAX_SIZE_LENGTH: u32 = 0x42F3;
const DOC_TYPE_READ_VERSION: u32 = 0x4285;
const SEGMENT: u32 = 0x1853_8067;
const SEEK_HEAD: u32 = 0x114D_9B74;
const SEEK: u32 = 0x4DBB;
const SEEK_ID: u32 = 0x53AB;
const SEEK_POSITION: u32 = 0x53AC;
const INFO: u32 = 0x1549_A966;
const TIMESTAMP_SCALE: u32 = 0x2A_D7B1;
const DURATION: u32 = 0x4489;
const TRACKS: u32 = 0x1654_AE6B;
const TRACK_ENTRY: u32 = 0xAE;
const TRACK_TYPE: u32 = 0x83;
const CODEC_ID: u32 = 0x86;
const CODEC_PRIVATE: u32 = 0x63A2;
const LANGUAGE: u32 = 0x22_B59C;
const DEFAULT_DURATION: u32 = 0x23_E383;
const CONTENT_ENCODINGS: u32 = 0x6D80;
const VIDEO: u32 = 0xE0;
const PIXEL_WIDTH: u32 = 0xB0;
const PIXEL_HEIGHT: u32 = 0xBA;
const AUDIO: u32 = 0xE1;
const CHANNELS: u32 = 0x9F;
const CLUSTER: u32 = 0x1F43_B675;

/// An element ID (marker bits kept) and its length in bytes.
fn id_at(data: &[u8], at: usize) -> Result<(u32, usize), Unsure> {
    let first = u8_at(data, at)?;
    let len = first.leading_zeros() as usize + 1;
    if len > 4 {
        return Err(Unsure::new("a malformed element ID"));
    }
    Ok((be(data, at, len)? as u32, len))
}

/// An element size (`None` when unknown) and its length in bytes.
fn size_at(data: &[u8], at: usize) -> Result<(Option<u64>, usize), Unsure> {
    let first = u8_at(data, at)?;
    let len = first.leading_zeros() as usize + 1;
    if len > 8 {
        return Err(Unsure::new("a malformed element size"));
    }
    let raw = be(data, at, len)?;
    let value = raw & ((1u64 << (7 * len)) - 1);
    Ok((if value == (1u64 << (7 * len)) - 1 { None } else { Some(value) }, len))
}

/// The child elements of a body held in memory: (id, payload).
fn elements(data: &[u8]) -> Result<Vec<(u32, &[u8])>, Unsure> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let (id, id_len) = id_at(data, at)?;
        let (size, size_len) = size_at(data, at + id_len)?;
        let start = at + id_len + size_len;
        let size = size.ok_or_else(|| Unsure::new("an element of unknown size inside another"))?;
        let end = usize::try_from(size).ok().and_then(|s| start.checked_add(s)).filter(|&e| e <= data.len());
        let end = end.ok_or_else(|| Unsure::new("an element that does not fit its parent"))?;
        if out.len() == crate::MAX_CHILDREN {
            return Err(Unsure::new("an element with too many children"));
        }
        out.push((id, &data[start..end]));
        at = end;
    }
    Ok(out)
}

fn uint(payload: &[u8]) -> Result<u64, Unsure> {
    if payload.len() > 8 {
        return Err(Unsure::new("an integer longer than 8 bytes"));
    }
    be(payload, 0, payload.len())
}

/// An unsigned integer that must fit 32 bits (a size, a channel count).
fn small(payload: &[u8]) -> Result<u32, Unsure> {
    u32::try_from(uint(payload)?).map_err(|_| Unsure::new("an implausibly large value"))
}

fn float(payload: &[u8]) -> Result<f64, Unsure> {
    match payload.len() {
        4 => Ok(f64::from(f32::from_bits(be(payload, 0, 4)? as u32))),
        8 => Ok(f64::from_bits(be(payload, 0, 8)?)),
        _ => Err(Unsure::new("a float of odd length")),
    }
}

fn text(payload: &[u8]) -> String {
    let end = payload.iter().position(|&b| b == 0).unwrap_or(payload.len());
    String::from_utf8_lossy(&payload[..end]).into_owned()
}

fn find<'a>(children: &[(u32, &'a [u8])], id: u32) -> Option<&'a [u8]> {
    children.iter().find(|(i, _)| *i == id).map(|(_, p)| *p)
}

/// Reads the element whose header starts at `at` (absolute); returns (id, payload).
fn read_element(src: &mut Source<'_>, at: u64) -> Result<(u32, Vec<u8>), Stop> {
    let head = src.read(at, 12)?;
    let (id, id_len) = id_at(&head, 0)?;
    let (size, size_len) = size_at(&head, id_len)?;
    let size = size.ok_or_else(|| Unsure::new("a top-level element of unknown size"))?;
    Ok((id, src.read(at.saturating_add((id_len + size_len) as u64), size)?))
}

struct Segment {
    info: Option<Vec<u8>>,
    tracks: Option<Vec<u8>>,
}

fn segment(src: &mut Source<'_>) -> Result<Segment, Stop> {
    let head = src.read(0, 64)?;
    let (id, id_len) = id_at(&head, 0)?;
    if id != EBML {
        return Err(Unsure::new("no EBML header").into());
    }
    let (size, size_len) = size_at(&head, id_len)?;
    let header_end =
        (id_len + size_len) as u64 + size.ok_or_else(|| Unsure::new("an EBML header of unknown size"))?;
    let header = src.read((id_len + size_len) as u64, header_end - (id_len + size_len) as u64)?;
    let header = elements(&header)?;
    let doc_type = find(&header, DOC_TYPE).map(text).unwrap_or_else(|| "matroska".to_owned());
    if doc_type != "matroska" && doc_type != "webm" {
        return Err(Unsure::new("an EBML document that is not Matroska").into());
    }
    // The versions and limits libavformat refuses beyond.
    for (id, default, max) in [
        (EBML_VERSION, 1, 1),
        (EBML_READ_VERSION, 1, 1),
        (EBML_MAX_ID_LENGTH, 4, 4),
        (EBML_MAX_SIZE_LENGTH, 8, 8),
        (DOC_TYPE_READ_VERSION, 1, 3),
    ] {
        if find(&header, id).map(uint).transpose()?.unwrap_or(default) > max {
            return Err(Unsure::new("an EBML version or limit ffmpeg does not support").into());
        }
    }
    let head = src.read(header_end, 12)?;
    let (id, id_len) = id_at(&head, 0)?;
    if id != SEGMENT {
        return Err(Unsure::new("no Segment after the EBML header").into());
    }
    let (segment_size, size_len) = size_at(&head, id_len)?;
    let start = header_end + (id_len + size_len) as u64;
    if segment_size.is_some_and(|size| start.saturating_add(size) > src.len) {
        return Err(Unsure::new("a file cut short").into());
    }

    let mut seg = Segment { info: None, tracks: None };
    let mut seeks = Vec::new();
    let mut at = start;
    for _ in 0..64 {
        if at.saturating_add(2) > src.len || (seg.info.is_some() && seg.tracks.is_some()) {
            break;
        }
        let head = src.read(at, 12)?;
        let (id, id_len) = id_at(&head, 0)?;
        let (size, size_len) = size_at(&head, id_len)?;
        if id == CLUSTER {
            break;
        }
        let size = size.ok_or_else(|| Unsure::new("an element of unknown size before the clusters"))?;
        let body = at + (id_len + size_len) as u64;
        match id {
            INFO => seg.info = Some(src.read(body, size)?),
            TRACKS => seg.tracks = Some(src.read(body, size)?),
            SEEK_HEAD if seeks.is_empty() => {
                for (sid, seek) in elements(&src.read(body, size)?)? {
                    if sid != SEEK {
                        continue;
                    }
                    let entries = elements(seek)?;
                    if let (Some(target), Some(pos)) =
                        (find(&entries, SEEK_ID), find(&entries, SEEK_POSITION))
                    {
                        seeks.push((uint(target)? as u32, start.saturating_add(uint(pos)?)));
                    }
                }
            }
            _ => {}
        }
        at = body.saturating_add(size);
    }
    for (target, position) in seeks {
        let wanted = match target {
            INFO if seg.info.is_none() => &mut seg.info,
            TRACKS if seg.tracks.is_none() => &mut seg.tracks,
            _ => continue,
        };
        let (id, body) = read_element(src, position)?;
        if id != target {
            return Err(Unsure::new("a SeekHead entry pointing elsewhere").into());
        }
        *wanted = Some(body);
    }
    Ok(seg)
}

enum Stream {
    Video(VideoStream),
    Audio(AudioStream),
    Subtitle(SubtitleStream),
}

fn track(entry: &[u8]) -> Result<Stream, Unsure> {
    let fields = elements(entry)?;
    if find(&fields, CONTENT_ENCODINGS).is_some() {
        return Err(Unsure::new("a track with content encodings"));
    }
    let codec_id = find(&fields, CODEC_ID).map(text).unwrap_or_default();
    let private = find(&fields, CODEC_PRIVATE).unwrap_or_default();
    // ffprobe reports the ISO 639-2 `Language` (default "eng") and ignores the BCP 47
    // `LanguageBCP47` that mkvmerge writes next to it since v58.
    let language = find(&fields, LANGUAGE).map_or_else(|| "eng".to_owned(), text);
    let language = (!language.is_empty() && language != "und").then_some(language);
    match find(&fields, TRACK_TYPE).map(uint).transpose()? {
        Some(1) => {
            let picture =
                elements(find(&fields, VIDEO).ok_or_else(|| Unsure::new("a video track without Video"))?)?;
            let width = find(&picture, PIXEL_WIDTH).map(small).transpose()?.unwrap_or(0);
            let height = find(&picture, PIXEL_HEIGHT).map(small).transpose()?.unwrap_or(0);
            let (codec, facts) = match codec_id.as_str() {
                "V_MPEG4/ISO/AVC" => ("h264", video::h264(private)?),
                "V_MPEGH/ISO/HEVC" => ("hevc", video::hevc(private)?),
                "V_AV1" => ("av1", video::av1(private, width, height)?),
                _ => return Err(Unsure::new("a video codec the native probe does not read")),
            };
            let default_duration = find(&fields, DEFAULT_DURATION).map(uint).transpose()?.unwrap_or(0);
            if default_duration == 0 {
                return Err(Unsure::new("no default frame duration"));
            }
            Ok(Stream::Video(facts.stream(codec, Some(round3(1e9 / default_duration as f64)))))
        }
        Some(2) => {
            let sound = find(&fields, AUDIO).map(elements).transpose()?.unwrap_or_default();
            let channels = find(&sound, CHANNELS).map(small).transpose()?.unwrap_or(1);
            let (codec, channels) = match codec_id.as_str() {
                "A_AAC" => ("aac", audio::aac_channels(private)?),
                "A_AC3" => ("ac3", channels),
                "A_EAC3" => ("eac3", channels),
                "A_MPEG/L3" => ("mp3", channels),
                "A_DTS" => ("dts", channels),
                "A_VORBIS" => ("vorbis", channels),
                "A_OPUS" => ("opus", u32::from(u8_at(private, 9)?)),
                "A_FLAC" => {
                    // "fLaC", then a metadata block header, then STREAMINFO.
                    if private.get(..4) != Some(b"fLaC") || u8_at(private, 4)? & 0x7f != 0 {
                        return Err(Unsure::new("FLAC without STREAMINFO first"));
                    }
                    ("flac", audio::flac_channels(private.get(8..).unwrap_or_default())?)
                }
                _ => return Err(Unsure::new("an audio codec the native probe does not read")),
            };
            Ok(Stream::Audio(AudioStream {
                codec: codec.to_owned(),
                channels: Some(channels).filter(|c| *c > 0),
                language,
            }))
        }
        Some(17) => {
            let codec = match codec_id.as_str() {
                "S_TEXT/UTF8" => "subrip",
                "S_TEXT/ASS" | "S_TEXT/SSA" | "S_ASS" | "S_SSA" => "ass",
                "S_HDMV/PGS" => "hdmv_pgs_subtitle",
                "S_VOBSUB" => "dvd_subtitle",
                "S_TEXT/WEBVTT" => "webvtt",
                _ => return Err(Unsure::new("a subtitle format the native probe does not read")),
            };
            Ok(Stream::Subtitle(SubtitleStream { codec: codec.to_owned(), language }))
        }
        _ => Err(Unsure::new("a track of an unknown kind")),
    }
}

pub(crate) fn probe(src: &mut Source<'_>) -> Result<MediaInfo, Stop> {
    let seg = segment(src)?;
    let info = elements(seg.info.as_deref().ok_or_else(|| Unsure::new("no Info"))?)?;
    let scale = find(&info, TIMESTAMP_SCALE).map(uint).transpose()?.unwrap_or(1_000_000);
    let duration = find(&info, DURATION).map(float).transpose()?.unwrap_or(0.0);
    let micros = duration * scale as f64 / 1000.0;
    if !(1.0..1e15).contains(&micros) {
        return Err(Unsure::new("no duration in the header").into());
    }
    let (duration_secs, bit_rate) = format_timing(micros as u64, src.len)?;
    let mut media =
        MediaInfo { container: Some(CONTAINER.to_owned()), duration_secs, bit_rate, ..MediaInfo::default() };
    for (id, entry) in elements(seg.tracks.as_deref().ok_or_else(|| Unsure::new("no Tracks"))?)? {
        if id != TRACK_ENTRY {
            continue;
        }
        match track(entry)? {
            Stream::Video(v) if media.video.is_none() => media.video = Some(v),
            Stream::Video(_) => {}
            Stream::Audio(a) => media.audio.push(a),
            Stream::Subtitle(s) => media.subtitles.push(s),
        }
    }
    Ok(media)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_length_fields() {
        assert_eq!(id_at(&[0x1A, 0x45, 0xDF, 0xA3], 0).unwrap(), (EBML, 4));
        assert_eq!(size_at(&[0x81], 0).unwrap(), (Some(1), 1));
        assert_eq!(size_at(&[0x40, 0x02], 0).unwrap(), (Some(2), 2));
        assert_eq!(size_at(&[0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 0).unwrap(), (None, 8));
        assert!(size_at(&[0x00], 0).is_err());
        assert!(id_at(&[0x08, 0, 0, 0, 0], 0).is_err());
    }

    #[test]
    fn too_many_children_are_unsure() {
        assert!(elements(&[0xEC, 0x80].repeat(crate::MAX_CHILDREN + 1)).is_err());
        assert_eq!(elements(&[0xEC, 0x80].repeat(10)).unwrap().len(), 10);
    }

    #[test]
    fn a_short_flac_codec_private_is_unsure() {
        let mut entry = vec![0x83, 0x81, 2, 0x86, 0x86];
        entry.extend_from_slice(b"A_FLAC");
        entry.extend_from_slice(&[0x63, 0xA2, 0x85]);
        entry.extend_from_slice(b"fLaC\0");
        assert!(track(&entry).is_err());
    }

    #[test]
    fn elements_that_do_not_fit_are_unsure() {
        assert!(elements(&[0x83, 0x85, 1]).is_err());
        assert_eq!(elements(&[0x83, 0x81, 1]).unwrap(), vec![(0x83, &[1u8][..])]);
    }
}
