//! Both engines' migrations build the same tables and columns.

use crate::support::*;
use onramp_store::Db;
use std::collections::BTreeSet;

async fn sqlite_columns() -> BTreeSet<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&format!("sqlite:{}", dir.path().join("s.sqlite3").display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let Db::Sqlite { reader, .. } = &db else { unreachable!() };
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
    )
    .fetch_all(reader)
    .await
    .unwrap();
    rows.into_iter().collect()
}

async fn postgres_columns() -> BTreeSet<(String, String)> {
    let test_db = TestDb::new().await;
    let Db::Postgres(pool) = &test_db.db else {
        unreachable!()
    };
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    rows.into_iter().collect()
}

#[tokio::test]
async fn both_engines_have_the_same_tables_and_columns() {
    let sqlite = sqlite_columns().await;
    assert!(sqlite.contains(&("audit_log".into(), "before_json".into())));
    if !on_postgres() {
        // The PostgreSQL run of the suite (ONRAMP_TEST_DATABASE=postgres) compares the two.
        return;
    }
    let postgres = postgres_columns().await;
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "sqlite only: {only_sqlite:?}; postgres only: {only_postgres:?}"
    );
}
