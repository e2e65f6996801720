//! Encode/decode throughput of Sparkplug B payloads as protobuf (this crate) against the same
//! content as JSON (serde_json), which is what the MQTT transport carried before Sparkplug B
//! went on the wire as protobuf.
//!
//!   cargo run --release -p sparkplug-b --example throughput [N]
//!
//! Two realistic messages, each N times (default 200,000): a DDATA of a press (five metrics by
//! alias, as an edge node sends them after its births) and an NBIRTH (bdSeq, Node Control/Rebirth
//! and a dozen named metrics with aliases, datatypes and engineering-unit properties).
//! Per message and direction it prints messages/s, µs/message and the ratio protobuf ÷ JSON of
//! the time per message (below 1: protobuf is faster), and the payload sizes.
//!
//! - protobuf encode: `Payload` → bytes; protobuf decode: bytes → `Payload`;
//! - JSON form + protobuf encode: the JSON document a scenario writes → bytes (what publishing
//!   a Sparkplug message costs qualify);
//! - protobuf decode + JSON form: bytes → the JSON document qualify records in evidence and
//!   matches against (what a received Sparkplug message costs qualify);
//! - JSON serialise: the same document → bytes; JSON parse: bytes → `serde_json::Value`.
//!
//! Plain `std::time::Instant`, one warm-up pass per measurement; run it on a quiet machine and
//! more than once, the figures move with the load.

use serde_json::{Value, json};
use sparkplug_b::Payload;
use std::hint::black_box;
use std::time::{Duration, Instant};

const DEFAULT_N: u32 = 200_000;

/// A DDATA after the births: metrics by alias only, as Sparkplug recommends to save bytes.
fn ddata() -> Value {
    json!({"timestamp": 1_709_532_001_000_u64, "seq": 42, "metrics": [
        {"alias": 1, "timestamp": 1_709_532_000_950_u64, "type": "Float", "value": 60.4},
        {"alias": 2, "timestamp": 1_709_532_000_950_u64, "type": "Int32", "value": 1375},
        {"alias": 3, "timestamp": 1_709_532_000_990_u64, "type": "Boolean", "value": true},
        {"alias": 4, "timestamp": 1_709_532_000_990_u64, "type": "String", "value": "RUNNING"},
        {"alias": 5, "timestamp": 1_709_532_001_000_u64, "type": "Int64", "value": 48_213_577_i64}
    ]})
}

/// An NBIRTH: bdSeq, the rebirth control and named metrics with aliases, datatypes and
/// engineering units as properties.
fn nbirth() -> Value {
    let mut metrics = vec![
        json!({"name": "bdSeq", "type": "UInt64", "value": 3}),
        json!({"name": "Node Control/Rebirth", "type": "Boolean", "value": false}),
        json!({"name": "Properties/Firmware", "type": "String", "value": "4.2.1-build.1187"}),
    ];
    let analog = [
        ("Process/Temperature", "Float", json!(60.0), "degC"),
        ("Process/Pressure", "Double", json!(181.25), "bar"),
        ("Process/Force", "Float", json!(742.5), "kN"),
        ("Counters/Good", "Int32", json!(1375), "pcs"),
        ("Counters/Scrap", "Int32", json!(12), "pcs"),
        (
            "Counters/Strokes",
            "Int64",
            json!(48_213_577_i64),
            "strokes",
        ),
        ("Motor/Speed", "UInt32", json!(1480), "rpm"),
        ("Motor/Current", "Float", json!(31.7), "A"),
    ];
    for (i, (name, ty, value, unit)) in analog.into_iter().enumerate() {
        metrics.push(
            json!({"name": name, "alias": i + 1, "type": ty, "value": value,
            "properties": {"engUnit": {"type": "String", "value": unit}}}),
        );
    }
    metrics.push(json!({"name": "State/Running", "alias": 9, "type": "Boolean", "value": true}));
    metrics.push(json!({"name": "State/Mode", "alias": 10, "type": "String", "value": "AUTO"}));
    metrics
        .push(json!({"name": "Job/Order", "alias": 11, "type": "String", "value": "WO-2024-0815"}));
    json!({"timestamp": 1_709_532_000_000_u64, "seq": 0, "metrics": metrics})
}

/// Runs `f` `n` times after one warm-up pass of `n / 10`, and returns the time per call.
fn measure(n: u32, mut f: impl FnMut()) -> Duration {
    for _ in 0..(n / 10).max(1) {
        f();
    }
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    start.elapsed() / n
}

fn per_second(per: Duration) -> f64 {
    1.0 / per.as_secs_f64()
}

fn micros(per: Duration) -> f64 {
    per.as_secs_f64() * 1e6
}

fn row(what: &str, per: Duration) {
    println!(
        "  {what:<34} {:>12.0} msg/s {:>9.3} µs/msg",
        per_second(per),
        micros(per)
    );
}

fn ratio(what: &str, protobuf: Duration, json: Duration) {
    println!(
        "  ratio protobuf ÷ JSON, {what:<15} {:>6.2} (time per message)",
        protobuf.as_secs_f64() / json.as_secs_f64()
    );
}

/// Measures one message both ways in both forms and prints its block.
fn bench(name: &str, document: &Value, n: u32) {
    let payload: Payload = sparkplug_b::payload_from_json(document).expect("the sample is valid");
    let wire = sparkplug_b::encode(&payload);
    // The JSON side carries the document as the evidence shows it for these bytes.
    let (form, problems) = sparkplug_b::decode_to_json(&wire).expect("decodes");
    assert!(problems.is_empty(), "{problems:?}");
    let text = serde_json::to_vec(&form).expect("serialises");
    assert_eq!(sparkplug_b::decode(&wire).expect("decodes"), payload);
    assert_eq!(
        serde_json::from_slice::<Value>(&text).expect("parses"),
        form
    );

    let pb_encode = measure(n, || {
        black_box(sparkplug_b::encode(black_box(&payload)));
    });
    let pb_from_form = measure(n, || {
        black_box(sparkplug_b::encode_json(black_box(&form)).ok());
    });
    let pb_decode = measure(n, || {
        black_box(sparkplug_b::decode(black_box(&wire)).ok());
    });
    let pb_to_form = measure(n, || {
        black_box(sparkplug_b::decode_to_json(black_box(&wire)).ok());
    });
    let js_encode = measure(n, || {
        black_box(serde_json::to_vec(black_box(&form)).ok());
    });
    let js_decode = measure(n, || {
        black_box(serde_json::from_slice::<Value>(black_box(&text)).ok());
    });

    println!(
        "{name}: {} metrics, protobuf {} bytes, JSON {} bytes (size ratio {:.2}), N = {n}",
        payload.metrics.len(),
        wire.len(),
        text.len(),
        wire.len() as f64 / text.len() as f64
    );
    row("protobuf encode", pb_encode);
    row("JSON form + protobuf encode", pb_from_form);
    row("JSON serialise", js_encode);
    ratio("encode", pb_encode, js_encode);
    ratio("form + encode", pb_from_form, js_encode);
    row("protobuf decode", pb_decode);
    row("protobuf decode + JSON form", pb_to_form);
    row("JSON parse", js_decode);
    ratio("decode", pb_decode, js_decode);
    ratio("decode + form", pb_to_form, js_decode);
    println!();
}

fn main() {
    let n = match std::env::args().nth(1) {
        None => DEFAULT_N,
        Some(arg) => match arg.parse::<u32>() {
            Ok(n) if n > 0 => n,
            _ => {
                eprintln!(
                    "usage: throughput [N]  (N: messages per measurement, a positive integer)"
                );
                std::process::exit(2);
            }
        },
    };
    bench("DDATA", &ddata(), n);
    bench("NBIRTH", &nbirth(), n);
}
