//! What a video stream's codec configuration says, as ffmpeg's decoders would report it:
//! profile name, pixel format, bit depth and picture size. H.264 and HEVC are read from their
//! sequence parameter sets (in `avcC` / `hvcC`), AV1 from `av1C`, VP9 from `vpcC`.

use scanner_core::VideoStream;

use crate::Unsure;
use crate::bits::{Bits, u8_at};

pub(crate) mod details;
mod h264;
mod hevc;

pub(crate) use details::{Container, Decoded};

#[cfg(test)]
use h264::h264_profile;
pub(crate) use h264::{h264, h264_annex_b, h264_length_prefixed};
pub(crate) use hevc::hevc;

/// A fraction: (numerator, denominator).
pub(crate) type Fraction = (u64, u64);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VideoFacts {
    pub profile: Option<String>,
    pub pix_fmt: String,
    pub bit_depth: u8,
    pub width: u32,
    pub height: u32,
    /// What the decoder reports beyond these: level, aspect ratio, colour, field order.
    pub decoded: Decoded,
    /// How long a frame lasts in seconds, as a fraction, where the parameter sets say (H.264:
    /// two ticks of the VUI timing; HEVC: one tick of the VPS's timing, else the VUI's): what
    /// libavformat derives packet durations from when the container gives none.
    pub frame_time: Option<Fraction>,
}

impl VideoFacts {
    pub(crate) fn new(
        profile: Option<String>,
        pix_fmt: String,
        bit_depth: u8,
        width: u32,
        height: u32,
    ) -> Self {
        Self { profile, pix_fmt, bit_depth, width, height, decoded: Decoded::default(), frame_time: None }
    }

    /// The stream as the catalog stores it, with what the container says.
    pub(crate) fn stream(
        self,
        codec: &str,
        frame_rate: Option<f64>,
        container: &Container,
    ) -> Result<VideoStream, Unsure> {
        let decoded = self.decoded;
        let mut video = VideoStream {
            codec: codec.to_owned(),
            profile: self.profile,
            width: Some(self.width).filter(|w| *w > 0),
            height: Some(self.height).filter(|h| *h > 0),
            frame_rate,
            pix_fmt: Some(self.pix_fmt),
            bit_depth: Some(self.bit_depth),
            ..VideoStream::default()
        };
        details::apply(&mut video, &decoded, container)?;
        Ok(video)
    }
}

/// ffmpeg's name for a planar YUV format: `yuv420p`, `yuvj420p`, `yuv422p10le`, `gray`.
pub(super) fn yuv_pix_fmt(
    chroma: u32,
    depth: u8,
    full_range: bool,
    jpeg_names: bool,
) -> Result<String, Unsure> {
    let layout = match chroma {
        0 => "gray",
        1 => "yuv420p",
        2 => "yuv422p",
        3 => "yuv444p",
        _ => return Err(Unsure::new("an unknown chroma format")),
    };
    Ok(match (depth, layout) {
        (8, "gray") => "gray".to_owned(),
        (8, _) if full_range && jpeg_names => layout.replace("yuv", "yuvj"),
        (8, _) => layout.to_owned(),
        (9 | 10 | 12 | 14 | 16, _) => format!("{layout}{depth}le"),
        _ => return Err(Unsure::new("an unusual bit depth")),
    })
}

/// The start of an H.264 or HEVC VUI: the sample aspect ratio, then the video signal type
/// (`video_full_range_flag`, and primaries, transfer and matrix when described). The reader is
/// left after the colour description, where the two codecs' VUIs part.
pub(super) struct Vui {
    /// `None` when the VUI gives no aspect ratio (ffmpeg's 0:1).
    pub(super) sar: Option<(u64, u64)>,
    /// `Some(full_range)` when the video signal type is present.
    pub(super) signal: Option<bool>,
    pub(super) description: Option<(u32, u32, u32)>,
}

impl Vui {
    pub(super) const ABSENT: Vui = Vui { sar: None, signal: None, description: None };

    pub(super) fn full_range(&self) -> bool {
        self.signal == Some(true)
    }

    /// The matrix coefficients (2, "unspecified", when not described).
    pub(super) fn matrix(&self) -> u32 {
        self.description.map_or(2, |(_, _, m)| m)
    }
}

/// Table E-1 of H.264 and HEVC: sample aspect ratios by `aspect_ratio_idc`.
const SAR_TABLE: [(u64, u64); 17] = [
    (0, 1),
    (1, 1),
    (12, 11),
    (10, 11),
    (16, 11),
    (40, 33),
    (24, 11),
    (20, 11),
    (32, 11),
    (80, 33),
    (18, 11),
    (15, 11),
    (64, 33),
    (160, 99),
    (4, 3),
    (3, 2),
    (2, 1),
];

pub(super) fn vui_start(bits: &mut Bits<'_>) -> Result<Vui, Unsure> {
    let mut vui = Vui::ABSENT;
    if bits.flag()? {
        // aspect_ratio_info_present_flag
        let idc = bits.bits(8)?;
        let sar = match idc {
            255 => (u64::from(bits.bits(16)?), u64::from(bits.bits(16)?)),
            i => *SAR_TABLE.get(i as usize).ok_or_else(|| Unsure::new("a reserved aspect ratio"))?,
        };
        vui.sar = Some(sar).filter(|(n, d)| *n > 0 && *d > 0);
    }
    if bits.flag()? {
        bits.skip(1)?; // overscan_appropriate_flag
    }
    if bits.flag()? {
        bits.skip(3)?; // video_format
        vui.signal = Some(bits.flag()?);
        if bits.flag()? {
            vui.description = Some((bits.bits(8)?, bits.bits(8)?, bits.bits(8)?));
        }
    }
    Ok(vui)
}

/// `bit_depth_minus8` as a bit depth, refusing values no codec uses.
pub(super) fn depth_of(bits: &mut Bits<'_>) -> Result<u32, Unsure> {
    match bits.ue()? {
        minus8 @ 0..=8 => Ok(8 + minus8),
        _ => Err(Unsure::new("an implausible bit depth")),
    }
}

/// ffmpeg's name for planar RGB (matrix coefficients 0, "identity", in 4:4:4): `gbrp`,
/// `gbrp10le` …
pub(super) fn gbr_pix_fmt(depth: u8) -> Result<String, Unsure> {
    match depth {
        8 => Ok("gbrp".to_owned()),
        9 | 10 | 12 | 14 | 16 => Ok(format!("gbrp{depth}le")),
        _ => Err(Unsure::new("an unusual bit depth")),
    }
}

/// An `av1C` record: the sequence header among its configuration OBUs (ffmpeg's decoder takes
/// colour and level from it); the size comes from the container.
pub(crate) fn av1(av1c: &[u8], width: u32, height: u32) -> Result<VideoFacts, Unsure> {
    if u8_at(av1c, 0)? != 0x81 {
        return Err(Unsure::new("an unknown av1C version"));
    }
    let obus = av1c.get(4..).filter(|o| !o.is_empty());
    let obus = obus.ok_or_else(|| Unsure::new("an av1C without a sequence header"))?;
    av1_stream(crate::av1::find_sequence_header(obus)?, width, height)
}

/// An AV1 stream as its sequence header describes it (dav1d's pixel formats in ffmpeg).
pub(crate) fn av1_stream(
    seq: crate::av1::SequenceHeader,
    width: u32,
    height: u32,
) -> Result<VideoFacts, Unsure> {
    let name = match seq.profile {
        0 => "Main",
        1 => "High",
        2 => "Professional",
        _ => return Err(Unsure::new("an unknown AV1 profile")),
    };
    let pix_fmt = match seq.chroma {
        3 if seq.matrix == 0 => gbr_pix_fmt(seq.depth)?,
        chroma => yuv_pix_fmt(chroma, seq.depth, false, false)?,
    };
    // libdav1d sets the range and colours from the sequence header, the aspect ratio from the
    // render size (the frame size in every stream seen).
    let decoded = Decoded {
        level: Some(seq.level as i32),
        sar: Some((1, 1)),
        range: Some(if seq.full_range { 2 } else { 1 }),
        description: Some((seq.primaries, seq.transfer, seq.matrix)),
        matrix: None,
        // The decoder leaves the field order to the container.
        field_order: None,
    };
    Ok(VideoFacts {
        profile: Some(name.to_owned()),
        pix_fmt,
        bit_depth: seq.depth,
        width,
        height,
        decoded,
        frame_time: None,
    })
}

/// A `vpcC` (VP codec configuration, version 1) record; the size comes from the container.
pub(crate) fn vp9(vpcc: &[u8], width: u32, height: u32) -> Result<VideoFacts, Unsure> {
    if u8_at(vpcc, 0)? != 1 {
        return Err(Unsure::new("an unknown vpcC version"));
    }
    let profile = u8_at(vpcc, 4)?;
    let fields = u8_at(vpcc, 6)?;
    let matrix = u8_at(vpcc, 9)?;
    let depth = fields >> 4;
    let chroma = match (fields >> 1) & 7 {
        0 | 1 => 1,
        2 => 2,
        3 => 3,
        _ => return Err(Unsure::new("an unknown VP9 subsampling")),
    };
    if profile > 3 {
        return Err(Unsure::new("an unknown VP9 profile"));
    }
    let pix_fmt = match chroma {
        3 if matrix == 0 => gbr_pix_fmt(depth)?,
        _ => yuv_pix_fmt(chroma, depth, false, false)?,
    };
    let mut facts = VideoFacts::new(Some(format!("Profile {profile}")), pix_fmt, depth, width, height);
    // The decoder's range and matrix, as the muxer copied them from the key frame.
    facts.decoded = Decoded {
        range: Some(if fields & 1 == 1 { 2 } else { 1 }),
        matrix: Some(u32::from(matrix)),
        // The decoder leaves the field order to the container.
        field_order: None,
        ..Decoded::default()
    };
    Ok(facts)
}

/// MPEG-4 Part 2: the profile from the visual object sequence header (`00 00 01 B0`) in
/// `config` (decoder-specific info, or the first frame); the size is the video object layer's
/// where it gives one (ffmpeg's decoder takes it over the container's), else the container's.
pub(crate) fn mpeg4(config: &[u8], width: u32, height: u32) -> Result<VideoFacts, Unsure> {
    let at = config.windows(4).position(|w| w == [0, 0, 1, 0xB0]);
    let level = at
        .and_then(|i| config.get(i + 4))
        .ok_or_else(|| Unsure::new("no MPEG-4 visual object sequence header"))?;
    let profile = match level >> 4 {
        0 => "Simple Profile",
        15 => "Advanced Simple Profile",
        _ => return Err(Unsure::new("an unusual MPEG-4 Part 2 profile")),
    };
    // ffmpeg reads simple profile level 8 as level 0.
    let level = match *level {
        0x08 => 0,
        l => i32::from(l & 0x0f),
    };
    let vol = mpeg4_vol(config)?;
    let (width, height) = vol.size.unwrap_or((width, height));
    let mut facts = VideoFacts::new(Some(profile.to_owned()), "yuv420p".to_owned(), 8, width, height);
    facts.decoded = Decoded { level: Some(level), sar: vol.sar, ..Decoded::default() };
    Ok(facts)
}

/// What an MPEG-4 Part 2 video object layer (`00 00 01 2x`) says: the pixel aspect ratio, and
/// the picture size when it is not zero.
struct Vol {
    sar: Option<(u64, u64)>,
    size: Option<(u32, u32)>,
}

fn mpeg4_vol(config: &[u8]) -> Result<Vol, Unsure> {
    let at = config.windows(4).position(|w| w[..3] == [0, 0, 1] && w[3] & 0xF0 == 0x20);
    let at = at.ok_or_else(|| Unsure::new("no MPEG-4 video object layer header"))?;
    let mut bits = Bits::new(&config[at + 4..]);
    bits.skip(9)?; // random_accessible_vol, video_object_type_indication
    if bits.flag()? {
        bits.skip(7)?; // video_object_layer_verid, priority
    }
    let sar = match bits.bits(4)? {
        15 => (u64::from(bits.bits(8)?), u64::from(bits.bits(8)?)),
        i => *[(0, 1), (1, 1), (12, 11), (10, 11), (16, 11), (40, 33)].get(i as usize).unwrap_or(&(0, 1)),
    };
    let sar = Some(sar).filter(|(n, d)| *n > 0 && *d > 0);
    if bits.flag()? {
        // vol_control_parameters: chroma_format, low_delay, then the VBV parameters.
        bits.skip(3)?;
        if bits.flag()? {
            bits.skip(79)?;
        }
    }
    if bits.bits(2)? != 0 {
        return Err(Unsure::new("an MPEG-4 video object layer that is not rectangular"));
    }
    bits.skip(1)?; // marker
    let resolution = bits.bits(16)?;
    bits.skip(1)?; // marker
    if bits.flag()? {
        // fixed_vop_time_increment, in as many bits as the resolution needs (at least one).
        bits.skip(resolution.saturating_sub(1).checked_ilog2().map_or(1, |l| l as usize + 1))?;
    }
    bits.skip(1)?; // marker
    let width = bits.bits(13)?;
    bits.skip(1)?; // marker
    let height = bits.bits(13)?;
    let size = (width > 0 && height > 0).then_some((width, height));
    Ok(Vol { sar, size })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixel_formats_are_named_as_ffmpeg_names_them() {
        assert_eq!(yuv_pix_fmt(1, 8, false, true).unwrap(), "yuv420p");
        assert_eq!(yuv_pix_fmt(1, 8, true, true).unwrap(), "yuvj420p");
        assert_eq!(yuv_pix_fmt(1, 8, true, false).unwrap(), "yuv420p");
        assert_eq!(yuv_pix_fmt(1, 10, true, true).unwrap(), "yuv420p10le");
        assert_eq!(yuv_pix_fmt(2, 10, false, true).unwrap(), "yuv422p10le");
        assert_eq!(yuv_pix_fmt(0, 8, false, true).unwrap(), "gray");
        assert!(yuv_pix_fmt(4, 8, false, true).is_err());
        assert!(yuv_pix_fmt(1, 11, false, true).is_err());
    }

    #[test]
    fn h264_profiles_follow_the_constraint_flags() {
        assert_eq!(h264_profile(66, 0x40).unwrap(), "Constrained Baseline");
        assert_eq!(h264_profile(100, 0).unwrap(), "High");
        assert_eq!(h264_profile(110, 0x10).unwrap(), "High 10 Intra");
        assert!(h264_profile(7, 0).is_err());
    }

    #[test]
    fn a_real_h264_sps_is_read() {
        // x264, High, 1920x1080 (1088 coded, cropped by 8), 4:2:0 8-bit, limited range.
        let avcc = [
            1, 100, 0, 40, 0xff, 0xe1, 0, 27, 0x67, 0x64, 0x00, 0x28, 0xac, 0xd9, 0x40, 0x78, 0x02, 0x27,
            0xe5, 0xc0, 0x44, 0x00, 0x00, 0x03, 0x00, 0x04, 0x00, 0x00, 0x03, 0x00, 0xf0, 0x3c, 0x60, 0xc6,
            0x58,
        ];
        let facts = h264(&avcc).unwrap();
        assert_eq!(
            (facts.profile.as_deref(), facts.pix_fmt.as_str(), facts.bit_depth, facts.width, facts.height),
            (Some("High"), "yuv420p", 8, 1920, 1080)
        );
        assert!(h264(&avcc[..12]).is_err());
    }
}
