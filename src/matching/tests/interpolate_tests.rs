use serde_json::{Value, json};

use crate::matching::*;

fn vars() -> Variables {
    let mut v = Variables::new();
    v.set("serial", json!("SN-0042"));
    v.set("count", json!(3));
    v.set("ratio", json!(0.75));
    v.set("flag", json!(true));
    v.set("nothing", json!(null));
    v.set("scenario_dir", json!(r"C:\runs\s1"));
    v.set("quote", json!(r#"say "hi""#));
    v.set(
        "order",
        json!({"id": "WO-1", "lines": [{"qty": 5}, {"qty": 7}], "a.b": {"c": "deep"}}),
    );
    v.set("tags", json!(["x", "y"]));
    v
}

fn text(template: &str) -> String {
    vars()
        .interpolate(template)
        .unwrap_or_else(|e| panic!("{template:?}: {e}"))
}

fn json_text(template: &str) -> String {
    vars()
        .interpolate_json(template)
        .unwrap_or_else(|e| panic!("{template:?}: {e}"))
}

#[test]
fn strings_insert_raw_and_other_values_as_compact_json() {
    assert_eq!(text("serial ${serial}"), "serial SN-0042");
    assert_eq!(text("${count} items"), "3 items");
    assert_eq!(text("${ratio}|${flag}|${nothing}"), "0.75|true|null");
    assert_eq!(text("${tags}"), r#"["x","y"]"#);
    assert_eq!(text("${order.lines[0]}"), r#"{"qty":5}"#);
    assert_eq!(text("no references"), "no references");
    assert_eq!(text(""), "");
}

#[test]
fn paths_reach_into_remembered_values() {
    assert_eq!(text("${order.id}"), "WO-1");
    assert_eq!(text("${order.lines[1].qty}"), "7");
    assert_eq!(text("${order.lines[-1].qty}"), "7");
    assert_eq!(text(r#"${order["a.b"].c}"#), "deep");
    assert_eq!(text("${tags[0]}${tags[1]}"), "xy");
}

#[test]
fn several_references_and_unicode_around_them() {
    assert_eq!(text("é ${serial}→${count} ü"), "é SN-0042→3 ü");
    assert_eq!(text("${serial}${serial}"), "SN-0042SN-0042");
}

#[test]
fn double_dollar_escapes_a_literal_reference() {
    assert_eq!(text("$${serial}"), "${serial}");
    assert_eq!(text("cost $5 and $$ and $"), "cost $5 and $$ and $");
    // Left to right: a lone `$`, then the escape.
    assert_eq!(text("$$${serial}"), "$${serial}");
    assert_eq!(text("$ {serial}"), "$ {serial}");
    assert_eq!(text("$${unknown"), "${unknown");
}

#[test]
fn unknown_variables_are_named_with_the_known_ones() {
    let e = vars().interpolate("lot ${lot}").unwrap_err();
    assert_eq!(
        e,
        InterpolateError::Unknown {
            name: "lot".into(),
            expression: "lot".into(),
            known: "count, flag, nothing, order, quote, ratio, scenario_dir, serial, tags".into()
        }
    );
    assert!(
        e.to_string()
            .starts_with("unknown variable \"lot\" in ${lot}"),
        "{e}"
    );
    let e = Variables::new().interpolate("${x.y}").unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown variable \"x\" in ${x.y} (known variables: none)"
    );
}

#[test]
fn missing_fields_say_where() {
    let e = vars().interpolate("${order.lines[9].qty}").unwrap_err();
    assert_eq!(
        e.to_string(),
        "${order.lines[9].qty}: in variable \"order\", index 9 is out of range for the array of 2 \
         elements at $.lines"
    );
    assert!(matches!(
        vars().interpolate("${serial.x}"),
        Err(InterpolateError::MissingField { .. })
    ));
}

#[test]
fn malformed_references_are_errors_with_line_and_column() {
    let v = vars();
    assert_eq!(
        v.interpolate("ab ${serial"),
        Err(InterpolateError::Unclosed { line: 1, column: 4 })
    );
    assert_eq!(
        v.interpolate("{\n  \"a\": ${x\n}"),
        Err(InterpolateError::Unclosed { line: 2, column: 8 })
    );
    for bad in ["${}", "${$}", "${$.serial}", "${[0]}", "${$[0]}"] {
        assert!(
            matches!(v.interpolate(bad), Err(InterpolateError::NoName { .. })),
            "{bad}"
        );
    }
    match v.interpolate("x\ny ${order..id}") {
        Err(InterpolateError::BadReference {
            line,
            column,
            source,
            ..
        }) => {
            assert_eq!((line, column, source.column), (2, 3, 7));
        }
        other => panic!("expected BadReference, got {other:?}"),
    }
}

#[test]
fn quoted_keys_may_contain_braces() {
    let mut v = Variables::new();
    v.set("m", json!({"a}b": 1}));
    assert_eq!(v.interpolate(r#"${m["a}b"]}!"#), Ok("1!".to_owned()));
    v.set("odd name", json!("ok"));
    assert_eq!(v.interpolate(r#"${["odd name"]}"#), Ok("ok".to_owned()));
}

#[test]
fn inside_json_strings_values_are_escaped() {
    let doc = json_text(
        r#"{"file": "${scenario_dir}\\data.jsonl", "note": "${quote}", "n": "${count}"}"#,
    );
    let parsed: Value = serde_json::from_str(&doc).expect("valid JSON");
    assert_eq!(
        parsed,
        json!({"file": r"C:\runs\s1\data.jsonl", "note": r#"say "hi""#, "n": "3"})
    );
}

#[test]
fn outside_json_strings_values_are_inserted_as_json() {
    let doc = json_text(
        r#"{"serial": ${serial}, "count": ${count}, "lines": ${order.lines}, "z": ${nothing}}"#,
    );
    let parsed: Value = serde_json::from_str(&doc).expect("valid JSON");
    assert_eq!(
        parsed,
        json!({"serial": "SN-0042", "count": 3, "lines": [{"qty": 5}, {"qty": 7}], "z": null})
    );
}

#[test]
fn json_string_tracking_survives_escaped_quotes_and_multiple_lines() {
    let template = "{\n  \"a\": \"x \\\" ${serial}\",\n  \"b\": ${count},\n  \"c\": \"#regex ^${serial}-[0-9]+$\"\n}";
    let parsed: Value = serde_json::from_str(&json_text(template)).expect("valid JSON");
    assert_eq!(
        parsed,
        json!({"a": "x \" SN-0042", "b": 3, "c": "#regex ^SN-0042-[0-9]+$"})
    );
}

#[test]
fn literal_reference_in_a_json_doc_string() {
    let parsed: Value =
        serde_json::from_str(&json_text(r#"{"t": "$${serial}"}"#)).expect("valid JSON");
    assert_eq!(parsed, json!({"t": "${serial}"}));
}

#[test]
fn store_basics() {
    let mut v = Variables::new();
    assert_eq!(v.set("a", json!(1)), None);
    assert_eq!(v.set("a", json!(2)), Some(json!(1)));
    assert_eq!(v.get("a"), Some(&json!(2)));
    assert_eq!(v.resolve("a"), Ok(&json!(2)));
    assert_eq!(v.as_map().len(), 1);
}
