//! `qualify ledger check`: the ledger as a whole. Every ledger commit only adds (a commit that
//! removed or changed a record is listed), and every anchored supersession record is in the
//! supersessions folder with the anchored bytes (a removed or replaced record is listed: the
//! rollback of a supersession). Exit 0 when consistent, 3 otherwise.

use crate::anchor::{LEDGER_REF, Ledger, Record, anchored_supersessions};
use crate::config::Config;
use crate::errors::Error;
use crate::exit_code;
use crate::sign::SignError;

/// Prints what the ledger holds and every inconsistency; returns the exit code.
pub fn check(config: &Config) -> Result<i32, Error> {
    let ledger = Ledger::discover(&config.dir).map_err(Error::Usage)?;
    let snapshot = ledger.snapshot().map_err(SignError::from)?;
    let Some(tip) = snapshot.tip else {
        crate::outln!(
            "{LEDGER_REF}: none in {} (fetch it with `git fetch origin \
             'refs/qualify/*:refs/qualify/*'`)",
            ledger.location().display()
        );
        return Ok(exit_code::SUCCESS);
    };
    let count = |f: fn(&Record) -> bool| snapshot.records.iter().filter(|(r, _)| f(r)).count();
    crate::outln!(
        "{LEDGER_REF} at {tip} of {}: {} record(s): {} seal(s), {} signature(s) and closure(s), \
         {} supersession(s), {} refused attempt(s)",
        ledger.location().display(),
        snapshot.records.len(),
        count(|r| matches!(r, Record::Sealed(_))),
        count(|r| matches!(r, Record::Envelope(_))),
        count(|r| matches!(r, Record::Superseded(_))),
        count(|r| matches!(r, Record::FailedAttempt(_))),
    );
    let mut problems = snapshot.problems.clone();
    problems.extend(
        anchored_supersessions(&ledger, &snapshot)
            .iter()
            .filter_map(|a| a.problem().map(|p| format!("{}: {p}", a.record.path))),
    );
    for p in &problems {
        crate::outln!("ERROR: {p}");
    }
    if problems.is_empty() {
        crate::outln!("LEDGER CONSISTENT");
        Ok(exit_code::SUCCESS)
    } else {
        crate::outln!("LEDGER CHECK FAILED: {} problem(s)", problems.len());
        Ok(exit_code::VERIFICATION_FAILED)
    }
}
