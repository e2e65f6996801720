//! The pure logic behind the assertion steps: JSON paths, placeholder matching, equality,
//! tolerances, variable interpolation, data tables as JSON and SQL cell comparison.
//!
//! Nothing here does I/O; the step library calls it with documents it already holds. The syntax
//! is specified in `docs/steps.md`.

mod equality;
mod error;
mod interpolate;
mod kind;
mod matcher;
mod path;
mod path_parser;
mod placeholder;
mod sql_cell;
mod sql_rows;
mod table;
mod tolerance;

#[cfg(test)]
mod tests;

pub use equality::{json_equals, numbers_equal};
pub use error::{
    InterpolateError, LookupError, PathError, PathErrorKind, TableError, ToleranceError,
};
pub use interpolate::Variables;
pub use kind::{kind_and_value, kind_of, show};
pub use matcher::{REST_KEY, match_at, match_document};
pub use path::{JsonPath, Segment};
pub use placeholder::{ExpectedString, Placeholder};
pub use sql_cell::{NormalisedCell, cell_matches, normalise_cell};
pub use sql_rows::{compare_rows, rows_to_json};
pub use table::{cell_to_json, table_to_json};
pub use tolerance::{Tolerance, parse_number};
