//! The ledger's supersessions in the overview: which package supersedes which, the record file,
//! and whether that file is still the anchored one (missing or changed is shown, never hidden).

use std::collections::BTreeMap;

use super::report::PackageStatus;
use crate::anchor::{Ledger, Snapshot, anchored_supersessions};

/// Marks each superseded package with its anchored record and the record's problem, if any.
pub fn apply(ledger: &Ledger, snapshot: &Snapshot, by_id: &mut BTreeMap<String, PackageStatus>) {
    for a in anchored_supersessions(ledger, snapshot) {
        if let Some(p) = by_id.get_mut(&a.record.common.package_id) {
            p.superseded_by = Some(a.record.superseded_by.clone());
            p.supersession_record = Some(a.record.path.clone());
            if p.supersession_problem.is_none() {
                p.supersession_problem = a.problem();
            }
        }
    }
}
