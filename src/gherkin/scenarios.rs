//! Scenarios and their Examples (the grammar's `Scenario` and `ExamplesDefinition`), ids given
//! when each is complete: rows, then the Examples' tags and id, then the scenario's tags and id.

use super::ast::{Examples, Location, Scenario, Tag};
use super::error::ParseError;
use super::ids::IdGenerator;
use super::matcher::Kind::*;
use super::matcher::Token;
use super::parser::{Block, head};
use super::reader::{RawTags, Reader, TagsFor};
use super::steps::step;

type Next = (Token, Option<TagsFor>);

/// The scenario starting at its `Scenario:` line `line` with tags `tags`, and the line after it.
pub(super) fn scenario(
    r: &mut Reader<'_>,
    line: Token,
    tags: RawTags,
    ids: &mut IdGenerator,
) -> Result<(Scenario, Token, Option<TagsFor>), ParseError> {
    let (description, mut next, mut target) = r.description(&head(Block::Scenario), true)?;
    let mut steps = Vec::new();
    while next.kind == StepLine {
        let s;
        (s, (next, target)) = step(r, next, true, ids)?;
        steps.push(s);
    }
    let mut examples = Vec::new();
    loop {
        let (examples_tags, examples_line) = match (next.kind, target) {
            (ExamplesLine, _) => (RawTags::new(), next),
            (TagLine, Some(TagsFor::Examples)) => r.tag_block(next, ExamplesLine)?,
            _ => break,
        };
        let e;
        (e, (next, target)) = self::examples(r, examples_line, examples_tags, ids)?;
        examples.push(e);
    }
    let tags = tags_with_ids(tags, ids);
    let scenario = Scenario {
        id: ids.next_id(),
        location: Location::at(line.line, line.column),
        tags,
        keyword: line.keyword,
        name: line.text,
        description,
        steps,
        examples,
    };
    Ok((scenario, next, target))
}

fn examples(
    r: &mut Reader<'_>,
    line: Token,
    tags: RawTags,
    ids: &mut IdGenerator,
) -> Result<(Examples, Next), ParseError> {
    let (description, mut next, mut target) = r.description(&head(Block::Examples), true)?;
    let mut rows = Vec::new();
    if next.kind == TableRow {
        let mut tokens = vec![next];
        let follow = [
            Eof,
            TableRow,
            TagLine,
            ExamplesLine,
            ScenarioLine,
            RuleLine,
            Comment,
            Empty,
        ];
        loop {
            (next, target) = r.next_skip(&follow, Some(true))?;
            if next.kind != TableRow {
                break;
            }
            tokens.push(next);
        }
        rows = super::steps::table_rows(r, tokens, ids)?;
    }
    let mut body = rows.into_iter();
    let table_header = body.next();
    let tags = tags_with_ids(tags, ids);
    let examples = Examples {
        id: ids.next_id(),
        location: Location::at(line.line, line.column),
        tags,
        keyword: line.keyword,
        name: line.text,
        description,
        table_header,
        table_body: body.collect(),
    };
    Ok((examples, (next, target)))
}

/// Tags with their ids, given now (when their scenario, Examples, rule or feature is complete).
pub(super) fn tags_with_ids(raw: RawTags, ids: &mut IdGenerator) -> Vec<Tag> {
    raw.into_iter()
        .map(|(line, item)| Tag {
            location: Location::at(line, item.column),
            name: item.text,
            id: ids.next_id(),
        })
        .collect()
}
