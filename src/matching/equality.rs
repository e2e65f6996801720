//! Exact JSON equality for `equals VALUE`, with numbers compared by value (`1` equals `1.0`).

use serde_json::{Number, Value};

/// True when both documents are equal: same kinds, same strings and booleans, numbers equal by
/// value, arrays equal element by element, objects with the same keys (in any order) and equal
/// values.
pub fn json_equals(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Number(a), Value::Number(b)) => numbers_equal(a, b),
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| json_equals(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, x)| b.get(key).is_some_and(|y| json_equals(x, y)))
        }
        _ => false,
    }
}

/// True when two JSON numbers have the same value.
///
/// Integers compare exactly (as 128-bit integers) so that large identifiers such as
/// `9007199254740993` are not confused with their neighbours by a detour through `f64`. An integer
/// and a float are equal only when the float is integral and converts exactly; two floats compare
/// as `f64`.
pub fn numbers_equal(a: &Number, b: &Number) -> bool {
    match (as_integer(a), as_integer(b)) {
        (Some(x), Some(y)) => x == y,
        (Some(i), None) => b.as_f64().is_some_and(|f| float_equals_integer(f, i)),
        (None, Some(i)) => a.as_f64().is_some_and(|f| float_equals_integer(f, i)),
        (None, None) => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

/// The number as an integer when JSON stored it as one (no fraction or exponent).
fn as_integer(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

/// True when the float has exactly the integer's value.
fn float_equals_integer(f: f64, i: i128) -> bool {
    // Every i64/u64 fits in ±2^64, which f64 represents exactly; outside that range (or for a
    // fraction) the float cannot equal a JSON integer.
    const LIMIT: f64 = 18_446_744_073_709_551_616.0; // 2^64
    f.is_finite() && f.fract() == 0.0 && f.abs() <= LIMIT && f as i128 == i
}
