//! Steps on SQL adapters: seeding rows and comparing query results with data tables.

use cucumber::step::Context;
use futures::future::LocalBoxFuture;
use serde_json::{Value, json};

use super::args::{capture, table_rows};
use super::world::QualifyWorld;
use crate::matching::cell_matches;
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
        let values: Vec<Vec<Value>> =
            body.iter().map(|r| r.iter().map(|c| cell_value(c)).collect()).collect();
        w.touched(&name);
        let result = w.state().adapters.insert_rows(&name, &table, header, &values).await;
        if let Err(e) = result {
            fail(e.to_string())
        }
    })
}

/// A table cell as an SQL value: `NULL` is NULL, integers and decimals are numbers, else text.
fn cell_value(cell: &str) -> Value {
    if cell == "NULL" {
        return Value::Null;
    }
    if let Ok(i) = cell.parse::<i64>() {
        return json!(i);
    }
    if cell.contains('.')
        && let Ok(f) = cell.parse::<f64>()
        && f.is_finite()
    {
        return json!(f);
    }
    Value::String(cell.to_string())
}

async fn run_query(w: &mut QualifyWorld, ctx: &Context) -> (String, String, crate::adapters::QueryRows) {
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
    Value::Array(
        rows.rows
            .iter()
            .map(|r| {
                Value::Object(rows.columns.iter().cloned().zip(r.iter().cloned()).collect())
            })
            .collect(),
    )
}

/// `the query "SQL" on "NAME" returns:` + table
pub fn returns(w: &mut QualifyWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let expected_rows = table_rows(w, &ctx);
        let (sql, name, rows) = run_query(w, &ctx).await;
        let Some((header, body)) = expected_rows.split_first() else {
            fail("the table needs a header row of column names")
        };
        let expected = Value::Array(
            body.iter()
                .map(|r| {
                    Value::Object(
                        header.iter().cloned().zip(r.iter().map(|c| Value::String(c.clone()))).collect(),
                    )
                })
                .collect(),
        );
        let mut mismatches = Vec::new();
        if header != &rows.columns {
            mismatches.push(crate::evidence::Mismatch {
                path: "$.columns".into(),
                expected: json!(header),
                actual: json!(rows.columns),
                reason: "the query's columns differ from the table header (names and order)".into(),
            });
        }
        if body.len() != rows.rows.len() {
            mismatches.push(crate::evidence::Mismatch {
                path: "$".into(),
                expected: json!(body.len()),
                actual: json!(rows.rows.len()),
                reason: "row count differs".into(),
            });
        }
        for (i, (exp, act)) in body.iter().zip(rows.rows.iter()).enumerate() {
            for (j, cell) in exp.iter().enumerate() {
                let actual = act.get(j).cloned().unwrap_or(Value::Null);
                if !cell_matches(cell, &actual) {
                    let col = header.get(j).cloned().unwrap_or_default();
                    mismatches.push(crate::evidence::Mismatch {
                        path: format!("$[{i}].{col}"),
                        expected: Value::String(cell.clone()),
                        actual,
                        reason: "cell differs".into(),
                    });
                }
            }
        }
        let passed = mismatches.is_empty();
        w.assert(
            format!("rows of `{sql}` on \"{name}\""),
            "equal",
            expected,
            rows_json(&rows),
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
        w.assert(format!("rows of `{sql}` on \"{name}\""), "are none", json!([]), rows_json(&rows), Vec::new(), passed);
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
