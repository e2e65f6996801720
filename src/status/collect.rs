//! Gathers the overview: the store's packages (verified as `qualify verify` does), the ledger's
//! records, and the gate's own verdict for HEAD (through its public entry point).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::report::{AttemptSummary, PackageStatus, STATUS_SCHEMA, StatusReport};
use crate::anchor::{Ledger, Record, Snapshot};
use crate::config::Config;
use crate::errors::Error;
use crate::gate::{GateOptions, gate};
use crate::verify::{VerifyOptions, verify_package};

/// Builds the overview of `evidence_dir` and the ledger of the project's repository.
pub fn status(config: &Config, evidence_dir: &Path) -> Result<StatusReport, Error> {
    let mut report = StatusReport {
        schema: STATUS_SCHEMA.into(),
        evidence_dir: evidence_dir.display().to_string(),
        repository: None,
        ledger_tip: None,
        ledger_note: None,
        packages: Vec::new(),
        gate: serde_json::Value::Null,
        gate_passed: false,
        gate_text: String::new(),
    };
    let ledger = Ledger::discover(&config.dir);
    let snapshot = match &ledger {
        Err(reason) => {
            report.ledger_note = Some(reason.clone());
            Snapshot::default()
        }
        Ok(ledger) => {
            report.repository = Some(ledger.location().display().to_string());
            match ledger.snapshot() {
                Ok(s) => s,
                Err(e) => {
                    report.ledger_note = Some(e.to_string());
                    Snapshot::default()
                }
            }
        }
    };
    report.ledger_tip = snapshot.tip.map(|t| t.to_string());
    let mut by_id: BTreeMap<String, PackageStatus> = BTreeMap::new();
    let trust = crate::verify::TrustAnchor::explicit(&config.signers, "the project's registry");
    for dir in store_packages(evidence_dir) {
        let status = from_store(config, &trust, &dir);
        by_id.insert(status.id.clone(), status);
    }
    apply_ledger(config, &snapshot, &mut by_id);
    if let Ok(ledger) = &ledger {
        super::supersessions::apply(ledger, &snapshot, &mut by_id);
    }
    report.packages = by_id.into_values().rev().collect();

    let verdict = gate(
        config,
        &GateOptions {
            stage: None,
            baseline: None,
            evidence_dir: evidence_dir.to_path_buf(),
        },
    );
    match verdict {
        Ok(g) => {
            let mut text = Vec::new();
            g.write_human(&mut text)
                .map_err(|e| Error::Internal(format!("cannot format the gate report: {e}")))?;
            report.gate_text = String::from_utf8_lossy(&text).into_owned();
            report.gate_passed = g.passed;
            report.gate = serde_json::to_value(&g).unwrap_or_default();
        }
        Err(e) => {
            report.gate_text = format!("GATE NOT EVALUATED: {e}");
            report.gate = serde_json::json!({ "error": e.to_string() });
        }
    }
    Ok(report)
}

/// One package of the store, verified against the project's registry, workflow and repository.
fn from_store(config: &Config, trust: &crate::verify::TrustAnchor, dir: &Path) -> PackageStatus {
    let verification = verify_package(
        dir,
        &VerifyOptions {
            trust,
            workflow: &config.workflow,
            workflow_source: "qualify.yaml of the project",
            repo_dir: Some(config.dir.clone()),
            // As the gate does; a CA that cannot be loaded shows in the gate's verdict below.
            time: crate::verify::TimePolicy {
                tsa: crate::verify::TsaPolicy::of_project(&config.signing).unwrap_or_default(),
                ..crate::verify::TimePolicy::now()
            },
        },
    );
    let r = &verification.report;
    let (stage, result, revision) = crate::anchor::package_facts(dir);
    let signatures: Vec<String> = r
        .signatures
        .iter()
        .filter(|s| s.valid && s.deviation.is_none())
        .map(|s| s.meaning.clone())
        .collect();
    PackageStatus {
        id: if r.package_id.is_empty() {
            dir.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        } else {
            r.package_id.clone()
        },
        stage,
        revision,
        result,
        path: Some(dir.display().to_string()),
        missing_from_store: false,
        verified: Some(r.verified),
        anchored: false,
        pending: pending(config, &signatures),
        signatures,
        open_deviations: r
            .deviations
            .iter()
            .filter(|d| d.status != "closed")
            .map(|d| d.id.clone())
            .collect(),
        superseded_by: None,
        supersession_record: None,
        supersession_problem: None,
        failed_attempts: Vec::new(),
    }
}

fn pending(config: &Config, signed: &[String]) -> Vec<String> {
    config
        .workflow
        .meanings
        .iter()
        .map(|m| m.name.clone())
        .filter(|m| !signed.contains(m))
        .collect()
}

/// Marks anchored packages, adds the ones missing from the store, and the attempts and
/// supersessions the ledger records.
fn apply_ledger(config: &Config, snapshot: &Snapshot, by_id: &mut BTreeMap<String, PackageStatus>) {
    for (record, _) in &snapshot.records {
        let id = record.common().package_id.clone();
        let entry = by_id.entry(id.clone()).or_insert_with(|| PackageStatus {
            id,
            stage: "?".into(),
            revision: None,
            result: "unknown".into(),
            path: None,
            missing_from_store: true,
            verified: None,
            anchored: false,
            signatures: Vec::new(),
            pending: pending(config, &[]),
            open_deviations: Vec::new(),
            superseded_by: None,
            supersession_record: None,
            supersession_problem: None,
            failed_attempts: Vec::new(),
        });
        match record {
            Record::Sealed(s) => {
                entry.anchored = true;
                if entry.missing_from_store {
                    entry.stage = s.stage.clone();
                    entry.revision = s.commit.clone();
                    entry.result = s.result.clone();
                }
            }
            Record::Envelope(e) => {
                entry.anchored = true;
                if entry.missing_from_store && e.deviation.is_none() {
                    entry.signatures.push(e.meaning.clone());
                    entry.pending = pending(config, &entry.signatures);
                }
            }
            Record::FailedAttempt(a) => entry.failed_attempts.push(AttemptSummary {
                at: a.common.recorded_at.clone(),
                action: a.action.clone(),
                key: a.claimed_key.clone(),
                reason: a.reason.clone(),
            }),
            // Shown from the ledger alone: a fresh clone without the record file still says so.
            Record::Superseded(s) => entry.superseded_by = Some(s.superseded_by.clone()),
        }
    }
}

/// Package folders of the store (hidden staging folders left out).
fn store_packages(evidence_dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(evidence_dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_dir()
                        && !p
                            .file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                        && p.join(crate::evidence::MANIFEST_FILE).exists()
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}
