//! The `mqtt` adapter: a real broker, one connection per scenario (clean session), publishing
//! JSON payloads and matching what arrives on subscribed topics.
//!
//! Every message published or received is recorded in `<adapter>.mqtt.jsonl` with its topic, QoS,
//! retain flag and time. A broken connection is never re-established within a scenario, because
//! messages sent while it was down are lost and a step must not pass over that gap.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rumqttc::{
    AsyncClient, ConnectReturnCode, ConnectionError, Event, MqttOptions, Packet, QoS,
    TlsConfiguration, Transport,
};
use serde_json::{Value, json};

use super::AdapterError;
use super::mqtt_link::{Ack, Link, PendingOp, drive};
use super::mqtt_message::{MqttMessage, PublishReceipt};
use super::process_slot::file_stem;
use super::secrets::{Secrets, read_secret};
use super::tls::{client_config, error_chain, is_tls_error};
use super::topic::{check_topic_filter, check_topic_name, filter_covers, topic_matches};
use super::transcript::Transcript;
use crate::config::{AdapterConfig, BrokerAddress};
use crate::evidence::{AdapterIdentity, AttachmentWriter};

/// Largest packet qualify sends or accepts (Sparkplug payloads can be large).
const MAX_PACKET: usize = 16 * 1024 * 1024;
/// How many candidate messages a failed expectation reports.
pub(crate) const CANDIDATES: usize = 20;

/// Makes client ids unique within this process; the process id makes them unique between runs.
static CONNECTIONS: AtomicU64 = AtomicU64::new(1);

struct Live {
    client: AsyncClient,
    link: Arc<Link>,
    task: tokio::task::JoinHandle<()>,
}

/// An MQTT adapter within one scenario.
pub(crate) struct MqttSlot {
    adapter: String,
    path: String,
    transcript: Option<Transcript>,
    live: Option<Live>,
    endpoint: String,
    subscriptions: Vec<String>,
    request_timeout: Duration,
    shutdown_timeout: Duration,
    identity: Option<AdapterIdentity>,
    /// The edge nodes this scenario plays: `seq`, `bdSeq` and aliases of what it published.
    sparkplug: sparkplug_b::Publisher,
}

impl Drop for MqttSlot {
    fn drop(&mut self) {
        // A scenario torn down without `finish` must not leave a task holding a connection.
        if let Some(live) = &self.live {
            live.task.abort();
        }
    }
}

impl MqttSlot {
    /// A slot for `adapter` that records into `transcript` (see `SlotTranscript`).
    pub(crate) fn new(adapter: &str, transcript: Transcript) -> Self {
        Self {
            adapter: adapter.to_string(),
            path: transcript.path().to_string(),
            transcript: Some(transcript),
            live: None,
            endpoint: String::new(),
            subscriptions: Vec::new(),
            request_timeout: Duration::ZERO,
            shutdown_timeout: Duration::ZERO,
            identity: None,
            sparkplug: sparkplug_b::Publisher::default(),
        }
    }

    /// The identity, once connected.
    pub(crate) fn identity(&self) -> Option<&AdapterIdentity> {
        self.identity.as_ref()
    }

    /// The attachment file this slot writes.
    pub(crate) fn paths(&self) -> Vec<String> {
        vec![self.path.clone()]
    }

    fn note(&mut self, event: &str, detail: &Value) {
        if let Some(t) = self.transcript.as_mut() {
            t.note(event, detail);
        }
    }

    /// Connects (clean session) and subscribes to the configured filters.
    pub(crate) async fn start(
        &mut self,
        config: &AdapterConfig,
        config_dir: &std::path::Path,
    ) -> Result<AdapterIdentity, AdapterError> {
        if let Some(identity) = &self.identity {
            return Ok(identity.clone());
        }
        let url = config.url.as_deref().unwrap_or_default();
        let broker =
            BrokerAddress::parse(url).map_err(|e| AdapterError::start_failed(&self.adapter, e))?;
        self.endpoint = broker.to_string();
        self.request_timeout = Duration::from_millis(config.timeouts.request_ms);
        self.shutdown_timeout = Duration::from_millis(config.timeouts.shutdown_ms);
        let n = CONNECTIONS.fetch_add(1, Ordering::SeqCst);
        let prefix = config
            .client_id
            .clone()
            .unwrap_or_else(|| format!("qualify-{}", file_stem(&self.adapter)));
        let client_id = format!("{prefix}-{}-{n}", std::process::id());
        let mut options = MqttOptions::new(client_id.clone(), broker.host.clone(), broker.port);
        options.set_keep_alive(Duration::from_secs(30));
        options.set_clean_session(true);
        options.set_max_packet_size(MAX_PACKET, MAX_PACKET);
        let mut secrets = Secrets::default();
        if let Some(user) = &config.username {
            let password = match &config.password_env {
                Some(var) => read_secret(&self.adapter, "password_env", var).inspect_err(|e| {
                    let detail = json!({ "error": e.to_string() });
                    self.note("connect_failed", &detail);
                })?,
                None => String::new(),
            };
            secrets.add(&password);
            options.set_credentials(user.clone(), password);
        }
        if let Some(t) = self.transcript.as_mut() {
            t.set_secrets(secrets.clone());
        }
        if broker.tls {
            let tls =
                client_config(&self.adapter, config.tls.as_ref(), config_dir).inspect_err(|e| {
                    let detail = json!({ "error": e.to_string() });
                    self.note("connect_failed", &detail);
                })?;
            options.set_transport(Transport::tls_with_config(TlsConfiguration::Rustls(tls)));
        }
        let (client, mut eventloop) = AsyncClient::new(options, 64);
        let mut network = eventloop.network_options();
        network.set_connection_timeout(config.timeouts.start_ms.div_ceil(1000).max(1));
        eventloop.set_network_options(network);
        let connecting = json!({
            "broker": self.endpoint,
            "client_id": client_id,
            "username": config.username,
            "password": config.password_env.as_ref().map(|v| format!("from ${v} (not recorded)")),
            "tls": broker.tls,
            "clean_session": true,
        });
        if let Some(t) = self.transcript.as_mut() {
            t.event("connecting", &connecting)?;
        }
        let started = Instant::now();
        let polled = tokio::time::timeout(
            Duration::from_millis(config.timeouts.start_ms),
            eventloop.poll(),
        )
        .await;
        let failure = match polled {
            Ok(Ok(Event::Incoming(Packet::ConnAck(_)))) => None,
            Ok(Ok(other)) => Some(
                self.connection_failed(format!("the broker answered {other:?} instead of CONNACK")),
            ),
            Ok(Err(e)) => Some(self.classify(e)),
            Err(_) => Some(AdapterError::NetworkTimeout {
                adapter: self.adapter.clone(),
                operation: format!("connecting to {}", self.endpoint),
                timeout_ms: config.timeouts.start_ms,
            }),
        };
        if let Some(error) = failure {
            self.note(
                "connect_failed",
                &json!({ "error": error.to_string(), "code": error.code() }),
            );
            return Err(error);
        }
        let Some(transcript) = self.transcript.take() else {
            return Err(AdapterError::start_failed(
                &self.adapter,
                "the transcript is gone",
            ));
        };
        let link = Arc::new(Link::new(
            &self.adapter,
            &self.endpoint,
            secrets,
            transcript,
        ));
        link.record("connected", &json!({ "broker": self.endpoint, "client_id": client_id, "ms": started.elapsed().as_secs_f64() * 1000.0 }))?;
        let task = tokio::spawn(drive(eventloop, link.clone()));
        self.live = Some(Live { client, link, task });
        for filter in &config.subscribe {
            // A configured subscription is part of the start: without it the scenario could miss
            // what it is about to provoke, so its failure fails the start for good.
            if let Err(e) = self.subscribe(filter).await {
                let error = match e {
                    AdapterError::SubscriptionRefused { .. }
                    | AdapterError::InvalidRequest { .. } => {
                        AdapterError::start_failed(&self.adapter, format!("`subscribe`: {e}"))
                    }
                    other => other,
                };
                if let Some(live) = &self.live {
                    live.link.fail(error.to_string());
                }
                return Err(error);
            }
        }
        let identity = AdapterIdentity {
            adapter: self.adapter.clone(),
            kind: "mqtt".to_string(),
            name: Some(self.endpoint.clone()),
            version: None,
            sha256: None,
        };
        self.identity = Some(identity.clone());
        Ok(identity)
    }

    fn connection_failed(&self, reason: String) -> AdapterError {
        AdapterError::ConnectionFailed {
            adapter: self.adapter.clone(),
            endpoint: self.endpoint.clone(),
            reason,
        }
    }

    fn classify(&self, error: ConnectionError) -> AdapterError {
        let (adapter, endpoint) = (self.adapter.clone(), self.endpoint.clone());
        match error {
            ConnectionError::ConnectionRefused(
                code @ (ConnectReturnCode::BadUserNamePassword | ConnectReturnCode::NotAuthorized),
            ) => AdapterError::AuthFailed {
                adapter,
                endpoint,
                reason: format!("CONNACK {code:?}"),
            },
            ConnectionError::ConnectionRefused(code) => self.connection_failed(format!(
                "the broker refused the connection: CONNACK {code:?}"
            )),
            ConnectionError::Tls(e) => AdapterError::Tls {
                adapter,
                endpoint,
                reason: error_chain(&e),
            },
            ConnectionError::Io(e) if is_tls_error(&e) => AdapterError::Tls {
                adapter,
                endpoint,
                reason: error_chain(&e),
            },
            other => self.connection_failed(error_chain(&other)),
        }
    }

    fn live(&self) -> Result<&Live, AdapterError> {
        let Some(live) = self.live.as_ref() else {
            return Err(AdapterError::start_failed(&self.adapter, "not connected"));
        };
        match live.link.failure() {
            Some(error) => Err(error),
            None => Ok(live),
        }
    }

    /// Waits for the answer to the request just handed to the event loop.
    async fn await_ack(
        &self,
        live: &Live,
        rx: tokio::sync::oneshot::Receiver<Ack>,
        operation: String,
    ) -> Result<Ack, AdapterError> {
        match tokio::time::timeout(self.request_timeout, rx).await {
            Ok(Ok(ack)) => Ok(ack),
            Ok(Err(_)) => Err(live.link.failure().unwrap_or_else(|| {
                self.connection_failed(format!("the connection ended during {operation}"))
            })),
            Err(_) => {
                live.link.abandon();
                let timeout_ms = self
                    .request_timeout
                    .as_millis()
                    .try_into()
                    .unwrap_or(u64::MAX);
                live.link
                    .fail(format!("no answer to {operation} within {timeout_ms} ms"));
                let _ = live.link.record(
                    "timeout",
                    &json!({ "operation": operation, "timeout_ms": timeout_ms }),
                );
                Err(AdapterError::NetworkTimeout {
                    adapter: self.adapter.clone(),
                    operation,
                    timeout_ms,
                })
            }
        }
    }

    /// Subscribes to `filter` (QoS 1) and waits for the broker's acknowledgement.
    pub(crate) async fn subscribe(&mut self, filter: &str) -> Result<(), AdapterError> {
        check_topic_filter(filter).map_err(|problem| AdapterError::InvalidRequest {
            adapter: self.adapter.clone(),
            problem,
        })?;
        let live = self.live()?;
        let rx = live.link.begin(PendingOp::Subscribe);
        live.link
            .record("subscribe", &json!({ "filter": filter, "qos": 1 }))?;
        if live
            .client
            .subscribe(filter, QoS::AtLeastOnce)
            .await
            .is_err()
        {
            live.link.abandon();
            return Err(live
                .link
                .failure()
                .unwrap_or_else(|| self.connection_failed("the connection task ended".into())));
        }
        let ack = self
            .await_ack(live, rx, format!("the subscription to \"{filter}\""))
            .await?;
        let granted = match ack {
            Ack::Subscribed(codes) => codes.first().copied().flatten(),
            Ack::Published { .. } => None,
        };
        live.link.record(
            "subscribed",
            &json!({ "filter": filter, "granted_qos": granted }),
        )?;
        if granted.is_none() {
            return Err(AdapterError::SubscriptionRefused {
                adapter: self.adapter.clone(),
                filter: filter.to_string(),
            });
        }
        self.subscriptions.push(filter.to_string());
        Ok(())
    }

    /// Subscribes to `filter` unless a subscription already covers it.
    async fn ensure_subscribed(&mut self, filter: &str) -> Result<(), AdapterError> {
        check_topic_filter(filter).map_err(|problem| AdapterError::InvalidRequest {
            adapter: self.adapter.clone(),
            problem,
        })?;
        if self.subscriptions.iter().any(|s| filter_covers(s, filter)) {
            return Ok(());
        }
        self.subscribe(filter).await
    }

    /// Publishes `payload` as compact JSON and waits for the broker's acknowledgement (QoS 1, 2)
    /// or until it is written (QoS 0).
    pub(crate) async fn publish(
        &mut self,
        topic: &str,
        payload: &Value,
        qos: u8,
        retain: bool,
    ) -> Result<PublishReceipt, AdapterError> {
        let text = serde_json::to_string(payload).unwrap_or_default();
        let detail = json!({ "payload_text": text });
        self.send(topic, text.into_bytes(), qos, retain, detail)
            .await
    }

    /// Publishes the author's JSON `doc` as a Sparkplug B message on `topic`: protobuf with
    /// `seq`, `bdSeq`, timestamp and aliases filled in unless stated (STATE topics: JSON).
    /// Returns the receipt and the JSON form of what was sent.
    pub(crate) async fn publish_sparkplug(
        &mut self,
        topic: &str,
        doc: &Value,
        qos: u8,
        retain: bool,
    ) -> Result<(PublishReceipt, Value), AdapterError> {
        let now_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or_default();
        let outgoing = super::mqtt_sparkplug::outgoing(
            &self.adapter,
            &mut self.sparkplug,
            topic,
            doc,
            now_ms,
        )?;
        let receipt = self
            .send(topic, outgoing.bytes, qos, retain, outgoing.detail)
            .await?;
        Ok((receipt, outgoing.sent))
    }

    /// Publishes `bytes`, recording `detail` (with topic, QoS and retain added) as `published`.
    async fn send(
        &mut self,
        topic: &str,
        bytes: Vec<u8>,
        qos: u8,
        retain: bool,
        mut detail: Value,
    ) -> Result<PublishReceipt, AdapterError> {
        check_topic_name(topic).map_err(|problem| AdapterError::InvalidRequest {
            adapter: self.adapter.clone(),
            problem,
        })?;
        let level = match qos {
            0 => QoS::AtMostOnce,
            1 => QoS::AtLeastOnce,
            2 => QoS::ExactlyOnce,
            other => {
                return Err(AdapterError::InvalidRequest {
                    adapter: self.adapter.clone(),
                    problem: format!("QoS {other} does not exist; use 0, 1 or 2"),
                });
            }
        };
        let live = self.live()?;
        let rx = live.link.begin(PendingOp::Publish(qos));
        if let Some(map) = detail.as_object_mut() {
            map.insert("topic".into(), json!(topic));
            map.insert("qos".into(), json!(qos));
            map.insert("retain".into(), json!(retain));
        }
        live.link.record("published", &detail)?;
        let started = Instant::now();
        if live
            .client
            .publish(topic, level, retain, bytes)
            .await
            .is_err()
        {
            live.link.abandon();
            return Err(live
                .link
                .failure()
                .unwrap_or_else(|| self.connection_failed("the connection task ended".into())));
        }
        let ack = self
            .await_ack(live, rx, format!("publishing to \"{topic}\" (QoS {qos})"))
            .await?;
        let Ack::Published { pkid, ack } = ack else {
            return Err(self.connection_failed("the broker acknowledged something else".into()));
        };
        let receipt = PublishReceipt {
            pkid,
            ack,
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
        };
        live.link.record(
            "acknowledged",
            &json!({ "topic": topic, "pkid": pkid, "ack": ack, "elapsed_ms": receipt.elapsed_ms }),
        )?;
        Ok(receipt)
    }

    /// Waits up to `within` for an unconsumed message on `filter` that `accept` takes, and
    /// consumes it. On timeout, returns the unconsumed messages on `filter` (most recent last).
    pub(crate) async fn expect(
        &mut self,
        filter: &str,
        within: Duration,
        accept: &dyn Fn(&MqttMessage) -> bool,
    ) -> Result<Result<MqttMessage, Vec<MqttMessage>>, AdapterError> {
        self.ensure_subscribed(filter).await?;
        let live = self.live()?;
        let deadline = Instant::now() + within;
        let found = live
            .link
            .wait_for(deadline, |messages| {
                let at = messages
                    .iter()
                    .position(|m| topic_matches(filter, &m.topic) && accept(m))?;
                messages.remove(at)
            })
            .await?;
        Ok(match found {
            Some(message) => {
                live.link
                    .record("matched", &json!({ "seq": message.seq, "filter": filter }))?;
                Ok(message)
            }
            None => Err(live
                .link
                .unconsumed(CANDIDATES, |m| topic_matches(filter, &m.topic))),
        })
    }

    /// Collects (and consumes) the messages on `filter` that `accept` takes until `within` has
    /// passed or `enough` says so for the number collected.
    pub(crate) async fn collect(
        &mut self,
        filter: &str,
        within: Duration,
        accept: &dyn Fn(&MqttMessage) -> bool,
        enough: &dyn Fn(usize) -> bool,
    ) -> Result<Vec<MqttMessage>, AdapterError> {
        self.ensure_subscribed(filter).await?;
        let live = self.live()?;
        let deadline = Instant::now() + within;
        let mut got: Vec<MqttMessage> = Vec::new();
        live.link
            .wait_for(deadline, |messages| {
                let mut kept = std::collections::VecDeque::with_capacity(messages.len());
                for m in messages.drain(..) {
                    if topic_matches(filter, &m.topic) && accept(&m) {
                        got.push(m);
                    } else {
                        kept.push_back(m);
                    }
                }
                *messages = kept;
                enough(got.len()).then_some(())
            })
            .await?;
        Ok(got)
    }

    /// Disconnects and hands back the transcript file.
    pub(crate) async fn finish(mut self) -> Option<AttachmentWriter> {
        if let Some(live) = self.live.take() {
            let healthy = live.link.failure().is_none();
            live.link.set_closing();
            if healthy {
                let _ = live.client.try_disconnect();
            }
            drop(live.client);
            let mut task = live.task;
            if tokio::time::timeout(self.shutdown_timeout, &mut task)
                .await
                .is_err()
            {
                task.abort();
                live.link
                    .record(
                        "disconnect_timeout",
                        &json!({ "timeout_ms": self.shutdown_timeout.as_millis() as u64 }),
                    )
                    .ok();
            }
            live.link
                .record("disconnected", &json!({ "clean": healthy }))
                .ok();
            self.transcript = live.link.take_transcript();
        }
        self.transcript.take().map(Transcript::into_writer)
    }
}
