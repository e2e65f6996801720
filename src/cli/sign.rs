//! `qualify sign`: a workflow signature on a sealed package.

use super::args::{Format, SignArgs};
use super::sign_command::sign_recorded;
use super::signed_report::report_signed;
use crate::config::Config;
use crate::errors::Error;
use crate::evidence::RunResults;
use crate::exit_code;
use crate::git::GitInfo;
use qualify_evidence::layout::{GIT_FILE, RESULTS_FILE};

/// Signs; prints the manifestation; returns the exit code. A refused attempt is recorded in the
/// package's trail and in the git ledger (src/cli/sign_command.rs).
pub fn sign(config: &Config, args: &SignArgs) -> Result<i32, Error> {
    if args.format == Format::Json {
        crate::console::status_to_stderr();
    }
    let signed = sign_recorded(config, args)?;
    let mut tag = None;
    if config
        .workflow
        .meanings
        .last()
        .is_some_and(|m| m.name == args.meaning)
    {
        let package = super::key_input::package_dir(&args.package)?;
        tag = tag_approved_baseline(
            config,
            &package,
            &signed.statement.predicate.package.manifest_sha256,
        );
    }
    report_signed(
        &signed,
        args.format,
        tag.as_deref(),
        &mut std::io::stdout().lock(),
    )?;
    Ok(exit_code::SUCCESS)
}

/// Records an approved package as the next impact baseline: a git tag on its commit. A failure
/// here does not undo the signature; it is reported so that the tag can be made by hand.
fn tag_approved_baseline(
    config: &Config,
    package: &std::path::Path,
    manifest_sha256: &str,
) -> Option<String> {
    fn read<T: serde::de::DeserializeOwned>(package: &std::path::Path, name: &str) -> Option<T> {
        serde_json::from_slice(&std::fs::read(package.join(name)).ok()?).ok()
    }
    let git: Option<GitInfo> = read(package, GIT_FILE);
    let results: Option<RunResults> = read(package, RESULTS_FILE);
    let (Some(git), Some(results)) = (git, results) else {
        eprintln!(
            "warning: cannot read git.json/results.json of the package: no baseline tag made"
        );
        return None;
    };
    let Some(commit) = git.revision().map(|r| r.commit.as_str()) else {
        eprintln!("warning: the package names no git commit: no approved baseline tag made");
        return None;
    };
    let stage = results.selection.stage.as_deref().unwrap_or("ALL");
    let id = results.package_id.as_str();
    let message = format!("qualify: package {id} approved\nmanifest sha256 {manifest_sha256}\n");
    match crate::impact::tag_approved(&config.dir, stage, id, commit, &message) {
        Ok(tag) => {
            crate::outln!(
                "approved baseline: tag {tag} on {commit}; publish it with `git push origin 'refs/tags/qualify/*'`"
            );
            Some(tag)
        }
        Err(e) => {
            eprintln!("warning: approved baseline tag not made: {e}");
            None
        }
    }
}

/// Prints the manifestation of a signature just made (as text, on stdout).
pub fn print_signed(signed: &crate::sign::Signed) {
    let stdout = std::io::stdout();
    // A closed stdout is ignored inside; nothing else can fail when writing text.
    let _ = report_signed(signed, Format::Human, None, &mut stdout.lock());
}
