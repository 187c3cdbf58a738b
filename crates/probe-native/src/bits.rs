//! Reading codec headers: big-endian fields from byte slices, and Exp-Golomb bit fields from
//! H.264/HEVC parameter sets. Every read is checked; running off the end is [`Unsure`].

use crate::Unsure;

/// Big-endian integers at an offset of a slice.
pub(crate) fn be(bytes: &[u8], at: usize, len: usize) -> Result<u64, Unsure> {
    let field = bytes.get(at..at.checked_add(len).ok_or_else(|| Unsure::new("offset overflow"))?);
    let field = field.ok_or_else(|| Unsure::new("a header ends early"))?;
    Ok(field.iter().fold(0, |n, &b| (n << 8) | u64::from(b)))
}

pub(crate) fn u8_at(bytes: &[u8], at: usize) -> Result<u8, Unsure> {
    bytes.get(at).copied().ok_or_else(|| Unsure::new("a header ends early"))
}

/// A NAL unit's payload without its emulation-prevention bytes (`00 00 03` → `00 00`).
pub(crate) fn unescape(nal: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(nal.len());
    let mut zeros = 0;
    for &b in nal {
        if zeros >= 2 && b == 3 {
            zeros = 0;
            continue;
        }
        zeros = if b == 0 { zeros + 1 } else { 0 };
        out.push(b);
    }
    out
}

/// Bits, most significant first.
pub(crate) struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bits<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    pub(crate) fn bit(&mut self) -> Result<u32, Unsure> {
        let byte = self.data.get(self.pos / 8).ok_or_else(|| Unsure::new("a parameter set ends early"))?;
        let bit = (byte >> (7 - self.pos % 8)) & 1;
        self.pos += 1;
        Ok(u32::from(bit))
    }

    /// Bits read so far.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// Bits left to read.
    pub(crate) fn left(&self) -> usize {
        (self.data.len() * 8).saturating_sub(self.pos)
    }

    pub(crate) fn flag(&mut self) -> Result<bool, Unsure> {
        Ok(self.bit()? == 1)
    }

    pub(crate) fn bits(&mut self, n: u32) -> Result<u32, Unsure> {
        (0..n).try_fold(0, |v, _| Ok((v << 1) | self.bit()?))
    }

    pub(crate) fn skip(&mut self, n: usize) -> Result<(), Unsure> {
        self.pos += n;
        if self.pos > self.data.len() * 8 { Err(Unsure::new("a parameter set ends early")) } else { Ok(()) }
    }

    /// Unsigned Exp-Golomb, at most 32 bits of value.
    pub(crate) fn ue(&mut self) -> Result<u32, Unsure> {
        let mut zeros = 0;
        while self.bit()? == 0 {
            zeros += 1;
            if zeros > 31 {
                return Err(Unsure::new("a malformed Exp-Golomb code"));
            }
        }
        let rest = self.bits(zeros)?;
        Ok(((1u64 << zeros) - 1 + u64::from(rest)).min(u64::from(u32::MAX)) as u32)
    }

    /// Signed Exp-Golomb.
    pub(crate) fn se(&mut self) -> Result<i64, Unsure> {
        let k = i64::from(self.ue()?);
        Ok(if k % 2 == 1 { (k + 1) / 2 } else { -(k / 2) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_golomb_codes() {
        // 1 | 010 | 011 | 00100 | 00101 → 0, 1, 2, 3, 4
        let data = [0b1010_0110, 0b0100_0010, 0b1000_0000];
        let mut bits = Bits::new(&data);
        let values: Vec<u32> = (0..5).map(|_| bits.ue().unwrap()).collect();
        assert_eq!(values, [0, 1, 2, 3, 4]);
        let mut bits = Bits::new(&[0b0100_1100]);
        assert_eq!((bits.se().unwrap(), bits.se().unwrap()), (1, -1));
        assert!(Bits::new(&[0, 0, 0, 0, 0]).ue().is_err());
    }

    #[test]
    fn emulation_prevention_bytes_are_removed() {
        assert_eq!(unescape(&[0, 0, 3, 1, 0, 0, 3, 0, 3]), [0, 0, 1, 0, 0, 0, 3]);
    }

    #[test]
    fn fields_past_the_end_are_unsure() {
        assert_eq!(be(&[1, 2, 3], 1, 2).unwrap(), 0x0203);
        assert!(be(&[1, 2, 3], 2, 2).is_err());
        assert!(be(&[1], usize::MAX, 2).is_err());
    }
}
