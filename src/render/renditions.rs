//! Rendering a package: reading it, building the [`Report`], and writing `report.html` and
//! `report.pdf`, each written to a temporary file and renamed so it is never half-written.

use std::path::{Path, PathBuf};

use super::error::RenderError;
use super::html::render_html;
use super::model::Report;
use super::package_state::{PackageState, RenditionKind};

pub use qualify_evidence::layout::{PACKAGE_TEMPLATE, RENDITIONS_DIR};
use qualify_evidence::layout::{REPORT_HTML, REPORT_PDF};

/// The renditions of one package, in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renditions {
    /// `report.html`.
    pub html: Vec<u8>,
    /// `report.pdf`.
    pub pdf: Vec<u8>,
}

/// Renders the package at `dir` as a rendition of `kind`. The HTML template is `template` when
/// given, else the one kept in the package ([`PACKAGE_TEMPLATE`]), else the built-in one.
pub fn render_package(
    dir: &Path,
    kind: RenditionKind,
    template: Option<&Path>,
) -> Result<Renditions, RenderError> {
    let state = PackageState::read(dir, kind)?;
    let report = Report::build(&state);
    // The report holds everything the renditions show: the parsed package (results of every
    // scenario) goes before the renditions are made, which is when memory peaks.
    drop(state);
    let kept = dir.join(PACKAGE_TEMPLATE);
    let template = match template {
        Some(t) => Some(t.to_path_buf()),
        None if kept.is_file() => Some(kept),
        None => None,
    };
    // The two renditions are independent: each on its own core (the PDF is the longer one).
    let (html, pdf) = std::thread::scope(|scope| {
        let pdf = scope.spawn(|| super::pdf::render_pdf(&report));
        let html = render_html(&report, template.as_deref());
        let pdf = pdf
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (html, pdf)
    });
    Ok(Renditions {
        html: html?.into_bytes(),
        pdf: pdf?,
    })
}

/// The HTML rendition alone of the folder at `dir`: a trial run's report (a trial has no PDF, so
/// that no printable copy of it can be mistaken for evidence).
pub fn render_html_only(dir: &Path, kind: RenditionKind) -> Result<Vec<u8>, RenderError> {
    let state = PackageState::read(dir, kind)?;
    let report = Report::build(&state);
    drop(state);
    Ok(render_html(&report, None)?.into_bytes())
}

impl Renditions {
    /// The files by name: `report.html`, `report.pdf`.
    pub fn files(&self) -> [(&'static str, &[u8]); 2] {
        [(REPORT_HTML, &self.html), (REPORT_PDF, &self.pdf)]
    }
}

/// Writes the renditions into `out` (a folder outside any package) as `report.html` and
/// `report.pdf`, each atomically; returns their paths. Into a package, `qualify render` goes
/// through a package transaction instead (src/cli/render.rs), so that the files and their trail
/// entries appear together.
pub fn write_renditions(out: &Path, r: &Renditions) -> Result<Vec<PathBuf>, RenderError> {
    crate::fsio::create_dir_durable(out).map_err(|source| RenderError::Write {
        path: out.to_path_buf(),
        source,
    })?;
    let mut written = Vec::new();
    for (name, bytes) in r.files() {
        let path = out.join(name);
        crate::fsio::write_atomic(&path, bytes).map_err(|source| RenderError::Write {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}
