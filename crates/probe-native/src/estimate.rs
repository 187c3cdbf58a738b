//! libavformat's estimate of a video stream's average frame rate where the container gives
//! none (Matroska without a default frame duration, as VLC's muxer writes it).
//!
//! `avformat_find_stream_info` then sums the durations of the packets it reads (from the third
//! on) and divides: average = packets ÷ total duration, reduced within 60 000, then "snapped" to
//! the nearest standard rate (`get_std_framerate`) if one lies within 1 %. When every packet
//! lasts the same number of ticks the estimate does not depend on how many packets were read,
//! so the native probe can reproduce it exactly: that is the only case answered here.
//!
//! The packets' durations come, when the demuxer gives none, from the codec's frame rate as its
//! parser reads it (`ff_compute_frame_duration`): for H.264 the VUI timing, two ticks a frame,
//! rounded *down* to the stream's time base.

/// `get_std_framerate(i)`: the standard rates, in frames per 12 × 1001 seconds. Every twelfth
/// of a frame per second up to 30, every whole rate up to 60, 80, 120 and 240, then the NTSC
/// rates.
fn standard(i: usize) -> Option<u64> {
    const NTSC: [u64; 6] = [24, 30, 60, 12, 15, 48];
    let i = i as u64;
    Some(match i {
        0..360 => (i + 1) * 1001,
        360..390 => (i - 360 + 31) * 1001 * 12,
        390..393 => [80, 120, 240][(i - 390) as usize] * 1001 * 12,
        393..399 => NTSC[(i - 393) as usize] * 1000 * 12,
        _ => return None,
    })
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `num / den` in lowest terms, if neither is zero and both then fit `max` (`av_reduce`
/// approximates beyond, which is not modelled here).
fn reduce(num: u64, den: u64, max: u64) -> Option<(u64, u64)> {
    if num == 0 || den == 0 {
        return None;
    }
    let g = gcd(num, den);
    let (num, den) = (num / g, den / g);
    (num <= max && den <= max).then_some((num, den))
}

/// The duration libavformat gives each packet of a stream whose codec frame lasts
/// `frame_time` seconds (a fraction), in ticks of the stream's `time_base` (a fraction of a
/// second): rounded down. `None` where libavformat would take another path (a time base
/// coarser than a millisecond, a codec rate of 1 000 frames a second or more, fractions it
/// would approximate) or give no duration at all.
pub(crate) fn packet_ticks(frame_time: (u64, u64), time_base: (u64, u64)) -> Option<u64> {
    // The codec's frame rate (AVCodecContext.framerate, within 2^30) and the time base.
    let (per_frame, per_second) = reduce(frame_time.0, frame_time.1, 1 << 30)?;
    let (tb_num, tb_den) = reduce(time_base.0, time_base.1, i32::MAX as u64)?;
    if tb_num * 1000 > tb_den || per_frame * 1000 <= per_second {
        return None;
    }
    let ticks = u128::from(per_frame) * u128::from(tb_den) / (u128::from(per_second) * u128::from(tb_num));
    u64::try_from(ticks).ok().filter(|t| *t > 0)
}

/// The average frame rate ffprobe prints for a video stream whose packets each last `ticks`
/// of `time_base`, as the catalog stores it (three decimals).
pub(crate) fn average_frame_rate(ticks: u64, time_base: (u64, u64)) -> Option<f64> {
    let (num, den) = reduce(time_base.1, ticks.checked_mul(time_base.0)?, 60_000)?;
    let estimate = num as f64 / den as f64;
    let mut best = None;
    let mut best_error = 0.01;
    for std in (0..).map_while(standard) {
        let error = (estimate / (std as f64 / (12.0 * 1001.0)) - 1.0).abs();
        if error < best_error {
            best_error = error;
            best = Some(std);
        }
    }
    let (num, den) = match best {
        Some(std) => reduce(std, 12 * 1001, i32::MAX as u64)?,
        None => (num, den),
    };
    Some(crate::round3(num as f64 / den as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: (u64, u64) = (1, 1000);

    /// H.264 at `fps_num / fps_den` (VUI timing: two ticks a frame) in Matroska's millisecond
    /// time base, as Debian's ffprobe 5.1 reports it after mkvpropedit removed the default
    /// frame duration.
    fn rate(fps_num: u64, fps_den: u64) -> Option<f64> {
        average_frame_rate(packet_ticks((2 * fps_den, 2 * fps_num), MS)?, MS)
    }

    #[test]
    fn estimates_match_ffprobe() {
        // 41 ms a frame: 24.390… snaps to 293/12.
        assert_eq!(rate(24, 1), Some(24.417));
        assert_eq!(rate(24000, 1001), Some(24.417));
        // 40 ms: 25 exactly.
        assert_eq!(rate(25, 1), Some(25.0));
        // 33 ms: 30.303… is more than 1 % from 30 and from 31: not snapped (1000/33).
        assert_eq!(rate(30, 1), Some(30.303));
        assert_eq!(rate(30000, 1001), Some(30.303));
        // 16 ms: 62.5, beyond every standard rate but 80, 120 and 240.
        assert_eq!(rate(60, 1), Some(62.5));
        assert_eq!(rate(60000, 1001), Some(62.5));
        assert_eq!(rate(50, 1), Some(50.0));
        // 66 ms: 15.15… snaps to 91/6.
        assert_eq!(rate(15, 1), Some(15.167));
        assert_eq!(rate(10, 1), Some(10.0));
        // HEVC: one tick a frame (x265 writes 1/24 in its VPS).
        assert_eq!(average_frame_rate(packet_ticks((1, 24), MS).unwrap(), MS), Some(24.417));
        // A finer time base (TimestampScale 100 µs): 416 ticks, 24.038… snaps to 24.
        let fine = (1, 10_000);
        assert_eq!(packet_ticks((1, 24), fine), Some(416));
        assert_eq!(average_frame_rate(416, fine), Some(24.0));
    }

    #[test]
    fn other_paths_of_libavformat_are_not_modelled() {
        // A time base coarser than a millisecond.
        assert_eq!(packet_ticks((1, 24), (1, 100)), None);
        // 1 000 frames a second or more, or so short a frame that it rounds to no tick.
        assert_eq!(packet_ticks((1, 1000), MS), None);
        assert_eq!(packet_ticks((1, 999), (1, 100)), None);
        // Fractions libavformat would approximate.
        assert_eq!(packet_ticks((1, 1 << 31), MS), None);
        assert_eq!(average_frame_rate(7, (1, 1_000_000_007)), None);
        assert_eq!(packet_ticks((0, 24), MS), None);
        assert_eq!(average_frame_rate(0, MS), None);
    }

    #[test]
    fn the_standard_rates() {
        assert_eq!(standard(0), Some(1001));
        assert_eq!(standard(359), Some(360 * 1001));
        assert_eq!(standard(360), Some(31 * 12 * 1001));
        assert_eq!(standard(392), Some(240 * 12 * 1001));
        assert_eq!(standard(393), Some(24_000 * 12));
        assert_eq!(standard(398), Some(48_000 * 12));
        assert_eq!(standard(399), None);
    }
}
