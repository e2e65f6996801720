//! Reads protocol lines with an upper bound, so an adapter that never prints a newline cannot
//! make qualify hold an unbounded amount of output in memory.

use std::io;

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// Longest accepted response line, in bytes.
pub(crate) const MAX_LINE: usize = 64 * 1024 * 1024;

/// How a read ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum LineEnd {
    /// A full line is in the buffer (without its `\n`).
    Complete,
    /// End of output; the buffer holds whatever came after the last `\n` (often nothing).
    Eof,
    /// The line exceeds the limit; the buffer holds its beginning.
    TooLong,
}

/// Reads the next line into `buf` (cleared first). Cancel-safe only in the sense that matters
/// here: after a cancellation the reader is discarded together with the process.
pub(crate) async fn read_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<LineEnd> {
    buf.clear();
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(LineEnd::Eof);
        }
        let (take, complete) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (available.len(), false),
        };
        buf.extend_from_slice(available.get(..take).unwrap_or_default());
        reader.consume(if complete { take + 1 } else { take });
        if buf.len() > max {
            return Ok(LineEnd::TooLong);
        }
        if complete {
            return Ok(LineEnd::Complete);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::BufReader;

    #[tokio::test]
    async fn lines_eof_and_limit() {
        let mut r = BufReader::with_capacity(4, &b"ab\ncdefgh\n\nxyz"[..]);
        let mut buf = Vec::new();
        assert_eq!(
            read_line(&mut r, &mut buf, 100).await.unwrap(),
            LineEnd::Complete
        );
        assert_eq!(buf, b"ab");
        assert_eq!(
            read_line(&mut r, &mut buf, 100).await.unwrap(),
            LineEnd::Complete
        );
        assert_eq!(buf, b"cdefgh");
        assert_eq!(
            read_line(&mut r, &mut buf, 100).await.unwrap(),
            LineEnd::Complete
        );
        assert_eq!(buf, b"");
        assert_eq!(
            read_line(&mut r, &mut buf, 100).await.unwrap(),
            LineEnd::Eof
        );
        assert_eq!(buf, b"xyz");

        let mut r = BufReader::with_capacity(4, &b"0123456789\n"[..]);
        assert_eq!(
            read_line(&mut r, &mut buf, 5).await.unwrap(),
            LineEnd::TooLong
        );
    }
}
