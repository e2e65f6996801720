//! The plan: which scenarios exist, what they qualify, and which ones a command selects.

mod build;
mod checks;
mod criteria;
mod discover;
mod error;
mod feature_text;
mod scenario;
mod stage;
mod step_check;
mod tag_expr;
mod tags;

pub use build::{Plan, PlannedFeature, feature_abs, scenario_id, scenario_tags};
pub use criteria::Criteria;
pub use error::{PlanError, PlanProblem};
pub use feature_text::parse_feature;
pub use scenario::PlannedScenario;
pub use stage::Stage;
pub use step_check::{StepCheck, UndefinedStep, check_steps};
pub use tag_expr::{TagExpr, TagExprError};
pub use tags::{MergedTags, is_requirement_tag, merge};
