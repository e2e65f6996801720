//! JSON paths as written in steps: `status`, `record.serial`, `metrics[0].value`, `items[-1]`, `$`,
//! `$.a`, `["a.b"].c`.
//!
//! Grammar (columns in errors are 1-based, counted in characters):
//!
//! ```text
//! path     := "$" rest | first rest | "[" ...            (a path may start with a bracket)
//! first    := bare-key
//! rest     := ( "." bare-key | "[" index "]" | "[" quoted-key "]" )*
//! bare-key := one or more characters other than . [ ] " and whitespace
//! index    := "-"? digits                                (negative counts from the end)
//! quoted   := a JSON string literal ("a.b", "say \"hi\"", "\u00e9")
//! ```
//!
//! `$` is the root only at the very start and only when followed by `.`, `[` or nothing, so a key
//! such as `$ref` is still a plain key.

use std::fmt;

use serde_json::Value;

use super::error::{LookupError, PathError};
use super::kind::kind_of;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// An object key.
    Key(String),
    /// An array index; negative values count from the end (`-1` is the last element).
    Index(i64),
}

/// A parsed JSON path. The empty path is the whole document (`$`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JsonPath {
    segments: Vec<Segment>,
}

impl JsonPath {
    /// The whole document, `$`.
    pub fn root() -> Self {
        Self::default()
    }

    /// A path made of the given segments.
    pub fn from_segments(segments: Vec<Segment>) -> Self {
        Self { segments }
    }

    /// Parses a path as written in a step.
    pub fn parse(text: &str) -> Result<Self, PathError> {
        super::path_parser::parse(text)
    }

    /// The segments, outermost first.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// True for `$`.
    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// This path extended by an object key.
    pub fn key(&self, key: &str) -> Self {
        let mut segments = self.segments.clone();
        segments.push(Segment::Key(key.to_owned()));
        Self { segments }
    }

    /// This path extended by an array index.
    pub fn index(&self, index: i64) -> Self {
        let mut segments = self.segments.clone();
        segments.push(Segment::Index(index));
        Self { segments }
    }

    /// This path followed by all segments of `other`.
    pub fn join(&self, other: &JsonPath) -> Self {
        let mut segments = self.segments.clone();
        segments.extend(other.segments.iter().cloned());
        Self { segments }
    }

    /// The value at this path, or `None` when a key is missing, an index is out of range or a
    /// step goes through something that is not an object or array.
    pub fn lookup<'v>(&self, document: &'v Value) -> Option<&'v Value> {
        self.resolve(document).ok()
    }

    /// Like [`lookup`](Self::lookup), but says where and why the path did not lead to a value.
    pub fn resolve<'v>(&self, document: &'v Value) -> Result<&'v Value, LookupError> {
        let mut current = document;
        for (depth, segment) in self.segments.iter().enumerate() {
            let at = || JsonPath::from_segments(self.segments[..depth].to_vec()).to_string();
            current = match (segment, current) {
                (Segment::Key(key), Value::Object(map)) => {
                    map.get(key).ok_or_else(|| LookupError::MissingKey {
                        key: key.clone(),
                        at: at(),
                    })?
                }
                (Segment::Index(index), Value::Array(items)) => resolve_index(*index, items.len())
                    .and_then(|i| items.get(i))
                    .ok_or_else(|| LookupError::IndexOutOfRange {
                        index: *index,
                        len: items.len(),
                        at: at(),
                    })?,
                (Segment::Key(key), other) => {
                    return Err(LookupError::NotAnObject {
                        key: key.clone(),
                        at: at(),
                        found: kind_of(other),
                    });
                }
                (Segment::Index(index), other) => {
                    return Err(LookupError::NotAnArray {
                        index: *index,
                        at: at(),
                        found: kind_of(other),
                    });
                }
            };
        }
        Ok(current)
    }
}

/// Turns a possibly negative index into a position in an array of `len` elements.
fn resolve_index(index: i64, len: usize) -> Option<usize> {
    if index >= 0 {
        usize::try_from(index).ok()
    } else {
        let back = usize::try_from(index.unsigned_abs()).ok()?;
        len.checked_sub(back)
    }
}

/// True when `key` can be written after a dot and parses back to the same key.
fn is_bare_key(key: &str) -> bool {
    !key.is_empty() && key.chars().all(super::path_parser::is_bare_char)
}

impl fmt::Display for JsonPath {
    /// The canonical form: `$`, `$.a[0].b`, `$["a.b"].c`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for segment in &self.segments {
            match segment {
                Segment::Key(key) if is_bare_key(key) => write!(f, ".{key}")?,
                // A JSON string literal is exactly the quoted-key syntax the parser reads back.
                Segment::Key(key) => write!(f, "[{}]", Value::String(key.clone()))?,
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

impl std::str::FromStr for JsonPath {
    type Err = PathError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}
