//! AVI's legacy index (`idx1`): libavformat reads it when it opens the file and, where the
//! index covers the file, derives each stream's bit rate from it (`calculate_bitrate`) unless
//! the stream header gave one.

use crate::Unsure;

/// What the index says of one stream.
#[derive(Debug, Clone, Default)]
struct Entries {
    /// Sum of the indexed chunks' sizes.
    bytes: u64,
    count: u64,
    /// Timestamps (in frames) of the first and last indexed chunk.
    first: u64,
    last: u64,
    /// Position of the last indexed chunk.
    last_pos: u64,
    /// Frames counted so far (every entry, empty ones too).
    cum: u64,
}

/// Each stream's bit rate as `calculate_bitrate` computes it from `idx1` (`None` where it
/// leaves the stream's alone). `rates` are the streams' (scale, rate); `movi` is where the
/// `movi` fourcc is, `file_len` the file's size. Only streams without a fixed sample size are
/// counted in frames; others are unsure.
pub(crate) fn bit_rates(
    idx1: &[u8],
    movi: u64,
    file_len: u64,
    rates: &[(u64, u64, bool)],
) -> Result<Vec<Option<u64>>, Unsure> {
    let le = |at: usize| -> Result<u64, Unsure> {
        let b = idx1.get(at..at + 4).ok_or_else(|| Unsure::new("a short index entry"))?;
        Ok(u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
    };
    let mut streams = vec![Entries::default(); rates.len()];
    let mut offset = None;
    let mut last_added = None;
    for i in 0..idx1.len() / 16 {
        let tag = idx1.get(16 * i..16 * i + 4).ok_or_else(|| Unsure::new("a short index"))?;
        let (pos, len) = (le(16 * i + 8)?, le(16 * i + 12)?);
        let index = usize::from(tag[0].wrapping_sub(b'0')) * 10 + usize::from(tag[1].wrapping_sub(b'0'));
        let Some(s) = streams.get_mut(index) else { continue };
        if &tag[2..4] == b"pc" {
            continue;
        }
        // Offsets are relative to the `movi` fourcc, or (rarely) absolute.
        let base = *offset.get_or_insert(if pos < movi { movi } else { 0 });
        let pos = pos + base;
        if last_added != Some(pos) && len > 0 {
            if s.count == 0 {
                s.first = s.cum;
            }
            s.count += 1;
            s.bytes += len;
            s.last = s.cum;
            s.last_pos = pos;
            last_added = Some(pos);
        }
        // Streams with a fixed sample size count in bytes: their timestamps are not needed,
        // as such streams (PCM, CBR audio) have a bit rate in their header.
        s.cum += 1;
    }
    let lensum: u64 = streams.iter().map(|s| s.bytes).sum();
    let maxpos = streams.iter().filter(|s| s.count > 0).map(|s| s.last_pos).max().unwrap_or(0);
    let covered = maxpos >= (u128::from(file_len) * 9 / 10) as u64;
    let consistent = lensum * 9 / 10 <= maxpos && lensum >= maxpos * 9 / 10;
    if !covered || !consistent {
        return Ok(vec![None; rates.len()]);
    }
    Ok(streams
        .iter()
        .zip(rates)
        .map(|(s, (scale, rate, fixed))| {
            if *fixed {
                return None;
            }
            let duration = s.last.saturating_sub(s.first);
            if s.count < 2 || duration == 0 || *scale == 0 {
                return None;
            }
            let den = u128::from(duration) * u128::from(*scale);
            let rate = (u128::from(8 * s.bytes) * u128::from(*rate) + den / 2) / den;
            u64::try_from(rate).ok().filter(|r| *r > 0)
        })
        .collect())
}
