//! What the reports need from a feature file that the parsed Gherkin does not carry: the line of
//! every tag, the line and media type of a doc string, the doc string as written (the parser
//! may hand it back with its delimiter line), and the headings of Examples and Background.
//!
//! The parsed `gherkin` types give positions of keywords, steps and tables but not of tags or doc
//! strings, so those are found in the file's text next to the known keyword and step lines. All
//! lookups are 1-based lines, as Gherkin counts them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::evidence::{DataTable, DocString, Heading, WrittenTag};

/// What the reports record about a scenario's place in its feature file.
#[derive(Debug, Clone, Default)]
pub struct ScenarioSource {
    /// The `Feature` keyword as written.
    pub feature_keyword: String,
    /// Line of the `Feature:` keyword.
    pub feature_line: usize,
    /// The feature's own tags.
    pub feature_tags: Vec<WrittenTag>,
    /// The scenario's keyword as written.
    pub keyword: String,
    /// Every tag that applies: feature, rule, scenario, Examples.
    pub written_tags: Vec<WrittenTag>,
    /// The Examples of an outline row.
    pub examples: Option<Heading>,
    /// The Background run before the scenario (the rule's, else the feature's).
    pub background: Option<Heading>,
}

/// The lines of feature files, read once each.
#[derive(Debug, Default)]
pub struct SourceLines {
    files: HashMap<PathBuf, Arc<Vec<String>>>,
}

impl SourceLines {
    /// The lines of `path`; empty when it cannot be read (then no tag or doc string line is
    /// found, and the reports fall back to the keyword lines the parser gave).
    fn lines(&mut self, path: Option<&Path>) -> Arc<Vec<String>> {
        let Some(path) = path else {
            return Arc::default();
        };
        self.files
            .entry(path.to_path_buf())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(path).unwrap_or_default();
                let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
                Arc::new(text.lines().map(str::to_string).collect())
            })
            .clone()
    }

    /// The facts of `scenario` (cucumber's expansion of an outline row keeps its Examples as the
    /// only one in `scenario.examples`, and its position is the row's).
    pub fn scenario(
        &mut self,
        feature: &gherkin::Feature,
        rule: Option<&gherkin::Rule>,
        scenario: &gherkin::Scenario,
    ) -> ScenarioSource {
        let lines = self.lines(feature.path.as_deref());
        let feature_tags = tags_above(&lines, feature.position.line, &feature.tags);
        let mut written_tags = feature_tags.clone();
        if let Some(rule) = rule {
            written_tags.extend(tags_above(&lines, rule.position.line, &rule.tags));
        }
        let examples = scenario.examples.first();
        let own: &[String] = match examples {
            // An expanded row's tags are the outline's followed by its Examples'.
            Some(ex) => &scenario.tags[..scenario.tags.len().saturating_sub(ex.tags.len())],
            None => &scenario.tags,
        };
        let declared = match examples {
            Some(ex) => outline_line(&lines, scenario, ex.position.line),
            None => scenario.position.line,
        };
        written_tags.extend(tags_above(&lines, declared, own));
        if let Some(ex) = examples {
            written_tags.extend(tags_above(&lines, ex.position.line, &ex.tags));
        }
        let background = rule
            .and_then(|r| r.background.as_ref())
            .or(feature.background.as_ref())
            .map(|b| Heading {
                keyword: b.keyword.clone(),
                name: b.name.clone(),
                line: b.position.line,
            });
        ScenarioSource {
            feature_keyword: feature.keyword.clone(),
            feature_line: feature.position.line,
            feature_tags,
            keyword: scenario.keyword.clone(),
            written_tags,
            examples: examples.map(|ex| Heading {
                keyword: ex.keyword.clone(),
                name: ex.name.clone().unwrap_or_default(),
                line: ex.position.line,
            }),
            background,
        }
    }

    /// The doc string and data table of `step` in the file of `feature`.
    pub fn step_inputs(
        &mut self,
        feature: &gherkin::Feature,
        step: &gherkin::Step,
    ) -> (Option<DocString>, Option<DataTable>) {
        let doc = step.docstring.as_ref().map(|raw| {
            let lines = self.lines(feature.path.as_deref());
            doc_string(&lines, step.position.line, raw)
        });
        let table = step.table.as_ref().map(|t| DataTable {
            line: t.position.line,
            rows: t.rows.clone(),
        });
        (doc, table)
    }
}

/// The tags written in the block of tag lines just above `keyword_line` (comments and blank
/// lines may sit between), matched to `names` in order; a name not found there gets the
/// keyword's line rather than none.
fn tags_above(lines: &[String], keyword_line: usize, names: &[String]) -> Vec<WrittenTag> {
    let mut found: Vec<(String, usize)> = Vec::new();
    let mut index = keyword_line.saturating_sub(1);
    while index > 0 {
        let text = lines.get(index - 1).map(|l| l.trim()).unwrap_or("");
        if text.starts_with('@') {
            let on_line = text
                .split('#')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .filter_map(|t| t.strip_prefix('@'))
                .map(|t| (t.to_string(), index));
            // Earlier lines come first, so prepend the line's tags in their own order.
            found.splice(0..0, on_line);
        } else if !(text.is_empty() || text.starts_with('#')) {
            break;
        }
        index -= 1;
    }
    let mut used = vec![false; found.len()];
    names
        .iter()
        .map(|name| {
            let hit = found
                .iter()
                .enumerate()
                .position(|(i, (n, _))| !used[i] && n == name);
            let line = match hit {
                Some(i) => {
                    used[i] = true;
                    found[i].1
                }
                None => keyword_line,
            };
            WrittenTag {
                name: name.clone(),
                line,
            }
        })
        .collect()
}

/// Line of the `Scenario Outline:` an expanded row belongs to: the nearest line above its
/// Examples that starts with the scenario's keyword and a colon.
fn outline_line(lines: &[String], scenario: &gherkin::Scenario, examples_line: usize) -> usize {
    let head = format!("{}:", scenario.keyword);
    (1..examples_line)
        .rev()
        .find(|&n| {
            lines
                .get(n - 1)
                .is_some_and(|l| l.trim_start().starts_with(&head))
        })
        .unwrap_or(scenario.position.line)
}

/// The doc string of the step on `step_line`: its opening delimiter is the next line that starts
/// with `"""` or three backticks (comments and blank lines may sit between).
fn doc_string(lines: &[String], step_line: usize, raw: &str) -> DocString {
    let mut line = step_line + 1;
    let mut media_type = None;
    let mut indent = None;
    while let Some(full) = lines.get(line - 1) {
        let text = full.trim();
        if let Some(rest) = text.strip_prefix("\"\"\"").or(text.strip_prefix("```")) {
            media_type = Some(rest.trim().to_string()).filter(|m| !m.is_empty());
            indent = Some(
                full.bytes()
                    .take_while(|b| *b == b' ' || *b == b'\t')
                    .count(),
            );
            break;
        }
        if !(text.is_empty() || text.starts_with('#')) {
            line = step_line + 1;
            break;
        }
        line += 1;
    }
    DocString {
        content: doc_string_content(raw, media_type.as_deref(), indent),
        media_type,
        line,
    }
}

/// The content of a doc string as the official Gherkin parser gives it. The gherkin crate
/// returns everything after the opening delimiter: the rest of the delimiter line (the media
/// type, or nothing) on a first line of its own, and the closing delimiter's indentation after
/// the last newline; both are removed, and each line loses the opening delimiter's indentation
/// (`indent`), as the official parser does, or what is left of it. A parser that already returns the content (its first line differs from the delimiter
/// line's rest) is left as it is.
fn doc_string_content(raw: &str, media_type: Option<&str>, indent: Option<usize>) -> String {
    let Some((first, rest)) = raw.split_once('\n') else {
        return raw.to_string();
    };
    if first.trim() != media_type.unwrap_or("") {
        return raw.to_string();
    }
    let body = match rest.rsplit_once('\n') {
        Some((body, last)) if last.trim().is_empty() => body,
        None if rest.trim().is_empty() => "",
        _ => rest,
    };
    // The gherkin crate dedents a doc string without media type itself (its blank first line
    // does not count), so never remove more than the body's own least indentation.
    let least = body
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.bytes().take_while(|b| *b == b' ' || *b == b'\t').count())
        .min()
        .unwrap_or(0);
    let indent = indent.map_or(least, |i| i.min(least));
    let dedented: Vec<&str> = body
        .split('\n')
        .map(|l| {
            // Only ASCII blanks are removed, so the cut is always on a character boundary.
            let ws = l.bytes().take_while(|b| *b == b' ' || *b == b'\t').count();
            &l[ws.min(indent)..]
        })
        .collect();
    dedented.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn finds_tag_lines_above_a_keyword() {
        let l = lines("@a @b\n# note\n@c #comment\n\nScenario: x\n");
        let names = ["a", "b", "c", "z"].map(String::from);
        let tags = tags_above(&l, 5, &names);
        let got: Vec<(&str, usize)> = tags.iter().map(|t| (t.name.as_str(), t.line)).collect();
        assert_eq!(got, [("a", 1), ("b", 1), ("c", 3), ("z", 5)]);
    }

    #[test]
    fn stops_at_the_previous_step() {
        let l = lines("  Given x\n  @t\n  Scenario: y\n");
        let tags = tags_above(&l, 3, &["t".to_string()]);
        assert_eq!(tags[0].line, 2);
        assert!(tags_above(&l, 1, &[]).is_empty());
    }

    #[test]
    fn reads_doc_string_line_type_and_content() {
        let l = lines("    When x\n      \"\"\"json\n      {\"a\": 1}\n      \"\"\"\n");
        let doc = doc_string(&l, 1, "json\n      {\"a\": 1}\n      ");
        assert_eq!(doc.line, 2);
        assert_eq!(doc.media_type.as_deref(), Some("json"));
        assert_eq!(doc.content, "{\"a\": 1}");
        let nested = doc_string(&l, 1, "json\n      line 1\n        line 2\n      ");
        assert_eq!(nested.content, "line 1\n  line 2");
        // Without a media type the crate has dedented already: relative indentation stays.
        let l = lines("    When x\n      \"\"\"\n      {\n        \"a\": 1}\n      \"\"\"\n");
        let dedented = doc_string(&l, 1, "\n{\n  \"a\": 1}\n");
        assert_eq!(dedented.content, "{\n  \"a\": 1}");
        assert_eq!(dedented.media_type, None);
    }

    #[test]
    fn keeps_content_an_official_parser_returned() {
        assert_eq!(
            doc_string_content("{\"a\": 1}", Some("json"), Some(4)),
            "{\"a\": 1}"
        );
        assert_eq!(doc_string_content("a\nb", None, Some(4)), "a\nb");
        assert_eq!(doc_string_content("\n", None, Some(4)), "");
        assert_eq!(
            doc_string_content("\n    x\n     y\n    ", None, None),
            "x\n y"
        );
    }
}
