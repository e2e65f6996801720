//! Edge cases the gherkin crate got wrong (issue 15), each against what the official parser does.

use super::{FeatureChild, Pickle, parse_feature};

fn pickles(text: &str) -> Vec<Pickle> {
    parse_feature(text, "f.feature")
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
        .pickles
}

fn texts(p: &Pickle) -> Vec<&str> {
    p.steps.iter().map(|s| s.text.as_str()).collect()
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_are_accepted() {
    let text = "\u{feff}Feature: f\r\n  Scenario: s\r\n    Given a\r\n      \"\"\"\r\n      x\r\n      y\r\n      \"\"\"\r\n";
    let parsed = parse_feature(text, "f.feature").unwrap();
    let feature = parsed.document.feature.unwrap();
    assert_eq!(
        (feature.location.line, feature.location.column),
        (1, Some(1))
    );
    let step = &parsed.pickles[0].steps[0];
    assert_eq!(step.text, "a");
    let doc = step.argument.as_ref().unwrap().doc_string.as_ref().unwrap();
    assert_eq!(doc.content, "x\ny");
}

#[test]
fn empty_and_comment_only_files_have_no_feature_and_no_pickles() {
    for text in ["", "\n\n", "# just a comment\n  # another\n"] {
        let parsed = parse_feature(text, "f.feature").unwrap();
        assert!(parsed.document.feature.is_none() && parsed.pickles.is_empty());
    }
}

#[test]
fn table_cells_unescape_and_text_after_the_last_pipe_is_ignored() {
    let text = "Feature: f\n  Scenario: s\n    Given t\n      | a \\| b | c \\\\ d | e\\nf | x\\y |  trailing\n";
    let p = pickles(text);
    let table = p[0].steps[0]
        .argument
        .as_ref()
        .unwrap()
        .data_table
        .as_ref()
        .unwrap();
    let cells: Vec<&str> = table.rows[0]
        .cells
        .iter()
        .map(|c| c.value.as_str())
        .collect();
    assert_eq!(cells, ["a | b", "c \\ d", "e\nf", "x\\y"]);
}

#[test]
fn doc_strings_unescape_their_delimiter_and_keep_relative_indentation() {
    let text = "Feature: f\n  Scenario: s\n    Given d\n      \"\"\"json\n      {\n        \\\"\\\"\\\"\n      }\n      \"\"\"\n";
    let p = pickles(text);
    let doc = p[0].steps[0]
        .argument
        .as_ref()
        .unwrap()
        .doc_string
        .as_ref()
        .unwrap();
    assert_eq!(doc.content, "{\n  \"\"\"\n}");
    assert_eq!(doc.media_type.as_deref(), Some("json"));
}

#[test]
fn an_indented_feature_may_follow_a_tag_line() {
    let p = pickles("@OQ\n   Feature: f\n  Scenario: s\n    Given a\n");
    assert_eq!(p[0].tags[0].name, "@OQ");
}

#[test]
fn a_scenario_without_steps_gets_no_background_steps() {
    let text = "Feature: f\n  Background:\n    Given bg\n  Scenario: empty\n  Scenario: full\n    When a\n";
    let p = pickles(text);
    assert!(p[0].steps.is_empty());
    assert_eq!(texts(&p[1]), ["bg", "a"]);
}

#[test]
fn outline_rows_are_located_at_their_own_line_after_comments_and_descriptions() {
    let text = "Feature: f\n  Scenario Outline: s <n>\n    Given <n>\n\n    Examples: some\n      A description\n      # a comment\n\n      | n |\n      # between rows\n      | 1 |\n      | 2 |\n";
    let p = pickles(text);
    let lines: Vec<usize> = p.iter().map(|p| p.location.line).collect();
    assert_eq!(lines, [11, 12]);
    assert_eq!(texts(&p[1]), ["2"]);
}

#[test]
fn a_rule_may_follow_scenarios_and_rule_backgrounds_add_to_the_features() {
    let text = "Feature: f\n  Background:\n    Given fb\n  Scenario: before\n    Given a\n  Rule: r\n    Background:\n      Given rb\n    Example: inside\n      Then b\n";
    let parsed = parse_feature(text, "f.feature").unwrap();
    let children = &parsed.document.feature.as_ref().unwrap().children;
    assert!(matches!(children.last(), Some(FeatureChild::Rule(_))));
    assert_eq!(texts(&parsed.pickles[1]), ["fb", "rb", "b"]);
}

#[test]
fn non_english_conjunctions_and_backgrounds_keep_every_step() {
    let ja = "# language: ja\nフィーチャ: f\n  シナリオ: s\n    前提a\n    且つb\n    但しc\n";
    assert_eq!(texts(&pickles(ja)[0]), ["a", "b", "c"]);
    let it = "# language: it\nFunzionalità: f\n  Scenario: s\n    Dato a\n    Ed b\n    E c\n";
    assert_eq!(texts(&pickles(it)[0]), ["a", "b", "c"]);
    let tr =
        "# language: tr\nÖzellik: f\n  Arka Plan:\n    Diyelim ki bg\n  Senaryo: s\n    Ve a\n";
    assert_eq!(texts(&pickles(tr)[0]), ["bg", "a"]);
}

#[test]
fn errors_name_what_is_allowed_in_words_and_the_official_line() {
    let text = "Feature: f\n  Scenario: s\n    Given a\n    not a step\n";
    let e = parse_feature(text, "f.feature").unwrap_err();
    assert_eq!(e.line(), 4);
    assert!(
        e.message.starts_with("expected a table row")
            && e.message.contains("a step (Given, When, Then …)"),
        "{}",
        e.message
    );
    assert!(e.message.ends_with("found \"not a step\""), "{}", e.message);
    assert!(!e.message.contains("#StepLine"));
    let open = parse_feature(
        "Feature: f\n  Scenario: s\n    Given a\n      \"\"\"\n      x\n",
        "f",
    )
    .unwrap_err();
    assert_eq!(open.line(), 6);
    assert!(
        open.message.starts_with("the file ends too early"),
        "{}",
        open.message
    );
    let cells = parse_feature(
        "Feature: f\n  Scenario: s\n    Given a\n      | a | b |\n      | c |\n",
        "f",
    );
    assert_eq!(cells.unwrap_err().line(), 5);
}
