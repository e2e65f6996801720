//! The command line: arguments, their validation, and one module per subcommand.

mod args;
mod dispatch;
mod impact;
mod list;
mod run;
mod select;

pub use args::{Cli, Command, Format, ImpactArgs, ListArgs, Progress, RunArgs, SelectArgs};
pub use dispatch::run;
