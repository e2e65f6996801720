//! Template values between protobuf and JSON: `{"version": "1", "template_ref": "Motor",
//! "is_definition": false, "metrics": [<metric>...], "parameters": [{"name": "p", "type":
//! "Int32", "value": 1}]}`.

use serde_json::{Map, Value, json};

use crate::datatype::DataType;
use crate::error::JsonError;
use crate::json_util::{MAX_DEPTH, datatype_coded, datatype_named, object, only_keys};
use crate::metric_json::{metric_from_json, metric_to_json};
use crate::proto::{Parameter, Template, parameter};
use crate::scalar::{Raw, from_json, to_json};

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
