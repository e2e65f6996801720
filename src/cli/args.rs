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
    /// against its folder. `verify` reads no qualify.yaml unless this names one.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

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
    /// Assess the impact of the changes since a baseline revision.
    ///
    /// Diffs BASELINE..HEAD plus uncommitted changes (with rename detection), maps every changed
    /// path to the components of qualify.yaml, their requirements and scenarios, applies the
    /// regression rule of each risk class, and lists the paths no component claims (they need a
    /// human assessment). Prints Markdown (or JSON); --out also writes impact.json and impact.md.
    Impact(ImpactArgs),
    /// The CI release gate: pass only with verified, approved evidence for this revision.
    ///
    /// Passes when a package for HEAD's commit (or the same tree) verifies, carries every
    /// signature of the workflow, has no open deviation, all its scenarios passed, and it covers
    /// every scenario that the impact assessment from the last approved baseline requires, with no
    /// changed path left unassessed and a clean working tree. Otherwise lists every reason and
    /// exits with 4.
    Gate(GateArgs),
    /// Dispose of a package of a revision (failed scenarios, open deviations) in favour of another.
    ///
    /// Writes a signed supersession record (DSSE, predicate urn:qualify:predicate:supersession:v1)
    /// into the supersessions folder (impact.supersessions, default validation/supersessions/),
    /// to be committed. The signer needs a role of impact.superseders; the replacement must
    /// verify and cover the same scenarios or more. `qualify gate` then no longer counts the
    /// superseded package against its revision.
    Supersede(SupersedeArgs),
    /// Make an Ed25519 key pair for a signer.
    ///
    /// The private key is written to --out as encrypted PKCS#8 PEM (PBES2: PBKDF2-HMAC-SHA256,
    /// AES-256-CBC), mode 0600, never over an existing file. The passphrase comes from the
    /// environment variable QUALIFY_KEY_PASSPHRASE, else it is asked for twice on the terminal.
    /// The public entry for the signers registry is printed, and appended to --signers when given.
    Keygen(KeygenArgs),
    /// Sign a sealed package with a meaning of the workflow (executed, reviewed, approved).
    ///
    /// Before signing, the package is verified and the workflow checked: the meaning's order,
    /// the signer's role, distinct signers, no approval while a deviation is open. The signature is
    /// a DSSE envelope written to signatures/ in the package, recorded in its audit trail.
    Sign(SignArgs),
    /// Join the shard packages of one sharded campaign (`qualify run --shard K/N`) into one
    /// package.
    ///
    /// Each shard must verify; all must come from the same commit, selection, configuration
    /// and partition, every shard 1..N once, every scenario of the campaign exactly once. The
    /// merged package holds the whole campaign's results, reports and deviations, each shard's
    /// attachments and records (shards/<K>/), and `merged_from` naming each shard's package id
    /// and manifest digest. Exit code 0 when every scenario passed, 1 when any failed, 2 when
    /// the shards are not one complete campaign, 3 when a shard does not verify.
    Merge(MergeArgs),
    /// Verify a package: files, signatures, signers, workflow, audit trail, deviations, git commit.
    ///
    /// Every problem names the file or signature and the reason. Exit code 0 when the package
    /// verifies (warnings such as open deviations allowed), 3 when it does not.
    Verify(VerifyArgs),
    /// Work with the deviations of a package (every failed step of a run opens one).
    #[command(subcommand)]
    Deviation(DeviationCommand),
    /// Render a package's report (report.html and report.pdf) from the package alone.
    ///
    /// By default the rendition shows the package as it stands now: bound to its manifest digest,
    /// with the signatures, deviation closures and audit trail added after sealing. It is written
    /// to PKG/renditions/ (outside the manifest) unless --out says otherwise. Rendering the same
    /// package twice gives byte-identical files.
    Render(RenderArgs),
    /// Overview: every package of the evidence store and of the git ledger, what each still
    /// needs, packages missing from the store, refused signing attempts, and the gate for HEAD.
    ///
    /// Reads the evidence store and the ledger (refs/qualify/ledger) of the project's repository.
    /// Exit code 0 (it reports; `qualify gate` decides).
    Status(StatusArgs),
    /// Complete interrupted signings: write back the signatures and closures that the git ledger
    /// anchors for this package but the package lacks, and record that in its audit trail.
    ///
    /// `sign` and `deviation close` do the same before they sign. Exit code 0 when nothing is
    /// left missing, 3 when an anchored envelope cannot be written back.
    Recover(RecoverArgs),
    /// Work with the git ledger of seals and signatures (refs/qualify/ledger).
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// Make a validation project that runs green at once: qualify.yaml, requirements.yaml, an
    /// IQ/OQ/PQ protocol against an example adapter (python3), .gitignore and CI snippets.
    ///
    /// Never overwrites: when any of its files exists, nothing is written (exit code 2). A folder
    /// outside any git repository becomes one.
    Init(InitArgs),
}

/// `qualify merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard packages, one per shard 1..N, in any order.
    #[arg(value_name = "SHARD_PACKAGE", required = true)]
    pub shards: Vec<PathBuf>,

    /// Evidence folder to write the merged package into, instead of the one in qualify.yaml.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `qualify init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The project folder (created when missing), default the current folder.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

/// `qualify ledger ...`.
#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Merge another ledger (fetched from a clone whose ledger diverged) into refs/qualify/ledger:
    /// the union of both, as a merge commit, or a fast-forward.
    ///
    /// For a push refused because another clone appended first:
    /// `git fetch origin refs/qualify/ledger:refs/qualify/incoming`, then
    /// `qualify ledger merge refs/qualify/incoming`, then push again.
    Merge(LedgerMergeArgs),
    /// Check the ledger as a whole: no record removed or rewritten by a later ledger commit, and
    /// every anchored supersession record present, unchanged, in the supersessions folder.
    ///
    /// Exit code 0 when consistent, 3 when not (each problem is listed).
    Check,
}

/// `qualify ledger merge`.
#[derive(Debug, Args)]
pub struct LedgerMergeArgs {
    /// The other ledger: a reference or commit (e.g. refs/qualify/incoming).
    #[arg(value_name = "REF")]
    pub reference: String,
}

/// `qualify status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Folder of evidence packages, instead of `evidence:` of qualify.yaml.
    #[arg(long, value_name = "DIR")]
    pub evidence: Option<PathBuf>,

    /// Output format (json: schema qualify.status/v1).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// `qualify recover`.
#[derive(Debug, Args)]
pub struct RecoverArgs {
    /// The package folder (evidence/<id>).
    #[arg(value_name = "PKG")]
    pub package: PathBuf,
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

    /// Output: the written files one per line, or JSON (qualify.render/v1).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// `qualify deviation ...`.
#[derive(Debug, Subcommand)]
pub enum DeviationCommand {
    /// Close a deviation with a signed disposition.
    ///
    /// The disposition is signed like a workflow signature (DSSE envelope in
    /// deviations/closures/<ID>.dsse.json) by a role allowed to close deviations
    /// (workflow.deviation_closers; default validation-lead, quality-assurance).
    Close(DeviationCloseArgs),
    /// List a package's deviations: id, open or closed, scenario, step and failure.
    ///
    /// A closure counts only when its envelope is valid, so the package is verified first with
    /// the trust anchor `verify` would use (same options). Exit code 0, also for a package that
    /// does not verify (a warning says so).
    List(VerifyArgs),
}

/// The signing key and the registry, shared by `sign` and `deviation close`.
#[derive(Debug, Args)]
pub struct KeyArgs {
    /// The encrypted private key (PKCS#8 PEM, as written by `qualify keygen`). It must not be
    /// readable by other users. Passphrase: QUALIFY_KEY_PASSPHRASE, else asked on the terminal.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,

    /// Signers registry, instead of `signers:` of qualify.yaml (default signers.yaml).
    #[arg(long, value_name = "REGISTRY")]
    pub signers: Option<PathBuf>,

    /// The role to sign in, when the signer holds several that may sign this.
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,
}

/// `qualify keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// The signer's id in the registry (letters, digits, `.`, `_`, `-`), e.g. jdoe.
    #[arg(long, value_name = "ID")]
    pub id: String,

    /// The printed name shown in every signature, e.g. "Jane Doe".
    #[arg(long, value_name = "NAME")]
    pub name: String,

    /// A role the signer holds (repeat, or separate with commas): validation-engineer, ci,
    /// validation-lead, quality-assurance, or the roles of your workflow.
    #[arg(
        long = "role",
        value_name = "ROLE",
        required = true,
        value_delimiter = ','
    )]
    pub roles: Vec<String>,

    /// Where to write the encrypted private key. Never overwritten.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,

    /// Append the public entry to this signers registry (created if missing).
    #[arg(long, value_name = "REGISTRY")]
    pub signers: Option<PathBuf>,

    /// Start of the key's validity (RFC 3339, UTC), default now.
    #[arg(long, value_name = "TIME")]
    pub valid_from: Option<String>,

    /// Accept roles that no meaning or deviation closure of the workflow names (by default such
    /// a role is refused as a likely typo: the key could sign nothing).
    #[arg(long)]
    pub any_role: bool,

    /// Output: the registry entry as YAML text, or as JSON (qualify.keygen/v1).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// `qualify sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The package folder (evidence/<id>).
    #[arg(value_name = "PKG")]
    pub package: PathBuf,

    /// What the signature means: a meaning of the workflow (default executed, reviewed,
    /// approved).
    #[arg(long, value_name = "MEANING")]
    pub meaning: String,

    /// The plant's RFC 3161 time-stamping authority (URL), instead of `signing.tsa_url` of
    /// qualify.yaml: its token over the signature is stored beside the envelope. A TSA that
    /// fails leaves the package untouched (exit 5).
    #[arg(long, value_name = "URL")]
    pub tsa: Option<String>,

    /// Output: the manifestation as text, or as JSON (qualify.signed/v1) on stdout with every
    /// status line on stderr.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    #[command(flatten)]
    /// Key, registry and role.
    pub key: KeyArgs,
}

/// `qualify verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The package folder (evidence/<id>).
    #[arg(value_name = "PKG")]
    pub package: PathBuf,

    /// Trusted signers registry. Without it (and without --config), the registry committed in
    /// the repository (--repo) is used: at the package's commit for membership, at HEAD for
    /// revocations. A signers.yaml in the current folder is never used implicitly.
    #[arg(long, value_name = "REGISTRY")]
    pub signers: Option<PathBuf>,

    /// The git repository whose committed qualify.yaml and signers registry are trusted, which
    /// must hold the package's commit, and whose ledger (refs/qualify/ledger) the package is
    /// checked against: rollback, re-seal, anchored times, approval tags. Default: the
    /// repository containing the current folder. Always named in the output.
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,

    /// Largest accepted lead, in seconds, of a recorded time over this computer's clock.
    #[arg(long, value_name = "SECONDS", default_value_t = crate::verify::DEFAULT_MAX_SKEW_SECONDS)]
    pub max_clock_skew: i64,

    /// Trusted TSA CA certificates (PEM): every RFC 3161 time-stamp token of the package is
    /// checked against them, instead of `signing.tsa_ca` of the qualify.yaml named with
    /// --config. Without either, tokens are reported as not checked.
    #[arg(long, value_name = "FILE")]
    pub tsa_ca: Option<PathBuf>,

    /// Every signature and closure must carry a time-stamp token (as `signing.require_tsa`).
    #[arg(long)]
    pub require_tsa: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// `qualify deviation close`.
#[derive(Debug, Args)]
pub struct DeviationCloseArgs {
    /// The package folder (evidence/<id>).
    #[arg(value_name = "PKG")]
    pub package: PathBuf,

    /// The deviation id, e.g. DEV-001 (`qualify verify PKG` lists them).
    #[arg(value_name = "ID")]
    pub id: String,

    /// What was decided and why.
    #[arg(long, value_name = "TEXT")]
    pub disposition: String,

    /// How serious the deviation is (signed with the disposition).
    #[arg(long, value_enum)]
    pub classification: Option<Classification>,

    /// Its impact on the validated state and on product quality.
    #[arg(long, value_name = "TEXT")]
    pub impact: Option<String>,

    /// Its root cause.
    #[arg(long, value_name = "TEXT")]
    pub root_cause: Option<String>,

    /// The CAPA (corrective and preventive action) reference, e.g. CAPA-2026-014.
    #[arg(long, value_name = "REF")]
    pub capa: Option<String>,

    /// The plant's RFC 3161 time-stamping authority (URL), instead of `signing.tsa_url` of
    /// qualify.yaml: its token over the signature is stored beside the envelope. A TSA that
    /// fails leaves the package untouched (exit 5).
    #[arg(long, value_name = "URL")]
    pub tsa: Option<String>,

    /// Output: text, or JSON (qualify.signed/v1) on stdout with status lines on stderr.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    #[command(flatten)]
    /// Key, registry and role.
    pub key: KeyArgs,
}

/// A deviation's classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Classification {
    /// No effect on product quality or the validated state.
    Minor,
    /// Could affect them; needs investigation and usually a CAPA.
    Major,
    /// Affects them; the system must not be released as is.
    Critical,
}

impl Classification {
    /// As recorded: `minor`, `major`, `critical`.
    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Minor => "minor",
            Classification::Major => "major",
            Classification::Critical => "critical",
        }
    }
}

/// `qualify gate`.
#[derive(Debug, Args)]
pub struct GateArgs {
    /// Gate this stage: only its packages (or all-stage ones) count, only its scenarios are
    /// required.
    #[arg(long, value_name = "STAGE")]
    pub stage: Option<String>,

    /// Impact baseline, instead of the newest approved package's commit.
    #[arg(long, value_name = "REV")]
    pub baseline: Option<String>,

    /// Folder of evidence packages, instead of `evidence:` of qualify.yaml.
    #[arg(long, value_name = "DIR")]
    pub evidence: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// `qualify supersede`.
#[derive(Debug, Args)]
pub struct SupersedeArgs {
    /// The package disposed of (evidence/<package id>).
    #[arg(value_name = "PACKAGE")]
    pub package: PathBuf,

    /// The package that replaces it.
    #[arg(long, value_name = "PACKAGE")]
    pub by: PathBuf,

    /// Why the package is superseded (recorded and signed).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,

    /// Key, registry and role.
    #[command(flatten)]
    pub key: KeyArgs,
}

/// `qualify impact`.
#[derive(Debug, Args)]
pub struct ImpactArgs {
    /// The revision to compare with: a tag, branch or commit. Default: the newest approved
    /// package's commit (tag qualify/approved/<stage>/<id>) that HEAD descends from.
    #[arg(long, value_name = "REV")]
    pub baseline: Option<String>,

    /// The stage whose approved baseline is the default (IQ, OQ, PQ; default any).
    #[arg(long, value_name = "STAGE")]
    pub stage: Option<String>,

    /// Output format on stdout: human (Markdown) or json.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Also write impact.json and impact.md into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Record a signed human assessment of this changed path that no component claims (written
    /// to the assessments folder, to be committed). Needs --rationale and --key.
    #[arg(long, value_name = "PATH", requires_all = ["rationale", "key"])]
    pub assess: Option<String>,

    /// Why the change at --assess needs no regression testing.
    #[arg(long, value_name = "TEXT", requires = "assess")]
    pub rationale: Option<String>,

    /// The assessor's encrypted private key (passphrase from QUALIFY_KEY_PASSPHRASE or the
    /// terminal).
    #[arg(long, value_name = "FILE", requires = "assess")]
    pub key: Option<PathBuf>,

    /// Signers registry, instead of `signers:` of qualify.yaml.
    #[arg(long, value_name = "REGISTRY")]
    pub signers: Option<PathBuf>,

    /// The role to assess in, when the assessor holds several allowed ones.
    #[arg(long, value_name = "ROLE", requires = "assess")]
    pub role: Option<String>,
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

    /// Only these feature files, or the scenario at LINE of one (a Scenario, a Scenario Outline
    /// with all its rows, or one Examples row), e.g. features/oq/oee.feature:12.
    #[arg(value_name = "FEATURE[:LINE]")]
    pub locations: Vec<String>,
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

    /// Run only shard K of N of the selection (1 ≤ K ≤ N), balanced by the durations recorded
    /// in the evidence store, e.g. --shard 2/4; `auto` reads GitLab's CI_NODE_INDEX and
    /// CI_NODE_TOTAL. `qualify merge` joins the shard packages into one (docs/sharding.md).
    #[arg(long, value_name = "K/N|auto")]
    pub shard: Option<String>,

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

    /// Run only shard K of N of the selection (1 ≤ K ≤ N), balanced by the durations recorded
    /// in the evidence store, e.g. --shard 2/4; `auto` reads GitLab's CI_NODE_INDEX and
    /// CI_NODE_TOTAL. `qualify merge` joins the shard packages into one (docs/sharding.md).
    #[arg(long, value_name = "K/N|auto")]
    pub shard: Option<String>,

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

    /// Run only what the impact assessment against this baseline revision selects, plus every
    /// IQ scenario; the assessment goes into the package with the reason for each scenario.
    #[arg(long, value_name = "REV")]
    pub impact: Option<String>,

    /// Sign the package as `executed` with this key right after sealing. The key and its
    /// passphrase are checked before any scenario runs.
    #[arg(long, value_name = "FILE")]
    pub sign_key: Option<PathBuf>,

    /// A trial run while writing a protocol: the same campaign, written unsealed to
    /// .qualify/trials/ (or --out) with an HTML report marked TRIAL; never an evidence package:
    /// it cannot be verified, signed or gated.
    #[arg(long, conflicts_with = "sign_key")]
    pub trial: bool,

    /// Signers registry for --sign-key, instead of `signers:` of qualify.yaml.
    #[arg(long, value_name = "REGISTRY", requires = "sign_key")]
    pub signers: Option<PathBuf>,

    /// The role to sign `executed` in, when the signer holds several that may.
    #[arg(long, value_name = "ROLE", requires = "sign_key")]
    pub role: Option<String>,

    /// Output: the summary as text, or one JSON document (qualify.run/v1) on stdout with the
    /// summary and status lines on stderr.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}
