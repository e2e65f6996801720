//! `qualify run` with network adapters end to end: the real binary against a mosquitto broker, a
//! PostgreSQL server and an HTTP API that the tests start, with secrets from the environment.
//! Every wait in the features ends when its message arrives; the limits are generous so that a
//! loaded machine cannot fail them.

use std::path::Path;

use crate::support::Project;
use crate::support::http_server::HttpServer;
use crate::support::mosquitto::{BrokerOptions, Mosquitto};
use crate::support::postgres::{PASSWORD as PG_PASSWORD, Postgres};
use serde_json::Value;

const MQTT_PASSWORD: &str = "mqtt-campaign-pw-4471";
const TOKEN: &str = "api-token-campaign-8812";

fn servers() -> (Mosquitto, HttpServer, Postgres) {
    let broker = Mosquitto::start_with(BrokerOptions {
        users: vec![("line1".into(), MQTT_PASSWORD.into())],
        ..BrokerOptions::default()
    });
    let api = HttpServer::start(TOKEN);
    let pg = Postgres::start();
    pg.psql("postgres", "CREATE DATABASE mes");
    pg.psql(
        "mes",
        "CREATE SCHEMA plant; CREATE TABLE plant.work_orders (id text PRIMARY KEY, qty integer);",
    );
    (broker, api, pg)
}

fn config(broker: &Mosquitto, api: &HttpServer, pg: &Postgres, extra: &str) -> String {
    format!(
        r#"project:
  name: network adapters
adapters:
  broker:
    kind: mqtt
    url: {broker}
    username: line1
    password_env: TEST_MQTT_PASSWORD
    client_id: qualify-ci
    subscribe: ["spBv1.0/#", "t/#"]
    timeouts: {{start_ms: 60000, request_ms: 60000, shutdown_ms: 10000}}
  mes:
    kind: http
    url: {api}
    headers: {{X-Plant: "Line 1"}}
    bearer_token_env: TEST_API_TOKEN
  db:
    kind: sql
    driver: postgres
    url: {pg}
    password_env: TEST_PG_PASSWORD
{extra}"#,
        broker = broker.url(),
        api = api.url(),
        pg = pg.url("mes"),
    )
}

const ENV: [(&str, &str); 3] = [
    ("TEST_MQTT_PASSWORD", MQTT_PASSWORD),
    ("TEST_API_TOKEN", TOKEN),
    ("TEST_PG_PASSWORD", PG_PASSWORD),
];

const REQUIREMENTS: &str = "requirements:\n  - {id: URS-001, title: Network, risk: high}\n";

const PASSING: &str = r##"@OQ @URS-001
Feature: Network adapters

  Scenario: Telemetry round trip through the broker
    Given the adapter "broker" is started
    When I publish to "spBv1.0/Line1/DDATA/edge1/press1" on "broker":
      """
      {"timestamp": 1700000000000, "seq": 1, "metrics": [{"name": "cycle_count", "value": 42}]}
      """
    Then a message on "spBv1.0/Line1/DDATA/+/+" from "broker" arrives within 60 s matching:
      """
      {"timestamp": "#number", "seq": 1, "metrics": [{"name": "cycle_count", "value": "#number"}]}
      """
    And the response field "metrics[0].value" equals 42
    And no message on "spBv1.0/Line1/NCMD/#" from "broker" arrives within 200 ms
    When I publish a retained message to "plant/state" on "broker" with QoS 2:
      | state   | count |
      | running | 3     |
    Then at least 1 message on "plant/state" from "broker" arrives within 60 s

  Scenario: Orders through the MES API
    When I send a GET request to "/orders/WO-1" on "mes"
    Then the response status is 200
    And the response field "qty" equals 10
    And the response matches:
      """
      {"id": "WO-1", "status": "#string", "qty": "#number", "item": "#regex PUMP-[0-9]+"}
      """
    And the response header "x-record-version" equals "3"
    And the response time is under 60 s
    When I send a POST request to "/orders" on "mes" with:
      | id   | qty |
      | WO-5 | 2   |
    Then the response status is 201
    And the response field "order.qty" equals 2
    When I send a GET request to "/echo-auth" on "mes"
    Then the response field "authorization" equals "Bearer [redacted]"

  Scenario: Rows on PostgreSQL
    Given the table "plant.work_orders" on "db" contains:
      | id   | qty |
      | WO-7 | 3   |
    Then the query "SELECT id, qty FROM plant.work_orders ORDER BY id" on "db" returns:
      | id   | qty |
      | WO-7 | 3   |
    And the query "SELECT id FROM plant.work_orders WHERE qty > 100" on "db" returns no rows
"##;

fn all_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            all_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// No file of the package contains any of the secrets.
fn assert_no_secrets(pkg: &Path) {
    let mut files = Vec::new();
    all_files(pkg, &mut files);
    assert!(files.len() > 5, "{files:?}");
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for secret in [MQTT_PASSWORD, TOKEN, PG_PASSWORD] {
            assert!(
                !text.contains(secret),
                "{} contains a secret",
                file.display()
            );
        }
    }
}

fn step<'a>(scenario: &'a Value, text: &str) -> &'a Value {
    scenario["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["text"].as_str().unwrap().contains(text))
        .unwrap_or_else(|| panic!("no step {text} in {scenario}"))
}

#[test]
fn mqtt_http_and_postgres_steps_pass_with_evidence_and_no_secrets() {
    let (broker, api, pg) = servers();
    let p = Project::new()
        .file("qualify.yaml", &config(&broker, &api, &pg, ""))
        .file("requirements.yaml", REQUIREMENTS)
        .file("features/network.feature", PASSING);
    let run = p
        .qualify_with_env(&["run", "--progress", "plain"], &ENV)
        .code(0);
    assert!(
        run.stdout.contains("3 scenarios: 3 passed, 0 failed"),
        "{}",
        run.stdout
    );
    let results = p.results();
    let scenarios = results["features"][0]["scenarios"].as_array().unwrap();

    let mqtt = &scenarios[0];
    assert_eq!(mqtt["adapters"][0]["kind"], "mqtt");
    let publish = step(mqtt, "I publish to");
    assert_eq!(
        publish["input"]["topic"],
        "spBv1.0/Line1/DDATA/edge1/press1"
    );
    assert_eq!(publish["input"]["qos"], 1);
    assert_eq!(publish["output"]["ack"], "puback");
    let matched = step(mqtt, "arrives within 60 s matching");
    assert_eq!(matched["assertions"][0]["passed"], true);
    assert_eq!(
        matched["assertions"][0]["actual"]["metrics"][0]["value"],
        42
    );
    assert_eq!(
        matched["output"]["topic"],
        "spBv1.0/Line1/DDATA/edge1/press1"
    );
    assert!(matched["output"]["received_at"].is_string());
    let counted = step(mqtt, "at least 1 message");
    assert_eq!(counted["output"]["first"][0]["retain"], true);
    assert_eq!(counted["output"]["first"][0]["payload"]["state"], "running");
    let attachment = matched["attachments"][0]["path"].as_str().unwrap();
    assert!(attachment.ends_with("/broker.mqtt.jsonl"), "{attachment}");

    let http = &scenarios[1];
    let get = step(http, "GET request to \"/orders/WO-1\"");
    assert_eq!(get["output"]["status"], 200);
    assert!(get["output"]["elapsed_ms"].as_f64().unwrap() > 0.0);
    let time = step(http, "response time is under");
    assert_eq!(time["assertions"][0]["expected"], 60000.0);
    assert!(
        time["attachments"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with("/mes.http.jsonl")
    );

    let sql = &scenarios[2];
    assert_eq!(sql["adapters"][0]["name"], "PostgreSQL");
    let returns = step(sql, "ORDER BY id");
    assert_eq!(returns["assertions"][0]["actual"][0]["qty"], 3);

    assert_no_secrets(&p.packages()[0]);
}

const FAILURES: &str = r##"@OQ @URS-001 @serial
Feature: Network failures fail steps, never the tool

  Scenario: before the broker goes away
    When I publish to "t/a" on "broker":
      """
      {"n": 1}
      """
    Then a message on "t/a" from "broker" arrives within 60 s

  Scenario: the broker dies mid-scenario
    Given the adapter "broker" is started
    When I send a "stop_broker" request to "control"
    Then a message on "t/#" from "broker" arrives within 60 s

  Scenario: no broker, no connection
    When I publish to "t/a" on "broker":
      """
      {"n": 2}
      """

  Scenario: the broker is back
    When I send a "start_broker" request to "control"
    And I publish to "t/b" on "broker":
      """
      {"n": 3}
      """
    Then a message on "t/b" from "broker" arrives within 60 s

  Scenario: wrong credentials
    Given the adapter "intruder" is started

  Scenario: the MES API fails
    When I send a GET request to "/fail" on "mes"

  Scenario: a query the database refuses
    Then the query "SELECT nope FROM nowhere" on "db" returns no rows

  Scenario: a message that never comes
    Then a message on "t/never" from "broker" arrives within 300 ms matching:
      """
      {"n": 99}
      """
"##;

#[test]
fn broker_killed_mid_campaign_http_500_wrong_credentials_and_query_errors_fail_only_their_steps() {
    let (broker, api, pg) = servers();
    let control =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/network/broker_control.py");
    let extra = format!(
        r#"  intruder:
    kind: mqtt
    url: {url}
    username: line1
    password_env: TEST_WRONG_PASSWORD
  control:
    kind: process
    command: ["python3", "{control}"]
    timeouts: {{request_ms: 120000}}
    env:
      BROKER_PROGRAM: "{program}"
      BROKER_CONF: "{conf}"
      BROKER_PORT: "{port}"
      BROKER_PID_FILE: "{pid}"
"#,
        url = broker.url(),
        control = control.display(),
        program = broker.program_path().display(),
        conf = broker.conf_path().display(),
        port = broker.port,
        pid = broker.pid_path().display(),
    );
    let p = Project::new()
        .file("qualify.yaml", &config(&broker, &api, &pg, &extra))
        .file("requirements.yaml", REQUIREMENTS)
        .file("features/failures.feature", FAILURES);
    let mut env = ENV.to_vec();
    env.push(("TEST_WRONG_PASSWORD", "not-it"));
    let run = p
        .qualify_with_env(&["run", "--progress", "plain", "--concurrency", "1"], &env)
        .code(1);
    assert!(
        run.stdout.contains("8 scenarios: 2 passed, 6 failed"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    let results = p.results();
    let scenarios = results["features"][0]["scenarios"].as_array().unwrap();
    let outcome: Vec<(&str, &str)> = scenarios
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        outcome,
        [
            ("before the broker goes away", "passed"),
            ("the broker dies mid-scenario", "failed"),
            ("no broker, no connection", "failed"),
            ("the broker is back", "passed"),
            ("wrong credentials", "failed"),
            ("the MES API fails", "failed"),
            ("a query the database refuses", "failed"),
            ("a message that never comes", "failed"),
        ]
    );
    let error = |i: usize| -> String {
        scenarios[i]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["status"] == "failed")
            .and_then(|s| s["error"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    assert!(error(1).contains("lost its connection"), "{}", error(1));
    assert!(error(2).contains("could not connect"), "{}", error(2));
    assert!(error(4).contains("refused the credentials"), "{}", error(4));
    assert!(
        error(5).contains("500") && error(5).contains("database unavailable"),
        "{}",
        error(5)
    );
    assert!(
        error(6).contains("column \"nope\"") || error(6).contains("\"nowhere\""),
        "{}",
        error(6)
    );
    assert!(error(7).contains("no message arrived"), "{}", error(7));
    // The evidence of the lost connection is in the package.
    let pkg = &p.packages()[0];
    let lost = scenarios[1]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["attachments"].as_array().unwrap())
        .map(|a| a["path"].as_str().unwrap())
        .find(|p| p.ends_with("broker.mqtt.jsonl"))
        .expect("the broker transcript backs the failed step");
    let log = std::fs::read_to_string(pkg.join(lost)).unwrap();
    assert!(log.contains("\"connection_lost\""), "{log}");
    // The 500 response itself is evidence.
    let api_log = scenarios[5]["steps"][0]["attachments"][0]["path"]
        .as_str()
        .unwrap();
    let api_log = std::fs::read_to_string(pkg.join(api_log)).unwrap();
    assert!(api_log.contains("\"status\":500"), "{api_log}");
    assert_no_secrets(pkg);
}

#[test]
fn network_adapter_keys_are_checked_when_the_config_is_loaded() {
    for (adapter, message) in [
        ("    kind: mqtt\n", "needs `url`"),
        ("    kind: mqtt\n    url: http://h\n", "not an MQTT scheme"),
        (
            "    kind: mqtt\n    url: mqtt://u:p@h\n",
            "carries credentials",
        ),
        (
            "    kind: mqtt\n    url: mqtt://h\n    password_env: X\n",
            "set `username`",
        ),
        (
            "    kind: mqtt\n    url: mqtt://h\n    subscribe: [\"a/#/b\"]\n",
            "`#` must be the whole last level",
        ),
        (
            "    kind: mqtt\n    url: mqtt://h\n    tls: {ca_file: ca.pem}\n",
            "use mqtts://",
        ),
        (
            "    kind: mqtt\n    url: mqtt://h\n    command: [x]\n",
            "does not take `command`",
        ),
        (
            "    kind: http\n    url: https://user:pw@h/api\n",
            "carries credentials",
        ),
        (
            "    kind: http\n    url: http://h\n    headers: {Authorization: x}\n",
            "bearer_token_env",
        ),
        (
            "    kind: http\n    url: http://h\n    username: u\n",
            "does not take `username`",
        ),
        ("    kind: sql\n    driver: postgres\n", "needs `url`"),
        (
            "    kind: sql\n    driver: postgres\n    url: postgres://u:secret@h/db\n",
            "contains a password",
        ),
        (
            "    kind: sql\n    driver: postgres\n    url: postgres://u@h/db\n    database: x.db\n",
            "does not take `database`",
        ),
        (
            "    kind: sql\n    database: x.db\n    password_env: X\n",
            "does not take `password_env`",
        ),
        (
            "    kind: process\n    command: [x]\n    url: http://h\n",
            "does not take `url`",
        ),
    ] {
        let p = Project::new()
            .file("qualify.yaml", &format!("adapters:\n  a:\n{adapter}"))
            .file("requirements.yaml", "requirements: []\n");
        p.qualify(&["list"]).code(2).stderr_has(message);
    }
    let p = Project::new()
        .file(
            "qualify.yaml",
            "adapters:\n  a:\n    kind: mqtt\n    url: mqtts://broker:8883\n    username: u\n    password_env: P\n    client_id: line1\n    subscribe: [\"spBv1.0/+/DDATA/#\"]\n    tls: {ca_file: ca.pem, cert_file: c.pem, key_file: k.pem}\n  b:\n    kind: http\n    url: https://mes/api\n    headers: {X-Plant: L1}\n    bearer_token_env: T\n  c:\n    kind: sql\n    driver: postgres\n    url: host=db user=mes dbname=mes\n    password_env: P\n",
        )
        .file("requirements.yaml", "requirements: []\n")
        .file("features/a.feature", "@IQ\nFeature: a\n  Scenario: s\n    Given the adapter \"a\" is started\n");
    p.qualify(&["list"]).code(0);
}
