//! `qualify merge SHARD... [--out DIR]`: the shard packages of one sharded campaign, each
//! verified as `qualify verify --repo <project folder> SHARD` would, checked as one campaign,
//! and sealed as one package (src/shard/merge, docs/sharding.md).

use std::path::{Path, PathBuf};

use super::args::{Format, MergeArgs, VerifyArgs};
use super::verify::verification;
use crate::config::Config;
use crate::errors::Error;
use crate::exit_code;
use crate::shard::merge::{MergeError, ShardPackage, check_shards, seal_merged};
use crate::verify::{DEFAULT_MAX_SKEW_SECONDS, Severity};

/// Merges; prints the merged package; returns 0 when every scenario of the campaign passed, 1
/// when any failed (as `qualify run` would have).
pub fn merge(config: &Config, args: &MergeArgs) -> Result<i32, Error> {
    let dirs: Vec<PathBuf> = args
        .shards
        .iter()
        .map(|d| super::key_input::package_dir(d))
        .collect::<Result<_, _>>()?;
    for dir in &dirs {
        verify_shard(config, dir)?;
    }
    let shards = dirs
        .iter()
        .map(|d| ShardPackage::read(d))
        .collect::<Result<Vec<_>, _>>()?;
    let shards = check_shards(shards)?;
    let out = match &args.out {
        Some(dir) => super::key_input::absolute(dir),
        None => config.evidence.clone(),
    };
    let merged = seal_merged(config, &shards, &out)?;
    crate::anchor::anchor_seal(&config.dir, &merged.sealed.path);
    let s = &merged.results.summary;
    crate::outln!(
        "merged {} shard packages into {}",
        shards.len(),
        merged.sealed.path.display()
    );
    for shard in &merged.results.merged_from {
        crate::outln!(
            "  shard {}/{}: {} (manifest SHA-256 {})",
            shard.index,
            shards.len(),
            shard.package_id,
            shard.manifest_sha256
        );
    }
    crate::outln!(
        "{} scenarios: {} passed, {} failed; manifest SHA-256 {}",
        s.scenarios,
        s.scenarios_passed,
        s.scenarios_failed,
        merged.sealed.manifest_sha256
    );
    Ok(match s.scenarios_failed {
        0 => exit_code::SUCCESS,
        _ => exit_code::SCENARIOS_FAILED,
    })
}

/// Refuses a shard that does not verify, with its error findings. The trust choice is
/// `qualify verify`'s default, with the project's repository named: the signers registry and
/// workflow committed at the shard's commit (revocations at HEAD), the commit check and the
/// ledger of that repository; never a file of the working tree, which a shard made in CI at a
/// committed revision need not match (and a project whose shards are unsigned need not have).
fn verify_shard(config: &Config, dir: &Path) -> Result<(), Error> {
    let args = VerifyArgs {
        package: dir.to_path_buf(),
        signers: None,
        repo: Some(config.dir.clone()),
        max_clock_skew: DEFAULT_MAX_SKEW_SECONDS,
        tsa_ca: None,
        require_tsa: false,
        format: Format::Human,
    };
    let report = verification(None, &args)?.report;
    if report.verified {
        return Ok(());
    }
    let findings: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| format!("{}: {}", f.subject, f.message))
        .collect();
    Err(MergeError::FailsVerification {
        shard: dir.to_path_buf(),
        findings: findings.join("; "),
    }
    .into())
}
