//! `qualify render PKG`: renders a package's report again, as it stands now.
//!
//! Into the package (`renditions/`), the files and their `rendered` trail entries are one package
//! transaction (src/txn): after a crash the next command finds them all or none. With `--out`,
//! or for a package made before the audit trail existed, the files are written atomically one by
//! one (nothing else refers to them).

use qualify_evidence::layout::RESULTS_FILE;
use std::path::{Path, PathBuf};

use super::args::RenderArgs;
use super::output::emit;
use super::output_error::OutputError;
use crate::audit::{Actor, AuditAction, AuditTrail, NewEntry, TRAIL_FILE};
use crate::config::Config;
use crate::errors::Error;
use crate::evidence::{Manifest, ci_variables, sha256_hex};
use crate::exit_code;
use crate::render::{RENDITIONS_DIR, RenditionKind, Renditions, render_package, write_renditions};
use crate::txn::{PackageLock, Plan, PlannedFile, apply, recover};

/// Renders the package named in `args`; prints where the files went.
pub fn render(config: Option<&Config>, args: &RenderArgs) -> Result<i32, Error> {
    // A trial has its HTML report already and no PDF, on purpose: no printable copy of it may
    // pass for evidence.
    if let Some(refusal) = crate::evidence::refuse_trial(&args.package, &args.package) {
        return Err(Error::Usage(refusal));
    }
    if !args.package.join(RESULTS_FILE).is_file() {
        return Err(Error::Usage(format!(
            "{} is not an evidence package (it has no results.json)",
            args.package.display()
        )));
    }
    let kind = if args.sealed {
        RenditionKind::Sealed
    } else {
        RenditionKind::Current
    };
    let template: Option<PathBuf> = args
        .template
        .clone()
        .or_else(|| config.and_then(|c| c.report_template.clone()));
    // The sealed rendition is reproduced with the template the package keeps, so that it can be
    // compared with the one inside; a later rendition may use the project's current template.
    let template = if args.sealed { None } else { template };
    let evidence = |e: crate::render::RenderError| Error::from(OutputError::Render(e));
    let written = match &args.out {
        Some(out) => {
            let renditions =
                render_package(&args.package, kind, template.as_deref()).map_err(evidence)?;
            write_renditions(out, &renditions).map_err(evidence)?
        }
        None => {
            // Never through a symlinked renditions/ (or one that is not a folder).
            crate::verify::check_rendition_target(&args.package).map_err(Error::Usage)?;
            // Locked and recovered before reading, so the rendition shows a whole package.
            let lock = lock_package(&args.package)?;
            let renditions =
                render_package(&args.package, kind, template.as_deref()).map_err(evidence)?;
            match lock {
                Some(lock) if args.package.join(TRAIL_FILE).is_file() => {
                    commit_rendering(&lock, &renditions)?
                }
                _ => write_renditions(&args.package.join(RENDITIONS_DIR), &renditions)
                    .map_err(evidence)?,
            }
        }
    };
    let files: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    let report = serde_json::json!({
        "schema": "qualify.render/v1",
        "package": args.package.display().to_string(),
        "files": files,
    });
    emit(&mut std::io::stdout().lock(), args.format, &report, |o| {
        files.iter().try_for_each(|f| writeln!(o, "{f}"))
    })?;
    Ok(exit_code::SUCCESS)
}

/// Locks a sealed package and recovers what an interrupted operation left; `None` for a folder
/// without a manifest (nothing to lock, nothing recorded).
fn lock_package(package: &Path) -> Result<Option<PackageLock>, Error> {
    if !package.join(crate::evidence::MANIFEST_FILE).is_file() {
        return Ok(None);
    }
    let txn = |e: crate::txn::TxnError| Error::from(OutputError::Transaction(e));
    let lock = PackageLock::acquire(package).map_err(txn)?;
    recover(&lock, "render").map_err(txn)?;
    Ok(Some(lock))
}

/// The renditions into `renditions/` and one `rendered` trail entry per file, committed together.
fn commit_rendering(lock: &PackageLock, renditions: &Renditions) -> Result<Vec<PathBuf>, Error> {
    let package = lock.dir();
    let manifest = Manifest::load(package).map_err(OutputError::Manifest)?;
    let trail_path = package.join(TRAIL_FILE);
    let mut trail = AuditTrail::read(package, &manifest.package_id)
        .map_err(OutputError::Trail)?
        .ok_or(OutputError::TrailMissing)?;
    let ci = ci_variables(std::env::vars());
    let who = Actor::os_user(crate::evidence::current_user().as_deref(), &ci);
    let at = crate::utc::now_string();
    let (mut files, mut entries, mut bytes) = (Vec::new(), Vec::new(), Vec::new());
    for (name, content) in renditions.files() {
        let rel = format!("{RENDITIONS_DIR}/{name}");
        let entry = NewEntry {
            at: at.clone(),
            action: AuditAction::Rendered,
            who: who.clone(),
            what: format!("rendered {rel}"),
            why: "report rendition of the package as it stands".into(),
            subject: rel.clone(),
            sha256: Some(sha256_hex(content)),
        };
        let (next, _, sha) = trail
            .appended(&trail_path, entry)
            .map_err(OutputError::Trail)?;
        trail = AuditTrail::parse(&manifest.package_id, &next);
        bytes = next;
        entries.push(sha);
        files.push(PlannedFile {
            path: rel,
            bytes: content.to_vec(),
        });
    }
    let written = files.iter().map(|f| package.join(&f.path)).collect();
    apply(
        lock,
        Plan {
            operation: "render".into(),
            request: "render".into(),
            key_id: None,
            trail_bytes: bytes,
            trail_entries: entries,
            files,
        },
    )
    .map_err(OutputError::Transaction)?;
    Ok(written)
}
