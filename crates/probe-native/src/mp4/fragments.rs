//! Fragmented MP4 (`mvex` in `moov`, samples in `moof` boxes): the duration libavformat
//! computes. It has no movie duration to go by (`mehd` is ignored), so it takes each track's
//! samples — those in `moov`, then every fragment's `trun`s from its `tfdt` on — and shifts
//! each track by its first sample's composition offset; the file lasts from the earliest track
//! start to the latest track end.

use super::{boxes, child, need};
use crate::bits::{be, u8_at};
use crate::source::Source;
use crate::{Stop, Unsure};

/// The largest `moof` read: bigger is not a fragment header of a real file.
const MAX_MOOF: u64 = 1 << 20;

/// One track's timing, in its own time scale.
#[derive(Debug, Clone, Default)]
pub(super) struct Timing {
    pub id: u64,
    pub timescale: u64,
    /// The default sample duration and size from `trex`.
    pub default_duration: u64,
    pub default_size: u64,
    /// The size of every sample, in `moov` and in the fragments.
    pub bytes: u64,
    /// Where the next sample's decoding time is.
    pub end: u64,
    /// The first sample's composition offset, once known.
    pub first_offset: Option<i64>,
    /// Samples and their total duration, for the average frame rate.
    pub samples: u64,
    pub total: u64,
}

impl Timing {
    /// The average frame rate over all samples, as ffmpeg estimates it for fragmented files.
    pub(super) fn frame_rate(&self) -> Option<f64> {
        (self.samples > 0 && self.total > 0 && self.timescale > 0)
            .then(|| crate::round3(self.timescale as f64 * self.samples as f64 / self.total as f64))
    }

    /// The bit rate libavformat gives a fragmented track: all its bytes over all its time,
    /// rounded to nearest.
    pub(super) fn bit_rate(&self) -> Option<u64> {
        if self.total == 0 {
            return None;
        }
        let total = u128::from(self.total);
        let rate = (u128::from(self.bytes) * u128::from(self.timescale) * 8 + total / 2) / total;
        u64::try_from(rate).ok().filter(|r| *r > 0)
    }
}

/// A track's samples in `moov`: their number, total duration (`stts`) and the first
/// composition offset (`ctts`).
pub(super) fn moov_samples(stbl: &[u8]) -> Result<(u64, u64, Option<i64>), Unsure> {
    let stts = need(stbl, b"stts")?;
    let mut total = 0u64;
    let mut samples = 0u64;
    for i in 0..be(stts, 4, 4)?.min(1 << 20) as usize {
        let n = be(stts, 8 + 8 * i, 4)?;
        samples = samples.saturating_add(n);
        total = total.saturating_add(n.saturating_mul(be(stts, 12 + 8 * i, 4)?));
    }
    let offset = match child(stbl, b"ctts")? {
        Some(ctts) if samples > 0 && be(ctts, 4, 4)? > 0 => Some(be(ctts, 12, 4)? as u32 as i32 as i64),
        _ if samples > 0 => Some(0),
        _ => None,
    };
    Ok((samples, total, offset))
}

/// Adds a `traf` to its track's timing.
fn traf(traf: &[u8], tracks: &mut [Timing]) -> Result<(), Unsure> {
    let tfhd = need(traf, b"tfhd")?;
    let flags = be(tfhd, 0, 4)? & 0xff_ffff;
    let id = be(tfhd, 4, 4)?;
    let t = tracks.iter_mut().find(|t| t.id == id).ok_or_else(|| Unsure::new("a fragment of no track"))?;
    let mut at = 8;
    for (flag, len) in [(0x1, 8), (0x2, 4)] {
        if flags & flag != 0 {
            at += len;
        }
    }
    let default = if flags & 0x8 != 0 { be(tfhd, at, 4)? } else { t.default_duration };
    if flags & 0x8 != 0 {
        at += 4;
    }
    let default_size = if flags & 0x10 != 0 { be(tfhd, at, 4)? } else { t.default_size };
    if let Some(tfdt) = child(traf, b"tfdt")? {
        t.end = match u8_at(tfdt, 0)? {
            0 => be(tfdt, 4, 4)?,
            _ => be(tfdt, 4, 8)?,
        };
    }
    for (kind, trun) in boxes(traf)? {
        if &kind != b"trun" {
            continue;
        }
        let flags = be(trun, 0, 4)? & 0xff_ffff;
        let count = be(trun, 4, 4)?;
        let mut at = 8 + if flags & 0x1 != 0 { 4 } else { 0 } + if flags & 0x4 != 0 { 4 } else { 0 };
        let per_sample = [0x100, 0x200, 0x400, 0x800].iter().filter(|f| flags & **f != 0).count() * 4;
        if count.saturating_mul(per_sample as u64) > trun.len() as u64 {
            return Err(Unsure::new("a trun longer than its box"));
        }
        if flags & 0x100 == 0 && flags & 0x800 == 0 && flags & 0x200 == 0 {
            // Every sample takes the default duration and size: no need to walk them.
            t.first_offset.get_or_insert(0);
            t.bytes = t.bytes.saturating_add(count.saturating_mul(default_size));
            t.end = t.end.saturating_add(count.saturating_mul(default));
            t.total = t.total.saturating_add(count.saturating_mul(default));
            t.samples = t.samples.saturating_add(count);
            continue;
        }
        // Each sample has a field here, so `count` is bounded by the box's length.
        for _ in 0..count {
            let duration = if flags & 0x100 != 0 { be(trun, at, 4)? } else { default };
            let size_at = at + if flags & 0x100 != 0 { 4 } else { 0 };
            let size = if flags & 0x200 != 0 { be(trun, size_at, 4)? } else { default_size };
            t.bytes = t.bytes.saturating_add(size);
            if t.first_offset.is_none() {
                t.first_offset = Some(if flags & 0x800 != 0 {
                    let skip = [0x100, 0x200, 0x400].iter().filter(|f| flags & **f != 0).count() * 4;
                    be(trun, at + skip, 4)? as u32 as i32 as i64
                } else {
                    0
                });
            }
            t.end = t.end.saturating_add(duration);
            t.total = t.total.saturating_add(duration);
            t.samples += 1;
            at += per_sample;
        }
    }
    Ok(())
}

/// Reads every `moof` at `positions` (offset, size) into the tracks' timings.
pub(super) fn read(
    src: &mut Source<'_>,
    positions: &[(u64, u64)],
    tracks: &mut [Timing],
) -> Result<(), Stop> {
    for &(at, size) in positions {
        if size > MAX_MOOF {
            return Err(Unsure::new("a huge moof").into());
        }
        let moof = src.read(at, size)?;
        for (kind, body) in boxes(&moof)? {
            if &kind == b"traf" {
                traf(body, tracks)?;
            }
        }
    }
    Ok(())
}

/// The file's duration in microseconds, as libavformat's `update_stream_timings` sums it up.
pub(super) fn micros(tracks: &[Timing]) -> Result<u64, Unsure> {
    let rescale = |v: i64, scale: u64| -> i64 {
        let v = i128::from(v) * 1_000_000;
        let s = i128::from(scale);
        (if v >= 0 { (v + s / 2) / s } else { (v - s / 2) / s }) as i64
    };
    let (mut first, mut last) = (i64::MAX, i64::MIN);
    for t in tracks {
        if t.timescale == 0 || t.end == 0 {
            continue;
        }
        let start = rescale(t.first_offset.unwrap_or(0), t.timescale);
        let end = start.saturating_add(rescale(i64::try_from(t.end).unwrap_or(i64::MAX), t.timescale));
        first = first.min(start);
        last = last.max(end);
    }
    u64::try_from(last.saturating_sub(first)).map_err(|_| Unsure::new("no samples in the fragments"))
}
