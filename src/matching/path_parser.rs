//! The parser behind [`JsonPath::parse`](super::JsonPath::parse). Works on characters, not bytes,
//! so that the columns in errors match what an engineer counts in a step with unicode keys.

use super::error::{PathError, PathErrorKind};
use super::path::{JsonPath, Segment};

/// True for characters allowed in a key written without brackets. Braces are excluded too so that
/// every canonical path can also be written inside `${...}`.
pub(crate) fn is_bare_char(c: char) -> bool {
    !matches!(c, '.' | '[' | ']' | '"' | '{' | '}') && !c.is_whitespace()
}

/// Parses a whole path.
pub(crate) fn parse(text: &str) -> Result<JsonPath, PathError> {
    Parser {
        text,
        chars: text.chars().collect(),
        pos: 0,
    }
    .parse()
}

struct Parser<'a> {
    text: &'a str,
    chars: Vec<char>,
    pos: usize,
}

impl Parser<'_> {
    fn parse(mut self) -> Result<JsonPath, PathError> {
        let mut segments = Vec::new();
        match (self.peek(), self.chars.get(1)) {
            (None, _) => return Err(self.error(PathErrorKind::Empty)),
            (Some('$'), None | Some('.' | '[')) => self.pos = 1,
            (Some('.'), _) => return Err(self.error(PathErrorKind::LeadingDot)),
            (Some('['), _) => {}
            (Some(_), _) => segments.push(Segment::Key(self.bare_key()?)),
        }
        while let Some(c) = self.peek() {
            match c {
                '.' => {
                    self.pos += 1;
                    segments.push(Segment::Key(self.bare_key()?));
                }
                '[' => segments.push(self.bracket()?),
                other => return Err(self.error(PathErrorKind::Unexpected(other))),
            }
        }
        Ok(JsonPath::from_segments(segments))
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn error(&self, kind: PathErrorKind) -> PathError {
        self.error_at(self.pos, kind)
    }

    fn error_at(&self, pos: usize, kind: PathErrorKind) -> PathError {
        PathError {
            path: self.text.to_owned(),
            column: pos + 1,
            kind,
        }
    }

    /// Reads a key written without brackets; it must not be empty.
    fn bare_key(&mut self) -> Result<String, PathError> {
        let start = self.pos;
        while self.peek().is_some_and(is_bare_char) {
            self.pos += 1;
        }
        if self.pos == start {
            let kind = match self.peek() {
                None | Some('.') => PathErrorKind::EmptyKey,
                Some(c) => PathErrorKind::BadKeyStart(c),
            };
            return Err(self.error(kind));
        }
        Ok(self.chars[start..self.pos].iter().collect())
    }

    /// Reads `[index]` or `["quoted key"]`, starting at the `[`.
    fn bracket(&mut self) -> Result<Segment, PathError> {
        let open = self.pos;
        self.pos += 1;
        let segment = match self.peek() {
            None => return Err(self.error_at(open, PathErrorKind::UnclosedBracket)),
            Some('"') => Segment::Key(self.quoted_key()?),
            Some('-' | '0'..='9') => Segment::Index(self.index()?),
            Some(']') => return Err(self.error(PathErrorKind::EmptyBrackets)),
            Some('\'') => return Err(self.error(PathErrorKind::SingleQuote)),
            Some(other) => return Err(self.error(PathErrorKind::BadBracket(other))),
        };
        match self.peek() {
            Some(']') => {
                self.pos += 1;
                Ok(segment)
            }
            None => Err(self.error_at(open, PathErrorKind::UnclosedBracket)),
            Some(other) => Err(self.error(PathErrorKind::ExpectedClose(other))),
        }
    }

    /// Reads a JSON string literal, starting at its opening quote.
    fn quoted_key(&mut self) -> Result<String, PathError> {
        let open = self.pos;
        self.pos += 1;
        let mut escaped = false;
        loop {
            match self.peek() {
                None => return Err(self.error_at(open, PathErrorKind::UnclosedQuote)),
                Some('\\') if !escaped => escaped = true,
                Some('"') if !escaped => break,
                Some(_) => escaped = false,
            }
            self.pos += 1;
        }
        self.pos += 1;
        // serde_json decodes the escapes exactly as JSON defines them.
        let literal: String = self.chars[open..self.pos].iter().collect();
        serde_json::from_str::<String>(&literal)
            .map_err(|e| self.error_at(open, PathErrorKind::BadQuotedKey(e.to_string())))
    }

    /// Reads an optionally negative decimal index.
    fn index(&mut self) -> Result<i64, PathError> {
        let start = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
        }
        let digits_start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.pos == digits_start {
            return Err(self.error(PathErrorKind::MissingDigits));
        }
        let literal: String = self.chars[start..self.pos].iter().collect();
        literal
            .parse()
            .map_err(|_| self.error_at(start, PathErrorKind::IndexTooLarge(literal)))
    }
}
