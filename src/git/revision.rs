//! [`GitRevision`]: the commit a campaign ran on, read with libgit2 (no `git` executable needed).

use std::path::Path;

use git2::{ErrorCode, Oid, Repository};

use super::dirty::dirty_paths;
use qualify_evidence::{GitInfo, GitRevision};

/// Reading a [`GitRevision`] (a `qualify-evidence` type) from a repository with libgit2.
pub trait DiscoverRevision {
    /// Reads the git state of the repository containing `path` (searching parent folders).
    ///
    /// `evidence_dir` is the folder packages are written to; changes below it do not make the
    /// tree dirty (a relative `evidence_dir` is resolved against the current directory).
    ///
    /// Never fails: anything that prevents naming a revision becomes [`GitInfo::NoRepository`]
    /// with a reason.
    fn discover(path: &Path, evidence_dir: Option<&Path>) -> GitInfo;
}

impl DiscoverRevision for GitRevision {
    fn discover(path: &Path, evidence_dir: Option<&Path>) -> GitInfo {
        match read(path, evidence_dir) {
            Ok(revision) => GitInfo::Revision(revision),
            Err(reason) => GitInfo::NoRepository { reason },
        }
    }
}
fn read(path: &Path, evidence_dir: Option<&Path>) -> Result<GitRevision, String> {
    let repo = Repository::discover(path).map_err(|e| open_failure_reason(path, &e))?;
    let location = repo
        .workdir()
        .unwrap_or_else(|| repo.path())
        .display()
        .to_string();

    let head = match repo.head() {
        Ok(head) => head,
        Err(e) if e.code() == ErrorCode::UnbornBranch => {
            let branch = unborn_branch(&repo).unwrap_or_else(|| "HEAD".to_string());
            return Err(format!(
                "the git repository at {location} has no commits yet (branch `{branch}` is \
                 unborn); commit the project so the evidence can name a revision"
            ));
        }
        Err(e) => {
            return Err(format!(
                "cannot read HEAD of the git repository at {location}: {e}"
            ));
        }
    };
    let commit = head
        .peel_to_commit()
        .map_err(|e| format!("HEAD of the git repository at {location} is not a commit: {e}"))?;
    let detached = repo
        .head_detached()
        .map_err(|e| format!("cannot read HEAD of the git repository at {location}: {e}"))?;
    let branch = if detached {
        None
    } else {
        head.shorthand().ok().map(str::to_string)
    };
    let short_commit = commit
        .as_object()
        .short_id()
        .ok()
        .and_then(|buf| buf.as_str().ok().map(str::to_string))
        .unwrap_or_else(|| commit.id().to_string().chars().take(7).collect());
    let tags = tags_at(&repo, commit.id())
        .map_err(|e| format!("cannot list the tags of the git repository at {location}: {e}"))?;
    let dirty_paths = dirty_paths(&repo, evidence_dir).map_err(|e| {
        format!("cannot read the working tree status of the git repository at {location}: {e}")
    })?;

    Ok(GitRevision {
        commit: commit.id().to_string(),
        tree: commit.tree_id().to_string(),
        short_commit,
        branch,
        detached,
        tags,
        dirty: !dirty_paths.is_empty(),
        dirty_paths,
        shallow: repo.is_shallow(),
    })
}

/// Explains why no repository could be opened at `path`, and what to do.
pub fn open_failure_reason(path: &Path, error: &git2::Error) -> String {
    let shown = path.display();
    match error.code() {
        ErrorCode::NotFound => format!(
            "{shown} is not inside a git repository; run `git init` and commit the project so \
             the evidence can name a revision"
        ),
        ErrorCode::Owner => {
            let repo_path = owner_error_path(error.message()).unwrap_or_else(|| shown.to_string());
            format!(
                "the git repository at {repo_path} is owned by another user, so git refuses to \
                 read it; if you trust it, run `git config --global --add safe.directory \
                 {repo_path}` ({})",
                error.message()
            )
        }
        _ => format!(
            "cannot open the git repository at {shown}: {}",
            error.message()
        ),
    }
}

/// The working tree path named in libgit2's owner error ("repository path '/x' is not owned by
/// current user"). safe.directory wants the working tree, so a trailing `/.git` is dropped.
fn owner_error_path(message: &str) -> Option<String> {
    let start = message.find('\'')? + 1;
    let len = message.get(start..)?.find('\'')?;
    let path = message.get(start..start + len)?;
    let path = path.strip_suffix("/.git").unwrap_or(path);
    (!path.is_empty()).then(|| path.to_string())
}

fn unborn_branch(repo: &Repository) -> Option<String> {
    let head = repo.find_reference("HEAD").ok()?;
    let target = head.symbolic_target().ok()??;
    Some(
        target
            .strip_prefix("refs/heads/")
            .unwrap_or(target)
            .to_string(),
    )
}

/// Names of tags whose target (after peeling annotated tags) is `commit`, sorted.
fn tags_at(repo: &Repository, commit: Oid) -> Result<Vec<String>, git2::Error> {
    let mut tags = Vec::new();
    for name in repo
        .tag_names(None)?
        .iter()
        .filter_map(|name| name.ok().flatten())
    {
        let Ok(reference) = repo.find_reference(&format!("refs/tags/{name}")) else {
            continue;
        };
        if reference.peel_to_commit().is_ok_and(|c| c.id() == commit) {
            tags.push(name.to_string());
        }
    }
    tags.sort();
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::PathBuf;

    use git2::{Signature, Time};

    use super::*;

    fn init(dir: &Path) -> Repository {
        let repo = Repository::init(dir).unwrap();
        let mut config = repo.config().unwrap();
        config.set_str("user.name", "Test Engineer").unwrap();
        config.set_str("user.email", "test@example.com").unwrap();
        repo
    }

    /// Writes `files`, stages everything and commits on HEAD.
    fn commit(repo: &Repository, files: &[(&str, &str)], message: &str) -> Oid {
        let workdir = repo.workdir().unwrap().to_path_buf();
        for (name, content) in files {
            let path = workdir.join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, content).unwrap();
        }
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = Signature::new(
            "Test Engineer",
            "test@example.com",
            &Time::new(1_700_000_000, 0),
        )
        .unwrap();
        let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .unwrap()
    }

    fn revision(info: GitInfo) -> GitRevision {
        match info {
            GitInfo::Revision(rev) => rev,
            GitInfo::NoRepository { reason } => panic!("expected a revision, got: {reason}"),
        }
    }

    #[test]
    fn clean_repository_on_a_branch_with_tags() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = init(tmp.path());
        commit(
            &repo,
            &[
                ("qualify.yaml", "a: 1\n"),
                ("features/x.feature", "Feature: X\n"),
            ],
            "one",
        );
        let head = commit(&repo, &[("qualify.yaml", "a: 2\n")], "two");
        let object = repo.find_object(head, None).unwrap();
        repo.tag_lightweight("v1.0", &object, false).unwrap();
        let sig = repo.signature().unwrap();
        repo.tag("release-1", &object, &sig, "annotated", false)
            .unwrap();

        let rev = revision(GitRevision::discover(&tmp.path().join("features"), None));
        assert_eq!(rev.commit, head.to_string());
        assert_eq!(
            rev.tree,
            repo.find_commit(head).unwrap().tree_id().to_string()
        );
        assert!(rev.commit.starts_with(&rev.short_commit) && rev.short_commit.len() >= 7);
        assert_eq!(rev.branch.as_deref(), repo.head().unwrap().shorthand().ok());
        assert!(!rev.detached);
        assert_eq!(rev.tags, vec!["release-1".to_string(), "v1.0".to_string()]);
        assert!(!rev.dirty && rev.dirty_paths.is_empty());
        assert!(!rev.shallow);
    }

    #[test]
    fn dirty_tree_lists_modified_deleted_and_untracked_but_not_ignored_or_evidence() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = init(tmp.path());
        commit(
            &repo,
            &[("a.txt", "a"), ("b.txt", "b"), (".gitignore", "target/\n")],
            "one",
        );
        let root = tmp.path();
        fs::write(root.join("a.txt"), "changed").unwrap();
        fs::remove_file(root.join("b.txt")).unwrap();
        fs::create_dir_all(root.join("new/deep")).unwrap();
        fs::write(root.join("new/deep/c.txt"), "c").unwrap();
        fs::create_dir_all(root.join("target")).unwrap();
        fs::write(root.join("target/ignored.bin"), "x").unwrap();
        fs::create_dir_all(root.join("evidence/pkg-1")).unwrap();
        fs::write(root.join("evidence/pkg-1/results.json"), "{}").unwrap();

        let rev = revision(GitRevision::discover(root, Some(&root.join("evidence"))));
        assert!(rev.dirty);
        assert_eq!(rev.dirty_paths, vec!["a.txt", "b.txt", "new/deep/c.txt"]);

        // Without the exclusion the evidence folder is an untracked change like any other.
        let rev = revision(GitRevision::discover(root, None));
        assert!(
            rev.dirty_paths
                .contains(&"evidence/pkg-1/results.json".to_string())
        );
    }

    #[test]
    fn only_the_evidence_folder_changed_means_clean() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = init(tmp.path());
        commit(&repo, &[("a.txt", "a")], "one");
        let evidence = tmp.path().join("out/evidence");
        fs::create_dir_all(evidence.join(".staging-x-1")).unwrap();
        fs::write(evidence.join(".staging-x-1/f"), "f").unwrap();
        // Relative evidence paths resolve against the current directory, so pass it absolute
        // here, as the CLI does after resolving --out.
        let rev = revision(GitRevision::discover(tmp.path(), Some(&evidence)));
        assert!(!rev.dirty, "{:?}", rev.dirty_paths);
        fs::write(tmp.path().join("out/other.txt"), "o").unwrap();
        let rev = revision(GitRevision::discover(tmp.path(), Some(&evidence)));
        assert_eq!(rev.dirty_paths, vec!["out/other.txt"]);
    }

    #[test]
    fn detached_head_has_no_branch() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = init(tmp.path());
        let first = commit(&repo, &[("a.txt", "a")], "one");
        commit(&repo, &[("a.txt", "b")], "two");
        repo.set_head_detached(first).unwrap();
        repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
            .unwrap();
        let rev = revision(GitRevision::discover(tmp.path(), None));
        assert!(rev.detached);
        assert_eq!(rev.branch, None);
        assert_eq!(rev.commit, first.to_string());
        assert!(!rev.dirty, "{:?}", rev.dirty_paths);
    }

    #[test]
    fn not_a_repository_gives_a_reason() {
        let tmp = tempfile::tempdir().unwrap();
        match GitRevision::discover(tmp.path(), None) {
            GitInfo::NoRepository { reason } => {
                assert!(reason.contains("not inside a git repository"), "{reason}");
                assert!(
                    reason.contains(&tmp.path().display().to_string()),
                    "{reason}"
                );
            }
            other => panic!("expected no repository, got {other:?}"),
        }
        let missing = tmp.path().join("does/not/exist");
        assert!(matches!(
            GitRevision::discover(&missing, None),
            GitInfo::NoRepository { .. }
        ));
    }

    #[test]
    fn unborn_head_gives_a_reason() {
        let tmp = tempfile::tempdir().unwrap();
        init(tmp.path());
        fs::write(tmp.path().join("a.txt"), "a").unwrap();
        match GitRevision::discover(tmp.path(), None) {
            GitInfo::NoRepository { reason } => {
                assert!(reason.contains("no commits yet"), "{reason}")
            }
            other => panic!("expected no repository, got {other:?}"),
        }
    }

    #[test]
    fn shallow_clone_is_flagged() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = init(tmp.path());
        commit(&repo, &[("a.txt", "a")], "one");
        let head = commit(&repo, &[("a.txt", "b")], "two");
        // `git clone --depth 1` records the cut-off commits in `.git/shallow`; that file is what
        // makes a repository shallow for git and libgit2 alike.
        fs::write(repo.path().join("shallow"), format!("{head}\n")).unwrap();
        let rev = revision(GitRevision::discover(tmp.path(), None));
        assert!(rev.shallow);
    }

    #[test]
    fn owner_error_names_safe_directory_remedy() {
        let error = git2::Error::new(
            ErrorCode::Owner,
            git2::ErrorClass::Config,
            "repository path '/srv/project/.git' is not owned by current user",
        );
        let reason = open_failure_reason(Path::new("/srv/project/features"), &error);
        assert!(
            reason.contains("git config --global --add safe.directory /srv/project`"),
            "{reason}"
        );
        assert_eq!(owner_error_path("no quotes"), None);
    }

    /// A real repository owned by another user. Only root can hand a folder to another user, so
    /// elsewhere this checks nothing beyond the message test above.
    #[test]
    fn repository_owned_by_another_user() {
        use std::os::unix::fs::{MetadataExt, chown};
        let tmp = tempfile::tempdir().unwrap();
        let project: PathBuf = tmp.path().join("project");
        fs::create_dir(&project).unwrap();
        let repo = init(&project);
        commit(&repo, &[("a.txt", "a")], "one");
        let me = fs::metadata(&project).unwrap().uid();
        if me != 0 || chown(&project, Some(4242), Some(4242)).is_err() {
            return;
        }
        chown(project.join(".git"), Some(4242), Some(4242)).unwrap();
        let info = GitRevision::discover(&project, None);
        match info {
            GitInfo::NoRepository { reason } => {
                assert!(reason.contains("owned by another user"), "{reason}");
                let expected = format!(
                    "safe.directory {}",
                    project.canonicalize().unwrap().display()
                );
                assert!(reason.contains(&expected), "{reason}");
            }
            other => panic!("expected the owner check to refuse, got {other:?}"),
        }
    }
}
