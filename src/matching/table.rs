//! Data tables as JSON: a header row and one data row make an object, a header row and several
//! data rows make an array of objects.

use serde_json::{Map, Value};

use super::error::TableError;

/// Turns a Gherkin data table (header row first) into JSON. Columns keep the header's order.
pub fn table_to_json(rows: &[Vec<String>]) -> Result<Value, TableError> {
    let (header, data) = rows.split_first().ok_or(TableError::Empty)?;
    if data.is_empty() {
        return Err(TableError::HeaderOnly);
    }
    check_header(header)?;
    let mut objects = Vec::with_capacity(data.len());
    for (offset, row) in data.iter().enumerate() {
        if row.len() != header.len() {
            // Row numbers count the header as row 1, as the engineer sees the table.
            return Err(TableError::RaggedRow {
                row: offset + 2,
                expected: header.len(),
                found: row.len(),
            });
        }
        let object: Map<String, Value> = header
            .iter()
            .zip(row)
            .map(|(name, cell)| (name.clone(), cell_to_json(cell)))
            .collect();
        objects.push(Value::Object(object));
    }
    match <[Value; 1]>::try_from(objects) {
        Ok([single]) => Ok(single),
        Err(many) => Ok(Value::Array(many)),
    }
}

/// One table cell as JSON: a cell that parses as JSON keeps that type (`42`, `1.5`, `true`,
/// `null`, `"quoted"`, `[1,2]`, `{"a":1}`), anything else is the cell's text as a string. So
/// `007` (not valid JSON) stays the string `"007"` and leading zeros of serial numbers survive.
pub fn cell_to_json(cell: &str) -> Value {
    serde_json::from_str(cell).unwrap_or_else(|_| Value::String(cell.to_owned()))
}

/// Every header cell must be a non-empty, unique name.
fn check_header(header: &[String]) -> Result<(), TableError> {
    for (index, name) in header.iter().enumerate() {
        if name.is_empty() {
            return Err(TableError::EmptyHeader { column: index + 1 });
        }
        if let Some(first) = header
            .iter()
            .take(index)
            .position(|earlier| earlier == name)
        {
            return Err(TableError::DuplicateHeader {
                name: name.clone(),
                first: first + 1,
                second: index + 1,
            });
        }
    }
    Ok(())
}
