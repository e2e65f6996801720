//! [`TemplateError`]: a report template that does not compile or render, with the file, line and
//! column, and [`check_template`], which `qualify run` calls before anything runs.
//!
//! A plant may replace the HTML template (`report.template` in qualify.yaml, `--template` of
//! `qualify render`). A broken one is the user's configuration, so it is an input error (exit
//! code 2), found before a campaign spends hours running, not an internal failure after it.

use std::path::{Path, PathBuf};

use tera::{Context, ErrorKind, Tera};
use thiserror::Error;

use super::model::Report;

/// Where a template came from: a broken built-in one is a bug, any other the user's to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateSource {
    /// A file: the project's `report.template`, `--template FILE`, or the copy a package keeps.
    File(PathBuf),
    /// `templates/report.html.tera`, compiled into the binary.
    BuiltIn,
}

/// A template that does not compile or render.
#[derive(Debug, Error)]
#[error(
    "the report template {}{}: {message}; {}",
    describe(.source_file),
    at(*.line, *.column),
    advice(.source_file)
)]
pub struct TemplateError {
    /// The template.
    pub source_file: TemplateSource,
    /// 1-based line of the problem, when tera knows it.
    pub line: Option<usize>,
    /// 1-based column of the problem, when tera knows it.
    pub column: Option<usize>,
    /// tera's words for the problem, without its source excerpt.
    pub message: String,
}

impl TemplateError {
    /// The error `err` of tera on the template from `source_file`.
    pub(crate) fn from_tera(source_file: TemplateSource, err: &tera::Error) -> Self {
        let (line, column, message) = match err.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => (
                Some(report.span().start_line),
                Some(report.span().start_col + 1),
                report.message().to_string(),
            ),
            // Unknown filters, tests and functions come as tera's printed reports.
            other => {
                let text = other.to_string();
                match parse_reports(&text) {
                    Some((line, column, message)) => (Some(line), Some(column), message),
                    None => (None, None, text),
                }
            }
        };
        Self {
            source_file,
            line,
            column,
            message,
        }
    }

    /// False only for the built-in template, whose failure is a bug rather than the user's to
    /// fix.
    pub fn is_users(&self) -> bool {
        self.source_file != TemplateSource::BuiltIn
    }

    /// The same error, naming `path` as the template (the project's file rather than the copy
    /// in a package being written).
    pub(crate) fn naming(mut self, path: &Path) -> Self {
        if self.is_users() {
            self.source_file = TemplateSource::File(path.to_path_buf());
        }
        self
    }
}

/// Line, column and message of the first of tera's printed reports in `text`
/// (`error: Unknown filter `x`` then ` --> report.html:3:20` and an excerpt), with a count of
/// the others.
fn parse_reports(text: &str) -> Option<(usize, usize, String)> {
    let mut messages = text.lines().filter_map(|l| l.strip_prefix("error: "));
    let first = messages.next()?.to_string();
    let others = messages.count();
    let place = text
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "))?;
    let mut numbers = place.rsplit(':');
    let column = numbers.next()?.trim().parse().ok()?;
    let line = numbers.next()?.trim().parse().ok()?;
    let message = match others {
        0 => first,
        n => format!("{first} (and {n} more problem(s) of that kind)"),
    };
    Some((line, column, message))
}

fn describe(source: &TemplateSource) -> String {
    match source {
        TemplateSource::File(path) => path.display().to_string(),
        TemplateSource::BuiltIn => "built-in".into(),
    }
}

fn at(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(", line {l}, column {c}"),
        (Some(l), None) => format!(", line {l}"),
        _ => String::new(),
    }
}

fn advice(source: &TemplateSource) -> &'static str {
    match source {
        TemplateSource::File(_) => {
            "fix it (tera 2 syntax; the fields a template can use are in docs/reports.md#templates), or use the built-in template (no `report.template` in qualify.yaml, no `--template`)"
        }
        TemplateSource::BuiltIn => "this is a bug in qualify, please report it",
    }
}

/// Compiles `source` (the text of the template from `from`) and renders `report` with it.
pub(crate) fn render_with(
    from: TemplateSource,
    source: &str,
    report: &Report,
) -> Result<String, TemplateError> {
    let fail = |e: tera::Error| TemplateError::from_tera(from.clone(), &e);
    let mut tera = Tera::new();
    tera.add_raw_template("report.html", source).map_err(fail)?;
    let context = Context::from_serialize(report).map_err(fail)?;
    tera.render("report.html", &context).map_err(fail)
}

/// Why the template at `path` cannot be used: it cannot be read, does not compile, or fails to
/// render a report (an empty one: a problem only some package's data reaches is found when that
/// package is rendered, and reported the same way).
pub fn check_template(path: &Path) -> Result<(), TemplateCheckError> {
    let text = std::fs::read_to_string(path).map_err(|source| TemplateCheckError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    render_with(
        TemplateSource::File(path.to_path_buf()),
        &text,
        &Report::default(),
    )?;
    Ok(())
}

/// The project's template cannot be used; nothing has run.
#[derive(Debug, Error)]
pub enum TemplateCheckError {
    /// The file cannot be read.
    #[error(
        "cannot read the report template {} (`report.template` in qualify.yaml, relative to its folder)",
        path.display()
    )]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS's reason.
        #[source]
        source: std::io::Error,
    },
    /// It does not compile or render.
    #[error(transparent)]
    Broken(#[from] TemplateError),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn broken(text: &str) -> TemplateError {
        let from = TemplateSource::File(PathBuf::from("/plant/report.html.tera"));
        render_with(from, text, &Report::default()).unwrap_err()
    }

    #[test]
    fn errors_name_the_file_line_and_column() {
        let err = broken("<html>\n<p>{{ package_id | nosuchfilter }}</p>\n");
        assert_eq!((err.line, err.column), (Some(2), Some(20)), "{err}");
        let text = err.to_string();
        assert!(
            text.starts_with(
                "the report template /plant/report.html.tera, line 2, column 20: Unknown filter \
                 `nosuchfilter`; fix"
            ),
            "{text}"
        );
        assert!(text.contains("nosuchfilter"), "{text}");
        let err = broken("<html>\n{% if status %}\n<p>x</p>\n");
        assert!(err.line.is_some(), "{err}");
        assert!(err.is_users());
    }

    #[test]
    fn the_built_in_template_renders_an_empty_report() {
        render_with(
            TemplateSource::BuiltIn,
            super::super::html::DEFAULT_TEMPLATE,
            &Report::default(),
        )
        .unwrap();
    }
}
