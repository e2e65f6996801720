//! Package transactions without the binary: commit, rollback, completion, foreign files.

use std::fs;
use std::path::Path;

use super::apply::{commit, stage};
use super::*;
use crate::audit::{Actor, AuditAction, AuditTrail, NewEntry, TRAIL_FILE};
use crate::evidence::{MANIFEST_FILE, MANIFEST_SCHEMA, Manifest, sha256_hex};

fn entry(action: AuditAction, subject: &str) -> NewEntry {
    NewEntry {
        at: "2025-01-01T00:00:00.000Z".into(),
        action,
        who: Actor {
            kind: "os-user".into(),
            id: "jdoe".into(),
            name: "jdoe".into(),
            ci_job: None,
        },
        what: "test".into(),
        why: "test".into(),
        subject: subject.into(),
        sha256: None,
    }
}

/// A package with a manifest and a one-line trail.
fn package() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let manifest = Manifest {
        schema: MANIFEST_SCHEMA.into(),
        package_id: "pkg".into(),
        created_at: "2025-01-01T00:00:00.000Z".into(),
        sealed_at: "2025-01-01T00:00:00.000Z".into(),
        files: Vec::new(),
    };
    fs::write(
        dir.path().join(MANIFEST_FILE),
        serde_json::to_vec(&manifest).unwrap(),
    )
    .unwrap();
    fs::create_dir(dir.path().join("audit")).unwrap();
    let trail = AuditTrail::render_new("pkg", vec![entry(AuditAction::Created, "pkg")]);
    fs::write(dir.path().join(TRAIL_FILE), trail).unwrap();
    dir
}

fn trail(dir: &Path) -> AuditTrail {
    AuditTrail::parse("pkg", &fs::read(dir.join(TRAIL_FILE)).unwrap())
}

/// Adds renditions/a.txt and its entry.
fn plan(dir: &Path) -> Plan {
    let (bytes, _, sha) = trail(dir)
        .appended(
            &dir.join(TRAIL_FILE),
            entry(AuditAction::Rendered, "renditions/a.txt"),
        )
        .unwrap();
    Plan {
        operation: "render".into(),
        request: "render".into(),
        key_id: None,
        trail_bytes: bytes,
        trail_entries: vec![sha],
        files: vec![PlannedFile {
            path: "renditions/a.txt".into(),
            bytes: b"a".to_vec(),
        }],
    }
}

fn lines(dir: &Path) -> Vec<String> {
    trail(dir).lines.iter().map(|l| l.sha256.clone()).collect()
}

fn actions(dir: &Path) -> Vec<AuditAction> {
    trail(dir).entries().map(|(_, e)| e.action).collect()
}

#[test]
fn apply_adds_the_files_and_the_entries_together() {
    let pkg = package();
    let lock = PackageLock::acquire(pkg.path()).unwrap();
    let intent = apply(&lock, plan(pkg.path())).unwrap();
    assert_eq!(fs::read(pkg.path().join("renditions/a.txt")).unwrap(), b"a");
    assert_eq!(intent.files[0].sha256, sha256_hex(b"a"));
    assert!(trail(pkg.path()).check_chain().is_empty());
    assert_eq!(
        actions(pkg.path()),
        [AuditAction::Created, AuditAction::Rendered]
    );
    assert!(!pkg.path().join(PENDING_DIR).exists());
    assert!(recover(&lock, "test").unwrap().is_none());
}

#[test]
fn before_the_commit_point_recovery_rolls_back_and_records_it_once() {
    let pkg = package();
    let lock = PackageLock::acquire(pkg.path()).unwrap();
    let before = fs::read(pkg.path().join(TRAIL_FILE)).unwrap();
    let intent = stage(&pkg.path().join(PENDING_DIR), plan(pkg.path())).unwrap();
    let found = inspect(pkg.path(), &lines(pkg.path())).unwrap();
    assert_eq!(found.state, PendingState::Uncommitted);
    assert_eq!(fs::read(pkg.path().join(TRAIL_FILE)).unwrap(), before);

    let recovered = recover(&lock, "test").unwrap().unwrap();
    assert!(!recovered.completed);
    assert_eq!(recovered.intent.unwrap().id, intent.id);
    assert!(!pkg.path().join("renditions").exists());
    assert!(!pkg.path().join(PENDING_DIR).exists());
    assert_eq!(
        actions(pkg.path()),
        [AuditAction::Created, AuditAction::Recovered]
    );
    let t = trail(pkg.path());
    let (_, recorded) = t.entries().last().unwrap();
    assert_eq!(recorded.subject, intent.id);
    assert!(
        recorded.what.contains("rolled it back"),
        "{}",
        recorded.what
    );
    assert!(t.check_chain().is_empty());
}

#[test]
fn after_the_commit_point_recovery_completes() {
    let pkg = package();
    let lock = PackageLock::acquire(pkg.path()).unwrap();
    let pending = pkg.path().join(PENDING_DIR);
    stage(&pending, plan(pkg.path())).unwrap();
    commit(pkg.path(), &pending).unwrap();
    let found = inspect(pkg.path(), &lines(pkg.path())).unwrap();
    assert_eq!(
        found.state,
        PendingState::CommittedIncomplete {
            missing: vec!["renditions/a.txt".into()]
        }
    );
    let recovered = recover(&lock, "test").unwrap().unwrap();
    assert!(recovered.completed);
    assert_eq!(fs::read(pkg.path().join("renditions/a.txt")).unwrap(), b"a");
    assert_eq!(
        actions(pkg.path()),
        [
            AuditAction::Created,
            AuditAction::Rendered,
            AuditAction::Recovered
        ]
    );
    assert!(!pending.exists());
}

#[test]
fn a_foreign_file_in_pending_stops_recovery_and_is_kept() {
    let pkg = package();
    let lock = PackageLock::acquire(pkg.path()).unwrap();
    let pending = pkg.path().join(PENDING_DIR);
    stage(&pending, plan(pkg.path())).unwrap();
    fs::write(pending.join("planted.json"), "{}").unwrap();
    let found = inspect(pkg.path(), &lines(pkg.path())).unwrap();
    assert_eq!(found.foreign, ["planted.json"]);
    let err = recover(&lock, "test").unwrap_err();
    assert!(matches!(err, TxnError::Foreign { .. }), "{err}");
    assert!(pending.join("planted.json").exists());
}

#[test]
fn a_committed_intent_never_installs_outside_the_package() {
    let pkg = package();
    let lock = PackageLock::acquire(pkg.path()).unwrap();
    let pending = pkg.path().join(PENDING_DIR);
    let mut p = plan(pkg.path());
    p.files[0].path = "../escaped.txt".into();
    stage(&pending, p).unwrap();
    commit(pkg.path(), &pending).unwrap();
    assert!(recover(&lock, "test").is_err());
    assert!(!pkg.path().parent().unwrap().join("escaped.txt").exists());
}
