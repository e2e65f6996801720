//! DataSet values between protobuf and JSON: `{"num_of_columns": 2, "columns": ["a", "b"],
//! "types": ["Int32", "String"], "rows": [[1, "x"], [2, null]]}` (`num_of_columns` may be left
//! out: the column count; `null` is a cell without a value).

use serde_json::{Value, json};

use crate::datatype::{DataType, Storage};
use crate::error::JsonError;
use crate::json_util::{datatype_coded, object, only_keys};
use crate::proto::{DataSet, DataSetValue, Row, data_set_value};
use crate::scalar::{Raw, from_json, to_json};

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
