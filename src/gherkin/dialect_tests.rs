//! Every keyword of every dialect of gherkin-languages.json, each in a feature written in that
//! language: the pickles must be the expected ones, so no keyword is rejected and no step is
//! ever dropped or read as description text.

use super::dialect::{Dialect, KeywordType, dialect, language_codes};
use super::{FeatureChild, Pickle, parse_feature};

/// The parsed pickles of `body` in language `code`, or the error as text.
fn pickles(code: &str, body: &str) -> Result<(Vec<Pickle>, super::GherkinDocument), String> {
    let text = format!("# language: {code}\n{body}");
    parse_feature(&text, "generated.feature")
        .map(|p| (p.pickles, p.document))
        .map_err(|e| format!("{e}\n---\n{text}"))
}

/// The type a step keyword gives: listed under one kind, that kind; else unknown.
fn expected_type(d: &Dialect, keyword: &str) -> KeywordType {
    let kinds = [
        (&d.given, KeywordType::Context),
        (&d.when, KeywordType::Action),
        (&d.then, KeywordType::Outcome),
        (&d.and, KeywordType::Conjunction),
        (&d.but, KeywordType::Conjunction),
    ];
    let listed: Vec<KeywordType> = kinds
        .iter()
        .flat_map(|(list, ty)| list.iter().filter(|k| *k == keyword).map(|_| *ty))
        .collect();
    match listed.as_slice() {
        [one] => *one,
        _ => KeywordType::Unknown,
    }
}

/// The first `Given` keyword that is only a `Given` keyword (not `* `).
fn given(d: &Dialect) -> &str {
    d.given
        .iter()
        .find(|k| expected_type(d, k) == KeywordType::Context)
        .unwrap_or(&d.given[0])
}

/// Checks one step keyword: a scenario with a plain Given step, then a step with `keyword`.
fn check_step(code: &str, d: &Dialect, keyword: &str) -> Result<(), String> {
    let body = format!(
        "{}: F\n  {}: S\n    {}first step\n    {keyword}second step\n",
        d.feature[0],
        d.scenario[0],
        given(d)
    );
    let (pickles, _) = pickles(code, &body)?;
    let steps = &pickles[0].steps;
    let want = match expected_type(d, keyword) {
        KeywordType::Conjunction => KeywordType::Context,
        other => other,
    };
    let ok = steps.len() == 2 && steps[1].text == "second step" && steps[1].step_type == want;
    ok.then_some(())
        .ok_or_else(|| format!("{code} {keyword:?}: {steps:?}"))
}

/// Checks one title keyword of `kind` in a feature that uses it.
fn check_title(code: &str, d: &Dialect, kind: &str, kw: &str) -> Result<(), String> {
    let (f, s, g) = (&d.feature[0], &d.scenario[0], given(d));
    let body = match kind {
        "feature" => format!("{kw}: F\n  {s}: S\n    {g}a\n"),
        "rule" => format!("{f}: F\n  {s}: S0\n    {g}a\n\n  {kw}: R\n    {s}: S\n      {g}a\n"),
        "background" => format!("{f}: F\n  {kw}: B\n    {g}bg\n  {s}: S\n    {g}a\n"),
        "scenario" => format!("{f}: F\n  {kw}: S\n    {g}a\n"),
        "scenarioOutline" => {
            format!(
                "{f}: F\n  {kw}: S <x>\n    {g}a <x>\n\n    {}:\n      | x |\n      | 1 |\n",
                d.examples[0]
            )
        }
        _ => format!(
            "{f}: F\n  {}: S <x>\n    {g}a <x>\n\n    {kw}:\n      | x |\n      | 1 |\n",
            d.scenario_outline[0]
        ),
    };
    let (pickles, doc) = pickles(code, &body)?;
    let last = pickles
        .last()
        .ok_or_else(|| format!("{code} {kind} {kw:?}: no pickle"))?;
    let texts: Vec<&str> = last.steps.iter().map(|s| s.text.as_str()).collect();
    let feature = doc.feature.as_ref().unwrap();
    let ok = match kind {
        "feature" => feature.keyword == kw && texts == ["a"],
        "rule" => {
            let is_rule =
                matches!(feature.children.last(), Some(FeatureChild::Rule(r)) if r.keyword == kw);
            pickles.len() == 2 && last.name == "S" && is_rule
        }
        "background" => texts == ["bg", "a"],
        "scenario" => last.name == "S" && texts == ["a"],
        _ => pickles.len() == 1 && last.name == "S 1" && texts == ["a 1"],
    };
    ok.then_some(())
        .ok_or_else(|| format!("{code} {kind} {kw:?}: {pickles:?}"))
}

#[test]
fn every_keyword_of_every_dialect_gives_its_pickle() {
    let mut failures = Vec::new();
    let mut tested = 0usize;
    for code in language_codes() {
        let d = dialect(code).unwrap();
        let titles = [
            ("feature", &d.feature),
            ("rule", &d.rule),
            ("background", &d.background),
            ("scenario", &d.scenario),
            ("scenarioOutline", &d.scenario_outline),
            ("examples", &d.examples),
        ];
        for (kind, list) in titles {
            for kw in list.iter() {
                tested += 1;
                failures.extend(check_title(code, d, kind, kw).err());
            }
        }
        for list in [&d.given, &d.when, &d.then, &d.and, &d.but] {
            for kw in list.iter() {
                tested += 1;
                failures.extend(check_step(code, d, kw).err());
            }
        }
    }
    eprintln!(
        "dialect keywords tested: {tested}, failing: {}",
        failures.len()
    );
    assert!(tested > 1500, "{tested}");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
