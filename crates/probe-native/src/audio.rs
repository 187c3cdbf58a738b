//! Audio codec configurations: how many channels ffmpeg's decoders will report.

use crate::Unsure;
use crate::bits::{Bits, be, u8_at};

/// AAC's AudioSpecificConfig: Main, LC, SSR and LTP with a plain channel configuration.
/// Anything that could change the count once decoded (SBR, PS, a program config element) is
/// left to ffprobe.
pub(crate) fn aac_channels(asc: &[u8]) -> Result<u32, Unsure> {
    let mut bits = Bits::new(asc);
    let object_type = bits.bits(5)?;
    if !(1..=4).contains(&object_type) {
        return Err(Unsure::new("an AAC object type other than Main, LC, SSR or LTP"));
    }
    if bits.bits(4)? == 15 {
        bits.skip(24)?;
    }
    match bits.bits(4)? {
        c @ 1..=6 => Ok(c),
        7 => Ok(8),
        _ => Err(Unsure::new("an AAC channel layout given by a program config element")),
    }
}

const AC3_CHANNELS: [u32; 8] = [2, 1, 2, 3, 3, 4, 4, 5];

/// `dac3`: acmod and lfeon.
pub(crate) fn ac3_channels(dac3: &[u8]) -> Result<u32, Unsure> {
    let v = be(dac3, 0, 3)?;
    Ok(AC3_CHANNELS[((v >> 11) & 7) as usize] + ((v >> 10) & 1) as u32)
}

/// `dec3`: a single independent substream without dependent substreams.
pub(crate) fn eac3_channels(dec3: &[u8]) -> Result<u32, Unsure> {
    let mut bits = Bits::new(dec3);
    bits.skip(13)?; // data_rate
    if bits.bits(3)? != 0 {
        return Err(Unsure::new("E-AC-3 with several independent substreams"));
    }
    bits.skip(2 + 5 + 1 + 1 + 3)?; // fscod, bsid, reserved, asvc, bsmod
    let acmod = bits.bits(3)?;
    let lfe = bits.bit()?;
    bits.skip(3)?;
    if bits.bits(4)? != 0 {
        return Err(Unsure::new("E-AC-3 with dependent substreams"));
    }
    Ok(AC3_CHANNELS[acmod as usize] + lfe)
}

/// `dOps`: OutputChannelCount.
pub(crate) fn opus_channels(dops: &[u8]) -> Result<u32, Unsure> {
    Ok(u32::from(u8_at(dops, 1)?))
}

/// A FLAC STREAMINFO block's channel count.
pub(crate) fn flac_channels(streaminfo: &[u8]) -> Result<u32, Unsure> {
    Ok(u32::from((u8_at(streaminfo, 12)? >> 1) & 7) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_counts() {
        assert_eq!(aac_channels(&[0x12, 0x10]).unwrap(), 2); // LC, 44.1 kHz, stereo
        assert_eq!(aac_channels(&[0x11, 0x90]).unwrap(), 2); // LC, 48 kHz, stereo
        assert_eq!(aac_channels(&[0x11, 0xB0]).unwrap(), 6); // LC, 48 kHz, 5.1
        assert!(aac_channels(&[0x2B, 0x92, 0x08, 0x00]).is_err()); // HE-AAC
        assert!(aac_channels(&[0x11, 0x80]).is_err()); // PCE
        // 48 kHz, bsid 8, acmod 7 (3/2), LFE on → 6.
        assert_eq!(ac3_channels(&[0x10, 0x3D, 0xE0]).unwrap(), 6);
        assert_eq!(ac3_channels(&[0x10, 0x10, 0x00]).unwrap(), 2);
        assert_eq!(opus_channels(&[0, 2, 0x01, 0x38]).unwrap(), 2);
        assert!(opus_channels(&[0]).is_err());
    }
}
