//! Audio codec configurations: how many channels ffmpeg's decoders will report.

use crate::Unsure;
use crate::bits::{Bits, be, u8_at};

/// AAC's AudioSpecificConfig, as ffmpeg's decoder will report it once it has decoded the first
/// frame. Parametric stereo turns a mono core into stereo, and it can be signalled in the
/// configuration (object type 29, or the backward-compatible extension) or only in the frames
/// ("implicit" signalling, usual in ADTS streams copied into a container). So a mono core that
/// could carry it — SBR signalled without PS, or SBR left implicit at a core rate of 24 kHz or
/// less — is left to ffprobe. A configuration that says SBR is absent (ffmpeg's own encoder
/// writes the extension with the flag off) is mono: ffmpeg then ignores SBR in the frames.
pub(crate) fn aac_channels(asc: &[u8]) -> Result<u32, Unsure> {
    Ok(aac(asc)?.channels)
}

/// What ffmpeg's decoders report of an audio stream, beyond its codec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct AudioFacts {
    pub channels: u32,
    pub layout: Option<&'static str>,
    pub sample_rate: u32,
    pub profile: Option<&'static str>,
    /// The bit rate the decoder or parser sets from the frames (AC-3, MPEG audio).
    pub bit_rate: Option<u64>,
}

impl AudioFacts {
    /// The stream as the catalog stores it, before the container's language, flags and title.
    pub(crate) fn stream(self, codec: &str, index: u32) -> scanner_core::AudioStream {
        scanner_core::AudioStream {
            index,
            codec: codec.to_owned(),
            profile: self.profile.map(str::to_owned),
            channels: Some(self.channels).filter(|c| *c > 0),
            channel_layout: self.layout.map(str::to_owned),
            sample_rate: Some(self.sample_rate).filter(|r| *r > 0),
            bit_rate: self.bit_rate,
            ..scanner_core::AudioStream::default()
        }
    }

    /// A stream whose only layouts ffmpeg names are mono, stereo and (where `surround`) 5.1.
    pub(crate) fn plain(channels: u32, sample_rate: u32, surround: bool) -> Result<Self, Unsure> {
        let layout = match channels {
            1 => "mono",
            2 => "stereo",
            6 if surround => "5.1",
            _ => return Err(Unsure::new("a channel layout the native probe does not name")),
        };
        Ok(Self { channels, layout: Some(layout), sample_rate, ..Self::default() })
    }
}

/// AAC's AudioSpecificConfig: channels (see [`aac_channels`]), profile and output sample rate
/// as ffmpeg's decoder reports them after the first frame. Where the frames could still turn
/// the stream into HE-AAC (SBR left implicit at a core rate of 24 kHz or less, or signalled
/// only by the backward-compatible extension), the answer is unsure.
pub(crate) fn aac(asc: &[u8]) -> Result<AudioFacts, Unsure> {
    // ffmpeg reads configurations from a buffer padded with zeros: a GASpecificConfig cut
    // short (as some taggers leave it) reads as zero bits.
    let padded = [asc, &[0; 8]].concat();
    let mut bits = Bits::new(&padded);
    let object_type = |bits: &mut Bits<'_>| -> Result<u32, Unsure> {
        match bits.bits(5)? {
            31 => Ok(32 + bits.bits(6)?),
            t => Ok(t),
        }
    };
    let rate = |bits: &mut Bits<'_>| -> Result<u32, Unsure> {
        const RATES: [u32; 13] =
            [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
        match bits.bits(4)? {
            15 => bits.bits(24),
            i => RATES.get(i as usize).copied().ok_or_else(|| Unsure::new("a reserved AAC sample rate")),
        }
    };
    let mut aot = object_type(&mut bits)?;
    let core_rate = rate(&mut bits)?;
    let mut out_rate = core_rate;
    let config = bits.bits(4)?;
    // SBR: None while the frames may still carry it (implicit signalling).
    let (mut sbr, mut ps) = (None, false);
    let hierarchical = aot == 5 || aot == 29;
    if hierarchical {
        (sbr, ps) = (Some(true), aot == 29);
        out_rate = rate(&mut bits)?;
        aot = object_type(&mut bits)?;
    }
    let core_profile = match aot {
        1 => "Main",
        2 => "LC",
        3 => "SSR",
        _ => "LTP",
    };
    if !(1..=4).contains(&aot) {
        return Err(Unsure::new("an AAC object type other than Main, LC, SSR or LTP"));
    }
    if bits.position() > asc.len() * 8 {
        return Err(Unsure::new("an AudioSpecificConfig cut short"));
    }
    let channels = match config {
        c @ 1..=6 => c,
        7 => 8,
        _ => return Err(Unsure::new("an AAC channel layout given by a program config element")),
    };
    // GASpecificConfig: frameLengthFlag, dependsOnCoreCoder (+ 14 bits), extensionFlag.
    bits.skip(1)?;
    if bits.flag()? {
        bits.skip(14)?;
    }
    bits.skip(1)?;
    // The backward-compatible extension: sync word 0x2b7, SBR and its flag, then 0x548 and PS.
    // Like ffmpeg, look for the sync word bit by bit in what follows.
    if !hierarchical {
        let start = bits.position();
        for offset in 0..(asc.len() * 8).saturating_sub(start).saturating_sub(15) {
            let mut ext = Bits::new(asc);
            ext.skip(start + offset)?;
            if ext.bits(11)? != 0x2b7 {
                continue;
            }
            if object_type(&mut ext)? == 5 {
                let present = ext.flag()?;
                sbr = Some(present);
                if present {
                    rate(&mut ext)?;
                }
            }
            if ext.left() > 11 && ext.bits(11)? == 0x548 {
                ps = ext.flag()?;
            }
            break;
        }
    }
    let channels = match (channels, sbr) {
        (1, _) if ps => 2,
        (1, Some(false)) => 1,
        (1, Some(true)) => return Err(Unsure::new("mono HE-AAC, which may carry parametric stereo")),
        (1, None) if core_rate <= 24000 => {
            return Err(Unsure::new("mono AAC at 24 kHz or less, which may be HE-AAC v2"));
        }
        (n, _) => n,
    };
    let profile = match (hierarchical, sbr) {
        (true, _) if ps => "HE-AACv2",
        (true, _) => "HE-AAC",
        (false, Some(true)) => return Err(Unsure::new("AAC with SBR signalled backward-compatibly")),
        (false, None) if core_rate <= 24000 => {
            return Err(Unsure::new("AAC at 24 kHz or less, which may be HE-AAC"));
        }
        _ => core_profile,
    };
    let mut facts = AudioFacts::plain(channels, out_rate, true)?;
    facts.profile = Some(profile);
    Ok(facts)
}

const AC3_CHANNELS: [u32; 8] = [2, 1, 2, 3, 3, 4, 4, 5];

/// ffmpeg's name for an AC-3 channel mode (`acmod`) with or without LFE.
fn ac3_layout(acmod: u32, lfe: bool) -> Result<&'static str, Unsure> {
    Ok(match (acmod, lfe) {
        (1, false) => "mono",
        (2, false) => "stereo",
        (2, true) => "2.1",
        (3, false) => "3.0",
        (3, true) => "3.1",
        (5, false) => "4.0",
        (5, true) => "4.1",
        (7, false) => "5.0(side)",
        (7, true) => "5.1(side)",
        _ => return Err(Unsure::new("an AC-3 channel mode the native probe does not name")),
    })
}

const AC3_RATES: [u32; 3] = [48000, 44100, 32000];
const AC3_BIT_RATES: [u64; 19] =
    [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 576, 640];

/// An AC-3 or E-AC-3 frame at the start of `data`, as ffmpeg's decoder reports it: channels,
/// layout, sample rate and the bit rate of the frame.
pub(crate) fn ac3_frame(data: &[u8]) -> Result<AudioFacts, Unsure> {
    let channels = ac3_frame_channels(data)?;
    let bsid = u8_at(data, 5)? >> 3;
    let mut bits = Bits::new(data);
    bits.skip(16)?;
    let (acmod, lfe, sample_rate, bit_rate) = if bsid <= 10 {
        bits.skip(16)?; // crc1
        let fscod = bits.bits(2)?;
        let frmsizecod = bits.bits(6)?;
        bits.skip(5 + 3)?;
        let acmod = bits.bits(3)?;
        let skip = usize::from(acmod & 1 != 0 && acmod != 1) * 2 + usize::from(acmod & 4 != 0) * 2;
        bits.skip(skip + usize::from(acmod == 2) * 2)?;
        let lfe = bits.flag()?;
        let shift = bsid.saturating_sub(8);
        let rate = *AC3_RATES.get(fscod as usize).ok_or_else(|| Unsure::new("a reserved AC-3 rate"))?;
        let kbps =
            *AC3_BIT_RATES.get(frmsizecod as usize >> 1).ok_or_else(|| Unsure::new("an AC-3 frame size"))?;
        (acmod, lfe, rate >> shift, (kbps * 1000) >> shift)
    } else {
        bits.skip(2 + 3)?; // strmtyp, substreamid
        let frame_len = (u64::from(bits.bits(11)?) + 1) * 2;
        let fscod = bits.bits(2)?;
        let (rate, blocks) = if fscod == 3 {
            let half = [24000, 22050, 16000];
            (*half.get(bits.bits(2)? as usize).ok_or_else(|| Unsure::new("a reserved E-AC-3 rate"))?, 6)
        } else {
            (AC3_RATES[fscod as usize], [1, 2, 3, 6][bits.bits(2)? as usize])
        };
        let acmod = bits.bits(3)?;
        let lfe = bits.flag()?;
        (acmod, lfe, rate, 8 * frame_len * u64::from(rate) / (blocks * 256))
    };
    Ok(AudioFacts {
        channels,
        layout: Some(ac3_layout(acmod, lfe)?),
        sample_rate,
        profile: None,
        bit_rate: Some(bit_rate),
    })
}

/// An MPEG audio (MP1/2/3) frame header: channels, sample rate and bit rate. A first frame
/// that carries a VBR header (Xing, Info, VBRI) is unsure: ffmpeg averages the bit rate of the
/// frames it reads.
pub(crate) fn mpeg_audio_frame(data: &[u8]) -> Result<AudioFacts, Unsure> {
    let facts = mpeg_audio_header(data)?;
    let head = data.get(..data.len().min(200)).unwrap_or_default();
    if [b"Xing", b"Info", b"VBRI"].iter().any(|tag| head.windows(4).any(|w| w == *tag)) {
        return Err(Unsure::new("MPEG audio with a VBR header"));
    }
    Ok(facts)
}

/// What the 4-byte header of an MPEG audio frame says: channels, sample rate, bit rate.
pub(crate) fn mpeg_audio_header(data: &[u8]) -> Result<AudioFacts, Unsure> {
    let channels = mpeg_audio_frame_channels(data)?;
    let header = be(data, 0, 4)? as u32;
    let version = (header >> 19) & 3; // 0: MPEG 2.5, 2: MPEG 2, 3: MPEG 1
    let layer = 4 - ((header >> 17) & 3);
    let rates = [44100, 48000, 32000];
    let rate = *rates.get(((header >> 10) & 3) as usize).ok_or_else(|| Unsure::new("a reserved rate"))?;
    let sample_rate = match version {
        3 => rate,
        2 => rate / 2,
        0 => rate / 4,
        _ => return Err(Unsure::new("a reserved MPEG audio version")),
    };
    let index = ((header >> 12) & 15) as usize;
    let table: [u64; 15] = match (version == 3, layer) {
        (true, 1) => [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
        (true, 2) => [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
        (true, _) => [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
        (false, 1) => [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
        (false, _) => [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    };
    let kbps = *table.get(index).filter(|k| **k > 0).ok_or_else(|| Unsure::new("a free-format frame"))?;
    let mut facts = AudioFacts::plain(channels, sample_rate, false)?;
    facts.bit_rate = Some(kbps * 1000);
    Ok(facts)
}

/// An AC-3 or E-AC-3 frame at the start of `data`: the channels ffmpeg's decoder outputs. An
/// E-AC-3 frame followed by a dependent substream (7.1 and beyond) is left to ffprobe.
pub(crate) fn ac3_frame_channels(data: &[u8]) -> Result<u32, Unsure> {
    if data.get(..2) != Some(&[0x0B, 0x77][..]) {
        return Err(Unsure::new("no AC-3 sync word at the start of the first frame"));
    }
    let bsid = u8_at(data, 5)? >> 3;
    let mut bits = Bits::new(data);
    bits.skip(16)?;
    if bsid <= 10 {
        bits.skip(16 + 8 + 5 + 3)?; // crc1, fscod, frmsizecod, bsid, bsmod
        let acmod = bits.bits(3)?;
        if acmod & 1 != 0 && acmod != 1 {
            bits.skip(2)?; // cmixlev
        }
        if acmod & 4 != 0 {
            bits.skip(2)?; // surmixlev
        }
        if acmod == 2 {
            bits.skip(2)?; // dsurmod
        }
        return Ok(AC3_CHANNELS[acmod as usize] + bits.bit()?);
    }
    if bsid > 16 {
        return Err(Unsure::new("an unknown AC-3 bitstream id"));
    }
    bits.skip(2 + 3)?; // strmtyp, substreamid
    let frame_len = (bits.bits(11)? as usize + 1) * 2;
    bits.skip(4)?; // fscod, fscod2 or numblkscod
    let acmod = bits.bits(3)?;
    let lfe = bits.bit()?;
    let next = data.get(frame_len..frame_len + 3);
    match next {
        Some([0x0B, 0x77, b]) if (b >> 6) == 1 => Err(Unsure::new("E-AC-3 with a dependent substream")),
        None if data.len() < frame_len + 3 && data.len() >= 8192 => {
            Err(Unsure::new("an E-AC-3 frame longer than what was read"))
        }
        _ => Ok(AC3_CHANNELS[acmod as usize] + lfe),
    }
}

/// An MPEG audio (MP1/2/3) frame header at the start of `data`: mono or stereo.
pub(crate) fn mpeg_audio_frame_channels(data: &[u8]) -> Result<u32, Unsure> {
    let header = be(data, 0, 4)?;
    if header >> 21 != 0x7ff || (header >> 17) & 3 == 0 {
        return Err(Unsure::new("no MPEG audio frame header at the start of the first frame"));
    }
    Ok(if (header >> 6) & 3 == 3 { 1 } else { 2 })
}

/// The channel count in Vorbis headers as a container carries them: the identification header
/// (`\x01vorbis`, version, channels) among them.
pub(crate) fn vorbis_id_channels(headers: &[u8]) -> Result<u32, Unsure> {
    let at = headers
        .windows(7)
        .position(|w| w == b"\x01vorbis")
        .ok_or_else(|| Unsure::new("no Vorbis identification header"))?;
    Ok(u32::from(u8_at(headers, at + 11)?))
}

/// Vorbis headers as a container carries them: channels and sample rate from the
/// identification header.
pub(crate) fn vorbis_id(headers: &[u8]) -> Result<AudioFacts, Unsure> {
    let channels = vorbis_id_channels(headers)?;
    let at = headers.windows(7).position(|w| w == b"\x01vorbis").unwrap_or_default();
    let rate = u32::from_le_bytes(
        headers.get(at + 12..at + 16).and_then(|r| r.try_into().ok()).ok_or_else(|| Unsure::new("short"))?,
    );
    AudioFacts::plain(channels, rate, true)
}

/// An Opus header (`dOps`, or `OpusHead` as Matroska keeps it) with the channel count at
/// `channels_at`: ffmpeg decodes Opus at 48 kHz whatever the input rate was.
pub(crate) fn opus(header: &[u8], channels_at: usize) -> Result<AudioFacts, Unsure> {
    let channels = u32::from(u8_at(header, channels_at)?);
    let family = u8_at(header, channels_at + 9)?;
    if family > 1 || (family == 0 && channels > 2) {
        return Err(Unsure::new("an Opus channel mapping the native probe does not name"));
    }
    AudioFacts::plain(channels, 48000, true)
}

/// A FLAC STREAMINFO block: channels and sample rate.
pub(crate) fn flac(streaminfo: &[u8]) -> Result<AudioFacts, Unsure> {
    AudioFacts::plain(flac_channels(streaminfo)?, (be(streaminfo, 10, 3)? >> 4) as u32, true)
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
        assert!(aac_channels(&[0x2B, 0x09, 0x88, 0x00]).is_err()); // HE-AAC, mono
        assert_eq!(aac_channels(&[0x2B, 0x92, 0x08, 0x00]).unwrap(), 2); // HE-AAC, stereo
        assert_eq!(aac_channels(&[0xEB, 0x09, 0x88, 0x00]).unwrap(), 2); // HE-AAC v2, mono core
        assert!(aac_channels(&[0x13, 0x88]).is_err()); // LC, 22.05 kHz, mono
        // The same with ffmpeg's explicit "no SBR" extension: mono for sure.
        assert_eq!(aac_channels(&[0x13, 0x88, 0x56, 0xE5, 0x00]).unwrap(), 1);
        assert_eq!(aac_channels(&[0x11, 0x88]).unwrap(), 1); // LC, 48 kHz, mono
        assert!(aac_channels(&[0x11, 0x80]).is_err()); // PCE
        let dops = [0, 2, 0x01, 0x38, 0, 0, 0xBB, 0x80, 0, 0, 0];
        assert_eq!(opus(&dops, 1).unwrap().layout, Some("stereo"));
        assert!(opus(&[0], 1).is_err());
        // AC-3 frame: 48 kHz, bsid 8, acmod 7, cmixlev, surmixlev, LFE on.
        assert_eq!(ac3_frame_channels(&[0x0B, 0x77, 0, 0, 0x1C, 0x40, 0xE1, 0x40]).unwrap(), 6);
        // The same frame: 48 kHz, frmsizecod 28 (384 kb/s), 5.1 with side surrounds.
        let facts = ac3_frame(&[0x0B, 0x77, 0, 0, 0x1C, 0x40, 0xE1, 0x40]).unwrap();
        assert_eq!(
            (facts.layout, facts.sample_rate, facts.bit_rate),
            (Some("5.1(side)"), 48000, Some(384_000))
        );
        // MPEG-1 layer III, 128 kb/s, 44.1 kHz, stereo.
        let mp3 = mpeg_audio_frame(&[0xFF, 0xFB, 0x90, 0x44]).unwrap();
        assert_eq!((mp3.sample_rate, mp3.bit_rate, mp3.layout), (44100, Some(128_000), Some("stereo")));
        assert_eq!(mpeg_audio_frame_channels(&[0xFF, 0xFB, 0x90, 0xC4]).unwrap(), 1);
        assert_eq!(mpeg_audio_frame_channels(&[0xFF, 0xFB, 0x90, 0x44]).unwrap(), 2);
        assert!(mpeg_audio_frame_channels(&[0x00, 0xFB, 0x90, 0x44]).is_err());
    }

    #[test]
    fn a_configuration_cut_short_reads_on_as_zeros() {
        // LC, 44.1 kHz, stereo, dependsOnCoreCoder set but no core coder delay (mutagen's
        // ep7.m4b): ffmpeg reads zeros past the end, as the native probe does.
        let facts = aac(&[0x12, 0x12]).unwrap();
        assert_eq!((facts.profile, facts.sample_rate, facts.channels), (Some("LC"), 44100, 2));
        // Cut before the channel configuration: unsure.
        assert!(aac(&[0x12]).is_err());
        // A VBR header in the first frame is unsure; the header alone is read.
        let mut info = vec![0xFF, 0xFB, 0x90, 0x44];
        info.extend_from_slice(&[0; 32]);
        info.extend_from_slice(b"Info");
        assert!(mpeg_audio_frame(&info).is_err());
        assert_eq!(mpeg_audio_header(&info).unwrap().bit_rate, Some(128_000));
    }
}
