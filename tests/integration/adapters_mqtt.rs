//! The `mqtt` adapter against a real mosquitto broker that each test starts on a leased port.
//!
//! Nothing here depends on how fast the machine is: waits for a message end when it arrives (the
//! limits are generous), and "nothing else arrived" is shown with a barrier — a sentinel published
//! after the action, waited for, and found to be the first message left — not with a quiet period.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use qualify::adapters::{MqttMessage, ScenarioAdapters};
use qualify::config::{AdapterConfig, AdapterKind, Timeouts, TlsSettings};
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::support;
use crate::support::adapters::{
    Campaign, MQTT_PASSWORD as PASSWORD, MQTT_PASSWORD_VAR as PASSWORD_VAR, MQTT_WRONG,
    MQTT_WRONG_VAR as WRONG_VAR, events, json_lines,
};
use crate::support::certs::Certs;
use crate::support::mosquitto::{BrokerOptions, Mosquitto};

/// How long a test waits for a message that is on its way: the wait ends when it arrives.
const ARRIVAL: Duration = Duration::from_secs(60);

fn mqtt(url: &str) -> AdapterConfig {
    AdapterConfig {
        url: Some(url.to_string()),
        timeouts: Timeouts {
            start_ms: 60_000,
            request_ms: 60_000,
            shutdown_ms: 10_000,
        },
        ..AdapterConfig::new(AdapterKind::Mqtt)
    }
}

/// Finishes the scenario and returns the entries of `attachments/<slug>/<adapter>.mqtt.jsonl`.
async fn finish(
    campaign: &Campaign,
    scenario: ScenarioAdapters,
    slug: &str,
    adapter: &str,
) -> Vec<Value> {
    let report = scenario.finish().await;
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let rel = format!("{slug}/{adapter}.mqtt.jsonl");
    assert!(
        report.attachments.iter().any(|a| a.path.ends_with(&rel)),
        "{:?}",
        report.attachments
    );
    json_lines(&campaign.attachment_text(&rel))
}

/// Asserts that no message on `filter` is left unconsumed: publishes a sentinel on `topic` (which
/// `filter` covers), waits for it and finds it to be the first unconsumed message on `filter`.
/// The broker delivers one publisher's messages in order, so whatever was published before the
/// sentinel has arrived by then — no quiet period that a slow machine could make pass falsely.
async fn nothing_left(s: &mut ScenarioAdapters, adapter: &str, topic: &str, filter: &str) {
    let sentinel = json!({"sentinel": topic});
    s.publish(adapter, topic, &sentinel, 1, false)
        .await
        .unwrap();
    let first = s
        .expect_message(adapter, filter, ARRIVAL, &|_| true)
        .await
        .unwrap()
        .expect("the sentinel arrives");
    assert_eq!(
        (first.topic.as_str(), &first.payload),
        (topic, &sentinel),
        "a message on {filter} was left before the sentinel"
    );
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
                ARRIVAL,
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

    // Expectations consume what they match: nothing is left on plant/#.
    nothing_left(&mut s, "broker", "plant/sentinel", "plant/#").await;

    // Three messages, counted; then nothing more arrives.
    for i in 0..3 {
        s.publish("broker", "plant/count", &json!({"i": i}), 1, false)
            .await
            .unwrap();
    }
    let counted = s
        .collect_messages("broker", "plant/count", ARRIVAL, &|_| true, &|n| n >= 3)
        .await
        .unwrap();
    assert_eq!(
        counted
            .iter()
            .map(|m| m.payload["i"].clone())
            .collect::<Vec<_>>(),
        vec![json!(0), json!(1), json!(2)]
    );
    nothing_left(&mut s, "broker", "plant/count", "plant/count").await;
    // A collection that is never satisfied lasts its whole window (a lower bound only: timers
    // never fire early) and returns nothing on a topic nobody publishes to.
    let started = Instant::now();
    let none = s
        .collect_messages(
            "broker",
            "plant/quiet",
            Duration::from_millis(300),
            &|_| true,
            &|n| n > 0,
        )
        .await
        .unwrap();
    assert!(none.is_empty(), "{none:?}");
    assert!(started.elapsed() >= Duration::from_millis(300));

    // An expectation on a filter no subscription covers subscribes first.
    s.publish("broker", "other/retained", &json!({"r": true}), 1, true)
        .await
        .unwrap();
    let retained = s
        .expect_message("broker", "other/+", ARRIVAL, &|_| true)
        .await
        .unwrap()
        .unwrap();
    assert!(
        retained.retain,
        "a retained message is delivered on subscription"
    );

    let entries = finish(&campaign, s, "s1", "broker").await;
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
    // 3 QoS levels, 3 counted, 1 retained, 2 sentinels.
    assert_eq!(published.len(), 9);
    assert_eq!(received.len(), 9);
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
    // Barrier: once this sentinel has arrived (and is consumed), q/a and q/b have arrived too.
    s.publish("broker", "q/sentinel", &json!({"v": 0}), 1, false)
        .await
        .unwrap();
    s.expect_message("broker", "q/sentinel", ARRIVAL, &|_| true)
        .await
        .unwrap()
        .expect("the sentinel arrives");
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
    finish(&campaign, s, "s2", "broker").await;
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
        let text = campaign.read(a);
        assert!(
            !text.contains(PASSWORD),
            "{} leaks the password:\n{text}",
            a.path
        );
        assert!(!text.contains(MQTT_WRONG), "{} leaks a password", a.path);
        seen += 1;
    }
    assert_eq!(seen, 4);
    let good_log = campaign.attachment_text("s3/good.mqtt.jsonl");
    assert!(good_log.contains("[redacted]"), "{good_log}");
    let wrong_log = campaign.attachment_text("s3/wrong.mqtt.jsonl");
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
    // The loss is an error, not a timeout with no candidates: the waiting step learns of it from
    // the connection itself, whatever the limit.
    let err = down
        .expect_message("broker", "rt/#", ARRIVAL, &|_| true)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "adapter_connection_lost", "{err}");
    let err = down
        .publish("broker", "rt/x", &json!({}), 1, false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "adapter_failed_earlier", "{err}");

    // While the broker is down, a new scenario cannot connect: a step failure, not a crash.
    let mut refused = campaign.scenario("refused");
    let err = refused.start("broker").await.unwrap_err();
    assert_eq!(err.code(), "adapter_connection_failed", "{err}");

    // The broker serves again (its log says so and the leased port accepts) before the next
    // scenario connects.
    broker.restart();
    let mut back = campaign.scenario("back");
    s_roundtrip(&mut back).await;

    let entries = finish(&campaign, down, "down", "broker").await;
    assert!(events(&entries).contains(&"connection_lost"), "{entries:?}");
    let entries = finish(&campaign, refused, "refused", "broker").await;
    assert_eq!(events(&entries), ["connecting", "connect_failed"]);
    finish(&campaign, back, "back", "broker").await;
}

async fn s_roundtrip(s: &mut ScenarioAdapters) {
    s.subscribe("broker", "rt/#").await.unwrap();
    s.publish("broker", "rt/x", &json!({"ok": 1}), 1, false)
        .await
        .unwrap();
    s.expect_message("broker", "rt/x", ARRIVAL, &|_| true)
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
    // Plain MQTT to a TLS port: the broker hangs up, or the short start limit ends the wait.
    let plain = AdapterConfig {
        timeouts: Timeouts {
            start_ms: 3_000,
            ..Timeouts::default()
        },
        ..mqtt(&broker.url().replace("mqtts://", "mqtt://"))
    };
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
    s.expect_message(name, "tls/x", ARRIVAL, &|_| true)
        .await
        .unwrap()
        .unwrap();
}
