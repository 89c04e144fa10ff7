//! Splitting a chunked watch response into event lines.
//!
//! The API server writes one JSON object per event followed by `\n`; chunk boundaries fall
//! anywhere, including inside a multi-byte UTF-8 character.

/// The longest event line accepted (the API server's own request limit is 3 MiB; large
/// objects in a list can be bigger, so allow plenty).
pub(crate) const MAX_LINE: usize = 64 * 1024 * 1024;

/// Accumulates chunks and hands out complete lines.
#[derive(Debug, Default)]
pub(crate) struct LineDecoder {
    buf: Vec<u8>,
    /// Where to resume the search for `\n` in `buf`.
    scanned: usize,
}

/// A line longer than [`MAX_LINE`].
#[derive(Debug)]
pub(crate) struct LineTooLong(pub(crate) usize);

impl LineDecoder {
    /// Adds a chunk and hands each complete, non-blank line it finished (without `\n`) to
    /// `line`, borrowed from the buffer: an event is decoded where it lies, not copied out
    /// first (a line can be as large as the object).
    pub(crate) fn push_with(
        &mut self,
        chunk: &[u8],
        mut line: impl FnMut(&[u8]),
    ) -> Result<(), LineTooLong> {
        self.buf.extend_from_slice(chunk);
        let mut start = 0;
        let mut search = self.scanned;
        while let Some(pos) = self.buf[search..].iter().position(|&b| b == b'\n') {
            let end = search + pos;
            let text = &self.buf[start..end];
            if !text.iter().all(u8::is_ascii_whitespace) {
                line(text);
            }
            start = end + 1;
            search = start;
        }
        self.buf.drain(..start);
        self.scanned = self.buf.len();
        if self.buf.len() > MAX_LINE {
            let len = self.buf.len();
            self.buf.clear();
            self.scanned = 0;
            return Err(LineTooLong(len));
        }
        Ok(())
    }

    /// [`LineDecoder::push_with`], collecting the lines.
    #[cfg(test)]
    pub(crate) fn push(&mut self, chunk: &[u8]) -> Result<Vec<Vec<u8>>, LineTooLong> {
        let mut lines = Vec::new();
        self.push_with(chunk, |line| lines.push(line.to_vec()))?;
        Ok(lines)
    }

    /// What is left at the end of the stream: an incomplete line, unless blank.
    pub(crate) fn finish(&mut self) -> Option<Vec<u8>> {
        let rest = std::mem::take(&mut self.buf);
        self.scanned = 0;
        (!rest.iter().all(u8::is_ascii_whitespace)).then_some(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_across_chunks() {
        let mut d = LineDecoder::default();
        assert!(d.push(b"{\"a\":").unwrap().is_empty());
        assert_eq!(d.push(b"1}\n{\"b\"").unwrap(), vec![b"{\"a\":1}".to_vec()]);
        assert_eq!(d.push(b":2}\n\n  \n").unwrap(), vec![b"{\"b\":2}".to_vec()]);
        assert_eq!(d.finish(), None);
        d.push(b"{\"trunc").unwrap();
        assert_eq!(d.finish(), Some(b"{\"trunc".to_vec()));
    }

    #[test]
    fn splits_inside_utf8() {
        let text = "{\"é\":\"ü\"}\n".as_bytes();
        let mut d = LineDecoder::default();
        let mut lines = Vec::new();
        for b in text {
            lines.extend(d.push(std::slice::from_ref(b)).unwrap());
        }
        assert_eq!(lines, vec![text[..text.len() - 1].to_vec()]);
    }
}
