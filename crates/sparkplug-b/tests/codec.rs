//! The codec against the wire format and the specification's examples.

use serde_json::{Value, json};
use sparkplug_b::{
    Catalogs, DataType, MessageType, Publisher, Topic, decode, decode_to_json, encode, encode_json,
    payload_from_json,
};

fn edge(topic: &str) -> sparkplug_b::EdgeTopic {
    match Topic::parse(topic) {
        Ok(Topic::Edge(t)) => t,
        other => panic!("{topic}: {other:?}"),
    }
}

fn round_trip(doc: Value) -> Value {
    let bytes = encode_json(&doc).expect("encodes");
    let (back, problems) = decode_to_json(&bytes).expect("decodes");
    assert_eq!(problems, Vec::<String>::new(), "{doc}");
    back
}

#[test]
fn the_wire_bytes_are_the_protobuf_encoding_of_the_tahu_schema() {
    // Worked by hand from sparkplug_b.proto: timestamp (1) = 1, one metric (2) named "a", alias
    // 1, datatype Int32 (3), int_value (10) -1 as 32-bit two's complement, seq (3) = 0.
    let bytes = encode_json(&json!({"timestamp": 1, "seq": 0,
        "metrics": [{"name": "a", "alias": 1, "type": "Int32", "value": -1}]}))
    .expect("encodes");
    assert_eq!(hex(&bytes), "0801120d0a01611001200350ffffffff0f1800");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_specifications_nbirth_example_round_trips() {
    // Modelled on the NBIRTH example of the Sparkplug specification, in the JSON form: bdSeq,
    // the node controls, properties, and metrics with properties (engineering unit, quality).
    let nbirth = json!({
        "timestamp": 1486144502122u64,
        "metrics": [
            {"name": "bdSeq", "timestamp": 1486144502122u64, "type": "UInt64", "value": 0},
            {"name": "Node Control/Reboot", "timestamp": 1486144502122u64, "type": "Boolean", "value": false},
            {"name": "Node Control/Rebirth", "timestamp": 1486144502122u64, "type": "Boolean", "value": false},
            {"name": "Node Control/Next Server", "timestamp": 1486144502122u64, "type": "Boolean", "value": false},
            {"name": "Node Control/Scan rate", "timestamp": 1486144502122u64, "type": "Int64", "value": 3000},
            {"name": "Properties/Hardware Make", "timestamp": 1486144502122u64, "type": "String", "value": "Raspberry Pi"},
            {"name": "Properties/Weight", "timestamp": 1486144502122u64, "type": "Int32", "value": 200},
            {"name": "Supply Voltage", "timestamp": 1486144502122u64, "type": "Float", "value": 12.1,
             "properties": {"engUnit": {"type": "String", "value": "V"}, "Quality": {"type": "Int32", "value": 192}}}
        ],
        "seq": 0
    });
    assert_eq!(round_trip(nbirth.clone()), nbirth);
}

#[test]
fn every_datatype_round_trips_through_protobuf() {
    let values = [
        ("Int8", json!(-128)),
        ("Int16", json!(-32768)),
        ("Int32", json!(-2147483648i64)),
        ("Int64", json!(i64::MIN)),
        ("UInt8", json!(255)),
        ("UInt16", json!(65535)),
        ("UInt32", json!(u32::MAX)),
        ("UInt64", json!(u64::MAX)),
        ("Float", json!(1.25)),
        ("Double", json!(-0.1)),
        ("Boolean", json!(true)),
        ("String", json!("héllo")),
        ("DateTime", json!(1709532000000u64)),
        ("Text", json!("a\nb")),
        ("UUID", json!("4a3d9e44-5f7a-4c5e-9f0a-0a7c1e9f0b11")),
        ("Bytes", json!("AAEC/w==")),
        ("File", json!("aGVsbG8=")),
        ("Int8Array", json!([-1, 2])),
        ("Int16Array", json!([-300])),
        ("Int32Array", json!([7])),
        ("Int64Array", json!([-7])),
        ("UInt8Array", json!([1, 255])),
        ("UInt16Array", json!([9])),
        ("UInt32Array", json!([u32::MAX])),
        ("UInt64Array", json!([u64::MAX])),
        ("FloatArray", json!([0.5])),
        ("DoubleArray", json!([0.25, 3.5])),
        ("BooleanArray", json!([true, false, true])),
        ("StringArray", json!(["a", "b"])),
        ("DateTimeArray", json!([1709532000000u64])),
        (
            "DataSet",
            json!({"num_of_columns": 3, "columns": ["n", "ok", "who"],
            "types": ["Int32", "Boolean", "String"], "rows": [[1, true, "x"], [-2, false, null]]}),
        ),
        (
            "Template",
            json!({"version": "1.0", "template_ref": "Motor", "is_definition": false,
            "metrics": [{"name": "RPM", "type": "Double", "value": 1450.5}],
            "parameters": [{"name": "Poles", "type": "Int32", "value": 4}]}),
        ),
    ];
    assert_eq!(
        values.len(),
        DataType::all()
            .filter(|t| !t.name().starts_with("PropertySet"))
            .count()
    );
    for (t, v) in values {
        let doc =
            json!({"timestamp": 1, "seq": 1, "metrics": [{"name": "m", "type": t, "value": v}]});
        let back = round_trip(doc.clone());
        assert_eq!(back, doc, "{t}");
    }
}

#[test]
fn properties_nulls_flags_metadata_and_historical_values_round_trip() {
    let doc = json!({"timestamp": 5, "seq": 2, "uuid": "u-1", "body": "AQI=", "metrics": [
        {"name": "a", "alias": 9, "timestamp": 4, "type": "Double", "value": null, "is_null": true,
         "is_historical": true, "is_transient": false,
         "metadata": {"is_multi_part": false, "content_type": "text/plain", "size": 3, "seq": 0,
                      "file_name": "x.txt", "file_type": "txt", "md5": "abc", "description": "d"},
         "properties": {
            "Quality": {"type": "Int32", "value": 192},
            "Limits": {"type": "PropertySet", "value": {"Hi": {"type": "Double", "value": 9.5}}},
            "Sets": {"type": "PropertySetList", "value": [{"k": {"type": "Boolean", "value": true}}]},
            "Missing": {"type": "String", "is_null": true, "value": null}}}
    ]});
    assert_eq!(round_trip(doc.clone()), doc);
}

#[test]
fn bad_json_names_the_path_and_what_is_expected() {
    let cases = [
        (
            json!({"metrics": [{"name": "a", "type": "Int8", "value": 300}]}),
            "metrics[0].value",
        ),
        (
            json!({"metrics": [{"name": "a", "type": "Int33", "value": 1}]}),
            "type",
        ),
        (
            json!({"metrics": [{"name": "a", "datatype": "Int8", "value": 1}]}),
            "metrics[0].datatype",
        ),
        (json!({"metrics": [{"value": 1}]}), "metrics[0]"),
        (
            json!({"metrics": [{"name": "t", "value": {"a": 1}}]}),
            "metrics[0].value",
        ),
        (json!({"seq": -1}), "seq"),
        (
            json!({"metrics": [{"name": "d", "type": "DataSet", "value": {"columns": ["a"], "types": ["Int32"], "rows": [["x"]]}}]}),
            "metrics[0].value.rows[0][0]",
        ),
        (json!([1]), "payload"),
    ];
    for (doc, path) in cases {
        let err = payload_from_json(&doc).expect_err("refused");
        assert!(err.path.ends_with(path) || err.path == path, "{doc}: {err}");
    }
}

#[test]
fn a_value_in_the_wrong_field_for_its_datatype_is_a_problem_not_a_panic() {
    let mut payload =
        payload_from_json(&json!({"metrics": [{"name": "a", "type": "String", "value": "x"}]}))
            .unwrap();
    payload.metrics[0].datatype = Some(DataType::Int32.code());
    let (json, problems) = decode_to_json(&encode(&payload)).unwrap();
    assert_eq!(
        problems,
        vec!["metrics[0].value: datatype Int32 but the value is in string_value"]
    );
    assert_eq!(json["metrics"][0]["value"], "x");
}

#[test]
fn malformed_protobuf_is_an_error() {
    for bad in [
        &b"\x0a\xff"[..],
        b"\x12\x05\x0a",
        b"{\"timestamp\": 1}",
        b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
    ] {
        assert!(decode(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn aliases_and_datatypes_resolve_from_the_births_seen() {
    let mut catalogs = Catalogs::default();
    let birth = payload_from_json(&json!({"timestamp": 1, "seq": 0, "metrics": [
        {"name": "bdSeq", "type": "UInt64", "value": 0},
        {"name": "Temp", "alias": 7, "type": "Float", "value": 20.5}]}))
    .unwrap();
    let (_, problems) = catalogs.read(&edge("spBv1.0/G/NBIRTH/e1"), &birth);
    assert!(problems.is_empty(), "{problems:?}");
    let mut data = payload_from_json(&json!({"timestamp": 2, "seq": 1, "metrics": [
        {"alias": 7, "type": "Float", "value": 21.5}, {"alias": 8, "type": "Int32", "value": 1}]}))
    .unwrap();
    data.metrics[0].datatype = None;
    let (resolved, problems) = catalogs.read(&edge("spBv1.0/G/NDATA/e1"), &data);
    assert_eq!(resolved.metrics[0].name.as_deref(), Some("Temp"));
    assert_eq!(resolved.metrics[0].datatype, Some(DataType::Float.code()));
    assert_eq!(
        problems,
        vec!["metrics[1]: alias 8 is not in the birth certificate of G/e1"]
    );
    let wrong = payload_from_json(&json!({"timestamp": 3, "seq": 2, "metrics": [
        {"alias": 7, "type": "Int32", "value": 21}]}))
    .unwrap();
    let (_, problems) = catalogs.read(&edge("spBv1.0/G/NDATA/e1"), &wrong);
    assert_eq!(
        problems,
        vec!["metrics[0] (Temp): datatype Int32 but the birth declared Float"]
    );
    let (_, problems) = catalogs.read(&edge("spBv1.0/H/NDATA/e9"), &wrong);
    assert_eq!(
        problems,
        vec!["metrics[0]: alias 7, but no birth certificate of H/e9 was seen"]
    );
}

#[test]
fn the_publisher_tracks_seq_and_bdseq_per_edge_node_unless_stated() {
    let mut p = Publisher::default();
    let seq_of = |prepared: &sparkplug_b::Prepared| prepared.payload.seq;
    let bd_of = |prepared: &sparkplug_b::Prepared| {
        prepared.json["metrics"].as_array().and_then(|ms| {
            ms.iter()
                .find(|m| m["name"] == "bdSeq")
                .and_then(|m| m["value"].as_u64())
        })
    };
    let birth = p
        .prepare(
            &edge("spBv1.0/G/NBIRTH/e1"),
            &json!({"metrics": [
        {"name": "Temp", "alias": 3, "type": "Float", "value": 1.5}]}),
            100,
        )
        .unwrap();
    assert_eq!(
        (seq_of(&birth), bd_of(&birth), birth.payload.timestamp),
        (Some(0), Some(0), Some(100))
    );
    let dbirth = p
        .prepare(&edge("spBv1.0/G/DBIRTH/e1/d1"), &json!({}), 101)
        .unwrap();
    assert_eq!(seq_of(&dbirth), Some(1));
    let data = p
        .prepare(
            &edge("spBv1.0/G/NDATA/e1"),
            &json!({"metrics": [{"name": "Temp", "value": 2}]}),
            102,
        )
        .unwrap();
    assert_eq!(seq_of(&data), Some(2));
    // Sent by alias with the birth's datatype, as an edge node does.
    assert_eq!(
        data.json["metrics"][0],
        json!({"alias": 3, "type": "Float", "value": 2.0})
    );
    let other = p
        .prepare(&edge("spBv1.0/G/NBIRTH/e2"), &json!({}), 103)
        .unwrap();
    assert_eq!((seq_of(&other), bd_of(&other)), (Some(0), Some(0)));
    let gap = p
        .prepare(&edge("spBv1.0/G/NDATA/e1"), &json!({"seq": 9}), 104)
        .unwrap();
    assert_eq!(seq_of(&gap), Some(9));
    let after = p
        .prepare(&edge("spBv1.0/G/NDATA/e1"), &json!({}), 105)
        .unwrap();
    assert_eq!(seq_of(&after), Some(10));
    let stale = p
        .prepare(&edge("spBv1.0/G/NDEATH/e1"), &json!({"bdSeq": 7}), 106)
        .unwrap();
    assert_eq!((seq_of(&stale), bd_of(&stale)), (None, Some(7)));
    let death = p
        .prepare(&edge("spBv1.0/G/NDEATH/e1"), &json!({}), 107)
        .unwrap();
    assert_eq!(bd_of(&death), Some(0));
    let rebirth = p
        .prepare(&edge("spBv1.0/G/NBIRTH/e1"), &json!({}), 108)
        .unwrap();
    assert_eq!((seq_of(&rebirth), bd_of(&rebirth)), (Some(0), Some(1)));
    assert!(
        p.prepare(&edge("spBv1.0/G/NDATA/e1"), &json!({"bdSeq": 1}), 109)
            .is_err()
    );
    // Stated wrongly: refused with the path, never replaced by a tracked value.
    let bad_seq = p.prepare(&edge("spBv1.0/G/NDATA/e1"), &json!({"seq": -1}), 110);
    assert_eq!(bad_seq.map_err(|e| e.path), Err("seq".to_string()));
    let bad_bd = p.prepare(
        &edge("spBv1.0/G/NDEATH/e1"),
        &json!({"metrics": [{"name": "bdSeq", "value": "x"}]}),
        111,
    );
    assert!(bad_bd.is_err());
    assert!(!MessageType::NDeath.is_sequenced());
}

mod never_panics {
    use proptest::prelude::*;
    use serde_json::json;

    /// A payload with every kind of value, to mutate: random bytes rarely get past the first
    /// field, mutations of a real payload reach the nested decoders.
    fn rich() -> Vec<u8> {
        sparkplug_b::encode_json(&json!({"timestamp": 1, "seq": 3, "uuid": "u", "metrics": [
            {"name": "a", "alias": 1, "type": "Int8", "value": -1, "properties": {
                "q": {"type": "Int32", "value": 192},
                "s": {"type": "PropertySet", "value": {"x": {"type": "String", "value": "y"}}},
                "l": {"type": "PropertySetList", "value": [{"z": {"type": "Boolean", "value": true}}]}}},
            {"name": "b", "type": "DataSet", "value": {"columns": ["c"], "types": ["Int64"], "rows": [[-5], [6]]}},
            {"name": "c", "type": "Template", "value": {"version": "1", "template_ref": "T", "is_definition": false,
              "metrics": [{"name": "d", "type": "Double", "value": 1.5}], "parameters": [{"name": "p", "type": "UInt32", "value": 7}]}},
            {"name": "e", "type": "BooleanArray", "value": [true, false, true]},
            {"name": "f", "type": "StringArray", "value": ["x", "yz"]},
            {"name": "g", "type": "File", "value": "AAEC", "metadata": {"file_name": "f", "size": 3}}]}))
        .expect("encodes")
    }

    fn untyped(v: serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match v {
            Value::Array(items) => items.into_iter().map(untyped).collect(),
            Value::Object(map) => map
                .into_iter()
                .filter(|(k, _)| k != "type")
                .map(|(k, v)| (k, untyped(v)))
                .collect(),
            other => other,
        }
    }

    proptest! {
        #[test]
        fn mutated_payloads_decode_or_fail_cleanly(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut bytes = rich();
            for (at, byte) in edits {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            bytes.truncate(cut.index(bytes.len() + 1).max(1));
            if let Ok((json, problems)) = sparkplug_b::decode_to_json(&bytes) {
                prop_assert!(json.is_object());
                if problems.is_empty() {
                    // What reads cleanly writes back to the same JSON (a metric without a
                    // datatype on the wire gets the one its JSON value implies).
                    let again = sparkplug_b::encode_json(&json).expect("re-encodes");
                    let (back, _) = sparkplug_b::decode_to_json(&again).expect("re-decodes");
                    prop_assert_eq!(untyped(back), untyped(json));
                }
            }
        }
        #[test]
        fn arbitrary_bytes_decode_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            if let Ok((json, _)) = sparkplug_b::decode_to_json(&bytes) {
                prop_assert!(json.is_object());
            }
        }

        #[test]
        fn decoded_payloads_reencode_to_the_same_message(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            // Compared as bytes: a NaN float field is not equal to itself.
            if let Ok(p) = sparkplug_b::decode(&bytes) {
                let once = sparkplug_b::encode(&p);
                let again = sparkplug_b::decode(&once).expect("re-decodes");
                prop_assert_eq!(once, sparkplug_b::encode(&again));
            }
        }
    }
}
