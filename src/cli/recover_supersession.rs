//! `qualify recover PKG`, for supersessions: writes back the package's supersession records that
//! the git ledger anchors but the project's supersessions folder lacks (an interrupted
//! `qualify supersede`, or a record removed after it was anchored).

use std::path::Path;

use crate::anchor::{RestoreOutcome, restore_supersessions};
use crate::config::Config;
use crate::errors::Error;
use crate::evidence::Manifest;
use crate::sign::SignError;

/// Adds the restored (and not restorable) supersession records of `package` to `outcome`.
pub fn restore(config: &Config, package: &Path, outcome: &mut RestoreOutcome) -> Result<(), Error> {
    // A package whose manifest cannot be read has no id to look up; verify says why.
    let Ok(manifest) = Manifest::load(package) else {
        return Ok(());
    };
    let more =
        restore_supersessions(&config.dir, Some(&manifest.package_id)).map_err(SignError::from)?;
    for path in &more.restored {
        eprintln!("{path}: a supersession record anchored in the ledger; commit it");
    }
    outcome.restored.extend(more.restored);
    outcome.not_restorable.extend(more.not_restorable);
    Ok(())
}
