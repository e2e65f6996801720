//! Comparing a whole query result with the table of `the query "SQL" on "NAME" returns:`.
//!
//! Rows are addressed as an array of objects, so a mismatch path reads `$[1].qty` (second row,
//! column `qty`), the same shape [`rows_to_json`] gives the actual result in the evidence.

use serde_json::{Map, Value};

use super::kind::{kind_and_value, show};
use super::path::JsonPath;
use super::sql_cell::normalise_cell;
use crate::evidence::Mismatch;

/// Compares a query result (`columns` and `rows` of JSON cells, see [`super::cell_matches`]) with
/// an expected table whose first row names the columns in order. Returns every difference.
pub fn compare_rows(
    expected: &[Vec<String>],
    columns: &[String],
    rows: &[Vec<Value>],
) -> Vec<Mismatch> {
    let root = JsonPath::root();
    let Some((header, data)) = expected.split_first() else {
        let reason =
            "the expected table is empty; it needs a header row naming the columns".to_owned();
        return vec![mismatch(&root, Value::Null, Value::Null, reason)];
    };
    if header != columns {
        let reason = format!(
            "the columns differ: expected {}, the query returned {} (names and order must match)",
            header.join(", "),
            columns.join(", ")
        );
        return vec![mismatch(
            &root,
            Value::from(header.clone()),
            Value::from(columns.to_vec()),
            reason,
        )];
    }
    let mut mismatches = Vec::new();
    if data.len() != rows.len() {
        let reason = format!(
            "expected {} rows, the query returned {} rows",
            data.len(),
            rows.len()
        );
        mismatches.push(mismatch(
            &root,
            Value::from(data.len()),
            Value::from(rows.len()),
            reason,
        ));
    }
    for (index, (wanted_row, found_row)) in data.iter().zip(rows).enumerate() {
        let row_path = root.index(i64::try_from(index).unwrap_or(i64::MAX));
        if wanted_row.len() != header.len() || found_row.len() != header.len() {
            let reason = format!(
                "row {} has {} expected cells and {} values from the query, for {} columns",
                index + 1,
                wanted_row.len(),
                found_row.len(),
                header.len()
            );
            mismatches.push(mismatch(&row_path, Value::Null, Value::Null, reason));
            continue;
        }
        for ((column, cell), value) in header.iter().zip(wanted_row).zip(found_row) {
            let wanted = normalise_cell(cell);
            if !wanted.matches(value) {
                let reason = format!("expected {wanted}, found {}", describe_sql(value));
                mismatches.push(mismatch(
                    &row_path.key(column),
                    wanted.to_json(),
                    value.clone(),
                    reason,
                ));
            }
        }
    }
    mismatches
}

/// A query result as an array of objects (one per row, keys in column order), for the evidence.
pub fn rows_to_json(columns: &[String], rows: &[Vec<Value>]) -> Value {
    let objects = rows.iter().map(|row| {
        let object: Map<String, Value> = columns.iter().cloned().zip(row.iter().cloned()).collect();
        Value::Object(object)
    });
    Value::Array(objects.collect())
}

/// A database value in words: `NULL`, `the number 3`, `the text "a"`.
fn describe_sql(value: &Value) -> String {
    match value {
        Value::Null => "NULL".to_owned(),
        Value::Number(_) => format!("the number {}", show(value)),
        Value::String(_) => format!("the text {}", show(value)),
        other => kind_and_value(other),
    }
}

fn mismatch(path: &JsonPath, expected: Value, actual: Value, reason: String) -> Mismatch {
    Mismatch {
        path: path.to_string(),
        expected,
        actual,
        reason,
    }
}
