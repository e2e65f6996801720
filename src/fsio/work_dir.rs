//! Scratch folders of runs in the system's temporary folder, and removing those of killed runs.
//!
//! A run's scratch folder (adapter working folders, downloaded fixtures) is removed when the run
//! ends, but a run killed with SIGKILL cannot clean up, and each leaks a few megabytes. Folders are
//! therefore named `qualify-work-<pid>-<random>`; every run first removes the folders whose
//! process no longer exists. A live run's folder is never removed: its pid exists. (A pid reused
//! by another process only delays the removal of a stale folder.)

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Name prefix of scratch folders; the owner's pid and a random suffix follow.
pub const WORK_PREFIX: &str = "qualify-work-";

/// Whether a process with this pid exists. Without `/proc` (not Linux) every process counts as
/// alive, so nothing is ever removed by mistake.
pub fn pid_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    proc.join(pid.to_string()).exists()
}

/// Creates this process's scratch folder in `parent` (the system's temporary folder when `None`),
/// after removing stale ones there. It is removed when the returned value is dropped.
pub fn work_dir(parent: Option<&Path>) -> io::Result<tempfile::TempDir> {
    let parent = parent
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir);
    // Cleaning is best effort: a folder that cannot be removed must not stop the run.
    let _ = remove_stale_work_dirs(&parent);
    tempfile::Builder::new()
        .prefix(&format!("{WORK_PREFIX}{}-", std::process::id()))
        .tempdir_in(&parent)
}

/// Removes every `qualify-work-<pid>-…` folder in `parent` whose process is gone; returns them.
pub fn remove_stale_work_dirs(parent: &Path) -> io::Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    for entry in fs::read_dir(parent)? {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = owner_pid(&name) else {
            continue;
        };
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        if is_dir && pid != std::process::id() && !pid_alive(pid) {
            let path = entry.path();
            if fs::remove_dir_all(&path).is_ok() {
                removed.push(path);
            }
        }
    }
    Ok(removed)
}

/// The pid in `qualify-work-<pid>-<random>`.
fn owner_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(WORK_PREFIX)?;
    let (pid, random) = rest.split_once('-')?;
    if random.is_empty() || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_only_folders_of_processes_that_are_gone() {
        let tmp = tempfile::tempdir().unwrap();
        // A child that has exited and been reaped: its pid is gone.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = tmp.path().join(format!("{WORK_PREFIX}{dead}-abc"));
        let live = tmp.path().join(format!("{WORK_PREFIX}1-abc"));
        let other = tmp.path().join("qualify-work-xyz");
        for d in [&stale, &live, &other] {
            fs::create_dir(d).unwrap();
            fs::write(d.join("f"), "x").unwrap();
        }
        let mine = work_dir(Some(tmp.path())).unwrap();
        assert!(!stale.exists() || pid_alive(dead));
        assert!(live.exists(), "pid 1 is alive");
        assert!(
            other.exists(),
            "a folder without a pid is not ours to judge"
        );
        assert!(mine.path().is_dir());
        assert_eq!(
            owner_pid(&mine.path().file_name().unwrap().to_string_lossy()),
            Some(std::process::id())
        );
        let kept = mine.path().to_path_buf();
        drop(mine);
        assert!(!kept.exists());
    }
}
