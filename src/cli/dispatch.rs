//! Runs a parsed command line and maps the outcome to an exit code.

use std::path::Path;

use super::args::{Cli, Command};
use crate::config::Config;
use crate::errors::Error;

/// Runs the command; prints errors to stderr; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match dispatch(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("{}", err.report());
            err.exit_code()
        }
    }
}

fn dispatch(cli: Cli) -> Result<i32, Error> {
    if let Command::Render(args) = &cli.command {
        // A package renders from its own files; qualify.yaml only contributes a template, and
        // only when there is one.
        let config = if cli.config.is_file() {
            Some(load_config(&cli.config)?)
        } else {
            None
        };
        return super::render::render(config.as_ref(), args);
    }
    let config = load_config(&cli.config)?;
    let stdout = std::io::stdout();
    match &cli.command {
        Command::List(args) => super::list::list(&config, args, &mut stdout.lock()),
        Command::Run(args) => super::run::run(&config, args),
        Command::Render(_) => Err(Error::Internal("render is dispatched above".into())),
    }
}

fn load_config(path: &Path) -> Result<Config, Error> {
    Ok(Config::load(path)?)
}
