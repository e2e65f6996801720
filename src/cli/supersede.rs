//! `qualify supersede OLD --by NEW --reason TEXT --key KEY`: a signed record that disposes of a
//! failed package of a revision in favour of another.

use super::args::SupersedeArgs;
use super::key_input::{load_registry, package_dir, read_key, registry_path};
use crate::config::Config;
use crate::errors::Error;
use crate::exit_code;
use crate::gate::{PackageFacts, record_supersession};
use crate::sign::Registry;
use crate::verify::{Severity, VerifyOptions, verify_package};

/// Records the supersession; returns the exit code.
pub fn supersede(config: &Config, args: &SupersedeArgs) -> Result<i32, Error> {
    let old_dir = package_dir(&args.package)?;
    let new_dir = package_dir(&args.by)?;
    let facts = |dir: &std::path::Path| {
        PackageFacts::read(dir).ok_or_else(|| {
            Error::Usage(format!(
                "{}: not an evidence package (no readable manifest.json)",
                dir.display()
            ))
        })
    };
    let (old, new) = (facts(&old_dir)?, facts(&new_dir)?);
    let registry = load_registry(&registry_path(config, args.key.signers.as_deref()))?;
    check_replacement_verifies(config, &registry, &new_dir)?;
    let key = read_key(&args.key.key)?;
    complete_interrupted(config, &old.id)?;
    let file = record_supersession(
        config,
        &registry,
        &key,
        args.key.role.as_deref(),
        &old,
        &new,
        &args.reason,
    )?;
    eprintln!(
        "{} superseded by {}: recorded in {}; commit it (git add {} && git commit)",
        old.id,
        new.id,
        config.relative(&file),
        config.relative(&file)
    );
    Ok(exit_code::SUCCESS)
}

/// Writes back a record of `package_id` that the ledger anchors but the supersessions folder
/// lacks: a supersede interrupted after its commit point (the ledger append) is completed, never
/// made twice.
fn complete_interrupted(config: &Config, package_id: &str) -> Result<(), Error> {
    let outcome = crate::anchor::restore_supersessions(&config.dir, Some(package_id))
        .map_err(crate::sign::SignError::from)?;
    for path in &outcome.restored {
        eprintln!(
            "restored {path} from the ledger {} (an interrupted supersede); commit it",
            crate::anchor::LEDGER_REF
        );
    }
    for why in &outcome.not_restorable {
        eprintln!("warning: {why}");
    }
    Ok(())
}

/// A replacement that does not verify replaces nothing.
fn check_replacement_verifies(
    config: &Config,
    registry: &Registry,
    dir: &std::path::Path,
) -> Result<(), Error> {
    let verification = verify_package(
        dir,
        &VerifyOptions {
            trust: &crate::verify::TrustAnchor::loaded(registry, "the project's registry"),
            workflow: &config.workflow,
            workflow_source: "qualify.yaml of the project",
            repo_dir: Some(config.dir.clone()),
            time: crate::verify::TimePolicy::now(),
        },
    );
    let errors: Vec<String> = verification
        .report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| format!("  {f}"))
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    Err(Error::Sign(crate::sign::SignError::PackageDoesNotVerify {
        message: format!(
            "the replacement {} does not verify, so it cannot supersede anything:\n{}",
            dir.display(),
            errors.join("\n")
        ),
    }))
}
