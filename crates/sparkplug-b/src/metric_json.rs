//! Metrics and payloads between protobuf and their JSON form.
//!
//! A payload: `{"timestamp": 1709532000000, "seq": 1, "uuid": "...", "body": "<base64>",
//! "metrics": [...]}`. A metric: `{"name": "Temp", "alias": 7, "timestamp": ..., "type":
//! "Double", "value": 21.5, "is_historical": false, "is_transient": false, "is_null": false,
//! "metadata": {"content_type": ...}, "properties": {"Quality": {"type": "Int32", "value":
//! 192}}}`. Every key but `name`/`alias` and `value` may be left out; without `type` the
//! datatype follows from the JSON value (true/false Boolean, integer Int64, or UInt64 past
//! Int64's range, other numbers Double, text String); `"value": null` is an explicit null.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value, json};

use crate::complex::{
    dataset_from_json, dataset_to_json, datatype_named, object, only_keys, properties_from_json,
    properties_to_json, template_from_json, template_to_json,
};
use crate::datatype::{DataType, Storage};
use crate::error::JsonError;
use crate::proto::{MetaData, Metric, Payload, metric};
use crate::scalar::{Raw, from_json, to_json};

/// Deepest template nesting decoded to JSON.
const MAX_DEPTH: usize = 64;

fn metric_raw(v: &metric::Value) -> Option<Raw> {
    use metric::Value as V;
    Some(match v {
        V::IntValue(x) => Raw::Int(*x),
        V::LongValue(x) => Raw::Long(*x),
        V::FloatValue(x) => Raw::Float(*x),
        V::DoubleValue(x) => Raw::Double(*x),
        V::BooleanValue(x) => Raw::Boolean(*x),
        V::StringValue(x) => Raw::String(x.clone()),
        V::BytesValue(x) => Raw::Bytes(x.clone()),
        _ => return None,
    })
}

fn raw_metric(raw: Raw) -> metric::Value {
    use metric::Value as V;
    match raw {
        Raw::Int(x) => V::IntValue(x),
        Raw::Long(x) => V::LongValue(x),
        Raw::Float(x) => V::FloatValue(x),
        Raw::Double(x) => V::DoubleValue(x),
        Raw::Boolean(x) => V::BooleanValue(x),
        Raw::String(x) => V::StringValue(x),
        Raw::Bytes(x) => V::BytesValue(x),
    }
}

/// The JSON form of a payload; what does not read as its datatype is listed in `problems` (each
/// naming where) and shown as the raw field's value or null.
pub fn payload_to_json(p: &Payload, problems: &mut Vec<String>) -> Value {
    let mut out = Map::new();
    if let Some(t) = p.timestamp {
        out.insert("timestamp".into(), json!(t));
    }
    if let Some(s) = p.seq {
        out.insert("seq".into(), json!(s));
    }
    if let Some(u) = &p.uuid {
        out.insert("uuid".into(), json!(u));
    }
    if let Some(b) = &p.body {
        out.insert("body".into(), json!(BASE64.encode(b)));
    }
    let metrics = p
        .metrics
        .iter()
        .enumerate()
        .map(|(i, m)| metric_to_json(m, 0, problems, &format!("metrics[{i}]")));
    out.insert("metrics".into(), Value::Array(metrics.collect()));
    Value::Object(out)
}

/// The JSON form of one metric (see [`payload_to_json`]).
pub(crate) fn metric_to_json(
    m: &Metric,
    depth: usize,
    problems: &mut Vec<String>,
    path: &str,
) -> Value {
    let mut out = Map::new();
    if m.name.is_none() && m.alias.is_none() {
        problems.push(format!("{path}: neither a name nor an alias"));
    }
    if let Some(n) = &m.name {
        out.insert("name".into(), json!(n));
    }
    if let Some(a) = m.alias {
        out.insert("alias".into(), json!(a));
    }
    if let Some(t) = m.timestamp {
        out.insert("timestamp".into(), json!(t));
    }
    let dt = match m.datatype.map(|c| (c, DataType::from_code(c))) {
        None => None,
        Some((_, Some(dt))) => {
            out.insert("type".into(), json!(dt.name()));
            Some(dt)
        }
        Some((code, None)) => {
            problems.push(format!("{path}: unknown datatype code {code}"));
            out.insert("type".into(), json!(code));
            None
        }
    };
    for (key, flag) in [
        ("is_historical", m.is_historical),
        ("is_transient", m.is_transient),
        ("is_null", m.is_null),
    ] {
        if let Some(f) = flag {
            out.insert(key.into(), json!(f));
        }
    }
    if let Some(md) = &m.metadata {
        out.insert("metadata".into(), metadata_to_json(md));
    }
    if let Some(ps) = &m.properties {
        let props = properties_to_json(ps, 0).unwrap_or_else(|e| {
            problems.push(format!("{path}.properties: {e}"));
            Value::Null
        });
        out.insert("properties".into(), props);
    }
    // No value field and no null flag: no "value" key, so that the JSON form encodes back to
    // the same message ("value": null would add the null flag).
    if m.value.is_none() && m.is_null != Some(true) {
        return Value::Object(out);
    }
    let value = value_to_json(m, dt, depth, problems, path).unwrap_or_else(|(e, shown)| {
        problems.push(format!("{path}.value: {e}"));
        shown
    });
    out.insert("value".into(), value);
    // Without a datatype on the wire a DataSet or Template still says what it is.
    if dt.is_none() && !out.contains_key("type") {
        match &m.value {
            Some(metric::Value::DatasetValue(_)) => out.insert("type".into(), json!("DataSet")),
            Some(metric::Value::TemplateValue(_)) => out.insert("type".into(), json!("Template")),
            _ => None,
        };
    }
    Value::Object(out)
}

/// The value by its datatype; on error, the message and what to show instead.
fn value_to_json(
    m: &Metric,
    dt: Option<DataType>,
    depth: usize,
    problems: &mut Vec<String>,
    path: &str,
) -> Result<Value, (String, Value)> {
    use metric::Value as V;
    let Some(value) = &m.value else {
        return Ok(Value::Null);
    };
    if m.is_null == Some(true) {
        return Err((
            "is_null is set but a value is present too".into(),
            Value::Null,
        ));
    }
    match (value, dt.map(DataType::storage)) {
        (V::DatasetValue(ds), None | Some(Storage::DataSet)) => {
            dataset_to_json(ds).map_err(|e| (e, Value::Null))
        }
        (V::TemplateValue(t), None | Some(Storage::Template)) if depth < MAX_DEPTH => Ok(
            template_to_json(t, depth, problems, &format!("{path}.value")),
        ),
        (V::TemplateValue(_), None | Some(Storage::Template)) => Err((
            format!("templates nested deeper than {MAX_DEPTH}"),
            Value::Null,
        )),
        (V::ExtensionValue(_), _) => Err((
            "an extension value, which qualify does not know".into(),
            Value::Null,
        )),
        (V::DatasetValue(_) | V::TemplateValue(_), Some(_)) => Err((
            format!(
                "datatype {} but the value is a {}",
                dt.map_or("?", DataType::name),
                if matches!(value, V::DatasetValue(_)) {
                    "DataSet"
                } else {
                    "Template"
                }
            ),
            Value::Null,
        )),
        (scalar, _) => {
            let raw = metric_raw(scalar).unwrap_or(Raw::Boolean(false));
            match dt {
                Some(dt) => to_json(dt, &raw).map_err(|e| (e, raw.untyped_json())),
                None => Ok(raw.untyped_json()),
            }
        }
    }
}

fn metadata_to_json(md: &MetaData) -> Value {
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

fn metadata_from_json(value: &Value) -> Result<MetaData, JsonError> {
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

/// The datatype a JSON value stands for when the author did not say.
pub fn inferred_type(value: &Value) -> Option<DataType> {
    match value {
        Value::Bool(_) => Some(DataType::Boolean),
        Value::Number(n) if n.is_i64() => Some(DataType::Int64),
        Value::Number(n) if n.is_u64() => Some(DataType::UInt64),
        Value::Number(_) => Some(DataType::Double),
        Value::String(_) => Some(DataType::String),
        _ => None,
    }
}

/// A payload from its JSON form.
pub fn payload_from_json(value: &Value) -> Result<Payload, JsonError> {
    let o = object(value, "a Sparkplug payload").map_err(|e| e.within("payload"))?;
    only_keys(o, &["timestamp", "seq", "uuid", "body", "metrics"])?;
    let number = |k: &str| match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| JsonError::new(k, format!("{v} is not an unsigned integer"))),
    };
    let uuid = match o.get("uuid") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_str()
                .ok_or_else(|| JsonError::new("uuid", "must be a string"))?
                .to_string(),
        ),
    };
    let body = match o.get("body") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_str()
                .and_then(|s| BASE64.decode(s).ok())
                .ok_or_else(|| JsonError::new("body", "must be base64 text"))?,
        ),
    };
    let metrics = match o.get("metrics") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, m)| metric_from_json(m, 0).map_err(|e| e.within(&format!("metrics[{i}]"))))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(JsonError::new("metrics", "must be an array of metrics")),
    };
    Ok(Payload {
        timestamp: number("timestamp")?,
        metrics,
        seq: number("seq")?,
        uuid,
        body,
    })
}

/// One metric from its JSON form.
pub(crate) fn metric_from_json(value: &Value, depth: usize) -> Result<Metric, JsonError> {
    let o = object(value, "a metric")?;
    only_keys(
        o,
        &[
            "name",
            "alias",
            "timestamp",
            "type",
            "value",
            "is_historical",
            "is_transient",
            "is_null",
            "metadata",
            "properties",
        ],
    )?;
    let mut m = Metric::default();
    match o.get("name") {
        None => {}
        Some(Value::String(s)) => m.name = Some(s.clone()),
        Some(v) => return Err(JsonError::new("name", format!("{v} is not a string"))),
    }
    for (key, slot) in [("alias", &mut m.alias), ("timestamp", &mut m.timestamp)] {
        if let Some(v) = o.get(key) {
            *slot =
                Some(v.as_u64().ok_or_else(|| {
                    JsonError::new(key, format!("{v} is not an unsigned integer"))
                })?);
        }
    }
    if m.name.is_none() && m.alias.is_none() {
        return Err(JsonError::new(
            "",
            "a metric needs a \"name\" or an \"alias\"",
        ));
    }
    for (key, slot) in [
        ("is_historical", &mut m.is_historical),
        ("is_transient", &mut m.is_transient),
        ("is_null", &mut m.is_null),
    ] {
        if let Some(v) = o.get(key) {
            *slot = Some(
                v.as_bool()
                    .ok_or_else(|| JsonError::new(key, format!("{v} is not true or false")))?,
            );
        }
    }
    if let Some(md) = o.get("metadata") {
        m.metadata = Some(metadata_from_json(md).map_err(|e| e.within("metadata"))?);
    }
    if let Some(ps) = o.get("properties") {
        m.properties = Some(properties_from_json(ps, 0).map_err(|e| e.within("properties"))?);
    }
    let value = o.get("value");
    let dt = match o.get("type") {
        Some(t) => Some(datatype_named(t)?),
        None => value.and_then(inferred_type),
    };
    m.datatype = dt.map(DataType::code);
    match (value, dt) {
        (None, _) => {}
        (Some(Value::Null), _) => m.is_null = Some(true),
        (Some(v), None) => {
            return Err(JsonError::new(
                "value",
                format!("{v}: state the \"type\" (DataSet, Template, an array type, ...)"),
            ));
        }
        (Some(v), Some(dt)) => {
            m.value = Some(value_from_json(dt, v, depth).map_err(|e| e.within("value"))?)
        }
    }
    Ok(m)
}

fn value_from_json(dt: DataType, v: &Value, depth: usize) -> Result<metric::Value, JsonError> {
    match dt.storage() {
        Storage::DataSet => dataset_from_json(v).map(metric::Value::DatasetValue),
        Storage::Template => template_from_json(v, depth + 1).map(metric::Value::TemplateValue),
        Storage::PropertySet | Storage::PropertySetList => Err(JsonError::new(
            "",
            format!("{dt} is a property datatype, not a metric's"),
        )),
        _ => from_json(dt, v)
            .map(raw_metric)
            .map_err(|e| JsonError::new("", e)),
    }
}
