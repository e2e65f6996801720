//! Command-line arguments (clap derive). Raw arguments are turned into checked values in the
//! command modules before anything runs.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Executable validation for IIoT → MES integrations: run Gherkin campaigns against adapters and
/// seal the results into IQ/OQ/PQ evidence packages.
#[derive(Debug, Parser)]
#[command(
    name = "qualify",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Project file to use instead of ./qualify.yaml. Relative paths inside it are resolved
    /// against its folder.
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        default_value = "qualify.yaml"
    )]
    pub config: PathBuf,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the scenarios a campaign would run, by stage and requirement, without running them.
    ///
    /// Every feature is parsed; a malformed feature, a scenario without exactly one stage tag or a
    /// requirement tag missing from the requirements file is an error (exit code 2). Requirements
    /// that no scenario covers are listed.
    List(ListArgs),
    /// Run a campaign and seal its evidence package.
    ///
    /// Scenarios run against the adapters of qualify.yaml; every request, response and assertion
    /// (expected and actual) is recorded. The package is written under a temporary name and renamed
    /// into place when complete. Exit code 0 when every scenario passed, 1 when any failed.
    Run(RunArgs),
    /// Render a package's report (report.html and report.pdf) from the package alone.
    ///
    /// By default the rendition shows the package as it stands now: bound to its manifest digest,
    /// with the signatures, deviation closures and audit trail added after sealing. It is written
    /// to PKG/renditions/ (outside the manifest) unless --out says otherwise. Rendering the same
    /// package twice gives byte-identical files.
    Render(RenderArgs),
}

/// `qualify render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The evidence package folder.
    #[arg(value_name = "PKG")]
    pub package: PathBuf,

    /// Folder to write report.html and report.pdf into (default PKG/renditions).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// HTML template to use instead of the project's (or the built-in) one.
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,

    /// Reproduce the rendition sealed inside the package (content digest, no signatures), to
    /// compare it with the package's own report.html and report.pdf.
    #[arg(long)]
    pub sealed: bool,
}

/// Selection shared by `list` and `run`.
#[derive(Debug, Args)]
pub struct SelectArgs {
    /// Only scenarios of this stage: IQ, OQ or PQ.
    #[arg(long, value_name = "STAGE")]
    pub stage: Option<String>,

    /// Only scenarios whose tags satisfy this cucumber tag expression, for example
    /// '@URS-003 and not @slow'.
    #[arg(long, value_name = "EXPR")]
    pub tags: Option<String>,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned text for people.
    Human,
    /// JSON for machines.
    Json,
}

/// `qualify list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    /// Selection.
    pub select: SelectArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// When to show live progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Progress {
    /// A live line on a terminal, plain lines otherwise.
    Auto,
    /// Plain lines, one per finished scenario.
    Plain,
    /// Only the final summary.
    Quiet,
}

/// `qualify run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    /// Selection.
    pub select: SelectArgs,

    /// Evidence folder to write the package into, instead of the one in qualify.yaml.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Maximum number of scenarios running at once (default from qualify.yaml, else 4).
    /// Scenarios tagged @serial always run alone.
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,

    /// Progress display.
    #[arg(long, value_enum, default_value_t = Progress::Auto)]
    pub progress: Progress,
}
