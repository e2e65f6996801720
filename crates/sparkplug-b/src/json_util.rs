//! Helpers of the JSON form shared by its parts: datatype names and codes, key checks.

use serde_json::{Map, Value};

use crate::datatype::DataType;
use crate::error::JsonError;

/// Deepest nesting of templates and property sets the JSON form accepts (prost itself stops
/// decoding at 100 levels).
pub(crate) const MAX_DEPTH: usize = 64;

pub(crate) fn datatype_named(value: &Value) -> Result<DataType, JsonError> {
    value.as_str().and_then(DataType::from_name).ok_or_else(|| {
        JsonError::new(
            "type",
            format!("{value} is not a Sparkplug datatype (Int8 ... DateTimeArray)"),
        )
    })
}

pub(crate) fn datatype_coded(code: Option<u32>) -> Result<DataType, String> {
    match code {
        None => Err("no datatype".into()),
        Some(c) => DataType::from_code(c).ok_or_else(|| format!("unknown datatype code {c}")),
    }
}

/// Checks an object has only `allowed` keys, naming the first stranger.
pub(crate) fn only_keys(object: &Map<String, Value>, allowed: &[&str]) -> Result<(), JsonError> {
    match object.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(JsonError::new(
            k.as_str(),
            format!("unknown key; the keys here are {}", allowed.join(", ")),
        )),
        None => Ok(()),
    }
}

pub(crate) fn object<'a>(
    value: &'a Value,
    what: &str,
) -> Result<&'a Map<String, Value>, JsonError> {
    value
        .as_object()
        .ok_or_else(|| JsonError::new("", format!("{what} must be a JSON object, not {value}")))
}
