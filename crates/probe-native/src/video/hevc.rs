//! HEVC: the sequence parameter set, from `hvcC`.

use super::{Decoded, Fraction, VideoFacts, Vui, depth_of, gbr_pix_fmt, vui_start, yuv_pix_fmt};
use crate::Unsure;
use crate::bits::{Bits, be, u8_at, unescape};

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

pub(super) fn hevc_profile(profile_idc: u8) -> Result<&'static str, Unsure> {
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
    let mut vps = Vec::new();
    for _ in 0..arrays {
        let nal_type = u8_at(hvcc, at)? & 0x3f;
        let count = be(hvcc, at + 1, 2)?;
        at += 3;
        for _ in 0..count {
            let len = be(hvcc, at, 2)? as usize;
            let nal = hvcc.get(at + 2..at + 2 + len).ok_or_else(|| Unsure::new("an hvcC ends early"))?;
            if nal_type == 32 && nal.len() > 2 {
                vps.push(nal);
            }
            if nal_type == 33 && nal.len() > 2 {
                let mut facts = hevc_sps(&unescape(&nal[2..]))?;
                // The frame time ffmpeg's parser takes: the VPS's timing before the SPS's. With
                // several (or no readable) video parameter sets, it is not known here.
                facts.frame_time = match vps.as_slice() {
                    [] => facts.frame_time,
                    [one] => vps_timing(&unescape(&one[2..])).ok().and_then(|t| t.or(facts.frame_time)),
                    _ => None,
                };
                return Ok(facts);
            }
            at += 2 + len;
        }
    }
    Err(Unsure::new("an hvcC without a sequence parameter set"))
}

/// The timing of a video parameter set: (num_units_in_tick, time_scale), when present.
fn vps_timing(vps: &[u8]) -> Result<Option<Fraction>, Unsure> {
    let mut bits = Bits::new(vps);
    bits.skip(4 + 1 + 1 + 6)?; // id, base layer flags, vps_max_layers_minus1
    let max_sub_layers_minus1 = bits.bits(3)?;
    bits.skip(1 + 16)?; // temporal_id_nesting_flag, reserved 0xffff
    skip_profile_tier_level(&mut bits, max_sub_layers_minus1)?;
    let all_layers = bits.flag()?;
    for _ in if all_layers { 0 } else { max_sub_layers_minus1 }..=max_sub_layers_minus1 {
        bits.ue()?;
        bits.ue()?;
        bits.ue()?;
    }
    let max_layer_id = bits.bits(6)? as usize;
    let layer_sets = bits.ue()?;
    if layer_sets > 1023 {
        return Err(Unsure::new("too many layer sets"));
    }
    bits.skip(layer_sets as usize * (max_layer_id + 1))?;
    timing(&mut bits)
}

/// `timing_info_present_flag`, then (num_units_in_tick, time_scale) if set and not zero.
fn timing(bits: &mut Bits<'_>) -> Result<Option<Fraction>, Unsure> {
    if !bits.flag()? {
        return Ok(None);
    }
    let units_in_tick = u64::from(bits.bits(32)?);
    let time_scale = u64::from(bits.bits(32)?);
    Ok((units_in_tick > 0 && time_scale > 0).then_some((units_in_tick, time_scale)))
}

fn hevc_sps(sps: &[u8]) -> Result<VideoFacts, Unsure> {
    let mut bits = Bits::new(sps);
    bits.skip(4)?; // sps_video_parameter_set_id
    let max_sub_layers_minus1 = bits.bits(3)?;
    bits.skip(1)?;
    let profile_idc = sps.get(1).map(|b| b & 0x1f).ok_or_else(|| Unsure::new("an SPS ends early"))?;
    // general_level_idc ends the general profile, tier and level (12 bytes after the first).
    let level = i32::from(*sps.get(12).ok_or_else(|| Unsure::new("an SPS ends early"))?);
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
    let mut frame_time = None;
    let colour = if bits.flag()? {
        let vui = vui_start(&mut bits)?;
        if bits.flag()? {
            bits.ue()?; // chroma_sample_loc_type_top_field
            bits.ue()?;
        }
        bits.skip(1)?; // neutral_chroma_indication_flag
        if bits.flag()? || bits.flag()? {
            // field_seq_flag, frame_field_info_present_flag
            return Err(Unsure::new("HEVC coded as fields, or with picture structures"));
        }
        // The timing after the default display window; a VUI that ends early only leaves it
        // unknown.
        frame_time = (|| {
            if bits.flag()? {
                for _ in 0..4 {
                    bits.ue()?;
                }
            }
            timing(&mut bits)
        })()
        .ok()
        .flatten();
        vui
    } else {
        Vui::ABSENT
    };
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
        3 if colour.matrix() == 0 => gbr_pix_fmt(depth)?,
        _ => yuv_pix_fmt(chroma, depth, colour.full_range(), chroma == 1)?,
    };
    // ffmpeg's decoder always sets the range (limited unless signalled) and the colours
    // (unspecified unless described).
    let decoded = Decoded {
        level: Some(level),
        sar: colour.sar,
        range: Some(if colour.full_range() { 2 } else { 1 }),
        description: Some(colour.description.unwrap_or((2, 2, 2))),
        matrix: None,
        // The decoder leaves the field order to the container.
        field_order: None,
    };
    Ok(VideoFacts {
        decoded,
        profile: Some(hevc_profile(profile_idc)?.to_owned()),
        pix_fmt,
        bit_depth: depth,
        width,
        height,
        frame_time,
    })
}
