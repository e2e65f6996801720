//! The shape check every SQL driver applies before inserting a step's table.

use serde_json::Value;

/// Refuses an insert without columns or with a row whose width differs from the header; the
/// message names the row (1-based) as the engineer sees it in the feature file's table.
pub(crate) fn check_shape(columns: &[String], rows: &[Vec<Value>]) -> Result<(), String> {
    if columns.is_empty() {
        return Err("the table has no columns".to_string());
    }
    match rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.len() != columns.len())
    {
        Some((i, row)) => Err(format!(
            "row {} has {} values for {} columns",
            i + 1,
            row.len(),
            columns.len()
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let cols = vec!["a".to_string(), "b".to_string()];
        assert!(check_shape(&cols, &[vec![Value::Null, Value::Null]]).is_ok());
        assert_eq!(
            check_shape(&[], &[]).unwrap_err(),
            "the table has no columns"
        );
        assert_eq!(
            check_shape(&cols, &[vec![Value::Null, Value::Null], vec![Value::Null]]).unwrap_err(),
            "row 2 has 1 values for 2 columns"
        );
    }
}
