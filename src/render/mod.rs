//! Auditor-ready renditions of an evidence package: a self-contained HTML report (tera template)
//! and a PDF/A-1b report (laid out here, printed with printpdf), both byte-for-byte reproducible
//! from the package. See `docs/reports.md`.

mod build;
mod error;
mod headline;
mod html;
mod model;
mod package_state;
mod pdf;
mod project_record;
mod renditions;
mod step_record;
mod template;

pub use error::RenderError;
pub use html::{DEFAULT_TEMPLATE, render_html};
pub use model::*;
pub use package_state::{
    CLOSURES_DIR, DEVIATIONS_FILE, IMPACT_FILE, PackageState, REPORT_FILES, RenditionKind,
    SIGNATURES_DIR, TRAIL_FILE, content_digest,
};
pub use pdf::render_pdf;
pub use project_record::{PROJECT_FILE, PROJECT_SCHEMA, ProjectRecord, RequirementRecord};
pub use renditions::{
    PACKAGE_TEMPLATE, RENDITIONS_DIR, Renditions, render_html_only, render_package,
    write_renditions,
};
pub use template::{TemplateCheckError, TemplateError, TemplateSource, check_template};
