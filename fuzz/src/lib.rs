//! The fuzz targets as plain functions, shared by the cargo-fuzz binaries and the stable replay
//! tests (which include these files with `#[path]`).

pub mod bridge_targets;
pub mod qualify_targets;
pub mod sparkplug_b_target;
