//! The write phase of a trial run (`qualify run --trial`, src/evidence/trial.rs): the same
//! record as a package, the trial note and an HTML report marked as a trial, moved into place
//! without a manifest, an audit trail, a deviation register or a PDF.

use std::path::PathBuf;

use super::campaign::{CampaignOptions, RunRecord};
use super::error::CampaignError;
use super::seal::write_record;
use crate::config::Config;
use crate::errors::Error;
use crate::evidence::{PackageWriter, TRIAL_NOTE, trial_note};
use crate::git::GitInfo;
use crate::render::{PROJECT_FILE, ProjectRecord, RenditionKind, render_html_only};
use qualify_evidence::layout::REPORT_HTML;

/// Writes the trial's files into `package` and moves it into place, unsealed; returns its folder.
pub(super) fn finish_trial(
    config: &Config,
    options: &CampaignOptions,
    package: PackageWriter,
    git: &GitInfo,
    record: &RunRecord,
) -> Result<PathBuf, Error> {
    let write = CampaignError::Write;
    // The note first: from the first moment the folder holds anything, it says what it is.
    let note = trial_note(package.id());
    package
        .write_with(TRIAL_NOTE, |w| w.write_all(note.as_bytes()))
        .map_err(write)?;
    write_record(config, options, &package, git, record)?;
    package
        .write_json(PROJECT_FILE, &ProjectRecord::from_config(config))
        .map_err(write)?;
    let html =
        render_html_only(package.root(), RenditionKind::Sealed).map_err(CampaignError::Render)?;
    package
        .write_with(REPORT_HTML, |w| w.write_all(&html))
        .map_err(write)?;
    Ok(package.finish_unsealed().map_err(write)?)
}
