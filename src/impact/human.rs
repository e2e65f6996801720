//! Signed human assessments of changed paths that no component claims.
//!
//! An assessment is a DSSE envelope (in-toto Statement v1, predicate
//! [`ASSESSMENT_PREDICATE_TYPE`]) committed under `impact.assessments` (default
//! `validation/assessments/`). Its subject is the path with the SHA-256 of its content when it
//! was assessed, so it stays valid exactly as long as that content does: a later edit of the path
//! needs a new assessment.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::changes::Revisions;
use crate::config::Config;
use crate::evidence::{sha256_file, sha256_hex};
use crate::sign::{
    PrivateKey, Registry, RoleRule, SignError, Subject, choose_role, open_record, record_files,
    record_predicate, signed_record, signer_of_key,
};

pub use qualify_evidence::schema::ASSESSMENT_PREDICATE_TYPE;

/// What a human assessment says and who says it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentPredicate {
    /// The assessed path, relative to the project root.
    pub path: String,
    /// SHA-256 of its content when assessed; for a deleted path, the SHA-256 of `deleted:<path>`.
    pub content_sha256: String,
    /// Why no regression testing is needed (or what was done instead).
    pub rationale: String,
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
    /// The revisions compared when assessed.
    pub baseline_commit: String,
    /// HEAD when assessed.
    pub head_commit: String,
}

record_predicate!(
    AssessmentPredicate,
    ASSESSMENT_PREDICATE_TYPE,
    "an assessment statement"
);

/// A checked assessment and the file it came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HumanAssessment {
    /// What it says.
    #[serde(flatten)]
    pub predicate: AssessmentPredicate,
    /// Its file, relative to the project root.
    pub file: String,
}

/// Who may sign impact assessments (`impact.assessors`).
fn assessors(config: &Config) -> RoleRule<'_> {
    RoleRule {
        allowed: &config.impact.assessors,
        record: "an impact assessment",
        records: "impact assessments",
        setting: "impact.assessors",
    }
}

/// The content digest an assessment of `path` must name today.
pub fn content_digest(project_dir: &Path, path: &str) -> String {
    match sha256_file(&project_dir.join(path)) {
        Ok((digest, _)) => digest,
        Err(_) => sha256_hex(format!("deleted:{path}").as_bytes()),
    }
}

/// Signs an assessment of `path` and writes it into the assessments folder; returns its file.
pub fn record(
    config: &Config,
    registry: &Registry,
    key: &PrivateKey,
    role: Option<&str>,
    path: &str,
    rationale: &str,
    revisions: &Revisions,
) -> Result<PathBuf, SignError> {
    if rationale.trim().len() < 10 {
        return Err(SignError::Refused(
            "--rationale must say why the change needs no regression testing (at least 10 characters)".into(),
        ));
    }
    let (signer, now) = signer_of_key(registry, key)?;
    let role = choose_role(signer, role, &assessors(config))?;
    let content_sha256 = content_digest(&config.dir, path);
    let predicate = AssessmentPredicate {
        path: path.to_string(),
        content_sha256: content_sha256.clone(),
        rationale: rationale.trim().to_string(),
        signer_id: signer.entry.id.clone(),
        signer_name: signer.entry.name.clone(),
        role,
        key_id: signer.key_id.clone(),
        signed_at: crate::utc::format(now),
        baseline_commit: revisions.baseline_commit.clone(),
        head_commit: revisions.head_commit.clone(),
    };
    let subject = vec![Subject::sha256(path, &content_sha256)];
    let (_, envelope) = signed_record(subject, predicate, key)?;
    let file_name = format!(
        "{}-{}.dsse.json",
        path.chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            })
            .collect::<String>(),
        &content_sha256[..12]
    );
    let file = config.assessments_dir.join(file_name);
    let bytes = serde_json::to_vec_pretty(&envelope)
        .map_err(|e| SignError::Refused(format!("cannot encode the envelope: {e}")))?;
    crate::fsio::create_dir_durable(&config.assessments_dir)
        .and_then(|_| crate::fsio::write_atomic(&file, &bytes))
        .map_err(|source| SignError::Package {
            path: file.clone(),
            source,
        })?;
    Ok(file)
}

/// Reads every assessment in the assessments folder; returns the valid ones and, for the others,
/// why they do not count.
pub fn load_valid(
    config: &Config,
    registry: Option<&Registry>,
) -> (Vec<HumanAssessment>, Vec<String>) {
    let mut valid = Vec::new();
    let mut problems = Vec::new();
    for file in record_files(&config.assessments_dir) {
        let rel = config.relative(&file);
        match check(config, registry, &file) {
            Ok(predicate) => valid.push(HumanAssessment {
                predicate,
                file: rel,
            }),
            Err(why) => problems.push(format!("{rel}: {why}")),
        }
    }
    (valid, problems)
}

fn check(
    config: &Config,
    registry: Option<&Registry>,
    file: &Path,
) -> Result<AssessmentPredicate, String> {
    let statement = open_record::<AssessmentPredicate>(registry, file, &assessors(config))?;
    let p = statement.predicate;
    if statement.subject.len() != 1
        || statement.subject[0].name != p.path
        || statement.subject[0].digest.get("sha256") != Some(&p.content_sha256)
    {
        return Err("subject does not match the predicate".into());
    }
    Ok(p)
}
