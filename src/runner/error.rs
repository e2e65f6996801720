//! Why a campaign could not produce its package: each variant keeps the underlying error as its
//! `source()`, so `qualify run` prints the whole chain (which file, then the OS's reason).

use std::path::PathBuf;

use crate::evidence::PackageError;
use crate::render::RenderError;

/// A campaign failed for a reason that is not a test failure (those go into the package).
#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    /// The package's staging folder could not be made (evidence folder not writable, ...).
    #[error("cannot create the evidence package")]
    Create(#[source] PackageError),
    /// A file of the package could not be written, or the package could not be sealed.
    #[error("cannot write the evidence package")]
    Write(#[source] PackageError),
    /// The project's report template (qualify.yaml `report.template`) could not be read.
    #[error("cannot read the report template {}", path.display())]
    Template {
        /// The template file.
        path: PathBuf,
        /// The OS's reason.
        #[source]
        source: std::io::Error,
    },
    /// The project's report template cannot be used (checked before anything runs).
    #[error(transparent)]
    BadTemplate(#[from] crate::render::TemplateCheckError),
    /// The sealed renditions (report.html, report.pdf) could not be rendered.
    #[error("cannot render the report of the evidence package")]
    Render(#[source] RenderError),
    /// The adapters' scratch folder could not be made.
    #[error("cannot create a scratch folder")]
    Scratch(#[source] std::io::Error),
    /// The async runtime that drives the adapters could not start.
    #[error("cannot start the async runtime")]
    Runtime(#[source] std::io::Error),
}

impl CampaignError {
    /// 2 for the project's report template (unreadable, or it does not compile or render: a
    /// configuration error), else 5: the environment or a bug.
    pub fn exit_code(&self) -> i32 {
        match self {
            CampaignError::BadTemplate(_) | CampaignError::Template { .. } => {
                crate::exit_code::INPUT_ERROR
            }
            CampaignError::Render(e) => e.exit_code(),
            _ => crate::exit_code::INTERNAL_ERROR,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::Error;

    #[test]
    fn the_os_reason_stays_in_the_chain() {
        let cause = std::io::Error::new(std::io::ErrorKind::StorageFull, "disk full");
        let package = PackageError::Write {
            path: PathBuf::from("/evidence/.staging-x/results.json"),
            source: cause,
        };
        let err = Error::from(CampaignError::Write(package));
        assert_eq!(err.exit_code(), crate::exit_code::INTERNAL_ERROR);
        assert_eq!(
            err.report(),
            "error: cannot write the evidence package\n  caused by: cannot write \
             /evidence/.staging-x/results.json\n  caused by: disk full"
        );
    }
}
