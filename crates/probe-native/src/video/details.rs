//! The details ffprobe reports of a video stream beyond its codec and size: colour, aspect
//! ratio, field order, level, codec tag, rotation, bit rate and Dolby Vision. Some come from the
//! bitstream (what ffmpeg's decoder sets), some from the container (what the demuxer sets); the
//! decoder's value wins where it sets one, as in `avformat_find_stream_info`.

use scanner_core::{DoviConfig, HdrKind, VideoStream};

use crate::Unsure;
use crate::bits::{be, u8_at};

/// Colour as ISO/IEC 23091-2 code points (ffmpeg's `AVColor*` values): 2 is "unspecified",
/// range 0 is unknown, 1 limited (`tv`), 2 full (`pc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Colour {
    pub range: u32,
    pub primaries: u32,
    pub transfer: u32,
    pub matrix: u32,
}

impl Colour {
    pub(crate) const UNKNOWN: Self = Self { range: 0, primaries: 2, transfer: 2, matrix: 2 };
}

/// What the decoder sets once it has read the bitstream's headers. `None`: it leaves the
/// container's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Decoded {
    pub level: Option<i32>,
    /// The sample aspect ratio the bitstream gives; (0, 1) when it gives none.
    pub sar: Option<(u64, u64)>,
    pub range: Option<u32>,
    /// Primaries, transfer and matrix, set together.
    pub description: Option<(u32, u32, u32)>,
    /// Only the matrix (VP9 signals no primaries or transfer).
    pub matrix: Option<u32>,
    pub field_order: Option<&'static str>,
}

/// What the container says of a video stream.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Container {
    pub index: u32,
    pub codec_tag: Option<String>,
    /// The stream's own sample aspect ratio (MP4 `pasp`, Matroska display size).
    pub sar: Option<(u64, u64)>,
    pub colour: Option<Colour>,
    pub field_order: Option<&'static str>,
    pub rotation: Option<i32>,
    pub bit_rate: Option<u64>,
    pub dovi: Option<DoviConfig>,
}

/// `num/den` in lowest terms, then as close as ffmpeg's `av_reduce` gets within `max`
/// (continued fractions): `None` for a zero or negative ratio.
pub(crate) fn reduce(num: u64, den: u64, max: u64) -> Option<(u64, u64)> {
    if num == 0 || den == 0 {
        return None;
    }
    let g = gcd(num, den);
    let (mut n, mut d) = (num / g, den / g);
    if n <= max && d <= max {
        return Some((n, d));
    }
    let (mut a0, mut a1) = ((0u64, 1u64), (1u64, 0u64));
    while d != 0 {
        let x = n / d;
        let next = n - d * x;
        let a2 = (x.checked_mul(a1.0)?.checked_add(a0.0)?, x.checked_mul(a1.1)?.checked_add(a0.1)?);
        if a2.0 > max || a2.1 > max {
            let by_num = (max - a0.0).checked_div(a1.0).unwrap_or(u64::MAX);
            let x = by_num.min((max - a0.1).checked_div(a1.1).unwrap_or(u64::MAX));
            let lhs = u128::from(d) * (2 * u128::from(x) * u128::from(a1.1) + u128::from(a0.1));
            if lhs > u128::from(n) * u128::from(a1.1) {
                a1 = (x * a1.0 + a0.0, x * a1.1 + a0.1);
            }
            break;
        }
        (a0, a1, n, d) = (a1, a2, d, next);
    }
    (a1.0 > 0 && a1.1 > 0).then_some(a1)
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

const PRIMARIES: [(u32, &str); 11] = [
    (1, "bt709"),
    (4, "bt470m"),
    (5, "bt470bg"),
    (6, "smpte170m"),
    (7, "smpte240m"),
    (8, "film"),
    (9, "bt2020"),
    (10, "smpte428"),
    (11, "smpte431"),
    (12, "smpte432"),
    (22, "jedec-p22"),
];

const TRANSFERS: [(u32, &str); 16] = [
    (1, "bt709"),
    (4, "gamma22"),
    (5, "gamma28"),
    (6, "smpte170m"),
    (7, "smpte240m"),
    (8, "linear"),
    (9, "log100"),
    (10, "log316"),
    (11, "iec61966-2-4"),
    (12, "bt1361e"),
    (13, "iec61966-2-1"),
    (14, "bt2020-10"),
    (15, "bt2020-12"),
    (16, "smpte2084"),
    (17, "smpte428"),
    (18, "arib-std-b67"),
];

const MATRICES: [(u32, &str); 13] = [
    (0, "gbr"),
    (1, "bt709"),
    (4, "fcc"),
    (5, "bt470bg"),
    (6, "smpte170m"),
    (7, "smpte240m"),
    (8, "ycgco"),
    (9, "bt2020nc"),
    (10, "bt2020c"),
    (11, "smpte2085"),
    (12, "chroma-derived-nc"),
    (13, "chroma-derived-c"),
    (14, "ictcp"),
];

/// ffmpeg's name for a colour code point: `None` for 2 ("unspecified"), unsure of reserved ones.
fn colour_name(code: u32, table: &[(u32, &'static str)]) -> Result<Option<&'static str>, Unsure> {
    if code == 2 {
        return Ok(None);
    }
    let found = table.iter().find(|(c, _)| *c == code).map(|(_, name)| Some(*name));
    found.ok_or_else(|| Unsure::new("a reserved colour code point"))
}

fn range_name(code: u32) -> Result<Option<&'static str>, Unsure> {
    match code {
        0 => Ok(None),
        1 => Ok(Some("tv")),
        2 => Ok(Some("pc")),
        _ => Err(Unsure::new("an unknown colour range")),
    }
}

/// Fills `video`'s details from what the decoder and the container say.
pub(crate) fn apply(video: &mut VideoStream, decoded: &Decoded, container: &Container) -> Result<(), Unsure> {
    let from_container = container.colour.unwrap_or(Colour::UNKNOWN);
    let range = decoded.range.unwrap_or(from_container.range);
    let (primaries, transfer, mut matrix) = decoded.description.unwrap_or((
        from_container.primaries,
        from_container.transfer,
        from_container.matrix,
    ));
    if let Some(m) = decoded.matrix {
        matrix = m;
    }
    let owned = |name: Option<&str>| name.map(str::to_owned);
    video.index = container.index;
    video.level = decoded.level;
    video.codec_tag = container.codec_tag.clone();
    video.color_range = owned(range_name(range)?);
    video.color_primaries = owned(colour_name(primaries, &PRIMARIES)?);
    video.color_transfer = owned(colour_name(transfer, &TRANSFERS)?);
    video.color_space = owned(colour_name(matrix, &MATRICES)?);
    video.field_order = decoded.field_order.or(container.field_order).map(str::to_owned);
    let sar = container
        .sar
        .and_then(|(n, d)| reduce(n, d, i32::MAX as u64))
        .or_else(|| decoded.sar.and_then(|(n, d)| reduce(n, d, i32::MAX as u64)));
    if let (Some((n, d)), Some(w), Some(h)) = (sar, video.width, video.height) {
        let dar = reduce(u64::from(w) * n, u64::from(h) * d, 1024 * 1024)
            .ok_or_else(|| Unsure::new("an implausible display aspect ratio"))?;
        video.sample_aspect_ratio = Some(format!("{n}:{d}"));
        video.display_aspect_ratio = Some(format!("{}:{}", dar.0, dar.1));
    }
    video.avg_frame_rate = video.frame_rate;
    video.rotation = container.rotation;
    video.bit_rate = container.bit_rate.filter(|b| *b > 0);
    video.dovi = container.dovi;
    video.hdr = HdrKind::derive(
        video.color_transfer.as_deref(),
        video.codec_tag.as_deref(),
        video.dovi.is_some(),
        false,
    );
    Ok(())
}

/// A Dolby Vision configuration record (`dvcC`/`dvvC` payload, or Matroska's
/// BlockAddIDExtraData for those types).
pub(crate) fn dovi(record: &[u8]) -> Result<DoviConfig, Unsure> {
    let major = u8_at(record, 0)?;
    if major != 1 && major != 2 {
        return Err(Unsure::new("an unknown Dolby Vision configuration version"));
    }
    let fields = be(record, 2, 2)?;
    let compat = u8_at(record, 4)? >> 4;
    Ok(DoviConfig {
        profile: (fields >> 9) as u8 & 0x7f,
        level: (fields >> 3) as u8 & 0x3f,
        bl_compat_id: compat,
    })
}

/// The four-character code as ffprobe prints it; `None` for zero.
pub(crate) fn fourcc(tag: &[u8]) -> Option<String> {
    if tag.iter().all(|b| *b == 0) {
        return None;
    }
    let mut out = String::new();
    for &b in tag {
        if b.is_ascii_alphanumeric() || b == b' ' || b == b'.' || b == b'_' || b == b'-' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("[{b}]"));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_reduce_as_ffmpeg_reduces_them() {
        assert_eq!(reduce(64, 48, 255), Some((4, 3)));
        assert_eq!(reduce(1920 * 4, 1080 * 3, 1024 * 1024), Some((64, 27)));
        assert_eq!(reduce(0, 1, 255), None);
        assert_eq!(reduce(1001, 1000, 255), Some((1, 1)));
        assert!(reduce(333, 106, 255).is_some_and(|(n, d)| n <= 255 && d <= 255));
    }

    #[test]
    fn dovi_records_are_read() {
        // Profile 8, level 6, RPU + BL, compatibility 1.
        let record = [1, 0, 0x10, 0x35, 0x10];
        assert_eq!(dovi(&record).unwrap(), DoviConfig { profile: 8, level: 6, bl_compat_id: 1 });
        assert_eq!(fourcc(b"avc1").as_deref(), Some("avc1"));
        assert_eq!(fourcc(&[0x55, 0, 0, 0]).as_deref(), Some("U[0][0][0]"));
        assert_eq!(fourcc(&[0; 4]), None);
    }
}
