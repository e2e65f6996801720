//! Building a [`Report`] from a [`PackageState`]: every section of the report, in order.

use std::collections::BTreeMap;

use serde_json::Value;

use super::headline::{Verdict, cover, headline};
use super::model::*;
use super::package_state::{PackageState, RenditionKind};
use super::step_record::{TranscriptLines, scenario_attachments, step_row};
use crate::config::ProjectInfo;
use crate::evidence::{RunResults, ScenarioResult};
use qualify_evidence::{AuditAction, AuditEntry, SignaturePredicate};

pub(super) const NOT_RECORDED: &str = "not recorded in this package";

pub(super) fn text(v: &Value, path: &[&str]) -> String {
    let mut cur = v;
    for key in path {
        match cur.get(key) {
            Some(next) => cur = next,
            None => return String::new(),
        }
    }
    match cur {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

pub(super) fn or_not_recorded(s: &str) -> String {
    if s.trim().is_empty() {
        NOT_RECORDED.into()
    } else {
        s.trim().to_string()
    }
}

/// Builds the whole report: the headline first (verdict, identities), then each section from
/// the package state, then the summary and the conclusion that depend on those sections.
pub(crate) fn build(state: &PackageState) -> Report {
    let r = &state.results;
    let scenarios: Vec<&ScenarioResult> = r.features.iter().flat_map(|f| &f.scenarios).collect();
    let h = headline(state, &scenarios);
    let cover = cover(state, &h, &scenarios);
    let (approvals, approvals_pending) = approvals(state);
    let (environment, environment_files) = environment(state);
    let requirements = requirements(state, &scenarios);
    let features = r
        .features
        .iter()
        .map(|f| FeatureSection {
            name: f.name.clone(),
            source: format!("{} (SHA-256 {})", f.path, f.sha256),
            scenarios: f
                .scenarios
                .iter()
                .map(|sc| scenario_section(sc, &state.transcript_lines))
                .collect(),
        })
        .collect();
    let deviations = deviations(state);
    let impact = impact(state);
    let (audit, audit_note) = audit(state);
    let summary = summary(r, &requirements, deviations.len(), approvals.len());
    let conclusion = conclusion(h.verdict, r, &h.system, &deviations);
    let verification = verification(state, &h.digest);
    Report {
        project_name: h.project_name,
        system: h.system,
        package_id: r.package_id.clone(),
        stage: h.stage,
        git_commit: h.git_commit,
        digest_label: h.digest_label.into(),
        digest: h.digest,
        rendition: h.rendition.into(),
        // A trial's report must never pass for evidence, whatever its scenarios did.
        status: if r.trial {
            let scenarios = match r.summary.scenarios_failed {
                0 => "every scenario passed",
                _ => "scenarios FAILED",
            };
            format!("TRIAL RUN, NOT EVIDENCE ({scenarios})")
        } else {
            h.verdict.word().into()
        },
        status_class: h.verdict.class().into(),
        status_reasons: h.status_reasons,
        generated_at: h.generated_at,
        cover,
        approvals,
        approvals_pending,
        purpose: purpose(state),
        feature_descriptions: feature_descriptions(r),
        environment,
        environment_files,
        requirements,
        features,
        deviations,
        impact,
        audit,
        audit_note,
        summary,
        conclusion,
        verification,
        package_root_link: match state.kind {
            RenditionKind::Sealed => String::new(),
            RenditionKind::Current => "../".into(),
        },
    }
}

/// Purpose, scope and intended use, as qualify.yaml states them.
fn purpose(state: &PackageState) -> Vec<Field> {
    let project = state.project.as_ref().map(|p| &p.project);
    let stated = |f: fn(&ProjectInfo) -> &str| or_not_recorded(project.map(f).unwrap_or(""));
    vec![
        field("Purpose", stated(|p| p.purpose.as_str())),
        field("Scope", stated(|p| p.scope.as_str())),
        field("Intended use", stated(|p| p.intended_use.as_str())),
    ]
}

fn feature_descriptions(r: &RunResults) -> Vec<Field> {
    r.features
        .iter()
        .map(|f| {
            let d = f.description.clone().unwrap_or_default();
            field(
                &f.name,
                if d.trim().is_empty() {
                    "(no description)".into()
                } else {
                    reflow(&d)
                },
            )
        })
        .collect()
}

/// Source line breaks joined into paragraphs; a blank line separates paragraphs (Gherkin
/// descriptions are wrapped by hand in the feature file, not meant as line breaks).
fn reflow(text: &str) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current.join(" "));
    }
    paragraphs.join("\n\n")
}

fn summary(
    r: &RunResults,
    requirements: &[RequirementRow],
    deviations: usize,
    signatures: usize,
) -> Vec<Field> {
    let s = &r.summary;
    vec![
        field(
            "Scenarios",
            format!(
                "{} run, {} passed, {} failed",
                s.scenarios, s.scenarios_passed, s.scenarios_failed
            ),
        ),
        field(
            "Steps",
            format!(
                "{} passed, {} failed, {} undefined, {} skipped",
                s.steps_passed, s.steps_failed, s.steps_undefined, s.steps_skipped
            ),
        ),
        field("Requirements", requirement_summary(requirements)),
        field("Deviations", format!("{deviations} recorded")),
        field("Signatures", format!("{signatures} present")),
    ]
}

fn conclusion(
    verdict: Verdict,
    r: &RunResults,
    system: &str,
    deviations: &[DeviationRow],
) -> String {
    let s = &r.summary;
    match verdict {
        Verdict::Passed => format!(
            "All {} scenarios passed on a clean, committed revision. The package supports release of {} once the required signatures are present.",
            s.scenarios, system
        ),
        Verdict::NotReleasable => "All scenarios passed, but the package cannot support a release: it is not tied to a clean, committed revision (see the reasons on the cover).".to_string(),
        Verdict::Failed if !deviations.is_empty() && deviations.iter().all(|d| !d.disposition.starts_with("open")) => format!(
            "{} of {} scenarios failed. Every deviation has a signed disposition (section 7); the conclusion on the requirements they cover rests on those dispositions.",
            s.scenarios_failed, s.scenarios
        ),
        Verdict::Failed => format!(
            "{} of {} scenarios failed. The system is not shown to meet the requirements covered by them until each deviation is dispositioned.",
            s.scenarios_failed, s.scenarios
        ),
    }
}

/// The latest time recorded in what the rendition shows: never the wall clock.
pub(super) fn generated_at(state: &PackageState) -> String {
    let mut latest = state.results.finished_at.clone();
    if state.kind == RenditionKind::Current {
        let mut times = Vec::new();
        if let Some((m, _)) = &state.manifest {
            times.push(m.sealed_at.clone());
        }
        for (_, st) in state.signatures.iter().chain(&state.closures) {
            times.extend(st.as_ref().map(|st| st.predicate.signed_at.clone()));
        }
        for e in state.audit.iter().flatten().filter(|e| !is_rendering(e)) {
            times.extend(e.as_ref().ok().map(|e| e.at.clone()));
        }
        for t in times {
            if t > latest {
                latest = t;
            }
        }
    }
    latest
}

fn approvals(state: &PackageState) -> (Vec<Approval>, Vec<String>) {
    let approvals: Vec<Approval> = state
        .signatures
        .iter()
        .map(|(path, st)| {
            let predicate = st.as_ref().map(|st| &st.predicate);
            let p = |field: fn(&SignaturePredicate) -> &str| {
                or_not_recorded(predicate.map(field).unwrap_or_default())
            };
            let meaning = p(|p| &p.meaning);
            Approval {
                name: p(|p| &p.signer.name),
                role: p(|p| &p.signer.role),
                // An invalid signature stays listed, marked, and its meaning stays pending.
                meaning: match state.invalid.get(path) {
                    Some(why) => format!("{meaning} (INVALID: {why})"),
                    None => meaning,
                },
                signed_at: p(|p| &p.signed_at),
                key: p(|p| &p.key_id),
                file: path.clone(),
            }
        })
        .collect();
    let meanings: Vec<String> = state
        .project
        .as_ref()
        .map(|p| p.workflow_meanings.clone())
        .unwrap_or_default();
    let unsigned: Vec<&String> = meanings
        .iter()
        .filter(|m| !approvals.iter().any(|a| &a.meaning == *m))
        .collect();
    let mut pending: Vec<String> = unsigned
        .iter()
        .map(|m| format!("{m}: pending, not signed"))
        .collect();
    match state.kind {
        RenditionKind::Sealed => pending.push(
            "Signatures are added after sealing and cannot appear in the rendition sealed inside the package: every meaning is pending here. `qualify render` shows the signatures present; `qualify verify` checks them.".to_string(),
        ),
        RenditionKind::Current if approvals.is_empty() => {
            pending.push("No signature in this package yet: every meaning is pending.".to_string())
        }
        RenditionKind::Current => {}
    }
    (approvals, pending)
}

fn environment(state: &PackageState) -> (Vec<Field>, Vec<FileRow>) {
    let Some(env) = &state.environment else {
        return (vec![field("Environment", NOT_RECORDED)], Vec::new());
    };
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "unknown".into());
    let mut fields = vec![
        field("Tool", format!("{} {}", env.tool.name, env.tool.version)),
        field("Host name", opt(&env.host.hostname)),
        field(
            "Operating system",
            format!(
                "{} {} ({}), kernel {}",
                env.host.os,
                opt(&env.host.os_release),
                env.host.arch,
                opt(&env.host.kernel)
            ),
        ),
        field("User", opt(&env.host.user)),
    ];
    for (k, v) in &env.ci {
        fields.push(field(&format!("CI {k}"), v.clone()));
    }
    let mut files = vec![file_row("tool", &env.tool.executable)];
    for (name, f) in &env.adapters {
        files.push(file_row(&format!("adapter {name}"), f));
        // The script an interpreter runs is the adapter as much as the interpreter is.
        for named in env.adapter_files.get(name).into_iter().flatten() {
            files.push(file_row(&format!("adapter {name} file"), named));
        }
    }
    files.extend(env.config_files.iter().map(|f| file_row("config", f)));
    files.extend(env.feature_files.iter().map(|f| file_row("feature", f)));
    (fields, files)
}

fn evidence_of(sc: &ScenarioResult) -> Vec<String> {
    let mut seen = BTreeMap::new();
    for st in &sc.steps {
        for a in &st.attachments {
            seen.insert(a.path.clone(), a.sha256.clone());
        }
    }
    // The matrix names each file and the first 16 hex digits of its digest; the scenario
    // section gives the full digests.
    seen.into_iter()
        .map(|(p, d)| {
            let name = p.rsplit('/').next().unwrap_or(&p);
            format!("{name} {}…", d.get(..16).unwrap_or(&d))
        })
        .collect()
}

fn requirements(state: &PackageState, scenarios: &[&ScenarioResult]) -> Vec<RequirementRow> {
    let mut rows: Vec<RequirementRow> = Vec::new();
    let mut known: Vec<(String, String, String)> = state
        .project
        .as_ref()
        .map(|p| {
            p.requirements
                .iter()
                .map(|r| (r.id.clone(), r.title.clone(), r.risk.clone()))
                .collect()
        })
        .unwrap_or_default();
    for sc in scenarios {
        for id in &sc.requirements {
            if !known.iter().any(|(k, _, _)| k == id) {
                known.push((id.clone(), NOT_RECORDED.into(), String::new()));
            }
        }
    }
    for (id, title, risk) in known {
        let covering: Vec<ScenarioRef> = scenarios
            .iter()
            .filter(|sc| sc.requirements.contains(&id))
            .map(|sc| ScenarioRef {
                id: sc.id.clone(),
                name: sc.name.clone(),
                status: status_word(sc.status).0.into(),
                evidence: evidence_of(sc),
            })
            .collect();
        let (result, class) = if covering.is_empty() {
            ("NOT COVERED by this campaign", "uncovered")
        } else if covering.iter().all(|c| c.status == "PASSED") {
            ("covered, passed", "passed")
        } else {
            ("covered, FAILED", "failed")
        };
        rows.push(RequirementRow {
            id,
            title,
            risk,
            result: result.into(),
            result_class: class.into(),
            scenarios: covering,
        });
    }
    rows
}

fn requirement_summary(rows: &[RequirementRow]) -> String {
    let count = |c: &str| rows.iter().filter(|r| r.result_class == c).count();
    format!(
        "{} listed: {} covered and passed, {} covered with failures, {} not covered",
        rows.len(),
        count("passed"),
        count("failed"),
        count("uncovered")
    )
}

fn scenario_section(sc: &ScenarioResult, transcripts: &TranscriptLines) -> ScenarioSection {
    let (status, class) = status_word(sc.status);
    let mut facts = vec![
        field("Stage", sc.stage.clone()),
        field(
            "Requirements",
            if sc.requirements.is_empty() {
                "none".into()
            } else {
                sc.requirements.join(", ")
            },
        ),
        field("Tags", sc.tags.join(" ")),
        field(
            "Executed",
            format!(
                "{} ({} ms)",
                sc.started_at
                    .clone()
                    .unwrap_or_else(|| "not started".into()),
                sc.duration_ms
            ),
        ),
    ];
    if let Some(rule) = &sc.rule {
        facts.push(field("Rule", rule.clone()));
    }
    if !sc.selected_because.is_empty() {
        facts.push(field("Selected because", sc.selected_because.join("\n")));
    }
    let steps = sc
        .steps
        .iter()
        .map(|st| step_row(sc, st, transcripts))
        .collect();
    ScenarioSection {
        id: sc.id.clone(),
        name: sc.name.clone(),
        status: status.into(),
        status_class: class.into(),
        facts,
        steps,
        attachments: scenario_attachments(sc),
    }
}

fn deviations(state: &PackageState) -> Vec<DeviationRow> {
    let Some(register) = &state.deviations else {
        return Vec::new();
    };
    register
        .deviations
        .iter()
        .map(|d| {
            let id = d.id.clone();
            let closure = state.closures.iter().find_map(|(path, st)| {
                let p = &st.as_ref()?.predicate;
                let disposition = p.deviation.as_ref().filter(|dd| dd.id == id)?;
                Some((path, p, disposition))
            });
            // An invalid closure (revoked key, bad signature) closes nothing.
            let invalid = closure.and_then(|(path, ..)| Some((path, state.invalid.get(path)?)));
            let disposition = closure
                .filter(|_| invalid.is_none())
                .map(|(_, p, disposition)| {
                    let assessed = match disposition.assessment.summary() {
                        a if a.is_empty() => String::new(),
                        a => format!(" ({a})"),
                    };
                    format!(
                        "{}{assessed} — closed by {} ({}) at {}",
                        disposition.disposition, p.signer.name, p.signer.role, p.signed_at
                    )
                })
                .unwrap_or_else(|| match invalid {
                    Some((path, why)) => format!("open: the closure {path} is INVALID: {why}"),
                    None => "open: no signed disposition".into(),
                });
            DeviationRow {
                location: format!(
                    "{} ({}), step line {}: {}",
                    d.scenario.name, d.scenario.id, d.step.line, d.step.text
                ),
                description: d.error.clone(),
                disposition,
                id,
            }
        })
        .collect()
}

fn audit(state: &PackageState) -> (Vec<AuditRow>, String) {
    let Some(entries) = &state.audit else {
        let note = match state.kind {
            RenditionKind::Sealed => {
                "The audit trail continues after sealing and is shown in later renditions (`qualify render`)."
            }
            RenditionKind::Current => "This package has no audit trail.",
        };
        return (Vec::new(), note.into());
    };
    let rows: Vec<AuditRow> = entries
        .iter()
        .filter(|e| !is_rendering(e))
        .map(|e| match e {
            Ok(e) => AuditRow {
                seq: e.seq.to_string(),
                at: e.at.clone(),
                who: e.who.name.clone(),
                action: e.action.as_str().into(),
                why: [e.what.as_str(), e.why.as_str()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" — "),
            },
            Err(line) => AuditRow {
                seq: "?".into(),
                at: String::new(),
                who: String::new(),
                action: "unreadable line".into(),
                why: json_text(&Value::String(line.clone())),
            },
        })
        .collect();
    // A rendition cannot list its own rendering without changing with every rendering, so
    // rendering entries are left out, and the note does not count them.
    let note = format!(
        "{} entries; entries that record renderings of this report are not listed. `qualify verify` checks the hash chain.",
        rows.len()
    );
    (rows, note)
}

/// The impact assessment (`impact.json`, written by `qualify run --impact`), summarised.
fn impact(state: &PackageState) -> Vec<Field> {
    let Some(a) = &state.impact else {
        return vec![field(
            "Impact assessment",
            "No impact assessment in this package.",
        )];
    };
    let list = |key: &str, f: &dyn Fn(&Value) -> String| -> String {
        let items: Vec<String> = a
            .get(key)
            .and_then(Value::as_array)
            .map(|v| v.iter().map(f).collect())
            .unwrap_or_default();
        if items.is_empty() {
            "none".into()
        } else {
            items.join("\n")
        }
    };
    let plain = |v: &Value| json_text(v).trim_matches('"').to_string();
    vec![
        field(
            "Revisions",
            format!(
                "baseline {} ({}) → {}{}",
                text(a, &["revisions", "baseline"]),
                text(a, &["revisions", "baseline_commit"]),
                text(a, &["revisions", "head_commit"]),
                if a.pointer("/revisions/includes_working_tree") == Some(&Value::Bool(true)) {
                    " plus uncommitted changes"
                } else {
                    ""
                }
            ),
        ),
        field(
            "Changed paths",
            list("changes", &|c| change_line(c, &plain)),
        ),
        field(
            "Impacted components",
            list("components", &|c| {
                format!(
                    "{} (risk {}): {}",
                    text(c, &["id"]),
                    text(c, &["risk"]),
                    text(c, &["rule"])
                )
            }),
        ),
        field("Requirements at stake", list("requirements", &plain)),
        field(
            "Regression scope",
            format!(
                "{} scenarios",
                a.get("scenarios")
                    .and_then(Value::as_array)
                    .map(Vec::len)
                    .unwrap_or(0)
            ),
        ),
        field("Deleted feature files", list("deleted_features", &plain)),
        field("Paths without a component", list("unclaimed_paths", &plain)),
    ]
}

/// One changed path of the impact assessment: kind, path, origin, components it touches.
fn change_line(c: &Value, plain: &dyn Fn(&Value) -> String) -> String {
    let components: Vec<String> = c
        .get("components")
        .and_then(Value::as_array)
        .map(|v| v.iter().map(plain).collect())
        .unwrap_or_default();
    let mut line = format!("{} {}", text(c, &["kind"]), text(c, &["path"]));
    let old = text(c, &["old_path"]);
    if !old.is_empty() {
        line.push_str(&format!(" (from {old})"));
    }
    if !components.is_empty() {
        line.push_str(&format!(" → {}", components.join(", ")));
    }
    if c.get("needs_human_assessment") == Some(&Value::Bool(true)) {
        line.push_str(" (needs a human assessment)");
    }
    line
}

/// An audit entry recording a rendering of the report.
fn is_rendering(entry: &Result<AuditEntry, String>) -> bool {
    matches!(entry, Ok(e) if e.action == AuditAction::Rendered)
}

/// Every file of manifest.json checked against its SHA-256 with Python alone (exit status 1 and
/// the paths on a mismatch); run in the package folder.
pub const MANIFEST_CHECK_PYTHON: &str = r#"python3 -c 'import hashlib,json,sys; bad=[f["path"] for f in json.load(open("manifest.json"))["files"] if hashlib.sha256(open(f["path"],"rb").read()).hexdigest()!=f["sha256"]]; print("FAILED:", *bad) if bad else print("every file matches manifest.json"); sys.exit(bool(bad))'"#;

/// The same with jq and sha256sum: the manifest turned into sha256sum's own format first.
pub const MANIFEST_CHECK_JQ: &str =
    r#"jq -r '.files[] | "\(.sha256)  \(.path)"' manifest.json | sha256sum -c -"#;

/// A DSSE envelope's pre-authentication encoding and signature written out for openssl.
pub const DSSE_PAE_PYTHON: &str = r#"python3 -c 'import base64,json,sys; e=json.load(open(sys.argv[1])); t=e["payloadType"].encode(); b=base64.b64decode(e["payload"]); open("pae.bin","wb").write(b"DSSEv1 %d %s %d %s" % (len(t),t,len(b),b)); open("sig.bin","wb").write(base64.b64decode(e["signatures"][0]["sig"]))' signatures/NN-MEANING-SIGNER.dsse.json"#;

/// The "How to check" page: qualify first, then standard tools for the files, the manifest's
/// own digest and the signatures. Never `sha256sum -c` over manifest.json itself: it is JSON,
/// not sha256sum's format.
fn verification(state: &PackageState, digest: &str) -> Vec<String> {
    let id = &state.results.package_id;
    let mut v = vec![format!(
        "With qualify: run `qualify verify evidence/{id}`. It checks every file against manifest.json, every signature and deviation closure, the audit trail's hash chain, and that the reports match the package (exit code 0 when everything holds)."
    )];
    v.push(format!(
        "Without qualify, every file of the package against manifest.json (in the package folder; `files` lists each file's `path`, `sha256` and `size`): `{MANIFEST_CHECK_PYTHON}` or, with jq and coreutils: `{MANIFEST_CHECK_JQ}`."
    ));
    match state.kind {
        RenditionKind::Current => v.push(format!(
            "The manifest itself: `sha256sum manifest.json` prints {digest}, the digest this report and every signature name."
        )),
        RenditionKind::Sealed => v.push(format!(
            "This report is listed in manifest.json. Its content digest {digest} is the SHA-256 of the lines `<sha256>  <size>  <path>` of every manifest entry except report.html and report.pdf, sorted by path. Signatures name the SHA-256 of manifest.json itself (`sha256sum manifest.json`)."
        )),
    }
    v.push(format!(
        "Signatures (files in signatures/ and deviations/closures/) are DSSE envelopes signed with Ed25519 over the pre-authentication encoding PAE = \"DSSEv1\" SP LEN(payloadType) SP payloadType SP LEN(payload) SP payload of the decoded payload. Write the PAE and the signature with `{DSSE_PAE_PYTHON}`, then `openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in pae.bin -sigfile sig.bin` (OpenSSL 3; pub.pem is the signer's public key from the signer registry; its SHA-256 is the key id). The payload is an in-toto statement whose subjects give the SHA-256 of manifest.json and of every file; see docs/signatures.md."
    ));
    v.push(format!(
        "`qualify render evidence/{id}` renders this report again from the package alone; the result is byte-for-byte identical."
    ));
    v
}
