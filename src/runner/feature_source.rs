//! The features cucumber runs: the plan's files, parsed, with Scenario Outlines expanded in time
//! linear in their Examples rows.
//!
//! cucumber 0.23's own parser (`parser::Basic`) expands an outline by cloning the whole scenario,
//! Examples tables included, for every row, and then the whole Examples block again: one outline
//! of 10,000 rows took 375 s and 14.9 GB (docs/performance.md). [`FeatureSource`] produces exactly
//! what cucumber's expansion produces (same names, steps, positions, tags and one-row Examples per
//! expanded scenario, so scenario ids and hooks see the same values; a test compares the two) but
//! clones each row's own values only. It also parses exactly the files the plan parsed, so what
//! runs is what was planned.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use cucumber::feature::ExpandExamplesError;
use cucumber::parser::Error as ParseError;
use gherkin::{Examples, Feature, GherkinEnv, LineCol, Scenario, Table};
use regex::Regex;

/// A cucumber [`cucumber::Parser`] over a fixed list of feature files.
pub(super) struct FeatureSource {
    files: Vec<PathBuf>,
}

impl FeatureSource {
    /// The parser of these files, in this order.
    pub(super) fn new(files: Vec<PathBuf>) -> Self {
        Self { files }
    }
}

impl<I> cucumber::Parser<I> for FeatureSource {
    type Cli = cucumber::cli::Empty;
    type Output = futures::stream::Iter<std::vec::IntoIter<Result<Feature, ParseError>>>;

    fn parse(self, _input: I, _cli: Self::Cli) -> Self::Output {
        let features: Vec<_> = self.files.iter().map(|f| parse_one(f)).collect();
        futures::stream::iter(features)
    }
}

/// One file, parsed and expanded as the runner runs it (also for `qualify list`'s step check).
pub(crate) fn parse_expanded(file: &Path) -> Result<Feature, ParseError> {
    parse_one(file)
}

/// One file, parsed and expanded. The path is canonicalised as cucumber's parser does (it walks
/// the canonical features folder), so `feature.path` is what the rest of the runner expects.
fn parse_one(file: &Path) -> Result<Feature, ParseError> {
    let path = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
    let feature = Feature::parse_path(&path, GherkinEnv::default())?;
    Ok(expand_feature(feature)?)
}

/// Every outline of `feature` (also inside rules) replaced by its expanded scenarios.
pub(super) fn expand_feature(mut feature: Feature) -> Result<Feature, ExpandExamplesError> {
    let path = feature.path.clone();
    let expand = |scenarios: Vec<Scenario>| -> Result<Vec<Scenario>, ExpandExamplesError> {
        let mut out = Vec::with_capacity(scenarios.len());
        for s in scenarios {
            expand_scenario(s, path.as_ref(), &mut out)?;
        }
        Ok(out)
    };
    for rule in &mut feature.rules {
        rule.scenarios = expand(std::mem::take(&mut rule.scenarios))?;
    }
    feature.scenarios = expand(std::mem::take(&mut feature.scenarios))?;
    Ok(feature)
}

/// Placeholders, as cucumber matches them: no space at either end.
static TEMPLATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<([^>\s](?:[^>\s]?|[^>\t\n\r\v\f]*[^>\s]))>").expect("static regex")
});

/// Appends the scenarios `scenario` expands to (itself when it has no Examples) to `out`.
fn expand_scenario(
    mut scenario: Scenario,
    path: Option<&PathBuf>,
    out: &mut Vec<Scenario>,
) -> Result<(), ExpandExamplesError> {
    if scenario.examples.is_empty() {
        out.push(scenario);
        return Ok(());
    }
    // Taken out once: each row then clones the scenario without any table of Examples.
    let examples = std::mem::take(&mut scenario.examples);
    for example in &examples {
        let Some(table) = &example.table else {
            continue;
        };
        let Some((header, rows)) = table.rows.split_first() else {
            continue;
        };
        let shell = example.clone_without_table();
        for (id, values) in rows.iter().enumerate() {
            let row = Row { header, values };
            out.push(expand_row(&scenario, &shell, table, &row, id, path)?);
        }
    }
    Ok(())
}

/// One Examples row: the header and the row's values.
struct Row<'a> {
    header: &'a [String],
    values: &'a [String],
}

impl Row<'_> {
    /// The value of column `name` (the first column of that name), as cucumber looks it up.
    fn get(&self, name: &str) -> Option<&str> {
        self.header
            .iter()
            .zip(self.values)
            .find_map(|(k, v)| (k == name).then_some(v.as_str()))
    }
}

/// The scenario of row `id` of `example`: cucumber's position (the row's line), tags, names and
/// steps with placeholders replaced, and a one-row copy of the Examples.
fn expand_row(
    scenario: &Scenario,
    shell: &Examples,
    table: &Table,
    row: &Row<'_>,
    id: usize,
    path: Option<&PathBuf>,
) -> Result<Scenario, ExpandExamplesError> {
    let mut expanded = scenario.clone();
    expanded.position = shell.position;
    expanded.position.line += id + 2;
    expanded.tags.extend(shell.tags.iter().cloned());
    expanded.name = replace(&expanded.name, row, expanded.position, path)?;
    for step in &mut expanded.steps {
        let pos = step.position;
        let values = std::iter::once(&mut step.value)
            .chain(step.docstring.iter_mut())
            .chain(
                step.table
                    .iter_mut()
                    .flat_map(|t| t.rows.iter_mut().flatten()),
            );
        for value in values {
            *value = replace(value, row, pos, path)?;
        }
    }
    let width = row.header.len().min(row.values.len());
    let mut one_row = shell.clone();
    one_row.table = Some(Table {
        rows: vec![row.header.to_vec(), row.values[..width].to_vec()],
        span: table.span,
        position: table.position,
    });
    expanded.examples = vec![one_row];
    Ok(expanded)
}

/// `text` with every placeholder replaced by the row's value; an unknown one is cucumber's error.
fn replace(
    text: &str,
    row: &Row<'_>,
    pos: LineCol,
    path: Option<&PathBuf>,
) -> Result<String, ExpandExamplesError> {
    let mut missing = None;
    let replaced = TEMPLATE.replace_all(text, |cap: &regex::Captures<'_>| {
        let name = cap.get(1).map(|m| m.as_str()).unwrap_or_default();
        row.get(name).unwrap_or_else(|| {
            missing = Some(name.to_owned());
            ""
        })
    });
    match missing {
        Some(name) => Err(ExpandExamplesError {
            pos,
            name,
            path: path.cloned(),
        }),
        None => Ok(replaced.into_owned()),
    }
}

/// Cloning [`Examples`] without its table.
trait CloneWithoutTable {
    fn clone_without_table(&self) -> Examples;
}

impl CloneWithoutTable for Examples {
    fn clone_without_table(&self) -> Examples {
        Examples {
            keyword: self.keyword.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            table: None,
            tags: self.tags.clone(),
            span: self.span,
            position: self.position,
        }
    }
}

#[cfg(test)]
mod tests {
    use cucumber::feature::Ext as _;

    use super::*;

    const OUTLINES: &str = r#"@OQ
Feature: Outlines

  Scenario Outline: add <a> and <b>
    When I send an "add" request to "<sut>" with:
      | a   | b   |
      | <a> | <b> |
    Then the response field "sum" equals <sum>
    And the body is:
      """
      {"a": <a>}
      """

    @URS-001
    Examples: small
      | a | b | sum | sut |
      | 1 | 2 | 3   | x   |
      | 5 | 5 | 10  | y   |

    Examples: second
      | a | b | sum | sut |
      | 7 | 1 | 8   | z   |

  Scenario: plain
    Then the request succeeds

  Rule: inside a rule
    Scenario Outline: rule <a>
      Then the response field "sum" equals <a>

      Examples:
        | a |
        | 1 |
        | 2 |
"#;

    fn parse(text: &str) -> Feature {
        let mut feature = Feature::parse(text, GherkinEnv::default()).unwrap();
        feature.path = Some(PathBuf::from("/p/features/outlines.feature"));
        feature
    }

    #[test]
    fn expands_exactly_as_cucumber_does() {
        let ours = expand_feature(parse(OUTLINES)).unwrap();
        let theirs = parse(OUTLINES).expand_examples().unwrap();
        assert_eq!(ours, theirs);
        let lines: Vec<usize> = ours.scenarios.iter().map(|s| s.position.line).collect();
        assert_eq!(ours.scenarios.len(), 4);
        assert_eq!(ours.rules[0].scenarios.len(), 2);
        assert_eq!(ours.scenarios[0].name, "add 1 and 2");
        assert!(lines.windows(2).all(|w| w[0] < w[1]), "{lines:?}");
    }

    #[test]
    fn many_rows_keep_their_lines_and_values() {
        let rows = 3000;
        let mut text = String::from(
            "@OQ\nFeature: many\n\n  Scenario Outline: row <n>\n    Then the response field \"n\" equals <n>\n\n    Examples:\n      | n |\n",
        );
        for i in 0..rows {
            text.push_str(&format!("      | {i} |\n"));
        }
        let ours = expand_feature(parse(&text)).unwrap();
        assert_eq!(ours.scenarios.len(), rows);
        for (i, s) in ours.scenarios.iter().enumerate() {
            // The header is on line 8, row i on line 9 + i.
            assert_eq!(s.position.line, 9 + i);
            assert_eq!(s.name, format!("row {i}"));
            assert_eq!(
                s.steps[0].value,
                format!("the response field \"n\" equals {i}")
            );
            let table = s.examples[0].table.as_ref().unwrap();
            assert_eq!(table.rows, vec![vec!["n".to_string()], vec![i.to_string()]]);
        }
        // And the same as cucumber's expansion, on a size where that still takes little time.
        let small = text.lines().take(8 + 200).collect::<Vec<_>>().join("\n") + "\n";
        assert_eq!(
            expand_feature(parse(&small)).unwrap(),
            parse(&small).expand_examples().unwrap()
        );
    }

    #[test]
    fn an_unknown_placeholder_is_cucumbers_error() {
        let text = "@OQ\nFeature: f\n\n  Scenario Outline: s\n    Then it is <nope>\n\n    Examples:\n      | n |\n      | 1 |\n";
        let ours = expand_feature(parse(text)).unwrap_err();
        let theirs = parse(text).expand_examples().unwrap_err();
        assert_eq!(ours.to_string(), theirs.to_string());
        assert_eq!(ours.name, "nope");
    }
}
