//! Cucumber tag expressions (`@smoke and not (@slow or @wip)`), parsed by the gherkin crate and
//! evaluated here against a scenario's merged tags.

use std::fmt;
use std::str::FromStr;

use gherkin::tagexpr::TagOperation;

/// A parsed tag expression.
#[derive(Debug, Clone)]
pub struct TagExpr {
    source: String,
    op: TagOperation,
}

/// The expression could not be parsed.
#[derive(Debug, thiserror::Error)]
#[error(
    "tag expression `{source_text}` is not valid at column {column}: expected {expected}. Example: --tags '@OQ and not @slow'"
)]
pub struct TagExprError {
    source_text: String,
    column: usize,
    expected: String,
}

impl FromStr for TagExpr {
    type Err = TagExprError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let op = TagOperation::from_str(s.trim()).map_err(|e| TagExprError {
            source_text: s.to_string(),
            column: e.location.column,
            expected: e.expected.to_string(),
        })?;
        Ok(Self {
            source: s.trim().to_string(),
            op,
        })
    }
}

impl fmt::Display for TagExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl TagExpr {
    /// True when the expression holds for `tags` (written without `@`).
    pub fn matches<S: AsRef<str>>(&self, tags: &[S]) -> bool {
        eval(&self.op, tags)
    }
}

fn eval<S: AsRef<str>>(op: &TagOperation, tags: &[S]) -> bool {
    match op {
        TagOperation::And(a, b) => eval(a, tags) && eval(b, tags),
        TagOperation::Or(a, b) => eval(a, tags) || eval(b, tags),
        TagOperation::Not(a) => !eval(a, tags),
        TagOperation::Tag(t) => {
            let want = t.trim_start_matches('@');
            tags.iter().any(|have| have.as_ref() == want)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(expr: &str, tags: &[&str]) -> bool {
        expr.parse::<TagExpr>().unwrap().matches(tags)
    }

    #[test]
    fn single_tag() {
        assert!(m("@OQ", &["OQ", "URS-001"]));
        assert!(!m("@OQ", &["IQ"]));
    }

    #[test]
    fn precedence_not_and_or() {
        // `or` binds loosest: a or (b and not c)
        assert!(m("@a or @b and not @c", &["a", "c"]));
        assert!(m("@a or @b and not @c", &["b"]));
        assert!(!m("@a or @b and not @c", &["b", "c"]));
    }

    #[test]
    fn parentheses() {
        assert!(!m("(@a or @b) and not @c", &["a", "c"]));
        assert!(m("(@a or @b) and not @c", &["b"]));
        assert!(m("not (@slow or @wip)", &["OQ"]));
        assert!(!m("not (@slow or @wip)", &["wip"]));
    }

    #[test]
    fn requirement_tags_with_dashes() {
        assert!(m("@URS-001 or @URS-002", &["URS-002"]));
        assert!(!m("@URS-001", &["URS-0011"]));
    }

    #[test]
    fn invalid_expression_is_an_error() {
        let err = "@a and".parse::<TagExpr>().unwrap_err().to_string();
        assert!(err.contains("@a and"), "{err}");
        assert!("and @a".parse::<TagExpr>().is_err());
    }
}
