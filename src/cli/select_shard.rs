//! `--shard K/N` on `run` and `list`: narrows the criteria to this shard's share of the
//! selection (src/shard).

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::config::Config;
use crate::errors::Error;
use crate::plan::{Criteria, Plan};
use crate::shard::{ShardShare, ShardSpec};

/// Narrows `criteria` (already narrowed by impact and locations) to shard `given` of what it
/// selects; `None` without `--shard`, or when nothing is selected (the run then says so as
/// for any empty selection). The durations that balance the shares come from the project's
/// evidence store, whatever `--out` says, so that every runner of the campaign weighs alike.
pub fn narrow_to_shard(
    config: &Config,
    given: Option<&str>,
    criteria: &mut Criteria,
) -> Result<Option<ShardShare>, Error> {
    let Some(given) = given else {
        return Ok(None);
    };
    let usage = |e: crate::shard::ShardSpecError| Error::Usage(e.to_string());
    let spec = ShardSpec::resolve(given, |name| std::env::var(name).ok()).map_err(usage)?;
    let plan = Plan::build(config, criteria)?;
    let campaign: BTreeSet<String> = plan.scenarios.iter().map(|s| s.id.clone()).collect();
    if campaign.is_empty() {
        return Ok(None);
    }
    let share = crate::shard::share(spec, &campaign, &config.evidence).map_err(usage)?;
    // The share is a subset of what the criteria select, so it replaces any ids they held.
    criteria.ids = Some(Arc::new(share.ids.clone()));
    Ok(Some(share))
}
