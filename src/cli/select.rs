//! Turning `--stage` and `--tags` into checked [`Criteria`].

use super::args::SelectArgs;
use crate::errors::Error;
use crate::plan::{Criteria, Stage, TagExpr};

/// Validates the selection arguments.
pub fn criteria(args: &SelectArgs) -> Result<Criteria, Error> {
    let stage = args
        .stage
        .as_deref()
        .map(|s| {
            s.parse::<Stage>()
                .map_err(|e| Error::Usage(format!("--stage: {e}")))
        })
        .transpose()?;
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
    })
}
