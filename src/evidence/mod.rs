//! The evidence package: attachments, digests, capturing the environment, checking the manifest,
//! the package writer, and the JUnit and Cucumber JSON renditions. The format itself (layout,
//! schema ids, the serde types of manifest, results and environment) is the `qualify-evidence`
//! crate, re-exported here.

mod attachment;
mod ci_vars;
mod cucumber_json;
mod digest;
mod environment;
mod junit;
mod manifest;
mod messages;
mod package;
mod package_files;
mod package_id;
mod parallel_digest;
mod step_failure;
mod store;
mod trial;

pub use attachment::{AttachmentStore, AttachmentWriter};
pub use ci_vars::{
    MASK, SECRET_NAME_PARTS, SECRET_NAME_WORDS, ci_variables, has_url_credentials, is_secret_name,
    mask_url_credentials,
};
pub use cucumber_json::{write_cucumber_json, write_cucumber_jvm_json};
pub use digest::{HashingWriter, sha256_file, sha256_hex};
pub use environment::{CaptureEnvironment, EnvInputs, current_user};
pub use junit::write_junit;
pub use manifest::{ManifestProblem, VerifyManifest};
pub use messages::{FeatureSource, PROTOCOL_VERSION, write_messages};
pub use package::{PackageError, PackageWriter, SealedPackage};
pub(crate) use package_files::join_relative as join_package_path;
pub use package_id::package_id;
pub use parallel_digest::{parallel_map, sha256_files};
pub use qualify_evidence::layout::{MANIFEST_FILE, STAGING_PREFIX};
pub use qualify_evidence::results::*;
pub use qualify_evidence::schema::{ENVIRONMENT_SCHEMA, MANIFEST_SCHEMA, RESULTS_SCHEMA};
pub use qualify_evidence::{
    Environment, Host, Manifest, ManifestEntry, ManifestError, RecordedFile, ToolBinary,
};
pub use store::package_dirs_newest_first;
pub use trial::{
    TRIAL_LABEL, TRIAL_NOTE, TRIALS_DIR, default_trials_dir, is_trial, refuse_trial, trial_note,
};
