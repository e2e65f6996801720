//! `qualify render PKG`: renders a package's report again, as it stands now.

use std::path::{Path, PathBuf};

use super::args::RenderArgs;
use crate::audit::{Actor, AuditAction, NewEntry, TRAIL_FILE, append_entry};
use crate::config::Config;
use crate::errors::Error;
use crate::evidence::{Manifest, ci_variables, sha256_file};
use crate::exit_code;
use crate::render::{RENDITIONS_DIR, RenditionKind, render_package, write_renditions};

/// Records in the package's audit trail that renditions were written into it (when the package
/// has a trail: packages made before the audit trail existed are rendered without one).
fn record_rendering(package: &Path, written: &[PathBuf]) -> Result<(), Error> {
    let Ok(manifest) = Manifest::load(package) else {
        return Ok(());
    };
    if !package.join(TRAIL_FILE).is_file() {
        return Ok(());
    }
    let ci = ci_variables(std::env::vars());
    let user = crate::evidence::current_user();
    for path in written {
        let rel = path
            .strip_prefix(package)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| path.display().to_string());
        let sha256 = sha256_file(path).ok().map(|(d, _)| d);
        let entry = NewEntry {
            at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            action: AuditAction::Rendered,
            who: Actor::os_user(user.as_deref(), &ci),
            what: format!("rendered {rel}"),
            why: "report rendition of the package as it stands".into(),
            subject: rel,
            sha256,
        };
        append_entry(package, &manifest.package_id, entry).map_err(|e| {
            Error::Evidence(format!(
                "cannot record the rendering in the audit trail: {e}"
            ))
        })?;
    }
    Ok(())
}

/// Renders the package named in `args`; prints where the files went.
pub fn render(config: Option<&Config>, args: &RenderArgs) -> Result<i32, Error> {
    if !args.package.join("results.json").is_file() {
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
    let renditions = render_package(&args.package, kind, template.as_deref())
        .map_err(|e| Error::Evidence(e.chain()))?;
    if args.out.is_none() {
        crate::verify::check_rendition_target(&args.package).map_err(Error::Usage)?;
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.package.join(RENDITIONS_DIR));
    let written = write_renditions(&out, &renditions).map_err(|e| Error::Evidence(e.chain()))?;
    for path in &written {
        println!("{}", path.display());
    }
    if args.out.is_none() {
        record_rendering(&args.package, &written)?;
    }
    Ok(exit_code::SUCCESS)
}
