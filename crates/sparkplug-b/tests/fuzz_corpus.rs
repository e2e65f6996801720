//! Replays the committed inputs of the `sparkplug_b` fuzz target (`fuzz/corpus/sparkplug_b/`,
//! `fuzz/regressions/sparkplug_b/`) on stable, on every `cargo test`. See docs/testing.md.

#[path = "../../../fuzz/src/sparkplug_b_target.rs"]
mod sparkplug_b_target;

use std::fs;
use std::path::Path;

#[test]
fn every_committed_sparkplug_b_fuzz_input_is_handled_without_a_panic() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut replayed = 0;
    for area in ["corpus", "regressions"] {
        let Ok(dir) = fs::read_dir(fuzz.join(area).join("sparkplug_b")) else {
            continue;
        };
        for entry in dir {
            let path = entry.expect("corpus entry").path();
            let bytes = fs::read(&path).expect("corpus file");
            let outcome = std::panic::catch_unwind(|| sparkplug_b_target::sparkplug_b(&bytes));
            assert!(
                outcome.is_ok(),
                "sparkplug_b target panicked on {}",
                path.display()
            );
            replayed += 1;
        }
    }
    assert!(replayed >= 3, "fuzz/corpus/sparkplug_b/ has too few seeds");
}
