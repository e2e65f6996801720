//! A deliberately defective bridge: the shipped library with the `missing_context` check turned
//! off. Completions without a work order, serial, operation, part, revision or batch are recorded
//! (with empty context) instead of quarantined.
//!
//! It exists to prove that the validation suite notices: run the bundled features against it
//! (see bridge/README.md, "The defective example") and the context scenarios must fail.
//!
//! Build: `cargo build -p qualify-bridge --example bridge_without_context_check`
//! Binary: `target/debug/examples/bridge_without_context_check` (same arguments as qualify-bridge)

use std::process::ExitCode;

use qualify_bridge::Safeguards;

fn main() -> ExitCode {
    qualify_bridge::cli::main_with(
        std::env::args().skip(1),
        Safeguards {
            require_context: false,
        },
    )
}
