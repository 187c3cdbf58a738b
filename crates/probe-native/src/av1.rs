//! AV1 sequence headers (AV1 spec 5.5): profile, bit depth, subsampling and matrix
//! coefficients, from the configuration OBUs after `av1C`'s four bytes or from a stream's
//! first temporal unit (where `av1C` is all zeros, as GStreamer's mp4mux writes it).

use crate::Unsure;
use crate::bits::{Bits, u8_at};

/// What a sequence header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SequenceHeader {
    pub profile: u32,
    pub depth: u8,
    /// 0: monochrome, 1: 4:2:0, 2: 4:2:2, 3: 4:4:4.
    pub chroma: u32,
    pub matrix: u32,
    pub primaries: u32,
    pub transfer: u32,
    pub full_range: bool,
    /// `seq_level_idx` of the first operating point (ffmpeg's `level`).
    pub level: u32,
}

/// The first sequence header OBU among `obus` (low-overhead format: each with a size).
pub(crate) fn find_sequence_header(obus: &[u8]) -> Result<SequenceHeader, Unsure> {
    let mut at = 0;
    for _ in 0..64 {
        let header = u8_at(obus, at)?;
        let kind = (header >> 3) & 0xf;
        let extension = header & 0x4 != 0;
        if header & 0x2 == 0 {
            return Err(Unsure::new("an AV1 OBU without a size"));
        }
        at += 1 + usize::from(extension);
        let (size, len) = leb128(obus, at)?;
        at += len;
        let body = obus
            .get(at..at.saturating_add(size))
            .ok_or_else(|| Unsure::new("an AV1 OBU longer than what was read"))?;
        if kind == 1 {
            return sequence_header(body);
        }
        at += size;
    }
    Err(Unsure::new("no AV1 sequence header"))
}

fn leb128(data: &[u8], at: usize) -> Result<(usize, usize), Unsure> {
    let mut value = 0u64;
    for i in 0..8 {
        let byte = u8_at(data, at + i)?;
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok((usize::try_from(value).map_err(|_| Unsure::new("a huge OBU"))?, i + 1));
        }
    }
    Err(Unsure::new("a malformed OBU size"))
}

/// Skips a `uvlc()` value.
fn skip_uvlc(bits: &mut Bits<'_>) -> Result<(), Unsure> {
    let mut zeros = 0;
    while bits.bit()? == 0 {
        zeros += 1;
        if zeros >= 32 {
            return Err(Unsure::new("a malformed uvlc"));
        }
    }
    bits.skip(zeros)
}

fn sequence_header(body: &[u8]) -> Result<SequenceHeader, Unsure> {
    let mut bits = Bits::new(body);
    let profile = bits.bits(3)?;
    bits.skip(1)?; // still_picture
    let reduced = bits.flag()?;
    let mut level = None;
    if reduced {
        level = Some(bits.bits(5)?);
    } else {
        let mut buffer_delay_length = 0;
        let timing_info = bits.flag()?;
        let mut decoder_model_info = false;
        if timing_info {
            bits.skip(64)?; // num_units_in_display_tick, time_scale
            if bits.flag()? {
                skip_uvlc(&mut bits)?;
            }
            decoder_model_info = bits.flag()?;
            if decoder_model_info {
                buffer_delay_length = bits.bits(5)? as usize + 1;
                bits.skip(32 + 5 + 5)?;
            }
        }
        let initial_display_delay = bits.flag()?;
        for _ in 0..=bits.bits(5)? {
            bits.skip(12)?; // operating_point_idc
            let idx = bits.bits(5)?;
            level.get_or_insert(idx);
            if idx > 7 {
                bits.skip(1)?; // seq_tier
            }
            if decoder_model_info && bits.flag()? {
                bits.skip(2 * buffer_delay_length + 1)?;
            }
            if initial_display_delay && bits.flag()? {
                bits.skip(4)?;
            }
        }
    }
    let width_bits = bits.bits(4)? as usize + 1;
    let height_bits = bits.bits(4)? as usize + 1;
    bits.skip(width_bits + height_bits)?;
    if !reduced && bits.flag()? {
        bits.skip(4 + 3)?; // frame id lengths
    }
    bits.skip(3)?; // use_128x128_superblock, enable_filter_intra, enable_intra_edge_filter
    if !reduced {
        bits.skip(4)?; // interintra, masked compound, warped motion, dual filter
        let order_hint = bits.flag()?;
        if order_hint {
            bits.skip(2)?; // enable_jnt_comp, enable_ref_frame_mvs
        }
        let force_screen_content_tools = if bits.flag()? { 2 } else { bits.bit()? };
        if force_screen_content_tools > 0 && !bits.flag()? {
            bits.skip(1)?; // seq_force_integer_mv
        }
        if order_hint {
            bits.skip(3)?;
        }
    }
    bits.skip(3)?; // enable_superres, enable_cdef, enable_restoration
    // color_config()
    let high = bits.flag()?;
    let depth = match (profile, high) {
        (_, false) => 8,
        (2, true) if bits.flag()? => 12,
        (_, true) => 10,
    };
    let mono = profile != 1 && bits.flag()?;
    let (primaries, transfer, matrix) =
        if bits.flag()? { (bits.bits(8)?, bits.bits(8)?, bits.bits(8)?) } else { (2, 2, 2) };
    let mut full_range = true;
    let chroma = if mono {
        full_range = bits.flag()?;
        0
    } else if primaries == 1 && transfer == 13 && matrix == 0 {
        3 // sRGB: 4:4:4, full range, no more fields.
    } else {
        full_range = bits.flag()?;
        match profile {
            0 => 1,
            1 => 3,
            _ if depth == 12 => match (bits.bit()?, 0) {
                (1, _) if bits.flag()? => 1,
                (1, _) => 2,
                _ => 3,
            },
            _ => 2,
        }
    };
    let level = level.ok_or_else(|| Unsure::new("an AV1 sequence header without operating points"))?;
    Ok(SequenceHeader { profile, depth, chroma, matrix, primaries, transfer, full_range, level })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sequence_header_from_libaom() {
        // The configuration OBUs of HandBrake's SVT-AV1 in MP4: Main, 8-bit 4:2:0, matrix
        // coefficients 6 (SMPTE 170M, what ffprobe prints as its colour space).
        let obus = [0x0a, 0x0e, 0, 0, 0, 0x04, 0x3c, 0xff, 0xbc, 0x02, 0xf8, 0x10, 0x60, 0x10, 0x60, 0x40];
        let header = find_sequence_header(&obus).unwrap();
        assert_eq!((header.profile, header.depth, header.chroma, header.matrix), (0, 8, 1, 6));
        assert!(find_sequence_header(&obus[..6]).is_err());
    }
}
