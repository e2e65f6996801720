//! `qualify list`: the plan, without running anything.

use std::io::Write;

use serde_json::json;

use super::args::{Format, ListArgs};
use super::select::criteria;
use crate::config::Config;
use crate::errors::Error;
use crate::exit_code;
use crate::plan::{Plan, Stage, StepCheck, check_steps};
use crate::shard::ShardShare;

/// Prints the plan; returns the exit code.
pub fn list(config: &Config, args: &ListArgs, out: &mut dyn Write) -> Result<i32, Error> {
    let mut criteria = criteria(&args.select)?;
    super::select_locations::narrow_to_locations(config, &args.select.locations, &mut criteria)?;
    let shard = super::select_shard::narrow_to_shard(config, args.shard.as_deref(), &mut criteria)?;
    let plan = Plan::build(config, &criteria)?;
    let steps = check_steps(&plan, &crate::steps::patterns());
    let written = match args.format {
        Format::Json => write_json(config, &plan, &criteria, shard.as_ref(), &steps, out),
        Format::Human => write_shard(shard.as_ref(), out)
            .and_then(|()| write_human(config, &plan, out))
            .and_then(|()| write_undefined(&steps, out)),
    };
    match written {
        // `qualify list | head` closes the pipe early: not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.map_err(|e| Error::Internal(format!("cannot write the listing: {e}")))?,
    }
    Ok(exit_code::SUCCESS)
}

fn write_json(
    config: &Config,
    plan: &Plan,
    criteria: &crate::plan::Criteria,
    shard: Option<&ShardShare>,
    steps: &StepCheck,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let doc = json!({
        "schema": "qualify.list/v1",
        "selection": {
            "stage": criteria.stage.map(|s| s.to_string()),
            "tags": criteria.tags.as_ref().map(|t| t.to_string()),
            "shard": shard.map(|s| json!({
                "index": s.spec.index,
                "total": s.spec.total,
                "scenarios_in_campaign": s.selection.scenarios_in_campaign.len(),
                "partition_digest": s.partition.digest,
                "loads_ms": s.partition.loads,
                "balanced_from": s.selection.balanced_from,
            })),
        },
        "features": plan.features,
        "scenarios": plan.scenarios,
        "total_scenarios": plan.total_scenarios,
        "requirements": config.requirements.iter().map(|r| json!({
            "id": r.id,
            "title": r.title,
            "risk": r.risk,
            "scenarios": plan.scenarios.iter().filter(|s| s.requirements.contains(&r.id)).map(|s| s.id.clone()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "uncovered_requirements": plan.uncovered_requirements,
        "undefined_steps": steps.undefined,
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn write_human(config: &Config, plan: &Plan, out: &mut dyn Write) -> std::io::Result<()> {
    for stage in Stage::ALL {
        let rows: Vec<_> = plan.scenarios.iter().filter(|s| s.stage == stage).collect();
        if rows.is_empty() {
            continue;
        }
        writeln!(
            out,
            "{stage} ({} scenario{})",
            rows.len(),
            plural(rows.len())
        )?;
        let req_width = rows
            .iter()
            .map(|s| s.requirements.join(",").len())
            .max()
            .unwrap_or(0)
            .max(1);
        let name_width = rows
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(0)
            .min(60);
        for s in rows {
            let reqs = if s.requirements.is_empty() {
                "-".to_string()
            } else {
                s.requirements.join(",")
            };
            writeln!(
                out,
                "  {reqs:<req_width$}  {:<name_width$}  {}",
                s.name, s.id
            )?;
        }
        writeln!(out)?;
    }
    if !plan.uncovered_requirements.is_empty() {
        writeln!(out, "Requirements without scenarios:")?;
        for id in &plan.uncovered_requirements {
            let title = config
                .requirements
                .get(id)
                .map(|r| r.title.as_str())
                .unwrap_or("");
            writeln!(out, "  {id}  {title}")?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "{} of {} scenario{} selected in {} feature{}; {} requirement{}, {} without scenarios",
        plan.scenarios.len(),
        plan.total_scenarios,
        plural(plan.total_scenarios),
        plan.features.len(),
        plural(plan.features.len()),
        config.requirements.len(),
        plural(config.requirements.len()),
        plan.uncovered_requirements.len()
    )
}

/// The share line of `list --shard`: which shard, how much of the campaign, and how the
/// partition balances (expected milliseconds per shard).
fn write_shard(shard: Option<&ShardShare>, out: &mut dyn Write) -> std::io::Result<()> {
    let Some(s) = shard else {
        return Ok(());
    };
    let loads: Vec<String> = s.partition.loads.iter().map(|l| l.to_string()).collect();
    writeln!(
        out,
        "Shard {}: {} of the campaign's {} scenarios; partition {}, expected ms per shard {}{}\n",
        s.spec,
        s.ids.len(),
        s.selection.scenarios_in_campaign.len(),
        &s.partition.digest[..12],
        loads.join("/"),
        match s.selection.balanced_from.is_empty() {
            true => " (no recorded durations: equal weights)".to_string(),
            false => format!(
                " (durations from {} package{})",
                s.selection.balanced_from.len(),
                plural(s.selection.balanced_from.len())
            ),
        }
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The steps no library step matches, each with the nearest one: found now rather than as
/// `undefined` deviations after a run.
fn write_undefined(steps: &StepCheck, out: &mut dyn Write) -> std::io::Result<()> {
    if !steps.undefined.is_empty() {
        writeln!(
            out,
            "\n{} {} no step of the library (a run would fail them as undefined; \
             docs/steps.md lists the steps):",
            steps.undefined.len(),
            if steps.undefined.len() == 1 {
                "step matches"
            } else {
                "steps match"
            }
        )?;
        for u in &steps.undefined {
            writeln!(out, "  {}  {}", u.location, u.text)?;
            if let Some(nearest) = &u.nearest {
                writeln!(out, "      did you mean: {nearest}")?;
            }
        }
    }
    Ok(())
}
