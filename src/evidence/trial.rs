//! Trial runs (`qualify run --trial`): a campaign run for the engineer's own feedback while a
//! protocol is being written. A trial is never evidence, and nothing about it may look like it
//! is: it goes to its own folder (`.qualify/trials/` by default, not the evidence store), its id
//! says `TRIAL`, its results say `"trial": true`, it has no manifest, no audit trail, no deviation
//! register and no PDF, its HTML report carries a banner, and [`TRIAL_NOTE`] at its root says
//! all this in words. Every command that takes a package refuses a trial by name
//! ([`refuse_trial`]), so a trial cannot be verified, signed, superseded or gated.

use std::path::{Path, PathBuf};

use qualify_evidence::layout::{MANIFEST_FILE, RESULTS_FILE};

/// The note at the root of every trial folder.
pub const TRIAL_NOTE: &str = "TRIAL.txt";

/// What the id of a trial says before the stage label: `<time>-TRIAL-<stage>-<commit>`.
pub const TRIAL_LABEL: &str = "TRIAL";

/// The default folder for trials, below the project folder: kept out of the evidence store so a
/// trial can never be listed, gated or archived with evidence (`.gitignore` it).
pub const TRIALS_DIR: &str = ".qualify/trials";

/// The project's default trials folder, made with a `.gitignore` of `*` in `.qualify/` (as
/// pytest does for its cache): trials are never committed, and a trial must not make the next
/// real run unreleasable by leaving untracked files in the work tree.
pub fn default_trials_dir(project_dir: &Path) -> std::io::Result<PathBuf> {
    let dir = project_dir.join(TRIALS_DIR);
    std::fs::create_dir_all(&dir)?;
    let ignore = project_dir.join(".qualify/.gitignore");
    if !ignore.exists() {
        crate::fsio::write_atomic(
            &ignore,
            b"# Written by qualify: trial runs and other local state, never committed.\n*\n",
        )?;
    }
    Ok(dir)
}

/// The text of [`TRIAL_NOTE`].
pub fn trial_note(id: &str) -> String {
    format!(
        "TRIAL RUN {id}: NOT AN EVIDENCE PACKAGE\n\n\
         This folder was written by `qualify run --trial`. It is not sealed (no manifest.json),\n\
         carries no audit trail and no deviations, and cannot be verified, signed, superseded or\n\
         gated. Its results are for the engineer writing the protocol; they are not objective\n\
         evidence of anything. Run the campaign without --trial to make an evidence package.\n"
    )
}

/// Whether `dir` is a trial folder: it has the trial note, or results that say `trial` and no
/// manifest. (A sealed package never has either: its results are written with `trial: false`.)
pub fn is_trial(dir: &Path) -> bool {
    if dir.join(TRIAL_NOTE).is_file() {
        return true;
    }
    if dir.join(MANIFEST_FILE).exists() {
        return false;
    }
    std::fs::read(dir.join(RESULTS_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .is_some_and(|v| v.get("trial") == Some(&serde_json::Value::Bool(true)))
}

/// The refusal for a command given a trial folder, or `None` when `dir` is not one.
pub fn refuse_trial(dir: &Path, shown: &Path) -> Option<String> {
    is_trial(dir).then(|| {
        format!(
            "{}: this is a trial run (qualify run --trial), not an evidence package: it is not \
             sealed and cannot be verified, signed, superseded, rendered or gated; its report.html \
             is its report; run the campaign without --trial to make evidence",
            shown.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trial_is_known_by_its_note_or_by_its_results_without_a_manifest() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_trial(dir.path()));
        std::fs::write(dir.path().join(RESULTS_FILE), r#"{"trial": true}"#).unwrap();
        assert!(is_trial(dir.path()));
        std::fs::write(dir.path().join(MANIFEST_FILE), "{}").unwrap();
        assert!(
            !is_trial(dir.path()),
            "results of a sealed package are not trusted here"
        );
        std::fs::write(dir.path().join(TRIAL_NOTE), trial_note("x")).unwrap();
        assert!(is_trial(dir.path()));
        let refusal = refuse_trial(dir.path(), Path::new("trials/x")).unwrap();
        assert!(
            refusal.starts_with("trials/x: this is a trial run"),
            "{refusal}"
        );
    }

    #[test]
    fn the_default_trials_folder_ignores_itself_in_git() {
        let dir = tempfile::tempdir().unwrap();
        let trials = default_trials_dir(dir.path()).unwrap();
        assert!(trials.is_dir());
        let ignore = std::fs::read_to_string(dir.path().join(".qualify/.gitignore")).unwrap();
        assert!(ignore.lines().any(|l| l == "*"), "{ignore}");
    }
}
