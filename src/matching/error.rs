//! Errors of the matching area. Each names what the engineer wrote and where it went wrong, so the
//! message can be shown as the step's failure without further context.

use thiserror::Error;

/// A path that does not follow the path syntax of `docs/steps.md`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid path \"{path}\" at column {column}: {kind}")]
pub struct PathError {
    /// The path as written.
    pub path: String,
    /// 1-based column, in characters, where the problem was found.
    pub column: usize,
    /// What is wrong.
    pub kind: PathErrorKind,
}

/// What is wrong with a path.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PathErrorKind {
    /// Nothing was written.
    #[error("the path is empty (write `$` for the whole document)")]
    Empty,
    /// `.a` instead of `a` or `$.a`.
    #[error("a path cannot start with `.` (write `a` or `$.a`)")]
    LeadingDot,
    /// A dot at the end, or two dots in a row.
    #[error("a key is missing after `.`")]
    EmptyKey,
    /// A dot followed by a character that cannot begin a key.
    #[error("`{0}` cannot start a key after `.` (quote unusual keys: [\"my key\"])")]
    BadKeyStart(char),
    /// A character where `.`, `[` or the end was expected.
    #[error("unexpected `{0}` (expected `.`, `[` or the end of the path)")]
    Unexpected(char),
    /// `[` without a matching `]`.
    #[error("`[` is not closed")]
    UnclosedBracket,
    /// `[]`.
    #[error("empty brackets (write an index like [0] or a quoted key like [\"a.b\"])")]
    EmptyBrackets,
    /// `['a']`.
    #[error("quoted keys use double quotes: [\"a.b\"]")]
    SingleQuote,
    /// Something other than an index or a quoted key inside brackets.
    #[error("`{0}` inside brackets (write an index like [0] or a quoted key like [\"a.b\"])")]
    BadBracket(char),
    /// Something other than `]` after the index or key.
    #[error("expected `]`, found `{0}`")]
    ExpectedClose(char),
    /// A quoted key without its closing quote.
    #[error("the quoted key is not closed")]
    UnclosedQuote,
    /// A quoted key that is not a valid JSON string.
    #[error("the quoted key is not a valid JSON string: {0}")]
    BadQuotedKey(String),
    /// `[-]`.
    #[error("digits are missing in the index")]
    MissingDigits,
    /// An index beyond 64 bits.
    #[error("index {0} is too large")]
    IndexTooLarge(String),
}

/// Why a valid path did not lead to a value in a document.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LookupError {
    /// The object has no such key.
    #[error("no key \"{key}\" in the object at {at}")]
    MissingKey {
        /// The missing key.
        key: String,
        /// Canonical path of the object.
        at: String,
    },
    /// The index is beyond the array.
    #[error("index {index} is out of range for the array of {len} elements at {at}")]
    IndexOutOfRange {
        /// The index as written.
        index: i64,
        /// Length of the array.
        len: usize,
        /// Canonical path of the array.
        at: String,
    },
    /// A key was asked of something that is not an object.
    #[error("cannot take key \"{key}\" of {found} at {at}")]
    NotAnObject {
        /// The key asked for.
        key: String,
        /// Canonical path of the value.
        at: String,
        /// Kind of the value found.
        found: &'static str,
    },
    /// An index was asked of something that is not an array.
    #[error("cannot take index {index} of {found} at {at}")]
    NotAnArray {
        /// The index asked for.
        index: i64,
        /// Canonical path of the value.
        at: String,
        /// Kind of the value found.
        found: &'static str,
    },
}

/// A tolerance or number in a step that cannot be used, or an actual value that is not a number.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ToleranceError {
    /// The tolerance is not a decimal number (optionally followed by `%`).
    #[error("invalid tolerance \"{0}\": write a number like 0.01 or a percentage like 0.5%")]
    Invalid(String),
    /// The tolerance is negative.
    #[error("invalid tolerance \"{0}\": a tolerance cannot be negative")]
    Negative(String),
    /// The expected number is not a finite decimal number.
    #[error("invalid number \"{0}\": write a finite decimal number like 74.8")]
    InvalidNumber(String),
    /// The actual value is not a JSON number.
    #[error("expected a number, found {0}")]
    NotANumber(String),
}

/// A `${...}` reference that cannot be replaced. Lines and columns are 1-based, in characters,
/// and point at the `$` in the text being interpolated (a doc string can have many lines).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InterpolateError {
    /// No variable of that name has been remembered.
    #[error("unknown variable \"{name}\" in ${{{expression}}} (known variables: {known})")]
    Unknown {
        /// The variable name.
        name: String,
        /// Everything between `${` and `}`.
        expression: String,
        /// The names that do exist, comma separated, or `none`.
        known: String,
    },
    /// The variable exists but the path into it leads nowhere.
    #[error("${{{expression}}}: in variable \"{name}\", {source}")]
    MissingField {
        /// Everything between `${` and `}`.
        expression: String,
        /// The variable name.
        name: String,
        /// Why the path did not lead to a value (paths relative to the variable's value).
        #[source]
        source: LookupError,
    },
    /// The text between `${` and `}` is not a variable name with an optional path.
    #[error("invalid reference ${{{expression}}} at line {line}, column {column}: {source}")]
    BadReference {
        /// Everything between `${` and `}`.
        expression: String,
        /// Line of the `$`.
        line: usize,
        /// Column of the `$`.
        column: usize,
        /// What is wrong with the expression.
        #[source]
        source: PathError,
    },
    /// The reference is empty, `$`, or starts with an index instead of a variable name.
    #[error(
        "invalid reference ${{{expression}}} at line {line}, column {column}: \
         it must start with a variable name, like ${{serial}} or ${{order.lines[0]}}"
    )]
    NoName {
        /// Everything between `${` and `}`.
        expression: String,
        /// Line of the `$`.
        line: usize,
        /// Column of the `$`.
        column: usize,
    },
    /// `${` without its `}`.
    #[error(
        "`${{` at line {line}, column {column} is not closed by `}}` (write `$${{` for a literal `${{`)"
    )]
    Unclosed {
        /// Line of the `$`.
        line: usize,
        /// Column of the `$`.
        column: usize,
    },
}

/// A data table that cannot be turned into JSON.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TableError {
    /// No rows at all.
    #[error("the data table is empty (it needs a header row and at least one data row)")]
    Empty,
    /// Only a header row.
    #[error("the data table has only a header row (it needs at least one data row)")]
    HeaderOnly,
    /// A header cell is empty.
    #[error("header cell {column} is empty (every column needs a name)")]
    EmptyHeader {
        /// 1-based column.
        column: usize,
    },
    /// Two header cells have the same name.
    #[error("column \"{name}\" appears twice in the header (columns {first} and {second})")]
    DuplicateHeader {
        /// The repeated name.
        name: String,
        /// 1-based column of the first occurrence.
        first: usize,
        /// 1-based column of the second occurrence.
        second: usize,
    },
    /// A data row with a different number of cells than the header.
    #[error("row {row} has {found} cells but the header has {expected}")]
    RaggedRow {
        /// 1-based row in the table, the header being row 1.
        row: usize,
        /// Cells in the header.
        expected: usize,
        /// Cells in the row.
        found: usize,
    },
}
