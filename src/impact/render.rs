//! The readable rendering of an assessment, through `templates/impact.md.tera`.

use std::path::Path;

use super::assessment::ImpactAssessment;

/// The template shipped with qualify, used when the project has none of its own.
const BUILTIN: &str = include_str!("../../templates/impact.md.tera");

/// Renders `assessment` as Markdown, with the project's `templates/impact.md.tera` when it has
/// one, else the built-in template.
pub fn markdown(assessment: &ImpactAssessment, project_dir: &Path) -> Result<String, String> {
    let custom = project_dir.join("templates/impact.md.tera");
    let (name, text) = match std::fs::read_to_string(&custom) {
        Ok(text) => (custom.display().to_string(), text),
        Err(_) => ("impact.md.tera (built in)".to_string(), BUILTIN.to_string()),
    };
    let mut tera = tera::Tera::new();
    tera.add_raw_template("impact.md", &text)
        .map_err(|e| format!("{name}: {e}"))?;
    let context = tera::Context::from_serialize(assessment).map_err(|e| e.to_string())?;
    tera.render("impact.md", &context)
        .map_err(|e| format!("{name}: {e}"))
}
