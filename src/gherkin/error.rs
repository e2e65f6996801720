//! Gherkin syntax errors: where the first one is, and what a person can do about it.
//!
//! The official parser reports token names (`expected: #EOF, #TableRow, …, got 'x'`); qualify
//! names what is allowed in words, with the keywords of the file's language. The official
//! wording is still available ([`ParseError::official_message`]) so the conformance tests can
//! compare with the official test data.
// Variant and field names say what they hold (line, column, expected kinds).
#![allow(missing_docs)]

use super::dialect::Dialect;
use super::matcher::Kind;

/// What went wrong, and where (1-based line; column where the official parser gives one).
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorKind {
    /// A line that is not allowed at this point.
    UnexpectedLine {
        line: usize,
        column: usize,
        expected: Vec<Kind>,
        found: String,
    },
    /// The file ended where more was required.
    UnexpectedEof { line: usize, expected: Vec<Kind> },
    /// A tag with whitespace in it.
    TagWhitespace { line: usize, column: usize },
    /// `# language:` names no known dialect.
    NoSuchLanguage {
        line: usize,
        column: usize,
        language: String,
    },
    /// A table row with another number of cells than the first row.
    InconsistentCells {
        line: usize,
        column: usize,
        cells: usize,
        first: usize,
    },
}

/// The first syntax error of a feature file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {}: {}", self.line(), self.message)]
pub struct ParseError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// The explanation for a person (without the location).
    pub message: String,
}

impl ParseError {
    /// The error, worded with the keywords of `dialect`.
    pub(crate) fn new(kind: ErrorKind, dialect: &Dialect) -> Self {
        let message = describe(&kind, dialect);
        ParseError { kind, message }
    }

    /// 1-based line of the error.
    pub fn line(&self) -> usize {
        match &self.kind {
            ErrorKind::UnexpectedLine { line, .. }
            | ErrorKind::UnexpectedEof { line, .. }
            | ErrorKind::TagWhitespace { line, .. }
            | ErrorKind::NoSuchLanguage { line, .. }
            | ErrorKind::InconsistentCells { line, .. } => *line,
        }
    }

    /// 1-based column, where there is one (none at the end of the file).
    pub fn column(&self) -> Option<usize> {
        match &self.kind {
            ErrorKind::UnexpectedEof { .. } => None,
            ErrorKind::UnexpectedLine { column, .. }
            | ErrorKind::TagWhitespace { column, .. }
            | ErrorKind::NoSuchLanguage { column, .. }
            | ErrorKind::InconsistentCells { column, .. } => Some(*column),
        }
    }

    /// The message the official parsers give (`(line:column): …` with token names).
    pub fn official_message(&self) -> String {
        let names = |e: &[Kind]| {
            e.iter()
                .map(|k| k.token_name())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let at = format!("({}:{})", self.line(), self.column().unwrap_or(0));
        match &self.kind {
            ErrorKind::UnexpectedLine {
                expected, found, ..
            } => format!("{at}: expected: {}, got '{found}'", names(expected)),
            ErrorKind::UnexpectedEof { expected, .. } => {
                format!(
                    "{at}: unexpected end of file, expected: {}",
                    names(expected)
                )
            }
            ErrorKind::TagWhitespace { .. } => format!("{at}: A tag may not contain whitespace"),
            ErrorKind::NoSuchLanguage { language, .. } => {
                format!("{at}: Language not supported: {language}")
            }
            ErrorKind::InconsistentCells { .. } => {
                format!("{at}: inconsistent cell count within the table")
            }
        }
    }
}

fn describe(kind: &ErrorKind, dialect: &Dialect) -> String {
    match kind {
        ErrorKind::UnexpectedLine {
            expected, found, ..
        } => {
            let shown: String = if found.chars().count() > 60 {
                format!("{}…", found.chars().take(60).collect::<String>())
            } else {
                found.clone()
            };
            format!(
                "expected {} here, found \"{shown}\"",
                allowed(expected, dialect)
            )
        }
        ErrorKind::UnexpectedEof { expected, .. } => format!(
            "the file ends too early: expected {}",
            allowed(expected, dialect)
        ),
        ErrorKind::TagWhitespace { column, .. } => format!(
            "the tag at column {column} contains whitespace; a tag is @ and a name without spaces (@IQ @URS-001)"
        ),
        ErrorKind::NoSuchLanguage { language, .. } => format!(
            "\"# language: {language}\" names no Gherkin language; use a code of gherkin-languages.json such as en, de, fr or ja"
        ),
        ErrorKind::InconsistentCells { cells, first, .. } => format!(
            "this table row has {cells} cell(s) but the table's first row has {first}; give every row the same number of cells (write a literal | as \\|)"
        ),
    }
}

/// The allowed lines in words, comments and empty lines left out (they are always fine), the
/// end of the file last.
fn allowed(expected: &[Kind], dialect: &Dialect) -> String {
    // The last `Scenario` keyword is the word itself in most languages (`en`: Example, Scenario).
    let title = |list: &[String], last: bool| -> String {
        let kw = if last { list.last() } else { list.first() };
        format!("\"{}:\"", kw.map_or("", |k| k.trim()))
    };
    let mut kinds = expected.to_vec();
    kinds.sort_by_key(|k| *k == Kind::Eof);
    let words: Vec<String> = kinds
        .iter()
        .filter_map(|k| match k {
            Kind::Eof => Some("the end of the file".to_string()),
            Kind::Language => Some("a \"# language:\" line".to_string()),
            Kind::TagLine => Some("a tag line (@…)".to_string()),
            Kind::FeatureLine => Some(title(&dialect.feature, false)),
            Kind::RuleLine => Some(format!("a rule ({})", title(&dialect.rule, false))),
            Kind::BackgroundLine => Some(format!(
                "a background ({})",
                title(&dialect.background, false)
            )),
            Kind::ScenarioLine => Some(format!(
                "a scenario ({} or {})",
                title(&dialect.scenario, true),
                title(&dialect.scenario_outline, false)
            )),
            Kind::ExamplesLine => Some(format!("examples ({})", title(&dialect.examples, false))),
            Kind::StepLine => {
                let firsts: Vec<String> = [&dialect.given, &dialect.when, &dialect.then]
                    .iter()
                    .filter_map(|l| l.iter().find(|k| k.trim() != "*"))
                    .map(|k| k.trim().to_string())
                    .collect();
                Some(format!("a step ({} …)", firsts.join(", ")))
            }
            Kind::DocStringSeparator => Some("a doc string (\"\"\" or ```)".to_string()),
            Kind::TableRow => Some("a table row (| … |)".to_string()),
            Kind::Other => Some("more text".to_string()),
            Kind::Comment | Kind::Empty => None,
        })
        .collect();
    match words.split_last() {
        None => "nothing more".to_string(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}
