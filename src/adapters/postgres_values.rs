//! Values between PostgreSQL and JSON. Parameters go in PostgreSQL's text format, so the server
//! converts them to each column's type exactly as it would a literal; results are read as text
//! and turned into JSON by column type, so every type (timestamps, enums, arrays, ...) is readable.

use std::error::Error;

use bytes::BytesMut;
use serde_json::{Number, Value};
use tokio_postgres::types::{Format, IsNull, ToSql, Type, to_sql_checked};

/// A parameter sent as text (or NULL), accepted for any column type.
#[derive(Debug)]
pub(crate) struct TextParam(pub(crate) Option<String>);

impl TextParam {
    /// The text form of a JSON value: strings as they are, nested values as JSON, null as NULL.
    pub(crate) fn from_json(value: &Value) -> Self {
        Self(match value {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.to_string()),
            other => Some(other.to_string()),
        })
    }
}

impl ToSql for TextParam {
    fn to_sql(
        &self,
        _ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        match &self.0 {
            Some(text) => {
                out.extend_from_slice(text.as_bytes());
                Ok(IsNull::No)
            }
            None => Ok(IsNull::Yes),
        }
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    fn encode_format(&self, _ty: &Type) -> Format {
        Format::Text
    }

    to_sql_checked!();
}

/// A result value in text format as JSON for a column of type `ty`: booleans and numbers become
/// JSON booleans and numbers, `bytea` lowercase hex (as SQLite blobs), everything else its text.
pub(crate) fn text_to_json(ty: &Type, text: Option<&str>) -> Value {
    let Some(text) = text else {
        return Value::Null;
    };
    let as_text = || Value::String(text.to_string());
    match *ty {
        Type::BOOL => match text {
            "t" => Value::Bool(true),
            "f" => Value::Bool(false),
            _ => as_text(),
        },
        Type::INT2 | Type::INT4 | Type::INT8 | Type::OID => text
            .parse::<i64>()
            .map(|i| Value::Number(i.into()))
            .unwrap_or_else(|_| as_text()),
        Type::FLOAT4 | Type::FLOAT8 => text
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(as_text),
        // A numeric with more digits than a double holds stays text (it still compares as a
        // number in row comparisons), so no digit is silently lost.
        Type::NUMERIC => {
            let digits = text.chars().filter(char::is_ascii_digit).count();
            match text.parse::<f64>().ok().and_then(Number::from_f64) {
                Some(n) if digits <= 15 => Value::Number(n),
                _ => as_text(),
            }
        }
        Type::BYTEA => match text.strip_prefix("\\x") {
            Some(hex) => Value::String(hex.to_ascii_lowercase()),
            None => as_text(),
        },
        _ => as_text(),
    }
}

/// A possibly schema-qualified name (`mes.work_orders`) as quoted identifiers.
pub(crate) fn quote_qualified(name: &str) -> String {
    name.split('.')
        .map(|part| format!("\"{}\"", part.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_values_become_typed_json() {
        assert_eq!(text_to_json(&Type::BOOL, Some("t")), json!(true));
        assert_eq!(text_to_json(&Type::INT4, Some("-7")), json!(-7));
        assert_eq!(text_to_json(&Type::FLOAT8, Some("2.5")), json!(2.5));
        assert_eq!(text_to_json(&Type::FLOAT8, Some("NaN")), json!("NaN"));
        assert_eq!(text_to_json(&Type::NUMERIC, Some("74.80")), json!(74.8));
        assert_eq!(
            text_to_json(&Type::NUMERIC, Some("12345678901234567.5")),
            json!("12345678901234567.5")
        );
        assert_eq!(text_to_json(&Type::BYTEA, Some("\\xCAFE")), json!("cafe"));
        assert_eq!(
            text_to_json(&Type::TIMESTAMPTZ, Some("2025-01-31 10:00:00+00")),
            json!("2025-01-31 10:00:00+00")
        );
        assert_eq!(text_to_json(&Type::TEXT, None), Value::Null);
    }

    #[test]
    fn params_and_names() {
        assert_eq!(TextParam::from_json(&json!(null)).0, None);
        assert_eq!(TextParam::from_json(&json!(1.5)).0.as_deref(), Some("1.5"));
        assert_eq!(
            TextParam::from_json(&json!({"a": 1})).0.as_deref(),
            Some("{\"a\":1}")
        );
        assert_eq!(
            quote_qualified("mes.work\"orders"),
            "\"mes\".\"work\"\"orders\""
        );
    }
}
