//! The blocks of one track over the first seconds of the Clusters, where what ffprobe prints
//! depends on every packet `avformat_find_stream_info` reads (about five seconds of them), not
//! on the first: packet durations for the frame rate libavformat estimates, and MPEG audio
//! frame bit rates, which its parser averages. Element headers are walked one by one (at most
//! [`MAX_ELEMENTS`]); of each block of the track only its start and its frames' first bytes
//! are read.

use super::cluster::{BLOCK, BLOCK_GROUP, CLUSTER, MAX_ELEMENTS, SIMPLE_BLOCK, first_frame};
use super::track::Encoding;
use super::{id_at, size_at};
use crate::source::Source;
use crate::{Stop, Unsure, audio};

const BLOCK_DURATION: u32 = 0x9B;
/// Bytes of a block read for its header and lace sizes.
const BLOCK_HEAD: u64 = 1024;

/// A block of the walked track: where its body is, its size, whether it has a BlockDuration,
/// and its first bytes (64 at most).
struct Block {
    body: u64,
    size: u64,
    duration: bool,
    head: Vec<u8>,
}

/// A BlockGroup being walked: where it ends, and its block's track and place once seen.
struct Group {
    end: u64,
    track: Option<u64>,
    block: Block,
}

/// Walks the Clusters from `cluster`, handing each block of `track` to `visit`, which says how
/// many packets it holds, until `enough` packets were seen or the file ends; returns how many
/// were seen. BlockGroups are entered, their Block and BlockDuration matched at their end.
fn track_blocks(
    src: &mut Source<'_>,
    cluster: u64,
    track: u64,
    enough: usize,
    mut visit: impl FnMut(&mut Source<'_>, &Block) -> Result<usize, Stop>,
) -> Result<usize, Stop> {
    // The BlockGroup being walked: where it ends, its block's track, the block.
    let mut group: Option<Group> = None;
    let mut seen = 0;
    let mut at = cluster;
    for _ in 0..MAX_ELEMENTS {
        // A group is done when the walk passes its end; only its track's are visited.
        if let Some(g) = group.take_if(|g| at >= g.end)
            && g.track == Some(track)
        {
            seen += visit(src, &g.block)?;
        }
        if seen >= enough || at.saturating_add(2) > src.len {
            return Ok(seen);
        }
        let head = src.read(at, 12)?;
        let (id, id_len) = id_at(&head, 0)?;
        let (size, size_len) = size_at(&head, id_len)?;
        let body = at + (id_len + size_len) as u64;
        match (id, size) {
            (CLUSTER, _) => at = body,
            (BLOCK_GROUP, Some(size)) if group.is_none() => {
                let block = Block { body: 0, size: 0, duration: false, head: Vec::new() };
                group = Some(Group { end: body.saturating_add(size), track: None, block });
                at = body;
            }
            (BLOCK_DURATION, Some(size)) => {
                let g = group.as_mut().ok_or_else(|| Unsure::new("a BlockDuration outside a BlockGroup"))?;
                g.block.duration = true;
                at = body.saturating_add(size);
            }
            (SIMPLE_BLOCK | BLOCK, Some(size)) => {
                let head = src.read(body, size.min(64))?;
                let (number, _) = first_frame(&head)?;
                match group.as_mut() {
                    Some(g) if id == BLOCK => {
                        g.track = Some(number);
                        (g.block.body, g.block.size, g.block.head) = (body, size, head);
                    }
                    None if id == SIMPLE_BLOCK && number == track => {
                        seen += visit(src, &Block { body, size, duration: false, head })?;
                    }
                    None if id == SIMPLE_BLOCK => {}
                    _ => return Err(Unsure::new("a block out of place").into()),
                }
                at = body.saturating_add(size);
            }
            (_, Some(size)) => at = body.saturating_add(size),
            (_, None) => return Err(Unsure::new("an element of unknown size among the clusters").into()),
        }
    }
    Err(Unsure::new("too many elements before enough blocks of a track").into())
}

/// How many blocks of `track` there are among the first `enough` (or all, if fewer); none may
/// carry a BlockDuration (libavformat would take it over the duration it derives).
pub(super) fn blocks_without_duration(
    src: &mut Source<'_>,
    cluster: u64,
    track: u64,
    enough: usize,
) -> Result<usize, Stop> {
    track_blocks(src, cluster, track, enough, |_, block| {
        if block.duration {
            return Err(Unsure::new("a video block with its own duration").into());
        }
        Ok(1)
    })
}

/// The frames of a block whose start is `head` and whose size is `size`: (offset in the
/// block, length) of each, from its lacing (none, Xiph, fixed-size or EBML).
pub(crate) fn laced_frames(head: &[u8], size: u64) -> Result<Vec<(u64, u64)>, Unsure> {
    let short = || Unsure::new("a short block");
    let (_, header) = first_frame(head)?;
    let (_, len) = size_at(head, 0)?;
    let lacing = (head.get(len + 2).ok_or_else(short)? >> 1) & 3;
    let header = header as u64;
    let data = size.checked_sub(header).ok_or_else(short)?;
    if lacing == 0 {
        return Ok(vec![(header, data)]);
    }
    let count = u64::from(*head.get(len + 3).ok_or_else(short)?) + 1;
    let mut sizes = Vec::new();
    let mut at = len + 4;
    match lacing {
        1 => {
            for _ in 1..count {
                let mut frame = 0u64;
                loop {
                    let byte = *head.get(at).ok_or_else(short)?;
                    at += 1;
                    frame += u64::from(byte);
                    if byte != 255 {
                        break;
                    }
                }
                sizes.push(frame);
            }
        }
        3 => {
            let (first, n) = size_at(head, at)?;
            at += n;
            let mut frame = first.ok_or_else(short)?;
            sizes.push(frame);
            for _ in 2..count {
                let (raw, n) = size_at(head, at)?;
                at += n;
                // A signed difference: the raw value less half its range.
                let bias = (1u64 << (7 * n - 1)) - 1;
                let raw = raw.ok_or_else(short)?;
                frame = frame
                    .checked_add(raw)
                    .and_then(|f| f.checked_sub(bias))
                    .ok_or_else(|| Unsure::new("a lace size out of range"))?;
                sizes.push(frame);
            }
        }
        _ => {
            if data % count != 0 {
                return Err(Unsure::new("a fixed-size lace that does not divide its block"));
            }
            return Ok((0..count).map(|i| (header + i * (data / count), data / count)).collect());
        }
    }
    // The frames start after the lace sizes, the last one filling the rest.
    let mut offset = at as u64;
    let mut out = Vec::new();
    for frame in sizes {
        out.push((offset, frame));
        offset = offset.saturating_add(frame);
    }
    let rest = size.checked_sub(offset).ok_or_else(|| Unsure::new("lace sizes larger than their block"))?;
    out.push((offset, rest));
    Ok(out)
}

/// The bit rate of every MPEG audio frame among the first `enough` of `track`, which must all
/// be `expected`: libavformat's parser averages the frames it reads, and only equal rates make
/// that average the first frame's.
pub(super) fn mpeg_audio_rate_is_constant(
    src: &mut Source<'_>,
    cluster: u64,
    track: u64,
    encoding: &Encoding,
    enough: usize,
    expected: u64,
) -> Result<(), Stop> {
    if encoding.needs_whole_frames() {
        return Err(Unsure::new("compressed MPEG audio frames").into());
    }
    track_blocks(src, cluster, track, enough, |src, block| {
        // Lace sizes may run past the first bytes: then more of the block is read.
        let frames = match laced_frames(&block.head, block.size) {
            Ok(frames) => frames,
            Err(_) => laced_frames(&src.read(block.body, block.size.min(BLOCK_HEAD))?, block.size)?,
        };
        for (offset, len) in &frames {
            let start = src.read(block.body + offset, (*len).min(4))?;
            let facts = audio::mpeg_audio_header(&encoding.decode(&start)?)?;
            if facts.bit_rate != Some(expected) {
                return Err(Unsure::new("MPEG audio whose frames differ in bit rate").into());
            }
        }
        Ok(frames.len())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_found_by_their_lacing() {
        // Track 1, no lacing, 10 bytes in all.
        assert_eq!(laced_frames(&[0x81, 0, 0, 0x80], 10).unwrap(), vec![(4, 6)]);
        // Xiph: 3 frames of 300 and 10 bytes, the last the rest.
        let xiph = [0x81, 0, 0, 0x02, 2, 255, 45, 10];
        assert_eq!(laced_frames(&xiph, 8 + 300 + 10 + 5).unwrap(), vec![(8, 300), (308, 10), (318, 5)]);
        // Fixed-size: 4 frames of 5 bytes.
        assert_eq!(
            laced_frames(&[0x81, 0, 0, 0x04, 3], 25).unwrap(),
            vec![(5, 5), (10, 5), (15, 5), (20, 5)]
        );
        assert!(laced_frames(&[0x81, 0, 0, 0x04, 3], 26).is_err());
        // EBML: 3 frames; 100, then 100 - 2 (0xBF - 63 = -2 in one byte).
        let ebml = [0x81, 0, 0, 0x06, 2, 0x40, 100, 0xBD];
        assert_eq!(laced_frames(&ebml, 8 + 100 + 98 + 7).unwrap(), vec![(8, 100), (108, 98), (206, 7)]);
        // Lace sizes beyond the block.
        assert!(laced_frames(&xiph, 100).is_err());
        assert!(laced_frames(&[0x81, 0], 10).is_err());
    }
}
