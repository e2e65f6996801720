//! Replays every committed fuzz input (the seed corpora under `fuzz/corpus/<target>/` and the
//! crash regressions under `fuzz/regressions/<target>/`) through the same target functions the
//! cargo-fuzz binaries run, on stable and on every `cargo test`: a fixed parser that regresses
//! fails here without nightly or libFuzzer. See docs/testing.md.

#[path = "../../fuzz/src/qualify_targets.rs"]
mod qualify_targets;

use std::fs;
use std::path::Path;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut out = Vec::new();
    for area in ["corpus", "regressions"] {
        let Ok(dir) = fs::read_dir(fuzz.join(area).join(target)) else {
            continue;
        };
        for entry in dir {
            let path = entry.expect("corpus entry").path();
            let bytes = fs::read(&path).expect("corpus file");
            out.push((path.display().to_string(), bytes));
        }
    }
    out.sort();
    out
}

#[test]
fn every_committed_fuzz_input_is_handled_without_a_panic() {
    let mut replayed = 0;
    for target in qualify_targets::TARGETS {
        let inputs = inputs(target);
        assert!(!inputs.is_empty(), "fuzz/corpus/{target}/ has no seeds");
        for (path, bytes) in inputs {
            let outcome = std::panic::catch_unwind(|| qualify_targets::run(target, &bytes));
            assert!(outcome.is_ok(), "target {target} panicked on {path}");
            replayed += 1;
        }
    }
    assert!(replayed >= qualify_targets::TARGETS.len());
}

#[test]
fn the_seed_package_verifies_as_the_fuzz_harness_expects() {
    // The harness checks fuzzed parts against the seed package; if a format change made the seed
    // package itself fail to load, every target would test nothing. Regenerate it with
    // scripts/fuzz-seeds.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seed-package");
    let contents = qualify::verify::PackageContents::load(&dir).expect("seed package loads");
    assert!(contents.trail.is_ok() && contents.register.is_ok());
    assert_eq!(contents.envelopes.len(), 4);
    assert!(contents.envelopes.iter().all(|e| e.parsed.is_ok()));
}
