//! The `http` adapter against a real HTTP server (tests/fixtures/http/server.py on a leased port).

use crate::support::certs::Certs;
use crate::support::http_server::HttpServer;
use qualify::adapters::ScenarioAdapters;
use qualify::config::{AdapterConfig, AdapterKind, Timeouts, TlsSettings};
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::support::adapters::{
    Campaign, HTTP_TOKEN as TOKEN, HTTP_TOKEN_VAR as TOKEN_VAR, HTTP_WRONG,
    HTTP_WRONG_VAR as WRONG_VAR,
};

fn http(url: &str, request_ms: u64) -> AdapterConfig {
    AdapterConfig {
        url: Some(url.to_string()),
        timeouts: Timeouts {
            start_ms: 60_000,
            request_ms,
            shutdown_ms: 2_000,
        },
        ..AdapterConfig::new(AdapterKind::Http)
    }
}

/// A campaign of `adapters` and its scenario "s".
fn setup(adapters: Vec<(&str, AdapterConfig)>) -> (Campaign, ScenarioAdapters) {
    let campaign = Campaign::new(adapters);
    let scenario = campaign.scenario("s");
    (campaign, scenario)
}

fn transcript(campaign: &Campaign, adapter: &str) -> Vec<Value> {
    campaign.entries(&format!("s/{adapter}.http.jsonl"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_statuses_bodies_and_times() {
    let server = HttpServer::start(TOKEN);
    let mut config = http(&server.url(), 60_000);
    config.headers = [("X-Plant".to_string(), "Line 1".to_string())].into();
    let (campaign, mut s) = setup(vec![("mes", config)]);

    let identity = s.start("mes").await.unwrap();
    assert_eq!(identity.kind, "http");
    assert_eq!(identity.name.as_deref(), Some(server.url().as_str()));

    let r = s.http("mes", "GET", "/orders/WO-1", None).await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        json!({"id": "WO-1", "status": "released", "qty": 10, "item": "PUMP-7"})
    );
    assert_eq!(r.headers["x-record-version"], "3");
    // The time is measured and recorded; how long it was says nothing about the adapter.
    assert!(r.elapsed_ms > 0.0, "{}", r.elapsed_ms);

    let order = json!({"id": "WO-2", "qty": 4});
    let r = s.http("mes", "POST", "orders", Some(&order)).await.unwrap();
    assert_eq!(r.status, 201);
    assert_eq!(r.body, json!({"created": true, "order": order}));
    assert_eq!(r.headers["location"], "/api/orders/WO-2");

    // 4xx is an answer to assert on, not an adapter failure.
    let r = s
        .http("mes", "POST", "/orders", Some(&json!({"qty": 1})))
        .await
        .unwrap();
    assert_eq!(
        (r.status, r.body.clone()),
        (422, json!({"error": "missing_id"}))
    );
    let r = s.http("mes", "GET", "/text", None).await.unwrap();
    assert_eq!(r.body, json!("plain words"));
    let r = s.http("mes", "GET", "/echo-auth", None).await.unwrap();
    assert_eq!(r.body, json!({"authorization": null, "plant": "Line 1"}));

    let err = s.http("mes", "BREW COFFEE", "/x", None).await.unwrap_err();
    assert_eq!(err.code(), "invalid_request");

    let report = s.finish().await;
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let entries = transcript(&campaign, "mes");
    let events: Vec<&str> = entries
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events[0], "ready");
    assert_eq!(events.iter().filter(|e| **e == "request").count(), 5);
    assert_eq!(events.iter().filter(|e| **e == "response").count(), 5);
    let post = entries
        .iter()
        .find(|e| e["detail"]["method"] == "POST")
        .unwrap();
    assert_eq!(post["detail"]["url"], format!("{}/orders", server.url()));
    assert_eq!(post["detail"]["body_text"], "{\"id\":\"WO-2\",\"qty\":4}");
    assert_eq!(post["detail"]["headers"]["x-plant"], "Line 1");
    let created = entries
        .iter()
        .find(|e| e["detail"]["status"] == 201)
        .unwrap();
    assert!(created["detail"]["elapsed_ms"].as_f64().unwrap() > 0.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bearer_token_is_sent_but_never_written_to_evidence() {
    let server = HttpServer::start(TOKEN);
    let mut good = http(&server.url(), 60_000);
    good.bearer_token_env = Some(TOKEN_VAR.into());
    let mut wrong = good.clone();
    wrong.bearer_token_env = Some(WRONG_VAR.into());
    let (campaign, mut s) = setup(vec![("mes", good), ("wrong", wrong)]);

    let r = s.http("mes", "GET", "/secure", None).await.unwrap();
    assert_eq!((r.status, r.body.clone()), (200, json!({"ok": true})));
    // The server echoes the header back: what steps see is redacted too.
    let r = s.http("mes", "GET", "/echo-auth", None).await.unwrap();
    assert_eq!(r.body["authorization"], "Bearer [redacted]");
    // Wrong credentials: the API says 401, which the scenario asserts on.
    let r = s.http("wrong", "GET", "/secure", None).await.unwrap();
    assert_eq!(r.status, 401);

    let report = s.finish().await;
    assert_eq!(report.attachments.len(), 2);
    for a in &report.attachments {
        let text = std::fs::read_to_string(campaign.package().join(&a.path)).unwrap();
        assert!(!text.contains(TOKEN), "{} leaks the token:\n{text}", a.path);
        assert!(!text.contains(HTTP_WRONG), "{} leaks a token", a.path);
        assert!(text.contains("[redacted]"), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_timeouts_and_refused_connections_fail_with_evidence() {
    let mut server = HttpServer::start(TOKEN);
    let (campaign, mut s) = setup(vec![
        ("mes", http(&server.url(), 60_000)),
        ("impatient", http(&server.url(), 300)),
    ]);

    let err = s.http("mes", "GET", "/fail", None).await.unwrap_err();
    assert_eq!(err.code(), "http_server_error");
    let text = err.to_string();
    assert!(
        text.contains("500") && text.contains("database unavailable"),
        "{text}"
    );
    // A 5xx is the server's answer: the adapter stays usable.
    assert_eq!(
        s.http("mes", "GET", "/orders/WO-1", None)
            .await
            .unwrap()
            .status,
        200
    );

    let err = s.http("impatient", "GET", "/hang", None).await.unwrap_err();
    // The server never answers /hang: the request limit is the only way out.
    assert_eq!(err.code(), "adapter_timeout", "{err}");
    assert!(err.to_string().contains("300 ms"), "{err}");

    server.stop();
    let err = s
        .http("mes", "GET", "/orders/WO-1", None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "adapter_connection_failed", "{err}");
    let err = s
        .http("mes", "GET", "/orders/WO-1", None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "adapter_failed_earlier", "{err}");

    s.finish().await;
    let entries = transcript(&campaign, "mes");
    let failed = entries
        .iter()
        .find(|e| e["event"] == "response" && e["detail"]["status"] == 500)
        .expect("the 500 response is evidence");
    assert_eq!(
        failed["detail"]["body_text"],
        "{\"error\": \"database unavailable\"}"
    );
    assert!(
        entries
            .iter()
            .any(|e| e["event"] == "error" && e["detail"]["code"] == "adapter_connection_failed")
    );
    let entries = transcript(&campaign, "impatient");
    assert!(
        entries
            .iter()
            .any(|e| e["event"] == "error" && e["detail"]["code"] == "adapter_timeout")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_with_the_right_ca_works_and_a_wrong_ca_is_a_tls_error() {
    let certs_dir = TempDir::new().unwrap();
    let certs = Certs::make(certs_dir.path());
    let server = HttpServer::start_tls(TOKEN, &certs.server_cert, &certs.server_key);
    let with_ca = |ca: &std::path::Path| AdapterConfig {
        tls: Some(TlsSettings {
            ca_file: Some(ca.to_path_buf()),
            ..TlsSettings::default()
        }),
        ..http(&server.url(), 60_000)
    };
    let (campaign, mut s) = setup(vec![
        ("trusted", with_ca(&certs.ca)),
        ("untrusted", with_ca(&certs.other_ca)),
        ("system", http(&server.url(), 60_000)),
        (
            "plain",
            http(&server.url().replace("https://", "http://"), 2_000),
        ),
    ]);
    let r = s
        .http("trusted", "GET", "/orders/WO-1", None)
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    for name in ["untrusted", "system"] {
        let err = s.http(name, "GET", "/orders/WO-1", None).await.unwrap_err();
        assert_eq!(err.code(), "adapter_tls_error", "{name}: {err}");
    }
    // Plain HTTP to a TLS port: the server hangs up; a step failure with the reason, no crash.
    let err = s
        .http("plain", "GET", "/orders/WO-1", None)
        .await
        .unwrap_err();
    assert!(
        matches!(err.code(), "adapter_connection_failed" | "adapter_timeout"),
        "{err}"
    );
    s.finish().await;
    let entries = transcript(&campaign, "untrusted");
    assert!(
        entries
            .iter()
            .any(|e| e["event"] == "error" && e["detail"]["code"] == "adapter_tls_error")
    );
}
