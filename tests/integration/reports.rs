//! Reports end to end: `qualify run` seals report.html and report.pdf into the package, the PDF is
//! PDF/A-1b (Apache PDFBox Preflight), structurally sound (`qpdf --check`), carries the expected
//! and actual values as text (`pdftotext`), and every rendering is byte-for-byte reproducible.
//!
//! The validators are system packages (see `.ci/run`); a missing one fails the test with the
//! reason rather than skipping it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::Project;
use qualify::render::{RenditionKind, render_package};

const FEATURE: &str = r##"@OQ
Feature: Fixture system
  The fixture adapter adds numbers.

  Background:
    Given the adapter "sut" is started

  @URS-001
  Scenario: Addition that holds
    When I send an "add" request to "sut" with:
      | a  | b  |
      | 20 | 22 |
    Then the response field "sum" equals 42

  @URS-002
  Scenario: Addition with a wrong expectation
    When I send an "add" request to "sut" with:
      | a    | b   |
      | 4000 | 321 |
    Then the response field "sum" equals 98765
"##;

/// A sealed package of the fixture project: one passing and one failing scenario.
pub(crate) fn package() -> (Project, PathBuf) {
    let p = Project::with_fixture_adapter().file("features/fixture.feature", FEATURE);
    p.qualify(&["run", "--progress", "quiet"]).code(1);
    let pkgs = p.packages();
    assert_eq!(pkgs.len(), 1, "{pkgs:?}");
    let pkg = pkgs[0].clone();
    (p, pkg)
}

/// `qualify render PKG --sealed --out OUT` gives exactly the package's sealed report.html and
/// report.pdf.
pub(crate) fn assert_sealed_renditions_reproduced(p: &Project, pkg: &Path, out: &Path) {
    p.qualify(&[
        "render",
        pkg.to_str().unwrap(),
        "--sealed",
        "--out",
        out.to_str().unwrap(),
    ])
    .code(0);
    for f in ["report.html", "report.pdf"] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(pkg.join(f)).unwrap(),
            "{f} is not reproduced from the package"
        );
    }
}

pub(crate) fn tool(name: &str, args: &[&str]) -> std::process::Output {
    Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("{name} is needed by this test and cannot be run ({e}); install it as .ci/run does")
    })
}

pub(crate) fn preflight_classpath() -> String {
    let jars = [
        "preflight.jar",
        "pdfbox2.jar",
        "fontbox2.jar",
        "xmpbox.jar",
        "commons-logging.jar",
        "jaxb-api.jar",
        "javax.activation.jar",
    ];
    let dir = Path::new("/usr/share/java");
    let mut paths = Vec::new();
    for jar in jars {
        let path = dir.join(jar);
        assert!(
            path.is_file(),
            "{} is missing: install libpdfbox2-java libjaxb-api-java libactivation-java (see .ci/run)",
            path.display()
        );
        paths.push(path.display().to_string());
    }
    paths.join(":")
}

#[test]
fn run_seals_renditions_that_are_pdfa_and_show_expected_and_actual_values() {
    let (_p, pkg) = package();
    let manifest = std::fs::read_to_string(pkg.join("manifest.json")).unwrap();
    for f in ["report.html", "report.pdf", "project.json"] {
        assert!(
            manifest.contains(&format!("\"{f}\"")),
            "{f} not in the manifest"
        );
    }
    let pdf = pkg.join("report.pdf");
    let pdf_arg = pdf.to_str().unwrap();

    let qpdf = tool("qpdf", &["--check", pdf_arg]);
    assert!(
        qpdf.status.success(),
        "qpdf --check failed: {}",
        String::from_utf8_lossy(&qpdf.stdout)
    );

    let cp = preflight_classpath();
    let preflight = tool(
        "java",
        &[
            "-cp",
            &cp,
            "org.apache.pdfbox.preflight.Validator_A1b",
            pdf_arg,
        ],
    );
    let out = String::from_utf8_lossy(&preflight.stdout).into_owned();
    assert!(
        preflight.status.success() && out.contains("is a valid PDF/A-1b file"),
        "PDFBox Preflight rejects the report:\n{out}{}",
        String::from_utf8_lossy(&preflight.stderr)
    );

    let text = tool("pdftotext", &["-layout", pdf_arg, "-"]);
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout);
    for needle in [
        "98765",
        "4321",
        "42",
        "Overall status: FAILED",
        "URS-003",
        "NOT COVERED",
        "Page 1 of",
    ] {
        assert!(text.contains(needle), "the PDF text lacks {needle:?}");
    }
    let package_id = pkg.file_name().unwrap().to_string_lossy().into_owned();
    let pages = text.matches(&format!("package {package_id}")).count();
    assert!(
        pages >= 2,
        "the package id is not on every page ({pages} pages)"
    );

    let html = std::fs::read_to_string(pkg.join("report.html")).unwrap();
    for needle in ["98765", "4321", "URS-003", "Overall status: FAILED"] {
        assert!(html.contains(needle), "the HTML lacks {needle:?}");
    }
    // Self-contained: no external resources.
    for external in ["<link", "src=\"http", "@import", "<script"] {
        assert!(!html.contains(external), "the HTML loads {external}");
    }
}

#[test]
fn renditions_are_reproducible_byte_for_byte() {
    let (p, pkg) = package();
    let pkg_arg = pkg.to_str().unwrap();
    // The sealed rendition is reproduced exactly from the sealed package.
    let out1 = p.path().join("again1");
    assert_sealed_renditions_reproduced(&p, &pkg, &out1);
    // Twice in one process too (printpdf's ids come from a process-wide counter).
    let a = render_package(&pkg, RenditionKind::Sealed, None).unwrap();
    let b = render_package(&pkg, RenditionKind::Sealed, None).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.pdf, std::fs::read(pkg.join("report.pdf")).unwrap());
    // A current rendition, twice: the same bytes, the manifest digest, outside the manifest.
    p.qualify(&["render", pkg_arg]).code(0);
    let first_pdf = std::fs::read(pkg.join("renditions/report.pdf")).unwrap();
    let first_html = std::fs::read(pkg.join("renditions/report.html")).unwrap();
    p.qualify(&["render", pkg_arg]).code(0);
    assert_eq!(
        first_pdf,
        std::fs::read(pkg.join("renditions/report.pdf")).unwrap()
    );
    assert_eq!(
        first_html,
        std::fs::read(pkg.join("renditions/report.html")).unwrap()
    );
    let manifest = std::fs::read(pkg.join("manifest.json")).unwrap();
    let digest = qualify::evidence::sha256_hex(&manifest);
    let html = String::from_utf8(first_html).unwrap();
    assert!(
        html.contains(&digest),
        "the current rendition does not show the manifest digest"
    );
    assert!(html.contains("No signature in this package yet"));
}

#[test]
fn a_project_template_is_used_and_kept_in_the_package() {
    let p = Project::with_fixture_adapter()
        .file("features/fixture.feature", FEATURE)
        .file(
            "report.html.tera",
            "<html><body>Custom report for {{ package_id }}: {{ status }}</body></html>",
        );
    let yaml = std::fs::read_to_string(p.path().join("qualify.yaml")).unwrap();
    let p = p.file(
        "qualify.yaml",
        &format!("{yaml}report:\n  template: report.html.tera\n"),
    );
    p.qualify(&["run", "--progress", "quiet"]).code(1);
    let pkg = p.packages().remove(0);
    let html = std::fs::read_to_string(pkg.join("report.html")).unwrap();
    assert!(html.starts_with("<html><body>Custom report for "), "{html}");
    assert!(html.contains(": FAILED</body>"), "{html}");
    assert!(pkg.join(qualify::render::PACKAGE_TEMPLATE).is_file());
}

#[test]
fn render_refuses_a_folder_that_is_not_a_package() {
    let p = Project::new();
    let run = p.qualify(&["render", "."]).code(2);
    assert!(
        run.stderr.contains("not an evidence package"),
        "{}",
        run.stderr
    );
}

#[test]
fn verify_rejects_a_sealed_report_that_does_not_render_from_the_content() {
    let (p, pkg) = package();
    // Alter the report and make the manifest agree, as a forger who controls the files would:
    // only rendering the content again shows that the report misstates it.
    let html = pkg.join("report.html");
    let text = std::fs::read_to_string(&html)
        .unwrap()
        .replace("Overall status: FAILED", "Overall status: PASSED");
    std::fs::write(&html, &text).unwrap();
    let manifest_path = pkg.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    for entry in manifest["files"].as_array_mut().unwrap() {
        if entry["path"] == "report.html" {
            entry["sha256"] = qualify::evidence::sha256_hex(text.as_bytes()).into();
            entry["size"] = text.len().into();
        }
    }
    std::fs::write(
        &manifest_path,
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
    let run = p.qualify(&["verify", pkg.to_str().unwrap()]);
    let out = format!("{}{}", run.stdout, run.stderr);
    assert_eq!(run.output.status.code(), Some(3), "{out}");
    assert!(
        out.contains("report.html") && out.contains("does not match the package's content"),
        "{out}"
    );
    assert!(!out.contains("report.pdf: does not match"), "{out}");
}
