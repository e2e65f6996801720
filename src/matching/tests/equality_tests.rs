use serde_json::{Number, Value, json};

use crate::matching::*;

fn num(text: &str) -> Number {
    serde_json::from_str(text).expect("a JSON number")
}

#[test]
fn numbers_compare_by_value_not_by_representation() {
    assert!(numbers_equal(&num("1"), &num("1.0")));
    assert!(numbers_equal(&num("1.0"), &num("1")));
    assert!(numbers_equal(&num("100"), &num("1e2")));
    assert!(numbers_equal(&num("-0.0"), &num("0")));
    assert!(numbers_equal(&num("0.5"), &num("5e-1")));
    assert!(!numbers_equal(&num("1"), &num("1.5")));
    assert!(!numbers_equal(&num("-1"), &num("1")));
}

#[test]
fn large_integers_are_compared_exactly() {
    // 2^53 + 1 and 2^53 are the same f64 but different integers.
    assert!(!numbers_equal(
        &num("9007199254740993"),
        &num("9007199254740992")
    ));
    assert!(numbers_equal(
        &num("18446744073709551615"),
        &num("18446744073709551615")
    ));
    assert!(!numbers_equal(&num("18446744073709551615"), &num("-1")));
    assert!(numbers_equal(
        &num("-9223372036854775808"),
        &num("-9223372036854775808")
    ));
    // A float equals an integer only when it has exactly that value.
    assert!(numbers_equal(
        &num("9007199254740992"),
        &num("9007199254740992.0")
    ));
    assert!(!numbers_equal(
        &num("9007199254740993"),
        &num("9007199254740992.0")
    ));
    assert!(!numbers_equal(&num("1"), &num("1e300")));
}

#[test]
fn json_equals_is_exact_apart_from_numbers() {
    assert!(json_equals(
        &json!({"a": [1, {"b": 2.0}]}),
        &json!({"a": [1.0, {"b": 2}]})
    ));
    assert!(json_equals(
        &json!({"a": 1, "b": 2}),
        &json!({"b": 2, "a": 1})
    ));
    assert!(json_equals(&json!(null), &json!(null)));
    assert!(json_equals(&json!({}), &json!({})));
    assert!(json_equals(&json!([]), &json!([])));
    assert!(json_equals(&json!("é"), &json!("é")));
    assert!(!json_equals(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
    assert!(!json_equals(&json!({"a": 1, "b": 2}), &json!({"a": 1})));
    assert!(!json_equals(&json!({"a": 1}), &json!({"b": 1})));
    assert!(!json_equals(&json!([1, 2]), &json!([2, 1])));
    assert!(!json_equals(&json!([1]), &json!([1, 1])));
    assert!(!json_equals(&json!(1), &json!("1")));
    assert!(!json_equals(&json!(true), &json!(1)));
    assert!(!json_equals(&json!(null), &json!(false)));
    assert!(!json_equals(&json!(""), &json!(null)));
}

#[test]
fn placeholders_are_plain_text_for_equals() {
    assert!(!json_equals(&json!("#string"), &json!("abc")));
    assert!(json_equals(&json!("#string"), &json!("#string")));
}

#[test]
fn kinds_read_as_words() {
    assert_eq!(kind_of(&json!(null)), "null");
    assert_eq!(kind_of(&json!([1])), "an array");
    assert_eq!(kind_and_value(&json!("x")), "a string \"x\"");
    assert_eq!(kind_and_value(&Value::Null), "null");
    let long = json!("a".repeat(200));
    let shown = show(&long);
    assert_eq!(shown.chars().count(), 81);
    assert!(shown.ends_with('…'));
}
