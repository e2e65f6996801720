//! The Sparkplug B steps of the mqtt adapter end to end: the real binary publishes protobuf
//! through a real mosquitto and reads it back decoded, and a message that does not decode, uses
//! an alias no birth assigned or contradicts its birth's datatype fails its step with the raw
//! bytes in the evidence. Every wait ends when its message arrives (generous limits); messages
//! the scenario must find waiting are retained, so nothing depends on timing.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rumqttc::{Client, Event, MqttOptions, Outgoing, Packet, QoS};
use serde_json::{Value, json};

use crate::support::Project;
use crate::support::adapters::json_lines;
use crate::support::mosquitto::Mosquitto;

const REQUIREMENTS: &str = "requirements:\n  - {id: URS-001, title: Sparkplug, risk: high}\n";

fn config(broker: &Mosquitto) -> String {
    format!(
        r#"project:
  name: sparkplug steps
adapters:
  broker:
    kind: mqtt
    url: {url}
    client_id: qualify-sparkplug
    subscribe: ["spBv1.0/#"]
    timeouts: {{start_ms: 60000, request_ms: 60000, shutdown_ms: 10000}}
"#,
        url = broker.url()
    )
}

const PASSING: &str = r##"@OQ @URS-001
Feature: Sparkplug B over protobuf

  Scenario: An edge node played in JSON, protobuf on the wire
    When I publish a Sparkplug message to "spBv1.0/L1/NBIRTH/e1" on "broker":
      """
      {"metrics": [{"name": "Temp", "alias": 7, "type": "Float", "value": 20.5,
                    "properties": {"engUnit": {"type": "String", "value": "degC"}}}]}
      """
    Then a Sparkplug message on "spBv1.0/L1/NBIRTH/e1" from "broker" arrives within 60 s matching:
      """
      {"timestamp": "#number", "seq": 0, "metrics": {
        "bdSeq": {"type": "UInt64", "value": 0},
        "Temp": {"alias": 7, "type": "Float", "value": 20.5, "#rest": "#ignore"}}}
      """
    When I publish a Sparkplug message to "spBv1.0/L1/DBIRTH/e1/press1" on "broker":
      """
      {"metrics": [{"name": "Count", "alias": 8, "type": "Int32", "value": 0}]}
      """
    And I publish a Sparkplug message to "spBv1.0/L1/DDATA/e1/press1" on "broker":
      """
      {"metrics": [{"name": "Count", "value": -3, "is_historical": true, "timestamp": 1700000000000}]}
      """
    Then a Sparkplug message on "spBv1.0/L1/DDATA/e1/+" from "broker" arrives within 60 s matching:
      """
      {"timestamp": "#number", "seq": 2, "metrics": [
        {"name": "Count", "alias": 8, "type": "Int32", "value": -3, "is_historical": true, "timestamp": 1700000000000}]}
      """
    When I publish a Sparkplug message to "spBv1.0/L1/NDEATH/e1" on "broker"
    Then a Sparkplug message on "spBv1.0/L1/NDEATH/+" from "broker" arrives within 60 s matching:
      """
      {"timestamp": "#number", "metrics": [{"name": "bdSeq", "type": "UInt64", "value": 0}]}
      """
    When I publish a Sparkplug message to "spBv1.0/L1/NBIRTH/e1" on "broker"
    Then a Sparkplug message on "spBv1.0/L1/NBIRTH/e1" from "broker" arrives within 60 s matching:
      """
      {"timestamp": "#number", "seq": 0, "metrics": [{"name": "bdSeq", "type": "UInt64", "value": 1}]}
      """
    When I publish a retained Sparkplug message to "spBv1.0/STATE/scada1" on "broker":
      """
      {"online": true}
      """
    Then a Sparkplug message on "spBv1.0/STATE/scada1" from "broker" arrives within 60 s matching:
      """
      {"online": true, "timestamp": "#number"}
      """
"##;

#[test]
fn sparkplug_steps_put_protobuf_on_the_wire_and_match_it_decoded() {
    let broker = Mosquitto::start();
    let p = Project::new()
        .file("qualify.yaml", &config(&broker))
        .file("requirements.yaml", REQUIREMENTS)
        .file("features/sparkplug.feature", PASSING);
    let run = p.qualify(&["run", "--progress", "plain"]);
    assert!(
        run.stdout.contains("1 scenarios: 1 passed, 0 failed")
            || run.stdout.contains("1 scenario: 1 passed, 0 failed"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    let results = p.results();
    let scenario = &results["features"][0]["scenarios"][0];
    let steps = scenario["steps"].as_array().unwrap();
    // The step record shows what was sent, with what was filled in.
    assert_eq!(steps[0]["output"]["sent"]["seq"], 0);
    assert_eq!(steps[0]["output"]["sent"]["metrics"][0]["name"], "bdSeq");
    assert_eq!(
        steps[3]["output"]["sent"]["metrics"][0],
        json!({"alias": 8, "timestamp": 1700000000000u64, "type": "Int32", "value": -3, "is_historical": true}),
        "DDATA goes by alias with the birth's datatype"
    );
    let pkg = &p.packages()[0];
    let transcript = steps[0]["attachments"][0]["path"].as_str().unwrap();
    let entries = json_lines(&std::fs::read_to_string(pkg.join(transcript)).unwrap());
    let published: Vec<&Value> = entries
        .iter()
        .filter(|e| e["event"] == "published")
        .collect();
    assert_eq!(published.len(), 6, "{published:?}");
    // The bytes on the wire are protobuf that decodes, independently of the step, to what the
    // evidence says was sent.
    for event in &published[..5] {
        let event = &event["detail"];
        let bytes = BASE64
            .decode(event["payload_base64"].as_str().unwrap())
            .unwrap();
        let (decoded, problems) = sparkplug_b::decode_to_json(&bytes).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(decoded, event["decoded"], "{event}");
    }
    assert_eq!(
        published[5]["detail"]["payload_text"]
            .as_str()
            .map(|t| t.contains("\"online\":true")),
        Some(true)
    );
    let received: Vec<&Value> = entries
        .iter()
        .filter(|e| e["event"] == "received")
        .collect();
    assert!(received.len() >= 6, "{received:?}");
    for event in &received {
        let event = &event["detail"];
        assert!(event["payload_base64"].is_string(), "{event}");
        assert_eq!(event["sparkplug_problems"], json!([]), "{event}");
        assert!(event["qos"].is_number() && event["retain"].is_boolean());
    }
    // Received DDATA carried only the alias; the decoded form has the name from the DBIRTH.
    let ddata = &received
        .iter()
        .find(|e| e["detail"]["topic"] == "spBv1.0/L1/DDATA/e1/press1")
        .unwrap()["detail"];
    assert_eq!(ddata["decoded"]["metrics"][0]["name"], "Count");
    let bytes = BASE64
        .decode(ddata["payload_base64"].as_str().unwrap())
        .unwrap();
    let wire = sparkplug_b::decode(&bytes).unwrap();
    assert_eq!(
        (wire.metrics[0].name.as_deref(), wire.metrics[0].alias),
        (None, Some(8))
    );
}

/// Publishes `bytes` retained on `topic` with a client of the test's own and waits for PUBACK.
fn publish_retained(broker: &Mosquitto, topic: &str, bytes: &[u8]) {
    let mut options = MqttOptions::new(
        format!("sparkplug-test-{}", std::process::id()),
        "127.0.0.1",
        broker.port,
    );
    options.set_keep_alive(Duration::from_secs(30));
    let (client, mut connection) = Client::new(options, 10);
    client
        .publish(topic, QoS::AtLeastOnce, true, bytes.to_vec())
        .unwrap();
    for event in connection.iter() {
        match event.expect("the test's own MQTT connection") {
            Event::Incoming(Packet::PubAck(_)) => break,
            Event::Outgoing(Outgoing::Disconnect) => panic!("disconnected before PUBACK"),
            _ => {}
        }
    }
    client.disconnect().ok();
}

const FAILURES: &str = r##"@OQ @URS-001
Feature: Defective Sparkplug messages

  Scenario: malformed protobuf
    Then a Sparkplug message on "spBv1.0/L1/DDATA/e9/+" from "broker" arrives within 60 s matching:
      """
      {"#rest": "#ignore"}
      """

  Scenario: an alias no birth assigned
    When I publish a Sparkplug message to "spBv1.0/L1/NBIRTH/e2" on "broker":
      """
      {"metrics": [{"name": "Temp", "alias": 7, "type": "Float", "value": 20.5}]}
      """
    And I publish a Sparkplug message to "spBv1.0/L1/NDATA/e2" on "broker":
      """
      {"metrics": [{"alias": 99, "type": "Int32", "value": 1}]}
      """
    Then a Sparkplug message on "spBv1.0/L1/NBIRTH/e2" from "broker" arrives within 60 s
    And a Sparkplug message on "spBv1.0/L1/NDATA/e2" from "broker" arrives within 60 s

  Scenario: a datatype the birth contradicts
    When I publish a Sparkplug message to "spBv1.0/L1/NBIRTH/e3" on "broker":
      """
      {"metrics": [{"name": "Temp", "alias": 7, "type": "Float", "value": 20.5}]}
      """
    And I publish a Sparkplug message to "spBv1.0/L1/NDATA/e3" on "broker":
      """
      {"metrics": [{"name": "Temp", "type": "Int32", "value": 21}]}
      """
    Then a Sparkplug message on "spBv1.0/L1/NBIRTH/e3" from "broker" arrives within 60 s
    And a Sparkplug message on "spBv1.0/L1/NDATA/e3" from "broker" arrives within 60 s

  Scenario: a JSON document written where Sparkplug is expected
    When I publish a Sparkplug message to "spBv1.0/L1/NDATA/e4" on "broker":
      """
      {"metrics": [{"name": "Temp", "type": "Int8", "value": 300}]}
      """
"##;

#[test]
fn defective_sparkplug_messages_fail_their_steps_with_the_bytes_in_evidence() {
    let broker = Mosquitto::start();
    // Truncated protobuf: a metric (field 2) announced with 16 bytes, 3 present.
    let malformed = [0x08, 0x01, 0x12, 0x10, 0x0a, 0x01, 0x61];
    publish_retained(&broker, "spBv1.0/L1/DDATA/e9/press1", &malformed);
    let p = Project::new()
        .file("qualify.yaml", &config(&broker))
        .file("requirements.yaml", REQUIREMENTS)
        .file("features/failures.feature", FAILURES);
    let run = p
        .qualify(&["run", "--progress", "plain", "--concurrency", "1"])
        .code(1);
    assert!(
        run.stdout.contains("4 scenarios: 0 passed, 4 failed"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    let results = p.results();
    let scenarios = results["features"][0]["scenarios"].as_array().unwrap();
    let failed = |i: usize| -> Value {
        scenarios[i]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["status"] == "failed")
            .cloned()
            .unwrap_or_else(|| panic!("scenario {i} has no failed step"))
    };
    let malformed_step = failed(0);
    let error = malformed_step["error"].as_str().unwrap();
    assert!(
        error.contains("not a Sparkplug B payload") && error.contains("080112100a0161"),
        "{error}"
    );
    assert_eq!(
        malformed_step["output"]["payload_base64"],
        BASE64.encode(malformed)
    );
    assert_eq!(malformed_step["output"]["retain"], true);
    let alias = failed(1);
    let error = alias["error"].as_str().unwrap();
    assert!(
        error.contains("alias 99 is not in the birth certificate of L1/e2"),
        "{error}"
    );
    assert!(error.contains("payload bytes (hex)"), "{error}");
    assert!(alias["output"]["payload_base64"].is_string());
    let datatype = failed(2);
    let error = datatype["error"].as_str().unwrap();
    assert!(
        error.contains("datatype Int32 but the birth declared Float"),
        "{error}"
    );
    let json_error = failed(3);
    let error = json_error["error"].as_str().unwrap();
    assert!(
        error.contains("metrics[0].value") && error.contains("Int8"),
        "{error}"
    );
}
