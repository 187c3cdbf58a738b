//! H.264: the sequence parameter set, from `avcC`, Annex B streams or length-prefixed samples.

use super::{Decoded, Fraction, VideoFacts, Vui, depth_of, gbr_pix_fmt, vui_start, yuv_pix_fmt};
use crate::Unsure;
use crate::bits::{Bits, be, u8_at, unescape};

pub(super) fn h264_profile(profile_idc: u8, constraints: u8) -> Result<&'static str, Unsure> {
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
    let level = bits.bits(8)? as i32;
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
    let (colour, pic_struct, frame_time) =
        if bits.flag()? { vui(&mut bits)? } else { (Vui::ABSENT, false, None) };
    // A frame-only stream without picture timing structures is progressive; otherwise the
    // field order is in the slices and SEI messages, which only a decoder reads.
    if !frame_mbs_only || pic_struct {
        return Err(Unsure::new("H.264 that may be interlaced"));
    }
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
        0 => yuv_pix_fmt(1, depth, colour.full_range(), true)?,
        3 if colour.matrix() == 0 => gbr_pix_fmt(depth)?,
        _ => yuv_pix_fmt(chroma, depth, colour.full_range(), true)?,
    };
    // ffmpeg's decoder sets the range and colours only when the VUI signals them.
    let decoded = Decoded {
        level: Some(level),
        sar: colour.sar,
        range: colour.signal.map(|full| if full { 2 } else { 1 }),
        description: colour.description,
        matrix: None,
        field_order: Some("progressive"),
    };
    Ok(VideoFacts {
        decoded,
        frame_time,
        profile: Some(h264_profile(profile_idc, constraints)?.to_owned()),
        pix_fmt,
        bit_depth: depth,
        width: u32::try_from(width).map_err(|_| Unsure::new("an implausible width"))?,
        height: u32::try_from(height).map_err(|_| Unsure::new("an implausible height"))?,
    })
}

/// An H.264 VUI: its colour and aspect ratio, whether pictures carry timing structures, and
/// the time a frame lasts in seconds (two ticks: `2 × num_units_in_tick / time_scale`) when
/// the timing information is present.
fn vui(bits: &mut Bits<'_>) -> Result<(Vui, bool, Option<Fraction>), Unsure> {
    let vui = vui_start(bits)?;
    if bits.flag()? {
        bits.ue()?; // chroma_sample_loc_type_top_field
        bits.ue()?;
    }
    let mut frame_time = None;
    if bits.flag()? {
        let units_in_tick = u64::from(bits.bits(32)?);
        let time_scale = u64::from(bits.bits(32)?);
        bits.skip(1)?; // fixed_frame_rate_flag
        frame_time = (units_in_tick > 0 && time_scale > 0).then_some((2 * units_in_tick, time_scale));
    }
    let nal_hrd = bits.flag()?;
    if nal_hrd {
        skip_hrd(bits)?;
    }
    let vcl_hrd = bits.flag()?;
    if vcl_hrd {
        skip_hrd(bits)?;
    }
    if nal_hrd || vcl_hrd {
        bits.skip(1)?; // low_delay_hrd_flag
    }
    Ok((vui, bits.flag()?, frame_time))
}

fn skip_hrd(bits: &mut Bits<'_>) -> Result<(), Unsure> {
    let count = bits.ue()?;
    if count > 31 {
        return Err(Unsure::new("an implausible HRD"));
    }
    bits.skip(8)?; // bit_rate_scale, cpb_size_scale
    for _ in 0..=count {
        bits.ue()?;
        bits.ue()?;
        bits.skip(1)?;
    }
    bits.skip(20)
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
