//! `qualify render PKG`: renders a package's report again, as it stands now.

use std::path::PathBuf;

use super::args::RenderArgs;
use crate::config::Config;
use crate::errors::Error;
use crate::exit_code;
use crate::render::{RENDITIONS_DIR, RenditionKind, render_package, write_renditions};

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
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.package.join(RENDITIONS_DIR));
    let written = write_renditions(&out, &renditions).map_err(|e| Error::Evidence(e.chain()))?;
    for path in written {
        println!("{}", path.display());
    }
    Ok(exit_code::SUCCESS)
}
