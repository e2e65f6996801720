//! Metrics and payloads between protobuf and their JSON form.
//!
//! A payload: `{"timestamp": 1709532000000, "seq": 1, "uuid": "...", "body": "<base64>",
//! "metrics": [...]}`. A metric: `{"name": "Temp", "alias": 7, "timestamp": ..., "type":
//! "Double", "value": 21.5, "is_historical": false, "is_transient": false, "is_null": false,
//! "metadata": {"content_type": ...}, "properties": {"Quality": {"type": "Int32", "value":
//! 192}}}`. Every key but `name`/`alias` and `value` may be left out; without `type` the
//! datatype follows from the JSON value (true/false Boolean, integer Int64, or UInt64 past
//! Int64's range, other numbers Double, text String); `"value": null` is an explicit null.

use serde_json::{Map, Value, json};

use crate::dataset::{dataset_from_json, dataset_to_json};
use crate::datatype::{DataType, Storage};
use crate::error::JsonError;
use crate::json_util::{datatype_named, object, only_keys};
use crate::metadata::{metadata_from_json, metadata_to_json};
use crate::properties::{properties_from_json, properties_to_json};
use crate::proto::{Metric, metric};
use crate::scalar::{Raw, from_json, to_json};
use crate::template::{template_from_json, template_to_json};

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

/// The JSON form of one metric (see [`crate::payload_to_json`]).
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
