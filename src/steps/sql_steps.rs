//! Steps on SQL adapters: seeding rows and comparing query results with data tables.

use cucumber::step::Context;
use futures::future::LocalBoxFuture;
use serde_json::{Value, json};

use super::args::{capture, table_rows};
use super::world::QualifyWorld;
use crate::matching::{cell_to_json, compare_rows, normalise_cell, rows_to_json};
use crate::runner::fail;

/// `the table "TABLE" on "NAME" contains:` + table
pub fn insert(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let table = capture(w, &ctx, 1);
        let name = capture(w, &ctx, 2);
        let rows = table_rows(w, &ctx);
        let Some((header, body)) = rows.split_first() else {
            fail("the table needs a header row of column names")
        };
        let values: Vec<Vec<Value>> = body
            .iter()
            .map(|r| r.iter().map(|c| cell_value(c)).collect())
            .collect();
        w.touched(&name);
        let result = w
            .state()
            .adapters
            .insert_rows(&name, &table, header, &values)
            .await;
        if let Err(e) = result {
            fail(e.to_string())
        }
    })
}

/// A table cell as an SQL value: read like any data-table cell (`42`, `1.5`, `true`, `null`,
/// `"quoted text"`, anything else text), and `NULL` is NULL too, as in `returns:` tables.
fn cell_value(cell: &str) -> Value {
    if cell == "NULL" {
        return Value::Null;
    }
    cell_to_json(cell)
}

async fn run_query(
    w: &mut QualifyWorld,
    ctx: &Context,
) -> (String, String, crate::adapters::QueryRows) {
    let sql = capture(w, ctx, 1);
    let name = capture(w, ctx, 2);
    w.touched(&name);
    let result = w.state().adapters.query(&name, &sql).await;
    match result {
        Ok(rows) => (sql, name, rows),
        Err(e) => fail(e.to_string()),
    }
}

fn rows_json(rows: &crate::adapters::QueryRows) -> Value {
    rows_to_json(&rows.columns, &rows.rows)
}

/// `the query "SQL" on "NAME" returns:` + table
pub fn returns(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let expected_rows = table_rows(w, &ctx);
        let (sql, name, rows) = run_query(w, &ctx).await;
        let mismatches = compare_rows(&expected_rows, &rows.columns, &rows.rows);
        let expected = match expected_rows.split_first() {
            Some((header, body)) => rows_to_json(
                header,
                &body
                    .iter()
                    .map(|r| r.iter().map(|c| normalise_cell(c).to_json()).collect())
                    .collect::<Vec<_>>(),
            ),
            None => Value::Null,
        };
        let passed = mismatches.is_empty();
        w.assert(
            format!("rows of `{sql}` on \"{name}\""),
            "equal",
            expected,
            rows_to_json(&rows.columns, &rows.rows),
            mismatches,
            passed,
        );
    })
}

/// `the query "SQL" on "NAME" returns no rows`
pub fn returns_none(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let (sql, name, rows) = run_query(w, &ctx).await;
        let passed = rows.rows.is_empty();
        w.assert(
            format!("rows of `{sql}` on \"{name}\""),
            "are none",
            json!([]),
            rows_json(&rows),
            Vec::new(),
            passed,
        );
    })
}

/// `the query "SQL" on "NAME" returns N rows`
pub fn returns_count(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let count_text = capture(w, &ctx, 3);
        let Ok(count) = count_text.parse::<usize>() else {
            fail(format!("`{count_text}` is not a row count"))
        };
        let (sql, name, rows) = run_query(w, &ctx).await;
        let passed = rows.rows.len() == count;
        w.assert(
            format!("row count of `{sql}` on \"{name}\""),
            "equals",
            json!(count),
            json!(rows.rows.len()),
            Vec::new(),
            passed,
        );
    })
}
