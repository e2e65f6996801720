//! Why `qualify merge` refuses, each naming the shard package and the reason.

use std::path::PathBuf;

use crate::exit_code;

/// A refusal of `qualify merge`; nothing is written.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A shard package does not verify (damaged, altered, improperly signed).
    #[error("shard package {shard} fails verification: {findings}")]
    FailsVerification {
        /// The folder.
        shard: PathBuf,
        /// Its error findings, joined.
        findings: String,
    },
    /// A sealed file of a shard package cannot be read as what it should be.
    #[error("shard package {shard}: {what}")]
    Unreadable {
        /// The folder.
        shard: PathBuf,
        /// What and why.
        what: String,
    },
    /// A package that was not made with `qualify run --shard`.
    #[error(
        "{shard} is not a shard package (results.json has no selection.shard): only packages of \
         `qualify run --shard K/N` can be merged"
    )]
    NotAShard {
        /// The folder.
        shard: PathBuf,
    },
    /// Two shards disagree about what the campaign is.
    #[error("shard {index} ({shard}) {what} differs from shard {against}")]
    Differs {
        /// The shard that differs.
        index: usize,
        /// Its folder.
        shard: PathBuf,
        /// What differs (commit, selection, …).
        what: String,
        /// The shard it was compared with, and both values.
        against: String,
    },
    /// The same shard number given twice.
    #[error("shard {index}/{total} is given twice: {a} and {b}")]
    DuplicateShard {
        /// The number.
        index: usize,
        /// N.
        total: usize,
        /// One folder.
        a: PathBuf,
        /// The other.
        b: PathBuf,
    },
    /// A shard number not given.
    #[error(
        "missing shard {missing} of {total}: the merge needs every shard 1..{total} of the \
         campaign once (given: {given})"
    )]
    MissingShard {
        /// The numbers missing, e.g. `3` or `2, 4`.
        missing: String,
        /// N.
        total: usize,
        /// The numbers given.
        given: String,
    },
    /// A scenario in two shards.
    #[error(
        "duplicated scenario {id} in shards {a} and {b}: the shards do not come from one partition"
    )]
    DuplicateScenario {
        /// The scenario id.
        id: String,
        /// One shard number.
        a: usize,
        /// The other.
        b: usize,
    },
    /// The shards do not cover the campaign exactly.
    #[error("the shards do not cover the campaign: {what}")]
    Coverage {
        /// Which scenarios are missing or extra.
        what: String,
    },
    /// Two shards hold an attachment at the same path.
    #[error(
        "attachment {path} is in shard {a} and in shard {b}: the merged package cannot keep both"
    )]
    AttachmentCollision {
        /// The package-relative path.
        path: String,
        /// One shard number.
        a: usize,
        /// The other.
        b: usize,
    },
    /// The merged package could not be written or sealed.
    #[error("cannot write the merged package")]
    Write(#[source] Box<crate::errors::Error>),
}

impl MergeError {
    /// 3 when a shard does not verify (as `qualify verify` would say), 2 when the shards are
    /// not one complete campaign (the user gave the wrong packages), the write's own code
    /// otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            MergeError::FailsVerification { .. } | MergeError::Unreadable { .. } => {
                exit_code::VERIFICATION_FAILED
            }
            MergeError::Write(e) => e.exit_code(),
            _ => exit_code::INPUT_ERROR,
        }
    }
}
