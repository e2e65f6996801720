//! Metric metadata between protobuf and JSON: `{"is_multi_part", "content_type", "size", "seq",
//! "file_name", "file_type", "md5", "description"}`, each optional.

use serde_json::{Map, Value};

use crate::error::JsonError;
use crate::json_util::{object, only_keys};
use crate::proto::MetaData;

pub(crate) fn metadata_to_json(md: &MetaData) -> Value {
    let mut out = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            out.insert(k.into(), v);
        }
    };
    put("is_multi_part", md.is_multi_part.map(Value::Bool));
    put("content_type", md.content_type.clone().map(Value::String));
    put("size", md.size.map(Value::from));
    put("seq", md.seq.map(Value::from));
    put("file_name", md.file_name.clone().map(Value::String));
    put("file_type", md.file_type.clone().map(Value::String));
    put("md5", md.md5.clone().map(Value::String));
    put("description", md.description.clone().map(Value::String));
    Value::Object(out)
}

pub(crate) fn metadata_from_json(value: &Value) -> Result<MetaData, JsonError> {
    let o = object(value, "metadata")?;
    only_keys(
        o,
        &[
            "is_multi_part",
            "content_type",
            "size",
            "seq",
            "file_name",
            "file_type",
            "md5",
            "description",
        ],
    )?;
    let text = |k: &str| match o.get(k) {
        None => Ok(None),
        Some(v) => v
            .as_str()
            .map(|s| Some(s.to_string()))
            .ok_or_else(|| JsonError::new(k, "must be a string")),
    };
    let number = |k: &str| match o.get(k) {
        None => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| JsonError::new(k, "must be an unsigned integer")),
    };
    Ok(MetaData {
        is_multi_part: match o.get("is_multi_part") {
            None => None,
            Some(v) => Some(
                v.as_bool()
                    .ok_or_else(|| JsonError::new("is_multi_part", "must be true or false"))?,
            ),
        },
        content_type: text("content_type")?,
        size: number("size")?,
        seq: number("seq")?,
        file_name: text("file_name")?,
        file_type: text("file_type")?,
        md5: text("md5")?,
        description: text("description")?,
    })
}
