//! Unit tests of the matching area, one file per concern, through the public API.

mod equality_tests;
mod interpolate_tests;
mod matcher_tests;
mod path_tests;
mod sql_tests;
mod table_tests;
mod tolerance_tests;
