//! VP8 and VP9 frame headers: what Matroska does not say about these streams (profile, bit
//! depth, subsampling, RGB), as ffmpeg's decoders report it.

use crate::Unsure;
use crate::bits::{Bits, u8_at};
use crate::video::{Decoded, VideoFacts};

/// A VP8 key frame: the version is the profile; ffmpeg decodes every VP8 profile to 4:2:0.
pub(crate) fn vp8(frame: &[u8], width: u32, height: u32) -> Result<VideoFacts, Unsure> {
    let tag = u8_at(frame, 0)?;
    if tag & 1 != 0 || frame.get(3..6) != Some(&[0x9d, 0x01, 0x2a][..]) {
        return Err(Unsure::new("a VP8 stream that does not start with a key frame"));
    }
    let version = (tag >> 1) & 7;
    if version > 3 {
        return Err(Unsure::new("an unknown VP8 version"));
    }
    // The first partition is range-coded: colour space, then clamping type (full range), each
    // with probability 1/2. ffmpeg's decoder names no colour for limited range (it leaves the
    // container's); full range is left to ffprobe.
    let mut coded = BoolDecoder::new(frame.get(10..).unwrap_or_default())?;
    coded.read()?;
    if coded.read()? {
        return Err(Unsure::new("full-range VP8"));
    }
    Ok(VideoFacts::new(Some(version.to_string()), "yuv420p".to_owned(), 8, width, height))
}

/// VP8's boolean entropy decoder (RFC 6386, section 7), reading bits of probability 1/2.
struct BoolDecoder<'a> {
    data: &'a [u8],
    at: usize,
    value: u32,
    range: u32,
    bits: u32,
}

impl<'a> BoolDecoder<'a> {
    fn new(data: &'a [u8]) -> Result<Self, Unsure> {
        let value = (u32::from(u8_at(data, 0)?) << 8) | u32::from(u8_at(data, 1)?);
        Ok(Self { data, at: 2, value, range: 255, bits: 0 })
    }

    fn read(&mut self) -> Result<bool, Unsure> {
        let split = 1 + (((self.range - 1) * 128) >> 8);
        let big = split << 8;
        let bit = self.value >= big;
        if bit {
            self.range -= split;
            self.value -= big;
        } else {
            self.range = split;
        }
        while self.range < 128 {
            self.value <<= 1;
            self.range <<= 1;
            self.bits += 1;
            if self.bits == 8 {
                self.bits = 0;
                self.value |= u32::from(u8_at(self.data, self.at)?);
                self.at += 1;
            }
        }
        Ok(bit)
    }
}

/// A VP9 key frame's uncompressed header: profile, then the colour configuration.
pub(crate) fn vp9(frame: &[u8], width: u32, height: u32) -> Result<VideoFacts, Unsure> {
    let mut bits = Bits::new(frame);
    if bits.bits(2)? != 2 {
        return Err(Unsure::new("no VP9 frame marker"));
    }
    let low = bits.bit()?;
    let profile = (bits.bit()? << 1) | low;
    if profile == 3 {
        bits.skip(1)?;
    }
    if bits.flag()? {
        return Err(Unsure::new("a VP9 stream that starts by showing an existing frame"));
    }
    if bits.flag()? {
        return Err(Unsure::new("a VP9 stream that does not start with a key frame"));
    }
    bits.skip(2)?; // show_frame, error_resilient_mode
    if bits.bits(24)? != 0x49_8342 {
        return Err(Unsure::new("no VP9 sync code"));
    }
    let depth: u8 = match (profile >= 2, profile >= 2 && bits.flag()?) {
        (false, _) => 8,
        (true, false) => 10,
        (true, true) => 12,
    };
    let suffix = if depth == 8 { String::new() } else { format!("{depth}le") };
    // ffmpeg's decoder sets the matrix and the range from the key frame.
    const MATRICES: [u32; 8] = [2, 5, 1, 6, 7, 9, 3, 0];
    let space = bits.bits(3)?;
    let matrix = MATRICES[space as usize];
    if matrix == 3 {
        return Err(Unsure::new("a reserved VP9 colour space"));
    }
    let mut full_range = true;
    let pix_fmt = if space == 7 {
        // sRGB: 4:4:4 only, in profiles 1 and 3.
        if profile & 1 == 0 {
            return Err(Unsure::new("VP9 RGB in a profile without 4:4:4"));
        }
        format!("gbrp{suffix}")
    } else {
        full_range = bits.flag()?; // ffmpeg names no "yuvj" formats for VP9
        let layout = if profile & 1 == 1 {
            match (bits.bit()?, bits.bit()?) {
                (1, 1) => return Err(Unsure::new("VP9 4:2:0 in a profile for other subsamplings")),
                (1, 0) => "yuv422p",
                (0, 1) => "yuv440p",
                _ => "yuv444p",
            }
        } else {
            "yuv420p"
        };
        format!("{layout}{suffix}")
    };
    let mut facts = VideoFacts::new(Some(format!("Profile {profile}")), pix_fmt, depth, width, height);
    facts.decoded = Decoded {
        range: Some(if full_range { 2 } else { 1 }),
        matrix: Some(matrix),
        // The decoder leaves the field order to the container.
        field_order: None,
        ..Decoded::default()
    };
    Ok(facts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vp9_key_frame_headers() {
        // Profile 0, key frame, shown: 10 0 0 0 0 1 0, sync code, colour space 1 (BT.601), range 0.
        let frame = [0b1000_0010, 0x49, 0x83, 0x42, 0b0010_0000];
        let facts = vp9(&frame, 320, 240).unwrap();
        assert_eq!((facts.profile.as_deref(), facts.pix_fmt.as_str()), (Some("Profile 0"), "yuv420p"));
        // Profile 1, colour space 7 (RGB).
        let frame = [0b1010_0010, 0x49, 0x83, 0x42, 0b1110_0000];
        assert_eq!(vp9(&frame, 320, 240).unwrap().pix_fmt, "gbrp");
        // Not a key frame.
        assert!(vp9(&[0b1000_0110, 0x49, 0x83, 0x42, 0], 320, 240).is_err());
    }

    #[test]
    fn vp8_key_frames() {
        let head = [0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00];
        let facts = vp8(&[&head[..], &[0, 0, 0]].concat(), 320, 240).unwrap();
        assert_eq!((facts.profile.as_deref(), facts.pix_fmt.as_str()), (Some("0"), "yuv420p"));
        assert!(vp8(&[0x11, 0x02, 0x00, 0x9d, 0x01, 0x2a], 320, 240).is_err());
        // Colour space 1, clamping type 1: full range.
        assert!(vp8(&[&head[..], &[0xff, 0xff, 0xff]].concat(), 320, 240).is_err());
    }
}
