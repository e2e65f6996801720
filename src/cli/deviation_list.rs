//! `qualify deviation list`: the deviations of a package, each open or closed, with what
//! `deviation close` needs (the id) and where it happened.
//!
//! Open or closed is decided as `verify` decides it — a closure counts only when its envelope is
//! valid — so the package is verified first, with the same trust anchor; a package that does not
//! verify is still listed, with a warning, because the engineer needs the list to repair it.

use std::io::{self, Write};

use serde::Serialize;

use super::args::VerifyArgs;
use super::output::emit;
use crate::config::Config;
use crate::deviation::DeviationRegister;
use crate::errors::Error;
use crate::exit_code;
use crate::verify::Verification;

/// Schema id of the JSON form.
pub const DEVIATION_LIST_SCHEMA: &str = "qualify.deviation-list/v1";

/// The JSON form: the package and one entry per deviation, in register order.
#[derive(Debug, Serialize)]
struct DeviationList {
    schema: &'static str,
    package: String,
    package_id: String,
    /// Whether the package verified (closures of a package that does not are still listed).
    verified: bool,
    deviations: Vec<Entry>,
}

/// One deviation.
#[derive(Debug, Serialize)]
struct Entry {
    id: String,
    /// `open` or `closed`.
    status: String,
    scenario_id: String,
    scenario: String,
    stage: String,
    requirements: Vec<String>,
    step_line: usize,
    step: String,
    /// The first line of the failure message (the whole one is in the register).
    error: String,
    /// The closure envelope, when closed.
    #[serde(skip_serializing_if = "Option::is_none")]
    closed_by: Option<String>,
    /// What the closure signed, when closed: `disposition`, and `classification`, `impact`,
    /// `root_cause`, `capa` as far as they were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    closure: Option<crate::sign::DeviationDisposition>,
}

/// Lists; exit code 0 (it reports), also when the package does not verify.
pub fn list(config: Option<&Config>, args: &VerifyArgs, out: &mut dyn Write) -> Result<i32, Error> {
    let verification = super::verify::verification(config, args)?;
    let list = build(&verification, &args.package.display().to_string());
    if !list.verified {
        eprintln!(
            "warning: the package does not verify ({} error(s)); closures are counted only when \
             their envelope is valid. Run `qualify verify {}` for the findings.",
            verification.report.errors(),
            list.package
        );
    }
    emit(out, args.format, &list, |o| write_human(&list, o))?;
    Ok(exit_code::SUCCESS)
}

fn build(verification: &Verification, package: &str) -> DeviationList {
    let report = &verification.report;
    let register: Option<&DeviationRegister> = verification
        .contents
        .as_ref()
        .and_then(|c| c.register.as_ref().ok());
    let deviations = register
        .map(|r| r.deviations.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|d| {
            let summary = report.deviations.iter().find(|s| s.id == d.id);
            Entry {
                id: d.id.clone(),
                status: summary.map_or("open".into(), |s| s.status.clone()),
                scenario_id: d.scenario.id.clone(),
                scenario: d.scenario.name.clone(),
                stage: d.scenario.stage.clone(),
                requirements: d.scenario.requirements.clone(),
                step_line: d.step.line,
                step: d.step.text.clone(),
                error: d.error.lines().next().unwrap_or_default().to_string(),
                closed_by: summary.and_then(|s| s.closed_by.clone()),
                closure: summary.and_then(|s| s.closure.clone()),
            }
        })
        .collect();
    DeviationList {
        schema: DEVIATION_LIST_SCHEMA,
        package: package.to_string(),
        package_id: report.package_id.clone(),
        verified: report.verified,
        deviations,
    }
}

fn write_human(list: &DeviationList, out: &mut dyn Write) -> io::Result<()> {
    if list.deviations.is_empty() {
        return writeln!(out, "{}: no deviations", list.package_id);
    }
    let open = list
        .deviations
        .iter()
        .filter(|d| d.status == "open")
        .count();
    writeln!(
        out,
        "{}: {} deviation(s), {open} open",
        list.package_id,
        list.deviations.len()
    )?;
    for d in &list.deviations {
        writeln!(
            out,
            "{:<8} {:<6} {} ({})",
            d.id, d.status, d.scenario, d.scenario_id
        )?;
        writeln!(out, "         step line {}: {}", d.step_line, d.step)?;
        writeln!(out, "         {}", d.error)?;
        if let Some(by) = &d.closed_by {
            writeln!(out, "         closed by {by}")?;
        }
        if let Some(c) = &d.closure {
            writeln!(out, "         disposition: {}", c.disposition)?;
            let assessed = c.assessment.summary();
            if !assessed.is_empty() {
                writeln!(out, "         {assessed}")?;
            }
        }
    }
    if let Some(first) = list.deviations.iter().find(|d| d.status == "open") {
        writeln!(
            out,
            "close each open one with a signed disposition: qualify deviation close {} {} \
             --disposition \"…\" --key KEY",
            list.package, first.id
        )?;
    }
    Ok(())
}
