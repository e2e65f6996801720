//! Variables and `${...}` interpolation in step text, doc strings and table cells.
//!
//! `${name}` inserts a variable, `${name.path}` (any path of `docs/steps.md` after the name, such
//! as `${order.lines[0]["qty.ordered"]}`) a part of it, and `$${` stands for a literal `${`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::error::InterpolateError;
use super::path::{JsonPath, Segment};

/// The variables of a scenario: remembered response fields and built-ins such as `scenario_dir`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Variables {
    values: BTreeMap<String, Value>,
}

/// Where a reference is inserted, which decides how its value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Plain text: strings as they are, other values as compact JSON.
    Text,
    /// JSON text outside a string literal: the value as compact JSON (strings get quotes).
    JsonValue,
    /// Inside a JSON string literal: the plain-text form, escaped for JSON.
    JsonString,
}

impl Variables {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores a variable, returning the value it replaces.
    pub fn set(&mut self, name: impl Into<String>, value: Value) -> Option<Value> {
        self.values.insert(name.into(), value)
    }

    /// The value of a variable.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    /// All variables, by name.
    pub fn as_map(&self) -> &BTreeMap<String, Value> {
        &self.values
    }

    /// The value a reference (the text between `${` and `}`, like `order.lines[0]`) stands for.
    pub fn resolve(&self, expression: &str) -> Result<&Value, InterpolateError> {
        self.resolve_at(expression, 1, 1)
    }

    /// Replaces every `${...}` in plain text (step text, table cells). Strings are inserted as
    /// they are; numbers, booleans, null, arrays and objects as compact JSON.
    pub fn interpolate(&self, text: &str) -> Result<String, InterpolateError> {
        self.substitute(text, false)
    }

    /// Replaces every `${...}` in a JSON doc string so that the result stays valid JSON: inside a
    /// string literal the value's text is inserted with JSON escapes (quotes, backslashes of
    /// Windows paths), elsewhere the value is inserted as JSON (`{"serial": ${serial}}` gets the
    /// quotes of a string variable).
    pub fn interpolate_json(&self, text: &str) -> Result<String, InterpolateError> {
        self.substitute(text, true)
    }

    fn substitute(&self, text: &str, json: bool) -> Result<String, InterpolateError> {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        let mut in_string = false;
        let (mut line, mut line_start) = (1, 0);
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            let next = chars.get(i + 1).copied();
            if c == '$' && next == Some('$') && chars.get(i + 2) == Some(&'{') {
                out.push_str("${");
                i += 3;
                continue;
            }
            if c == '$' && next == Some('{') {
                let column = i - line_start + 1;
                let close =
                    find_close(&chars, i + 2).ok_or(InterpolateError::Unclosed { line, column })?;
                let expression: String =
                    chars.get(i + 2..close).unwrap_or_default().iter().collect();
                let value = self.resolve_at(&expression, line, column)?;
                let context = match (json, in_string) {
                    (false, _) => Context::Text,
                    (true, false) => Context::JsonValue,
                    (true, true) => Context::JsonString,
                };
                write_value(&mut out, value, context);
                i = close + 1;
                continue;
            }
            if json && in_string && c == '\\' && next.is_some_and(|n| n != '\n') {
                // An escape: the next character never opens or closes anything.
                out.push(c);
                out.extend(next);
                i += 2;
                continue;
            }
            if json && c == '"' {
                in_string = !in_string;
            }
            if c == '\n' {
                line += 1;
                line_start = i + 1;
            }
            out.push(c);
            i += 1;
        }
        Ok(out)
    }

    fn resolve_at(
        &self,
        expression: &str,
        line: usize,
        column: usize,
    ) -> Result<&Value, InterpolateError> {
        let no_name = || InterpolateError::NoName {
            expression: expression.to_owned(),
            line,
            column,
        };
        // `$`, `$.x` and `$[0]` would parse as paths, but a reference must start with a name.
        let rooted = expression
            .strip_prefix('$')
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']));
        if expression.is_empty() || rooted {
            return Err(no_name());
        }
        let path =
            JsonPath::parse(expression).map_err(|source| InterpolateError::BadReference {
                expression: expression.to_owned(),
                line,
                column,
                source,
            })?;
        let Some((Segment::Key(name), rest)) = path.segments().split_first() else {
            return Err(no_name());
        };
        let value = self
            .values
            .get(name)
            .ok_or_else(|| InterpolateError::Unknown {
                name: name.clone(),
                expression: expression.to_owned(),
                known: self.known_names(),
            })?;
        JsonPath::from_segments(rest.to_vec())
            .resolve(value)
            .map_err(|source| InterpolateError::MissingField {
                expression: expression.to_owned(),
                name: name.clone(),
                source,
            })
    }

    fn known_names(&self) -> String {
        if self.values.is_empty() {
            "none".to_owned()
        } else {
            self.values
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        }
    }
}

/// The index of the `}` that closes a reference whose text starts at `start`; braces inside a
/// quoted key (`${x["a}b"]}`) do not count. A reference never spans lines, so an unclosed one is
/// reported where it starts rather than swallowing the rest of a doc string.
fn find_close(chars: &[char], start: usize) -> Option<usize> {
    let mut in_quotes = false;
    let mut escaped = false;
    for (offset, &c) in chars.get(start..)?.iter().enumerate() {
        match c {
            '\n' => return None,
            _ if escaped => escaped = false,
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            '}' if !in_quotes => return Some(start + offset),
            _ => {}
        }
    }
    None
}

fn write_value(out: &mut String, value: &Value, context: Context) {
    let plain = match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    match context {
        Context::Text => out.push_str(&plain),
        Context::JsonValue => out.push_str(&value.to_string()),
        Context::JsonString => {
            // A JSON string literal of the text, without its surrounding quotes.
            let literal = Value::String(plain).to_string();
            out.push_str(
                literal
                    .get(1..literal.len().saturating_sub(1))
                    .unwrap_or_default(),
            );
        }
    }
}
