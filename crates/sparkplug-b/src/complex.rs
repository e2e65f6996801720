//! The structured values between protobuf and JSON: DataSet, Template (with its parameters) and
//! PropertySet / PropertySetList.
//!
//! - DataSet: `{"num_of_columns": 2, "columns": ["a", "b"], "types": ["Int32", "String"],
//!   "rows": [[1, "x"], [2, null]]}` (`num_of_columns` may be left out: the column count).
//! - Template: `{"version": "1", "template_ref": "Motor", "is_definition": false,
//!   "metrics": [<metric>...], "parameters": [{"name": "p", "type": "Int32", "value": 1}]}`.
//! - PropertySet: `{"Quality": {"type": "Int32", "value": 192}, "EngUnit": {"type": "String",
//!   "value": "degC"}}`; a nested set is `{"type": "PropertySet", "value": {...}}`, a list
//!   `{"type": "PropertySetList", "value": [{...}, ...]}`; `"is_null": true` for a null value.

use serde_json::{Map, Value, json};

use crate::datatype::{DataType, Storage};
use crate::error::JsonError;
use crate::metric_json::{metric_from_json, metric_to_json};
use crate::proto::{
    DataSet, DataSetValue, Parameter, PropertySet, PropertySetList, PropertyValue, Row, Template,
    data_set_value, parameter, property_value,
};
use crate::scalar::{Raw, from_json, to_json};

/// Deepest nesting of templates and property sets the JSON form accepts (prost itself stops
/// decoding at 100 levels).
const MAX_DEPTH: usize = 64;

pub(crate) fn datatype_named(value: &Value) -> Result<DataType, JsonError> {
    value.as_str().and_then(DataType::from_name).ok_or_else(|| {
        JsonError::new(
            "type",
            format!("{value} is not a Sparkplug datatype (Int8 ... DateTimeArray)"),
        )
    })
}

fn datatype_coded(code: Option<u32>) -> Result<DataType, String> {
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

// ---- DataSet ----

fn cell_raw(v: &data_set_value::Value) -> Option<Raw> {
    use data_set_value::Value as V;
    Some(match v {
        V::IntValue(x) => Raw::Int(*x),
        V::LongValue(x) => Raw::Long(*x),
        V::FloatValue(x) => Raw::Float(*x),
        V::DoubleValue(x) => Raw::Double(*x),
        V::BooleanValue(x) => Raw::Boolean(*x),
        V::StringValue(x) => Raw::String(x.clone()),
        V::ExtensionValue(_) => return None,
    })
}

fn raw_cell(raw: Raw) -> Option<data_set_value::Value> {
    use data_set_value::Value as V;
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

pub(crate) fn dataset_to_json(ds: &DataSet) -> Result<Value, String> {
    let types: Vec<DataType> = ds
        .types
        .iter()
        .map(|c| datatype_coded(Some(*c)))
        .collect::<Result<_, _>>()?;
    let columns = ds.num_of_columns.unwrap_or(types.len() as u64);
    if columns != types.len() as u64 || columns != ds.columns.len() as u64 {
        return Err(format!(
            "DataSet has num_of_columns {columns}, {} column names and {} types",
            ds.columns.len(),
            types.len()
        ));
    }
    let mut rows = Vec::with_capacity(ds.rows.len());
    for (r, row) in ds.rows.iter().enumerate() {
        if row.elements.len() != types.len() {
            return Err(format!(
                "DataSet row {r} has {} elements for {} columns",
                row.elements.len(),
                types.len()
            ));
        }
        let cells = row
            .elements
            .iter()
            .zip(&types)
            .enumerate()
            .map(|(c, (cell, dt))| match cell.value.as_ref() {
                None => Ok(Value::Null),
                Some(v) => cell_raw(v)
                    .ok_or_else(|| "an extension value".to_string())
                    .and_then(|raw| to_json(*dt, &raw))
                    .map_err(|e| format!("DataSet row {r} column {c}: {e}")),
            });
        rows.push(Value::Array(cells.collect::<Result<_, _>>()?));
    }
    Ok(json!({
        "num_of_columns": columns,
        "columns": ds.columns,
        "types": types.iter().map(|t| t.name()).collect::<Vec<_>>(),
        "rows": rows,
    }))
}

pub(crate) fn dataset_from_json(value: &Value) -> Result<DataSet, JsonError> {
    let o = object(value, "a DataSet value")?;
    only_keys(o, &["num_of_columns", "columns", "types", "rows"])?;
    let strings = |key: &str| -> Result<Vec<String>, JsonError> {
        o.get(key)
            .and_then(Value::as_array)
            .and_then(|a| a.iter().map(|s| s.as_str().map(String::from)).collect())
            .ok_or_else(|| JsonError::new(key, "must be an array of strings"))
    };
    let columns = strings("columns")?;
    let types: Vec<DataType> = strings("types")?
        .iter()
        .enumerate()
        .map(|(i, t)| {
            DataType::from_name(t)
                .filter(|t| {
                    !matches!(
                        t.storage(),
                        Storage::Bytes
                            | Storage::DataSet
                            | Storage::Template
                            | Storage::PropertySet
                            | Storage::PropertySetList
                    )
                })
                .ok_or_else(|| {
                    JsonError::new(
                        format!("types[{i}]"),
                        format!("{t:?} is not a datatype a DataSet cell can hold"),
                    )
                })
        })
        .collect::<Result<_, _>>()?;
    let n = o
        .get("num_of_columns")
        .map_or(Some(types.len() as u64), Value::as_u64);
    if n != Some(types.len() as u64) || columns.len() != types.len() {
        return Err(JsonError::new(
            "",
            "num_of_columns, columns and types must agree in length",
        ));
    }
    let rows = o
        .get("rows")
        .and_then(Value::as_array)
        .ok_or_else(|| JsonError::new("rows", "must be an array of arrays"))?;
    let mut out = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter().enumerate() {
        let cells = row
            .as_array()
            .filter(|c| c.len() == types.len())
            .ok_or_else(|| {
                JsonError::new(
                    format!("rows[{r}]"),
                    format!("must be an array of {} cells", types.len()),
                )
            })?;
        let mut elements = Vec::with_capacity(cells.len());
        for (c, (cell, dt)) in cells.iter().zip(&types).enumerate() {
            let value = if cell.is_null() {
                None
            } else {
                from_json(*dt, cell)
                    .ok()
                    .and_then(raw_cell)
                    .map(Some)
                    .ok_or_else(|| {
                        JsonError::new(format!("rows[{r}][{c}]"), format!("{cell} is not a {dt}"))
                    })?
            };
            elements.push(DataSetValue { value });
        }
        out.push(Row { elements });
    }
    Ok(DataSet {
        num_of_columns: Some(types.len() as u64),
        columns,
        types: types.iter().map(|t| t.code()).collect(),
        rows: out,
    })
}

// ---- Template ----

fn param_raw(v: &parameter::Value) -> Option<Raw> {
    use parameter::Value as V;
    Some(match v {
        V::IntValue(x) => Raw::Int(*x),
        V::LongValue(x) => Raw::Long(*x),
        V::FloatValue(x) => Raw::Float(*x),
        V::DoubleValue(x) => Raw::Double(*x),
        V::BooleanValue(x) => Raw::Boolean(*x),
        V::StringValue(x) => Raw::String(x.clone()),
        V::ExtensionValue(_) => return None,
    })
}

fn raw_param(raw: Raw) -> Option<parameter::Value> {
    use parameter::Value as V;
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

pub(crate) fn template_to_json(
    t: &Template,
    depth: usize,
    problems: &mut Vec<String>,
    path: &str,
) -> Value {
    let mut out = Map::new();
    if let Some(v) = &t.version {
        out.insert("version".into(), json!(v));
    }
    if let Some(r) = &t.template_ref {
        out.insert("template_ref".into(), json!(r));
    }
    if let Some(d) = t.is_definition {
        out.insert("is_definition".into(), json!(d));
    }
    let metrics = t
        .metrics
        .iter()
        .enumerate()
        .map(|(i, m)| metric_to_json(m, depth + 1, problems, &format!("{path}.metrics[{i}]")));
    out.insert("metrics".into(), Value::Array(metrics.collect()));
    let mut parameters = Vec::new();
    for (i, p) in t.parameters.iter().enumerate() {
        let mut entry = Map::new();
        if let Some(n) = &p.name {
            entry.insert("name".into(), json!(n));
        }
        let dt = datatype_coded(p.r#type);
        if let Ok(dt) = dt {
            entry.insert("type".into(), json!(dt.name()));
        }
        let value = match (p.value.as_ref().and_then(param_raw), dt) {
            (None, _) => Ok(Value::Null),
            (Some(raw), Ok(dt)) => to_json(dt, &raw),
            (Some(raw), Err(e)) => Err(e).map(|_: ()| raw.untyped_json()),
        };
        entry.insert(
            "value".into(),
            value.unwrap_or_else(|e| {
                problems.push(format!("{path}.parameters[{i}]: {e}"));
                Value::Null
            }),
        );
        parameters.push(Value::Object(entry));
    }
    out.insert("parameters".into(), Value::Array(parameters));
    Value::Object(out)
}

pub(crate) fn template_from_json(value: &Value, depth: usize) -> Result<Template, JsonError> {
    if depth > MAX_DEPTH {
        return Err(JsonError::new(
            "",
            format!("templates nested deeper than {MAX_DEPTH}"),
        ));
    }
    let o = object(value, "a Template value")?;
    only_keys(
        o,
        &[
            "version",
            "template_ref",
            "is_definition",
            "metrics",
            "parameters",
        ],
    )?;
    let text = |key: &str| -> Result<Option<String>, JsonError> {
        match o.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(JsonError::new(key, "must be a string")),
        }
    };
    let is_definition = match o.get("is_definition") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_bool()
                .ok_or_else(|| JsonError::new("is_definition", "must be true or false"))?,
        ),
    };
    let list = |key: &str| match o.get(key) {
        None => Ok(&[][..]),
        Some(Value::Array(a)) => Ok(a.as_slice()),
        Some(_) => Err(JsonError::new(key, "must be an array")),
    };
    let metrics = list("metrics")?
        .iter()
        .enumerate()
        .map(|(i, m)| {
            metric_from_json(m, depth + 1).map_err(|e| e.within(&format!("metrics[{i}]")))
        })
        .collect::<Result<_, _>>()?;
    let parameters = list("parameters")?
        .iter()
        .enumerate()
        .map(|(i, p)| parameter_from_json(p).map_err(|e| e.within(&format!("parameters[{i}]"))))
        .collect::<Result<_, _>>()?;
    Ok(Template {
        version: text("version")?,
        metrics,
        parameters,
        template_ref: text("template_ref")?,
        is_definition,
    })
}

fn parameter_from_json(value: &Value) -> Result<Parameter, JsonError> {
    let o = object(value, "a template parameter")?;
    only_keys(o, &["name", "type", "value"])?;
    let name = match o.get("name") {
        None => None,
        Some(Value::String(n)) => Some(n.clone()),
        Some(_) => return Err(JsonError::new("name", "must be a string")),
    };
    let value = o.get("value").filter(|v| !v.is_null());
    // A parameter without a value needs no datatype; one with a value does.
    let dt = match (o.get("type"), value) {
        (None, None) => None,
        (t, _) => Some(datatype_named(t.unwrap_or(&Value::Null))?),
    };
    let value = match (value, dt) {
        (Some(v), Some(dt)) => {
            Some(from_json(dt, v).ok().and_then(raw_param).ok_or_else(|| {
                JsonError::new("value", format!("{v} is not a {dt} a parameter can hold"))
            })?)
        }
        _ => None,
    };
    Ok(Parameter {
        name,
        r#type: dt.map(DataType::code),
        value,
    })
}

// ---- PropertySet ----

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
