//! Values that fit one protobuf field (numbers, booleans, strings, bytes and the packed arrays)
//! between their JSON form and the field the datatype puts them in.
//!
//! The JSON form: integers and DateTime (ms) as JSON integers, Float and Double as numbers
//! (`"NaN"`, `"Infinity"`, `"-Infinity"` as strings, which JSON has no numbers for), strings as
//! strings, Bytes and File as base64, arrays as JSON arrays of their elements.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Number, Value};

use crate::datatype::{DataType, Storage};

/// The content of one value field, whichever oneof it came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    /// `int_value` (uint32).
    Int(u32),
    /// `long_value` (uint64).
    Long(u64),
    /// `float_value`.
    Float(f32),
    /// `double_value`.
    Double(f64),
    /// `boolean_value`.
    Boolean(bool),
    /// `string_value`.
    String(String),
    /// `bytes_value`.
    Bytes(Vec<u8>),
}

impl Raw {
    /// The protobuf field's name, for messages.
    pub fn field(&self) -> &'static str {
        match self {
            Raw::Int(_) => "int_value",
            Raw::Long(_) => "long_value",
            Raw::Float(_) => "float_value",
            Raw::Double(_) => "double_value",
            Raw::Boolean(_) => "boolean_value",
            Raw::String(_) => "string_value",
            Raw::Bytes(_) => "bytes_value",
        }
    }

    /// The value as JSON when no datatype says how to read it.
    pub fn untyped_json(&self) -> Value {
        match self {
            Raw::Int(v) => Value::from(*v),
            Raw::Long(v) => Value::from(*v),
            Raw::Float(v) => float_json(*v),
            Raw::Double(v) => double_json(*v),
            Raw::Boolean(v) => Value::Bool(*v),
            Raw::String(v) => Value::String(v.clone()),
            Raw::Bytes(v) => Value::String(BASE64.encode(v)),
        }
    }
}

/// A Float as JSON: the shortest decimal that reads back as the same f32 (so 0.1 stays 0.1).
pub fn float_json(v: f32) -> Value {
    if !v.is_finite() {
        return non_finite(f64::from(v));
    }
    let shortest: f64 = v.to_string().parse().unwrap_or(f64::from(v));
    Number::from_f64(shortest).map_or(Value::Null, Value::Number)
}

/// A Double as JSON.
pub fn double_json(v: f64) -> Value {
    Number::from_f64(v).map_or_else(|| non_finite(v), Value::Number)
}

fn non_finite(v: f64) -> Value {
    Value::String(
        if v.is_nan() {
            "NaN"
        } else if v > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }
        .into(),
    )
}

/// The integer a datatype reads from either integer field, range-checked.
fn integer(dt: DataType, raw: &Raw) -> Result<Value, String> {
    use DataType::*;
    let wide: i128 = match (dt, raw) {
        // Signed types narrower than 64 bits travel as 32-bit two's complement.
        (Int8 | Int16 | Int32, Raw::Int(v)) => i128::from(*v as i32),
        (Int8 | Int16 | Int32 | Int64, Raw::Long(v)) => i128::from(*v as i64),
        (Int64, Raw::Int(v)) => i128::from(*v as i32),
        (_, Raw::Int(v)) => i128::from(*v),
        (_, Raw::Long(v)) => i128::from(*v),
        _ => return Err(wrong_field(dt, raw)),
    };
    let (lo, hi) = range(dt);
    if wide < lo || wide > hi {
        return Err(format!("{} {wide} is out of range for {dt}", raw.field()));
    }
    Ok(if wide < 0 {
        Value::from(wide as i64)
    } else {
        Value::from(wide as u64)
    })
}

fn range(dt: DataType) -> (i128, i128) {
    use DataType::*;
    match dt {
        Int8 => (i8::MIN.into(), i8::MAX.into()),
        Int16 => (i16::MIN.into(), i16::MAX.into()),
        Int32 => (i32::MIN.into(), i32::MAX.into()),
        Int64 => (i64::MIN.into(), i64::MAX.into()),
        UInt8 => (0, u8::MAX.into()),
        UInt16 => (0, u16::MAX.into()),
        UInt32 => (0, u32::MAX.into()),
        _ => (0, u64::MAX.into()),
    }
}

fn wrong_field(dt: DataType, raw: &Raw) -> String {
    format!("datatype {dt} but the value is in {}", raw.field())
}

/// Reads `raw` as datatype `dt` (a scalar or array type).
pub fn to_json(dt: DataType, raw: &Raw) -> Result<Value, String> {
    match (dt.storage(), raw) {
        (Storage::Int | Storage::Long, Raw::Int(_) | Raw::Long(_)) => integer(dt, raw),
        (Storage::Float, Raw::Float(v)) => Ok(float_json(*v)),
        (Storage::Double, Raw::Double(v)) => Ok(double_json(*v)),
        (Storage::Boolean, Raw::Boolean(v)) => Ok(Value::Bool(*v)),
        (Storage::String, Raw::String(v)) => Ok(Value::String(v.clone())),
        (Storage::Bytes, Raw::Bytes(v)) => match dt.element() {
            Some(element) => crate::array::unpack(dt, element, v),
            None => Ok(Value::String(BASE64.encode(v))),
        },
        _ => Err(wrong_field(dt, raw)),
    }
}

/// Writes the JSON `value` as datatype `dt` (a scalar or array type).
pub fn from_json(dt: DataType, value: &Value) -> Result<Raw, String> {
    let expected = |what: &str| format!("{dt} needs {what}, not {value}");
    match dt.storage() {
        Storage::Int | Storage::Long => {
            let (lo, hi) = range(dt);
            let wide = value
                .as_i64()
                .map(i128::from)
                .or_else(|| value.as_u64().map(i128::from))
                .filter(|v| *v >= lo && *v <= hi)
                .ok_or_else(|| expected(&format!("an integer in {lo}..={hi}")))?;
            Ok(if dt.storage() == Storage::Int {
                Raw::Int(wide as i32 as u32)
            } else {
                Raw::Long(wide as i64 as u64)
            })
        }
        Storage::Float => number(value)
            .map(|v| Raw::Float(v as f32))
            .ok_or_else(|| expected("a number")),
        Storage::Double => number(value)
            .map(Raw::Double)
            .ok_or_else(|| expected("a number")),
        Storage::Boolean => value
            .as_bool()
            .map(Raw::Boolean)
            .ok_or_else(|| expected("true or false")),
        Storage::String => value
            .as_str()
            .map(|s| Raw::String(s.to_string()))
            .ok_or_else(|| expected("a string")),
        Storage::Bytes => match dt.element() {
            Some(element) => crate::array::pack(dt, element, value).map(Raw::Bytes),
            None => value
                .as_str()
                .and_then(|s| BASE64.decode(s).ok())
                .map(Raw::Bytes)
                .ok_or_else(|| expected("base64 text")),
        },
        _ => Err(format!("{dt} is not a single value")),
    }
}

/// A JSON number, or one of the strings that stand for the numbers JSON lacks.
pub fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn signed_narrow_integers_are_32_bit_twos_complement() {
        assert_eq!(
            from_json(DataType::Int8, &json!(-1)),
            Ok(Raw::Int(u32::MAX))
        );
        assert_eq!(to_json(DataType::Int8, &Raw::Int(u32::MAX)), Ok(json!(-1)));
        assert_eq!(
            from_json(DataType::Int64, &json!(-2)),
            Ok(Raw::Long(u64::MAX - 1))
        );
        assert_eq!(
            to_json(DataType::Int64, &Raw::Long(u64::MAX - 1)),
            Ok(json!(-2))
        );
        assert_eq!(from_json(DataType::UInt32, &json!(7)), Ok(Raw::Long(7)));
        assert_eq!(
            to_json(DataType::UInt64, &Raw::Long(u64::MAX)),
            Ok(json!(u64::MAX))
        );
    }

    #[test]
    fn out_of_range_and_wrong_fields_are_errors() {
        assert!(from_json(DataType::Int8, &json!(128)).is_err());
        assert!(from_json(DataType::UInt16, &json!(-1)).is_err());
        assert!(from_json(DataType::Int32, &json!("7")).is_err());
        assert!(from_json(DataType::Int32, &json!(1.5)).is_err());
        assert!(to_json(DataType::Int8, &Raw::Int(200)).is_err());
        let wrong = to_json(DataType::Int32, &Raw::String("x".into())).unwrap_err();
        assert_eq!(wrong, "datatype Int32 but the value is in string_value");
        assert!(to_json(DataType::Float, &Raw::Double(1.0)).is_err());
    }

    #[test]
    fn floats_read_back_as_written_and_non_finite_as_strings() {
        assert_eq!(from_json(DataType::Float, &json!(0.1)), Ok(Raw::Float(0.1)));
        assert_eq!(to_json(DataType::Float, &Raw::Float(0.1)), Ok(json!(0.1)));
        assert_eq!(
            to_json(DataType::Double, &Raw::Double(f64::NAN)),
            Ok(json!("NaN"))
        );
        assert_eq!(
            from_json(DataType::Float, &json!("-Infinity")),
            Ok(Raw::Float(f32::NEG_INFINITY))
        );
    }

    #[test]
    fn bytes_are_base64() {
        assert_eq!(
            from_json(DataType::Bytes, &json!("AAEC")),
            Ok(Raw::Bytes(vec![0, 1, 2]))
        );
        assert_eq!(
            to_json(DataType::File, &Raw::Bytes(vec![0, 1, 2])),
            Ok(json!("AAEC"))
        );
        assert!(from_json(DataType::Bytes, &json!("not base64!")).is_err());
    }
}
