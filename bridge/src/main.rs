//! `qualify-bridge`: the reference IIoT → MES bridge, speaking the qualify process adapter
//! protocol on stdin/stdout. All logic is in the library; every control is on.

use std::process::ExitCode;

fn main() -> ExitCode {
    qualify_bridge::cli::main_with(
        std::env::args().skip(1),
        qualify_bridge::Safeguards::default(),
    )
}
