use serde_json::json;

use crate::matching::*;

fn tol(text: &str) -> Tolerance {
    Tolerance::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
}

#[test]
fn parses_absolute_and_relative_forms() {
    assert_eq!(tol("0.01"), Tolerance::Absolute(0.01));
    assert_eq!(tol("0.5%"), Tolerance::Relative(0.5));
    assert_eq!(tol(" 2 % "), Tolerance::Relative(2.0));
    assert_eq!(tol("0"), Tolerance::Absolute(0.0));
    assert_eq!(tol("1e-3"), Tolerance::Absolute(0.001));
    assert_eq!(tol("5"), Tolerance::Absolute(5.0));
}

#[test]
fn rejects_tolerances_that_are_not_finite_non_negative_numbers() {
    for bad in [
        "", "%", "abc", "0.01%%", "inf", "NaN", "infinity", "1e999", "0.0.1", "1 %x", "½",
    ] {
        assert_eq!(
            Tolerance::parse(bad),
            Err(ToleranceError::Invalid(bad.into())),
            "{bad:?}"
        );
    }
    assert_eq!(
        Tolerance::parse("-0.1"),
        Err(ToleranceError::Negative("-0.1".into()))
    );
    assert_eq!(
        Tolerance::parse("-1%"),
        Err(ToleranceError::Negative("-1%".into()))
    );
}

#[test]
fn displays_as_written() {
    assert_eq!(tol("0.01").to_string(), "0.01");
    assert_eq!(tol("0.5%").to_string(), "0.5%");
}

#[test]
fn decimal_boundary_is_inclusive_despite_binary_rounding() {
    // |74.81 - 74.80| computes to 0.010000000000005116 in f64, and |1e6+0.01 - 1e6| to
    // 0.010000000009313226.
    assert!((74.81_f64 - 74.80).abs() > 0.01);
    assert!((1_000_000.01_f64 - 1_000_000.0).abs() > 0.01);
    let t = tol("0.01");
    assert!(t.check(74.80, 74.79));
    assert!(t.check(74.80, 74.81));
    assert!(t.check(0.3, 0.1 + 0.2));
    assert!(t.check(1.0, 1.01));
    assert!(t.check(100.0, 100.01));
    assert!(t.check(0.5, 0.51));
    assert!(t.check(-5.0, -5.01));
    assert!(t.check(1_000_000.0, 1_000_000.01));
}

#[test]
fn just_beyond_the_boundary_fails() {
    let t = tol("0.01");
    assert!(!t.check(74.80, 74.789));
    assert!(!t.check(74.80, 74.8101));
    assert!(!t.check(1_000_000.0, 1_000_000.010_1));
    assert!(!tol("0").check(1.0, 1.000_000_1));
    assert!(tol("0").check(1.0, 1.0));
}

#[test]
fn relative_tolerance_is_a_percentage_of_the_expected_number() {
    let t = tol("0.5%");
    assert_eq!(t.allowed_deviation(200.0), 1.0);
    assert_eq!(t.allowed_deviation(-200.0), 1.0);
    assert!(t.check(200.0, 201.0));
    assert!(t.check(200.0, 199.0));
    assert!(!t.check(200.0, 201.001));
    assert!(t.check(-200.0, -201.0));
    assert!(tol("10%").check(0.3, 0.33));
    assert!(!tol("10%").check(0.3, 0.331));
}

#[test]
fn relative_tolerance_around_zero_only_accepts_zero() {
    let t = tol("5%");
    assert!(t.check(0.0, 0.0));
    assert!(t.check(0.0, -0.0));
    assert!(!t.check(0.0, 1e-300));
    assert!(!t.check(0.0, -0.001));
}

#[test]
fn nan_and_infinity_never_pass() {
    let t = tol("1000");
    assert!(!t.check(f64::NAN, 1.0));
    assert!(!t.check(1.0, f64::NAN));
    assert!(!t.check(f64::INFINITY, f64::INFINITY));
    assert!(!t.check(1.0, f64::NEG_INFINITY));
    assert!(tol("50%").check(f64::MAX, f64::MAX));
    assert!(tol("50%").check(1e300, 1e300));
}

#[test]
fn check_value_needs_a_json_number() {
    let t = tol("0.01");
    assert_eq!(t.check_value(74.8, &json!(74.79)), Ok(true));
    assert_eq!(t.check_value(74.8, &json!(74)), Ok(false));
    assert_eq!(t.check_value(74.8, &json!(75u64)), Ok(false));
    let e = t.check_value(74.8, &json!("74.8")).unwrap_err();
    assert_eq!(e.to_string(), r#"expected a number, found a string "74.8""#);
    assert_eq!(
        t.check_value(1.0, &json!(null)),
        Err(ToleranceError::NotANumber("null".into()))
    );
    assert!(t.check_value(1.0, &json!([1])).is_err());
}

#[test]
fn expected_numbers_must_be_finite_decimals() {
    assert_eq!(parse_number("74.8"), Ok(74.8));
    assert_eq!(parse_number("-3"), Ok(-3.0));
    assert_eq!(parse_number("1e3"), Ok(1000.0));
    for bad in ["", "inf", "-inf", "NaN", "1e400", "74,8", "x"] {
        assert_eq!(
            parse_number(bad),
            Err(ToleranceError::InvalidNumber(bad.into())),
            "{bad:?}"
        );
    }
}
