//! The token matcher: what kind of line a line is, given what the grammar allows at that point.
//!
//! A port of the official `GherkinClassicTokenMatcher`: a line is only ever tried as the kinds
//! the parser's current state allows, in one fixed order, and the first that matches wins. That
//! order is what makes `Given` in a feature's description text, but a step after `Scenario:`.
// Variant and field names say what they hold (line, column, expected kinds).
#![allow(missing_docs)]

use super::dialect::{Dialect, KeywordType, dialect};
use super::error::ErrorKind;
use super::line::{Item, Line, is_space};

/// The kinds of line (the grammar's tokens), in the order they are tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Eof,
    Language,
    Empty,
    Comment,
    TableRow,
    DocStringSeparator,
    StepLine,
    TagLine,
    BackgroundLine,
    ExamplesLine,
    ScenarioLine,
    RuleLine,
    FeatureLine,
    Other,
}

impl Kind {
    /// The official token name (`#StepLine`).
    pub fn token_name(self) -> &'static str {
        match self {
            Kind::Eof => "#EOF",
            Kind::Language => "#Language",
            Kind::Empty => "#Empty",
            Kind::Comment => "#Comment",
            Kind::TableRow => "#TableRow",
            Kind::DocStringSeparator => "#DocStringSeparator",
            Kind::StepLine => "#StepLine",
            Kind::TagLine => "#TagLine",
            Kind::BackgroundLine => "#BackgroundLine",
            Kind::ExamplesLine => "#ExamplesLine",
            Kind::ScenarioLine => "#ScenarioLine",
            Kind::RuleLine => "#RuleLine",
            Kind::FeatureLine => "#FeatureLine",
            Kind::Other => "#Other",
        }
    }
}

/// A matched line.
#[derive(Debug, Clone)]
pub struct Token {
    pub kind: Kind,
    pub line: usize,
    /// 1-based column of the matched text (indentation + 1; 1 for comments and text).
    pub column: usize,
    /// The keyword as written (`Scenario Outline`, `Given `, or the doc string delimiter).
    pub keyword: String,
    pub keyword_type: Option<KeywordType>,
    /// Title, step text, comment, text line or doc string media type.
    pub text: String,
    /// Tags or cells.
    pub items: Vec<Item>,
    /// True when the line holds only whitespace.
    pub blank: bool,
}

/// Matching state: the dialect and the open doc string, if any.
pub struct Matcher {
    pub language: String,
    pub dialect: &'static Dialect,
    steps: Vec<(&'static str, KeywordType)>,
    doc_string: Option<&'static str>,
    indent_to_remove: usize,
}

impl Matcher {
    /// A matcher for `en`.
    pub fn new() -> Self {
        let d = dialect("en").expect("en is a dialect");
        Matcher {
            language: "en".into(),
            dialect: d,
            steps: d.step_keywords(),
            doc_string: None,
            indent_to_remove: 0,
        }
    }

    /// Tries `line` (None: end of file) as `kind`.
    pub fn try_kind(
        &mut self,
        kind: Kind,
        line: Option<&Line<'_>>,
    ) -> Result<Option<Token>, ErrorKind> {
        let Some(line) = line else {
            return Ok(None);
        };
        let t = line.trimmed;
        let token = |kind, column, keyword: &str, text: &str| Token {
            kind,
            line: line.number,
            column,
            keyword: keyword.to_string(),
            keyword_type: None,
            text: text.to_string(),
            items: Vec::new(),
            blank: line.is_empty(),
        };
        let col = line.indent + 1;
        Ok(match kind {
            Kind::Eof => None,
            Kind::Empty => line.is_empty().then(|| token(kind, 1, "", "")),
            Kind::Comment => t.starts_with('#').then(|| token(kind, 1, "", line.text)),
            Kind::Language => match language_of(t) {
                Some(code) => {
                    let tok = token(kind, col, "", code);
                    let d = dialect(code).ok_or_else(|| ErrorKind::NoSuchLanguage {
                        line: line.number,
                        column: col,
                        language: code.to_string(),
                    })?;
                    self.language = code.to_string();
                    self.dialect = d;
                    self.steps = d.step_keywords();
                    Some(tok)
                }
                None => None,
            },
            Kind::TagLine if t.starts_with('@') => Some(Token {
                items: line.tags()?,
                ..token(kind, col, "", "")
            }),
            Kind::TableRow if t.starts_with('|') => Some(Token {
                items: line.table_cells(),
                ..token(kind, col, "", "")
            }),
            Kind::TagLine | Kind::TableRow => None,
            Kind::FeatureLine => {
                title(line, &self.dialect.feature).map(|(k, x)| token(kind, col, k, x))
            }
            Kind::RuleLine => title(line, &self.dialect.rule).map(|(k, x)| token(kind, col, k, x)),
            Kind::BackgroundLine => {
                title(line, &self.dialect.background).map(|(k, x)| token(kind, col, k, x))
            }
            Kind::ExamplesLine => {
                title(line, &self.dialect.examples).map(|(k, x)| token(kind, col, k, x))
            }
            Kind::ScenarioLine => title(line, &self.dialect.scenario)
                .or_else(|| title(line, &self.dialect.scenario_outline))
                .map(|(k, x)| token(kind, col, k, x)),
            Kind::StepLine => self
                .steps
                .iter()
                .find(|(k, _)| t.starts_with(k))
                .map(|(k, ty)| {
                    let rest = line.rest_trimmed(k.chars().count());
                    Token {
                        keyword_type: Some(*ty),
                        ..token(kind, col, k, rest)
                    }
                }),
            Kind::DocStringSeparator => self
                .separator(line)
                .map(|(sep, media)| token(kind, col, sep, media)),
            Kind::Other => {
                let text = line.text_without_indent(Some(self.indent_to_remove));
                let text = match self.doc_string {
                    Some("\"\"\"") => text.replace("\\\"\\\"\\\"", "\"\"\""),
                    Some(_) => text.replace("\\`\\`\\`", "```"),
                    None => text.to_string(),
                };
                Some(token(kind, 1, "", &text))
            }
        })
    }

    /// An opening separator (`"""` or ```` ``` ````) when no doc string is open, else the closing
    /// one; returns the separator and the media type after an opening one.
    fn separator<'l>(&mut self, line: &Line<'l>) -> Option<(&'static str, &'l str)> {
        match self.doc_string {
            None => {
                let sep = ["\"\"\"", "```"]
                    .into_iter()
                    .find(|s| line.trimmed.starts_with(s))?;
                self.doc_string = Some(sep);
                self.indent_to_remove = line.indent;
                Some((sep, line.rest_trimmed(3)))
            }
            Some(sep) if line.trimmed.starts_with(sep) => {
                self.doc_string = None;
                self.indent_to_remove = 0;
                Some((sep, ""))
            }
            Some(_) => None,
        }
    }
}

/// `Keyword:` at the start of the trimmed line, the first keyword of `keywords` that matches,
/// and the title after it.
fn title<'k, 'l>(line: &Line<'l>, keywords: &'k [String]) -> Option<(&'k str, &'l str)> {
    keywords
        .iter()
        .find(|k| {
            line.trimmed
                .strip_prefix(k.as_str())
                .is_some_and(|r| r.starts_with(':'))
        })
        .map(|k| (k.as_str(), line.rest_trimmed(k.chars().count() + 1)))
}

/// The code of a `# language: xx` line (`^\s*#\s*language\s*:\s*([a-zA-Z\-_]+)\s*$`).
fn language_of(trimmed: &str) -> Option<&str> {
    let rest = trimmed.strip_prefix('#')?.trim_start_matches(is_space);
    let rest = rest.strip_prefix("language")?.trim_start_matches(is_space);
    let code = rest.strip_prefix(':')?.trim_matches(is_space);
    let valid = !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == '-' || c == '_');
    valid.then_some(code)
}
