//! Where each file lives inside a package: the names every reader and writer agree on.
//!
//! A package is a folder named by its package id (`<UTC>-<stage>-<short commit>`), holding:
//!
//! ```text
//! manifest.json                 Manifest: every other sealed file with SHA-256 and size
//! results.json                  RunResults: what the campaign did, step by step
//! environment.json              Environment: tool digest, host, CI, adapters, config files
//! git.json                      GitInfo: the revision the campaign ran on
//! project.json                  the project's name and workflow at run time
//! impact.json, impact.md        the impact assessment of an impact-based run
//! junit.xml, cucumber.json      CI renditions of results.json
//! report.html, report.pdf       the sealed rendition of the report
//! report-template.html.tera     the project's own report template, when it has one
//! deviations/deviations.json    DeviationRegister: one deviation per failed step
//! attachments/<scenario>/…      files backing steps (requests, responses, logs)
//! ── written after sealing, not in the manifest ──
//! audit/trail.jsonl             AuditEntry lines, hash-chained
//! signatures/NN-<meaning>-<signer>.dsse.json   Envelope of a signature Statement
//! deviations/closures/<DEV-ID>.dsse.json       Envelope of a closure Statement
//! renditions/report.html|pdf    later renditions made by `qualify render`
//! .pending/                     an operation in progress (sign, close, render)
//! ```
//!
//! A folder whose name starts with [`STAGING_PREFIX`] is a package being written, never a
//! complete one.

/// The manifest at the package root.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The results of the run.
pub const RESULTS_FILE: &str = "results.json";
/// Where and with what the run ran.
pub const ENVIRONMENT_FILE: &str = "environment.json";
/// The git revision of the run.
pub const GIT_FILE: &str = "git.json";
/// The project record (name, workflow) at run time.
pub const PROJECT_FILE: &str = "project.json";
/// The impact assessment, when the run made one.
pub const IMPACT_FILE: &str = "impact.json";
/// The impact assessment as Markdown, next to [`IMPACT_FILE`].
pub const IMPACT_MD_FILE: &str = "impact.md";
/// JUnit XML rendition of the results.
pub const JUNIT_FILE: &str = "junit.xml";
/// Cucumber JSON rendition of the results.
pub const CUCUMBER_FILE: &str = "cucumber.json";
/// Cucumber JSON in the cucumber-jvm flavour (its tag shape differs from cucumber-ruby's).
pub const CUCUMBER_JVM_FILE: &str = "cucumber-jvm.json";
/// The run as Cucumber Messages (NDJSON, one envelope per line).
pub const MESSAGES_FILE: &str = "messages.ndjson";
/// The sealed HTML report.
pub const REPORT_HTML: &str = "report.html";
/// The sealed PDF report.
pub const REPORT_PDF: &str = "report.pdf";
/// Files that are renditions of the report itself: never part of the content digest, since a
/// report cannot contain its own digest.
pub const REPORT_FILES: [&str; 2] = [REPORT_HTML, REPORT_PDF];
/// The project's HTML template kept in the package, so that it re-renders without the project.
pub const PACKAGE_TEMPLATE: &str = "report-template.html.tera";
/// Folder, outside the manifest, that later renditions are written to.
pub const RENDITIONS_DIR: &str = "renditions";
/// Folder of the files backing steps.
pub const ATTACHMENTS_DIR: &str = "attachments";
/// The audit trail (appended to after sealing).
pub const TRAIL_FILE: &str = "audit/trail.jsonl";
/// The deviation register (sealed).
pub const DEVIATIONS_FILE: &str = "deviations/deviations.json";
/// Folder of deviation closure envelopes (written after sealing).
pub const CLOSURES_DIR: &str = "deviations/closures";
/// Folder of signature envelopes (written after sealing).
pub const SIGNATURES_DIR: &str = "signatures";
/// File name ending of every DSSE envelope.
pub const ENVELOPE_SUFFIX: &str = ".dsse.json";
/// Folder of a package where an operation stages what it adds, until it is complete.
pub const PENDING_DIR: &str = ".pending";
/// Name prefix of staging folders: a folder with this prefix is never a complete package.
pub const STAGING_PREFIX: &str = ".staging-";

/// The files `qualify run` seals into every package, whatever its scenarios (besides
/// attachments, and `impact.json`/`impact.md` of impact-based runs and the project's template).
pub const SEALED_FILES: [&str; 11] = [
    RESULTS_FILE,
    ENVIRONMENT_FILE,
    GIT_FILE,
    PROJECT_FILE,
    JUNIT_FILE,
    CUCUMBER_FILE,
    CUCUMBER_JVM_FILE,
    MESSAGES_FILE,
    DEVIATIONS_FILE,
    REPORT_HTML,
    REPORT_PDF,
];

/// Path of the closure envelope of a deviation (`deviations/closures/DEV-001.dsse.json`).
pub fn closure_path(id: &str) -> String {
    format!("{CLOSURES_DIR}/{id}{ENVELOPE_SUFFIX}")
}

/// Package-relative path of an attachment (`attachments/<relative>`).
pub fn attachment_path(relative: &str) -> String {
    format!("{ATTACHMENTS_DIR}/{relative}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_paths() {
        assert_eq!(
            closure_path("DEV-001"),
            "deviations/closures/DEV-001.dsse.json"
        );
        assert_eq!(
            attachment_path("s-3/sut.jsonl"),
            "attachments/s-3/sut.jsonl"
        );
        assert!(CLOSURES_DIR.starts_with("deviations/"));
    }
}
