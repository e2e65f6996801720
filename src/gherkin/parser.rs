//! The parser: a recursive-descent rendering of the official grammar (`gherkin.berp`):
//!
//! ```text
//! GherkinDocument := Feature?
//! Feature         := FeatureHeader Background? ScenarioDefinition* Rule*
//! FeatureHeader   := #Language? Tags? #FeatureLine DescriptionHelper
//! Rule            := RuleHeader Background? ScenarioDefinition*
//! RuleHeader      := Tags? #RuleLine DescriptionHelper
//! Background      := #BackgroundLine DescriptionHelper Step*
//! ScenarioDefinition := Tags? Scenario           (tag line: look ahead for #ScenarioLine)
//! Scenario        := #ScenarioLine DescriptionHelper Step* ExamplesDefinition*
//! ExamplesDefinition := Tags? Examples           (tag line: look ahead for #ExamplesLine)
//! Examples        := #ExamplesLine DescriptionHelper ExamplesTable?
//! Step            := #StepLine (DataTable DocString? | DocString DataTable?)?
//! ```
//!
//! At every point each line is matched only as the tokens the official parser's state allows,
//! in the same order, so acceptance, the first error and its line are the official ones. Ids are
//! given when a node is complete, in the official order (see [`super::ids`]).

use super::ast::{Background, Feature, FeatureChild, GherkinDocument, Location, Rule, RuleChild};
use super::error::ParseError;
use super::ids::IdGenerator;
use super::matcher::Kind::{self, *};
use super::matcher::Token;
use super::reader::{RawTags, Reader, TagsFor};
use super::scenarios::{scenario, tags_with_ids};
use super::steps::step;

/// What may follow a title line: the grammar's `DescriptionHelper` states, per block.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Block {
    Header,
    Background,
    Scenario,
    Examples,
}

/// The lines that may follow the title line of `block`, in the official order.
pub(super) fn head(block: Block) -> Vec<Kind> {
    let own = match block {
        Block::Header => BackgroundLine,
        Block::Background | Block::Scenario => StepLine,
        Block::Examples => TableRow,
    };
    let mut kinds = vec![Eof, Empty, Comment, own, TagLine];
    if matches!(block, Block::Scenario | Block::Examples) {
        kinds.push(ExamplesLine);
    }
    kinds.extend([ScenarioLine, RuleLine, Other]);
    kinds
}

/// Parses `source` into a document, giving ids from `ids`.
pub(super) fn parse_document(
    source: &str,
    ids: &mut IdGenerator,
) -> Result<GherkinDocument, ParseError> {
    let mut r = Reader::new(source);
    let start = [Eof, Language, TagLine, FeatureLine, Comment, Empty];
    let (mut token, _) = r.next_skip(&start, None)?;
    if token.kind == Language {
        (token, _) = r.next_skip(&[TagLine, FeatureLine, Comment, Empty], None)?;
    }
    let mut tags = RawTags::new();
    if token.kind == TagLine {
        (tags, token) = r.tag_block(token, FeatureLine)?;
    }
    let feature = match token.kind {
        FeatureLine => Some(feature(&mut r, token, tags, ids)?),
        _ => None,
    };
    Ok(GherkinDocument {
        uri: None,
        feature,
        comments: r.comments,
    })
}

fn feature(
    r: &mut Reader<'_>,
    line: Token,
    tags: RawTags,
    ids: &mut IdGenerator,
) -> Result<Feature, ParseError> {
    let language = r.matcher.language.clone();
    let (description, mut next, mut target) = r.description(&head(Block::Header), false)?;
    let mut children = Vec::new();
    if next.kind == BackgroundLine {
        let background;
        (background, next, target) = self::background(r, next, ids)?;
        children.push(FeatureChild::Background(background));
    }
    while let Some((scenario_tags, scenario_line)) = scenario_start(r, &mut next, target)? {
        let scenario;
        (scenario, next, target) = self::scenario(r, scenario_line, scenario_tags, ids)?;
        children.push(FeatureChild::Scenario(scenario));
    }
    while next.kind != Eof {
        let (rule_tags, rule_line) = match target {
            Some(TagsFor::Rule) => r.tag_block(next, RuleLine)?,
            _ => (RawTags::new(), next),
        };
        let rule;
        (rule, next, target) = self::rule(r, rule_line, rule_tags, ids)?;
        children.push(FeatureChild::Rule(rule));
    }
    Ok(Feature {
        tags: tags_with_ids(tags, ids),
        location: Location::at(line.line, line.column),
        language,
        keyword: line.keyword,
        name: line.text,
        description,
        children,
    })
}

/// When `next` starts a scenario (its line, or tags for it), its tags and its `Scenario:` line.
fn scenario_start(
    r: &mut Reader<'_>,
    next: &mut Token,
    target: Option<TagsFor>,
) -> Result<Option<(RawTags, Token)>, ParseError> {
    let taken = std::mem::replace(next, placeholder());
    match (taken.kind, target) {
        (ScenarioLine, _) => Ok(Some((RawTags::new(), taken))),
        (TagLine, Some(TagsFor::Scenario)) => Ok(Some(r.tag_block(taken, ScenarioLine)?)),
        _ => {
            *next = taken;
            Ok(None)
        }
    }
}

fn placeholder() -> Token {
    Token {
        kind: Eof,
        line: 0,
        column: 0,
        keyword: String::new(),
        keyword_type: None,
        text: String::new(),
        items: Vec::new(),
        blank: true,
    }
}

fn rule(
    r: &mut Reader<'_>,
    line: Token,
    tags: RawTags,
    ids: &mut IdGenerator,
) -> Result<(Rule, Token, Option<TagsFor>), ParseError> {
    let (description, mut next, mut target) = r.description(&head(Block::Header), false)?;
    let mut children = Vec::new();
    if next.kind == BackgroundLine {
        let background;
        (background, next, target) = self::background(r, next, ids)?;
        children.push(RuleChild::Background(background));
    }
    while let Some((scenario_tags, scenario_line)) = scenario_start(r, &mut next, target)? {
        let scenario;
        (scenario, next, target) = self::scenario(r, scenario_line, scenario_tags, ids)?;
        children.push(RuleChild::Scenario(scenario));
    }
    let tags = tags_with_ids(tags, ids);
    let rule = Rule {
        id: ids.next_id(),
        location: Location::at(line.line, line.column),
        tags,
        keyword: line.keyword,
        name: line.text,
        description,
        children,
    };
    Ok((rule, next, target))
}

fn background(
    r: &mut Reader<'_>,
    line: Token,
    ids: &mut IdGenerator,
) -> Result<(Background, Token, Option<TagsFor>), ParseError> {
    let (description, mut next, mut target) = r.description(&head(Block::Background), false)?;
    let mut steps = Vec::new();
    while next.kind == StepLine {
        let s;
        (s, (next, target)) = step(r, next, false, ids)?;
        steps.push(s);
    }
    let background = Background {
        id: ids.next_id(),
        location: Location::at(line.line, line.column),
        keyword: line.keyword,
        name: line.text,
        description,
        steps,
    };
    Ok((background, next, target))
}
