//! Replays the committed inputs of the `sparkplug` fuzz target (`fuzz/corpus/sparkplug/`,
//! `fuzz/regressions/sparkplug/`) on stable, on every `cargo test`. See docs/testing.md.

#[path = "../../fuzz/src/bridge_targets.rs"]
mod bridge_targets;

use std::fs;
use std::path::Path;

#[test]
fn every_committed_sparkplug_fuzz_input_is_handled_without_a_panic() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut replayed = 0;
    for area in ["corpus", "regressions"] {
        let Ok(dir) = fs::read_dir(fuzz.join(area).join("sparkplug")) else {
            continue;
        };
        for entry in dir {
            let path = entry.expect("corpus entry").path();
            let bytes = fs::read(&path).expect("corpus file");
            let outcome = std::panic::catch_unwind(|| bridge_targets::sparkplug(&bytes));
            assert!(
                outcome.is_ok(),
                "sparkplug target panicked on {}",
                path.display()
            );
            replayed += 1;
        }
    }
    assert!(replayed > 0, "fuzz/corpus/sparkplug/ has no seeds");
}
