//! Both engines' migrations build the same schema: the same tables, and in each the same columns
//! (type, nullability, default, generated key), primary key, unique constraints, foreign keys
//! (columns, referenced table and columns, ON DELETE and ON UPDATE) and indexes (name, columns in
//! order, uniqueness, partial WHERE). Where the two dialects say the same in their own words, or
//! differ on purpose, the difference is declared below once, with its reason.

use crate::support::*;
use onramp_store::Db;
use std::collections::{BTreeMap, BTreeSet};

/// Column types that mean the same on both engines: (SQLite's declared type, PostgreSQL's
/// `format_type`). A column whose pair is not here (nor in [`TYPE_EXCEPTIONS`]) is a difference.
const TYPE_PAIRS: &[(&str, &str)] = &[
    // UUIDv7 keys, made in Rust: 16 bytes in SQLite.
    ("BLOB", "uuid"),
    // Hashes and digests (the audit chain, migration 0046): bytes on both.
    ("BLOB", "bytea"),
    ("TEXT", "text"),
    // Instants: RFC 3339 text in SQLite, truncated to microseconds in Rust (`onramp_store::now`).
    ("TEXT", "timestamp with time zone"),
    // Days: ISO 8601 text (YYYY-MM-DD) in SQLite, which sorts and compares as the dates do.
    ("TEXT", "date"),
    ("INTEGER", "integer"),
    // SQLite's integers are all 64 bits: the generated keys (AUTOINCREMENT and IDENTITY, compared
    // as `generated` below) and the dashboard's summed counts.
    ("INTEGER", "bigint"),
    ("BOOLEAN", "boolean"),
];

/// Single columns whose types pair otherwise: (table, column, SQLite type, PostgreSQL type).
const TYPE_EXCEPTIONS: &[(&str, &str, &str, &str)] = &[
    // Migration 0022 declared the column DATE in SQLite as well. That gives it NUMERIC affinity,
    // under which ISO date text (no number) is kept and compared as text, exactly as in the TEXT
    // date columns; declaring it TEXT would mean rewriting the whole trajectories table.
    ("trajectories", "next_check_in_on", "DATE", "date"),
];

/// Indexes whose SQLite key goes on beyond PostgreSQL's key and INCLUDE columns:
/// (index, the columns SQLite adds at the end of its key).
/// Apart from these, PostgreSQL's INCLUDE columns are compared as the last columns of the key:
/// SQLite has no INCLUDE and closes the key with them instead (migrations 0020 and 0021).
const INDEX_EXCEPTIONS: &[(&str, &[&str])] = &[
    // The open check-ins (WHERE done_on IS NULL): SQLite ends the key with done_on so that a walk
    // reads the index alone; PostgreSQL knows it from the predicate (migration 0021).
    ("check_ins_open", &["done_on"]),
];

#[derive(Debug, Clone, Default, PartialEq)]
struct Schema {
    tables: BTreeMap<String, Table>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Table {
    columns: BTreeMap<String, Column>,
    primary_key: Vec<String>,
    /// The columns of each UNIQUE constraint (their indexes are named by each engine its own way).
    unique: BTreeSet<Vec<String>>,
    foreign_keys: BTreeSet<ForeignKey>,
    /// Indexes made with CREATE INDEX, by name.
    indexes: BTreeMap<String, Index>,
}

#[derive(Debug, Clone, PartialEq)]
struct Column {
    /// As the engine declares it: `TEXT`, `BLOB` (SQLite); `text`, `uuid` (PostgreSQL).
    ty: String,
    not_null: bool,
    /// Normalised by [`normalise_default`].
    default: Option<String>,
    /// A key the database numbers (AUTOINCREMENT, IDENTITY).
    generated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ForeignKey {
    columns: Vec<String>,
    table: String,
    references: Vec<String>,
    on_delete: String,
    on_update: String,
}

#[derive(Debug, Clone, PartialEq)]
struct Index {
    columns: Vec<String>,
    unique: bool,
    /// The partial index's condition, normalised by [`normalise_condition`].
    predicate: Option<String>,
}

/// A default as both engines can be compared on: without PostgreSQL's casts (`'x'::text`,
/// `0::bigint`) and enclosing parentheses, and in lower case unless it is a string.
fn normalise_default(text: &str) -> String {
    let mut text = text.trim().to_owned();
    while let Some((value, cast)) = text.rsplit_once("::")
        && !cast.contains('\'')
        && !cast.contains(')')
    {
        text = value.trim().to_owned();
    }
    let text = strip_parentheses(&text);
    if text.starts_with('\'') {
        text
    } else {
        text.to_lowercase()
    }
}

/// A condition as both engines can be compared on: words separated by one space, lower case,
/// without enclosing parentheses (PostgreSQL writes `(done_on IS NULL)`).
fn normalise_condition(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    strip_parentheses(&text)
}

/// `text` without the parentheses that enclose all of it, however many.
fn strip_parentheses(text: &str) -> String {
    let mut text = text.trim();
    while text.starts_with('(') && text.ends_with(')') && closes_at_end(text) {
        text = text[1..text.len() - 1].trim();
    }
    text.to_owned()
}

/// Whether the parenthesis that opens `text` is the one that closes it.
fn closes_at_end(text: &str) -> bool {
    let mut depth = 0;
    for (i, ch) in text.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            return i == text.len() - 1;
        }
    }
    false
}

/// The SQLite schema that a fresh database gets from the migrations.
async fn sqlite_schema() -> Schema {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&format!("sqlite:{}", dir.path().join("s.sqlite3").display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let Db::Sqlite { reader, .. } = &db else { unreachable!() };
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master
         WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' ORDER BY name",
    )
    .fetch_all(reader)
    .await
    .unwrap();
    let mut schema = Schema::default();
    for (name, sql) in tables {
        let mut table = Table::default();
        let columns: Vec<(String, String, bool, Option<String>, i64)> =
            sqlx::query_as(r#"SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info($1)"#)
                .bind(&name)
                .fetch_all(reader)
                .await
                .unwrap();
        let mut key: Vec<(i64, String)> = Vec::new();
        for (column, ty, not_null, default, pk) in columns {
            if pk > 0 {
                key.push((pk, column.clone()));
            }
            let ty = ty.to_uppercase();
            // INTEGER PRIMARY KEY AUTOINCREMENT: the rowid, numbered by SQLite.
            let generated = pk == 1 && ty == "INTEGER" && sql.to_uppercase().contains("AUTOINCREMENT");
            table.columns.insert(
                column,
                Column {
                    ty,
                    not_null,
                    default: default.as_deref().map(normalise_default),
                    generated,
                },
            );
        }
        key.sort();
        table.primary_key = key.into_iter().map(|(_, column)| column).collect();

        let keys: Vec<(i64, String, String, Option<String>, String, String)> = sqlx::query_as(
            r#"SELECT id, "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list($1) ORDER BY id, seq"#,
        )
        .bind(&name)
        .fetch_all(reader)
        .await
        .unwrap();
        let mut by_id: BTreeMap<i64, ForeignKey> = BTreeMap::new();
        for (id, target, from, to, on_update, on_delete) in keys {
            let key = by_id.entry(id).or_insert_with(|| ForeignKey {
                columns: Vec::new(),
                table: target,
                references: Vec::new(),
                on_delete,
                on_update,
            });
            key.columns.push(from);
            // Every REFERENCES in the migrations names its columns.
            key.references.push(to.expect("REFERENCES names the referenced column"));
        }
        table.foreign_keys = by_id.into_values().collect();

        let indexes: Vec<(String, bool, String)> =
            sqlx::query_as(r#"SELECT name, "unique", origin FROM pragma_index_list($1)"#)
                .bind(&name)
                .fetch_all(reader)
                .await
                .unwrap();
        for (index, unique, origin) in indexes {
            let columns: Vec<Option<String>> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(reader)
                    .await
                    .unwrap();
            let columns: Vec<String> = columns
                .into_iter()
                .map(|c| c.expect("an index of columns, not expressions"))
                .collect();
            match origin.as_str() {
                // The primary key's own index: compared as the primary key.
                "pk" => {}
                "u" => {
                    table.unique.insert(columns);
                }
                _ => {
                    let sql: String =
                        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1")
                            .bind(&index)
                            .fetch_one(reader)
                            .await
                            .unwrap();
                    let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
                    let predicate = sql
                        .to_lowercase()
                        .rfind(") where ")
                        .map(|at| normalise_condition(&sql[at + ") where ".len()..]));
                    table.indexes.insert(
                        index,
                        Index {
                            columns,
                            unique,
                            predicate,
                        },
                    );
                }
            }
        }
        schema.tables.insert(name, table);
    }
    db.close().await;
    schema
}

/// The PostgreSQL schema that a fresh database gets from the migrations.
async fn postgres_schema() -> Schema {
    let test_db = TestDb::new().await;
    let Db::Postgres(pool) = &test_db.db else {
        unreachable!()
    };
    let mut schema = Schema::default();
    let columns: Vec<(String, String, String, bool, Option<String>, bool)> = sqlx::query_as(
        "SELECT t.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                pg_get_expr(d.adbin, d.adrelid), a.attidentity <> ''
         FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE n.nspname = 'public' AND t.relkind = 'r' AND t.relname NOT LIKE '\\_sqlx%'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (table, column, ty, not_null, default, generated) in columns {
        schema.tables.entry(table).or_default().columns.insert(
            column,
            Column {
                ty,
                not_null,
                default: default.as_deref().map(normalise_default),
                generated,
            },
        );
    }

    // The columns of a constraint's key (conkey) and of what it references (confkey), in order.
    #[derive(sqlx::FromRow)]
    struct Constraint {
        table: String,
        kind: String,
        columns: Vec<String>,
        target: Option<String>,
        references: Vec<String>,
        on_delete: String,
        on_update: String,
    }
    let constraints: Vec<Constraint> = sqlx::query_as(
        "SELECT t.relname::text AS table, c.contype::text AS kind,
                ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k (attnum, n)
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n) AS columns,
                r.relname::text AS target,
                ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k (attnum, n)
                      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n) AS references,
                c.confdeltype::text AS on_delete, c.confupdtype::text AS on_update
             FROM pg_constraint c
             JOIN pg_class t ON t.oid = c.conrelid
             JOIN pg_namespace n ON n.oid = t.relnamespace
             LEFT JOIN pg_class r ON r.oid = c.confrelid
             WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f') AND t.relname NOT LIKE '\\_sqlx%'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let action = |code: &str| {
        match code {
            "a" => "NO ACTION",
            "r" => "RESTRICT",
            "c" => "CASCADE",
            "n" => "SET NULL",
            "d" => "SET DEFAULT",
            other => panic!("unknown referential action {other}"),
        }
        .to_owned()
    };
    for c in constraints {
        let table = schema.tables.entry(c.table).or_default();
        match c.kind.as_str() {
            "p" => table.primary_key = c.columns,
            "u" => {
                table.unique.insert(c.columns);
            }
            _ => {
                table.foreign_keys.insert(ForeignKey {
                    columns: c.columns,
                    table: c.target.expect("a foreign key references a table"),
                    references: c.references,
                    on_delete: action(&c.on_delete),
                    on_update: action(&c.on_update),
                });
            }
        }
    }

    // Indexes that back no primary key or unique constraint: key columns, then INCLUDE columns.
    #[derive(sqlx::FromRow)]
    struct IndexRow {
        table: String,
        name: String,
        unique: bool,
        columns: Vec<String>,
        predicate: Option<String>,
    }
    let indexes: Vec<IndexRow> = sqlx::query_as(
        "SELECT t.relname::text AS table, i.relname::text AS name, x.indisunique AS unique,
            ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true)
                  FROM generate_series(1, x.indnatts) AS k ORDER BY k) AS columns,
            pg_get_expr(x.indpred, x.indrelid) AS predicate
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = 'public' AND t.relname NOT LIKE '\\_sqlx%'
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u', 'x'))",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for i in indexes {
        schema.tables.entry(i.table).or_default().indexes.insert(
            i.name,
            Index {
                columns: i.columns,
                unique: i.unique,
                predicate: i.predicate.as_deref().map(normalise_condition),
            },
        );
    }
    schema
}

/// The SQLite schema as PostgreSQL says it, where the two differ on purpose.
fn sqlite_as_postgres(mut schema: Schema) -> Schema {
    for table in schema.tables.values_mut() {
        // SQLite lets the PRIMARY KEY column of a rowid table hold NULL unless it is declared
        // NOT NULL too (a quirk it keeps for old databases); PostgreSQL's never does. onramp
        // always writes its keys (UUIDs made in Rust), so a key column is compared as NOT NULL.
        for column in &table.primary_key {
            if let Some(column) = table.columns.get_mut(column) {
                column.not_null = true;
            }
        }
        for (name, extra) in INDEX_EXCEPTIONS {
            if let Some(index) = table.indexes.get_mut(*name)
                && index
                    .columns
                    .ends_with(&extra.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>())
            {
                index.columns.truncate(index.columns.len() - extra.len());
            }
        }
    }
    schema
}

fn types_pair(table: &str, column: &str, sqlite: &str, postgres: &str) -> bool {
    TYPE_PAIRS.contains(&(sqlite, postgres)) || TYPE_EXCEPTIONS.contains(&(table, column, sqlite, postgres))
}

/// Every difference between the two schemas (SQLite's already as PostgreSQL says it), one line each.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut found = Vec::new();
    let names: BTreeSet<&String> = sqlite.tables.keys().chain(postgres.tables.keys()).collect();
    for name in names {
        let (Some(s), Some(p)) = (sqlite.tables.get(name), postgres.tables.get(name)) else {
            let on = if sqlite.tables.contains_key(name) {
                "SQLite"
            } else {
                "PostgreSQL"
            };
            found.push(format!("table {name}: only on {on}"));
            continue;
        };
        let columns: BTreeSet<&String> = s.columns.keys().chain(p.columns.keys()).collect();
        for column in columns {
            let (Some(sc), Some(pc)) = (s.columns.get(column), p.columns.get(column)) else {
                let on = if s.columns.contains_key(column) {
                    "SQLite"
                } else {
                    "PostgreSQL"
                };
                found.push(format!("{name}.{column}: only on {on}"));
                continue;
            };
            if !types_pair(name, column, &sc.ty, &pc.ty) {
                found.push(format!(
                    "{name}.{column}: type {} on SQLite, {} on PostgreSQL",
                    sc.ty, pc.ty
                ));
            }
            if sc.not_null != pc.not_null {
                found.push(format!(
                    "{name}.{column}: NOT NULL {} on SQLite, {} on PostgreSQL",
                    sc.not_null, pc.not_null
                ));
            }
            if sc.default != pc.default {
                found.push(format!(
                    "{name}.{column}: default {:?} on SQLite, {:?} on PostgreSQL",
                    sc.default, pc.default
                ));
            }
            if sc.generated != pc.generated {
                found.push(format!(
                    "{name}.{column}: generated key {} on SQLite, {} on PostgreSQL",
                    sc.generated, pc.generated
                ));
            }
        }
        if s.primary_key != p.primary_key {
            found.push(format!(
                "{name}: primary key {:?} on SQLite, {:?} on PostgreSQL",
                s.primary_key, p.primary_key
            ));
        }
        for unique in s.unique.symmetric_difference(&p.unique) {
            let on = if s.unique.contains(unique) {
                "SQLite"
            } else {
                "PostgreSQL"
            };
            found.push(format!("{name}: UNIQUE {unique:?} only on {on}"));
        }
        for key in s.foreign_keys.symmetric_difference(&p.foreign_keys) {
            let on = if s.foreign_keys.contains(key) {
                "SQLite"
            } else {
                "PostgreSQL"
            };
            found.push(format!("{name}: foreign key {key:?} only on {on}"));
        }
        let indexes: BTreeSet<&String> = s.indexes.keys().chain(p.indexes.keys()).collect();
        for index in indexes {
            match (s.indexes.get(index), p.indexes.get(index)) {
                (Some(si), Some(pi)) if si == pi => {}
                (si, pi) => found.push(format!(
                    "{name}: index {index} is {si:?} on SQLite, {pi:?} on PostgreSQL"
                )),
            }
        }
    }
    found
}

#[tokio::test]
async fn both_engines_have_the_same_schema() {
    let sqlite = sqlite_schema().await;
    let audit = &sqlite.tables["audit_log"];
    assert!(audit.columns.contains_key("before_json") && audit.columns["id"].generated);
    assert_eq!(
        sqlite.tables["check_ins"].indexes["check_ins_open"]
            .predicate
            .as_deref(),
        Some("done_on is null")
    );
    if !on_postgres() {
        // The PostgreSQL run of the suite (ONRAMP_TEST_DATABASE=postgres) compares the two.
        return;
    }
    let postgres = postgres_schema().await;
    assert!(postgres.tables["audit_log"].columns["id"].generated);
    let found = differences(&sqlite_as_postgres(sqlite), &postgres);
    assert!(found.is_empty(), "the migrations differ:\n{}", found.join("\n"));
}

/// The comparison itself: a difference in any part of a table is reported.
#[test]
fn a_difference_in_any_part_of_a_table_is_reported() {
    let column = |ty: &str| Column {
        ty: ty.to_owned(),
        not_null: true,
        default: None,
        generated: false,
    };
    let table = |id: &str, at: &str| Table {
        columns: [("id".to_owned(), column(id)), ("noted_on".to_owned(), column(at))].into(),
        primary_key: vec!["id".into()],
        unique: [vec!["noted_on".to_owned()]].into(),
        foreign_keys: [ForeignKey {
            columns: vec!["id".into()],
            table: "participants".into(),
            references: vec!["id".into()],
            on_delete: "NO ACTION".into(),
            on_update: "NO ACTION".into(),
        }]
        .into(),
        indexes: [(
            "notes_open".to_owned(),
            Index {
                columns: vec!["noted_on".into(), "id".into()],
                unique: false,
                predicate: Some(normalise_condition("(noted_on IS NOT NULL)")),
            },
        )]
        .into(),
    };
    let schema = |t: Table| Schema {
        tables: [("notes".to_owned(), t)].into(),
    };
    let sqlite = schema(table("BLOB", "TEXT"));
    let postgres = schema(table("uuid", "date"));
    assert_eq!(differences(&sqlite, &postgres), Vec::<String>::new());

    type Change = (&'static str, fn(&mut Table));
    let changes: Vec<Change> = vec![
        ("a type", |t| {
            t.columns.get_mut("noted_on").unwrap().ty = "integer".into()
        }),
        ("nullability", |t| {
            t.columns.get_mut("noted_on").unwrap().not_null = false
        }),
        ("a default", |t| {
            t.columns.get_mut("noted_on").unwrap().default = Some(normalise_default("'2026-01-01'::date"))
        }),
        ("a generated key", |t| t.columns.get_mut("id").unwrap().generated = true),
        ("a column", |t| {
            t.columns.remove("noted_on");
        }),
        ("the primary key", |t| t.primary_key.push("noted_on".into())),
        ("a unique constraint", |t| t.unique.clear()),
        ("ON DELETE", |t| {
            let mut key = t.foreign_keys.pop_first().unwrap();
            key.on_delete = "CASCADE".into();
            t.foreign_keys.insert(key);
        }),
        ("an index's column order", |t| {
            t.indexes.get_mut("notes_open").unwrap().columns.reverse()
        }),
        ("an index's uniqueness", |t| {
            t.indexes.get_mut("notes_open").unwrap().unique = true
        }),
        ("an index's condition", |t| {
            t.indexes.get_mut("notes_open").unwrap().predicate = None
        }),
        ("an index's name", |t| {
            let index = t.indexes.remove("notes_open").unwrap();
            t.indexes.insert("notes_noted".into(), index);
        }),
    ];
    for (what, change) in changes {
        let mut changed = postgres.clone();
        change(changed.tables.get_mut("notes").unwrap());
        assert!(!differences(&sqlite, &changed).is_empty(), "{what} changed unnoticed");
    }
}

#[test]
fn defaults_and_conditions_compare_as_both_engines_write_them() {
    assert_eq!(normalise_default("'x'::text"), normalise_default("'x'"));
    assert_eq!(normalise_default("TRUE"), normalise_default("true"));
    assert_eq!(normalise_default("(0)::bigint"), "0");
    assert_eq!(normalise_default("'a::b'::text"), "'a::b'");
    assert_eq!(
        normalise_condition("(next_check_in_on IS NOT NULL)"),
        normalise_condition("next_check_in_on IS NOT NULL")
    );
    assert_eq!(normalise_condition("(a) OR (b)"), "(a) or (b)");
}
