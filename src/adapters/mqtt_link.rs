//! The live side of an MQTT connection: a task drives rumqttc's event loop, records every message
//! as it arrives, keeps the messages no step has consumed yet, and completes the one publish or
//! subscribe a step is waiting for. Steps look at the shared state and wait for changes.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Instant;

use rumqttc::{ConnectionError, Event, EventLoop, Outgoing, Packet, SubscribeReasonCode};
use serde_json::{Value, json};
use tokio::sync::{oneshot, watch};

use super::mqtt_message::MqttMessage;
use super::mqtt_sparkplug::{Reader, base64};
use super::transcript::{Transcript, now};
use super::{AdapterError, secrets::Secrets};

/// Unconsumed messages kept per connection; older ones are dropped (and the drop is recorded) so
/// that a busy topic nobody asserts on cannot exhaust memory.
const MAX_UNCONSUMED: usize = 100_000;

/// What a step waits for after handing a request to the event loop.
pub(crate) enum PendingOp {
    /// A publish with this QoS.
    Publish(u8),
    /// A subscribe.
    Subscribe,
}

/// How the broker answered a pending request.
pub(crate) enum Ack {
    /// The publish was acknowledged (`puback`, `pubcomp`) or, for QoS 0, written (`sent`).
    Published { pkid: u16, ack: &'static str },
    /// The subscription's granted QoS per filter; `None` is a refusal.
    Subscribed(Vec<Option<u8>>),
}

struct Pending {
    op: PendingOp,
    pkid: Option<u16>,
    done: oneshot::Sender<Ack>,
}

/// Why the connection is unusable.
#[derive(Clone)]
enum Failure {
    Lost(String),
    Evidence { path: String, message: String },
}

struct LinkState {
    transcript: Option<Transcript>,
    messages: VecDeque<MqttMessage>,
    next_seq: u64,
    dropped: u64,
    failure: Option<Failure>,
    closing: bool,
    pending: Option<Pending>,
    /// Births seen on this connection, to read Sparkplug messages as they arrive.
    sparkplug: Reader,
}

/// The shared state of one connection.
pub(crate) struct Link {
    adapter: String,
    endpoint: String,
    secrets: Secrets,
    state: Mutex<LinkState>,
    changed: watch::Sender<u64>,
}

impl Link {
    /// A link writing to `transcript`.
    pub(crate) fn new(
        adapter: &str,
        endpoint: &str,
        secrets: Secrets,
        transcript: Transcript,
    ) -> Self {
        Self {
            adapter: adapter.to_string(),
            endpoint: endpoint.to_string(),
            secrets,
            state: Mutex::new(LinkState {
                transcript: Some(transcript),
                messages: VecDeque::new(),
                next_seq: 1,
                dropped: 0,
                failure: None,
                closing: false,
                pending: None,
                sparkplug: Reader::default(),
            }),
            changed: watch::Sender::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LinkState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn bump(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Records an event; a write failure makes the link unusable (what is not recorded is not
    /// evidence) and is returned.
    pub(crate) fn record(&self, event: &str, detail: &Value) -> Result<(), AdapterError> {
        let result = {
            let mut st = self.lock();
            record_in(&mut st, event, detail)
        };
        if result.is_err() {
            self.bump();
        }
        result.map_err(|(path, message)| AdapterError::Evidence {
            adapter: self.adapter.clone(),
            path,
            error: std::io::Error::other(message),
        })
    }

    /// The error describing why the link is unusable, if it is.
    pub(crate) fn failure(&self) -> Option<AdapterError> {
        let failure = self.lock().failure.clone();
        failure.map(|f| self.error_for(f))
    }

    fn error_for(&self, failure: Failure) -> AdapterError {
        match failure {
            Failure::Lost(reason) => AdapterError::ConnectionLost {
                adapter: self.adapter.clone(),
                endpoint: self.endpoint.clone(),
                reason,
            },
            Failure::Evidence { path, message } => AdapterError::Evidence {
                adapter: self.adapter.clone(),
                path,
                error: std::io::Error::other(message),
            },
        }
    }

    /// Marks the link unusable (a step gave up waiting for the broker).
    pub(crate) fn fail(&self, reason: String) {
        let mut st = self.lock();
        if st.failure.is_none() {
            st.failure = Some(Failure::Lost(reason));
        }
        st.pending = None;
        drop(st);
        self.bump();
    }

    /// Registers the request a step is about to hand to the event loop.
    pub(crate) fn begin(&self, op: PendingOp) -> oneshot::Receiver<Ack> {
        let (done, rx) = oneshot::channel();
        self.lock().pending = Some(Pending {
            op,
            pkid: None,
            done,
        });
        rx
    }

    /// Forgets a pending request that will not be answered (the step gave up).
    pub(crate) fn abandon(&self) {
        self.lock().pending = None;
    }

    /// From now on a broken connection is the expected end, not a failure.
    pub(crate) fn set_closing(&self) {
        self.lock().closing = true;
    }

    /// Takes the transcript back at the end of the scenario.
    pub(crate) fn take_transcript(&self) -> Option<Transcript> {
        self.lock().transcript.take()
    }

    /// Waits until `check` returns something, the link fails, or `deadline` passes (`None`).
    /// A message that arrived before the failure is still found.
    pub(crate) async fn wait_for<T>(
        &self,
        deadline: Instant,
        mut check: impl FnMut(&mut VecDeque<MqttMessage>) -> Option<T>,
    ) -> Result<Option<T>, AdapterError> {
        let mut rx = self.changed.subscribe();
        loop {
            {
                let mut st = self.lock();
                if let Some(found) = check(&mut st.messages) {
                    return Ok(Some(found));
                }
                if let Some(f) = st.failure.clone() {
                    drop(st);
                    return Err(self.error_for(f));
                }
            }
            let deadline = tokio::time::Instant::from_std(deadline);
            match tokio::time::timeout_at(deadline, rx.changed()).await {
                Ok(Ok(())) => {}
                // The sender lives in `self`: it cannot be gone while we hold `self`.
                Ok(Err(_)) | Err(_) => return Ok(None),
            }
        }
    }

    /// A copy of the unconsumed messages that `keep` selects, the most recent `limit` of them.
    pub(crate) fn unconsumed(
        &self,
        limit: usize,
        keep: impl Fn(&MqttMessage) -> bool,
    ) -> Vec<MqttMessage> {
        let st = self.lock();
        let mut found: Vec<MqttMessage> = st
            .messages
            .iter()
            .rev()
            .filter(|m| keep(m))
            .take(limit)
            .cloned()
            .collect();
        found.reverse();
        found
    }

    fn on_message(&self, publish: rumqttc::Publish) {
        let mut st = self.lock();
        let seq = st.next_seq;
        st.next_seq += 1;
        let qos = publish.qos as u8;
        let reading = st.sparkplug.read(&publish.topic, &publish.payload);
        let (document, form) = match reading.as_ref().and_then(|r| r.decoded.clone()) {
            Some(decoded) => (decoded, "sparkplug"),
            None => MqttMessage::decode(&publish.payload),
        };
        let mut detail = json!({
            "seq": seq,
            "topic": publish.topic,
            "qos": qos,
            "retain": publish.retain,
            "dup": publish.dup,
        });
        let secret_inside = self.secrets.occurs_in(&publish.payload);
        let raw = match (form, &reading) {
            (_, Some(_)) | ("hex", None) if secret_inside => (
                "payload_base64",
                Value::String(super::secrets::REDACTED.to_string()),
            ),
            // Sparkplug: the bytes as received and the decoded form side by side.
            (_, Some(_)) => ("payload_base64", Value::String(base64(&publish.payload))),
            ("hex", None) => ("payload_hex", Value::String(hex::encode(&publish.payload))),
            _ => (
                "payload_text",
                Value::String(String::from_utf8_lossy(&publish.payload).into_owned()),
            ),
        };
        if let Some(map) = detail.as_object_mut() {
            map.insert(raw.0.to_string(), raw.1);
            if let Some(r) = &reading {
                map.insert("decoded".into(), r.decoded.clone().unwrap_or(Value::Null));
                map.insert("sparkplug_problems".into(), json!(r.problems));
            }
        }
        let recorded = record_in(&mut st, "received", &detail);
        let message = MqttMessage {
            seq,
            topic: publish.topic,
            qos,
            retain: publish.retain,
            received_at: now(),
            payload: self.secrets.redact_value(&document),
            raw: if secret_inside {
                Vec::new()
            } else {
                publish.payload.to_vec()
            },
            sparkplug: reading,
        };
        if st.messages.len() >= MAX_UNCONSUMED {
            st.messages.pop_front();
            st.dropped += 1;
            if st.dropped == 1 {
                let detail = json!({"kept": MAX_UNCONSUMED, "reason": "more unconsumed messages than qualify keeps; the oldest are dropped from matching (they stay in this transcript)"});
                let _ = record_in(&mut st, "buffer_full", &detail);
            }
        }
        st.messages.push_back(message);
        if let Err((path, message)) = recorded
            && st.failure.is_none()
        {
            st.failure = Some(Failure::Evidence { path, message });
        }
        drop(st);
        self.bump();
    }

    fn on_outgoing(&self, kind: &str, pkid: u16) {
        let mut st = self.lock();
        let Some(pending) = st.pending.as_mut() else {
            return;
        };
        match (&pending.op, kind) {
            (PendingOp::Publish(0), "publish") => {
                if let Some(p) = st.pending.take() {
                    let _ = p.done.send(Ack::Published { pkid, ack: "sent" });
                }
            }
            (PendingOp::Publish(_), "publish") | (PendingOp::Subscribe, "subscribe") => {
                pending.pkid = Some(pkid);
            }
            _ => {}
        }
    }

    fn on_ack(&self, ack: Ack, pkid: u16) {
        let mut st = self.lock();
        let fits = st.pending.as_ref().is_some_and(|p| {
            p.pkid == Some(pkid)
                && matches!(
                    (&p.op, &ack),
                    (PendingOp::Publish(_), Ack::Published { .. })
                        | (PendingOp::Subscribe, Ack::Subscribed(_))
                )
        });
        if fits && let Some(p) = st.pending.take() {
            let _ = p.done.send(ack);
        }
    }

    fn on_error(&self, error: &ConnectionError) {
        let mut st = self.lock();
        let reason = super::tls::error_chain(error);
        if st.closing {
            let _ = record_in(&mut st, "closed", &json!({ "detail": reason }));
        } else {
            let _ = record_in(&mut st, "connection_lost", &json!({ "error": reason }));
            if st.failure.is_none() {
                st.failure = Some(Failure::Lost(reason));
            }
        }
        st.pending = None;
        drop(st);
        self.bump();
    }
}

fn record_in(st: &mut LinkState, event: &str, detail: &Value) -> Result<(), (String, String)> {
    match st.transcript.as_mut() {
        Some(t) => t
            .event(event, detail)
            .map_err(|e| (t.path().to_string(), e.to_string())),
        None => Ok(()),
    }
}

/// Drives the event loop until the connection ends, feeding `link`.
pub(crate) async fn drive(mut eventloop: EventLoop, link: std::sync::Arc<Link>) {
    loop {
        match eventloop.poll().await {
            Ok(Event::Incoming(Packet::Publish(p))) => link.on_message(p),
            Ok(Event::Incoming(Packet::PubAck(a))) => link.on_ack(
                Ack::Published {
                    pkid: a.pkid,
                    ack: "puback",
                },
                a.pkid,
            ),
            Ok(Event::Incoming(Packet::PubComp(a))) => link.on_ack(
                Ack::Published {
                    pkid: a.pkid,
                    ack: "pubcomp",
                },
                a.pkid,
            ),
            Ok(Event::Incoming(Packet::SubAck(s))) => {
                let granted = s
                    .return_codes
                    .iter()
                    .map(|c| match c {
                        SubscribeReasonCode::Success(q) => Some(*q as u8),
                        SubscribeReasonCode::Failure => None,
                    })
                    .collect();
                link.on_ack(Ack::Subscribed(granted), s.pkid);
            }
            Ok(Event::Outgoing(Outgoing::Publish(pkid))) => link.on_outgoing("publish", pkid),
            Ok(Event::Outgoing(Outgoing::Subscribe(pkid))) => link.on_outgoing("subscribe", pkid),
            Ok(Event::Incoming(Packet::Disconnect)) => {
                link.on_error(&ConnectionError::Io(std::io::Error::other(
                    "the broker sent DISCONNECT",
                )));
                return;
            }
            Ok(_) => {}
            Err(ConnectionError::RequestsDone) => return,
            Err(e) => {
                link.on_error(&e);
                return;
            }
        }
    }
}
