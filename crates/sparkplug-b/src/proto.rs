//! The Eclipse Tahu `sparkplug_b.proto` (Sparkplug 3.0, package `org.eclipse.tahu.protobuf`),
//! written out as prost derive types so that no `protoc` is needed at build time.
//!
//! Field numbers, types and labels follow the `.proto` exactly. It is proto2: repeated scalars
//! are not packed (`packed = "false"`), as protoc-generated encoders for proto2 write them; prost
//! decodes packed and unpacked alike. Extension ranges (`extensions 6 to max`) carry no fields
//! here: prost skips unknown fields while decoding, which is what a proto2 decoder without the
//! extension definitions does.

/// `Payload`: what every Sparkplug B message (except STATE) carries.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct Payload {
    /// Time the message was sent, ms since the Unix epoch (UTC).
    #[prost(uint64, optional, tag = "1")]
    pub timestamp: Option<u64>,
    /// The metrics.
    #[prost(message, repeated, tag = "2")]
    pub metrics: Vec<Metric>,
    /// Sequence number 0..=255 of the edge node's messages (absent on NDEATH and commands).
    #[prost(uint64, optional, tag = "3")]
    pub seq: Option<u64>,
    /// UUID to track the message type in terms of schema definitions.
    #[prost(string, optional, tag = "4")]
    pub uuid: Option<String>,
    /// Bytes that bypass the definition above.
    #[prost(bytes = "vec", optional, tag = "5")]
    pub body: Option<Vec<u8>>,
}

/// `Payload.Metric`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct Metric {
    /// Metric name: in births, and in data when no alias was assigned.
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    /// Alias assigned in the birth, used instead of the name afterwards.
    #[prost(uint64, optional, tag = "2")]
    pub alias: Option<u64>,
    /// Acquisition time, ms since the Unix epoch.
    #[prost(uint64, optional, tag = "3")]
    pub timestamp: Option<u64>,
    /// [`crate::DataType`] code.
    #[prost(uint32, optional, tag = "4")]
    pub datatype: Option<u32>,
    /// Historical (store-and-forward) value: must not update the live tag.
    #[prost(bool, optional, tag = "5")]
    pub is_historical: Option<bool>,
    /// Not to be stored as a tag by the consumer.
    #[prost(bool, optional, tag = "6")]
    pub is_transient: Option<bool>,
    /// Explicitly null.
    #[prost(bool, optional, tag = "7")]
    pub is_null: Option<bool>,
    /// Metadata (files, multi-part).
    #[prost(message, optional, tag = "8")]
    pub metadata: Option<MetaData>,
    /// Properties (`Quality`, engineering units, ...).
    #[prost(message, optional, tag = "9")]
    pub properties: Option<PropertySet>,
    /// The value.
    #[prost(
        oneof = "metric::Value",
        tags = "10, 11, 12, 13, 14, 15, 16, 17, 18, 19"
    )]
    pub value: Option<metric::Value>,
}

/// The `value` oneof of `Payload.Metric`.
pub mod metric {
    /// A metric's value field.
    #[derive(Clone, PartialEq, ::prost::Oneof)]
    pub enum Value {
        /// Int8, Int16, Int32 (two's complement in 32 bits), UInt8, UInt16.
        #[prost(uint32, tag = "10")]
        IntValue(u32),
        /// Int64 (two's complement), UInt32, UInt64, DateTime.
        #[prost(uint64, tag = "11")]
        LongValue(u64),
        /// Float.
        #[prost(float, tag = "12")]
        FloatValue(f32),
        /// Double.
        #[prost(double, tag = "13")]
        DoubleValue(f64),
        /// Boolean.
        #[prost(bool, tag = "14")]
        BooleanValue(bool),
        /// String, Text, UUID.
        #[prost(string, tag = "15")]
        StringValue(String),
        /// Bytes, File and the array types (little-endian packed).
        #[prost(bytes = "vec", tag = "16")]
        BytesValue(Vec<u8>),
        /// DataSet.
        #[prost(message, tag = "17")]
        DatasetValue(super::DataSet),
        /// Template.
        #[prost(message, tag = "18")]
        TemplateValue(super::Template),
        /// Extension (no fields known here).
        #[prost(message, tag = "19")]
        ExtensionValue(super::Extension),
    }
}

/// An extension message whose fields are not known (`*ValueExtension`).
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct Extension {}

/// `Payload.MetaData`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct MetaData {
    /// Multi-part message.
    #[prost(bool, optional, tag = "1")]
    pub is_multi_part: Option<bool>,
    /// Content (media) type.
    #[prost(string, optional, tag = "2")]
    pub content_type: Option<String>,
    /// Size (file, string, multi-part).
    #[prost(uint64, optional, tag = "3")]
    pub size: Option<u64>,
    /// Sequence number of a multi-part message.
    #[prost(uint64, optional, tag = "4")]
    pub seq: Option<u64>,
    /// File name.
    #[prost(string, optional, tag = "5")]
    pub file_name: Option<String>,
    /// File type (xml, json, ...).
    #[prost(string, optional, tag = "6")]
    pub file_type: Option<String>,
    /// MD5 of the data.
    #[prost(string, optional, tag = "7")]
    pub md5: Option<String>,
    /// Free text.
    #[prost(string, optional, tag = "8")]
    pub description: Option<String>,
}

/// `Payload.PropertySet`: keys and values in parallel.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct PropertySet {
    /// Property names.
    #[prost(string, repeated, tag = "1")]
    pub keys: Vec<String>,
    /// Property values, one per key.
    #[prost(message, repeated, tag = "2")]
    pub values: Vec<PropertyValue>,
}

/// `Payload.PropertySetList`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct PropertySetList {
    /// The sets.
    #[prost(message, repeated, tag = "1")]
    pub propertyset: Vec<PropertySet>,
}

/// `Payload.PropertyValue`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct PropertyValue {
    /// [`crate::DataType`] code.
    #[prost(uint32, optional, tag = "1")]
    pub r#type: Option<u32>,
    /// Explicitly null.
    #[prost(bool, optional, tag = "2")]
    pub is_null: Option<bool>,
    /// The value.
    #[prost(oneof = "property_value::Value", tags = "3, 4, 5, 6, 7, 8, 9, 10, 11")]
    pub value: Option<property_value::Value>,
}

/// The `value` oneof of `Payload.PropertyValue`.
pub mod property_value {
    /// A property's value field.
    #[derive(Clone, PartialEq, ::prost::Oneof)]
    pub enum Value {
        /// 32-bit integer types.
        #[prost(uint32, tag = "3")]
        IntValue(u32),
        /// 64-bit integer types, UInt32, DateTime.
        #[prost(uint64, tag = "4")]
        LongValue(u64),
        /// Float.
        #[prost(float, tag = "5")]
        FloatValue(f32),
        /// Double.
        #[prost(double, tag = "6")]
        DoubleValue(f64),
        /// Boolean.
        #[prost(bool, tag = "7")]
        BooleanValue(bool),
        /// String, Text, UUID.
        #[prost(string, tag = "8")]
        StringValue(String),
        /// A nested property set.
        #[prost(message, tag = "9")]
        PropertysetValue(super::PropertySet),
        /// A list of property sets.
        #[prost(message, tag = "10")]
        PropertysetsValue(super::PropertySetList),
        /// Extension (no fields known here).
        #[prost(message, tag = "11")]
        ExtensionValue(super::Extension),
    }
}

/// `Payload.DataSet`: a table.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct DataSet {
    /// Number of columns.
    #[prost(uint64, optional, tag = "1")]
    pub num_of_columns: Option<u64>,
    /// Column names.
    #[prost(string, repeated, tag = "2")]
    pub columns: Vec<String>,
    /// Column [`crate::DataType`] codes (unpacked, as proto2 writes them).
    #[prost(uint32, repeated, packed = "false", tag = "3")]
    pub types: Vec<u32>,
    /// Rows.
    #[prost(message, repeated, tag = "4")]
    pub rows: Vec<Row>,
}

/// `Payload.DataSet.Row`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct Row {
    /// One element per column.
    #[prost(message, repeated, tag = "1")]
    pub elements: Vec<DataSetValue>,
}

/// `Payload.DataSet.DataSetValue`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct DataSetValue {
    /// The cell.
    #[prost(oneof = "data_set_value::Value", tags = "1, 2, 3, 4, 5, 6, 7")]
    pub value: Option<data_set_value::Value>,
}

/// The `value` oneof of `Payload.DataSet.DataSetValue`.
pub mod data_set_value {
    /// A cell's value field.
    #[derive(Clone, PartialEq, ::prost::Oneof)]
    pub enum Value {
        /// 32-bit integer types.
        #[prost(uint32, tag = "1")]
        IntValue(u32),
        /// 64-bit integer types, UInt32, DateTime.
        #[prost(uint64, tag = "2")]
        LongValue(u64),
        /// Float.
        #[prost(float, tag = "3")]
        FloatValue(f32),
        /// Double.
        #[prost(double, tag = "4")]
        DoubleValue(f64),
        /// Boolean.
        #[prost(bool, tag = "5")]
        BooleanValue(bool),
        /// String, Text, UUID.
        #[prost(string, tag = "6")]
        StringValue(String),
        /// Extension (no fields known here).
        #[prost(message, tag = "7")]
        ExtensionValue(super::Extension),
    }
}

/// `Payload.Template`: a definition (in a birth) or an instance.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct Template {
    /// Version, to prevent mismatches.
    #[prost(string, optional, tag = "1")]
    pub version: Option<String>,
    /// Member metrics.
    #[prost(message, repeated, tag = "2")]
    pub metrics: Vec<Metric>,
    /// Parameters.
    #[prost(message, repeated, tag = "3")]
    pub parameters: Vec<Parameter>,
    /// For an instance: the name of its definition.
    #[prost(string, optional, tag = "4")]
    pub template_ref: Option<String>,
    /// Whether this is a definition.
    #[prost(bool, optional, tag = "5")]
    pub is_definition: Option<bool>,
}

/// `Payload.Template.Parameter`.
#[derive(Clone, PartialEq, ::prost::Message)]
pub struct Parameter {
    /// Parameter name.
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    /// [`crate::DataType`] code.
    #[prost(uint32, optional, tag = "2")]
    pub r#type: Option<u32>,
    /// The value.
    #[prost(oneof = "parameter::Value", tags = "3, 4, 5, 6, 7, 8, 9")]
    pub value: Option<parameter::Value>,
}

/// The `value` oneof of `Payload.Template.Parameter`.
pub mod parameter {
    /// A parameter's value field.
    #[derive(Clone, PartialEq, ::prost::Oneof)]
    pub enum Value {
        /// 32-bit integer types.
        #[prost(uint32, tag = "3")]
        IntValue(u32),
        /// 64-bit integer types, UInt32, DateTime.
        #[prost(uint64, tag = "4")]
        LongValue(u64),
        /// Float.
        #[prost(float, tag = "5")]
        FloatValue(f32),
        /// Double.
        #[prost(double, tag = "6")]
        DoubleValue(f64),
        /// Boolean.
        #[prost(bool, tag = "7")]
        BooleanValue(bool),
        /// String, Text, UUID.
        #[prost(string, tag = "8")]
        StringValue(String),
        /// Extension (no fields known here).
        #[prost(message, tag = "9")]
        ExtensionValue(super::Extension),
    }
}
