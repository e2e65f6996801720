//! Matching changed paths to components by their globs.

use globset::GlobMatcher;

use super::error::ImpactError;
use crate::config::{Component, Requirements, Risk};

/// A component with compiled globs and its effective risk.
pub struct CompiledComponent {
    /// The declaration.
    pub component: Component,
    /// Its risk: declared, or the highest of its requirements (low when it has none).
    pub risk: Risk,
    matchers: Vec<GlobMatcher>,
}

impl CompiledComponent {
    /// Whether `path` (relative to the project root) belongs to this component.
    pub fn claims(&self, path: &str) -> bool {
        self.matchers.iter().any(|m| m.is_match(path))
    }
}

/// Compiles every component's globs. `*` does not cross `/`; `**` does.
pub fn compile(
    components: &[Component],
    requirements: &Requirements,
) -> Result<Vec<CompiledComponent>, ImpactError> {
    components
        .iter()
        .map(|c| {
            let matchers = c
                .paths
                .iter()
                .map(|g| {
                    glob_matcher(g).map_err(|e| ImpactError::Glob {
                        component: c.id.clone(),
                        glob: g.clone(),
                        reason: e.kind().to_string(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let derived = c
                .requirements
                .iter()
                .filter_map(|r| requirements.get(r).map(|r| r.risk))
                .min() // High < Medium < Low in declaration order
                .unwrap_or(Risk::Low);
            Ok(CompiledComponent {
                component: c.clone(),
                risk: c.risk.unwrap_or(derived),
                matchers,
            })
        })
        .collect()
}

/// Builds a matcher with literal-separator semantics (`*` stays within one folder).
pub(crate) fn glob_matcher(glob: &str) -> Result<GlobMatcher, globset::Error> {
    globset::GlobBuilder::new(glob)
        .literal_separator(true)
        .build()
        .map(|g| g.compile_matcher())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comp(id: &str, paths: &[&str]) -> Component {
        Component {
            id: id.into(),
            paths: paths.iter().map(|s| s.to_string()).collect(),
            requirements: vec![],
            risk: Some(Risk::Medium),
        }
    }

    #[test]
    fn globs_claim_paths() {
        let c = compile(
            &[comp("a", &["bridge/src/sparkplug/**", "bridge/src/oee.rs"])],
            &Requirements::default(),
        )
        .unwrap();
        assert!(c[0].claims("bridge/src/sparkplug/session.rs"));
        assert!(c[0].claims("bridge/src/sparkplug/deep/x.rs"));
        assert!(c[0].claims("bridge/src/oee.rs"));
        assert!(!c[0].claims("bridge/src/oee.rs.bak"));
        assert!(!c[0].claims("src/oee.rs"));
    }

    #[test]
    fn single_star_stays_in_its_folder() {
        let m = glob_matcher("bridge/src/*.rs").unwrap();
        assert!(m.is_match("bridge/src/a.rs"));
        assert!(!m.is_match("bridge/src/sub/a.rs"));
    }

    #[test]
    fn invalid_glob_is_an_error() {
        let err = compile(&[comp("bad", &["a/[b"])], &Requirements::default())
            .err()
            .unwrap();
        assert!(err.to_string().contains("component `bad`"));
    }
}
