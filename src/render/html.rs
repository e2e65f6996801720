//! The HTML rendition: [`Report`] through a tera template, as one self-contained file.

use std::path::Path;

use tera::{Context, Tera};

use super::error::RenderError;
use super::model::Report;

/// The built-in template, `templates/report.html.tera`.
pub const DEFAULT_TEMPLATE: &str = include_str!("../../templates/report.html.tera");

/// Renders `report` with the template at `template`, or the built-in one. The template sees the
/// report's fields at the top level (see `docs/reports.md`). Names ending in `.html` are
/// autoescaped by tera, so values never inject markup.
pub fn render_html(report: &Report, template: Option<&Path>) -> Result<String, RenderError> {
    let (name, source) = match template {
        Some(path) => (
            path.display().to_string(),
            std::fs::read_to_string(path).map_err(|source| RenderError::Read {
                path: path.to_path_buf(),
                source,
            })?,
        ),
        None => ("built-in".to_string(), DEFAULT_TEMPLATE.to_string()),
    };
    let fail = |source| RenderError::Template {
        name: name.clone(),
        source,
    };
    let mut tera = Tera::new();
    tera.add_raw_template("report.html", &source)
        .map_err(fail)?;
    let context = Context::from_serialize(report).map_err(fail)?;
    tera.render("report.html", &context).map_err(fail)
}
