//! Supersession records against the git ledger. A record file counts only as the one the ledger
//! anchors: an anchored supersession whose file is missing or changed is a
//! `supersession_missing` finding that blocks the revision (it neither un-blocks the package
//! without its reviewed file nor disappears without trace), and a valid record file the ledger
//! does not anchor, although the ledger records the package, is `supersession_invalid`.
//!
//! Without a ledger, or one without records of the package, nothing here applies: the package
//! then is `not_anchored` itself (src/gate/candidate.rs).

use super::finding::{GateCode, GateFinding};
use super::report::CandidateReport;
use crate::anchor::{LEDGER_REF, Ledger, Record, anchored_supersessions};
use crate::config::Config;
use crate::evidence::sha256_hex;

/// Adds the ledger's findings about each candidate's supersession records, and withdraws a
/// supersession whose record file is not the anchored one.
pub fn check_anchored_supersessions(config: &Config, candidates: &mut [CandidateReport]) {
    let Ok(ledger) = Ledger::discover(&config.dir) else {
        return;
    };
    let Ok(snapshot) = ledger.snapshot() else {
        return;
    };
    let anchored = anchored_supersessions(&ledger, &snapshot);
    for c in candidates.iter_mut() {
        let mine: Vec<_> = anchored
            .iter()
            .filter(|a| {
                a.record.common.package_id == c.package_id
                    && a.record.manifest_sha256 == c.manifest_sha256
            })
            .collect();
        for a in &mine {
            if let Some(problem) = a.problem() {
                c.findings.push(
                    GateFinding::new(GateCode::SupersessionMissing, problem)
                        .package(&c.package)
                        .path(&a.record.path),
                );
            }
        }
        let Some(by) = &c.superseded_by else {
            continue;
        };
        let recorded = snapshot.records.iter().any(|(r, _)| {
            r.common().package_id == c.package_id
                && matches!(r, Record::Sealed(_) | Record::Envelope(_))
        });
        let bytes = std::fs::read(config.dir.join(&by.record)).unwrap_or_default();
        let sha = sha256_hex(&bytes);
        if recorded && !mine.iter().any(|a| a.record.envelope_sha256 == sha) {
            let finding = GateFinding::new(
                GateCode::SupersessionInvalid,
                format!(
                    "supersession record {} does not count: not anchored in {LEDGER_REF} \
                     (SHA-256 {sha}), although the ledger records the package; it was made \
                     without this repository or put there by hand. If it was made in another \
                     clone, push that clone's ledger (`git push origin 'refs/qualify/*'`) and \
                     fetch it here",
                    by.record
                ),
            )
            .package(&c.package)
            .path(&by.record);
            c.findings.push(finding);
            c.superseded_by = None;
        }
    }
}
