//! The fuzz targets of the qualify library, as plain functions: each takes the fuzzer's bytes and
//! hands them to the same library function production code uses (`verify` and the runner), then
//! checks what must hold whatever the input. A panic here is a bug.
//!
//! Shared by the cargo-fuzz binaries (`fuzz/fuzz_targets/*.rs`) and by the stable replay test
//! (`tests/fuzz_corpus.rs`, which includes this file), so committed corpora and regression inputs
//! run on every `cargo test`.

use qualify::evidence::VerifyManifest;
use qualify::sign::EnvelopeSigning;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use qualify::audit::AuditTrail;
use qualify::config::{Config, Requirements};
use qualify::deviation::DeviationRegister;
use qualify::evidence::{Manifest, sha256_hex};
use qualify::matching::JsonPath;
use qualify::plan::parse_feature;
use qualify::sign::{Envelope, IN_TOTO_PAYLOAD_TYPE, PrivateKey, Registry, Subject};
use qualify::verify::{
    CheckedEnvelope, EnvelopeKind, PackageContents, StoredEnvelope, TimePolicy, TrustAnchor,
    check_audit, check_envelopes, parse_envelope,
};

/// Every qualify target, by name (the file names under `fuzz/fuzz_targets/`).
pub const TARGETS: &[&str] = &[
    "manifest",
    "envelope",
    "statement",
    "audit_trail",
    "deviations",
    "signers",
    "config",
    "feature",
    "json_path",
];

/// The line that separates qualify.yaml from requirements.yaml in a `config` input.
pub const CONFIG_SEPARATOR: &str = "#--requirements.yaml--\n";

/// Runs target `name` on `data`.
pub fn run(name: &str, data: &[u8]) {
    match name {
        "manifest" => manifest(data),
        "envelope" => envelope(data),
        "statement" => statement(data),
        "audit_trail" => audit_trail(data),
        "deviations" => deviations(data),
        "signers" => signers(data),
        "config" => config(data),
        "feature" => feature(data),
        "json_path" => json_path(data),
        other => panic!("no fuzz target {other}"),
    }
}

/// The signed seed package (`fuzz/seed-package`, made by `scripts/fuzz-seeds`) read once, with
/// its registry, and a key made at start-up for the `statement` target.
struct Seeds {
    dir: PathBuf,
    contents: PackageContents,
    registry: Registry,
    checked: Vec<CheckedEnvelope>,
    key: PrivateKey,
    key_registry: Registry,
}

fn fuzz_dir() -> PathBuf {
    // The fuzz binaries are built in fuzz/, the replay test in the repository root.
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    if here.join("seed-package").is_dir() {
        here.to_path_buf()
    } else {
        here.join("fuzz")
    }
}

fn seeds() -> &'static Seeds {
    static SEEDS: OnceLock<Seeds> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let fuzz = fuzz_dir();
        let dir = fuzz.join("seed-package");
        let contents = PackageContents::load(&dir).expect("fuzz/seed-package is a package");
        let registry = Registry::load(&fuzz.join("seed-package.signers.yaml"))
            .expect("fuzz/seed-package.signers.yaml is a registry");
        let (checked, _) = check_envelopes(
            &contents,
            &TrustAnchor::loaded(&registry, "the seed registry"),
            &TimePolicy::now(),
        );
        let key = PrivateKey::generate().expect("a key");
        // The seed statements are signed by `lead`; the statement target re-signs with this key.
        let yaml = format!(
            "signers:\n- id: lead\n  name: Lee Lead\n  roles: [validation-lead, \
             validation-engineer, quality-assurance]\n  public_key: |\n{}  valid_from: \
             2020-01-01T00:00:00Z\n",
            key.public_key()
                .to_pem()
                .lines()
                .map(|l| format!("    {l}\n"))
                .collect::<String>()
        );
        let key_registry = Registry::parse(Path::new("fuzz.signers.yaml"), &yaml)
            .expect("the fuzz registry parses");
        Seeds {
            dir,
            contents,
            registry,
            checked,
            key,
            key_registry,
        }
    })
}

/// A copy of the seed package's contents, to replace one part with fuzz input.
fn contents(seeds: &Seeds) -> PackageContents {
    let c = &seeds.contents;
    PackageContents {
        dir: c.dir.clone(),
        manifest: c.manifest.clone(),
        manifest_sha256: c.manifest_sha256.clone(),
        integrity: c.integrity.clone(),
        register: c.register.clone(),
        git: c.git.clone(),
        environment: c.environment.clone(),
        trail: c.trail.clone(),
        envelopes: c.envelopes.clone(),
        tokens: c.tokens.clone(),
        renditions: c.renditions.clone(),
    }
}

/// `manifest.json`: parsed as `verify` loads it, then compared with the seed package's files,
/// whatever paths it lists (escapes, duplicates, itself).
pub fn manifest(data: &[u8]) {
    let Ok(manifest) = Manifest::parse(Path::new("manifest.json"), data) else {
        return;
    };
    let again = Manifest::parse(
        Path::new("manifest.json"),
        &serde_json::to_vec(&manifest).expect("a manifest serializes"),
    )
    .expect("a serialized manifest parses");
    assert_eq!(again, manifest, "manifest round trip");
    let problems = manifest.verify_files(&seeds().dir);
    for problem in &problems {
        let _ = problem.to_string();
    }
    let _ = Subject::of_package(&manifest, &sha256_hex(data));
}

/// A DSSE envelope file, as found in `signatures/` or `deviations/closures/`, checked against
/// the seed package and its registry, then the audit trail checked with it.
pub fn envelope(data: &[u8]) {
    let seeds = seeds();
    check_stored(seeds, data, &seeds.registry);
}

/// An in-toto statement: signed with a key of the registry (so the signature holds) and checked
/// like any envelope, so every field of the statement reaches the checks after the signature.
pub fn statement(data: &[u8]) {
    let seeds = seeds();
    let envelope = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, data, &seeds.key);
    let bytes = serde_json::to_vec(&envelope).expect("an envelope serializes");
    check_stored(seeds, &bytes, &seeds.key_registry);
}

fn check_stored(seeds: &Seeds, bytes: &[u8], registry: &Registry) {
    let parsed = parse_envelope(bytes);
    for kind in [EnvelopeKind::Signature, EnvelopeKind::Closure] {
        let mut contents = contents(seeds);
        let folder = match kind {
            EnvelopeKind::Signature => "signatures",
            EnvelopeKind::Closure => "deviations/closures",
        };
        contents.envelopes.push(StoredEnvelope {
            path: format!("{folder}/fuzz.dsse.json"),
            sha256: sha256_hex(bytes),
            kind,
            parsed: parsed.clone(),
        });
        let (checked, findings) = check_envelopes(
            &contents,
            &TrustAnchor::loaded(registry, "the fuzz registry"),
            &TimePolicy::now(),
        );
        assert_eq!(checked.len(), contents.envelopes.len());
        let fuzzed = checked.last().expect("the fuzzed envelope is checked");
        if parsed.is_err() {
            assert!(!fuzzed.trusted, "an unparsable envelope is never trusted");
            assert!(
                findings
                    .iter()
                    .any(|f| f.subject.ends_with("fuzz.dsse.json")),
                "an unparsable envelope is reported"
            );
        }
        let _ = check_audit(&contents, &checked);
    }
}

/// `audit/trail.jsonl`: parsed, its chain checked, and the whole audit check run against the
/// seed package; an intact chain must extend to an intact chain.
pub fn audit_trail(data: &[u8]) {
    let seeds = seeds();
    let mut contents = contents(seeds);
    let trail = AuditTrail::parse(&contents.manifest.package_id, data);
    let problems = trail.check_chain();
    if problems.is_empty() {
        let entry = qualify::audit::NewEntry {
            at: "2025-01-01T00:00:00Z".into(),
            action: qualify::audit::AuditAction::Rendered,
            who: qualify::audit::Actor {
                kind: "os-user".into(),
                id: "fuzz".into(),
                name: "fuzz".into(),
                ci_job: None,
            },
            what: "fuzz".into(),
            why: "fuzz".into(),
            subject: "report.html".into(),
            sha256: None,
        };
        let (bytes, _, head) = trail
            .appended(Path::new("trail.jsonl"), entry)
            .expect("an intact trail extends");
        let extended = AuditTrail::parse(&contents.manifest.package_id, &bytes);
        assert!(
            extended.check_chain().is_empty(),
            "an extended trail stays intact"
        );
        assert_eq!(extended.head(), head);
    }
    contents.trail = Ok(trail);
    let _ = check_audit(&contents, &seeds.checked);
}

/// `deviations/deviations.json`: parsed as `verify` reads it, then the audit check (which
/// matches the trail's deviation entries against it) run with it.
pub fn deviations(data: &[u8]) {
    let seeds = seeds();
    let register = DeviationRegister::parse(data);
    if let Ok(register) = &register {
        for deviation in &register.deviations {
            let _ = deviation.summary();
            assert!(register.get(&deviation.id).is_some());
        }
    }
    let mut contents = contents(seeds);
    contents.register = register;
    let _ = check_audit(&contents, &seeds.checked);
}

/// `signers.yaml`: parsed and checked as `verify` and `sign` read it; every signer's validity
/// window asked at a few instants.
pub fn signers(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(registry) = Registry::parse(Path::new("signers.yaml"), text) else {
        return;
    };
    let instants = [
        chrono::DateTime::<chrono::Utc>::MIN_UTC,
        chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
        chrono::DateTime::<chrono::Utc>::MAX_UTC,
    ];
    for signer in &registry.signers {
        for at in instants {
            if let Err(message) = signer.validity_at(at) {
                assert!(!message.is_empty());
            }
        }
        assert!(registry.by_key_id(&signer.key_id).is_some());
    }
}

/// qualify.yaml, a [`CONFIG_SEPARATOR`] line, then requirements.yaml: the config checked as
/// `qualify` loads it, the requirements parsed from the second part.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (project, requirements) = text.split_once(CONFIG_SEPARATOR).unwrap_or((text, ""));
    let result = Config::parse(
        Path::new("qualify.yaml"),
        project,
        PathBuf::from("/fuzz-project"),
        |path| Requirements::parse(path, requirements),
    );
    if let Err(e) = result {
        assert!(!e.to_string().is_empty());
    }
}

/// A feature file planned as `qualify list` and `run` plan it: Gherkin parsed, outlines expanded,
/// stage and requirement tags checked.
pub fn feature(data: &[u8]) {
    static REQUIREMENTS: OnceLock<Requirements> = OnceLock::new();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let requirements = REQUIREMENTS.get_or_init(|| {
        Requirements::parse(
            Path::new("requirements.yaml"),
            "requirements:\n  - {id: URS-001, title: Echo, risk: high}\n  - {id: URS-002, \
             title: Reject, risk: medium}\n",
        )
        .expect("the fuzz requirements parse")
    });
    match parse_feature(
        "features/fuzz.feature",
        text,
        requirements,
        "requirements.yaml",
    ) {
        Ok(scenarios) => {
            for s in &scenarios {
                assert_eq!(s.id, format!("features/fuzz.feature:{}", s.line));
            }
        }
        Err(problems) => assert!(!problems.is_empty()),
    }
}

/// A JSON path as written in a step: parsed; a parsed path prints as text that parses back to
/// the same path, and resolves against a document without panicking.
pub fn json_path(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(path) = JsonPath::parse(text) else {
        return;
    };
    let shown = path.to_string();
    let back = JsonPath::parse(&shown)
        .unwrap_or_else(|e| panic!("{text:?} printed as {shown:?}, which does not parse: {e}"));
    assert_eq!(back, path, "{text:?} printed as {shown:?}");
    let document = serde_json::json!({
        "a": {"b": [1, {"c": "d"}], "x.y": null},
        "items": [[0], [1, 2]],
        "": {"$": true}
    });
    let _ = path.lookup(&document);
    if let Err(e) = path.resolve(&document) {
        assert!(!e.to_string().is_empty());
    }
}
