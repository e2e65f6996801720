//! `shift-sim`: a process adapter that generates a seeded production shift of Sparkplug telemetry
//! (`generate_shift`) into its working folder, with the figures the bridge must reconcile to.

use std::process::ExitCode;

use qualify_bridge::protocol::serve;
use qualify_bridge::sim::Simulator;

fn main() -> ExitCode {
    if std::env::args().len() > 1 {
        eprintln!(
            "usage: shift-sim   (speaks the qualify process adapter protocol on stdin/stdout)"
        );
        return ExitCode::from(2);
    }
    let workdir = match std::env::current_dir() {
        Ok(dir) => dir,
        Err(err) => {
            eprintln!("shift-sim: cannot read the working folder: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut simulator = Simulator::new(workdir);
    match serve(
        std::io::stdin().lock(),
        std::io::stdout().lock(),
        &mut simulator,
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("shift-sim: protocol i/o failed: {err}");
            ExitCode::FAILURE
        }
    }
}
