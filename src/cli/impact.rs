//! `qualify impact`: what a change touches and what must be re-tested; signed human assessments.

use qualify_evidence::layout::{IMPACT_FILE, IMPACT_MD_FILE};
use std::io::Write;

use super::args::{Format, ImpactArgs};
use super::key_input::{load_registry, read_key, registry_path};
use super::output_error::OutputError;
use super::select::parse_stage;
use crate::config::Config;
use crate::errors::Error;
use crate::exit_code;
use crate::impact::{
    assess_project, latest_approved, latest_approved_at_or_before_head, markdown, record,
};

/// Writes the assessment (after recording a human assessment when asked); returns the exit code.
pub fn impact(config: &Config, args: &ImpactArgs, out: &mut dyn Write) -> Result<i32, Error> {
    let baseline = resolve_baseline(config, args.baseline.as_deref(), args.stage.as_deref())?;
    let (mut assessment, _plan) = assess_project(config, &baseline, &config.evidence)?;
    if let (Some(path), Some(rationale), Some(key_path)) =
        (&args.assess, &args.rationale, &args.key)
    {
        if !assessment.unclaimed_paths.contains(path) {
            return Err(Error::Usage(format!(
                "--assess {path}: not a changed path that no component claims (those are: {}); claimed paths are assessed by their component's risk rule",
                if assessment.unclaimed_paths.is_empty() {
                    "none".into()
                } else {
                    assessment.unclaimed_paths.join(", ")
                }
            )));
        }
        let registry = load_registry(&registry_path(config, args.signers.as_deref()))?;
        let key = read_key(key_path)?;
        let file = record(
            config,
            &registry,
            &key,
            args.role.as_deref(),
            path,
            rationale,
            &assessment.revisions,
        )?;
        eprintln!(
            "assessment of {path} recorded in {}; commit it with the change",
            config.relative(&file)
        );
        assessment = assess_project(config, &baseline, &config.evidence)?.0;
    }
    let json = serde_json::to_string_pretty(&assessment)
        .map_err(|e| Error::Internal(format!("cannot serialise the assessment: {e}")))?;
    let md = markdown(&assessment, &config.dir)
        .map_err(|e| Error::Usage(format!("impact template: {e}")))?;
    if let Some(dir) = &args.out {
        crate::fsio::create_dir_durable(dir)
            .and_then(|_| crate::fsio::write_atomic(&dir.join(IMPACT_FILE), json.as_bytes()))
            .and_then(|_| crate::fsio::write_atomic(&dir.join(IMPACT_MD_FILE), md.as_bytes()))
            .map_err(|source| OutputError::ImpactWrite {
                dir: dir.clone(),
                source,
            })?;
    }
    let text = match args.format {
        Format::Json => json,
        Format::Human => md,
    };
    match writeln!(out, "{text}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(Error::Internal(format!("cannot write the assessment: {e}")));
        }
        _ => {}
    }
    Ok(exit_code::SUCCESS)
}

/// The baseline given, else the newest approved one of the stage.
pub fn resolve_baseline(
    config: &Config,
    given: Option<&str>,
    stage: Option<&str>,
) -> Result<String, Error> {
    if let Some(rev) = given {
        return Ok(rev.to_string());
    }
    let stage = parse_stage(stage)?.map(|s| s.to_string());
    // Like the gate: the change since the previous approval. Only when there is none does an
    // approval of HEAD itself serve (right after the first approval), so that `impact` and
    // `impact --assess` never assess against another baseline than the gate's.
    let strict = latest_approved(&config.dir, stage.as_deref()).map_err(Error::Usage)?;
    let found = match strict {
        Some(b) => Some((b, false)),
        None => latest_approved_at_or_before_head(&config.dir, stage.as_deref())
            .map_err(Error::Usage)?
            .map(|b| (b, true)),
    };
    match found {
        Some((b, on_head)) => {
            let short = &b.commit[..b.commit.len().min(12)];
            let note = if on_head {
                " — HEAD itself, the first approval: the working tree is compared with it"
            } else {
                ""
            };
            eprintln!("baseline: {} ({short}){note}", b.tag);
            Ok(b.commit)
        }
        None => Err(Error::Usage(format!(
            "no approved baseline: no tag {}/{}/… on HEAD or an ancestor of it. Give --baseline REV, or approve a package first (`qualify sign PKG --meaning approved` tags its commit); in CI fetch the tags (fetch-depth: 0)",
            crate::impact::APPROVED_PREFIX,
            stage.as_deref().unwrap_or("<stage>")
        ))),
    }
}
