//! Which scenarios a command selects: a stage and a tag expression.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::stage::Stage;
use super::tag_expr::TagExpr;
use super::tags::MergedTags;

/// Selection criteria from `--stage`, `--tags` and `--impact`.
#[derive(Debug, Clone, Default)]
pub struct Criteria {
    /// Only this stage.
    pub stage: Option<Stage>,
    /// Only scenarios whose merged tags satisfy this.
    pub tags: Option<TagExpr>,
    /// Only these scenario ids (`<feature path>:<line>`), as chosen by an impact assessment.
    pub ids: Option<Arc<BTreeSet<String>>>,
    /// The `FEATURE[:LINE]` locations that chose `ids` (project-relative), recorded in the
    /// results' selection.
    pub locations: Vec<String>,
}

impl Criteria {
    /// True when the scenario `id` with these merged tags is selected.
    pub fn selects(&self, id: &str, tags: &MergedTags) -> bool {
        let stage_ok = self.stage.is_none_or(|s| tags.stages == [s]);
        let tags_ok = self.tags.as_ref().is_none_or(|e| e.matches(&tags.all));
        let id_ok = self.ids.as_ref().is_none_or(|ids| ids.contains(id));
        stage_ok && tags_ok && id_ok
    }

    /// Short label for package ids: the stage, or `ALL`.
    pub fn stage_label(&self) -> String {
        self.stage
            .map(|s| s.to_string())
            .unwrap_or_else(|| "ALL".into())
    }
}
