//! The second bundled campaign: the OQ suite through an MQTT broker (qualify-mqtt.yaml), run by
//! the real binary against the reference bridge in MQTT mode and a mosquitto the test starts.

use crate::support;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::mosquitto::Mosquitto;
use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// qualify-mqtt.yaml as shipped, but for the broker's port, the binaries' location and absolute
/// feature and requirement paths, written outside the repository.
fn config_for(dir: &Path, broker: &Mosquitto) -> PathBuf {
    let text = std::fs::read_to_string(repo().join("qualify-mqtt.yaml")).unwrap();
    assert_eq!(
        text.matches("mqtt://127.0.0.1:1883").count(),
        2,
        "the shipped config points the bridge and the broker adapter at 127.0.0.1:1883"
    );
    let text = text.replace("mqtt://127.0.0.1:1883", &broker.url());
    let mut doc: serde_norway::Value = serde_norway::from_str(&text).unwrap();
    doc["features"] = repo().join("features-mqtt").display().to_string().into();
    doc["requirements"] = repo()
        .join("requirements.yaml")
        .display()
        .to_string()
        .into();
    doc["adapters"]["bridge"]["command"][0] = support::binary("qualify-bridge")
        .display()
        .to_string()
        .into();
    // The shipped limits suit an operator's machine; a test on a loaded one gets generous ones
    // (every wait ends when its answer comes, so they cost nothing when things are quick).
    doc["adapters"]["broker"]["timeouts"] =
        serde_norway::from_str("{start_ms: 60000, request_ms: 60000, shutdown_ms: 10000}").unwrap();
    doc["adapters"]["bridge"]["timeouts"] =
        serde_norway::from_str("{start_ms: 60000, request_ms: 60000, shutdown_ms: 10000}").unwrap();
    // Scenarios read data files as ${project_dir}/features/data/...
    std::os::unix::fs::symlink(repo().join("features"), dir.join("features")).unwrap();
    let path = dir.join("qualify-mqtt.yaml");
    std::fs::write(&path, serde_norway::to_string(&doc).unwrap()).unwrap();
    path
}

#[test]
fn the_oq_suite_passes_through_a_broker() {
    let broker = Mosquitto::start();
    let dir = tempfile::tempdir().unwrap();
    let config = config_for(dir.path(), &broker);
    let out = dir.path().join("evidence");
    let output = Command::new(env!("CARGO_BIN_EXE_qualify"))
        .arg("--config")
        .arg(&config)
        .args(["run", "--progress", "quiet", "--out"])
        .arg(&out)
        .current_dir(repo())
        .output()
        .expect("run qualify");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let pkg = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .expect("a package");
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(pkg.join("results.json")).unwrap()).unwrap();
    assert_eq!(r["summary"]["scenarios_failed"], 0, "{stdout}");
    let scenarios: Vec<&Value> = r["features"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["scenarios"].as_array().unwrap())
        .collect();
    assert!(scenarios.len() >= 90, "{}", scenarios.len());
    assert!(scenarios.iter().all(|s| s["stage"] == "OQ"));
    // Every feature of the OQ suite but the process-interface one has its MQTT variant here.
    let originals = std::fs::read_dir(repo().join("features/oq"))
        .unwrap()
        .count();
    assert_eq!(r["features"].as_array().unwrap().len(), originals);
    // The telemetry really went through the broker: decisions were received and matched.
    let transcripts: Vec<PathBuf> = std::fs::read_dir(pkg.join("attachments"))
        .unwrap()
        .map(|e| e.unwrap().path().join("broker.mqtt.jsonl"))
        .filter(|p| p.exists())
        .collect();
    assert!(transcripts.len() >= 60, "{}", transcripts.len());
    let log = std::fs::read_to_string(&transcripts[0]).unwrap();
    assert!(
        log.contains("qualify-bridge/decisions") && log.contains("\"matched\""),
        "{log}"
    );
    // ... and as Sparkplug B protobuf: every telemetry message published was protobuf that
    // decodes (independently of the step that sent it) to what the evidence says was sent.
    let mut protobuf = 0;
    for transcript in &transcripts {
        for line in std::fs::read_to_string(transcript).unwrap().lines() {
            let entry: Value = serde_json::from_str(line).unwrap();
            let detail = &entry["detail"];
            if entry["event"] != "published" || !detail["payload_base64"].is_string() {
                continue;
            }
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(detail["payload_base64"].as_str().unwrap())
                .unwrap();
            let (decoded, problems) = sparkplug_b::decode_to_json(&bytes).unwrap();
            assert!(problems.is_empty(), "{problems:?}");
            assert_eq!(decoded, detail["decoded"]);
            protobuf += 1;
        }
    }
    assert!(protobuf >= 200, "{protobuf} protobuf messages published");
}

#[test]
fn the_mqtt_variants_are_generated_from_the_current_oq_suite() {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new("python3")
        .arg(repo().join("features-mqtt/generate.py"))
        .arg(dir.path())
        .status()
        .expect("run python3 features-mqtt/generate.py");
    assert!(status.success());
    let mut generated = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        let committed = repo().join("features-mqtt/oq").join(&name);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            std::fs::read_to_string(&committed).unwrap_or_default(),
            "{} is out of date: run python3 features-mqtt/generate.py",
            committed.display()
        );
        generated += 1;
    }
    assert!(generated >= 10, "{generated}");
}
