//! Turning `--stage` and `--tags` into checked [`Criteria`].

use super::args::SelectArgs;
use crate::errors::Error;
use crate::plan::{Criteria, Stage, TagExpr};

/// Parses an optional `--stage` value.
pub fn parse_stage(stage: Option<&str>) -> Result<Option<Stage>, Error> {
    stage
        .map(|s| {
            s.parse::<Stage>()
                .map_err(|e| Error::Usage(format!("--stage: {e}")))
        })
        .transpose()
}

/// Validates the selection arguments.
pub fn criteria(args: &SelectArgs) -> Result<Criteria, Error> {
    let stage = parse_stage(args.stage.as_deref())?;
    let tags = args
        .tags
        .as_deref()
        .map(|t| {
            t.parse::<TagExpr>()
                .map_err(|e| Error::Usage(format!("--tags: {e}")))
        })
        .transpose()?;
    Ok(Criteria {
        stage,
        tags,
        ids: None,
        locations: Vec::new(),
    })
}
