//! Comparing one expected cell of `the query "SQL" on "NAME" returns:` with one value from the
//! database, independent of the database driver.
//!
//! The actual value arrives as JSON: SQL NULL as `null`, INTEGER and REAL as numbers, TEXT as a
//! string, BLOB as a lowercase hex string. The expected cell is text and reads as:
//! - `NULL` (exactly, upper case): SQL NULL;
//! - a JSON number (`1`, `1.0`, `-2.5e3`): a number, equal by value to a numeric actual or to a
//!   text actual that is itself a JSON number (`1` = `1.0`, also when the column holds TEXT);
//! - a JSON string in double quotes (`"NULL"`, `"007"`, `"1.0"`): exactly that text, for the
//!   rare cell that would otherwise read as NULL or as a number;
//! - anything else (including an empty cell): exactly that text.

use std::fmt;

use serde_json::{Number, Value};

use super::equality::numbers_equal;

/// What an expected cell stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum NormalisedCell {
    /// SQL NULL.
    Null,
    /// A number, compared by value.
    Number(Number),
    /// Text, compared exactly.
    Text(String),
}

/// Reads an expected cell (see the module documentation for the rules).
pub fn normalise_cell(cell: &str) -> NormalisedCell {
    if cell == "NULL" {
        return NormalisedCell::Null;
    }
    if cell.starts_with('"')
        && let Ok(text) = serde_json::from_str::<String>(cell)
    {
        return NormalisedCell::Text(text);
    }
    match json_number(cell) {
        Some(number) => NormalisedCell::Number(number),
        None => NormalisedCell::Text(cell.to_owned()),
    }
}

/// True when the database value `actual` equals the expected cell.
pub fn cell_matches(expected: &str, actual: &Value) -> bool {
    normalise_cell(expected).matches(actual)
}

impl NormalisedCell {
    /// True when the database value `actual` equals this cell.
    pub fn matches(&self, actual: &Value) -> bool {
        match (self, actual) {
            (Self::Null, Value::Null) => true,
            (Self::Null, _) | (_, Value::Null) => false,
            (Self::Number(wanted), Value::Number(found)) => numbers_equal(wanted, found),
            (Self::Number(wanted), Value::String(text)) => {
                json_number(text).is_some_and(|found| numbers_equal(wanted, &found))
            }
            (Self::Number(_), _) => false,
            (Self::Text(wanted), Value::String(found)) => wanted == found,
            // A quoted "42" asks for TEXT; a numeric column value is not text.
            (Self::Text(_), Value::Number(_)) => false,
            (Self::Text(wanted), Value::Bool(flag)) => *wanted == flag.to_string(),
            // Arrays and objects do not come from SQL; compare their compact JSON text.
            (Self::Text(wanted), other) => {
                let text = other.to_string();
                *wanted == text
            }
        }
    }

    /// The cell as JSON, for the expected side of an assertion: `null`, a number or a string.
    pub fn to_json(&self) -> Value {
        match self {
            Self::Null => Value::Null,
            Self::Number(number) => Value::Number(number.clone()),
            Self::Text(text) => Value::String(text.clone()),
        }
    }
}

impl fmt::Display for NormalisedCell {
    /// `NULL`, the number, or the text in JSON quotes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("NULL"),
            Self::Number(number) => write!(f, "{number}"),
            Self::Text(text) => write!(f, "{}", Value::String(text.clone())),
        }
    }
}

/// The text as a JSON number, if it is exactly one (no surrounding spaces).
fn json_number(text: &str) -> Option<Number> {
    if text.trim() != text {
        return None;
    }
    serde_json::from_str::<Number>(text).ok()
}
