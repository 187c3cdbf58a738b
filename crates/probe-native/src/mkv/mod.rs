//! Matroska and WebM: the EBML header, the Segment's SeekHead, Info and Tracks, and where a
//! stream is only described by its frames, the first block of that track (`cluster.rs`).
//! Codecs, layouts and encodings not listed here are [`Unsure`].

mod blocks;
mod chapters;
mod cluster;
mod details;
mod track;

use scanner_core::MediaInfo;

pub(crate) use self::blocks::laced_frames;
use self::track::{Need, Stream};
use crate::bits::{be, u8_at};
use crate::source::Source;
use crate::{Stop, Unsure, audio, estimate, format_timing, vpx};

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
const CLUSTER: u32 = 0x1F43_B675;
const CHAPTERS: u32 = 0x1043_A770;
const ATTACHMENTS: u32 = 0x1941_A469;
const ATTACHED_FILE: u32 = 0x61A7;
const FILE_MIME_TYPE: u32 = 0x4660;
const FILE_NAME: u32 = 0x466E;
const FILE_DATA: u32 = 0x465C;

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
    /// Where the Chapters element starts, if there is one.
    chapters: Option<u64>,
    /// Where the Attachments element starts, if there is one.
    attachments: Option<u64>,
    /// Where the first Cluster starts, if it was reached.
    cluster: Option<u64>,
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

    let mut seg = Segment { info: None, tracks: None, chapters: None, attachments: None, cluster: None };
    let mut seeks = Vec::new();
    let mut at = start;
    // Up to the first Cluster, reading only the headers of what is not needed.
    for _ in 0..64 {
        if at.saturating_add(2) > src.len {
            break;
        }
        let head = src.read(at, 12)?;
        let (id, id_len) = id_at(&head, 0)?;
        let (size, size_len) = size_at(&head, id_len)?;
        if id == CLUSTER {
            seg.cluster = Some(at);
            break;
        }
        let size = size.ok_or_else(|| Unsure::new("an element of unknown size before the clusters"))?;
        let body = at + (id_len + size_len) as u64;
        match id {
            INFO => seg.info = Some(src.read(body, size)?),
            CHAPTERS => seg.chapters = Some(at),
            ATTACHMENTS => seg.attachments = Some(at),
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
        match target {
            CHAPTERS => {
                seg.chapters.get_or_insert(position);
            }
            ATTACHMENTS => {
                seg.attachments.get_or_insert(position);
            }
            _ => {}
        }
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

/// Completes the streams whose description is in their first frame.
fn complete(src: &mut Source<'_>, cluster: Option<u64>, tracks: &mut [track::Track]) -> Result<(), Stop> {
    let wanted: Vec<(u64, bool)> = tracks
        .iter()
        .filter(|t| t.need.is_some())
        .map(|t| (t.number, t.encoding.needs_whole_frames()))
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let cluster = cluster.ok_or_else(|| Unsure::new("no Cluster near the start of the file"))?;
    let frames = cluster::first_frames(src, cluster, &wanted)?;
    for t in tracks.iter_mut() {
        let Some(need) = t.need.clone() else { continue };
        let stored = frames
            .iter()
            .find(|(n, _)| *n == t.number)
            .map(|(_, f)| f.as_slice())
            .ok_or_else(|| Unsure::new("a track without a block near the start of the file"))?;
        let frame = t.encoding.decode(stored)?;
        match (need, &mut t.stream) {
            (Need::Vp8 { width, height, rate }, stream) => {
                *stream =
                    Stream::Video(vpx::vp8(&frame, width, height)?.stream("vp8", rate, &t.container)?);
            }
            (Need::Vp9 { width, height, rate }, stream) => {
                *stream =
                    Stream::Video(vpx::vp9(&frame, width, height)?.stream("vp9", rate, &t.container)?);
            }
            (Need::Ac3, Stream::Audio(a)) => set_audio(a, audio::ac3_frame(&frame)?),
            (Need::MpegAudio, Stream::Audio(a)) => set_audio(a, audio::mpeg_audio_frame(&frame)?),
            _ => return Err(Unsure::new("a frame for a stream of another kind").into()),
        }
    }
    Ok(())
}

/// The frame rates of video tracks without a default frame duration, as libavformat estimates
/// them (`estimate`): only where every packet it reads gets the duration derived from the
/// codec, which the blocks of the first Clusters are checked for (none may carry its own
/// duration, and there must be at least the three packets the estimate needs).
fn estimate_rates(
    src: &mut Source<'_>,
    cluster: Option<u64>,
    scale: u64,
    tracks: &mut [track::Track],
) -> Result<(), Stop> {
    // The stream's time base: TimestampScale nanoseconds.
    let time_base = (scale, 1_000_000_000);
    for t in tracks.iter_mut() {
        let (Some(frame_time), Stream::Video(video)) = (t.estimate, &mut t.stream) else { continue };
        let unsure = || Unsure::new("a frame rate libavformat estimates another way");
        let ticks = estimate::packet_ticks(frame_time, time_base).ok_or_else(unsure)?;
        let rate = estimate::average_frame_rate(ticks, time_base).ok_or_else(unsure)?;
        // find_stream_info reads about 5 s of packets (max_analyze_duration): a few more.
        let tick_ns = u128::from(ticks) * u128::from(scale);
        let enough = usize::try_from(5_000_000_000 / tick_ns.max(1) + 4).unwrap_or(usize::MAX);
        let cluster = cluster.ok_or_else(|| Unsure::new("no Cluster near the start of the file"))?;
        if blocks::blocks_without_duration(src, cluster, t.number, enough)? < 3 {
            return Err(Unsure::new("too few video blocks to estimate a frame rate").into());
        }
        video.frame_rate = Some(rate);
        video.avg_frame_rate = Some(rate);
    }
    Ok(())
}

/// MPEG audio's bit rate in Matroska is the average libavformat's parser takes over the
/// frames it reads (about five seconds of them): the first frame's only if they all agree.
fn constant_mpeg_audio(
    src: &mut Source<'_>,
    cluster: Option<u64>,
    tracks: &[track::Track],
) -> Result<(), Stop> {
    for t in tracks {
        let (Some(Need::MpegAudio), Stream::Audio(a)) = (&t.need, &t.stream) else { continue };
        let (Some(rate), Some(sample_rate)) = (a.bit_rate, a.sample_rate.filter(|r| *r > 0)) else {
            return Err(Unsure::new("MPEG audio without a bit rate").into());
        };
        let per_frame = if a.codec == "mp3" && sample_rate < 32_000 { 576 } else { 1152 };
        let enough = usize::try_from(5 * u64::from(sample_rate) / per_frame + 4).unwrap_or(usize::MAX);
        let cluster = cluster.ok_or_else(|| Unsure::new("no Cluster near the start of the file"))?;
        blocks::mpeg_audio_rate_is_constant(src, cluster, t.number, &t.encoding, enough, rate)?;
    }
    Ok(())
}

/// Whether the Attachments element at `at` holds a picture libavformat lists as an attached
/// picture (complete attachments whose type is JPEG or PNG); other pictures are unsure.
fn cover_art(src: &mut Source<'_>, at: u64) -> Result<bool, Stop> {
    let (id, body) = read_element(src, at)?;
    if id != ATTACHMENTS {
        return Err(Unsure::new("a SeekHead entry pointing elsewhere").into());
    }
    let mut found = false;
    for (id, file) in elements(&body)? {
        if id != ATTACHED_FILE {
            continue;
        }
        let file = elements(file)?;
        let complete =
            find(&file, FILE_NAME).is_some() && find(&file, FILE_DATA).is_some_and(|d| !d.is_empty());
        let mime = find(&file, FILE_MIME_TYPE).map(text).unwrap_or_default();
        match mime.as_str() {
            "image/jpeg" | "image/png" if complete => found = true,
            m if m.starts_with("image/") => {
                return Err(Unsure::new("an attached picture of another type").into());
            }
            _ => {}
        }
    }
    Ok(found)
}

/// What the first frame of an audio stream says.
fn set_audio(a: &mut scanner_core::AudioStream, facts: audio::AudioFacts) {
    let (default, forced) = (a.default, a.forced);
    let (language, title) = (a.language.take(), a.title.take());
    *a = scanner_core::AudioStream { language, title, default, forced, ..facts.stream(&a.codec, a.index) };
}

pub(crate) fn probe(src: &mut Source<'_>) -> Result<MediaInfo, Stop> {
    let seg = segment(src)?;
    let mut tracks = Vec::new();
    for (id, entry) in elements(seg.tracks.as_deref().ok_or_else(|| Unsure::new("no Tracks"))?)? {
        if id == TRACK_ENTRY {
            let index = u32::try_from(tracks.len()).map_err(|_| Unsure::new("too many tracks"))?;
            tracks.push(track::track(entry, index)?);
        }
    }
    let cover_art = match seg.attachments {
        Some(at) => cover_art(src, at)?,
        None => false,
    };
    complete(src, seg.cluster, &mut tracks)?;
    constant_mpeg_audio(src, seg.cluster, &tracks)?;
    let info = elements(seg.info.as_deref().ok_or_else(|| Unsure::new("no Info"))?)?;
    let scale = find(&info, TIMESTAMP_SCALE).map(uint).transpose()?.unwrap_or(1_000_000);
    estimate_rates(src, seg.cluster, scale, &mut tracks)?;
    let mut media = MediaInfo { container: Some(CONTAINER.to_owned()), cover_art, ..MediaInfo::default() };
    for t in tracks {
        match t.stream {
            Stream::Video(v) if media.video.is_none() => media.video = Some(v),
            Stream::Video(_) => {}
            Stream::Audio(a) => media.audio.push(a),
            Stream::Subtitle(s) => media.subtitles.push(s),
            Stream::InFirstFrame => return Err(Unsure::new("a stream left undescribed").into()),
        }
    }
    let mut duration_ns = None;
    match find(&info, DURATION).map(float).transpose()? {
        Some(duration) => {
            let micros = duration * scale as f64 / 1000.0;
            if !(1.0..1e15).contains(&micros) {
                return Err(Unsure::new("no plausible duration in the header").into());
            }
            (media.duration_secs, media.bit_rate) = format_timing(micros as u64, src.len)?;
            duration_ns = Some(micros as u64 * 1000);
        }
        // A live or streamed file. libavformat then estimates the duration from the streams'
        // bit rates only if it knows all of them, which it never does for video in Matroska:
        // ffprobe reports no duration and no bit rate.
        None if media.video.is_some() => {}
        None => return Err(Unsure::new("no duration in the header").into()),
    }
    if let Some(at) = seg.chapters {
        let (id, body) = read_element(src, at)?;
        if id != CHAPTERS {
            return Err(Unsure::new("a SeekHead entry pointing elsewhere").into());
        }
        media.chapters = chapters::chapters(&body, duration_ns)?;
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
    fn elements_that_do_not_fit_are_unsure() {
        assert!(elements(&[0x83, 0x85, 1]).is_err());
        assert_eq!(elements(&[0x83, 0x81, 1]).unwrap(), vec![(0x83, &[1u8][..])]);
    }
}
