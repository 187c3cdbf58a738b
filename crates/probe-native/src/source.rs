//! A file read through a byte budget: the parsers can ask for any range, but never for more
//! than the budget in all, and never past the end of the file.

use std::io::{self, Read, Seek, SeekFrom};

use crate::{Stop, Unsure};

/// Something to read headers from: a file, or bytes in memory (tests, fuzzing).
pub(crate) trait Input: Read + Seek {}

impl<T: Read + Seek> Input for T {}

pub(crate) struct Source<'a> {
    file: Box<dyn Input + 'a>,
    pub len: u64,
    budget: u64,
    read: u64,
}

impl<'a> Source<'a> {
    pub(crate) fn new(file: impl Input + 'a, len: u64, budget: u64) -> Self {
        Self { file: Box::new(file), len, budget, read: 0 }
    }

    /// Bytes read so far.
    pub(crate) fn bytes_read(&self) -> u64 {
        self.read
    }

    /// Reads `len` bytes at `offset`; fewer only where the file ends.
    pub(crate) fn read(&mut self, offset: u64, len: u64) -> Result<Vec<u8>, Stop> {
        let len = len.min(self.len.saturating_sub(offset));
        if len > self.budget {
            return Err(Unsure::new("the headers are larger than the read budget").into());
        }
        self.budget -= len;
        self.read += len;
        let mut buf = vec![0; usize::try_from(len).map_err(|_| Unsure::new("a huge header"))?];
        self.file.seek(SeekFrom::Start(offset)).map_err(Stop::Io)?;
        let mut filled = 0;
        while filled < buf.len() {
            match self.file.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Stop::Io(e)),
            }
        }
        if filled < buf.len() {
            return Err(Unsure::new("the file changed while being read").into());
        }
        Ok(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stay_within_the_budget_and_the_file() {
        let data = [7u8; 20];
        let mut src = Source::new(io::Cursor::new(&data[..]), 20, 16);
        assert_eq!(src.read(10, 100).unwrap().len(), 10, "cut at the end of the file");
        assert!(matches!(src.read(0, 8), Err(Stop::Unsure(_))), "over the budget");
        // A file that shrank since its size was taken.
        let mut src = Source::new(io::Cursor::new(&data[..]), 100, 1000);
        assert!(matches!(src.read(0, 50), Err(Stop::Unsure(_))));
    }
}
