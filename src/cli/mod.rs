//! The command line: arguments, their validation, and one module per subcommand.

mod args;
mod dispatch;
mod list;
mod render;
mod run;
mod select;

pub use args::{Cli, Command, Format, ListArgs, Progress, RenderArgs, RunArgs, SelectArgs};
pub use dispatch::run;
