//! The `mqtt` adapter against a real mosquitto broker that each test starts on a free port.

use crate::support;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

use crate::support::certs::Certs;
use crate::support::mosquitto::{BrokerOptions, Mosquitto};
use qualify::adapters::{AdapterRegistry, MqttMessage, ScenarioAdapters};
use qualify::config::{AdapterConfig, AdapterKind, Timeouts, TlsSettings};
use qualify::evidence::AttachmentStore;
use serde_json::{Value, json};
use tempfile::TempDir;

const PASSWORD: &str = "mq-pass-91c2e";
const PASSWORD_VAR: &str = "QUALIFY_TEST_MQTT_PASSWORD";
const WRONG_VAR: &str = "QUALIFY_TEST_MQTT_WRONG_PASSWORD";

fn set_env() {
    static ONCE: Once = Once::new();
    // SAFETY: set once, before any adapter of this test binary reads them, with names no other
    // code uses.
    ONCE.call_once(|| unsafe {
        std::env::set_var(PASSWORD_VAR, PASSWORD);
        std::env::set_var(WRONG_VAR, "not-the-password");
    });
}

fn mqtt(url: &str) -> AdapterConfig {
    AdapterConfig {
        url: Some(url.to_string()),
        timeouts: Timeouts {
            start_ms: 3_000,
            request_ms: 2_000,
            shutdown_ms: 1_000,
        },
        ..AdapterConfig::new(AdapterKind::Mqtt)
    }
}

struct Campaign {
    tmp: TempDir,
    registry: Arc<AdapterRegistry>,
    store: AttachmentStore,
}

impl Campaign {
    fn new(adapters: Vec<(&str, AdapterConfig)>) -> Self {
        set_env();
        let tmp = TempDir::new().unwrap();
        let adapters: BTreeMap<String, AdapterConfig> = adapters
            .into_iter()
            .map(|(n, c)| (n.to_string(), c))
            .collect();
        let registry = Arc::new(AdapterRegistry::new(adapters, tmp.path().to_path_buf()));
        let store = AttachmentStore::new(tmp.path().join("package"));
        Self {
            tmp,
            registry,
            store,
        }
    }

    fn scenario(&self, slug: &str) -> ScenarioAdapters {
        let dir = self.tmp.path().join("work").join(slug);
        std::fs::create_dir_all(&dir).unwrap();
        ScenarioAdapters::new(self.registry.clone(), dir, self.store.clone(), slug.into())
    }

    /// Finishes the scenario and returns the entries of `attachments/<slug>/<adapter>.mqtt.jsonl`.
    async fn finish(&self, scenario: ScenarioAdapters, slug: &str, adapter: &str) -> Vec<Value> {
        let report = scenario.finish().await;
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        let path: PathBuf = self
            .tmp
            .path()
            .join(format!("package/attachments/{slug}/{adapter}.mqtt.jsonl"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            report.attachments.iter().any(|a| path.ends_with(&a.path)),
            "{:?}",
            report.attachments
        );
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

fn events(entries: &[Value]) -> Vec<&str> {
    entries
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect()
}

fn payload_is(expected: Value) -> impl Fn(&MqttMessage) -> bool {
    move |m| m.payload == expected
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_and_match_through_a_real_broker() {
    let broker = Mosquitto::start();
    let mut config = mqtt(&broker.url());
    config.subscribe = vec!["plant/#".into()];
    config.client_id = Some("qualify-test".into());
    let campaign = Campaign::new(vec![("broker", config)]);
    let mut s = campaign.scenario("s1");

    let identity = s.start("broker").await.unwrap();
    assert_eq!(identity.kind, "mqtt");
    assert_eq!(identity.name.as_deref(), Some(broker.url().as_str()));

    for (qos, ack) in [(0u8, "sent"), (1, "puback"), (2, "pubcomp")] {
        let payload = json!({"qos": qos, "values": [1, 2.5]});
        let receipt = s
            .publish("broker", "plant/line1/press", &payload, qos, false)
            .await
            .unwrap();
        assert_eq!(receipt.ack, ack);
        let got = s
            .expect_message(
                "broker",
                "plant/+/press",
                Duration::from_secs(2),
                &payload_is(payload.clone()),
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(got.topic, "plant/line1/press");
        assert!(!got.retain);
        assert_eq!(
            got.qos,
            qos.min(1),
            "delivered with the subscription's QoS 1 at most"
        );
    }

    // Non-JSON payloads are matched as text; expectations consume what they match.
    let consumed = s
        .expect_message("broker", "plant/#", Duration::from_millis(200), &|_| true)
        .await
        .unwrap();
    assert!(
        consumed.is_err(),
        "every message was consumed: {consumed:?}"
    );

    // Three messages, counted; then nothing more arrives.
    for i in 0..3 {
        s.publish("broker", "plant/count", &json!({"i": i}), 1, false)
            .await
            .unwrap();
    }
    let counted = s
        .collect_messages(
            "broker",
            "plant/count",
            Duration::from_secs(1),
            &|_| true,
            &|n| n > 3,
        )
        .await
        .unwrap();
    assert_eq!(
        counted
            .iter()
            .map(|m| m.payload["i"].clone())
            .collect::<Vec<_>>(),
        vec![json!(0), json!(1), json!(2)]
    );
    let started = Instant::now();
    let none = s
        .collect_messages(
            "broker",
            "plant/count",
            Duration::from_millis(300),
            &|_| true,
            &|n| n > 0,
        )
        .await
        .unwrap();
    assert!(none.is_empty());
    assert!(started.elapsed() >= Duration::from_millis(300));

    // An expectation on a filter no subscription covers subscribes first.
    s.publish("broker", "other/retained", &json!({"r": true}), 1, true)
        .await
        .unwrap();
    let retained = s
        .expect_message("broker", "other/+", Duration::from_secs(2), &|_| true)
        .await
        .unwrap()
        .unwrap();
    assert!(
        retained.retain,
        "a retained message is delivered on subscription"
    );

    let entries = campaign.finish(s, "s1", "broker").await;
    let ev = events(&entries);
    assert_eq!(ev[..3], ["connecting", "connected", "subscribe"]);
    assert_eq!(*ev.last().unwrap(), "disconnected");
    let connecting = &entries[0]["detail"];
    assert!(
        connecting["client_id"]
            .as_str()
            .unwrap()
            .starts_with("qualify-test-"),
        "{connecting}"
    );
    // Every message published and received is recorded with topic, QoS, retain flag and time.
    let published: Vec<&Value> = entries
        .iter()
        .filter(|e| e["event"] == "published")
        .collect();
    let received: Vec<&Value> = entries
        .iter()
        .filter(|e| e["event"] == "received")
        .collect();
    assert_eq!(published.len(), 7);
    assert_eq!(received.len(), 7);
    for e in published.iter().chain(&received) {
        let d = &e["detail"];
        assert!(
            d["topic"].is_string() && d["qos"].is_u64() && d["retain"].is_boolean(),
            "{e}"
        );
        assert!(e["at"].as_str().unwrap().ends_with('Z'), "{e}");
        assert!(d["payload_text"].is_string(), "{e}");
    }
    assert_eq!(received.last().unwrap()["detail"]["retain"], true);
    assert!(ev.contains(&"acknowledged") && ev.contains(&"matched"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_message_times_out_with_the_candidates() {
    let broker = Mosquitto::start();
    let campaign = Campaign::new(vec![("broker", mqtt(&broker.url()))]);
    let mut s = campaign.scenario("s2");
    s.subscribe("broker", "q/#").await.unwrap();
    s.publish("broker", "q/a", &json!({"v": 1}), 1, false)
        .await
        .unwrap();
    s.publish("broker", "q/b", &json!({"v": 2}), 1, false)
        .await
        .unwrap();
    let started = Instant::now();
    let outcome = s
        .expect_message(
            "broker",
            "q/#",
            Duration::from_millis(400),
            &payload_is(json!({"v": 3})),
        )
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(400));
    let candidates = outcome.unwrap_err();
    assert_eq!(
        candidates
            .iter()
            .map(|m| m.topic.as_str())
            .collect::<Vec<_>>(),
        ["q/a", "q/b"]
    );
    // A wrong-kind request and a bad topic are step mistakes, not connection failures.
    let err = s.query("broker", "SELECT 1").await.unwrap_err();
    assert_eq!(err.code(), "adapter_kind_mismatch");
    let err = s
        .publish("broker", "q/#", &json!({}), 1, false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_request");
    assert!(
        s.publish("broker", "q/c", &json!({}), 1, false)
            .await
            .is_ok()
    );
    campaign.finish(s, "s2", "broker").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_are_checked_and_never_recorded() {
    let broker = Mosquitto::start_with(BrokerOptions {
        users: vec![("line1".into(), PASSWORD.into())],
        ..BrokerOptions::default()
    });
    let mut good = mqtt(&broker.url());
    good.username = Some("line1".into());
    good.password_env = Some(PASSWORD_VAR.into());
    let mut wrong = good.clone();
    wrong.password_env = Some(WRONG_VAR.into());
    let mut unset = good.clone();
    unset.password_env = Some("QUALIFY_TEST_SURELY_UNSET_VAR".into());
    let anonymous = mqtt(&broker.url());
    let campaign = Campaign::new(vec![
        ("good", good),
        ("wrong", wrong),
        ("unset", unset),
        ("anonymous", anonymous),
    ]);
    let mut s = campaign.scenario("s3");
    s.publish("good", "t/x", &json!({"secret": PASSWORD}), 1, false)
        .await
        .unwrap();

    let err = s.start("wrong").await.unwrap_err();
    assert_eq!(err.code(), "adapter_auth_failed", "{err}");
    let err = s
        .publish("wrong", "t/x", &json!({}), 1, false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "adapter_failed_earlier", "{err}");
    let err = s.start("anonymous").await.unwrap_err();
    assert_eq!(err.code(), "adapter_auth_failed", "{err}");
    let err = s.start("unset").await.unwrap_err();
    assert_eq!(err.code(), "adapter_start_failed");
    assert!(
        err.to_string().contains("QUALIFY_TEST_SURELY_UNSET_VAR"),
        "{err}"
    );

    let report = s.finish().await;
    let mut seen = 0;
    for a in &report.attachments {
        let text =
            std::fs::read_to_string(campaign.tmp.path().join("package").join(&a.path)).unwrap();
        assert!(
            !text.contains(PASSWORD),
            "{} leaks the password:\n{text}",
            a.path
        );
        assert!(
            !text.contains("not-the-password"),
            "{} leaks a password",
            a.path
        );
        seen += 1;
    }
    assert_eq!(seen, 4);
    let good_log = std::fs::read_to_string(
        campaign
            .tmp
            .path()
            .join("package/attachments/s3/good.mqtt.jsonl"),
    )
    .unwrap();
    assert!(good_log.contains("[redacted]"), "{good_log}");
    let wrong_log = std::fs::read_to_string(
        campaign
            .tmp
            .path()
            .join("package/attachments/s3/wrong.mqtt.jsonl"),
    )
    .unwrap();
    assert!(
        wrong_log.contains("connect_failed") && wrong_log.contains("adapter_auth_failed"),
        "{wrong_log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_killed_mid_scenario_fails_the_step_and_the_next_scenario_reconnects() {
    let mut broker = Mosquitto::start();
    let campaign = Campaign::new(vec![("broker", mqtt(&broker.url()))]);

    let mut down = campaign.scenario("down");
    s_roundtrip(&mut down).await;
    broker.kill();
    let started = Instant::now();
    let err = down
        .expect_message("broker", "rt/#", Duration::from_secs(5), &|_| true)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "adapter_connection_lost", "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "noticed at once, not at the timeout"
    );
    let err = down
        .publish("broker", "rt/x", &json!({}), 1, false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "adapter_failed_earlier", "{err}");

    // While the broker is down, a new scenario cannot connect: a step failure, not a crash.
    let mut refused = campaign.scenario("refused");
    let err = refused.start("broker").await.unwrap_err();
    assert_eq!(err.code(), "adapter_connection_failed", "{err}");

    broker.restart();
    let mut back = campaign.scenario("back");
    s_roundtrip(&mut back).await;

    let entries = campaign.finish(down, "down", "broker").await;
    assert!(events(&entries).contains(&"connection_lost"), "{entries:?}");
    let entries = campaign.finish(refused, "refused", "broker").await;
    assert_eq!(events(&entries), ["connecting", "connect_failed"]);
    campaign.finish(back, "back", "broker").await;
}

async fn s_roundtrip(s: &mut ScenarioAdapters) {
    s.subscribe("broker", "rt/#").await.unwrap();
    s.publish("broker", "rt/x", &json!({"ok": 1}), 1, false)
        .await
        .unwrap();
    s.expect_message("broker", "rt/x", Duration::from_secs(2), &|_| true)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_with_the_right_ca_works_and_a_wrong_ca_is_a_tls_error() {
    let certs_dir = TempDir::new().unwrap();
    support::server::open_up(certs_dir.path(), 0o755);
    let certs = Certs::make(certs_dir.path());
    let (ca, other_ca) = (certs.ca.clone(), certs.other_ca.clone());
    let broker = Mosquitto::start_with(BrokerOptions {
        tls: Some(certs),
        ..BrokerOptions::default()
    });
    let with_ca = |ca: PathBuf| AdapterConfig {
        tls: Some(TlsSettings {
            ca_file: Some(ca),
            ..TlsSettings::default()
        }),
        ..mqtt(&broker.url())
    };
    let plain = mqtt(&broker.url().replace("mqtts://", "mqtt://"));
    let system_roots = mqtt(&broker.url());
    let campaign = Campaign::new(vec![
        ("trusted", with_ca(ca)),
        ("untrusted", with_ca(other_ca)),
        ("system", system_roots),
        ("plain", plain),
    ]);
    let mut s = campaign.scenario("tls");
    s_roundtrip_on(&mut s, "trusted").await;
    for name in ["untrusted", "system"] {
        let err = s.start(name).await.unwrap_err();
        assert_eq!(err.code(), "adapter_tls_error", "{name}: {err}");
    }
    let err = s.start("plain").await.unwrap_err();
    assert!(
        matches!(err.code(), "adapter_connection_failed" | "adapter_timeout"),
        "{err}"
    );
    let report = s.finish().await;
    assert_eq!(report.attachments.len(), 4);
}

async fn s_roundtrip_on(s: &mut ScenarioAdapters, name: &str) {
    s.subscribe(name, "tls/#").await.unwrap();
    s.publish(name, "tls/x", &json!({"ok": 1}), 1, false)
        .await
        .unwrap();
    s.expect_message(name, "tls/x", Duration::from_secs(2), &|_| true)
        .await
        .unwrap()
        .unwrap();
}
