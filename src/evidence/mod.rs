//! The evidence package: results model, attachments, digests.

mod attachment;
mod digest;
mod results;

pub use attachment::{AttachmentStore, AttachmentWriter};
pub use digest::{HashingWriter, sha256_file, sha256_hex};
pub use results::*;
