//! Runs a parsed command line and maps the outcome to an exit code.

use std::path::{Path, PathBuf};

use super::args::{Cli, Command, DeviationCommand};
use crate::config::{Config, ConfigError};
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
    let stdout = std::io::stdout();
    match &cli.command {
        // A key belongs to a person, not to a project.
        Command::Keygen(args) => {
            return super::keygen::keygen(args, cli.config.as_deref(), &mut stdout.lock());
        }
        // An auditor verifies with the package alone, or with a trust anchor named explicitly
        // (--config, --signers) or committed in git: ./qualify.yaml is never read implicitly. A
        // --config given is loaded fully, so that a file it references but lacks is an error.
        Command::Verify(args) => {
            let config = cli.config.as_deref().map(Config::load).transpose()?;
            return super::verify::verify(config.as_ref(), args, &mut stdout.lock());
        }
        // A new project has no qualify.yaml yet.
        Command::Init(args) => return super::init::init(args),
        // Listing decides open or closed as verify does, with the same trust anchor.
        Command::Deviation(DeviationCommand::List(args)) => {
            let config = cli.config.as_deref().map(Config::load).transpose()?;
            return super::deviation_list::list(config.as_ref(), args, &mut stdout.lock());
        }
        // A package renders from its own files; qualify.yaml only contributes a template.
        Command::Render(args) => {
            let config = match Config::load(&config_path(&cli)) {
                Ok(config) => Some(config),
                // Only the default ./qualify.yaml may be absent; a file it names may not.
                Err(ConfigError::NotFound { path })
                    if cli.config.is_none() && path == config_path(&cli) =>
                {
                    None
                }
                Err(e) => return Err(e.into()),
            };
            return super::render::render(config.as_ref(), args);
        }
        _ => {}
    }
    let config = load_config(&config_path(&cli))?;
    match &cli.command {
        Command::List(args) => super::list::list(&config, args, &mut stdout.lock()),
        Command::Run(args) => super::run::run(&config, args),
        Command::Merge(args) => super::merge::merge(&config, args),
        Command::Impact(args) => super::impact::impact(&config, args, &mut stdout.lock()),
        Command::Gate(args) => super::gate::run_gate(&config, args, &mut stdout.lock()),
        Command::Sign(args) => super::sign::sign(&config, args),
        Command::Supersede(args) => super::supersede::supersede(&config, args),
        Command::Deviation(command) => super::deviation::deviation(&config, command),
        Command::Status(args) => super::status::status(&config, args, &mut stdout.lock()),
        Command::Recover(args) => super::recover::recover(&config, args),
        Command::Ledger(command) => super::ledger::ledger(&config, command),
        Command::Keygen(_) | Command::Verify(_) | Command::Render(_) | Command::Init(_) => {
            Err(Error::Internal("unreachable".into()))
        }
    }
}

/// `--config`, else ./qualify.yaml.
fn config_path(cli: &Cli) -> PathBuf {
    cli.config
        .clone()
        .unwrap_or_else(|| PathBuf::from("qualify.yaml"))
}

fn load_config(path: &Path) -> Result<Config, Error> {
    Ok(Config::load(path)?)
}
