//! The renditions check: the report files a package carries must be what its content renders to.
//!
//! Rendering is reproducible (docs/reports.md), so the check renders again and compares bytes
//! (the sealed files by their manifest digest, which the integrity check has just matched).
//! The sealed `report.html` / `report.pdf` are content: a difference is an error.
//!
//! `renditions/` is outside the manifest but not outside verification: `qualify render` records
//! each file it writes there, with its SHA-256, in a `rendered` entry of the hash-chained audit
//! trail. So every file in `renditions/` must be `report.html` or `report.pdf`, a regular file,
//! and have the digest of its last `rendered` entry: anything else (planted, swapped, altered,
//! linked) is an error naming the file. A rendition that matches its entry but no longer what the
//! package renders to is out of date when something was recorded after its rendering (a later
//! signature), which is a warning; when nothing was, the PDF (whose layout no template changes)
//! must render identically, so a difference is an error.

use qualify_evidence::layout::REPORT_PDF;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::contents::PackageContents;
use super::finding::{Check, Finding};
use super::safe_read::{MAX_METADATA_BYTES, open_regular};
use crate::audit::AuditAction;
use crate::evidence::sha256_hex;
use crate::render::{RENDITIONS_DIR, REPORT_FILES, RenditionKind, render_package};

/// Findings about the package's renditions.
pub fn check_renditions(contents: &PackageContents) -> Vec<Finding> {
    let mut findings = check_sealed(contents);
    let recorded = recorded_renditions(contents, &mut findings);
    if recorded.is_empty() {
        return findings;
    }
    // Rendering reads the package's files: only once they are known to be the sealed ones.
    if !contents.integrity.is_empty() {
        findings.push(Finding::warning(
            Check::Rendition,
            RENDITIONS_DIR,
            "not rendered again to compare: the package's files do not match its manifest",
        ));
        return findings;
    }
    match render_package(&contents.dir, RenditionKind::Current, None) {
        Err(e) => findings.push(Finding::warning(
            Check::Rendition,
            RENDITIONS_DIR,
            format!("cannot render the package again to compare: {}", e.chain()),
        )),
        Ok(r) => {
            for (path, bytes, later) in recorded {
                let pdf = path.ends_with(".pdf");
                let expected = if pdf { &r.pdf } else { &r.html };
                if &bytes == expected {
                    continue;
                }
                findings.push(if later || !pdf {
                    Finding::warning(
                        Check::Rendition,
                        path,
                        "does not show the package as it stands (made before a later signature, with another template, or altered); `qualify render` makes it again",
                    )
                } else {
                    Finding::error(
                        Check::Rendition,
                        path,
                        "is not what the package renders to, although nothing was recorded since its rendering: it was not made by `qualify render` from this package",
                    )
                });
            }
        }
    }
    findings
}

/// The sealed report files against a fresh rendering of the sealed content.
fn check_sealed(contents: &PackageContents) -> Vec<Finding> {
    let dir = &contents.dir;
    let sealed: Vec<(&str, &str)> = REPORT_FILES
        .iter()
        .filter_map(|f| {
            let entry = contents.manifest.files.iter().find(|e| e.path == *f)?;
            Some((*f, entry.sha256.as_str()))
        })
        .collect();
    if sealed.is_empty() {
        return vec![Finding::warning(
            Check::Rendition,
            REPORT_PDF,
            "the package has no sealed report (made by a qualify without reports); `qualify render` makes one".to_string(),
        )];
    }
    if !contents.integrity.is_empty() {
        // The integrity findings already name what differs; rendering would read it.
        return Vec::new();
    }
    let rendered = match render_package(dir, RenditionKind::Sealed, None) {
        Ok(r) => r,
        Err(e) => {
            return vec![Finding::error(
                Check::Rendition,
                REPORT_PDF,
                format!("cannot render the package again to compare: {}", e.chain()),
            )];
        }
    };
    let mut findings = Vec::new();
    // The files on disk have their manifest digests (the integrity check above found nothing), so
    // comparing the fresh rendering's digest with the manifest's compares it with the file's
    // bytes, without reading the file again.
    for (name, sealed_sha256) in sealed {
        let expected = if name.ends_with(".pdf") {
            &rendered.pdf
        } else {
            &rendered.html
        };
        if sha256_hex(expected) != sealed_sha256 {
            findings.push(Finding::error(
                Check::Rendition,
                name,
                "does not match the package's content: rendering the sealed content again gives different bytes (the report was altered, or made by another qualify version)".to_string(),
            ));
        }
    }
    findings
}

/// Checks every entry of `renditions/` against the audit trail; returns those that match their
/// `rendered` entry: path, bytes, and whether anything but renderings was recorded after it.
fn recorded_renditions(
    contents: &PackageContents,
    findings: &mut Vec<Finding>,
) -> Vec<(String, Vec<u8>, bool)> {
    let mut ok = Vec::new();
    for path in &contents.renditions {
        match check_one(contents, path) {
            Ok(found) => ok.push(found),
            Err(message) => findings.push(Finding::error(Check::Rendition, path, message)),
        }
    }
    ok
}

fn check_one(contents: &PackageContents, path: &str) -> Result<(String, Vec<u8>, bool), String> {
    let full = contents.dir.join(path);
    let meta = std::fs::symlink_metadata(&full).map_err(|e| format!("cannot read it: {e}"))?;
    if meta.file_type().is_symlink() {
        return Err("is a symbolic link: renditions are regular files that `qualify render` writes; a link is never followed".into());
    }
    if path == RENDITIONS_DIR {
        return Err(
            "is not a folder: only `qualify render` writes renditions, into a folder".into(),
        );
    }
    if meta.is_dir() {
        return Err("a folder planted in renditions/: `qualify render` writes only report.html and report.pdf there".into());
    }
    let name = path.trim_start_matches(&format!("{RENDITIONS_DIR}/"));
    if !REPORT_FILES.contains(&name) {
        return Err("a file planted in renditions/: `qualify render` writes only report.html and report.pdf there".into());
    }
    let trail = contents
        .trail
        .as_ref()
        .map_err(|_| "cannot be checked: the audit trail that records renditions is unreadable")?;
    let entries: Vec<_> = trail.entries().collect();
    let Some(index) = entries
        .iter()
        .rposition(|(_, e)| e.action == AuditAction::Rendered && e.subject == path)
    else {
        return Err("no `rendered` entry of the audit trail records it: it was not written by `qualify render` (planted or forged)".into());
    };
    let (line, entry) = entries[index];
    let bytes = read_bounded(&full)?;
    let actual = hex::encode(Sha256::digest(&bytes));
    if entry.sha256.as_deref() != Some(actual.as_str()) {
        return Err(format!(
            "its SHA-256 is {actual}, but the audit trail recorded {} when it was rendered (line {}): it was altered or replaced after rendering",
            entry.sha256.as_deref().unwrap_or("none"),
            line.line
        ));
    }
    let later = entries[index + 1..]
        .iter()
        .any(|(_, e)| e.action != AuditAction::Rendered);
    Ok((path.to_string(), bytes, later))
}

/// A rendition's bytes: a regular file, at most [`MAX_METADATA_BYTES`].
fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let file = open_regular(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_METADATA_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read it: {e}"))?;
    if bytes.len() as u64 > MAX_METADATA_BYTES {
        return Err(format!(
            "is larger than the {MAX_METADATA_BYTES} bytes allowed for a rendition: not read"
        ));
    }
    Ok(bytes)
}

/// Refuses to write renditions into `package`'s `renditions/` when it, or anything in it, is not
/// what `qualify render` would have made: writing through a symlinked folder or file would put
/// bytes wherever the link points.
pub fn check_rendition_target(package: &Path) -> Result<(), String> {
    let dir = package.join(RENDITIONS_DIR);
    let meta = match std::fs::symlink_metadata(&dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("{}: {e}", dir.display())),
    };
    if !meta.is_dir() {
        return Err(format!(
            "{} is not a folder (a symbolic link or a file): refusing to write renditions through it; remove it and render again",
            dir.display()
        ));
    }
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_symlink()) {
            return Err(format!(
                "{} is a symbolic link: refusing to write renditions next to it; remove it and render again",
                entry.path().display()
            ));
        }
    }
    Ok(())
}
