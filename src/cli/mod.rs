//! The command line: arguments, their validation, and one module per subcommand.

mod args;
mod deviation;
mod dispatch;
mod gate;
mod impact;
mod key_input;
mod keygen;
mod list;
mod output;
mod render;
mod run;
mod select;
mod sign;
mod supersede;
mod verify;

pub use args::{
    Cli, Command, DeviationCloseArgs, DeviationCommand, Format, GateArgs, ImpactArgs, KeyArgs,
    KeygenArgs, ListArgs, Progress, RenderArgs, RunArgs, SelectArgs, SignArgs, SupersedeArgs,
    VerifyArgs,
};
pub use dispatch::run;
