use serde_json::json;

use crate::matching::*;

fn table(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|row| row.iter().map(|cell| (*cell).to_owned()).collect())
        .collect()
}

#[test]
fn header_and_one_row_make_an_object_in_column_order() {
    let value = table_to_json(&table(&[&["serial", "qty", "ok"], &["SN-1", "5", "true"]]));
    assert_eq!(value, Ok(json!({"serial": "SN-1", "qty": 5, "ok": true})));
    let keys: Vec<String> = value
        .ok()
        .and_then(|v| v.as_object().map(|o| o.keys().cloned().collect()))
        .unwrap_or_default();
    assert_eq!(keys, ["serial", "qty", "ok"]);
}

#[test]
fn header_and_several_rows_make_an_array_of_objects() {
    let value = table_to_json(&table(&[
        &["serial", "qty"],
        &["SN-1", "5"],
        &["SN-2", "1.5"],
    ]));
    assert_eq!(
        value,
        Ok(json!([{"serial": "SN-1", "qty": 5}, {"serial": "SN-2", "qty": 1.5}]))
    );
}

#[test]
fn cells_that_parse_as_json_keep_their_type() {
    assert_eq!(cell_to_json("42"), json!(42));
    assert_eq!(cell_to_json("-1.5e2"), json!(-150.0));
    assert_eq!(cell_to_json("true"), json!(true));
    assert_eq!(cell_to_json("false"), json!(false));
    assert_eq!(cell_to_json("null"), json!(null));
    assert_eq!(cell_to_json("\"42\""), json!("42"));
    assert_eq!(cell_to_json("\"\""), json!(""));
    assert_eq!(cell_to_json("[1, \"a\"]"), json!([1, "a"]));
    assert_eq!(
        cell_to_json("{\"a\": {\"b\": null}}"),
        json!({"a": {"b": null}})
    );
}

#[test]
fn everything_else_is_a_string() {
    for cell in [
        "",
        "SN-1",
        "007",
        "True",
        "NULL",
        "1,5",
        "1.",
        ".5",
        "NaN",
        "{not json",
        "hello world",
        "é",
    ] {
        assert_eq!(cell_to_json(cell), json!(cell), "{cell:?}");
    }
}

#[test]
fn header_only_and_empty_tables_are_errors() {
    assert_eq!(table_to_json(&[]), Err(TableError::Empty));
    assert_eq!(
        table_to_json(&table(&[&["a", "b"]])),
        Err(TableError::HeaderOnly)
    );
}

#[test]
fn header_cells_must_be_unique_names() {
    assert_eq!(
        table_to_json(&table(&[&["a", ""], &["1", "2"]])),
        Err(TableError::EmptyHeader { column: 2 })
    );
    assert_eq!(
        table_to_json(&table(&[&["a", "b", "a"], &["1", "2", "3"]])),
        Err(TableError::DuplicateHeader {
            name: "a".into(),
            first: 1,
            second: 3
        })
    );
}

#[test]
fn ragged_rows_are_errors_with_the_row_number() {
    let e = table_to_json(&table(&[&["a", "b"], &["1", "2"], &["3"]]));
    assert_eq!(
        e,
        Err(TableError::RaggedRow {
            row: 3,
            expected: 2,
            found: 1
        })
    );
    assert_eq!(
        e.map_err(|e| e.to_string()),
        Err("row 3 has 1 cells but the header has 2".into())
    );
}

#[test]
fn header_names_are_taken_literally() {
    let value = table_to_json(&table(&[&["a.b", "42", "température"], &["x", "y", "z"]]));
    assert_eq!(
        value,
        Ok(json!({"a.b": "x", "42": "y", "température": "z"}))
    );
}
