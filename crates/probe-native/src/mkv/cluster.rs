//! The first frame of some tracks, from the first Clusters: where Matroska does not say what a
//! stream is (VP8 and VP9 profiles and pixel formats) or where ffmpeg believes the bitstream
//! over the container (AC-3 and MPEG audio channel counts). Reading is bounded: element headers
//! one by one, at most [`MAX_ELEMENTS`] of them, and the start of each wanted block.

use super::{id_at, size_at};
use crate::source::Source;
use crate::{Stop, Unsure};

pub(super) const CLUSTER: u32 = 0x1F43_B675;
pub(super) const BLOCK_GROUP: u32 = 0xA0;
pub(super) const BLOCK: u32 = 0xA1;
pub(super) const SIMPLE_BLOCK: u32 = 0xA3;

/// Element headers walked at most looking for the wanted tracks' first blocks.
pub(super) const MAX_ELEMENTS: usize = 1024;
/// Bytes read from the start of a block: enough for any frame header and, for AC-3, the next
/// frame's header too.
const BLOCK_START: u64 = 8192;
/// Largest block read whole (compressed frames must be read whole to be inflated).
const MAX_WHOLE_BLOCK: u64 = 1 << 20;

/// A block's first frame: where it starts in the block, and the block's track.
pub(super) fn first_frame(block: &[u8]) -> Result<(u64, usize), Unsure> {
    let (track, len) = size_at(block, 0)?;
    let track = track.ok_or_else(|| Unsure::new("a block without a track number"))?;
    let flags = *block.get(len + 2).ok_or_else(|| Unsure::new("a short block"))?;
    let mut at = len + 3;
    let lacing = (flags >> 1) & 3;
    if lacing != 0 {
        let frames = usize::from(*block.get(at).ok_or_else(|| Unsure::new("a short block"))?) + 1;
        at += 1;
        match lacing {
            // Xiph: the sizes of all frames but the last, each as a run of 255s and a rest.
            1 => {
                for _ in 0..frames - 1 {
                    while *block.get(at).ok_or_else(|| Unsure::new("a short lace"))? == 255 {
                        at += 1;
                    }
                    at += 1;
                }
            }
            // EBML: the first size, then differences.
            3 => {
                for _ in 0..frames - 1 {
                    let (_, len) = size_at(block, at)?;
                    at += len;
                }
            }
            _ => {}
        }
    }
    Ok((track, at))
}

/// The start of the first frame of each track in `wanted` (track number, whether its frames
/// must be read whole), from the Clusters starting at `cluster`. A track not found near the
/// start is missing from the answer.
pub(super) fn first_frames(
    src: &mut Source<'_>,
    cluster: u64,
    wanted: &[(u64, bool)],
) -> Result<Vec<(u64, Vec<u8>)>, Stop> {
    let mut found: Vec<(u64, Vec<u8>)> = Vec::new();
    let mut at = cluster;
    for _ in 0..MAX_ELEMENTS {
        if found.len() == wanted.len() || at.saturating_add(2) > src.len {
            break;
        }
        let head = src.read(at, 12)?;
        let (id, id_len) = id_at(&head, 0)?;
        let (size, size_len) = size_at(&head, id_len)?;
        let body = at + (id_len + size_len) as u64;
        match (id, size) {
            // Step inside: the children follow, and the next sibling after them.
            (CLUSTER | BLOCK_GROUP, _) => at = body,
            (SIMPLE_BLOCK | BLOCK, Some(size)) => {
                let start = src.read(body, size.min(64))?;
                let (track, offset) = first_frame(&start)?;
                let want = wanted.iter().find(|(t, _)| *t == track);
                if let Some(&(_, whole)) = want.filter(|_| !found.iter().any(|(t, _)| *t == track)) {
                    let len = if whole { size } else { size.min(BLOCK_START) };
                    if len > MAX_WHOLE_BLOCK {
                        return Err(Unsure::new("a compressed first frame too large to read").into());
                    }
                    let frame = src.read(body + offset as u64, len.saturating_sub(offset as u64))?;
                    found.push((track, frame));
                }
                at = body.saturating_add(size);
            }
            (_, Some(size)) => at = body.saturating_add(size),
            (_, None) => return Err(Unsure::new("an element of unknown size among the clusters").into()),
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn laced_blocks_start_after_their_sizes() {
        // Track 1, timestamp 0, no lacing.
        assert_eq!(first_frame(&[0x81, 0, 0, 0x80, 0xAA]).unwrap(), (1, 4));
        // Track 2, Xiph lacing, 3 frames: sizes 300 (255 + 45) and 10.
        assert_eq!(first_frame(&[0x82, 0, 0, 0x02, 2, 255, 45, 10, 0xAA]).unwrap(), (2, 8));
        // EBML lacing, 2 frames: one size.
        assert_eq!(first_frame(&[0x81, 0, 0, 0x06, 1, 0x85, 0xAA]).unwrap(), (1, 6));
        assert!(first_frame(&[0x81, 0]).is_err());
    }
}
