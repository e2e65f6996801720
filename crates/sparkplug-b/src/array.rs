//! The array datatypes of Sparkplug 3.0, packed into `bytes_value`: elements little-endian one
//! after the other; BooleanArray as a 4-byte little-endian count followed by the bits, most
//! significant bit first; StringArray as UTF-8 strings each ended by a NUL byte; DateTimeArray
//! as Int64 milliseconds.

use serde_json::Value;

use crate::datatype::DataType;
use crate::scalar::{Raw, from_json, to_json};

/// Bytes per element of the fixed-width array types.
fn width(element: DataType) -> usize {
    use DataType::*;
    match element {
        Int8 | UInt8 => 1,
        Int16 | UInt16 => 2,
        Int32 | UInt32 | Float => 4,
        _ => 8,
    }
}

/// Packs the JSON array `value` as array type `dt`.
pub fn pack(dt: DataType, element: DataType, value: &Value) -> Result<Vec<u8>, String> {
    let items = value
        .as_array()
        .ok_or_else(|| format!("{dt} needs a JSON array, not {value}"))?;
    let mut out = Vec::new();
    match element {
        DataType::Boolean => {
            let count = u32::try_from(items.len()).map_err(|_| "too many booleans".to_string())?;
            out.extend_from_slice(&count.to_le_bytes());
            out.resize(4 + items.len().div_ceil(8), 0);
            for (i, item) in items.iter().enumerate() {
                let bit = item
                    .as_bool()
                    .ok_or_else(|| format!("{dt} element {i}: {item} is not true or false"))?;
                if bit {
                    out[4 + i / 8] |= 0x80 >> (i % 8);
                }
            }
        }
        DataType::String => {
            for (i, item) in items.iter().enumerate() {
                let text = item.as_str().filter(|s| !s.contains('\0')).ok_or_else(|| {
                    format!("{dt} element {i}: {item} is not a string without NUL")
                })?;
                out.extend_from_slice(text.as_bytes());
                out.push(0);
            }
        }
        _ => {
            for (i, item) in items.iter().enumerate() {
                let raw = from_json(element, item).map_err(|e| format!("{dt} element {i}: {e}"))?;
                let bytes = match raw {
                    Raw::Int(v) => v.to_le_bytes()[..width(element)].to_vec(),
                    Raw::Long(v) => v.to_le_bytes()[..width(element)].to_vec(),
                    Raw::Float(v) => v.to_le_bytes().to_vec(),
                    Raw::Double(v) => v.to_le_bytes().to_vec(),
                    other => return Err(format!("{dt} element {i}: unexpected {}", other.field())),
                };
                out.extend_from_slice(&bytes);
            }
        }
    }
    Ok(out)
}

/// Unpacks `bytes` as array type `dt` into a JSON array.
pub fn unpack(dt: DataType, element: DataType, bytes: &[u8]) -> Result<Value, String> {
    match element {
        DataType::Boolean => {
            let (count, bits) = bytes
                .split_first_chunk::<4>()
                .ok_or_else(|| format!("{dt}: {} bytes, too short for the count", bytes.len()))?;
            let count = u32::from_le_bytes(*count) as usize;
            if bits.len() != count.div_ceil(8) {
                return Err(format!(
                    "{dt}: {count} booleans need {} bytes after the count, not {}",
                    count.div_ceil(8),
                    bits.len()
                ));
            }
            Ok((0..count)
                .map(|i| Value::Bool(bits[i / 8] & (0x80 >> (i % 8)) != 0))
                .collect())
        }
        DataType::String => {
            if bytes.is_empty() {
                return Ok(Value::Array(Vec::new()));
            }
            let body = bytes
                .strip_suffix(&[0])
                .ok_or_else(|| format!("{dt}: the last string is not ended by a NUL byte"))?;
            body.split(|b| *b == 0)
                .map(|s| {
                    std::str::from_utf8(s)
                        .map(|t| Value::String(t.to_string()))
                        .map_err(|_| format!("{dt}: an element is not UTF-8"))
                })
                .collect()
        }
        _ => {
            let w = width(element);
            if bytes.len() % w != 0 {
                return Err(format!(
                    "{dt}: {} bytes is not a multiple of {w}",
                    bytes.len()
                ));
            }
            bytes
                .chunks_exact(w)
                .map(|chunk| {
                    let mut le = [0u8; 8];
                    le[..w].copy_from_slice(chunk);
                    let wide = u64::from_le_bytes(le);
                    let raw = match element {
                        DataType::Float => {
                            Raw::Float(f32::from_le_bytes(le[..4].try_into().unwrap_or_default()))
                        }
                        DataType::Double => Raw::Double(f64::from_bits(wide)),
                        // Sign-extend the narrow signed elements into the 32-bit field form.
                        DataType::Int8 => Raw::Int(chunk[0] as i8 as i32 as u32),
                        DataType::Int16 => {
                            Raw::Int(i16::from_le_bytes([chunk[0], chunk[1]]) as i32 as u32)
                        }
                        DataType::Int32 | DataType::UInt8 | DataType::UInt16 => {
                            Raw::Int(wide as u32)
                        }
                        _ => Raw::Long(wide),
                    };
                    to_json(element, &raw).map_err(|e| format!("{dt}: {e}"))
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(dt: DataType, value: Value) -> Vec<u8> {
        let element = dt.element().expect("array type");
        let bytes = pack(dt, element, &value).expect("packs");
        assert_eq!(unpack(dt, element, &bytes), Ok(value), "{dt}");
        bytes
    }

    #[test]
    fn every_array_type_round_trips() {
        assert_eq!(
            round_trip(DataType::Int8Array, json!([-1, 2])),
            vec![0xff, 2]
        );
        assert_eq!(
            round_trip(DataType::Int16Array, json!([-2])),
            vec![0xfe, 0xff]
        );
        round_trip(DataType::Int32Array, json!([-3, i32::MAX]));
        round_trip(DataType::Int64Array, json!([i64::MIN, 5]));
        round_trip(DataType::UInt8Array, json!([255, 0]));
        round_trip(DataType::UInt16Array, json!([65535]));
        round_trip(DataType::UInt32Array, json!([u32::MAX]));
        round_trip(DataType::UInt64Array, json!([u64::MAX]));
        round_trip(DataType::FloatArray, json!([1.5, 0.1]));
        round_trip(DataType::DoubleArray, json!([2.25, -0.1]));
        round_trip(DataType::DateTimeArray, json!([1709532000000u64]));
        assert_eq!(
            round_trip(DataType::StringArray, json!(["ab", ""])),
            b"ab\0\0".to_vec()
        );
    }

    #[test]
    fn boolean_arrays_carry_a_count_and_msb_first_bits() {
        // Twelve booleans: count 12 little-endian, then 0011_0100 and 1101_0000 (padding zero).
        let spec = json!([
            false, false, true, true, false, true, false, false, true, true, false, true
        ]);
        assert_eq!(
            round_trip(DataType::BooleanArray, spec),
            vec![0x0c, 0, 0, 0, 0x34, 0xd0]
        );
    }

    #[test]
    fn malformed_packed_arrays_are_errors() {
        assert!(unpack(DataType::Int16Array, DataType::Int16, &[1, 2, 3]).is_err());
        assert!(unpack(DataType::BooleanArray, DataType::Boolean, &[9, 0, 0, 0, 1]).is_err());
        assert!(
            unpack(
                DataType::BooleanArray,
                DataType::Boolean,
                &[0xff, 0xff, 0xff, 0xff]
            )
            .is_err()
        );
        assert!(unpack(DataType::StringArray, DataType::String, b"ab").is_err());
        assert!(unpack(DataType::StringArray, DataType::String, &[0xff, 0]).is_err());
        assert!(pack(DataType::Int8Array, DataType::Int8, &json!([300])).is_err());
    }
}
