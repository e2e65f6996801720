//! Command line of the bridge binaries: `[--config FILE] [--db FILE]`.

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::bridge::{Bridge, BridgeOptions, NAME, VERSION};
use crate::config::LoadedConfig;
use crate::protocol::serve;
use crate::safeguards::Safeguards;

/// Usage text.
pub const USAGE: &str = "usage: qualify-bridge [--config FILE] [--db FILE] [--mqtt URL]

Speaks the qualify process adapter protocol (JSON lines) on stdin/stdout.
  --config FILE  bridge configuration, YAML or JSON (default: the built-in copy of
                 bridge/config/bridge.yaml)
  --db FILE      SQLite database playing the MES (default: mes.db, relative to the
                 working folder, and to the new folder on every reset)
  --mqtt URL     MQTT mode: take Sparkplug B telemetry from the broker at URL
                 (mqtt://host:port, subscribing to spBv1.0/#) and publish every decision on
                 qualify-bridge/decisions; stdin/stdout then carry control requests only";

/// Parsed arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgeArgs {
    /// `--config`.
    pub config: Option<PathBuf>,
    /// `--db`.
    pub db: PathBuf,
    /// `--mqtt`: the broker URL for MQTT mode.
    pub mqtt: Option<String>,
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Serve the protocol.
    Serve(BridgeArgs),
    /// Print usage.
    Help,
    /// Print the version.
    Version,
}

impl Command {
    /// Parses the arguments after the program name.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut parsed = BridgeArgs {
            config: None,
            db: PathBuf::from("mes.db"),
            mqtt: None,
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--help" | "-h" => return Ok(Self::Help),
                "--version" | "-V" => return Ok(Self::Version),
                "--config" => {
                    parsed.config = Some(args.next().ok_or("--config needs a file")?.into())
                }
                "--db" => parsed.db = args.next().ok_or("--db needs a file")?.into(),
                "--mqtt" => parsed.mqtt = Some(args.next().ok_or("--mqtt needs a URL")?),
                other => return Err(format!("unexpected argument {other:?}")),
            }
        }
        Ok(Self::Serve(parsed))
    }
}

/// Runs a bridge binary: parse, start, serve stdin/stdout. Diagnostics go to standard error
/// (standard output carries only protocol lines).
pub fn main_with(args: impl IntoIterator<Item = String>, safeguards: Safeguards) -> ExitCode {
    let args = match Command::parse(args) {
        Ok(Command::Serve(args)) => args,
        Ok(Command::Help) => {
            eprintln!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            eprintln!("{NAME} {VERSION}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args, safeguards) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{NAME}: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: BridgeArgs, safeguards: Safeguards) -> Result<(), String> {
    let config = match &args.config {
        Some(path) => LoadedConfig::from_file(path),
        None => LoadedConfig::builtin(),
    }
    .map_err(|err| chain(&err))?;
    let workdir =
        std::env::current_dir().map_err(|err| format!("cannot read the working folder: {err}"))?;
    let options = BridgeOptions {
        config,
        db: args.db,
        workdir,
        safeguards,
    };
    let mut bridge = Bridge::start(options).map_err(|err| chain(&err))?;
    if let Some(url) = &args.mqtt {
        let served = crate::mqtt::serve_mqtt(&mut bridge, url);
        if served.is_err() {
            bridge.shutdown();
        }
        return served;
    }
    let stdin = io::stdin().lock();
    let stdout = io::stdout().lock();
    serve(stdin, stdout, &mut bridge).map_err(|err| format!("protocol i/o failed: {err}"))
}

/// An error with its `source` chain, for standard error.
pub fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        Command::parse(args.iter().map(|a| a.to_string()))
    }

    #[test]
    fn defaults_and_options() {
        assert_eq!(
            parse(&[]),
            Ok(Command::Serve(BridgeArgs {
                config: None,
                db: "mes.db".into(),
                mqtt: None,
            }))
        );
        assert_eq!(
            parse(&["--db", "x.db", "--config", "c.yaml"]),
            Ok(Command::Serve(BridgeArgs {
                config: Some("c.yaml".into()),
                db: "x.db".into(),
                mqtt: None,
            }))
        );
        assert_eq!(
            parse(&["--mqtt", "mqtt://127.0.0.1:1883"]),
            Ok(Command::Serve(BridgeArgs {
                config: None,
                db: "mes.db".into(),
                mqtt: Some("mqtt://127.0.0.1:1883".into()),
            }))
        );
        assert!(parse(&["--mqtt"]).is_err());
        assert_eq!(parse(&["--help"]), Ok(Command::Help));
        assert!(parse(&["--db"]).is_err());
        assert!(parse(&["--verbose"]).is_err());
    }
}
