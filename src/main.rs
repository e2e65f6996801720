//! The `qualify` binary: parse, run, exit.

use clap::Parser;

fn main() {
    let cli = qualify::cli::Cli::parse();
    std::process::exit(qualify::cli::run(cli));
}
