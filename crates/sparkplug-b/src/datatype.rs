//! The datatype codes of Sparkplug B 3.0 (`enum DataType` of sparkplug_b.proto) and which value
//! field of the protobuf carries each.

/// A Sparkplug datatype.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataType {
    Int8,
    Int16,
    Int32,
    Int64,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Float,
    Double,
    Boolean,
    String,
    DateTime,
    Text,
    Uuid,
    DataSet,
    Bytes,
    File,
    Template,
    PropertySet,
    PropertySetList,
    Int8Array,
    Int16Array,
    Int32Array,
    Int64Array,
    UInt8Array,
    UInt16Array,
    UInt32Array,
    UInt64Array,
    FloatArray,
    DoubleArray,
    BooleanArray,
    StringArray,
    DateTimeArray,
}

/// Which field of a value oneof carries a datatype (Sparkplug 3.0, section "Datatypes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// `int_value` (uint32): Int8, Int16, Int32 as 32-bit two's complement, UInt8, UInt16.
    Int,
    /// `long_value` (uint64): Int64 as 64-bit two's complement, UInt32, UInt64, DateTime.
    Long,
    /// `float_value`.
    Float,
    /// `double_value`.
    Double,
    /// `boolean_value`.
    Boolean,
    /// `string_value`: String, Text, UUID.
    String,
    /// `bytes_value`: Bytes, File, and the arrays packed little-endian.
    Bytes,
    /// `dataset_value`.
    DataSet,
    /// `template_value`.
    Template,
    /// `propertyset_value` (properties only).
    PropertySet,
    /// `propertysets_value` (properties only).
    PropertySetList,
}

/// Every datatype with its code and name, in code order.
const ALL: [(DataType, u32, &str); 34] = [
    (DataType::Int8, 1, "Int8"),
    (DataType::Int16, 2, "Int16"),
    (DataType::Int32, 3, "Int32"),
    (DataType::Int64, 4, "Int64"),
    (DataType::UInt8, 5, "UInt8"),
    (DataType::UInt16, 6, "UInt16"),
    (DataType::UInt32, 7, "UInt32"),
    (DataType::UInt64, 8, "UInt64"),
    (DataType::Float, 9, "Float"),
    (DataType::Double, 10, "Double"),
    (DataType::Boolean, 11, "Boolean"),
    (DataType::String, 12, "String"),
    (DataType::DateTime, 13, "DateTime"),
    (DataType::Text, 14, "Text"),
    (DataType::Uuid, 15, "UUID"),
    (DataType::DataSet, 16, "DataSet"),
    (DataType::Bytes, 17, "Bytes"),
    (DataType::File, 18, "File"),
    (DataType::Template, 19, "Template"),
    (DataType::PropertySet, 20, "PropertySet"),
    (DataType::PropertySetList, 21, "PropertySetList"),
    (DataType::Int8Array, 22, "Int8Array"),
    (DataType::Int16Array, 23, "Int16Array"),
    (DataType::Int32Array, 24, "Int32Array"),
    (DataType::Int64Array, 25, "Int64Array"),
    (DataType::UInt8Array, 26, "UInt8Array"),
    (DataType::UInt16Array, 27, "UInt16Array"),
    (DataType::UInt32Array, 28, "UInt32Array"),
    (DataType::UInt64Array, 29, "UInt64Array"),
    (DataType::FloatArray, 30, "FloatArray"),
    (DataType::DoubleArray, 31, "DoubleArray"),
    (DataType::BooleanArray, 32, "BooleanArray"),
    (DataType::StringArray, 33, "StringArray"),
    (DataType::DateTimeArray, 34, "DateTimeArray"),
];

impl DataType {
    /// Every datatype, in code order.
    pub fn all() -> impl Iterator<Item = DataType> {
        ALL.iter().map(|(t, _, _)| *t)
    }

    /// The datatype with this code (`Unknown` = 0 and codes past 34 are none).
    pub fn from_code(code: u32) -> Option<Self> {
        ALL.iter().find(|(_, c, _)| *c == code).map(|(t, _, _)| *t)
    }

    /// The datatype named `name` as the spec spells it (`Int32`, `UUID`, `DataSet`), or in
    /// any letter case.
    pub fn from_name(name: &str) -> Option<Self> {
        ALL.iter()
            .find(|(_, _, n)| n.eq_ignore_ascii_case(name))
            .map(|(t, _, _)| *t)
    }

    /// The code on the wire.
    pub fn code(self) -> u32 {
        ALL.iter()
            .find(|(t, _, _)| *t == self)
            .map_or(0, |(_, c, _)| *c)
    }

    /// The name as the spec spells it.
    pub fn name(self) -> &'static str {
        ALL.iter()
            .find(|(t, _, _)| *t == self)
            .map_or("Unknown", |(_, _, n)| n)
    }

    /// The value field that carries it.
    pub fn storage(self) -> Storage {
        use DataType::*;
        match self {
            Int8 | Int16 | Int32 | UInt8 | UInt16 => Storage::Int,
            Int64 | UInt32 | UInt64 | DateTime => Storage::Long,
            Float => Storage::Float,
            Double => Storage::Double,
            Boolean => Storage::Boolean,
            String | Text | Uuid => Storage::String,
            DataSet => Storage::DataSet,
            Template => Storage::Template,
            PropertySet => Storage::PropertySet,
            PropertySetList => Storage::PropertySetList,
            _ => Storage::Bytes,
        }
    }

    /// The element type of an array type.
    pub fn element(self) -> Option<DataType> {
        use DataType::*;
        Some(match self {
            Int8Array => Int8,
            Int16Array => Int16,
            Int32Array => Int32,
            Int64Array => Int64,
            UInt8Array => UInt8,
            UInt16Array => UInt16,
            UInt32Array => UInt32,
            UInt64Array => UInt64,
            FloatArray => Float,
            DoubleArray => Double,
            BooleanArray => Boolean,
            StringArray => String,
            DateTimeArray => DateTime,
            _ => return None,
        })
    }
}

impl std::fmt::Display for DataType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_round_trip_and_follow_the_spec() {
        for (n, t) in DataType::all().enumerate() {
            assert_eq!(t.code(), n as u32 + 1);
            assert_eq!(DataType::from_code(t.code()), Some(t));
            assert_eq!(DataType::from_name(t.name()), Some(t));
        }
        assert_eq!(DataType::from_code(0), None);
        assert_eq!(DataType::from_code(35), None);
        assert_eq!(DataType::from_name("uuid"), Some(DataType::Uuid));
        assert_eq!(DataType::Template.code(), 19);
        assert_eq!(DataType::DateTimeArray.code(), 34);
        assert_eq!(DataType::UInt32.storage(), Storage::Long);
        assert_eq!(DataType::UInt16.storage(), Storage::Int);
        assert_eq!(DataType::BooleanArray.storage(), Storage::Bytes);
    }
}
