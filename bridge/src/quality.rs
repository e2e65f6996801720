//! Data quality of a value: OPC UA status codes and Sparkplug (OPC DA style) quality.

use serde_json::Value;

/// The severity class of a value's status. Only `Good` values are used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quality {
    /// Usable.
    Good,
    /// The source is not sure about the value.
    Uncertain,
    /// The value is not usable.
    Bad,
}

impl Quality {
    /// From an OPC UA StatusCode: the two top bits are the severity (00 Good, 01 Uncertain,
    /// 10 Bad; 11 is reserved and treated as Bad).
    pub fn from_opcua_code(code: u32) -> Self {
        match code >> 30 {
            0 => Self::Good,
            1 => Self::Uncertain,
            _ => Self::Bad,
        }
    }

    /// From the JSON forms of an OPC UA StatusCode: a number, a `0x` hex string, a symbolic name
    /// (`Good…`, `Uncertain…`, `Bad…`), or an object with `Code`. Absent means Good (the OPC UA
    /// JSON encoding omits Good). `None` when the form is not recognised.
    pub fn from_opcua_json(value: Option<&Value>) -> Option<Self> {
        match value {
            None | Some(Value::Null) => Some(Self::Good),
            Some(Value::Number(n)) => n
                .as_u64()
                .and_then(|c| u32::try_from(c).ok())
                .map(Self::from_opcua_code),
            Some(Value::String(s)) => {
                if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
                    u32::from_str_radix(hex, 16).ok().map(Self::from_opcua_code)
                } else if s.starts_with("Good") {
                    Some(Self::Good)
                } else if s.starts_with("Uncertain") {
                    Some(Self::Uncertain)
                } else if s.starts_with("Bad") {
                    Some(Self::Bad)
                } else {
                    None
                }
            }
            Some(Value::Object(object)) => Self::from_opcua_json(object.get("Code")),
            Some(_) => None,
        }
    }

    /// From a Sparkplug `Quality` property (OPC DA: bits 7–6 are 11 Good, 01 Uncertain, 00 Bad).
    pub fn from_sparkplug(quality: Option<i64>) -> Self {
        match quality {
            None => Self::Good,
            Some(q) => match q & 0xC0 {
                0xC0 => Self::Good,
                0x40 => Self::Uncertain,
                _ => Self::Bad,
            },
        }
    }

    /// `good`, `uncertain` or `bad`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Good => "good",
            Self::Uncertain => "uncertain",
            Self::Bad => "bad",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn opcua_severity_bits() {
        assert_eq!(Quality::from_opcua_code(0), Quality::Good);
        assert_eq!(Quality::from_opcua_code(0x4000_0000), Quality::Uncertain);
        assert_eq!(Quality::from_opcua_code(0x408F_0000), Quality::Uncertain);
        assert_eq!(Quality::from_opcua_code(0x8000_0000), Quality::Bad);
        assert_eq!(Quality::from_opcua_code(0x808B_0000), Quality::Bad);
        assert_eq!(Quality::from_opcua_code(0xC000_0000), Quality::Bad);
    }

    #[test]
    fn opcua_json_forms() {
        assert_eq!(Quality::from_opcua_json(None), Some(Quality::Good));
        assert_eq!(
            Quality::from_opcua_json(Some(&json!(2_147_483_648u64))),
            Some(Quality::Bad)
        );
        assert_eq!(
            Quality::from_opcua_json(Some(&json!("0x40000000"))),
            Some(Quality::Uncertain)
        );
        assert_eq!(
            Quality::from_opcua_json(Some(&json!("BadSensorFailure"))),
            Some(Quality::Bad)
        );
        assert_eq!(
            Quality::from_opcua_json(Some(&json!("UncertainLastUsableValue"))),
            Some(Quality::Uncertain)
        );
        assert_eq!(
            Quality::from_opcua_json(Some(&json!({"Code": 0}))),
            Some(Quality::Good)
        );
        assert_eq!(Quality::from_opcua_json(Some(&json!("Fine"))), None);
        assert_eq!(Quality::from_opcua_json(Some(&json!(-1))), None);
    }

    #[test]
    fn sparkplug_quality() {
        assert_eq!(Quality::from_sparkplug(None), Quality::Good);
        assert_eq!(Quality::from_sparkplug(Some(192)), Quality::Good);
        assert_eq!(Quality::from_sparkplug(Some(64)), Quality::Uncertain);
        assert_eq!(Quality::from_sparkplug(Some(0)), Quality::Bad);
    }
}
