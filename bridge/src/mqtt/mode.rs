//! The main loop of MQTT mode: control requests from stdin and telemetry from the broker, handled
//! one at a time in arrival order by the same bridge.

use std::io::{self, BufRead, Write};
use std::sync::mpsc;
use std::time::Duration;

use rumqttc::{Client, QoS};
use serde_json::{Value, json};

use super::decision::{DECISIONS_TOPIC, decision, is_telemetry_topic, rebirth_message};
use super::link::{BrokerUrl, Input, connect};
use super::wire::{SparkplugWire, encode_command};
use crate::bridge::Bridge;
use crate::protocol::{Identity, Service, respond};
use crate::reason::ReasonCode;
use crate::rejection::Rejection;

/// How long the bridge waits for the broker before giving up at start.
const START_TIMEOUT: Duration = Duration::from_secs(10);
/// The Sparkplug namespace the bridge subscribes to.
const SUBSCRIPTION: &str = "spBv1.0/#";

/// The control channel: every kind but `telemetry`, which must come from the broker.
struct Controls<'a>(&'a mut Bridge);

impl Service for Controls<'_> {
    fn identity(&self) -> Identity {
        let mut identity = self.0.identity();
        identity.capabilities.push("mqtt".into());
        identity
    }

    fn handle(&mut self, kind: &str, body: &Value) -> Result<Value, Rejection> {
        if kind == "telemetry" {
            return Err(Rejection::new(
                ReasonCode::InvalidRequest,
                format!(
                    "in MQTT mode telemetry arrives through the broker ({SUBSCRIPTION}), not as a request"
                ),
            ));
        }
        self.0.handle(kind, body)
    }

    fn shutdown(&mut self) {
        self.0.shutdown();
    }
}

/// Connects to the broker, subscribes, then serves stdin and the broker until `shutdown` or end
/// of input. Fails if the broker cannot be reached within 10 s at start.
pub fn serve_mqtt(bridge: &mut Bridge, url: &str) -> Result<(), String> {
    let url = BrokerUrl::parse(url)?;
    let (tx, rx) = mpsc::channel();
    let client = connect(&url, tx.clone());
    // Subscribed before `hello` is answered: what is published after the adapter started is seen.
    let deadline = std::time::Instant::now() + START_TIMEOUT;
    let mut last_error = String::from("no answer");
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(Input::Connected) => subscribe(&client)?,
            Ok(Input::Subscribed) => break,
            Ok(Input::BrokerError(e)) => last_error = e,
            Ok(_) => {}
            Err(_) => {
                return Err(format!(
                    "cannot subscribe to {SUBSCRIPTION} on mqtt://{}:{} within {} s: {last_error}",
                    url.host,
                    url.port,
                    START_TIMEOUT.as_secs()
                ));
            }
        }
    }
    eprintln!(
        "mqtt: subscribed to {SUBSCRIPTION} on mqtt://{}:{}",
        url.host, url.port
    );
    std::thread::spawn(move || {
        for line in io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if tx.send(Input::Line(line)).is_err() {
                return;
            }
        }
        let _ = tx.send(Input::Eof);
    });
    let mut stdout = io::stdout().lock();
    let mut controls = Controls(bridge);
    let mut wire = SparkplugWire::default();
    while let Ok(input) = rx.recv() {
        match input {
            Input::Line(line) => {
                if let Some((response, stop)) = respond(&line, &mut controls) {
                    writeln!(stdout, "{response}").map_err(|e| format!("stdout: {e}"))?;
                    stdout.flush().map_err(|e| format!("stdout: {e}"))?;
                    if stop {
                        break;
                    }
                }
            }
            Input::Eof => {
                controls.shutdown();
                break;
            }
            Input::Connected => {
                eprintln!("mqtt: connected again; subscribing to {SUBSCRIPTION}");
                subscribe(&client)?;
            }
            Input::Subscribed => {}
            Input::BrokerError(e) => eprintln!("mqtt: broker connection: {e}"),
            Input::Message(topic, payload) => {
                ingest(controls.0, &mut wire, &client, &topic, &payload)
            }
        }
    }
    let _ = client.disconnect();
    Ok(())
}

fn subscribe(client: &Client) -> Result<(), String> {
    client
        .subscribe(SUBSCRIPTION, QoS::AtLeastOnce)
        .map_err(|e| format!("cannot subscribe: {e}"))
}

/// One message from the broker through the pipeline; the decision (and a rebirth request after a
/// gap, as a protobuf NCMD) goes back to the broker.
fn ingest(
    bridge: &mut Bridge,
    wire: &mut SparkplugWire,
    client: &Client,
    topic: &str,
    bytes: &[u8],
) {
    if !is_telemetry_topic(topic) {
        return;
    }
    let (payload, outcome) = match wire.read(topic, bytes) {
        Ok(payload) => {
            let outcome = bridge.handle("telemetry", &json!({"topic": topic, "payload": payload}));
            (payload, outcome)
        }
        Err(refusal) => {
            let detail = |key: &str| refusal.details.as_ref().and_then(|d| d.get(key)).cloned();
            let body = json!({"topic": topic, "payload_base64": detail("payload_base64")});
            // What decoded (its seq) still identifies the message in the decision.
            let decoded = detail("decoded").unwrap_or(Value::Null);
            (decoded, bridge.refuse_telemetry(&body, refusal))
        }
    };
    let verdict = decision(topic, &payload, &outcome);
    publish(client, DECISIONS_TOPIC, verdict.to_string().into_bytes());
    if let Err(rejection) = &outcome
        && let Some((rebirth_topic, body)) =
            rebirth_message(rejection, chrono::Utc::now().timestamp_millis())
    {
        eprintln!(
            "mqtt: {}; requesting a rebirth on {rebirth_topic}",
            rejection.message
        );
        match encode_command(&body) {
            Ok(bytes) => publish(client, &rebirth_topic, bytes),
            Err(e) => eprintln!("mqtt: cannot encode the rebirth request: {e}"),
        }
    }
}

fn publish(client: &Client, topic: &str, bytes: Vec<u8>) {
    if let Err(e) = client.publish(topic, QoS::AtLeastOnce, false, bytes) {
        eprintln!("mqtt: cannot publish on {topic}: {e}");
    }
}
