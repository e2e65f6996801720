use serde_json::{Value, json};

use crate::evidence::Mismatch;
use crate::matching::*;

/// The paths of all mismatches, in report order.
fn paths(mismatches: &[Mismatch]) -> Vec<&str> {
    mismatches.iter().map(|m| m.path.as_str()).collect()
}

fn single(expected: Value, actual: Value) -> Mismatch {
    let mut found = match_document(&expected, &actual);
    assert_eq!(
        found.len(),
        1,
        "expected exactly one mismatch, got {found:#?}"
    );
    found.remove(0)
}

#[test]
fn each_type_placeholder_accepts_its_kind_and_rejects_the_others() {
    let samples = [
        json!("s"),
        json!(1.5),
        json!(true),
        json!(null),
        json!([1]),
        json!({"a": 1}),
    ];
    let accepts: [(&str, [bool; 6]); 9] = [
        ("#string", [true, false, false, false, false, false]),
        ("#number", [false, true, false, false, false, false]),
        ("#boolean", [false, false, true, false, false, false]),
        ("#null", [false, false, false, true, false, false]),
        ("#notnull", [true, true, true, false, true, true]),
        ("#present", [true; 6]),
        ("#ignore", [true; 6]),
        ("#array", [false, false, false, false, true, false]),
        ("#object", [false, false, false, false, false, true]),
    ];
    for (placeholder, verdicts) in accepts {
        for (sample, accepted) in samples.iter().zip(verdicts) {
            let result = match_document(&json!({ "v": placeholder }), &json!({ "v": sample }));
            assert_eq!(
                result.is_empty(),
                accepted,
                "{placeholder} against {sample}: {result:?}"
            );
        }
    }
}

#[test]
fn absent_keys_only_match_ignore() {
    for placeholder in [
        "#string", "#number", "#boolean", "#null", "#notnull", "#present", "#array", "#object",
    ] {
        let m = single(json!({ "v": placeholder }), json!({}));
        assert_eq!(m.path, "$.v");
        assert_eq!(m.actual, Value::Null);
        assert!(
            m.reason.starts_with("key \"v\" is missing"),
            "{placeholder}: {}",
            m.reason
        );
    }
    assert!(match_document(&json!({"v": "#ignore"}), &json!({})).is_empty());
}

#[test]
fn null_placeholder_distinguishes_null_from_absent() {
    assert!(match_document(&json!({"v": "#null"}), &json!({"v": null})).is_empty());
    let m = single(json!({"v": "#null"}), json!({}));
    assert_eq!(
        m.reason,
        "key \"v\" is missing; \"#null\" needs a value here"
    );
    let m = single(json!({"v": "#notnull"}), json!({"v": null}));
    assert_eq!(
        m.reason,
        "expected a value other than null (#notnull), found null"
    );
}

#[test]
fn regex_must_match_the_whole_string() {
    let expected = json!({"serial": "#regex SN-[0-9]+"});
    assert!(match_document(&expected, &json!({"serial": "SN-123"})).is_empty());
    for bad in ["XSN-123", "SN-123X", "SN-", "sn-1"] {
        let m = single(expected.clone(), json!({ "serial": bad }));
        assert_eq!(
            m.reason,
            format!("expected a string matching /SN-[0-9]+/ in full, found a string \"{bad}\"")
        );
    }
    let m = single(expected, json!({"serial": 123}));
    assert_eq!(
        m.reason,
        "expected a string matching /SN-[0-9]+/ in full, found a number 123"
    );
}

#[test]
fn regex_alternation_is_anchored_as_a_whole() {
    let expected = json!({"v": "#regex a|b"});
    assert!(match_document(&expected, &json!({"v": "b"})).is_empty());
    assert_eq!(match_document(&expected, &json!({"v": "ab"})).len(), 1);
    // A pattern that is only "valid" once wrapped must still be rejected.
    let m = single(json!({"v": "#regex a)|(b"}), json!({"v": "a"}));
    assert!(
        m.reason
            .starts_with("invalid regular expression in \"#regex a)|(b\""),
        "{}",
        m.reason
    );
}

#[test]
fn regex_may_be_empty_or_use_unicode() {
    assert!(match_document(&json!("#regex "), &json!("")).is_empty());
    assert_eq!(match_document(&json!("#regex "), &json!("x")).len(), 1);
    assert!(match_document(&json!("#regex \\d+ °C"), &json!("21 °C")).is_empty());
}

#[test]
fn invalid_regex_is_a_mismatch_not_a_panic() {
    let m = single(json!({"v": "#regex [unclosed"}), json!({"v": "x"}));
    assert_eq!(m.path, "$.v");
    assert!(
        m.reason
            .starts_with("invalid regular expression in \"#regex [unclosed\""),
        "{}",
        m.reason
    );
    // Also when the key is absent: the scenario is wrong either way.
    let m = single(json!({"v": "#regex ("}), json!({}));
    assert!(
        m.reason.starts_with("invalid regular expression"),
        "{}",
        m.reason
    );
    let m = single(json!({"v": "#regex"}), json!({"v": "x"}));
    assert!(m.reason.contains("needs a pattern"), "{}", m.reason);
}

#[test]
fn the_same_regex_repeated_in_an_array_is_checked_for_every_element() {
    let expected = json!(["#regex [a-z]+", "#regex [a-z]+", "#regex [a-z]+"]);
    let found = match_document(&expected, &json!(["ok", "NO", "fine"]));
    assert_eq!(paths(&found), ["$[1]"]);
}

#[test]
fn extra_keys_are_mismatches_unless_rest_is_ignored() {
    let actual = json!({"a": 1, "b": 2, "c": 3});
    let found = match_document(&json!({"a": 1}), &actual);
    assert_eq!(paths(&found), ["$.b", "$.c"]);
    assert_eq!(found[0].expected, Value::Null);
    assert_eq!(found[0].actual, json!(2));
    assert!(
        found[0]
            .reason
            .starts_with("unexpected key \"b\" with a number 2"),
        "{}",
        found[0].reason
    );
    assert!(match_document(&json!({"a": 1, "#rest": "#ignore"}), &actual).is_empty());
    // #rest does not relax the keys that are named.
    let found = match_document(&json!({"a": 2, "#rest": "#ignore"}), &actual);
    assert_eq!(paths(&found), ["$.a"]);
}

#[test]
fn rest_only_accepts_ignore() {
    let found = match_document(
        &json!({"a": 1, "#rest": "#number"}),
        &json!({"a": 1, "b": 2}),
    );
    assert_eq!(paths(&found), ["$.#rest", "$.b"]);
    assert!(
        found[0].reason.contains("only accepts \"#ignore\""),
        "{}",
        found[0].reason
    );
}

#[test]
fn empty_objects_and_arrays() {
    assert!(match_document(&json!({}), &json!({})).is_empty());
    assert!(match_document(&json!([]), &json!([])).is_empty());
    assert_eq!(
        paths(&match_document(&json!({}), &json!({"x": 1}))),
        ["$.x"]
    );
    assert!(match_document(&json!({"#rest": "#ignore"}), &json!({"x": 1})).is_empty());
    let m = single(json!([]), json!([1]));
    assert_eq!(
        (m.path.as_str(), &m.expected, &m.actual),
        ("$", &json!(0), &json!(1))
    );
    let m = single(json!({}), json!([]));
    assert_eq!(m.reason, "expected an object, found an array []");
}

#[test]
fn arrays_match_element_by_element_and_report_length_and_elements() {
    let found = match_document(&json!([1, "#string", 3]), &json!([1, 2]));
    assert_eq!(paths(&found), ["$", "$[1]"]);
    assert_eq!(
        found[0].reason,
        "expected an array of 3 elements, found 2 elements"
    );
    assert_eq!(
        found[1].reason,
        "expected a string (#string), found a number 2"
    );
}

#[test]
fn nested_arrays_report_full_paths() {
    let expected = json!({"grid": [[1, 2], [3, ["#number", "#string"]]]});
    let actual = json!({"grid": [[1, 9], [3, ["x", "y"]]]});
    let found = match_document(&expected, &actual);
    assert_eq!(paths(&found), ["$.grid[0][1]", "$.grid[1][1][0]"]);
    assert_eq!(found[0].reason, "expected 2, found 9");
}

#[test]
fn every_mismatch_is_reported_with_its_path() {
    let expected = json!({
        "order": "#string",
        "metrics": [
            {"name": "availability", "value": "#number"},
            {"name": "performance", "value": "#number"},
            {"name": "oee", "value": 0.748}
        ],
        "status": "released",
        "operator": "#notnull"
    });
    let actual = json!({
        "order": 42,
        "metrics": [
            {"name": "availability", "value": 0.9},
            {"name": "perf", "value": "high"},
            {"name": "oee", "value": 0.75}
        ],
        "status": "released",
        "operator": null,
        "debug": true
    });
    let found = match_document(&expected, &actual);
    assert_eq!(
        paths(&found),
        [
            "$.order",
            "$.metrics[1].name",
            "$.metrics[1].value",
            "$.metrics[2].value",
            "$.operator",
            "$.debug"
        ]
    );
    let oee = &found[3];
    assert_eq!((&oee.expected, &oee.actual), (&json!(0.748), &json!(0.75)));
    assert_eq!(oee.reason, "expected 0.748, found 0.75");
    assert_eq!(found[1].reason, r#"expected "performance", found "perf""#);
}

#[test]
fn numbers_compare_by_value() {
    assert!(match_document(&json!({"n": 1}), &json!({"n": 1.0})).is_empty());
    assert!(match_document(&json!({"n": 1.0}), &json!({"n": 1})).is_empty());
    assert!(match_document(&json!({"n": -0.0}), &json!({"n": 0})).is_empty());
    let m = single(json!({"n": 1}), json!({"n": "1"}));
    assert_eq!(m.reason, r#"expected a number 1, found a string "1""#);
}

#[test]
fn literals_booleans_and_null_compare_exactly() {
    assert!(
        match_document(
            &json!({"b": true, "z": null}),
            &json!({"b": true, "z": null})
        )
        .is_empty()
    );
    let found = match_document(&json!({"b": true, "z": null}), &json!({"b": false}));
    assert_eq!(paths(&found), ["$.b", "$.z"]);
    assert_eq!(found[0].reason, "expected true, found false");
    assert_eq!(found[1].reason, "key \"z\" is missing; expected null");
    let m = single(json!({"s": "abc"}), json!({"s": null}));
    assert_eq!(m.reason, r#"expected the string "abc", found null"#);
}

#[test]
fn double_hash_is_a_literal_hash() {
    assert!(match_document(&json!({"tag": "##string"}), &json!({"tag": "#string"})).is_empty());
    assert_eq!(
        match_document(&json!({"tag": "##string"}), &json!({"tag": "text"})).len(),
        1
    );
    assert!(match_document(&json!({"c": "#ff0000"}), &json!({"c": "#ff0000"})).is_empty());
}

#[test]
fn unknown_placeholder_is_compared_as_text_with_a_hint() {
    assert!(match_document(&json!({"v": "#strng"}), &json!({"v": "#strng"})).is_empty());
    let m = single(json!({"v": "#strng"}), json!({"v": "abc"}));
    assert!(
        m.reason.contains("\"#strng\" is not a placeholder"),
        "{}",
        m.reason
    );
    assert!(m.reason.contains("write \"##strng\""), "{}", m.reason);
}

#[test]
fn placeholders_at_the_root() {
    assert!(match_document(&json!("#object"), &json!({"a": 1})).is_empty());
    assert!(match_document(&json!("#ignore"), &json!(null)).is_empty());
    let m = single(json!("#array"), json!({"a": 1}));
    assert_eq!(m.path, "$");
}

#[test]
fn unicode_and_awkward_keys_get_quoted_paths() {
    let found = match_document(
        &json!({"temp °C": 21, "a.b": 1, "é": 1}),
        &json!({"temp °C": 22, "a.b": 2, "é": 2}),
    );
    assert_eq!(paths(&found), [r#"$["temp °C"]"#, r#"$["a.b"]"#, "$.é"]);
}

#[test]
fn match_at_reports_paths_inside_the_whole_document() {
    let response = json!({"record": {"lines": [{"qty": 1}, {"qty": "2"}]}});
    let path = JsonPath::parse("record.lines").expect("valid path");
    let found = match_at(
        &json!([{"qty": "#number"}, {"qty": "#number"}]),
        path.lookup(&response),
        &path,
    );
    assert_eq!(paths(&found), ["$.record.lines[1].qty"]);
    let missing = JsonPath::parse("record.header").expect("valid path");
    let found = match_at(
        &json!({"#rest": "#ignore"}),
        missing.lookup(&response),
        &missing,
    );
    assert_eq!(paths(&found), ["$.record.header"]);
    assert_eq!(
        found[0].reason,
        "key \"header\" is missing; expected an object"
    );
}
