//! Signed supersession records: a package of a revision with failed scenarios or open
//! deviations disposed of in favour of another package, by a named person, for a stated reason.
//!
//! A record is a DSSE envelope (in-toto Statement v1, predicate [`SUPERSESSION_PREDICATE_TYPE`])
//! committed under `impact.supersessions` (default `validation/supersessions/`), like signed
//! impact assessments: reviewed with the change, present in every clone. Its subjects are both
//! packages by id and manifest digest, so it disposes of exactly the package content it names.

use crate::sign::EnvelopeSigning;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::package_facts::PackageFacts;
use crate::config::Config;
use crate::sign::{Envelope, IN_TOTO_PAYLOAD_TYPE, PrivateKey, Registry, SignError, Signer};
use crate::verify::{MAX_ENVELOPE_BYTES, read_regular};

/// `predicateType` of a supersession record.
pub const SUPERSESSION_PREDICATE_TYPE: &str = "urn:qualify:predicate:supersession:v1";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct RecordStatement {
    #[serde(rename = "_type")]
    statement_type: String,
    subject: Vec<RecordSubject>,
    #[serde(rename = "predicateType")]
    predicate_type: String,
    predicate: SupersessionPredicate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct RecordSubject {
    name: String,
    digest: BTreeMap<String, String>,
}

/// A package as a supersession record names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageRecord {
    /// Package id.
    pub id: String,
    /// SHA-256 of its `manifest.json`.
    pub manifest_sha256: String,
    /// Its commit.
    pub commit: Option<String>,
    /// Every scenario it ran.
    pub scenarios: Vec<String>,
}

/// What a supersession record says and who says it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupersessionPredicate {
    /// The package disposed of.
    pub superseded: PackageRecord,
    /// The package that replaces it.
    pub replacement: PackageRecord,
    /// Why.
    pub reason: String,
    /// Signer id in the registry.
    pub signer_id: String,
    /// Printed name.
    pub signer_name: String,
    /// Role signed in.
    pub role: String,
    /// Key id.
    pub key_id: String,
    /// UTC signing time (RFC 3339).
    pub signed_at: String,
}

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
    let signer = registry.by_key_id(&key.key_id()).ok_or_else(|| {
        SignError::Refused(format!(
            "unknown key: key id {} is not in the signers registry {}",
            key.key_id(),
            registry.path.display()
        ))
    })?;
    let now = Utc::now();
    signer.validity_at(now).map_err(SignError::Refused)?;
    let role = choose_role(config, signer, role)?;
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
    let statement = RecordStatement {
        statement_type: "https://in-toto.io/Statement/v1".into(),
        subject: subjects(&predicate),
        predicate_type: SUPERSESSION_PREDICATE_TYPE.into(),
        predicate,
    };
    let payload = serde_json::to_vec(&statement)
        .map_err(|e| SignError::Refused(format!("cannot encode the record: {e}")))?;
    let envelope = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, &payload, key);
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
    std::fs::create_dir_all(&dir)
        .and_then(|_| crate::fsio::write_atomic(&file, &bytes))
        .map_err(|source| SignError::Package {
            path: file.clone(),
            source,
        })?;
    Ok(file)
}

fn choose_role(config: &Config, signer: &Signer, role: Option<&str>) -> Result<String, SignError> {
    let allowed = &config.impact.superseders;
    let usable: Vec<&String> = signer
        .entry
        .roles
        .iter()
        .filter(|r| allowed.contains(r))
        .collect();
    match (role, usable.as_slice()) {
        (Some(r), _) if usable.iter().any(|u| *u == r) => Ok(r.to_string()),
        (None, [one]) => Ok((*one).clone()),
        _ => Err(SignError::Refused(format!(
            "{} ({}) may not sign a supersession record in {}: allowed roles are {} (impact.superseders)",
            signer.entry.name,
            signer.entry.id,
            role.map(|r| format!("role {r}"))
                .unwrap_or_else(|| "any held role".into()),
            allowed.join(", ")
        ))),
    }
}

fn subjects(p: &SupersessionPredicate) -> Vec<RecordSubject> {
    [&p.superseded, &p.replacement]
        .iter()
        .map(|r| RecordSubject {
            name: format!("package:{}", r.id),
            digest: BTreeMap::from([("sha256".to_string(), r.manifest_sha256.clone())]),
        })
        .collect()
}

/// Every record of the project: the valid ones, and for the others the file and why it does not
/// count.
pub fn load(
    config: &Config,
    registry: Option<&Registry>,
) -> (Vec<Supersession>, Vec<(String, String)>) {
    let (mut valid, mut invalid) = (Vec::new(), Vec::new());
    let Ok(entries) = std::fs::read_dir(records_dir(config)) else {
        return (valid, invalid);
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".dsse.json"))
        .collect();
    files.sort();
    for file in files {
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
    let registry = registry.ok_or("no signers registry to check it against")?;
    let bytes = read_regular(file, MAX_ENVELOPE_BYTES).map_err(|e| e.to_string())?;
    let envelope: Envelope =
        serde_json::from_slice(&bytes).map_err(|e| format!("not a DSSE envelope: {e}"))?;
    let statement: RecordStatement = serde_json::from_slice(&envelope.payload_bytes()?)
        .map_err(|e| format!("payload is not a supersession statement: {e}"))?;
    if statement.predicate_type != SUPERSESSION_PREDICATE_TYPE {
        return Err(format!(
            "predicateType is {}, not {SUPERSESSION_PREDICATE_TYPE}",
            statement.predicate_type
        ));
    }
    let p = statement.predicate;
    let [sig] = envelope.signatures.as_slice() else {
        return Err("expected exactly one signature".into());
    };
    let signer = registry.by_key_id(&sig.keyid).ok_or_else(|| {
        format!(
            "signed by key {}, which is not in the signers registry",
            sig.keyid
        )
    })?;
    envelope.verify(sig, &signer.public_key)?;
    if p.key_id != sig.keyid || p.signer_id != signer.entry.id || p.signer_name != signer.entry.name
    {
        return Err(
            "the signer named inside does not match the signing key's registry entry".into(),
        );
    }
    let at: DateTime<Utc> = p.signed_at.parse().map_err(|e| format!("signed_at: {e}"))?;
    signer.validity_at(at)?;
    if !signer.entry.roles.contains(&p.role) || !config.impact.superseders.contains(&p.role) {
        return Err(format!(
            "role {} may not sign supersession records (impact.superseders: {})",
            p.role,
            config.impact.superseders.join(", ")
        ));
    }
    if statement.subject != subjects(&p) {
        return Err("its subjects do not match the packages it names".into());
    }
    Ok(p)
}
