//! Words for JSON values in failure messages.

use serde_json::Value;

/// Longest rendering of a value inside a message before it is shortened.
const MAX_SHOWN: usize = 80;

/// The kind of a value with its article, for sentences: `a string`, `an array`, `null`.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A value as compact JSON, shortened with `…` when long, so one message stays one readable line.
/// The full value is always recorded next to the message in the evidence.
pub fn show(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= MAX_SHOWN {
        text
    } else {
        let mut short: String = text.chars().take(MAX_SHOWN).collect();
        short.push('…');
        short
    }
}

/// The kind of a value followed by the value itself: `a string "abc"`, `null`.
pub fn kind_and_value(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        other => format!("{} {}", kind_of(other), show(other)),
    }
}
