//! Durable file-system writes, one way everywhere.
//!
//! Every file qualify writes goes through [`AtomicFile`] (or its shorthands [`write_atomic`] and
//! [`write_new`]): a temporary file in the same folder, written, flushed with `fsync`, renamed over
//! its name, and the folder flushed, so that a reader or a crash sees the old file or the new
//! one, never a part of either, and the new name survives a power cut. Folders are created with
//! [`create_dir_durable`], which flushes each new folder's parent.
//!
//! Temporary files are named `.tmp-<pid>-<random>` ([`TEMP_PREFIX`]): the pid says which process
//! left one behind, so that a later command can tell a leftover of a killed process from a file a
//! live one is writing.

mod atomic_file;
mod dirs;
mod sync_tree;
mod work_dir;

pub use atomic_file::{AtomicFile, TEMP_PREFIX, write_atomic, write_durable, write_new};
pub use dirs::{create_dir_durable, remove_dir_durable, rename_durable, sync_dir, sync_file};
pub use sync_tree::sync_tree;
pub use work_dir::{WORK_PREFIX, pid_alive, remove_stale_work_dirs, work_dir};
