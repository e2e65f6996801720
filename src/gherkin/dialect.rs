//! Gherkin dialects: the keywords of every spoken language Gherkin supports.
//!
//! The table is the official `gherkin-languages.json` of the Cucumber project, vendored unchanged
//! next to this file (MIT licence, origin and commit in `src/gherkin/README.md`). It is parsed once,
//! on first use; a `# language: xx` line selects a dialect, `en` is the default.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

/// The vendored keyword table.
const LANGUAGES_JSON: &str = include_str!("gherkin-languages.json");

/// The keywords of one dialect, as the JSON spells them (step keywords keep their trailing
/// space where the language separates words with one).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dialect {
    /// English name of the language.
    pub name: String,
    /// The language's own name for itself.
    pub native: String,
    /// `Feature` keywords.
    pub feature: Vec<String>,
    /// `Rule` keywords.
    pub rule: Vec<String>,
    /// `Background` keywords.
    pub background: Vec<String>,
    /// `Scenario` keywords.
    pub scenario: Vec<String>,
    /// `Scenario Outline` keywords.
    pub scenario_outline: Vec<String>,
    /// `Examples` keywords.
    pub examples: Vec<String>,
    /// `Given` keywords.
    pub given: Vec<String>,
    /// `When` keywords.
    pub when: Vec<String>,
    /// `Then` keywords.
    pub then: Vec<String>,
    /// `And` keywords.
    pub and: Vec<String>,
    /// `But` keywords.
    pub but: Vec<String>,
}

static DIALECTS: LazyLock<HashMap<String, Dialect>> = LazyLock::new(|| {
    // The file is part of the source and checked by the tests, so a failure here is a build
    // defect, not bad input.
    serde_json::from_str(LANGUAGES_JSON).expect("the vendored gherkin-languages.json parses")
});

/// The dialect of language code `code` (`en`, `fr`, `zh-CN`, …), if Gherkin knows it.
pub fn dialect(code: &str) -> Option<&'static Dialect> {
    DIALECTS.get(code)
}

/// Every language code, sorted.
pub fn language_codes() -> Vec<&'static str> {
    let mut codes: Vec<&str> = DIALECTS.keys().map(String::as_str).collect();
    codes.sort_unstable();
    codes
}

/// What a step keyword says about its step, as Cucumber Messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum KeywordType {
    /// `Given`: a precondition.
    Context,
    /// `When`: an action.
    Action,
    /// `Then`: an expected outcome.
    Outcome,
    /// `And` / `But`: continues the previous step.
    Conjunction,
    /// A keyword listed under several kinds (such as `* `).
    Unknown,
}

impl Dialect {
    /// Every step keyword, longest first (ties in the order given, when, then, and, but), each
    /// with its type: a keyword listed under more than one kind is [`KeywordType::Unknown`].
    pub fn step_keywords(&self) -> Vec<(&str, KeywordType)> {
        let lists = [
            (&self.given, KeywordType::Context),
            (&self.when, KeywordType::Action),
            (&self.then, KeywordType::Outcome),
            (&self.and, KeywordType::Conjunction),
            (&self.but, KeywordType::Conjunction),
        ];
        let all: Vec<(&str, KeywordType)> = lists
            .iter()
            .flat_map(|(list, ty)| list.iter().map(move |k| (k.as_str(), *ty)))
            .collect();
        let mut out: Vec<(&str, KeywordType)> = all
            .iter()
            .map(|(k, ty)| {
                let listed = all.iter().filter(|(other, _)| other == k).count();
                (
                    *k,
                    if listed > 1 {
                        KeywordType::Unknown
                    } else {
                        *ty
                    },
                )
            })
            .collect();
        // Stable: equal lengths keep the official order (given, when, then, and, but).
        out.sort_by_key(|(k, _)| std::cmp::Reverse(k.chars().count()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dialect_loads_with_every_keyword_kind() {
        let codes = language_codes();
        assert!(codes.len() > 70, "{}", codes.len());
        for code in codes {
            let d = dialect(code).unwrap();
            assert!(!d.feature.is_empty() && !d.given.is_empty(), "{code}");
        }
        let en = dialect("en").unwrap();
        let star = en.step_keywords().into_iter().find(|(k, _)| *k == "* ");
        assert_eq!(star, Some(("* ", KeywordType::Unknown)));
    }
}
