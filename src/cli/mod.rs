//! The command line: arguments, their validation, and one module per subcommand.

mod args;
mod deviation;
mod deviation_list;
mod dispatch;
mod gate;
mod impact;
mod init;
mod key_input;
mod keygen;
mod keygen_checks;
mod ledger;
mod ledger_check;
mod list;
mod merge;
mod output;
mod output_error;
mod recover;
mod recover_supersession;
mod refusal;
mod render;
mod run;
mod run_report;
mod run_summary;
mod select;
mod select_locations;
mod select_shard;
mod sign;
mod sign_command;
mod signed_report;
mod status;
mod supersede;
mod trust_source;
mod tsa_source;
mod verify;

pub use args::{
    Cli, Command, DeviationCloseArgs, DeviationCommand, Format, GateArgs, ImpactArgs, KeyArgs,
    KeygenArgs, LedgerCommand, LedgerMergeArgs, ListArgs, MergeArgs, Progress, RecoverArgs,
    RenderArgs, RunArgs, SelectArgs, SignArgs, StatusArgs, SupersedeArgs, VerifyArgs,
};
pub use dispatch::run;
pub use output_error::OutputError;
