//! Numeric tolerances for `is within TOL of NUMBER` and `is within TOL% of NUMBER`.
//!
//! # Floating-point care
//!
//! Decimal numbers such as `74.81` have no exact binary form, so `|74.81 - 74.80|` computes to
//! `0.010000000000005116`, just above `0.01`. An engineer who writes "within 0.01" means the
//! decimal boundary, which is inclusive. [`Tolerance::check`] therefore adds a slack of a few units
//! in the last place of the numbers involved: `4 · ε · max(|expected|, |actual|, allowed)` with
//! `ε = f64::EPSILON`. That is the size of the rounding errors of parsing both numbers and
//! subtracting them, and orders of magnitude below any tolerance worth writing (for values around
//! 100 it is about 9e-14), so it never turns a real deviation into a pass.

use std::fmt;

use serde_json::Value;

use super::error::ToleranceError;
use super::kind::kind_and_value;

/// How many units in the last place the comparison forgives (see the module documentation).
const SLACK_ULPS: f64 = 4.0;

/// An allowed deviation from an expected number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tolerance {
    /// At most this far from the expected number (`0.01`).
    Absolute(f64),
    /// At most this many percent of the expected number (`0.5%` is `Relative(0.5)`). With an
    /// expected number of 0 only an actual 0 passes, as the percentage of 0 is 0.
    Relative(f64),
}

impl Tolerance {
    /// Parses `TOL` or `TOL%` as written in a step (`0.01`, `0.5%`, surrounding spaces ignored).
    pub fn parse(text: &str) -> Result<Self, ToleranceError> {
        let trimmed = text.trim();
        let (number, relative) = match trimmed.strip_suffix('%') {
            Some(number) => (number.trim_end(), true),
            None => (trimmed, false),
        };
        let value =
            parse_decimal(number).ok_or_else(|| ToleranceError::Invalid(text.to_owned()))?;
        if value < 0.0 {
            return Err(ToleranceError::Negative(text.to_owned()));
        }
        Ok(if relative {
            Self::Relative(value)
        } else {
            Self::Absolute(value)
        })
    }

    /// The largest deviation allowed around `expected`.
    pub fn allowed_deviation(&self, expected: f64) -> f64 {
        match *self {
            Self::Absolute(tolerance) => tolerance,
            // Dividing first keeps huge expected numbers from overflowing.
            Self::Relative(percent) => expected.abs() * (percent / 100.0),
        }
    }

    /// True when `actual` is within the tolerance of `expected`, boundary included. NaN and
    /// infinities never pass.
    pub fn check(&self, expected: f64, actual: f64) -> bool {
        if !expected.is_finite() || !actual.is_finite() {
            return false;
        }
        let allowed = self.allowed_deviation(expected);
        if !allowed.is_finite() {
            return false;
        }
        let magnitude = expected.abs().max(actual.abs()).max(allowed);
        let slack = SLACK_ULPS * f64::EPSILON * magnitude;
        (actual - expected).abs() <= allowed + slack
    }

    /// [`check`](Self::check) on a JSON value; anything but a number is an error (a string
    /// `"74.8"` is not accepted: the type of a field is part of the interface).
    pub fn check_value(&self, expected: f64, actual: &Value) -> Result<bool, ToleranceError> {
        match actual.as_f64() {
            Some(number) if actual.is_number() => Ok(self.check(expected, number)),
            _ => Err(ToleranceError::NotANumber(kind_and_value(actual))),
        }
    }
}

impl fmt::Display for Tolerance {
    /// As written in a step: `0.01` or `0.5%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Absolute(tolerance) => write!(f, "{tolerance}"),
            Self::Relative(percent) => write!(f, "{percent}%"),
        }
    }
}

/// Parses the NUMBER of a tolerance step: a finite decimal number (`74.8`, `-3`, `1e3`).
pub fn parse_number(text: &str) -> Result<f64, ToleranceError> {
    parse_decimal(text.trim()).ok_or_else(|| ToleranceError::InvalidNumber(text.to_owned()))
}

/// A finite number written with digits. Rust's `f64` parser also takes `inf`, `NaN` and
/// `infinity`, which must not reach a comparison, so only digits, sign, point and exponent pass.
fn parse_decimal(text: &str) -> Option<f64> {
    let digits_only = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | 'e' | 'E'));
    if !digits_only || !text.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse::<f64>().ok().filter(|value| value.is_finite())
}
