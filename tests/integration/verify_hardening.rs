//! `qualify verify` reads a package safely: renditions are integrity-checked, only regular files
//! are opened, symbolic links are never followed, a FIFO never blocks it and no read is
//! unbounded. Each attack runs the real binary under a watchdog that fails the test (never skips)
//! if verify hangs.

use crate::sign_support;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use sign_support::{Fixture, PASS, copy_dir};

/// Far above what a verification takes on a loaded machine; only a hang reaches it.
const WATCHDOG: Duration = Duration::from_secs(180);

/// `qualify ARGS` in the fixture's folder, killed and failed if it has not finished within
/// [`WATCHDOG`]. Returns the exit code and stdout + stderr.
fn qualify_guarded(f: &Fixture, args: &[&str]) -> (Option<i32>, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_qualify"))
        .args(args)
        .current_dir(f.path())
        .env_remove("CI")
        .env("QUALIFY_KEY_PASSPHRASE", PASS)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start qualify");
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(WATCHDOG) {
        Ok(output) => {
            let output = output.expect("wait for qualify");
            let text = format!(
                "{}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            (output.status.code(), text)
        }
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!(
                "qualify {} did not finish within {WATCHDOG:?}: it hangs",
                args.join(" ")
            );
        }
    }
}

fn verify(f: &Fixture, pkg: &Path) -> (Option<i32>, String) {
    qualify_guarded(f, &["verify", pkg.to_str().unwrap()])
}

fn assert_rejected(f: &Fixture, pkg: &Path, needles: &[&str]) {
    let (code, out) = verify(f, pkg);
    assert_eq!(code, Some(3), "expected verification to fail:\n{out}");
    for needle in needles {
        assert!(out.contains(needle), "output lacks {needle:?}:\n{out}");
    }
}

fn rendered() -> (Fixture, std::path::PathBuf) {
    let f = Fixture::new();
    let pkg = f.package();
    f.qualify(&["render", pkg.to_str().unwrap()]).code(0);
    let (code, out) = verify(&f, &pkg);
    assert_eq!(code, Some(0), "{out}");
    assert!(!out.contains("rendition"), "{out}");
    (f, pkg)
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[test]
fn a_forged_rendition_is_an_error_naming_the_file() {
    let (f, pkg) = rendered();
    let pdf = pkg.join("renditions/report.pdf");
    let mut bytes = fs::read(&pdf).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x20;
    fs::write(&pdf, &bytes).unwrap();
    assert_rejected(
        &f,
        &pkg,
        &["ERROR: renditions/report.pdf:", "the audit trail recorded"],
    );
    // Replaced by a PDF that was never rendered at all: also an error.
    fs::write(&pdf, b"%PDF-1.4\n% forged\n").unwrap();
    assert_rejected(&f, &pkg, &["ERROR: renditions/report.pdf:"]);
    // Signing refuses a package that does not verify.
    f.sign("executed", "eng").code(3);
}

#[test]
fn files_planted_in_renditions_are_errors_naming_them() {
    let (f, pkg) = rendered();
    fs::write(pkg.join("renditions/invoice.html"), "<p>pay here</p>").unwrap();
    fs::create_dir(pkg.join("renditions/more")).unwrap();
    fs::write(pkg.join("renditions/more/report.pdf"), "%PDF").unwrap();
    assert_rejected(
        &f,
        &pkg,
        &[
            "ERROR: renditions/invoice.html: a file planted in renditions/",
            "ERROR: renditions/more/report.pdf: a file planted in renditions/",
        ],
    );
}

#[test]
fn render_refuses_a_symlinked_renditions_folder_and_verify_reports_it() {
    let f = Fixture::new();
    let pkg = f.package();
    let outside = f.path().join("outside");
    fs::create_dir(&outside).unwrap();
    symlink(&outside, pkg.join("renditions")).unwrap();
    let (code, out) = qualify_guarded(&f, &["render", pkg.to_str().unwrap()]);
    assert_eq!(code, Some(qualify::exit_code::INPUT_ERROR), "{out}");
    assert!(out.contains("refusing to write renditions"), "{out}");
    assert_eq!(
        fs::read_dir(&outside).unwrap().count(),
        0,
        "wrote through the link"
    );
    assert_rejected(&f, &pkg, &["ERROR: renditions:"]);

    // A link planted inside a real renditions/ folder is refused as well.
    fs::remove_file(pkg.join("renditions")).unwrap();
    fs::create_dir(pkg.join("renditions")).unwrap();
    symlink(outside.join("x"), pkg.join("renditions/.report.pdf.tmp")).unwrap();
    let (code, out) = qualify_guarded(&f, &["render", pkg.to_str().unwrap()]);
    assert_ne!(code, Some(0), "{out}");
    assert!(!outside.join("x").exists(), "wrote through the link");
}

#[test]
fn symlinked_manifest_trail_and_register_are_errors() {
    let f = Fixture::new();
    let pkg = f.package();
    let pristine = f.path().join("pristine");
    copy_dir(&pkg, &pristine);
    for rel in [
        "manifest.json",
        "audit/trail.jsonl",
        "deviations/deviations.json",
    ] {
        fs::remove_dir_all(&pkg).unwrap();
        copy_dir(&pristine, &pkg);
        // The link points at an identical copy: only the link itself is wrong.
        let copy = f.path().join("copy-of-file");
        fs::copy(pkg.join(rel), &copy).unwrap();
        fs::remove_file(pkg.join(rel)).unwrap();
        symlink(&copy, pkg.join(rel)).unwrap();
        assert_rejected(&f, &pkg, &[rel, "symbolic link"]);
        fs::remove_file(&copy).unwrap();
    }
}

#[test]
fn fifos_in_the_package_do_not_hang_verify() {
    let f = Fixture::new();
    f.sign("executed", "eng").code(0);
    let pkg = f.package();
    let pristine = f.path().join("pristine");
    copy_dir(&pkg, &pristine);
    let envelope = f.envelope("executed");
    let envelope = envelope
        .strip_prefix(&pkg)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    for rel in [
        "manifest.json",
        "audit/trail.jsonl",
        "deviations/deviations.json",
        "results.json",
        envelope.as_str(),
    ] {
        fs::remove_dir_all(&pkg).unwrap();
        copy_dir(&pristine, &pkg);
        fs::remove_file(pkg.join(rel)).unwrap();
        mkfifo(&pkg.join(rel));
        assert_rejected(&f, &pkg, &[rel]);
    }
}

#[test]
fn a_trail_linked_to_dev_zero_and_an_oversized_envelope_are_refused_unread() {
    let f = Fixture::new();
    f.sign("executed", "eng").code(0);
    let pkg = f.package();
    let trail = pkg.join("audit/trail.jsonl");
    let saved = fs::read(&trail).unwrap();
    fs::remove_file(&trail).unwrap();
    symlink("/dev/zero", &trail).unwrap();
    assert_rejected(&f, &pkg, &["audit/trail.jsonl", "symbolic link"]);
    fs::remove_file(&trail).unwrap();
    fs::write(&trail, saved).unwrap();
    let (code, out) = verify(&f, &pkg);
    assert_eq!(code, Some(0), "{out}");

    // An envelope of more than 1 MiB is not read.
    let big = pkg.join("signatures/99-approved-x.dsse.json");
    fs::write(&big, vec![b' '; 1024 * 1024 + 1]).unwrap();
    assert_rejected(
        &f,
        &pkg,
        &["signatures/99-approved-x.dsse.json", "larger than"],
    );
}

#[test]
fn the_gate_does_not_hang_on_a_fifo_in_the_evidence_store() {
    let f = Fixture::new();
    let pkg = f.package();
    let results = pkg.join("results.json");
    fs::remove_file(&results).unwrap();
    mkfifo(&results);
    let (code, out) = qualify_guarded(&f, &["gate", "--format", "json"]);
    assert_eq!(code, Some(qualify::exit_code::GATE_NOT_SATISFIED), "{out}");
    assert!(out.contains("package_unverified"), "{out}");
}
