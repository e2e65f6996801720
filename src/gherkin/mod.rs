//! Gherkin, exactly as the official Cucumber parser reads it.
//!
//! A port of the official implementation (github.com/cucumber/gherkin: grammar `gherkin.berp`,
//! token matcher, AST builder and pickle compiler): the same acceptance and rejection, the same
//! first error line, every keyword of every dialect of `gherkin-languages.json` (vendored), a
//! UTF-8 byte order mark and CRLF line ends, the escapes of table cells and doc strings. The
//! results serialise (serde) to the Cucumber Messages `gherkinDocument` and `pickle` shapes, ids
//! given by the official incrementing scheme; `tests/fixtures/gherkin-testdata` holds the
//! official test data they are compared with. docs/gherkin.md describes what is supported.
//!
//! ```
//! let parsed = qualify::gherkin::parse_feature(
//!     "# language: fr\nFonctionnalité: f\n  Scénario: s\n    Soit un pas\n",
//!     "features/f.feature",
//! )
//! .unwrap();
//! assert_eq!(parsed.pickles[0].steps[0].text, "un pas");
//! ```

mod ast;
mod compiler;
mod cucumber;
mod dialect;
mod error;
mod ids;
mod index;
mod line;
mod matcher;
mod parser;
mod pickle;
mod reader;
mod scenarios;
mod steps;

pub use ast::*;
pub use compiler::compile;
pub use cucumber::to_cucumber;
pub use dialect::{Dialect, dialect, language_codes};
pub use error::{ErrorKind, ParseError};
pub use ids::IdGenerator;
pub use index::AstIndex;
pub use matcher::Kind;
pub use pickle::{
    Pickle, PickleDocString, PickleStep, PickleStepArgument, PickleTable, PickleTableCell,
    PickleTableRow, PickleTag,
};

/// Parses `source` (the text of the file `uri`) into its document, ids from `ids`. A leading
/// byte order mark is not part of the text.
pub fn parse(
    source: &str,
    uri: &str,
    ids: &mut IdGenerator,
) -> Result<GherkinDocument, ParseError> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut doc = parser::parse_document(source, ids)?;
    doc.uri = Some(uri.to_string());
    Ok(doc)
}

/// A feature file, parsed and compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFeature {
    /// The document (AST).
    pub document: GherkinDocument,
    /// Its pickles, in file order.
    pub pickles: Vec<Pickle>,
}

/// Parses and compiles one file with ids starting at `"0"`, as the official tools do per file.
pub fn parse_feature(source: &str, uri: &str) -> Result<ParsedFeature, ParseError> {
    let mut ids = IdGenerator::new();
    let document = parse(source, uri, &mut ids)?;
    let pickles = compile(&document, uri, &mut ids);
    Ok(ParsedFeature { document, pickles })
}

#[cfg(test)]
mod conformance_tests;
#[cfg(test)]
mod dialect_tests;
#[cfg(test)]
mod edge_tests;
