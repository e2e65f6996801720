//! Crash safety through the real binary: `qualify sign`, `qualify deviation close` and `qualify
//! render` are killed with SIGKILL at every `fsync` and every rename they make (strace's fault
//! injection: `-e inject=SYSCALL:signal=SIGKILL:when=N`, N = 1, 2, … until the command completes
//! without being killed), and a `qualify run` is killed at the rename that seals its package.
//!
//! After each kill: the package verifies as it was before (killed before the commit point) or
//! fails verification naming the interrupted operation (killed after it) — it never verifies while
//! incomplete; the retried command succeeds; the package then verifies with the operation done
//! exactly once, the trail records the recovery, and nothing is left behind (no `.pending/`, no
//! temporary file, no scratch folder). strace is required: without it (or without permission to
//! trace) these tests fail, they never skip.

use crate::sign_support;

use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use sign_support::{Fixture, PASS, copy_dir};

/// The syscalls a kill is injected at. Each has its own counter in strace, so each is walked
/// through on its own; one that the command never makes completes at N = 1.
const KILL_SYSCALLS: [&str; 5] = ["fsync", "fdatasync", "rename", "renameat", "renameat2"];

/// Fails loudly when strace is missing or may not trace (a container without CAP_SYS_PTRACE):
/// these tests are the proof of crash safety and must not pass by skipping.
fn require_strace() {
    let probe = Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "-e", "trace=fsync", "true"])
        .output();
    match probe {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "strace cannot trace here (exit {:?}): {}; the crash-safety tests need ptrace \
             (install strace with scripts/install-test-deps and allow CAP_SYS_PTRACE)",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => panic!(
            "strace is not installed ({e}); run scripts/install-test-deps: the crash-safety tests \
             need it and never skip"
        ),
    }
}

/// A fixture package kept pristine, copied into place before each attempt.
struct Bench {
    f: Fixture,
    pkg: PathBuf,
    pristine: tempfile::TempDir,
    /// The git ledger's tip with the pristine package (src/anchor): reset with the package.
    ledger: Option<String>,
    /// TMPDIR of every command, to see scratch folders left behind.
    tmp: tempfile::TempDir,
}

impl Bench {
    fn new() -> Bench {
        require_strace();
        let f = Fixture::new();
        let pkg = f.package();
        let pristine = tempfile::tempdir().unwrap();
        copy_dir(&pkg, &pristine.path().join("pkg"));
        let ledger = git_out(
            f.path(),
            &["rev-parse", "--verify", "-q", "refs/qualify/ledger"],
        );
        Bench {
            f,
            pkg,
            pristine,
            ledger,
            tmp: tempfile::tempdir().unwrap(),
        }
    }

    fn reset(&self) {
        fs::remove_dir_all(&self.pkg).unwrap();
        copy_dir(&self.pristine.path().join("pkg"), &self.pkg);
        // The ledger is part of the state a signing changes (it is written first).
        let args: Vec<&str> = match &self.ledger {
            Some(tip) => vec!["update-ref", "refs/qualify/ledger", tip],
            None => vec!["update-ref", "-d", "refs/qualify/ledger"],
        };
        git_out(self.f.path(), &args);
    }

    /// Whether the git ledger moved since the pristine state (the signing anchored its record).
    fn ledger_moved(&self) -> bool {
        git_out(
            self.f.path(),
            &["rev-parse", "--verify", "-q", "refs/qualify/ledger"],
        ) != self.ledger
    }

    fn command(&self, program: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(self.f.path())
            .env_remove("CI")
            .env("QUALIFY_KEY_PASSPHRASE", PASS)
            .env("TMPDIR", self.tmp.path());
        cmd
    }

    /// `qualify ARGS`, killed at the `n`th call of `syscall` when it gets that far.
    fn killed_at(&self, args: &[&str], syscall: &str, n: usize) -> Output {
        let mut cmd = self.command(Path::new("strace"));
        cmd.args(["-f", "-qq", "-o", "/dev/null", "-e"])
            .arg(format!("trace={syscall}"))
            .arg("-e")
            .arg(format!("inject={syscall}:signal=SIGKILL:when={n}"))
            .arg("--")
            .arg(env!("CARGO_BIN_EXE_qualify"))
            .args(args);
        cmd.output().expect("run strace")
    }

    fn qualify(&self, args: &[&str]) -> Output {
        self.command(Path::new(env!("CARGO_BIN_EXE_qualify")))
            .args(args)
            .output()
            .expect("run qualify")
    }

    /// `qualify verify PKG --format json`: (verified, report).
    fn verify(&self) -> (bool, Value) {
        let out = self.qualify(&["verify", self.pkg.to_str().unwrap(), "--format", "json"]);
        let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("verify printed no JSON ({e}):\n{}", text(&out));
        });
        let verified = report["verified"] == Value::Bool(true);
        assert_eq!(verified, out.status.code() == Some(0), "{}", text(&out));
        (verified, report)
    }
}

/// `git ARGS` in `dir`: its trimmed stdout when it succeeds.
fn git_out(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

pub(crate) fn killed(out: &Output) -> bool {
    out.status.signal() == Some(9) || out.status.code() == Some(128 + 9)
}

pub(crate) fn text(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The trail's entries.
fn trail(pkg: &Path) -> Vec<Value> {
    fs::read_to_string(pkg.join("audit/trail.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn sha256_file(path: &Path) -> Option<String> {
    use sha2::Digest;
    fs::read(path)
        .ok()
        .map(|b| hex::encode(sha2::Sha256::digest(b)))
}

/// Every file or folder below `dir` whose name marks a leftover: `.pending`, `.tmp-…`.
fn leftovers(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == ".pending" || name.starts_with(".tmp-") || name.ends_with(".tmp") {
            out.push(entry.path());
        } else if entry.file_type().unwrap().is_dir() {
            out.extend(leftovers(&entry.path()));
        }
    }
    out
}

/// What one operation adds, as the test sees it on disk without trusting qualify.
struct Operation {
    name: &'static str,
    args: Vec<String>,
    /// Files it adds, package-relative.
    files: Vec<&'static str>,
    /// The trail action recording each file.
    action: &'static str,
}

/// The operation's files and trail entries as found: (files present, entries present, whole).
fn on_disk(op: &Operation, pkg: &Path) -> (usize, usize, bool) {
    let entries = trail(pkg);
    let mut files = 0;
    let mut recorded = 0;
    let mut whole = true;
    for rel in &op.files {
        let sha = sha256_file(&pkg.join(rel));
        files += usize::from(sha.is_some());
        let entry = entries
            .iter()
            .rev()
            .find(|e| e["action"] == op.action && e["subject"] == *rel);
        recorded += usize::from(entry.is_some());
        // A rendition's entry names its digest; an envelope is checked by verify itself.
        if let (Some(e), Some(sha)) = (entry, &sha)
            && e["sha256"].is_string()
            && e["sha256"].as_str() != Some(sha.as_str())
        {
            whole = false;
        }
    }
    let n = op.files.len();
    whole &= (files == 0 && recorded == 0) || (files == n && recorded == n);
    (files, recorded, whole)
}

/// Tally of one command's kill points.
#[derive(Debug, Default)]
struct Tally {
    kills: usize,
    by_syscall: Vec<(String, usize)>,
    before_commit: usize,
    after_commit: usize,
    failed_after_recovery: usize,
    verified_while_incomplete: usize,
}

/// Kills `op` at every fsync and rename, checking each time; returns the tally.
fn kill_everywhere(bench: &Bench, op: &Operation) -> Tally {
    let args: Vec<&str> = op.args.iter().map(String::as_str).collect();
    let mut tally = Tally::default();
    for syscall in KILL_SYSCALLS {
        let mut n = 1;
        loop {
            bench.reset();
            let out = bench.killed_at(&args, syscall, n);
            if !killed(&out) {
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "{} not killed at {syscall} #{n} but failed:\n{}",
                    op.name,
                    text(&out)
                );
                let (files, recorded, whole) = on_disk(op, &bench.pkg);
                assert!(whole && files == op.files.len() && recorded == files);
                assert!(
                    bench.verify().0,
                    "{} completed but does not verify",
                    op.name
                );
                break;
            }
            tally.kills += 1;
            check_after_kill(bench, op, &args, &mut tally, &format!("{syscall} #{n}"));
            n += 1;
            assert!(
                n < 200,
                "{} never completes under {syscall} injection",
                op.name
            );
        }
        tally.by_syscall.push((syscall.to_string(), n - 1));
    }
    tally
}

/// The checks after one kill: verify before recovery, the retry, verify after, no leftovers.
fn check_after_kill(bench: &Bench, op: &Operation, args: &[&str], tally: &mut Tally, at: &str) {
    let pkg = &bench.pkg;
    let (_, recorded, whole) = on_disk(op, pkg);
    let (verified, report) = bench.verify();
    let trail_before = trail(pkg).len();
    let had_pending = pkg.join(".pending").exists();
    // With a repository the ledger record is written first: once the ledger holds it, the
    // operation is committed and the package lacks it until the next command restores it.
    let anchored_only = recorded == 0 && op.name != "render" && bench.ledger_moved();
    if recorded == 0 && !anchored_only {
        // Killed before the commit point: the package is as it was, and verifies as it did.
        tally.before_commit += 1;
        assert!(
            verified,
            "{}: killed at {at} before the commit point, the package no longer verifies: {report:#}",
            op.name
        );
    } else {
        tally.after_commit += 1;
    }
    if verified && !whole {
        tally.verified_while_incomplete += 1;
    }
    if !verified {
        let text = report.to_string();
        assert!(
            text.contains("interrupted"),
            "{}: killed at {at}, verify fails without naming the interruption: {report:#}",
            op.name
        );
    }

    let retry = bench.qualify(args);
    assert_eq!(
        retry.status.code(),
        Some(0),
        "{}: the retry after a kill at {at} failed:\n{}",
        op.name,
        text(&retry)
    );
    let (verified, report) = bench.verify();
    if !verified {
        tally.failed_after_recovery += 1;
        eprintln!("{}: after a kill at {at} and a retry: {report:#}", op.name);
    }
    let (files, recorded, whole) = on_disk(op, pkg);
    assert!(
        whole && files == op.files.len() && recorded == files,
        "{}: {at}",
        op.name
    );
    let entries = trail(pkg);
    let new = &entries[trail_before.min(entries.len())..];
    let recoveries = entries
        .iter()
        .filter(|e| e["action"] == "recovered")
        .count();
    let restorations = entries.iter().filter(|e| e["action"] == "restored").count();
    if anchored_only {
        // The ledger's copy replaced the leftover: recorded once, as a restoration.
        assert_eq!(
            (recoveries, restorations),
            (0, 1),
            "{}: killed at {at} after the ledger write: the trail must record one restoration",
            op.name
        );
    } else {
        assert_eq!(
            recoveries,
            usize::from(had_pending),
            "{}: killed at {at}: the trail must record the recovery once exactly when a \
             leftover was found",
            op.name
        );
    }
    // The operation is in the package exactly once (a render may repeat: it renders again).
    if op.action != "rendered" {
        for rel in &op.files {
            let n = entries
                .iter()
                .filter(|e| e["action"] == op.action && e["subject"] == *rel)
                .count();
            assert_eq!(n, 1, "{}: {rel} recorded {n} times after {at}", op.name);
        }
    }
    assert!(new.len() <= 1 + op.files.len() + usize::from(had_pending));
    let left = leftovers(pkg);
    assert!(left.is_empty(), "{}: after {at} left {left:?}", op.name);
    let scratch: Vec<_> = fs::read_dir(bench.tmp.path()).unwrap().collect();
    assert!(
        scratch.is_empty(),
        "{}: scratch left in TMPDIR: {scratch:?}",
        op.name
    );
}

fn assert_tally(name: &str, tally: &Tally) {
    eprintln!("{name}: {tally:?}");
    assert_eq!(tally.failed_after_recovery, 0, "{name}: {tally:?}");
    assert_eq!(tally.verified_while_incomplete, 0, "{name}: {tally:?}");
    // Not vacuous: the operation was killed on both sides of its commit point, at fsyncs and at
    // renames. A signing in a repository commits at the git ledger's update, its first write
    // (src/anchor): only the kills before that update leave it uncommitted.
    let min_before = if name == "render" { 4 } else { 1 };
    assert!(
        tally.before_commit >= min_before && tally.after_commit >= 2,
        "{name}: {tally:?}"
    );
    let at = |s: &str| {
        tally
            .by_syscall
            .iter()
            .filter(|(c, _)| c.starts_with(s))
            .map(|(_, n)| n)
            .sum::<usize>()
    };
    assert!(at("fsync") >= 6 && at("rename") >= 2, "{name}: {tally:?}");
}

#[test]
fn sign_killed_at_every_fsync_and_rename_recovers() {
    let bench = Bench::new();
    let pkg = bench.pkg.to_str().unwrap().to_string();
    let op = Operation {
        name: "sign",
        args: [
            "sign",
            &pkg,
            "--meaning",
            "executed",
            "--key",
            "keys/eng.pem",
        ]
        .map(String::from)
        .to_vec(),
        files: vec!["signatures/01-executed-eng.dsse.json"],
        action: "signed",
    };
    let tally = kill_everywhere(&bench, &op);
    assert_tally("sign", &tally);
}

#[test]
fn deviation_close_killed_at_every_fsync_and_rename_recovers() {
    let bench = Bench::new();
    let pkg = bench.pkg.to_str().unwrap().to_string();
    let op = Operation {
        name: "deviation close",
        args: [
            "deviation",
            "close",
            &pkg,
            "DEV-001",
            "--disposition",
            "The expected value was wrong; corrected under CR-12.",
            "--key",
            "keys/lead.pem",
        ]
        .map(String::from)
        .to_vec(),
        files: vec!["deviations/closures/DEV-001.dsse.json"],
        action: "deviation_closed",
    };
    let tally = kill_everywhere(&bench, &op);
    assert_tally("deviation close", &tally);
}

#[test]
fn render_killed_at_every_fsync_and_rename_recovers() {
    let bench = Bench::new();
    let pkg = bench.pkg.to_str().unwrap().to_string();
    let op = Operation {
        name: "render",
        args: vec!["render".into(), pkg],
        files: vec!["renditions/report.html", "renditions/report.pdf"],
        action: "rendered",
    };
    let tally = kill_everywhere(&bench, &op);
    assert_tally("render", &tally);
}

/// Which call of which rename syscall, counted in the calling thread as strace counts, seals the
/// package: found by tracing a complete run.
fn sealing_rename(bench: &Bench) -> (String, usize) {
    let log = bench.tmp.path().join("rename.log");
    let mut cmd = bench.command(Path::new("strace"));
    cmd.args(["-f", "-qq", "-o"])
        .arg(&log)
        .args(["-e", "trace=rename,renameat,renameat2", "--"])
        .arg(env!("CARGO_BIN_EXE_qualify"))
        .args(["run", "--progress", "quiet"]);
    let out = cmd.output().unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
    let lines = fs::read_to_string(&log).unwrap();
    fs::remove_file(&log).unwrap();
    let seal = lines
        .lines()
        .find(|l| is_seal(l))
        .unwrap_or_else(|| panic!("no sealing rename in:\n{lines}"));
    let tid = seal.split_whitespace().next().unwrap();
    let syscall = seal
        .split_whitespace()
        .nth(1)
        .unwrap()
        .split('(')
        .next()
        .unwrap()
        .to_string();
    let n = lines
        .lines()
        .take_while(|l| *l != seal)
        .filter(|l| l.split_whitespace().next() == Some(tid))
        .filter(|l| {
            l.split_whitespace()
                .nth(1)
                .is_some_and(|c| c.starts_with(&format!("{syscall}(")))
        })
        .count()
        + 1;
    (syscall, n)
}

/// A rename whose source is a staging folder itself (not a file inside it).
fn is_seal(line: &str) -> bool {
    let Some(start) = line.find('"') else {
        return false;
    };
    let source = &line[start + 1..];
    let source = &source[..source.find('"').unwrap_or(source.len())];
    Path::new(source)
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with(".staging-"))
}

#[test]
fn a_run_killed_at_its_sealing_rename_leaves_a_staging_folder_that_never_verifies_or_signs() {
    let bench = Bench::new();
    let evidence = bench.f.path().join("evidence");
    let (syscall, n) = sealing_rename(&bench);
    let before: Vec<PathBuf> = bench.f.packages();
    let out = bench.killed_at(&["run", "--progress", "quiet"], &syscall, n);
    assert!(
        killed(&out),
        "not killed at {syscall} #{n}:\n{}",
        text(&out)
    );
    assert_eq!(
        bench.f.packages(),
        before,
        "the killed run must not add a package"
    );
    let staging: Vec<PathBuf> = fs::read_dir(&evidence)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".staging-")
        })
        .collect();
    assert_eq!(staging.len(), 1, "{staging:?}");
    let staging = &staging[0];
    // Complete in content: killed exactly at the rename that would have sealed it.
    assert!(staging.join("manifest.json").is_file());
    assert!(staging.join("audit/trail.jsonl").is_file());

    let verify = bench.qualify(&["verify", staging.to_str().unwrap()]);
    assert_eq!(verify.status.code(), Some(3), "{}", text(&verify));
    assert!(
        text(&verify).contains("staging folder of a `qualify run`"),
        "{}",
        text(&verify)
    );
    let sign = bench.qualify(&[
        "sign",
        staging.to_str().unwrap(),
        "--meaning",
        "executed",
        "--key",
        "keys/eng.pem",
    ]);
    assert_eq!(sign.status.code(), Some(3), "{}", text(&sign));
    assert!(!staging.join("signatures").exists());

    // The killed run's scratch folder is left in TMPDIR; the next run removes it.
    let scratch = |pid: &str| -> Vec<PathBuf> {
        fs::read_dir(bench.tmp.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(&format!("qualify-work-{pid}"))
            })
            .collect()
    };
    let killed_pid = staging
        .file_name()
        .unwrap()
        .to_string_lossy()
        .rsplit('-')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        scratch(&killed_pid).len(),
        1,
        "the killed run's scratch folder"
    );
    let next = bench.qualify(&["run", "--progress", "quiet"]);
    assert!(matches!(next.status.code(), Some(0 | 1)), "{}", text(&next));
    assert!(
        scratch(&killed_pid).is_empty(),
        "stale scratch folder not removed"
    );
    assert!(
        scratch("").is_empty(),
        "the new run left its scratch folder"
    );
    assert_eq!(bench.f.packages().len(), before.len() + 1);
}
