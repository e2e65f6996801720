//! Signed supersession records: a package of a revision with failed scenarios or open
//! deviations disposed of in favour of another package, by a named person, for a stated reason.
//!
//! A record is a DSSE envelope (in-toto Statement v1, predicate [`SUPERSESSION_PREDICATE_TYPE`])
//! committed under `impact.supersessions` (default `validation/supersessions/`), like signed
//! impact assessments: reviewed with the change, present in every clone. Its subjects are both
//! packages by id and manifest digest, so it disposes of exactly the package content it names.

use std::path::{Path, PathBuf};

use chrono::SecondsFormat;

use super::package_facts::PackageFacts;
use crate::config::Config;
use crate::sign::{
    PrivateKey, Registry, RoleRule, SignError, choose_role, open_record, record_files,
    record_predicate, signed_record, signer_of_key,
};

pub use qualify_evidence::schema::SUPERSESSION_PREDICATE_TYPE;
pub use qualify_evidence::{PackageRecord, SupersessionPredicate};

record_predicate!(
    SupersessionPredicate,
    SUPERSESSION_PREDICATE_TYPE,
    "a supersession statement"
);

/// A record file that verified.
#[derive(Debug, Clone)]
pub struct Supersession {
    /// Its file, relative to the project root.
    pub file: String,
    /// What it says.
    pub predicate: SupersessionPredicate,
}

fn package_record(p: &PackageFacts) -> PackageRecord {
    PackageRecord {
        id: p.id.clone(),
        manifest_sha256: p.manifest_sha256.clone(),
        commit: p.commit.clone(),
        scenarios: p.scenario_ids().into_iter().collect(),
    }
}

/// Scenarios `old` ran that `new` did not: a replacement must cover the same or more.
pub fn uncovered(old: &[String], new: &[String]) -> Vec<String> {
    old.iter().filter(|s| !new.contains(s)).cloned().collect()
}

/// Who may sign supersession records (`impact.superseders`).
fn superseders(config: &Config) -> RoleRule<'_> {
    RoleRule {
        allowed: &config.impact.superseders,
        record: "a supersession record",
        records: "supersession records",
        setting: "impact.superseders",
    }
}

/// The supersession folder of the project (absolute).
pub fn records_dir(config: &Config) -> PathBuf {
    config.dir.join(&config.impact.supersessions)
}

/// Signs a record superseding `old` by `new` and writes it; returns its file.
pub fn record(
    config: &Config,
    registry: &Registry,
    key: &PrivateKey,
    role: Option<&str>,
    old: &PackageFacts,
    new: &PackageFacts,
    reason: &str,
) -> Result<PathBuf, SignError> {
    let refuse = |m: String| Err(SignError::Refused(m));
    if reason.trim().chars().count() < 10 {
        return refuse(
            "--reason must say why the package is superseded (at least 10 characters)".into(),
        );
    }
    if old.id == new.id {
        return refuse(format!("a package cannot supersede itself ({})", old.id));
    }
    let (old_rec, new_rec) = (package_record(old), package_record(new));
    let missing = uncovered(&old_rec.scenarios, &new_rec.scenarios);
    if !missing.is_empty() {
        return refuse(format!(
            "{} does not cover every scenario of {}: missing {}; the replacement must cover the same scenarios or more",
            new.id,
            old.id,
            missing.join(", ")
        ));
    }
    let (signer, now) = signer_of_key(registry, key)?;
    let role = choose_role(signer, role, &superseders(config))?;
    let predicate = SupersessionPredicate {
        superseded: old_rec,
        replacement: new_rec,
        reason: reason.trim().to_string(),
        signer_id: signer.entry.id.clone(),
        signer_name: signer.entry.name.clone(),
        role,
        key_id: signer.key_id.clone(),
        signed_at: now.to_rfc3339_opts(SecondsFormat::Millis, true),
    };
    let (statement, envelope) = signed_record(predicate.subjects(), predicate, key)?;
    let dir = records_dir(config);
    // Content-addressed: one record per superseded package content.
    let file = dir.join(format!(
        "{}-{}.dsse.json",
        old.id,
        &old.manifest_sha256[..12]
    ));
    if file.exists() {
        return refuse(format!(
            "{} already exists: {} is already superseded",
            config.relative(&file),
            old.id
        ));
    }
    let bytes = serde_json::to_vec_pretty(&envelope)
        .map_err(|e| SignError::Refused(format!("cannot encode the envelope: {e}")))?;
    // The ledger record first (the commit point), then the file: src/anchor/supersession.rs.
    crate::anchor::commit_supersession(&config.dir, &file, &bytes, &statement.predicate)?;
    Ok(file)
}

/// Every record of the project: the valid ones, and for the others the file and why it does not
/// count.
pub fn load(
    config: &Config,
    registry: Option<&Registry>,
) -> (Vec<Supersession>, Vec<(String, String)>) {
    let (mut valid, mut invalid) = (Vec::new(), Vec::new());
    for file in record_files(&records_dir(config)) {
        let rel = config.relative(&file);
        match check(config, registry, &file) {
            Ok(predicate) => valid.push(Supersession {
                file: rel,
                predicate,
            }),
            Err(why) => invalid.push((rel, why)),
        }
    }
    (valid, invalid)
}

/// Checks one record: the signature, the signer's key and role, and that it says what it signs.
fn check(
    config: &Config,
    registry: Option<&Registry>,
    file: &Path,
) -> Result<SupersessionPredicate, String> {
    let statement = open_record::<SupersessionPredicate>(registry, file, &superseders(config))?;
    let p = statement.predicate;
    if statement.subject != p.subjects() {
        return Err("its subjects do not match the packages it names".into());
    }
    Ok(p)
}
