//! What a video stream's codec configuration says, as ffmpeg's decoders would report it:
//! profile name, pixel format, bit depth and picture size. H.264 and HEVC are read from their
//! sequence parameter sets (in `avcC` / `hvcC`), AV1 from `av1C`, VP9 from `vpcC`.

use scanner_core::VideoStream;

use crate::Unsure;
use crate::bits::{Bits, u8_at};

mod h264;
mod hevc;

#[cfg(test)]
use h264::h264_profile;
pub(crate) use h264::{h264, h264_annex_b, h264_length_prefixed};
pub(crate) use hevc::hevc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VideoFacts {
    pub profile: Option<String>,
    pub pix_fmt: String,
    pub bit_depth: u8,
    pub width: u32,
    pub height: u32,
}

impl VideoFacts {
    pub(crate) fn new(
        profile: Option<String>,
        pix_fmt: String,
        bit_depth: u8,
        width: u32,
        height: u32,
    ) -> Self {
        Self { profile, pix_fmt, bit_depth, width, height }
    }

    /// The stream as the catalog stores it.
    pub(crate) fn stream(self, codec: &str, frame_rate: Option<f64>) -> VideoStream {
        VideoStream {
            codec: codec.to_owned(),
            profile: self.profile,
            width: Some(self.width).filter(|w| *w > 0),
            height: Some(self.height).filter(|h| *h > 0),
            frame_rate,
            pix_fmt: Some(self.pix_fmt),
            bit_depth: Some(self.bit_depth),
            ..VideoStream::default()
        }
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

/// What the VUI says about colour: `video_full_range_flag` and `matrix_coefficients` (2,
/// "unspecified", when absent), after the aspect ratio and overscan fields.
pub(super) struct Colour {
    pub(super) full_range: bool,
    pub(super) matrix: u32,
}

pub(super) const UNSPECIFIED: Colour = Colour { full_range: false, matrix: 2 };

pub(super) fn vui_colour(bits: &mut Bits<'_>) -> Result<Colour, Unsure> {
    if bits.flag()? {
        // aspect_ratio_info_present_flag
        if bits.bits(8)? == 255 {
            bits.skip(32)?;
        }
    }
    if bits.flag()? {
        bits.skip(1)?; // overscan_appropriate_flag
    }
    if bits.flag()? {
        bits.skip(3)?; // video_format
        let full_range = bits.flag()?;
        let matrix = if bits.flag()? {
            bits.skip(16)?; // colour_primaries, transfer_characteristics
            bits.bits(8)?
        } else {
            2
        };
        return Ok(Colour { full_range, matrix });
    }
    Ok(UNSPECIFIED)
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

/// An `av1C` record's sequence header fields; the size comes from the container. For 4:4:4,
/// whether the stream is RGB is in the sequence header among the configuration OBUs.
pub(crate) fn av1(av1c: &[u8], width: u32, height: u32) -> Result<VideoFacts, Unsure> {
    let marker = u8_at(av1c, 0)?;
    if marker != 0x81 {
        return Err(Unsure::new("an unknown av1C version"));
    }
    let b1 = u8_at(av1c, 1)?;
    let b2 = u8_at(av1c, 2)?;
    let profile = u32::from(b1 >> 5);
    let high = b2 & 0x40 != 0;
    let twelve = b2 & 0x20 != 0;
    let mono = b2 & 0x10 != 0;
    let (sx, sy) = (b2 & 0x08 != 0, b2 & 0x04 != 0);
    let depth = match (high, twelve) {
        (false, _) => 8,
        (true, false) => 10,
        (true, true) => 12,
    };
    let chroma = match (mono, sx, sy) {
        (true, ..) => 0,
        (false, true, true) => 1,
        (false, true, false) => 2,
        (false, false, false) => 3,
        _ => return Err(Unsure::new("an unusual AV1 subsampling")),
    };
    let matrix = if chroma == 3 {
        let obus = av1c.get(4..).filter(|o| !o.is_empty());
        let obus =
            obus.ok_or_else(|| Unsure::new("AV1 4:4:4 without a sequence header, which may be RGB"))?;
        crate::av1::find_sequence_header(obus)?.matrix
    } else {
        2
    };
    av1_stream(crate::av1::SequenceHeader { profile, depth, chroma, matrix }, width, height)
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
    Ok(VideoFacts { profile: Some(name.to_owned()), pix_fmt, bit_depth: seq.depth, width, height })
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
    Ok(VideoFacts { profile: Some(format!("Profile {profile}")), pix_fmt, bit_depth: depth, width, height })
}

/// MPEG-4 Part 2: the profile from the visual object sequence header (`00 00 01 B0`) in
/// `config` (decoder-specific info, or the first frame); the size comes from the container.
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
    Ok(VideoFacts {
        profile: Some(profile.to_owned()),
        pix_fmt: "yuv420p".to_owned(),
        bit_depth: 8,
        width,
        height,
    })
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
