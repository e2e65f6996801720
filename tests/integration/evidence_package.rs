//! Sealing a real package on disk, then checking it the way `verify` will.

use qualify::evidence::VerifyManifest;
use std::fs;
use std::io::Write;
use std::path::Path;

use chrono::{TimeZone, Utc};
use qualify::evidence::{
    MANIFEST_SCHEMA, Manifest, ManifestProblem, PackageError, PackageWriter, sha256_file,
    sha256_hex,
};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 30, 22, 15, 0).unwrap()
}

/// Writes a package with a results file and two attachments, and seals it.
fn sealed_package(evidence: &Path) -> qualify::evidence::SealedPackage {
    let writer = PackageWriter::create(evidence, "OQ", Some("4e1c2a9"), now()).unwrap();
    let store = writer.attachments();
    let mut traffic = store
        .create(
            "features-bridge-feature-12/bridge.jsonl",
            "application/jsonl",
            "traffic",
        )
        .unwrap();
    traffic
        .write_all(b"{\"id\":1,\"kind\":\"hello\"}\n")
        .unwrap();
    let traffic = traffic.finish().unwrap();
    let mut log = store
        .create(
            "features-bridge-feature-12/stderr.log",
            "text/plain",
            "stderr",
        )
        .unwrap();
    log.write_all(b"starting\n").unwrap();
    log.finish().unwrap();
    writer
        .write_json(
            "results.json",
            &serde_json::json!({"attachments": [traffic.path]}),
        )
        .unwrap();
    writer.finalize().unwrap()
}

#[test]
fn sealed_manifest_matches_every_file() {
    let tmp = tempfile::tempdir().unwrap();
    let evidence = tmp.path().join("evidence");
    let sealed = sealed_package(&evidence);

    assert_eq!(sealed.id, "20250630T221500Z-OQ-4e1c2a9");
    assert_eq!(sealed.path, evidence.join(&sealed.id));
    // Only the sealed package remains: no staging folder, no temporary files.
    let names: Vec<String> = fs::read_dir(&evidence)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, vec![sealed.id.clone()]);

    let manifest_bytes = fs::read(sealed.path.join("manifest.json")).unwrap();
    assert_eq!(sealed.manifest_sha256, sha256_hex(&manifest_bytes));
    let manifest = Manifest::load(&sealed.path).unwrap();
    assert_eq!(manifest.schema, MANIFEST_SCHEMA);
    assert_eq!(manifest.package_id, sealed.id);
    assert_eq!(manifest.created_at, "2025-06-30T22:15:00.000Z");
    let paths: Vec<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "attachments/features-bridge-feature-12/bridge.jsonl",
            "attachments/features-bridge-feature-12/stderr.log",
            "results.json",
        ]
    );
    for entry in &manifest.files {
        let (sha256, size) = sha256_file(&sealed.path.join(&entry.path)).unwrap();
        assert_eq!(
            (entry.sha256.as_str(), entry.size),
            (sha256.as_str(), size),
            "{}",
            entry.path
        );
    }
    assert_eq!(manifest.verify_files(&sealed.path), []);
}

#[test]
fn an_existing_package_is_never_touched() {
    let tmp = tempfile::tempdir().unwrap();
    let evidence = tmp.path().join("evidence");
    let first = sealed_package(&evidence);
    let before = fs::read(first.path.join("manifest.json")).unwrap();

    let second = sealed_package(&evidence);
    assert_eq!(second.id, format!("{}-2", first.id));
    assert_ne!(second.path, first.path);
    assert_eq!(fs::read(first.path.join("manifest.json")).unwrap(), before);
    assert_eq!(
        Manifest::load(&first.path)
            .unwrap()
            .verify_files(&first.path),
        []
    );
    assert_eq!(Manifest::load(&second.path).unwrap().package_id, second.id);
}

#[test]
fn an_unwritable_evidence_folder_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    // Permissions do not stop root, but nothing can create a folder below a regular file.
    let file = tmp.path().join("not-a-folder");
    fs::write(&file, "x").unwrap();
    let evidence = file.join("evidence");
    let err = PackageWriter::create(&evidence, "IQ", None, now()).unwrap_err();
    assert!(matches!(err, PackageError::NotWritable { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains(&evidence.display().to_string()),
        "{message}"
    );
    assert!(message.contains("make the folder writable"), "{message}");

    // Where permissions do apply (not root), a read-only folder gives the same error.
    let read_only = tmp.path().join("read-only");
    fs::create_dir(&read_only).unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&read_only, fs::Permissions::from_mode(0o555)).unwrap();
    let probe = fs::File::create(read_only.join("probe"));
    if probe.is_err() {
        let err = PackageWriter::create(&read_only, "IQ", None, now()).unwrap_err();
        assert!(matches!(err, PackageError::NotWritable { .. }), "{err:?}");
    }
    fs::set_permissions(&read_only, fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn verify_files_detects_changed_deleted_and_added_files() {
    let tmp = tempfile::tempdir().unwrap();
    let sealed = sealed_package(&tmp.path().join("evidence"));
    let manifest = Manifest::load(&sealed.path).unwrap();
    let root = &sealed.path;

    // Flip one byte, keeping the size.
    let results = root.join("results.json");
    let mut bytes = fs::read(&results).unwrap();
    bytes[0] ^= 0x01;
    fs::write(&results, &bytes).unwrap();
    fs::remove_file(root.join("attachments/features-bridge-feature-12/stderr.log")).unwrap();
    fs::write(root.join("attachments/extra.txt"), "smuggled").unwrap();

    let problems = manifest.verify_files(root);
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert_eq!(
        problems[0],
        ManifestProblem::Added {
            path: "attachments/extra.txt".into()
        }
    );
    assert_eq!(
        problems[1],
        ManifestProblem::Missing {
            path: "attachments/features-bridge-feature-12/stderr.log".into()
        }
    );
    match &problems[2] {
        ManifestProblem::Changed {
            path,
            expected_size,
            actual_size,
            expected_sha256,
            actual_sha256,
        } => {
            assert_eq!(path, "results.json");
            assert_eq!(expected_size, actual_size);
            assert_ne!(expected_sha256, actual_sha256);
        }
        other => panic!("expected a changed file, got {other:?}"),
    }
    assert!(
        problems[2]
            .to_string()
            .starts_with("results.json: content changed")
    );
}
