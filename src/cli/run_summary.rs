//! The summary `qualify run` prints at the end: the counts, every scenario that did not pass with
//! the deviation each failed step opened and the failure message in full, the package, and the
//! command that closes a deviation.
//!
//! The message is printed whole, line by line: the decisive line of a failed match
//! (`at $.quality_pct: expected 91.0, found 90.0`) is usually not the first one, and an operator
//! must not have to open the package to learn what failed or which id `deviation close` needs.

use std::fmt::Write as _;

use crate::deviation::{DEVIATIONS_FILE, Deviation, DeviationRegister};
use crate::evidence::{RunResults, ScenarioResult, Status};
use crate::runner::CampaignOutcome;

/// Lines of one failure message printed; the rest are in the deviation register. Generous: a
/// long MQTT listing is the only message that reaches it.
const MAX_MESSAGE_LINES: usize = 24;

/// Prints the summary of `outcome` to stdout.
pub(super) fn print_outcome(outcome: &CampaignOutcome) {
    let text = summary(
        &outcome.results,
        &outcome.deviations,
        &outcome.package_dir.display().to_string(),
    );
    crate::outln!("{}", text.trim_end_matches('\n'));
    if let Some(digest) = &outcome.manifest_digest {
        crate::outln!("manifest sha256:  {digest}");
    }
}

/// The summary as text (without the manifest digest line).
fn summary(results: &RunResults, register: &DeviationRegister, package: &str) -> String {
    let s = &results.summary;
    let mut out = format!(
        "{} scenarios: {} passed, {} failed ({} steps passed, {} failed, {} undefined, {} skipped)\n",
        s.scenarios,
        s.scenarios_passed,
        s.scenarios_failed,
        s.steps_passed,
        s.steps_failed,
        s.steps_undefined,
        s.steps_skipped
    );
    let failed = results
        .features
        .iter()
        .flat_map(|f| &f.scenarios)
        .filter(|sc| sc.status != Status::Passed);
    for sc in failed {
        scenario_lines(&mut out, sc, register);
    }
    if results.trial {
        let _ = writeln!(
            out,
            "TRIAL RUN, NOT EVIDENCE (unsealed; cannot be verified, signed or gated): {package}"
        );
        return out;
    }
    let _ = writeln!(out, "evidence package: {package}");
    if let Some(first) = register.deviations.first() {
        let _ = writeln!(
            out,
            "{} deviation(s) opened; close each with a signed disposition: qualify deviation \
             close {package} {} --disposition \"…\" --key KEY",
            register.deviations.len(),
            first.id
        );
    }
    out
}

/// `FAILED name (id)`, then each deviation of the scenario with its message; a scenario that
/// failed without a failed step (the runner lost it) shows its first message.
fn scenario_lines(out: &mut String, sc: &ScenarioResult, register: &DeviationRegister) {
    let _ = writeln!(out, "  FAILED {} ({})", sc.name, sc.id);
    let mut opened = register
        .deviations
        .iter()
        .filter(|d| d.scenario.id == sc.id)
        .peekable();
    if opened.peek().is_none() {
        let why = sc
            .steps
            .iter()
            .find_map(|st| st.error.clone())
            .unwrap_or_else(|| "no step failed; see the campaign problems in results.json".into());
        message_lines(out, &why, "      ");
        return;
    }
    for deviation in opened {
        deviation_lines(out, deviation);
    }
}

fn deviation_lines(out: &mut String, d: &Deviation) {
    let _ = writeln!(
        out,
        "    {} (line {}: {})",
        d.id,
        d.step.line,
        d.step.text.trim_end()
    );
    message_lines(out, &d.error, "      ");
}

/// Every line of `message`, whole, up to [`MAX_MESSAGE_LINES`].
fn message_lines(out: &mut String, message: &str, indent: &str) {
    let lines: Vec<&str> = message.lines().collect();
    for line in lines.iter().take(MAX_MESSAGE_LINES) {
        let _ = writeln!(out, "{indent}{line}");
    }
    if lines.len() > MAX_MESSAGE_LINES {
        let _ = writeln!(
            out,
            "{indent}… {} more line(s) in {DEVIATIONS_FILE}",
            lines.len() - MAX_MESSAGE_LINES
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_cut_by_lines_never_within_one() {
        let mut out = String::new();
        let message: Vec<String> = (0..30)
            .map(|i| format!("line {i} {}", "x".repeat(300)))
            .collect();
        message_lines(&mut out, &message.join("\n"), "  ");
        assert!(
            out.contains(&format!("line 23 {}", "x".repeat(300))),
            "{out}"
        );
        assert!(!out.contains("line 24 "), "{out}");
        assert!(
            out.contains("… 6 more line(s) in deviations/deviations.json"),
            "{out}"
        );
    }
}
