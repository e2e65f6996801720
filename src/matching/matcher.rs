//! Whole-document matching with placeholders, for `the response matches:` and
//! `the response field "PATH" matches:`.
//!
//! The matcher never stops at the first difference: an auditor (and the engineer fixing the
//! scenario) needs every one, each with its full path.

use serde_json::{Map, Value};

use super::equality::numbers_equal;
use super::kind::{kind_and_value, kind_of, show};
use super::path::{JsonPath, Segment};
use super::placeholder::{ExpectedString, RegexCache};
use crate::evidence::Mismatch;

/// The key that, with the value `"#ignore"`, lets an object have keys the expected one does not
/// name.
pub const REST_KEY: &str = "#rest";

/// Matches a whole actual document against an expected one with placeholders. Returns every
/// mismatch (empty when the documents match), with paths from the root (`$.metrics[2].value`).
pub fn match_document(expected: &Value, actual: &Value) -> Vec<Mismatch> {
    match_at(expected, Some(actual), &JsonPath::root())
}

/// Matches the value found at `path` of a larger document (`None`: nothing there) so that
/// mismatch paths name the place in the whole document (`$.record.lines[0].qty`).
pub fn match_at(expected: &Value, actual: Option<&Value>, path: &JsonPath) -> Vec<Mismatch> {
    let mut matcher = Matcher {
        mismatches: Vec::new(),
        regexes: RegexCache::default(),
    };
    matcher.check(expected, actual, path);
    matcher.mismatches
}

struct Matcher {
    mismatches: Vec<Mismatch>,
    regexes: RegexCache,
}

impl Matcher {
    fn report(
        &mut self,
        path: &JsonPath,
        expected: &Value,
        actual: Option<&Value>,
        reason: String,
    ) {
        self.mismatches.push(Mismatch {
            path: path.to_string(),
            expected: expected.clone(),
            actual: actual.cloned().unwrap_or(Value::Null),
            reason,
        });
    }

    fn check(&mut self, expected: &Value, actual: Option<&Value>, path: &JsonPath) {
        match expected {
            Value::String(text) => self.check_string(expected, text, actual, path),
            Value::Object(fields) => match actual {
                Some(Value::Object(found)) => self.check_object(fields, found, path),
                _ => self.report_kind(path, expected, actual),
            },
            Value::Array(items) => match actual {
                Some(Value::Array(found)) => self.check_array(items, found, path),
                _ => self.report_kind(path, expected, actual),
            },
            Value::Number(wanted) => match actual {
                Some(Value::Number(found)) if numbers_equal(wanted, found) => {}
                _ => self.report_value(path, expected, actual),
            },
            Value::Bool(_) | Value::Null => match actual {
                Some(found) if found == expected => {}
                _ => self.report_value(path, expected, actual),
            },
        }
    }

    fn check_string(
        &mut self,
        expected: &Value,
        text: &str,
        actual: Option<&Value>,
        path: &JsonPath,
    ) {
        let missing = missing(path);
        let result = match ExpectedString::classify(text) {
            ExpectedString::Placeholder(placeholder) => {
                placeholder.check(actual, &missing, &mut self.regexes)
            }
            ExpectedString::Literal(literal) => literal_check(literal, actual, &missing, ""),
            ExpectedString::Unknown(literal) => literal_check(
                literal,
                actual,
                &missing,
                &format!(
                    " (note: \"{literal}\" is not a placeholder, so it was compared as text; \
                     write \"#{literal}\" to mean that text on purpose)"
                ),
            ),
            ExpectedString::Invalid(reason) => Err(reason),
        };
        if let Err(reason) = result {
            self.report(path, expected, actual, reason);
        }
    }

    fn check_object(
        &mut self,
        fields: &Map<String, Value>,
        found: &Map<String, Value>,
        path: &JsonPath,
    ) {
        let rest_allowed = match fields.get(REST_KEY) {
            None => false,
            Some(Value::String(rest)) if rest == "#ignore" => true,
            Some(other) => {
                let reason = format!(
                    "\"{REST_KEY}\" only accepts \"#ignore\" (found {}); extra keys are not allowed",
                    show(other)
                );
                self.report(&path.key(REST_KEY), other, found.get(REST_KEY), reason);
                false
            }
        };
        for (key, wanted) in fields.iter().filter(|(key, _)| key.as_str() != REST_KEY) {
            self.check(wanted, found.get(key), &path.key(key));
        }
        if rest_allowed {
            return;
        }
        for (key, value) in found
            .iter()
            .filter(|(key, _)| !fields.contains_key(key.as_str()))
        {
            let reason = format!(
                "unexpected key \"{key}\" with {}; the expected object does not name it \
                 (add \"{REST_KEY}\": \"#ignore\" to allow extra keys)",
                kind_and_value(value)
            );
            self.report(&path.key(key), &Value::Null, Some(value), reason);
        }
    }

    fn check_array(&mut self, items: &[Value], found: &[Value], path: &JsonPath) {
        if items.len() != found.len() {
            // Lengths, not whole arrays, keep this entry short; the elements in common are
            // compared below and reported one by one.
            let reason = format!(
                "expected an array of {} elements, found {} elements",
                items.len(),
                found.len()
            );
            self.report(
                path,
                &Value::from(items.len()),
                Some(&Value::from(found.len())),
                reason,
            );
        }
        for (index, (wanted, value)) in items.iter().zip(found).enumerate() {
            let index = i64::try_from(index).unwrap_or(i64::MAX);
            self.check(wanted, Some(value), &path.index(index));
        }
    }

    fn report_kind(&mut self, path: &JsonPath, expected: &Value, actual: Option<&Value>) {
        let reason = match actual {
            None => format!("{}; expected {}", missing(path), kind_of(expected)),
            Some(found) => format!(
                "expected {}, found {}",
                kind_of(expected),
                kind_and_value(found)
            ),
        };
        self.report(path, expected, actual, reason);
    }

    fn report_value(&mut self, path: &JsonPath, expected: &Value, actual: Option<&Value>) {
        let reason = match actual {
            None => format!("{}; expected {}", missing(path), show(expected)),
            Some(found) if kind_of(found) == kind_of(expected) => {
                format!("expected {}, found {}", show(expected), show(found))
            }
            Some(found) => {
                format!(
                    "expected {}, found {}",
                    kind_and_value(expected),
                    kind_and_value(found)
                )
            }
        };
        self.report(path, expected, actual, reason);
    }
}

/// Compares a literal expected text; `note` is added to a failure.
fn literal_check(
    literal: &str,
    actual: Option<&Value>,
    missing: &str,
    note: &str,
) -> Result<(), String> {
    let shown = show(&Value::String(literal.to_owned()));
    match actual {
        Some(Value::String(found)) if found == literal => Ok(()),
        Some(Value::String(found)) => Err(format!(
            "expected {shown}, found {}{note}",
            show(&Value::String(found.clone()))
        )),
        Some(found) => Err(format!(
            "expected the string {shown}, found {}{note}",
            kind_and_value(found)
        )),
        None => Err(format!("{missing}; expected the string {shown}{note}")),
    }
}

/// "key \"k\" is missing" for object members, "missing" elsewhere.
fn missing(path: &JsonPath) -> String {
    match path.segments().last() {
        Some(Segment::Key(key)) => format!("key \"{key}\" is missing"),
        _ => "missing".to_owned(),
    }
}
