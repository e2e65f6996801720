//! The failure text of a step, shared by the JUnit and Cucumber JSON renditions so both tell a CI
//! reader the same thing: the error, and for every failed comparison what was expected and what
//! was found.

use std::fmt::Write as _;

use serde_json::Value;

use qualify_evidence::results::{Assertion, Status, StepResult};

/// The failure description of `step`, or `None` when it did not fail.
pub(crate) fn failure_text(step: &StepResult) -> Option<String> {
    let failed: Vec<&Assertion> = step.assertions.iter().filter(|a| !a.passed).collect();
    let failing = matches!(step.status, Status::Failed | Status::Undefined);
    if !failing && failed.is_empty() {
        return None;
    }
    let mut text = match (&step.error, step.status) {
        (Some(error), _) => error.clone(),
        (None, Status::Undefined) => {
            format!("no step definition matches `{}{}`", step.keyword, step.text)
        }
        (None, _) => "the step failed".to_string(),
    };
    for assertion in failed {
        // Writing to a String cannot fail.
        let _ = write!(
            text,
            "\n{} {}: expected {}, actual {}",
            assertion.subject,
            assertion.comparison,
            compact(&assertion.expected),
            compact(&assertion.actual)
        );
        for mismatch in &assertion.mismatches {
            let _ = write!(
                text,
                "\n  at {}: expected {}, actual {} ({})",
                mismatch.path,
                compact(&mismatch.expected),
                compact(&mismatch.actual),
                mismatch.reason
            );
        }
    }
    Some(text)
}

/// The first line of `text`, for one-line summaries (`message` attributes).
pub(crate) fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| value.to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::evidence::Mismatch;

    fn step(status: Status) -> StepResult {
        StepResult {
            input: None,
            output: None,
            keyword: "Then ".into(),
            text: "the response matches:".into(),
            line: 9,
            background: false,
            status,
            started_at: None,
            finished_at: None,
            duration_ms: 0,
            error: None,
            doc_string: None,
            data_table: None,
            assertions: vec![],
            attachments: vec![],
        }
    }

    #[test]
    fn passed_steps_have_no_failure() {
        assert_eq!(failure_text(&step(Status::Passed)), None);
        assert_eq!(failure_text(&step(Status::Skipped)), None);
    }

    #[test]
    fn lists_error_and_failed_assertions_only() {
        let mut s = step(Status::Failed);
        s.error = Some("1 of 2 comparisons failed".into());
        let assertion = |passed, actual| Assertion {
            subject: "response".into(),
            comparison: "matches".into(),
            expected: json!({"oee": 0.85}),
            actual,
            passed,
            mismatches: vec![],
        };
        s.assertions.push(assertion(true, json!({"oee": 0.85})));
        let mut bad = assertion(false, json!({"oee": 0.8}));
        bad.mismatches.push(Mismatch {
            path: "$.oee".into(),
            expected: json!(0.85),
            actual: json!(0.8),
            reason: "values differ".into(),
        });
        s.assertions.push(bad);
        assert_eq!(
            failure_text(&s).unwrap(),
            "1 of 2 comparisons failed\n\
             response matches: expected {\"oee\":0.85}, actual {\"oee\":0.8}\n  \
             at $.oee: expected 0.85, actual 0.8 (values differ)"
        );
        let undefined = failure_text(&step(Status::Undefined)).unwrap();
        assert_eq!(
            undefined,
            "no step definition matches `Then the response matches:`"
        );
        assert_eq!(first_line("a\nb"), "a");
    }
}
