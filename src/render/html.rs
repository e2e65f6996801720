//! The HTML rendition: [`Report`] through a tera template, as one self-contained file.

use std::path::Path;

use super::error::RenderError;
use super::model::Report;
use super::template::{TemplateSource, render_with};

/// The built-in template, `templates/report.html.tera`.
pub const DEFAULT_TEMPLATE: &str = include_str!("../../templates/report.html.tera");

/// Renders `report` with the template at `template`, or the built-in one. The template sees the
/// report's fields at the top level (see `docs/reports.md`). Names ending in `.html` are
/// autoescaped by tera, so values never inject markup.
pub fn render_html(report: &Report, template: Option<&Path>) -> Result<String, RenderError> {
    let (from, source) = match template {
        Some(path) => (
            TemplateSource::File(path.to_path_buf()),
            std::fs::read_to_string(path).map_err(|source| RenderError::Read {
                path: path.to_path_buf(),
                source,
            })?,
        ),
        None => (TemplateSource::BuiltIn, DEFAULT_TEMPLATE.to_string()),
    };
    Ok(render_with(from, &source, report)?)
}
