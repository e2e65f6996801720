//! The evidence package: results model, attachments, digests, environment, manifest, the package
//! writer, and the JUnit and Cucumber JSON renditions.

mod attachment;
mod ci_vars;
mod cucumber_json;
mod digest;
mod environment;
mod junit;
mod manifest;
mod package;
mod package_files;
mod package_id;
mod parallel_digest;
mod results;
mod step_failure;

pub use attachment::{AttachmentStore, AttachmentWriter};
pub use ci_vars::{
    MASK, SECRET_NAME_PARTS, SECRET_NAME_WORDS, ci_variables, has_url_credentials, is_secret_name,
    mask_url_credentials,
};
pub use cucumber_json::write_cucumber_json;
pub use digest::{HashingWriter, sha256_file, sha256_hex};
pub use environment::{
    ENVIRONMENT_SCHEMA, EnvInputs, Environment, Host, RecordedFile, ToolBinary, current_user,
};
pub use junit::write_junit;
pub use manifest::{
    MANIFEST_FILE, MANIFEST_SCHEMA, Manifest, ManifestEntry, ManifestError, ManifestProblem,
};
pub use package::{PackageError, PackageWriter, SealedPackage};
pub(crate) use package_files::join_relative as join_package_path;
pub use package_id::{STAGING_PREFIX, package_id};
pub use parallel_digest::{parallel_map, sha256_files};
pub use results::*;
