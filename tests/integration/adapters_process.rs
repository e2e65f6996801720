//! The `process` adapter against real child processes (Python fixtures in
//! tests/fixtures/adapters/).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use qualify::adapters::{AdapterRegistry, Reply, ScenarioAdapters};
use qualify::config::{AdapterConfig, AdapterKind, Isolation, Timeouts};
use qualify::evidence::sha256_file;
use serde_json::{Value, json};

use crate::support::adapters::{Campaign, find, json_lines};
use crate::support::server::{PATIENCE, poll_until};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/adapters")
}

/// Generous limits for fixtures that answer at once: they only matter on a loaded machine.
fn timeouts() -> Timeouts {
    Timeouts {
        start_ms: 60_000,
        request_ms: 60_000,
        shutdown_ms: 10_000,
    }
}

fn process(command: &[&str], isolation: Isolation, timeouts: Timeouts) -> AdapterConfig {
    AdapterConfig {
        command: command.iter().map(|s| s.to_string()).collect(),
        env: BTreeMap::new(),
        isolation,
        timeouts,
        ..AdapterConfig::new(AdapterKind::Process)
    }
}

/// A campaign whose config folder holds the fixtures (so `./echo.py` exercises relative program
/// resolution).
fn campaign(adapters: &[(&str, AdapterConfig)]) -> Campaign {
    Campaign::in_config_dir(adapters.to_vec(), &fixtures())
}

fn sent_kinds(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .filter(|e| e["dir"] == "sent")
        .map(|e| {
            serde_json::from_str::<Value>(e["line"].as_str().unwrap()).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn result(reply: Reply) -> Value {
    match reply {
        Reply::Result(v) => v,
        other => panic!("expected a result, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hello_identity_round_trip_and_evidence() {
    let campaign = campaign(&[(
        "echo",
        process(&["./echo.py"], Isolation::Process, timeouts()),
    )]);
    let mut scenario = campaign.scenario("s1");

    let identity = scenario.start("echo").await.unwrap();
    assert_eq!(identity.adapter, "echo");
    assert_eq!(identity.kind, "process");
    assert_eq!(identity.name.as_deref(), Some("echo-fixture"));
    assert_eq!(identity.version.as_deref(), Some("1.2.3"));
    assert_eq!(
        identity.sha256,
        Some(sha256_file(&fixtures().join("echo.py")).unwrap().0)
    );
    assert_eq!(scenario.identities(), vec![identity]);

    let body = json!({"text": "line\nbreak", "n": [1, 2.5, null]});
    assert_eq!(
        result(
            scenario
                .request("echo", "echo", body.clone())
                .await
                .unwrap()
        ),
        body
    );
    let who = result(scenario.request("echo", "whoami", json!({})).await.unwrap());
    let cwd = PathBuf::from(who["cwd"].as_str().unwrap());
    assert_eq!(
        cwd.canonicalize().unwrap(),
        campaign.scenario_dir("s1").canonicalize().unwrap()
    );
    scenario
        .request("echo", "say", json!({"text": "diagnostic from s1"}))
        .await
        .unwrap();

    let paths = scenario.attachment_paths("echo");
    assert_eq!(
        paths,
        vec![
            "attachments/s1/echo.jsonl",
            "attachments/s1/echo.stderr.log"
        ]
    );
    let report = scenario.finish().await;
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.attachments.len(), 2);
    for attachment in &report.attachments {
        let (digest, size) = sha256_file(&campaign.package().join(&attachment.path)).unwrap();
        assert_eq!(
            (attachment.sha256.as_str(), attachment.size),
            (digest.as_str(), size)
        );
    }

    let entries = json_lines(&campaign.read(find(&report, "echo.jsonl")));
    assert_eq!(
        sent_kinds(&entries),
        ["hello", "echo", "whoami", "say", "shutdown"]
    );
    let received: Vec<&Value> = entries.iter().filter(|e| e["dir"] == "received").collect();
    assert_eq!(received.len(), 5);
    // Raw lines, ids counting up per process, timestamps in UTC.
    let first: Value = serde_json::from_str(received[0]["line"].as_str().unwrap()).unwrap();
    assert_eq!(first["id"], "1");
    let echoed: Value = serde_json::from_str(received[1]["line"].as_str().unwrap()).unwrap();
    assert_eq!(
        (echoed["id"].clone(), echoed["result"].clone()),
        (json!("2"), body)
    );
    assert!(
        entries
            .iter()
            .all(|e| e["at"].as_str().unwrap().ends_with('Z'))
    );
    assert!(entries.iter().any(|e| e["event"] == "spawned"));
    assert!(entries.iter().any(|e| e["event"] == "exited"));

    let stderr = campaign.read(find(&report, "echo.stderr.log"));
    assert!(stderr.contains("echo fixture starting"), "{stderr}");
    assert!(stderr.contains("diagnostic from s1"), "{stderr}");
    assert!(stderr.contains("echo fixture shutting down"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejections_carry_their_code() {
    let campaign = campaign(&[(
        "echo",
        process(&["./echo.py"], Isolation::Process, timeouts()),
    )]);
    let mut scenario = campaign.scenario("s");
    // No explicit start: the first request starts the adapter.
    let reply = scenario
        .request("echo", "reject", json!({"code": "missing_context"}))
        .await
        .unwrap();
    assert_eq!(reply.rejection_code(), Some("missing_context"));
    assert_eq!(
        reply.document(),
        json!({"code": "missing_context", "message": "rejected on request", "details": {"input": {"code": "missing_context"}}})
    );
    let unknown = scenario
        .request("echo", "frobnicate", json!({}))
        .await
        .unwrap();
    assert_eq!(unknown.rejection_code(), Some("unknown_kind"));
    // A rejection does not break the adapter.
    assert_eq!(
        result(scenario.request("echo", "echo", json!(1)).await.unwrap()),
        json!(1)
    );

    let reserved = scenario
        .request("echo", "shutdown", json!({}))
        .await
        .unwrap_err();
    assert_eq!(reserved.code(), "invalid_request");
    let unknown_adapter = scenario
        .request("ehco", "echo", json!({}))
        .await
        .unwrap_err();
    assert_eq!(unknown_adapter.code(), "unknown_adapter");
    assert!(
        unknown_adapter.to_string().contains("\"echo\""),
        "{unknown_adapter}"
    );
    assert!(
        scenario.query("echo", "SELECT 1").await.unwrap_err().code() == "adapter_kind_mismatch"
    );
    assert!(scenario.finish().await.problems.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_commands_fail_to_start() {
    let campaign = campaign(&[
        (
            "relative",
            process(&["./does-not-exist.py"], Isolation::Process, timeouts()),
        ),
        (
            "bare",
            process(
                &["qualify-no-such-program-xyz"],
                Isolation::Process,
                timeouts(),
            ),
        ),
    ]);
    let mut scenario = campaign.scenario("s");
    let err = scenario.start("relative").await.unwrap_err();
    assert_eq!(err.code(), "adapter_start_failed");
    assert!(err.to_string().contains("does-not-exist.py"), "{err}");
    let err = scenario
        .request("bare", "echo", json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "adapter_start_failed");
    assert!(err.to_string().contains("not found on PATH"), "{err}");

    // No silent retry within the scenario.
    let again = scenario.start("relative").await.unwrap_err();
    assert_eq!(again.code(), "adapter_failed_earlier");
    assert!(
        again.to_string().contains("adapter_start_failed"),
        "{again}"
    );

    let report = scenario.finish().await;
    let entries = json_lines(&campaign.read(find(&report, "relative.jsonl")));
    assert_eq!(entries[0]["event"], "spawn_failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_is_reported_and_the_next_scenario_gets_a_fresh_process() {
    let campaign = campaign(&[(
        "crashy",
        process(&["./crash.py"], Isolation::Process, timeouts()),
    )]);
    let mut first = campaign.scenario("first");
    let pid = result(first.request("crashy", "whoami", json!({})).await.unwrap())["pid"].clone();
    let err = first
        .request("crashy", "crash", json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "adapter_crashed");
    let text = err.to_string();
    assert!(text.contains("exit status: 3"), "{text}");
    assert!(text.contains("fatal: boom while handling crash"), "{text}");
    let later = first
        .request("crashy", "whoami", json!({}))
        .await
        .unwrap_err();
    assert_eq!(later.code(), "adapter_failed_earlier");
    assert!(later.to_string().contains("adapter_crashed"), "{later}");
    let report = first.finish().await;
    assert!(
        campaign
            .read(find(&report, "crashy.stderr.log"))
            .contains("fatal: boom")
    );

    let mut second = campaign.scenario("second");
    let fresh = result(second.request("crashy", "whoami", json!({})).await.unwrap())["pid"].clone();
    assert_ne!(pid, fresh);
    assert!(second.finish().await.problems.is_empty());
}

/// Whether process `pid` still runs `script` (a zombie or a reused pid does not count).
fn runs(pid: u64, script: &str) -> bool {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .is_ok_and(|cmdline| String::from_utf8_lossy(&cmdline).contains(script))
}

/// Waits until process `pid` no longer runs `script`; false if it still does after a generous
/// deadline. A fixture that hangs never exits by itself, so its end proves it was killed.
fn ended(pid: u64, script: &str) -> bool {
    poll_until(PATIENCE, || (!runs(pid, script)).then_some(())).is_some()
}

/// The pid `hang.py` names on stderr when it answers hello.
fn hang_pid(text: &str) -> u64 {
    let rest = text
        .split("hang fixture pid ")
        .nth(1)
        .unwrap_or_else(|| panic!("no pid line in {text}"));
    rest.split_whitespace().next().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_timeout_kills_the_process() {
    // hello has a generous limit; the "hang" request is never answered, so its short limit is
    // what ends it, however loaded the machine is.
    let quick = Timeouts {
        start_ms: 60_000,
        request_ms: 300,
        shutdown_ms: 2_000,
    };
    let campaign = campaign(&[("hang", process(&["./hang.py"], Isolation::Process, quick))]);
    let mut scenario = campaign.scenario("s");
    scenario.start("hang").await.unwrap();
    let err = scenario
        .request("hang", "hang", json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "adapter_timeout");
    let text = err.to_string();
    assert!(text.contains("\"hang\" request within 300 ms"), "{text}");
    // The stderr tail is in the error: the pid line was written before the hello answer.
    let pid = hang_pid(&text);
    assert!(ended(pid, "hang.py"), "process {pid} still runs");
    let report = scenario.finish().await;
    let entries = json_lines(&campaign.read(find(&report, "hang.jsonl")));
    let killed: Vec<&Value> = entries.iter().filter(|e| e["event"] == "killed").collect();
    assert_eq!(killed.len(), 1, "{entries:?}");
    assert_eq!(killed[0]["detail"]["pid"], pid, "{entries:?}");
    let timeout = entries.iter().find(|e| e["event"] == "timeout").unwrap();
    assert_eq!(timeout["detail"]["kind"], "hang");
    assert_eq!(timeout["detail"]["timeout_ms"], 300);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_timeout_and_unresponsive_shutdown() {
    // "mute" never answers hello: its start limit is the only way out. "stubborn" answers hello
    // (with all the time it needs) and never exits: its shutdown limit is the only way out.
    let mute = Timeouts {
        start_ms: 300,
        request_ms: 60_000,
        shutdown_ms: 2_000,
    };
    let stubborn = Timeouts {
        start_ms: 60_000,
        request_ms: 60_000,
        shutdown_ms: 300,
    };
    let campaign = campaign(&[
        (
            "mute",
            process(&["./hang.py", "--at-hello"], Isolation::Process, mute),
        ),
        (
            "stubborn",
            process(&["./hang.py", "--ignore-eof"], Isolation::Process, stubborn),
        ),
    ]);
    let mut scenario = campaign.scenario("s");
    let err = scenario.start("mute").await.unwrap_err();
    assert_eq!(err.code(), "adapter_start_timeout");
    assert!(err.to_string().contains("within 300 ms"), "{err}");
    assert!(err.to_string().contains("timeouts.start_ms"), "{err}");

    scenario.start("stubborn").await.unwrap();
    let pid = result(
        scenario
            .request("stubborn", "whoami", json!({}))
            .await
            .unwrap(),
    )["pid"]
        .as_u64()
        .unwrap();
    let report = scenario.finish().await;
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("\"stubborn\"") && p.contains("shutdown")),
        "{:?}",
        report.problems
    );
    assert!(ended(pid, "hang.py"), "process {pid} still runs");
    let entries = json_lines(&campaign.read(find(&report, "stubborn.jsonl")));
    assert!(
        entries.iter().any(|e| e["event"] == "killed"),
        "{entries:?}"
    );
    let entries = json_lines(&campaign.read(find(&report, "mute.jsonl")));
    let events: Vec<&str> = entries.iter().filter_map(|e| e["event"].as_str()).collect();
    assert!(
        events.contains(&"timeout") && events.contains(&"killed"),
        "{events:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protocol_violations() {
    let campaign = campaign(&[
        (
            "garbage",
            process(&["./garbage.py"], Isolation::Process, timeouts()),
        ),
        (
            "wrong",
            process(&["./wrong_id.py"], Isolation::Process, timeouts()),
        ),
    ]);
    let mut scenario = campaign.scenario("s");
    let err = scenario
        .request("garbage", "anything", json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "adapter_protocol_error");
    assert!(
        err.to_string()
            .contains("this is not json: debug output on stdout"),
        "{err}"
    );
    let err = scenario
        .request("wrong", "anything", json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "adapter_protocol_error");
    assert!(err.to_string().contains("wrong id"), "{err}");
    assert!(err.to_string().contains("\"999\""), "{err}");

    let report = scenario.finish().await;
    let entries = json_lines(&campaign.read(find(&report, "garbage.jsonl")));
    assert!(
        entries
            .iter()
            .any(|e| e["line"] == "this is not json: debug output on stdout")
    );
    assert!(entries.iter().any(|e| e["event"] == "protocol_error"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lots_of_stderr_is_streamed_whole() {
    let campaign = campaign(&[(
        "noisy",
        process(&["./noisy.py"], Isolation::Process, timeouts()),
    )]);
    let mut scenario = campaign.scenario("s");
    let lines = 30_000;
    let reply = scenario
        .request("noisy", "noise", json!({"lines": lines}))
        .await
        .unwrap();
    assert_eq!(result(reply), json!({"written": lines}));
    let report = scenario.finish().await;
    let log = find(&report, "noisy.stderr.log");
    // "noise line NNNNNNNN " + 80 × "x" + "\n" = 101 bytes a line.
    assert_eq!(log.size, lines * 101 + "noise done\n".len() as u64);
    let text = campaign.read(log);
    assert!(text.starts_with("noise line 00000000 "));
    assert!(text.contains("noise line 00029999 "));
    assert!(text.ends_with("noise done\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_pooling_reuses_one_process_across_scenarios() {
    let campaign = campaign(&[(
        "pooled",
        process(&["./echo.py"], Isolation::Reset, timeouts()),
    )]);

    let mut a = campaign.scenario("a");
    let identity = a.start("pooled").await.unwrap();
    assert_eq!(identity.version.as_deref(), Some("1.2.3"));
    a.request("pooled", "count", json!({})).await.unwrap();
    let who_a = result(a.request("pooled", "whoami", json!({})).await.unwrap());
    assert_eq!(who_a["counter"], 1);
    a.request("pooled", "say", json!({"text": "said in a"}))
        .await
        .unwrap();
    let report_a = a.finish().await;
    assert!(report_a.problems.is_empty(), "{:?}", report_a.problems);

    let mut b = campaign.scenario("b");
    assert_eq!(b.start("pooled").await.unwrap(), identity);
    let who_b = result(b.request("pooled", "whoami", json!({})).await.unwrap());
    assert_eq!(
        who_a["pid"], who_b["pid"],
        "one process serves both scenarios"
    );
    assert_eq!(who_b["counter"], 0, "reset cleared the state");
    let dir_b = campaign.scenario_dir("b");
    assert_eq!(PathBuf::from(who_b["workdir"].as_str().unwrap()), dir_b);
    assert_eq!(
        PathBuf::from(who_a["workdir"].as_str().unwrap()),
        campaign.scenario_dir("a")
    );
    b.request("pooled", "say", json!({"text": "said in b"}))
        .await
        .unwrap();
    let report_b = b.finish().await;

    // Scenario b's transcript starts with the reset naming b's folder; no hello (already done).
    let entries = json_lines(&campaign.read(find(&report_b, "b/pooled.jsonl")));
    assert_eq!(sent_kinds(&entries), ["reset", "whoami", "say"]);
    let reset: Value = serde_json::from_str(
        entries.iter().find(|e| e["dir"] == "sent").unwrap()["line"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(reset["body"]["workdir"], json!(dir_b));
    // Each scenario's stderr log holds what was said during that scenario.
    let stderr_a = campaign.read(find(&report_a, "a/pooled.stderr.log"));
    let stderr_b = campaign.read(find(&report_b, "b/pooled.stderr.log"));
    assert!(
        stderr_a.contains("said in a") && !stderr_a.contains("said in b"),
        "{stderr_a}"
    );
    assert!(
        stderr_b.contains("said in b") && !stderr_b.contains("said in a"),
        "{stderr_b}"
    );
    assert!(
        stderr_b.contains(&format!("reset to {}", dir_b.display())),
        "{stderr_b}"
    );

    // Campaign end: the pooled process is shut down, its own log records it.
    let end = campaign.registry.shutdown().await;
    assert!(end.problems.is_empty(), "{:?}", end.problems);
    let log = json_lines(&campaign.read(find(&end, "_campaign/pooled-1.jsonl")));
    assert_eq!(sent_kinds(&log), ["shutdown"]);
    let lent: Vec<&Value> = log.iter().filter(|e| e["event"] == "lent").collect();
    assert_eq!(lent.len(), 2);
    assert!(
        ended(who_a["pid"].as_u64().unwrap(), "echo.py"),
        "the pooled process still runs"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_needs_the_capability() {
    let campaign = campaign(&[(
        "plain",
        process(&["./echo.py", "--no-reset"], Isolation::Reset, timeouts()),
    )]);
    let mut scenario = campaign.scenario("s");
    let err = scenario.start("plain").await.unwrap_err();
    assert_eq!(err.code(), "adapter_start_failed");
    assert!(err.to_string().contains("\"reset\" capability"), "{err}");
    let report = scenario.finish().await;
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert!(
        report
            .attachments
            .iter()
            .any(|a| a.path.starts_with("attachments/_campaign/plain-"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_process_serves_concurrent_scenarios() {
    let campaign = campaign(&[(
        "shared",
        process(&["./echo.py"], Isolation::Shared, timeouts()),
    )]);
    let (mut a, mut b) = (campaign.scenario("a"), campaign.scenario("b"));
    let (ra, rb) = tokio::join!(
        async {
            a.request("shared", "count", json!({})).await.unwrap();
            result(a.request("shared", "whoami", json!({})).await.unwrap())
        },
        async {
            b.request("shared", "count", json!({})).await.unwrap();
            result(b.request("shared", "whoami", json!({})).await.unwrap())
        }
    );
    assert_eq!(ra["pid"], rb["pid"]);
    assert_eq!(
        ra["counter"]
            .as_u64()
            .unwrap()
            .max(rb["counter"].as_u64().unwrap()),
        2,
        "state is shared"
    );
    let (report_a, report_b) = tokio::join!(a.finish(), b.finish());
    assert!(report_a.problems.is_empty() && report_b.problems.is_empty());
    let end = campaign.registry.shutdown().await;
    assert!(end.problems.is_empty(), "{:?}", end.problems);
    let stderr = campaign.read(find(&end, "_campaign/shared-1.stderr.log"));
    assert!(
        stderr.contains("echo fixture starting") && stderr.contains("shutting down"),
        "{stderr}"
    );
}

#[test]
fn handles_and_futures_can_move_between_threads() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    fn send_future<F: std::future::Future + Send>(_: &F) {}
    send_sync::<AdapterRegistry>();
    send::<ScenarioAdapters>();
    let campaign = campaign(&[(
        "echo",
        process(&["./echo.py"], Isolation::Process, timeouts()),
    )]);
    let mut scenario = campaign.scenario("s");
    send_future(&scenario.request("echo", "echo", json!({})));
    send_future(&scenario.query("echo", "SELECT 1"));
    send_future(&campaign.registry.shutdown());
    send_future(&scenario.finish());
}
