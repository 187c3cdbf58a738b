//! What a video stream's codec configuration says, as ffmpeg's decoders would report it:
//! profile name, pixel format, bit depth and picture size. H.264 and HEVC are read from their
//! sequence parameter sets (in `avcC` / `hvcC`), AV1 from `av1C`, VP9 from `vpcC`.

use scanner_core::VideoStream;

use crate::Unsure;
use crate::bits::{Bits, be, u8_at, unescape};

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
        }
    }
}

/// ffmpeg's name for a planar YUV format: `yuv420p`, `yuvj420p`, `yuv422p10le`, `gray`.
fn yuv_pix_fmt(chroma: u32, depth: u8, full_range: bool, jpeg_names: bool) -> Result<String, Unsure> {
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
struct Colour {
    full_range: bool,
    matrix: u32,
}

const UNSPECIFIED: Colour = Colour { full_range: false, matrix: 2 };

fn vui_colour(bits: &mut Bits<'_>) -> Result<Colour, Unsure> {
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

/// ffmpeg's name for planar RGB (matrix coefficients 0, "identity", in 4:4:4): `gbrp`,
/// `gbrp10le` …
fn gbr_pix_fmt(depth: u8) -> Result<String, Unsure> {
    match depth {
        8 => Ok("gbrp".to_owned()),
        9 | 10 | 12 | 14 | 16 => Ok(format!("gbrp{depth}le")),
        _ => Err(Unsure::new("an unusual bit depth")),
    }
}

fn h264_profile(profile_idc: u8, constraints: u8) -> Result<&'static str, Unsure> {
    let set1 = constraints & 0x40 != 0;
    let set3 = constraints & 0x10 != 0;
    Ok(match profile_idc {
        66 if set1 => "Constrained Baseline",
        66 => "Baseline",
        77 => "Main",
        88 => "Extended",
        100 => "High",
        110 if set3 => "High 10 Intra",
        110 => "High 10",
        122 if set3 => "High 4:2:2 Intra",
        122 => "High 4:2:2",
        244 if set3 => "High 4:4:4 Intra",
        244 => "High 4:4:4 Predictive",
        44 => "CAVLC 4:4:4",
        _ => return Err(Unsure::new("an unusual H.264 profile")),
    })
}

fn skip_h264_scaling_list(bits: &mut Bits<'_>, size: usize) -> Result<(), Unsure> {
    let (mut last, mut next) = (8i64, 8i64);
    for _ in 0..size {
        if next != 0 {
            next = (last + bits.se()?).rem_euclid(256);
        }
        if next != 0 {
            last = next;
        }
    }
    Ok(())
}

/// `bit_depth_minus8` as a bit depth, refusing values no codec uses.
fn depth_of(bits: &mut Bits<'_>) -> Result<u32, Unsure> {
    match bits.ue()? {
        minus8 @ 0..=8 => Ok(8 + minus8),
        _ => Err(Unsure::new("an implausible bit depth")),
    }
}

/// An `avcC` record (ISO/IEC 14496-15): its first sequence parameter set.
pub(crate) fn h264(avcc: &[u8]) -> Result<VideoFacts, Unsure> {
    if u8_at(avcc, 0)? != 1 {
        return Err(Unsure::new("an unknown avcC version"));
    }
    let sps_count = u8_at(avcc, 5)? & 0x1f;
    if sps_count == 0 {
        return Err(Unsure::new("an avcC without a sequence parameter set"));
    }
    let len = be(avcc, 6, 2)? as usize;
    let nal = avcc.get(8..8 + len).ok_or_else(|| Unsure::new("an avcC ends early"))?;
    if nal.first().map(|b| b & 0x1f) != Some(7) {
        return Err(Unsure::new("an avcC whose first parameter set is not an SPS"));
    }
    h264_sps(&unescape(&nal[1..]))
}

fn h264_sps(sps: &[u8]) -> Result<VideoFacts, Unsure> {
    let mut bits = Bits::new(sps);
    let profile_idc = bits.bits(8)? as u8;
    let constraints = bits.bits(8)? as u8;
    bits.skip(8)?; // level_idc
    bits.ue()?; // seq_parameter_set_id
    let (mut chroma, mut depth, mut separate_planes) = (1, 8, false);
    if matches!(profile_idc, 100 | 110 | 122 | 244 | 44 | 83 | 86 | 118 | 128 | 138 | 139 | 134 | 135) {
        chroma = bits.ue()?;
        if chroma == 3 {
            separate_planes = bits.flag()?;
        }
        depth = depth_of(&mut bits)?;
        let chroma_depth = depth_of(&mut bits)?;
        if chroma_depth != depth {
            return Err(Unsure::new("luma and chroma bit depths differ"));
        }
        bits.skip(1)?; // qpprime_y_zero_transform_bypass_flag
        if bits.flag()? {
            for i in 0..if chroma == 3 { 12 } else { 8 } {
                if bits.flag()? {
                    skip_h264_scaling_list(&mut bits, if i < 6 { 16 } else { 64 })?;
                }
            }
        }
    }
    bits.ue()?; // log2_max_frame_num_minus4
    match bits.ue()? {
        0 => {
            bits.ue()?;
        }
        1 => {
            bits.skip(1)?;
            bits.se()?;
            bits.se()?;
            for _ in 0..bits.ue()?.min(256) {
                bits.se()?;
            }
        }
        _ => {}
    }
    bits.ue()?; // max_num_ref_frames
    bits.skip(1)?; // gaps_in_frame_num_value_allowed_flag
    let width_mbs = u64::from(bits.ue()?) + 1;
    let height_units = u64::from(bits.ue()?) + 1;
    let frame_mbs_only = bits.flag()?;
    if !frame_mbs_only {
        bits.skip(1)?;
    }
    bits.skip(1)?; // direct_8x8_inference_flag
    let mut crop = [0u64; 4];
    if bits.flag()? {
        for c in &mut crop {
            *c = u64::from(bits.ue()?);
        }
    }
    let colour = if bits.flag()? { vui_colour(&mut bits)? } else { UNSPECIFIED };
    let field = if frame_mbs_only { 1 } else { 2 };
    let (unit_x, unit_y) = match (chroma, separate_planes) {
        (0, _) | (3, true) => (1, field),
        (1, _) => (2, 2 * field),
        (2, _) => (2, field),
        _ => (1, field),
    };
    let width = (width_mbs * 16).checked_sub(unit_x * (crop[0] + crop[1]));
    let height = (height_units * 16 * field).checked_sub(unit_y * (crop[2] + crop[3]));
    let (Some(width), Some(height)) = (width, height) else {
        return Err(Unsure::new("cropping larger than the picture"));
    };
    let depth = u8::try_from(depth).map_err(|_| Unsure::new("an unusual bit depth"))?;
    let chroma = if separate_planes { 3 } else { chroma };
    // ffmpeg's H.264 decoder outputs monochrome (4:0:0) pictures as 4:2:0 with grey chroma,
    // and 4:4:4 with identity matrix coefficients as planar RGB.
    let pix_fmt = match chroma {
        0 => yuv_pix_fmt(1, depth, colour.full_range, true)?,
        3 if colour.matrix == 0 => gbr_pix_fmt(depth)?,
        _ => yuv_pix_fmt(chroma, depth, colour.full_range, true)?,
    };
    Ok(VideoFacts {
        profile: Some(h264_profile(profile_idc, constraints)?.to_owned()),
        pix_fmt,
        bit_depth: depth,
        width: u32::try_from(width).map_err(|_| Unsure::new("an implausible width"))?,
        height: u32::try_from(height).map_err(|_| Unsure::new("an implausible height"))?,
    })
}

fn skip_profile_tier_level(bits: &mut Bits<'_>, max_sub_layers_minus1: u32) -> Result<(), Unsure> {
    bits.skip(96)?; // general profile (88 bits) and level (8)
    let mut present = Vec::new();
    for _ in 0..max_sub_layers_minus1 {
        present.push((bits.flag()?, bits.flag()?));
    }
    if max_sub_layers_minus1 > 0 {
        bits.skip(2 * (8 - max_sub_layers_minus1 as usize))?;
    }
    for (profile, level) in present {
        bits.skip(if profile { 88 } else { 0 } + if level { 8 } else { 0 })?;
    }
    Ok(())
}

fn skip_hevc_scaling_list_data(bits: &mut Bits<'_>) -> Result<(), Unsure> {
    for size_id in 0..4 {
        let mut matrix = 0;
        while matrix < 6 {
            if !bits.flag()? {
                bits.ue()?; // scaling_list_pred_matrix_id_delta
            } else {
                let coefs = 64.min(1 << (4 + (size_id << 1)));
                if size_id > 1 {
                    bits.se()?;
                }
                for _ in 0..coefs {
                    bits.se()?;
                }
            }
            matrix += if size_id == 3 { 3 } else { 1 };
        }
    }
    Ok(())
}

/// Skips the short-term reference picture sets; returns nothing but keeps their sizes, which
/// later sets predicted from earlier ones need.
fn skip_short_term_ref_pic_sets(bits: &mut Bits<'_>, count: u32) -> Result<(), Unsure> {
    let mut deltas: Vec<u32> = Vec::new();
    for idx in 0..count as usize {
        let predicted = idx != 0 && bits.flag()?;
        if predicted {
            bits.skip(1)?; // delta_rps_sign
            bits.ue()?; // abs_delta_rps_minus1
            let reference = deltas[idx - 1];
            let mut n = 0;
            for _ in 0..=reference {
                let used = bits.flag()?;
                let use_delta = used || bits.flag()?;
                n += u32::from(use_delta);
            }
            deltas.push(n);
        } else {
            let negative = bits.ue()?.min(16);
            let positive = bits.ue()?.min(16);
            for _ in 0..negative + positive {
                bits.ue()?;
                bits.skip(1)?;
            }
            deltas.push(negative + positive);
        }
    }
    Ok(())
}

fn hevc_profile(profile_idc: u8) -> Result<&'static str, Unsure> {
    Ok(match profile_idc {
        1 => "Main",
        2 => "Main 10",
        3 => "Main Still Picture",
        4 => "Rext",
        _ => return Err(Unsure::new("an unusual HEVC profile")),
    })
}

/// An `hvcC` record: its sequence parameter set (NAL type 33).
pub(crate) fn hevc(hvcc: &[u8]) -> Result<VideoFacts, Unsure> {
    if u8_at(hvcc, 0)? != 1 {
        return Err(Unsure::new("an unknown hvcC version"));
    }
    let arrays = u8_at(hvcc, 22)?;
    let mut at = 23;
    for _ in 0..arrays {
        let nal_type = u8_at(hvcc, at)? & 0x3f;
        let count = be(hvcc, at + 1, 2)?;
        at += 3;
        for _ in 0..count {
            let len = be(hvcc, at, 2)? as usize;
            let nal = hvcc.get(at + 2..at + 2 + len).ok_or_else(|| Unsure::new("an hvcC ends early"))?;
            if nal_type == 33 && nal.len() > 2 {
                return hevc_sps(&unescape(&nal[2..]));
            }
            at += 2 + len;
        }
    }
    Err(Unsure::new("an hvcC without a sequence parameter set"))
}

fn hevc_sps(sps: &[u8]) -> Result<VideoFacts, Unsure> {
    let mut bits = Bits::new(sps);
    bits.skip(4)?; // sps_video_parameter_set_id
    let max_sub_layers_minus1 = bits.bits(3)?;
    bits.skip(1)?;
    let profile_idc = sps.get(1).map(|b| b & 0x1f).ok_or_else(|| Unsure::new("an SPS ends early"))?;
    skip_profile_tier_level(&mut bits, max_sub_layers_minus1)?;
    bits.ue()?; // sps_seq_parameter_set_id
    let chroma = bits.ue()?;
    if chroma == 3 && bits.flag()? {
        return Err(Unsure::new("separate colour planes"));
    }
    let width = bits.ue()?;
    let height = bits.ue()?;
    let mut window = [0u32; 4];
    if bits.flag()? {
        for w in &mut window {
            *w = bits.ue()?;
        }
    }
    let depth = depth_of(&mut bits)?;
    if depth_of(&mut bits)? != depth {
        return Err(Unsure::new("luma and chroma bit depths differ"));
    }
    let log2_max_poc_lsb = match bits.ue()? {
        minus4 @ 0..=12 => minus4 + 4,
        _ => return Err(Unsure::new("an implausible picture order count size")),
    };
    let all_layers = bits.flag()?;
    for _ in if all_layers { 0 } else { max_sub_layers_minus1 }..=max_sub_layers_minus1 {
        bits.ue()?;
        bits.ue()?;
        bits.ue()?;
    }
    for _ in 0..6 {
        bits.ue()?; // coding and transform block sizes, hierarchy depths
    }
    if bits.flag()? && bits.flag()? {
        skip_hevc_scaling_list_data(&mut bits)?;
    }
    bits.skip(2)?; // amp_enabled_flag, sample_adaptive_offset_enabled_flag
    if bits.flag()? {
        bits.skip(8)?; // pcm bit depths
        bits.ue()?;
        bits.ue()?;
        bits.skip(1)?;
    }
    let sets = bits.ue()?;
    if sets > 64 {
        return Err(Unsure::new("too many reference picture sets"));
    }
    skip_short_term_ref_pic_sets(&mut bits, sets)?;
    if bits.flag()? {
        let long_term = bits.ue()?.min(32);
        for _ in 0..long_term {
            bits.skip(log2_max_poc_lsb as usize + 1)?;
        }
    }
    bits.skip(2)?; // sps_temporal_mvp_enabled_flag, strong_intra_smoothing_enabled_flag
    let colour = if bits.flag()? { vui_colour(&mut bits)? } else { UNSPECIFIED };
    let (sub_x, sub_y) = match chroma {
        1 => (2, 2),
        2 => (2, 1),
        _ => (1, 1),
    };
    let crop = |a: u32, b: u32, unit: u64| unit * (u64::from(a) + u64::from(b));
    let width =
        u64::from(width).checked_sub(crop(window[0], window[1], sub_x)).and_then(|w| u32::try_from(w).ok());
    let height =
        u64::from(height).checked_sub(crop(window[2], window[3], sub_y)).and_then(|h| u32::try_from(h).ok());
    let (Some(width), Some(height)) = (width, height) else {
        return Err(Unsure::new("a conformance window larger than the picture"));
    };
    let depth = u8::try_from(depth).map_err(|_| Unsure::new("an unusual bit depth"))?;
    let pix_fmt = match chroma {
        3 if colour.matrix == 0 => gbr_pix_fmt(depth)?,
        _ => yuv_pix_fmt(chroma, depth, colour.full_range, chroma == 1)?,
    };
    Ok(VideoFacts {
        profile: Some(hevc_profile(profile_idc)?.to_owned()),
        pix_fmt,
        bit_depth: depth,
        width,
        height,
    })
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

/// H.264 in Annex B form (start codes), as AVI carries it: its first sequence parameter set.
pub(crate) fn h264_annex_b(data: &[u8]) -> Result<VideoFacts, Unsure> {
    let mut at = 0;
    while let Some(i) = data.get(at..).and_then(|d| d.windows(3).position(|w| w == [0, 0, 1])) {
        let start = at + i + 3;
        let header = *data.get(start).ok_or_else(|| Unsure::new("a NAL unit header ends early"))?;
        if header & 0x1f == 7 {
            let rest = &data[start + 1..];
            let end = rest.windows(3).position(|w| w == [0, 0, 1] || w == [0, 0, 0]).unwrap_or(rest.len());
            return h264_sps(&unescape(&rest[..end]));
        }
        at = start;
    }
    Err(Unsure::new("no H.264 sequence parameter set"))
}

/// H.264 as length-prefixed NAL units (4-byte big-endian sizes, as in MP4 samples): its first
/// sequence parameter set.
pub(crate) fn h264_length_prefixed(data: &[u8]) -> Result<VideoFacts, Unsure> {
    let mut at = 0usize;
    while at + 4 < data.len() {
        let len = be(data, at, 4)? as usize;
        let nal = data
            .get(at + 4..at.saturating_add(4).saturating_add(len))
            .ok_or_else(|| Unsure::new("a NAL unit longer than its frame"))?;
        if nal.first().is_some_and(|h| h & 0x1f == 7) {
            return h264_sps(&unescape(&nal[1..]));
        }
        at += 4 + len;
    }
    Err(Unsure::new("no H.264 sequence parameter set"))
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
