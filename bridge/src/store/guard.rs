//! Makes the MES system of record technical: the bridge's own connection is not authorised to
//! write, drop or alter MES-owned tables. A code path that tried would fail with SQLite's
//! "not authorized", and the failure would be evidence, not a silent status change.

use rusqlite::Connection;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};

/// Tables the MES owns.
pub const MES_OWNED_TABLES: [&str; 3] = ["equipment", "job_orders", "equipment_mapping"];

/// Installs the authorizer on the bridge's connection (after the schema exists).
pub fn install(conn: &Connection) {
    conn.authorizer(Some(authorize));
}

fn authorize(context: AuthContext<'_>) -> Authorization {
    let target = match context.action {
        AuthAction::Insert { table_name }
        | AuthAction::Delete { table_name }
        | AuthAction::DropTable { table_name }
        | AuthAction::AlterTable { table_name, .. }
        | AuthAction::CreateTrigger { table_name, .. }
        | AuthAction::CreateIndex { table_name, .. } => Some(table_name),
        AuthAction::Update { table_name, .. } => Some(table_name),
        _ => None,
    };
    match target {
        Some(table)
            if MES_OWNED_TABLES
                .iter()
                .any(|t| t.eq_ignore_ascii_case(table)) =>
        {
            Authorization::Deny
        }
        _ => Authorization::Allow,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mes_tables_are_read_only_for_the_bridge() {
        let conn = Connection::open_in_memory().expect("memory db");
        conn.execute_batch(
            "CREATE TABLE job_orders (order_id TEXT, status TEXT);
             INSERT INTO job_orders VALUES ('WO-1', 'running');
             CREATE TABLE order_events (order_id TEXT);",
        )
        .expect("schema");
        install(&conn);
        let update = conn.execute("UPDATE job_orders SET status = 'completed'", []);
        assert!(update.is_err(), "status write must be refused");
        assert!(conn.execute("DELETE FROM job_orders", []).is_err());
        assert!(
            conn.execute("INSERT INTO job_orders VALUES ('WO-2', 'running')", [])
                .is_err()
        );
        assert!(conn.execute("DROP TABLE job_orders", []).is_err());
        conn.execute("INSERT INTO order_events VALUES ('WO-1')", [])
            .expect("bridge tables stay writable");
        let status: String = conn
            .query_row("SELECT status FROM job_orders", [], |row| row.get(0))
            .expect("reads still allowed");
        assert_eq!(status, "running");
    }
}
