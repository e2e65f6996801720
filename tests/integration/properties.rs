//! Property tests (proptest) of qualify's own invariants (docs/testing.md): tag expressions
//! against a reference evaluator, and manifest round trips through the real package writer with
//! every byte change detected.

use qualify::evidence::VerifyManifest;
use std::collections::BTreeMap;
use std::path::Path;

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use qualify::evidence::{
    MANIFEST_FILE, Manifest, ManifestEntry, ManifestProblem, PackageWriter, sha256_hex,
};
use qualify::plan::TagExpr;

/// A tag expression as a tree, the reference the parsed expression is compared with.
#[derive(Debug, Clone)]
enum Expr {
    Tag(String),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

/// The reference evaluator: Cucumber's semantics, written independently of the crate's.
fn eval(e: &Expr, tags: &[String]) -> bool {
    match e {
        Expr::Tag(t) => tags.iter().any(|have| have == t),
        Expr::Not(a) => !eval(a, tags),
        Expr::And(a, b) => eval(a, tags) && eval(b, tags),
        Expr::Or(a, b) => eval(a, tags) || eval(b, tags),
    }
}

fn precedence(e: &Expr) -> u8 {
    match e {
        Expr::Or(..) => 1,
        Expr::And(..) => 2,
        Expr::Not(_) => 3,
        Expr::Tag(_) => 4,
    }
}

/// Prints the tree with only the parentheses precedence needs (`not` > `and` > `or`), or with
/// every one, so both the precedence rules and explicit grouping are exercised.
fn show(e: &Expr, all_parens: bool) -> String {
    let child = |c: &Expr, min: u8| {
        let text = show(c, all_parens);
        let atomic = matches!(c, Expr::Tag(_));
        if (all_parens && !atomic) || precedence(c) < min {
            format!("({text})")
        } else {
            text
        }
    };
    match e {
        Expr::Tag(t) => format!("@{t}"),
        Expr::Not(a) => format!("not {}", child(a, 3)),
        // Left operands may be of equal precedence (left associativity); right ones are
        // parenthesised unless they bind tighter, so the parse tree is the reference tree.
        Expr::And(a, b) => format!("{} and {}", child(a, 2), child(b, 3)),
        Expr::Or(a, b) => format!("{} or {}", child(a, 1), child(b, 2)),
    }
}

const TAGS: &[&str] = &["OQ", "IQ", "PQ", "URS-001", "URS-002", "slow", "wip", "a_b"];

fn tag() -> impl Strategy<Value = String> {
    prop::sample::select(TAGS).prop_map(str::to_string)
}

fn expr() -> impl Strategy<Value = Expr> {
    tag().prop_map(Expr::Tag).prop_recursive(5, 32, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|a| Expr::Not(Box::new(a))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| Expr::Or(Box::new(a), Box::new(b))),
        ]
    })
}

proptest! {
    #[test]
    fn tag_expressions_print_back_and_agree_with_the_reference_evaluator(
        e in expr(),
        all_parens in any::<bool>(),
        padding in "[ ]{0,2}",
        tags in prop::collection::vec(tag(), 0..5),
    ) {
        let text = format!("{padding}{}{padding}", show(&e, all_parens));
        let parsed: TagExpr = text.parse().map_err(|err| {
            TestCaseError::fail(format!("{text:?} does not parse: {err}"))
        })?;
        // Display is the expression as written (trimmed), and parses back to the same meaning.
        let shown = parsed.to_string();
        prop_assert_eq!(&shown, text.trim());
        let again: TagExpr = shown.parse().expect("a displayed expression parses");
        prop_assert_eq!(again.to_string(), shown);
        let expected = eval(&e, &tags);
        prop_assert_eq!(parsed.matches(&tags), expected, "{} on {:?}", text, tags);
        prop_assert_eq!(again.matches(&tags), expected);
    }
}

/// Files of a package: `[dN/]fNAME` (folders and files never share a name) with contents.
fn files() -> impl Strategy<Value = BTreeMap<String, Vec<u8>>> {
    prop::collection::btree_map(
        (
            "(d[0-2]/)?f[a-z0-9_.é-]{0,6}",
            prop::collection::vec(any::<u8>(), 0..64),
        ),
        prop::strategy::Just(()),
        1..6,
    )
    .prop_map(|m| m.into_keys().collect())
}

/// Writes the files through the real package writer and seals it.
fn seal(dir: &Path, files: &BTreeMap<String, Vec<u8>>) -> std::path::PathBuf {
    let now = Utc
        .with_ymd_and_hms(2025, 1, 2, 3, 4, 5)
        .single()
        .expect("a time");
    let writer = PackageWriter::create(dir, "OQ", None, now).expect("a writer");
    for (rel, content) in files {
        writer
            .write_with(rel, |out| out.write_all(content))
            .expect("a file written");
    }
    writer.finalize().expect("sealed").path
}

fn entries(files: &BTreeMap<String, Vec<u8>>) -> Vec<ManifestEntry> {
    files
        .iter()
        .map(|(path, content)| ManifestEntry {
            path: path.clone(),
            sha256: sha256_hex(content),
            size: content.len() as u64,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn a_sealed_manifest_reads_back_with_the_same_entries_and_any_byte_change_is_detected(
        files in files(),
        pick in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        flip in 1u8..=255,
        mode in 0u8..3,
    ) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let pkg = seal(tmp.path(), &files);
        let manifest = Manifest::load(&pkg).expect("the sealed manifest loads");
        prop_assert_eq!(&manifest.files, &entries(&files));
        let bytes = std::fs::read(pkg.join(MANIFEST_FILE)).expect("manifest bytes");
        prop_assert_eq!(&Manifest::parse(Path::new("m"), &bytes).expect("parses"), &manifest);
        prop_assert!(manifest.verify_files(&pkg).is_empty());

        // One change to one file: a flipped byte, a byte appended, or the last byte cut.
        let (rel, content) = files.iter().nth(pick.index(files.len())).expect("a file");
        let mut changed = content.clone();
        match mode {
            0 if !changed.is_empty() => {
                let i = at.index(changed.len());
                changed[i] ^= flip;
            }
            1 if !changed.is_empty() => {
                changed.pop();
            }
            _ => changed.push(flip),
        }
        std::fs::write(pkg.join(rel), &changed).expect("tamper");
        let problems = manifest.verify_files(&pkg);
        prop_assert_eq!(problems.len(), 1, "{:?}", problems);
        let is_change = matches!(
            &problems[0],
            ManifestProblem::Changed { path, expected_size, actual_size, .. }
                if path == rel
                    && *expected_size == content.len() as u64
                    && *actual_size == changed.len() as u64
        );
        prop_assert!(is_change, "{:?}", problems);
    }

    #[test]
    fn a_changed_manifest_entry_no_longer_matches_the_files(
        files in files(),
        pick in any::<prop::sample::Index>(),
        at in 0usize..64,
        field in 0u8..3,
    ) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let pkg = seal(tmp.path(), &files);
        let mut manifest = Manifest::load(&pkg).expect("loads");
        let i = pick.index(manifest.files.len());
        let entry = &mut manifest.files[i];
        match field {
            0 => {
                // One hex digit of the digest changed.
                let mut digits: Vec<char> = entry.sha256.chars().collect();
                let d = at % digits.len();
                digits[d] = if digits[d] == '0' { '1' } else { '0' };
                entry.sha256 = digits.into_iter().collect();
            }
            1 => entry.size += 1 + at as u64,
            _ => entry.path.push('x'),
        }
        // Written and read back the way verify reads it.
        let bytes = serde_json::to_vec_pretty(&manifest).expect("serializes");
        let reread = Manifest::parse(Path::new("m"), &bytes).expect("parses");
        prop_assert_eq!(&reread, &manifest);
        prop_assert!(!reread.verify_files(&pkg).is_empty(), "a changed entry went unnoticed");
    }
}

fn trail_entry(i: usize, why: &str) -> qualify::audit::NewEntry {
    use qualify::audit::{Actor, AuditAction, NewEntry};
    NewEntry {
        at: format!("2025-01-01T00:00:{:02}Z", i % 60),
        action: [
            AuditAction::Created,
            AuditAction::DeviationOpened,
            AuditAction::Signed,
        ][i % 3],
        who: Actor {
            kind: "os-user".into(),
            id: "jdoe".into(),
            name: "Jane Doe".into(),
            ci_job: None,
        },
        what: format!("step {i}"),
        why: why.into(),
        subject: format!("subject-{i}"),
        sha256: None,
    }
}

proptest! {
    #[test]
    fn any_byte_change_before_the_last_line_of_an_audit_trail_breaks_its_chain(
        whys in prop::collection::vec("[a-zé\u{fffd} ]{0,12}", 2..6),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        flip in 1u8..=255,
        edit in 0u8..3,
    ) {
        use qualify::audit::AuditTrail;
        let entries = whys.iter().enumerate().map(|(i, w)| trail_entry(i, w)).collect();
        let bytes = AuditTrail::render_new("pkg", entries);
        prop_assert!(AuditTrail::parse("pkg", &bytes).check_chain().is_empty());
        // Every line but the last is covered by the next line's `prev` (the last one is covered
        // by the signature that names it), so any change before the last line is a break.
        let last_start = bytes[..bytes.len() - 1]
            .iter()
            .rposition(|b| *b == b'\n')
            .expect("two lines or more") + 1;
        let i = at.index(last_start);
        let mut changed = bytes.clone();
        match edit {
            0 => changed[i] ^= flip,
            1 => changed.insert(i, byte),
            _ => {
                changed.remove(i);
            }
        }
        let problems = AuditTrail::parse("pkg", &changed).check_chain();
        prop_assert!(
            !problems.is_empty(),
            "edit {} at byte {} went unnoticed: {:?}",
            edit, i, String::from_utf8_lossy(&changed)
        );
    }
}
