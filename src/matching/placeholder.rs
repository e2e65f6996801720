//! Placeholders in `matches:` documents (`"#string"`, `"#regex ^SN-[0-9]+$"`, ...) and how a
//! string in an expected document is read: placeholder, literal, or a mistake.

use std::collections::HashMap;

use regex::Regex;
use serde_json::Value;

use super::kind::kind_and_value;

/// A placeholder that stands for a class of values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placeholder {
    /// `#string`: any string.
    String,
    /// `#number`: any number.
    Number,
    /// `#boolean`: `true` or `false`.
    Boolean,
    /// `#null`: `null`, and the key must be present.
    Null,
    /// `#notnull`: present and not `null`.
    NotNull,
    /// `#present`: present, any value including `null`.
    Present,
    /// `#ignore`: anything, or absent.
    Ignore,
    /// `#array`: any array.
    Array,
    /// `#object`: any object.
    Object,
    /// `#regex PATTERN`: a string that PATTERN matches in full.
    Regex(String),
}

/// How a string in an expected document is to be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpectedString<'a> {
    /// A placeholder.
    Placeholder(Placeholder),
    /// Plain text that the actual string must equal (`##x` stands for the literal text `#x`).
    Literal(&'a str),
    /// Text that looks like a placeholder (`#strng`) but is none; compared as literal text, and a
    /// failure says so, because it is usually a typo.
    Unknown(&'a str),
    /// A placeholder written wrongly (`#regex` without a pattern); never matches.
    Invalid(String),
}

impl<'a> ExpectedString<'a> {
    /// Reads one string of an expected document.
    pub fn classify(text: &'a str) -> Self {
        let placeholder = match text {
            "#string" => Placeholder::String,
            "#number" => Placeholder::Number,
            "#boolean" => Placeholder::Boolean,
            "#null" => Placeholder::Null,
            "#notnull" => Placeholder::NotNull,
            "#present" => Placeholder::Present,
            "#ignore" => Placeholder::Ignore,
            "#array" => Placeholder::Array,
            "#object" => Placeholder::Object,
            "#regex" => {
                return Self::Invalid(
                    "\"#regex\" needs a pattern after one space, like \"#regex SN-[0-9]+\"".into(),
                );
            }
            _ => {
                if let Some(pattern) = text.strip_prefix("#regex ") {
                    Placeholder::Regex(pattern.to_owned())
                } else if let Some(literal) = text.strip_prefix("##") {
                    return Self::Literal(text.get(1..).unwrap_or(literal));
                } else if text
                    .strip_prefix('#')
                    .is_some_and(|r| r.starts_with(char::is_alphabetic))
                {
                    return Self::Unknown(text);
                } else {
                    return Self::Literal(text);
                }
            }
        };
        Self::Placeholder(placeholder)
    }
}

/// Compiled `#regex` patterns of one match, so that a pattern repeated in every element of a long
/// array is compiled once.
#[derive(Debug, Default)]
pub(crate) struct RegexCache {
    compiled: HashMap<String, Result<Regex, String>>,
}

impl RegexCache {
    /// The pattern compiled to match whole strings, or the reason it cannot be.
    fn get(&mut self, pattern: &str) -> &Result<Regex, String> {
        self.compiled
            .entry(pattern.to_owned())
            .or_insert_with(|| compile_full_match(pattern))
    }
}

/// Compiles a `#regex` pattern so that it must match the whole string.
fn compile_full_match(pattern: &str) -> Result<Regex, String> {
    // Checking the pattern on its own first guarantees balanced groups, so wrapping it cannot
    // change its meaning (`a)|(b` would otherwise become a different, valid expression).
    Regex::new(pattern)
        .map_err(|e| format!("invalid regular expression in \"#regex {pattern}\": {e}"))?;
    Regex::new(&format!(r"\A(?:{pattern})\z")).map_err(|e| {
        format!(
            "the regular expression in \"#regex {pattern}\" cannot be anchored to match in full: {e}"
        )
    })
}

impl Placeholder {
    /// The placeholder as written in a document.
    pub fn as_text(&self) -> String {
        match self {
            Self::String => "#string".into(),
            Self::Number => "#number".into(),
            Self::Boolean => "#boolean".into(),
            Self::Null => "#null".into(),
            Self::NotNull => "#notnull".into(),
            Self::Present => "#present".into(),
            Self::Ignore => "#ignore".into(),
            Self::Array => "#array".into(),
            Self::Object => "#object".into(),
            Self::Regex(pattern) => format!("#regex {pattern}"),
        }
    }

    /// Checks a value (`None`: the key is absent, which `missing` describes in words, like
    /// `key "serial" is missing`). `Err` holds the reason in words.
    pub(crate) fn check(
        &self,
        actual: Option<&Value>,
        missing: &str,
        regexes: &mut RegexCache,
    ) -> Result<(), String> {
        // A broken pattern is reported even where the value is missing: it is the scenario's fault.
        if let Self::Regex(pattern) = self {
            regexes.get(pattern).as_ref().map_err(Clone::clone)?;
        }
        let Some(value) = actual else {
            return match self {
                Self::Ignore => Ok(()),
                _ => Err(format!(
                    "{missing}; \"{}\" needs a value here",
                    self.as_text()
                )),
            };
        };
        let wanted = match self {
            Self::Ignore | Self::Present => return Ok(()),
            Self::NotNull if !value.is_null() => return Ok(()),
            Self::NotNull => "a value other than null",
            Self::Null if value.is_null() => return Ok(()),
            Self::Null => "null",
            Self::String if value.is_string() => return Ok(()),
            Self::String => "a string",
            Self::Number if value.is_number() => return Ok(()),
            Self::Number => "a number",
            Self::Boolean if value.is_boolean() => return Ok(()),
            Self::Boolean => "a boolean",
            Self::Array if value.is_array() => return Ok(()),
            Self::Array => "an array",
            Self::Object if value.is_object() => return Ok(()),
            Self::Object => "an object",
            Self::Regex(pattern) => {
                let regex = regexes.get(pattern).as_ref().map_err(Clone::clone)?;
                return match value {
                    Value::String(text) if regex.is_match(text) => Ok(()),
                    _ => Err(format!(
                        "expected a string matching /{pattern}/ in full, found {}",
                        kind_and_value(value)
                    )),
                };
            }
        };
        Err(format!(
            "expected {wanted} ({}), found {}",
            self.as_text(),
            kind_and_value(value)
        ))
    }
}
