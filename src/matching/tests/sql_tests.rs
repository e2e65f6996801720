use serde_json::{Value, json};

use crate::matching::*;

#[test]
fn null_cell_matches_only_sql_null() {
    assert!(cell_matches("NULL", &Value::Null));
    assert!(!cell_matches("NULL", &json!("NULL")));
    assert!(!cell_matches("NULL", &json!(0)));
    assert!(!cell_matches("null", &Value::Null));
    assert!(!cell_matches("", &Value::Null));
    assert!(!cell_matches("0", &Value::Null));
}

#[test]
fn numeric_cells_compare_by_value() {
    assert!(cell_matches("1", &json!(1)));
    assert!(cell_matches("1", &json!(1.0)));
    assert!(cell_matches("1.0", &json!(1)));
    assert!(cell_matches("1e2", &json!(100)));
    assert!(cell_matches("-0", &json!(0)));
    assert!(cell_matches("74.8", &json!(74.8)));
    assert!(!cell_matches("74.8", &json!(74.80001)));
    assert!(cell_matches("9223372036854775807", &json!(i64::MAX)));
    assert!(!cell_matches("9223372036854775806", &json!(i64::MAX)));
}

#[test]
fn numeric_cells_match_numeric_text_columns() {
    assert!(cell_matches("1", &json!("1.0")));
    assert!(cell_matches("2.50", &json!("2.5")));
    assert!(!cell_matches("1", &json!("01")));
    assert!(!cell_matches("1", &json!(" 1")));
    assert!(!cell_matches("1", &json!("one")));
}

#[test]
fn text_cells_compare_exactly() {
    assert!(cell_matches("SN-1", &json!("SN-1")));
    assert!(!cell_matches("SN-1", &json!("sn-1")));
    assert!(cell_matches("", &json!("")));
    assert!(cell_matches("007", &json!("007")));
    assert!(!cell_matches("007", &json!(7)));
    assert!(cell_matches("deadbeef", &json!("deadbeef")));
    assert!(cell_matches("é ü", &json!("é ü")));
    assert!(cell_matches("true", &json!(true)));
    assert!(!cell_matches("true", &json!(1)));
}

#[test]
fn quoted_cells_are_exact_text() {
    assert!(cell_matches("\"NULL\"", &json!("NULL")));
    assert!(!cell_matches("\"NULL\"", &Value::Null));
    assert!(cell_matches("\"1.0\"", &json!("1.0")));
    assert!(!cell_matches("\"1.0\"", &json!("1")));
    assert!(!cell_matches("\"42\"", &json!(42)));
    // Not a valid JSON string: plain text including the quote.
    assert!(cell_matches("\"open", &json!("\"open")));
}

#[test]
fn normalised_cells_show_what_they_stand_for() {
    assert_eq!(normalise_cell("NULL"), NormalisedCell::Null);
    assert_eq!(normalise_cell("1.0").to_json(), json!(1.0));
    assert_eq!(normalise_cell("x").to_json(), json!("x"));
    assert_eq!(normalise_cell("NULL").to_string(), "NULL");
    assert_eq!(normalise_cell("2.5").to_string(), "2.5");
    assert_eq!(normalise_cell("a\"b").to_string(), r#""a\"b""#);
}

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

fn expected_table() -> Vec<Vec<String>> {
    vec![
        strings(&["serial", "qty", "note"]),
        strings(&["SN-1", "5", "NULL"]),
        strings(&["SN-2", "1.5", "late"]),
    ]
}

#[test]
fn query_result_equal_to_the_table_has_no_mismatches() {
    let columns = strings(&["serial", "qty", "note"]);
    let rows = vec![
        vec![json!("SN-1"), json!(5.0), Value::Null],
        vec![json!("SN-2"), json!(1.5), json!("late")],
    ];
    assert!(compare_rows(&expected_table(), &columns, &rows).is_empty());
    assert_eq!(
        rows_to_json(&columns, &rows),
        json!([{"serial": "SN-1", "qty": 5.0, "note": null}, {"serial": "SN-2", "qty": 1.5, "note": "late"}])
    );
}

#[test]
fn every_differing_cell_is_reported() {
    let columns = strings(&["serial", "qty", "note"]);
    let rows = vec![
        vec![json!("SN-1"), json!(6), json!("")],
        vec![json!("SN-3"), json!(1.5), json!("late")],
    ];
    let found = compare_rows(&expected_table(), &columns, &rows);
    let paths: Vec<&str> = found.iter().map(|m| m.path.as_str()).collect();
    assert_eq!(paths, ["$[0].qty", "$[0].note", "$[1].serial"]);
    assert_eq!(found[0].reason, "expected 5, found the number 6");
    assert_eq!(
        (&found[1].expected, &found[1].actual),
        (&Value::Null, &json!(""))
    );
    assert_eq!(found[1].reason, "expected NULL, found the text \"\"");
    assert_eq!(
        found[2].reason,
        "expected \"SN-2\", found the text \"SN-3\""
    );
}

#[test]
fn row_count_and_columns_are_checked() {
    let columns = strings(&["serial", "qty", "note"]);
    let one = vec![vec![json!("SN-1"), json!(5), Value::Null]];
    let found = compare_rows(&expected_table(), &columns, &one);
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].reason,
        "expected 2 rows, the query returned 1 rows"
    );

    let header_only = vec![strings(&["serial", "qty", "note"])];
    assert!(compare_rows(&header_only, &columns, &[]).is_empty());
    assert_eq!(compare_rows(&header_only, &columns, &one).len(), 1);

    let swapped = strings(&["serial", "note", "qty"]);
    let found = compare_rows(&expected_table(), &swapped, &one);
    assert_eq!(found.len(), 1);
    assert!(
        found[0]
            .reason
            .starts_with("the columns differ: expected serial, qty, note"),
        "{}",
        found[0].reason
    );

    assert_eq!(compare_rows(&[], &columns, &one).len(), 1);
}

#[test]
fn ragged_rows_are_reported_not_indexed() {
    let columns = strings(&["serial", "qty", "note"]);
    let short = vec![
        vec![json!("SN-1")],
        vec![json!("SN-2"), json!(1.5), json!("late")],
    ];
    let found = compare_rows(&expected_table(), &columns, &short);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].path, "$[0]");
}
