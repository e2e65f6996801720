//! Which scenarios a command selects: a stage and a tag expression.

use super::stage::Stage;
use super::tag_expr::TagExpr;
use super::tags::MergedTags;

/// Selection criteria from `--stage` and `--tags`.
#[derive(Debug, Clone, Default)]
pub struct Criteria {
    /// Only this stage.
    pub stage: Option<Stage>,
    /// Only scenarios whose merged tags satisfy this.
    pub tags: Option<TagExpr>,
}

impl Criteria {
    /// True when a scenario with these merged tags is selected.
    pub fn selects(&self, tags: &MergedTags) -> bool {
        let stage_ok = self.stage.is_none_or(|s| tags.stages == [s]);
        let tags_ok = self.tags.as_ref().is_none_or(|e| e.matches(&tags.all));
        stage_ok && tags_ok
    }

    /// Short label for package ids: the stage, or `ALL`.
    pub fn stage_label(&self) -> String {
        self.stage
            .map(|s| s.to_string())
            .unwrap_or_else(|| "ALL".into())
    }
}
