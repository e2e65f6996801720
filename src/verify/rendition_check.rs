//! The renditions check: the report files a package carries must be what its content renders to.
//!
//! Rendering is reproducible (docs/reports.md), so the check renders again and compares bytes.
//! The sealed `report.html` / `report.pdf` are content: a difference is an error. Later renditions
//! in `renditions/` are derived: one made before a later signature is merely out of date, so a
//! difference there is a warning saying to render again.

use std::fs;

use super::contents::PackageContents;
use super::finding::{Check, Finding};
use crate::render::{RENDITIONS_DIR, REPORT_FILES, RenditionKind, render_package};

/// Findings about the package's renditions.
pub fn check_renditions(contents: &PackageContents) -> Vec<Finding> {
    let mut findings = Vec::new();
    let dir = &contents.dir;
    let sealed: Vec<&str> = REPORT_FILES
        .iter()
        .copied()
        .filter(|f| contents.manifest.files.iter().any(|e| e.path == *f))
        .collect();
    if sealed.is_empty() {
        findings.push(Finding::warning(
            Check::Rendition,
            "report.pdf",
            "the package has no sealed report (made by a qualify without reports); `qualify render` makes one".to_string(),
        ));
    } else {
        match render_package(dir, RenditionKind::Sealed, None) {
            Err(e) => findings.push(Finding::error(
                Check::Rendition,
                "report.pdf",
                format!("cannot render the package again to compare: {}", e.chain()),
            )),
            Ok(r) => {
                for name in sealed {
                    let expected = if name.ends_with(".pdf") {
                        &r.pdf
                    } else {
                        &r.html
                    };
                    if fs::read(dir.join(name)).ok().as_ref() != Some(expected) {
                        findings.push(Finding::error(
                            Check::Rendition,
                            name,
                            "does not match the package's content: rendering the sealed content again gives different bytes (the report was altered, or made by another qualify version)".to_string(),
                        ));
                    }
                }
            }
        }
    }
    let later: Vec<String> = REPORT_FILES
        .iter()
        .map(|f| format!("{RENDITIONS_DIR}/{f}"))
        .filter(|p| dir.join(p).is_file())
        .collect();
    if later.is_empty() {
        return findings;
    }
    match render_package(dir, RenditionKind::Current, None) {
        Err(e) => findings.push(Finding::warning(
            Check::Rendition,
            RENDITIONS_DIR,
            format!("cannot render the package again to compare: {}", e.chain()),
        )),
        Ok(r) => {
            for path in later {
                let expected = if path.ends_with(".pdf") {
                    &r.pdf
                } else {
                    &r.html
                };
                if fs::read(dir.join(&path)).ok().as_ref() != Some(expected) {
                    findings.push(Finding::warning(
                        Check::Rendition,
                        path,
                        "does not show the package as it stands (made before a later signature, with another template, or altered); `qualify render` makes it again".to_string(),
                    ));
                }
            }
        }
    }
    findings
}
