//! Properties between protobuf and JSON: `{"Quality": {"type": "Int32", "value": 192},
//! "EngUnit": {"type": "String", "value": "degC"}}`; a nested set is `{"type": "PropertySet",
//! "value": {...}}`, a list `{"type": "PropertySetList", "value": [{...}, ...]}`; `"value":
//! null` (with `"is_null": true` when decoded) for a null value, no `value` key for none.

use serde_json::{Map, Value, json};

use crate::datatype::Storage;
use crate::error::JsonError;
use crate::json_util::{MAX_DEPTH, datatype_coded, datatype_named, object, only_keys};
use crate::proto::{PropertySet, PropertySetList, PropertyValue, property_value};
use crate::scalar::{Raw, from_json, to_json};

fn property_raw(v: &property_value::Value) -> Option<Raw> {
    use property_value::Value as V;
    Some(match v {
        V::IntValue(x) => Raw::Int(*x),
        V::LongValue(x) => Raw::Long(*x),
        V::FloatValue(x) => Raw::Float(*x),
        V::DoubleValue(x) => Raw::Double(*x),
        V::BooleanValue(x) => Raw::Boolean(*x),
        V::StringValue(x) => Raw::String(x.clone()),
        _ => return None,
    })
}

fn raw_property(raw: Raw) -> Option<property_value::Value> {
    use property_value::Value as V;
    Some(match raw {
        Raw::Int(x) => V::IntValue(x),
        Raw::Long(x) => V::LongValue(x),
        Raw::Float(x) => V::FloatValue(x),
        Raw::Double(x) => V::DoubleValue(x),
        Raw::Boolean(x) => V::BooleanValue(x),
        Raw::String(x) => V::StringValue(x),
        Raw::Bytes(_) => return None,
    })
}

pub(crate) fn properties_to_json(ps: &PropertySet, depth: usize) -> Result<Value, String> {
    if ps.keys.len() != ps.values.len() {
        return Err(format!(
            "PropertySet has {} keys and {} values",
            ps.keys.len(),
            ps.values.len()
        ));
    }
    let mut out = Map::new();
    for (key, pv) in ps.keys.iter().zip(&ps.values) {
        out.insert(
            key.clone(),
            property_to_json(pv, depth).map_err(|e| format!("property {key:?}: {e}"))?,
        );
    }
    Ok(Value::Object(out))
}

fn property_to_json(pv: &PropertyValue, depth: usize) -> Result<Value, String> {
    use property_value::Value as V;
    let dt = datatype_coded(pv.r#type)?;
    let mut out = Map::new();
    out.insert("type".into(), json!(dt.name()));
    if pv.is_null == Some(true) {
        out.insert("is_null".into(), json!(true));
    }
    if pv.value.is_none() && pv.is_null != Some(true) {
        // As for metrics: no value and no null flag is no "value" key.
        return Ok(Value::Object(out));
    }
    let value = match (dt.storage(), &pv.value) {
        (_, None) => Value::Null,
        (Storage::PropertySet, Some(V::PropertysetValue(set))) => {
            properties_to_json(set, depth + 1)?
        }
        (Storage::PropertySetList, Some(V::PropertysetsValue(list))) => Value::Array(
            list.propertyset
                .iter()
                .map(|s| properties_to_json(s, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        (_, Some(v)) => match property_raw(v) {
            Some(raw) => to_json(dt, &raw)?,
            None => return Err(format!("datatype {dt} does not fit the value field")),
        },
    };
    out.insert("value".into(), value);
    Ok(Value::Object(out))
}

pub(crate) fn properties_from_json(value: &Value, depth: usize) -> Result<PropertySet, JsonError> {
    if depth > MAX_DEPTH {
        return Err(JsonError::new(
            "",
            format!("property sets nested deeper than {MAX_DEPTH}"),
        ));
    }
    let o = object(value, "a PropertySet")?;
    let mut set = PropertySet::default();
    for (key, entry) in o {
        let pv = property_from_json(entry, depth).map_err(|e| e.within(key))?;
        set.keys.push(key.clone());
        set.values.push(pv);
    }
    Ok(set)
}

fn property_from_json(entry: &Value, depth: usize) -> Result<PropertyValue, JsonError> {
    use property_value::Value as V;
    let o = object(entry, "a property (`{\"type\": ..., \"value\": ...}`)")?;
    only_keys(o, &["type", "value", "is_null"])?;
    let dt = datatype_named(o.get("type").unwrap_or(&Value::Null))?;
    let is_null = match o.get("is_null") {
        None => None,
        Some(v) => Some(
            v.as_bool()
                .ok_or_else(|| JsonError::new("is_null", "must be true or false"))?,
        ),
    };
    let value = match (dt.storage(), o.get("value")) {
        (_, None | Some(Value::Null)) => None,
        (Storage::PropertySet, Some(v)) => Some(V::PropertysetValue(
            properties_from_json(v, depth + 1).map_err(|e| e.within("value"))?,
        )),
        (Storage::PropertySetList, Some(v)) => {
            let items = v.as_array().ok_or_else(|| {
                JsonError::new("value", "a PropertySetList is an array of property sets")
            })?;
            let sets = items
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    properties_from_json(s, depth + 1).map_err(|e| e.within(&format!("value[{i}]")))
                })
                .collect::<Result<_, _>>()?;
            Some(V::PropertysetsValue(PropertySetList { propertyset: sets }))
        }
        (_, Some(v)) => {
            let raw = from_json(dt, v).map_err(|e| JsonError::new("value", e))?;
            Some(raw_property(raw).ok_or_else(|| {
                JsonError::new("value", format!("{dt} cannot be a property value"))
            })?)
        }
    };
    let stated_null = o.get("value").is_some_and(Value::is_null);
    Ok(PropertyValue {
        r#type: Some(dt.code()),
        is_null: is_null.or(stated_null.then_some(true)),
        value,
    })
}
