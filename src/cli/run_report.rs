//! `qualify run --format json`: one document on stdout (`qualify.run/v1`) for CI scripts, the
//! human summary and every status line on stderr.

use serde::Serialize;

use super::args::Format;
use super::output::emit;
use crate::errors::Error;
use crate::evidence::Summary;
use crate::runner::CampaignOutcome;

/// Schema id of the JSON form.
pub const RUN_SCHEMA: &str = "qualify.run/v1";

#[derive(Serialize)]
struct RunReport<'a> {
    schema: &'static str,
    package_id: &'a str,
    package: String,
    /// `null` for a trial run, which is not sealed.
    manifest_sha256: Option<&'a str>,
    /// A trial run (`--trial`): not an evidence package.
    trial: bool,
    /// Every selected scenario passed.
    passed: bool,
    summary: &'a Summary,
    /// Each scenario that did not pass, with the deviations it opened.
    failed: Vec<Failed<'a>>,
    /// Why the package cannot be released (empty when it can).
    release_blockers: &'a [String],
    /// The exit code the command ends with (signing with `--sign-key` may change it).
    exit_code: i32,
}

#[derive(Serialize)]
struct Failed<'a> {
    id: &'a str,
    name: &'a str,
    deviations: Vec<&'a str>,
}

/// Prints the JSON document when `format` asks for it (the text summary is printed as the run
/// goes, by [`super::run_summary`]).
pub fn report_run(outcome: &CampaignOutcome, format: Format, exit_code: i32) -> Result<(), Error> {
    if format != Format::Json {
        return Ok(());
    }
    let results = &outcome.results;
    let failed = results
        .features
        .iter()
        .flat_map(|f| &f.scenarios)
        .filter(|s| s.status != crate::evidence::Status::Passed)
        .map(|s| Failed {
            id: &s.id,
            name: &s.name,
            deviations: outcome
                .deviations
                .deviations
                .iter()
                .filter(|d| d.scenario.id == s.id)
                .map(|d| d.id.as_str())
                .collect(),
        })
        .collect();
    let report = RunReport {
        schema: RUN_SCHEMA,
        package_id: &results.package_id,
        package: outcome.package_dir.display().to_string(),
        manifest_sha256: outcome.manifest_digest.as_deref(),
        trial: results.trial,
        passed: results.summary.scenarios_failed == 0,
        summary: &results.summary,
        failed,
        release_blockers: &results.release_blockers,
        exit_code,
    };
    emit(&mut std::io::stdout().lock(), format, &report, |_| Ok(()))
}
