//! Steps and their arguments: a data table, a doc string, or both (in either order).

use super::ast::{DataTable, DocString, Location, Step, TableCell, TableRow};
use super::dialect::KeywordType;
use super::error::{ErrorKind, ParseError};
use super::ids::IdGenerator;
use super::matcher::Kind::{self, *};
use super::matcher::Token;
use super::reader::{Reader, TagsFor};

/// What may follow a step line or an argument: `table`/`doc` when that argument may still come.
fn follow(table: bool, doc: bool, in_scenario: bool) -> Vec<Kind> {
    let mut kinds = vec![Eof];
    if table {
        kinds.push(TableRow);
    }
    if doc {
        kinds.push(DocStringSeparator);
    }
    kinds.extend([StepLine, TagLine]);
    if in_scenario {
        kinds.push(ExamplesLine);
    }
    kinds.extend([ScenarioLine, RuleLine, Comment, Empty]);
    kinds
}

/// The step starting at `line`, and the first line after it. `in_scenario`: in a scenario (an
/// `Examples:` may follow), not in a background.
pub(super) fn step(
    r: &mut Reader<'_>,
    line: Token,
    in_scenario: bool,
    ids: &mut IdGenerator,
) -> Result<(Step, (Token, Option<TagsFor>)), ParseError> {
    let la = Some(in_scenario);
    let (mut next, mut target) = r.next_skip(&follow(true, true, in_scenario), la)?;
    let mut data_table = None;
    let mut doc_string = None;
    if next.kind == TableRow {
        let rows;
        (rows, next, target) = table(r, next, &follow(true, true, in_scenario), la)?;
        data_table = Some(data_table_of(r, rows, ids)?);
        if next.kind == DocStringSeparator {
            doc_string = Some(self::doc_string(r, next)?);
            (next, target) = r.next_skip(&follow(false, false, in_scenario), la)?;
        }
    } else if next.kind == DocStringSeparator {
        doc_string = Some(self::doc_string(r, next)?);
        (next, target) = r.next_skip(&follow(true, false, in_scenario), la)?;
        if next.kind == TableRow {
            let rows;
            (rows, next, target) = table(r, next, &follow(true, false, in_scenario), la)?;
            data_table = Some(data_table_of(r, rows, ids)?);
        }
    }
    let step = Step {
        id: ids.next_id(),
        location: Location::at(line.line, line.column),
        keyword: line.keyword,
        keyword_type: line.keyword_type.unwrap_or(KeywordType::Unknown),
        text: line.text,
        doc_string,
        data_table,
    };
    Ok((step, (next, target)))
}

/// The rows starting with `first`, and the first line after them.
fn table(
    r: &mut Reader<'_>,
    first: Token,
    expected: &[Kind],
    la: Option<bool>,
) -> Result<(Vec<Token>, Token, Option<TagsFor>), ParseError> {
    let mut rows = vec![first];
    loop {
        let (next, target) = r.next_skip(expected, la)?;
        if next.kind != TableRow {
            return Ok((rows, next, target));
        }
        rows.push(next);
    }
}

fn data_table_of(
    r: &Reader<'_>,
    rows: Vec<Token>,
    ids: &mut IdGenerator,
) -> Result<DataTable, ParseError> {
    let rows = table_rows(r, rows, ids)?;
    Ok(DataTable {
        location: rows[0].location,
        rows,
    })
}

/// Table rows with ids; every row must have as many cells as the first.
pub(super) fn table_rows(
    r: &Reader<'_>,
    tokens: Vec<Token>,
    ids: &mut IdGenerator,
) -> Result<Vec<TableRow>, ParseError> {
    let rows: Vec<TableRow> = tokens
        .into_iter()
        .map(|t| TableRow {
            id: ids.next_id(),
            location: Location::at(t.line, t.column),
            cells: t
                .items
                .into_iter()
                .map(|c| TableCell {
                    location: Location::at(t.line, c.column),
                    value: c.text,
                })
                .collect(),
        })
        .collect();
    let first = rows.first().map_or(0, |r| r.cells.len());
    if let Some(bad) = rows.iter().find(|row| row.cells.len() != first) {
        return Err(r.error(ErrorKind::InconsistentCells {
            line: bad.location.line,
            column: bad.location.column.unwrap_or(1),
            cells: bad.cells.len(),
            first,
        }));
    }
    Ok(rows)
}

/// The doc string opened by `open`, up to its closing separator.
fn doc_string(r: &mut Reader<'_>, open: Token) -> Result<DocString, ParseError> {
    let mut content: Vec<String> = Vec::new();
    loop {
        let (token, _) = r.next(&[DocStringSeparator, Other], None)?;
        if token.kind == DocStringSeparator {
            break;
        }
        content.push(token.text);
    }
    Ok(DocString {
        location: Location::at(open.line, open.column),
        media_type: (!open.text.is_empty()).then_some(open.text),
        content: content.join("\n"),
        delimiter: open.keyword,
    })
}
