//! Reports of signed packages: `qualify render` shows every signature's manifestation, the
//! deviation dispositions and the audit trail; `qualify verify` ties the renditions to the
//! package (sealed report altered → error; later rendition out of date → warning).

use std::fs;
use std::process::Command;

use crate::sign_support::Fixture;

fn pdf_text(path: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext is needed (poppler-utils, see .ci/run)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn signed_package_renders_every_signature_and_verifies_with_its_renditions() {
    let f = Fixture::new();
    let pkg = f.package();
    let pkg_arg = pkg.to_str().unwrap();
    // Before any signature: every workflow meaning pending.
    f.qualify(&["render", pkg_arg]).code(0);
    let html = fs::read_to_string(pkg.join("renditions/report.html")).unwrap();
    for m in ["executed", "reviewed", "approved"] {
        assert!(html.contains(&format!("{m}: pending, not signed")), "{m}");
    }
    f.verify().code(0);

    f.sign_all();
    f.qualify(&["render", pkg_arg]).code(0);
    let text = pdf_text(&pkg.join("renditions/report.pdf"));
    let html = fs::read_to_string(pkg.join("renditions/report.html")).unwrap();
    for needle in [
        "Eve Engineer",
        "Lee Lead",
        "Quinn Assurance",
        "quality-assurance",
        "approved",
        "DEV-001",
        "closed by Lee Lead",
        "Manifest digest",
    ] {
        assert!(text.contains(needle), "PDF lacks {needle:?}");
        assert!(html.contains(needle), "HTML lacks {needle:?}");
    }
    assert!(!html.contains("pending, not signed"));
    // Every signature's key fingerprint is printed.
    let envelopes = fs::read_dir(pkg.join("signatures")).unwrap().count();
    assert_eq!(envelopes, 3);
    let verify = f.verify().code(0);
    assert!(
        !verify.stdout.contains("rendition"),
        "fresh renditions draw no finding:\n{}",
        verify.stdout
    );
    // The rendering is in the audit trail, and rendering again still gives the same bytes.
    let trail = fs::read_to_string(pkg.join("audit/trail.jsonl")).unwrap();
    assert!(trail.contains("\"rendered\""), "{trail}");
    let before = fs::read(pkg.join("renditions/report.pdf")).unwrap();
    f.qualify(&["render", pkg_arg]).code(0);
    assert_eq!(before, fs::read(pkg.join("renditions/report.pdf")).unwrap());
}

#[test]
fn verify_rejects_an_altered_sealed_report_and_warns_on_a_stale_rendition() {
    let f = Fixture::new();
    let pkg = f.package();
    f.qualify(&["render", pkg.to_str().unwrap()]).code(0);
    f.sign("executed", "eng").code(0);
    // The rendition predates the signature: out of date, a warning.
    let run = f.verify().code(0);
    assert!(
        run.stdout.contains("renditions/report.pdf"),
        "{}",
        run.stdout
    );

    // The sealed report altered: the manifest check catches it (the rendition check on a
    // consistent manifest is in tests/reports.rs).
    let html = pkg.join("report.html");
    let text = fs::read_to_string(&html)
        .unwrap()
        .replace("FAILED", "PASSED");
    fs::write(&html, text).unwrap();
    let run = f.verify();
    let out = format!("{}{}", run.stdout, run.stderr);
    assert_eq!(run.output.status.code(), Some(3), "{out}");
    assert!(out.contains("report.html"), "{out}");
}
