//! [`OutputError`]: why `qualify render` or `qualify impact --out` could not write what it was
//! asked to, with the cause kept as the error's source (the report prints the whole chain).

use std::io;
use std::path::PathBuf;

use qualify_evidence::layout::TRAIL_FILE;
use thiserror::Error;

use crate::audit::TrailError;
use crate::evidence::ManifestError;
use crate::render::RenderError;
use crate::txn::TxnError;

/// Writing renditions or an assessment failed.
#[derive(Debug, Error)]
pub enum OutputError {
    /// The package could not be read or rendered, or the renditions written.
    #[error("cannot render the package")]
    Render(#[source] RenderError),
    /// The package could not be locked, recovered, or the rendering committed to it.
    #[error("cannot update the package")]
    Transaction(#[source] TxnError),
    /// The package's manifest could not be read to record the rendering.
    #[error("cannot record the rendering: the manifest cannot be read")]
    Manifest(#[source] ManifestError),
    /// The audit trail could not be read or extended to record the rendering.
    #[error("cannot record the rendering in the audit trail")]
    Trail(#[source] TrailError),
    /// The package has no audit trail although it had one when checked.
    #[error("cannot record the rendering: {TRAIL_FILE} is missing")]
    TrailMissing,
    /// `qualify impact --out DIR` could not write the assessment.
    #[error("cannot write the impact assessment to {}", dir.display())]
    ImpactWrite {
        /// The output folder.
        dir: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
}

impl OutputError {
    /// 2 for a template the user supplied that does not compile or render, else 5.
    pub fn exit_code(&self) -> i32 {
        match self {
            OutputError::Render(e) => e.exit_code(),
            _ => crate::exit_code::INTERNAL_ERROR,
        }
    }
}
