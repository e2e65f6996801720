//! Impact assessment from git: what a change touches and what must be re-tested, and why.

mod assessment;
mod baseline;
mod build;
mod changes;
mod components;
mod error;
mod human;
mod render;

pub use assessment::{
    AssessedChange, IMPACT_SCHEMA, ImpactAssessment, ImpactedComponent, RULE_HIGH, RULE_LOW,
    RULE_MEDIUM, SelectedScenario,
};
pub use baseline::{
    APPROVED_PREFIX, ApprovedBaseline, latest_approved, latest_approved_at_or_before_head,
    tag_approved,
};
pub use build::assess_project;
pub use changes::{Change, ChangeKind, Revisions, changes_since};
pub use components::{CompiledComponent, Components, compile};
pub use error::ImpactError;
pub use human::{
    ASSESSMENT_PREDICATE_TYPE, AssessmentPredicate, HumanAssessment, content_digest, load_valid,
    record,
};
pub use render::markdown;
