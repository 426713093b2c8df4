//! The columns that hold a domain enum's codes accept exactly the enum's values, on both engines
//! (migration 0025_enum_guards: CHECK constraints on PostgreSQL, triggers on SQLite). The values
//! come from the enums here, so a variant added without a migration fails these tests.

use crate::support::*;
use onramp_domain::activities::{ContactMode, TimeCategory};
use onramp_domain::consents::Purpose;
use onramp_domain::esf::Answer;
use onramp_domain::icf::{Component, Moment, Rater, qualifier_choices};
use onramp_domain::identity::{Language, Role};
use onramp_domain::organisations::OrganisationKind;
use onramp_domain::outcomes::{BarrierStatus, CheckInClosure, CheckInSituation, Contract, ExitSituation, OutcomeKind};
use onramp_domain::participants::{Education, Gender, HealthCategory, Situation};
use onramp_domain::plans::PlanKind;
use onramp_domain::sessions::Attendance;
use onramp_domain::trajectories::ExitReason;
use onramp_store::{Db, run};
use reqwest::StatusCode;
use std::collections::BTreeSet;

/// A guarded column: its table, the columns that find one row, and the values it takes.
struct Guarded {
    table: &'static str,
    column: &'static str,
    key: &'static str,
    values: Vec<&'static str>,
}

impl Guarded {
    /// The PostgreSQL constraint's name; SQLite's triggers add `_insert` and `_update`.
    fn name(&self) -> String {
        format!("{}_{}_allowed", self.table, self.column)
    }
}

fn codes<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|value| as_str(*value)).collect()
}

/// Every guarded column, with the values of its domain enum.
fn guarded() -> Vec<Guarded> {
    let g = |table, column, key, values| Guarded {
        table,
        column,
        key,
        values,
    };
    vec![
        g(
            "organisations",
            "kind",
            "id",
            codes(OrganisationKind::ALL, OrganisationKind::as_str),
        ),
        g("users", "role", "id", codes(Role::ALL, Role::as_str)),
        g("users", "language", "id", codes(Language::ALL, Language::as_str)),
        g("participants", "language", "id", codes(Language::ALL, Language::as_str)),
        g("participants", "gender", "id", codes(Gender::ALL, Gender::as_str)),
        g(
            "participants",
            "education",
            "id",
            codes(Education::ALL, Education::as_str),
        ),
        g(
            "participants",
            "health_category",
            "id",
            codes(HealthCategory::ALL, HealthCategory::as_str),
        ),
        g(
            "participants",
            "situation",
            "id",
            codes(Situation::ALL, Situation::as_str),
        ),
        g("participants", "disability", "id", codes(Answer::ALL, Answer::as_str)),
        g(
            "participants",
            "third_country_national",
            "id",
            codes(Answer::ALL, Answer::as_str),
        ),
        g(
            "participants",
            "foreign_background",
            "id",
            codes(Answer::ALL, Answer::as_str),
        ),
        g("participants", "minority", "id", codes(Answer::ALL, Answer::as_str)),
        g("participants", "homeless", "id", codes(Answer::ALL, Answer::as_str)),
        g("consents", "purpose", "id", codes(Purpose::ALL, Purpose::as_str)),
        g(
            "trajectories",
            "exit_reason",
            "id",
            codes(ExitReason::ALL, ExitReason::as_str),
        ),
        g(
            "trajectories",
            "exit_situation",
            "id",
            codes(ExitSituation::ALL, ExitSituation::as_str),
        ),
        g(
            "coaching_contacts",
            "mode",
            "id",
            codes(ContactMode::ALL, ContactMode::as_str),
        ),
        g(
            "time_entries",
            "category",
            "id",
            codes(TimeCategory::ALL, TimeCategory::as_str),
        ),
        g(
            "session_enrolments",
            "attendance",
            "session_id, participant_id",
            codes(Attendance::ALL, Attendance::as_str),
        ),
        g("outcomes", "kind", "id", codes(OutcomeKind::ALL, OutcomeKind::as_str)),
        g("outcomes", "contract", "id", codes(Contract::ALL, Contract::as_str)),
        g(
            "barriers",
            "status",
            "id",
            codes(BarrierStatus::ALL, BarrierStatus::as_str),
        ),
        g(
            "check_ins",
            "situation",
            "id",
            codes(CheckInSituation::ALL, CheckInSituation::as_str),
        ),
        g(
            "check_ins",
            "closed_as",
            "id",
            codes(CheckInClosure::ALL, CheckInClosure::as_str),
        ),
        g(
            "icf_categories",
            "component",
            "code",
            codes(Component::ALL, Component::as_str),
        ),
        g("icf_measurements", "moment", "id", codes(Moment::ALL, Moment::as_str)),
        g("icf_measurements", "rater", "id", codes(Rater::ALL, Rater::as_str)),
        // An environmental factor takes every qualifier, facilitators included.
        g(
            "icf_ratings",
            "qualifier",
            "measurement_id, category_code",
            qualifier_choices(Component::Environment).to_vec(),
        ),
        g("plans", "kind", "id", codes(PlanKind::ALL, PlanKind::as_str)),
    ]
}

/// The quoted values of a list as the engine stores it (`'a', 'b'` or `'a'::text, 'b'::text`).
fn quoted_values(list: &str) -> BTreeSet<String> {
    list.split(',')
        .map(|item| {
            let item = item.trim();
            let item = item.strip_suffix("::text").unwrap_or(item);
            item.trim_matches('\'').to_owned()
        })
        .collect()
}

/// The part of `text` between `open` and the first `close` after it.
fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    let start = text.find(open).unwrap_or_else(|| panic!("no {open} in {text}")) + open.len();
    let end = text[start..]
        .find(close)
        .unwrap_or_else(|| panic!("no {close} in {text}"))
        + start;
    &text[start..end]
}

/// Each guard's list, read back from the database: the CHECK constraint on PostgreSQL, both
/// triggers on SQLite (which must agree). Also how many guards of this kind the schema holds.
async fn stored_lists(db: &Db, guards: &[Guarded]) -> (Vec<BTreeSet<String>>, i64) {
    let mut lists = Vec::new();
    match db {
        Db::Sqlite { reader, .. } => {
            for guard in guards {
                let mut found = Vec::new();
                for when in ["insert", "update"] {
                    let sql: String =
                        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = $1")
                            .bind(format!("{}_{when}", guard.name()))
                            .fetch_optional(reader)
                            .await
                            .unwrap()
                            .unwrap_or_else(|| panic!("no {when} trigger guards {}.{}", guard.table, guard.column));
                    let condition = format!("NEW.{} NOT IN (", guard.column);
                    found.push(quoted_values(between(&sql, &condition, ")")));
                }
                assert_eq!(found[0], found[1], "the triggers of {} differ", guard.name());
                lists.push(found.remove(0));
            }
            let count = sqlx::query_scalar(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\\_allowed\\_insert' ESCAPE '\\'",
            )
            .fetch_one(reader)
            .await
            .unwrap();
            (lists, count)
        }
        Db::Postgres(pool) => {
            for guard in guards {
                let definition: String = sqlx::query_scalar(
                    "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
                     WHERE c.conname = $1 AND c.conrelid = $2::regclass AND c.contype = 'c'",
                )
                .bind(guard.name())
                .bind(guard.table)
                .fetch_optional(pool)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("no CHECK guards {}.{}", guard.table, guard.column));
                assert!(definition.contains(&format!("({} = ANY", guard.column)), "{definition}");
                lists.push(quoted_values(between(&definition, "ARRAY[", "]")));
            }
            let count = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'c' AND conname LIKE '%\\_allowed'",
            )
            .fetch_one(pool)
            .await
            .unwrap();
            (lists, count)
        }
    }
}

#[tokio::test]
async fn each_guard_lists_exactly_the_values_of_its_enum() {
    let test = TestDb::new().await;
    let guards = guarded();
    let (lists, count) = stored_lists(&test.db, &guards).await;
    for (guard, list) in guards.iter().zip(&lists) {
        let values: BTreeSet<String> = guard.values.iter().map(|v| (*v).to_owned()).collect();
        assert_eq!(list, &values, "{}.{} against its enum", guard.table, guard.column);
    }
    assert_eq!(
        count,
        guards.len() as i64,
        "a guard in the schema that this test does not know"
    );
}

/// How a change of `guard`'s column to `value` went: `None` when it was stored, or the error.
/// `insert`: as a new row (a copy of a stored one, which is taken out first); otherwise as an
/// update of a stored row. Nothing is kept.
async fn try_value(db: &Db, guard: &Guarded, value: &str, insert: bool) -> Option<String> {
    let mut tx = db.begin().await.unwrap();
    let (table, column, key) = (guard.table, guard.column, guard.key);
    // The copy's foreign keys are not the point: they are left unchecked (the transaction never
    // commits). On PostgreSQL that turns off the triggers that check them; a CHECK still holds.
    let unchecked = match db {
        Db::Sqlite { .. } => "PRAGMA defer_foreign_keys = ON",
        Db::Postgres(_) => "SET LOCAL session_replication_role = replica",
    };
    let setup = [
        unchecked.to_owned(),
        // A plan whose trajectory has no other plan: changing its kind cannot meet a sibling's
        // (trajectory, kind), whatever the demo data draws.
        if table == "plans" {
            "CREATE TEMPORARY TABLE guard_row AS SELECT * FROM plans WHERE trajectory_id IN
                 (SELECT trajectory_id FROM plans GROUP BY trajectory_id HAVING COUNT(*) = 1) LIMIT 1"
                .to_owned()
        } else {
            format!("CREATE TEMPORARY TABLE guard_row AS SELECT * FROM {table} LIMIT 1")
        },
    ];
    for sql in setup {
        run!(&mut tx, c => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(c).await.map(|_| ())).unwrap();
    }
    let rows: i64 =
        run!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM guard_row").fetch_one(c).await).unwrap();
    assert_eq!(rows, 1, "the demo data has no row in {table}");
    let the_row = format!("({key}) IN (SELECT {key} FROM guard_row)");
    let change = if insert {
        let sql = format!("DELETE FROM {table} WHERE {the_row}");
        run!(&mut tx, c => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(c).await.map(|_| ())).unwrap();
        let sql = format!("UPDATE guard_row SET {column} = $1");
        run!(&mut tx, c => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(value).execute(c).await.map(|_| ())).unwrap();
        format!("INSERT INTO {table} SELECT * FROM guard_row")
    } else {
        format!("UPDATE {table} SET {column} = $1 WHERE {the_row}")
    };
    let done = if insert {
        run!(&mut tx, c => sqlx::query(sqlx::AssertSqlSafe(change)).execute(c).await.map(|r| r.rows_affected()))
    } else {
        run!(&mut tx, c => sqlx::query(sqlx::AssertSqlSafe(change)).bind(value).execute(c).await.map(|r| r.rows_affected()))
    };
    match done {
        Ok(n) => {
            assert_eq!(n, 1, "{table}.{column} = {value:?} changed {n} rows");
            None
        }
        Err(error) => Some(error.to_string()),
    }
}

#[tokio::test]
async fn guarded_columns_take_every_value_of_their_enum_and_refuse_others() {
    let test = TestDb::with_demo().await;
    for guard in guarded() {
        let refused = |error: &str| match &test.db {
            Db::Sqlite { .. } => error.contains(&format!("{}.{}: not an allowed value", guard.table, guard.column)),
            Db::Postgres(_) => error.contains(&format!("check constraint \"{}\"", guard.name())),
        };
        for insert in [false, true] {
            for value in &guard.values {
                let outcome = try_value(&test.db, &guard, value, insert).await;
                assert_eq!(
                    outcome, None,
                    "{}.{} = {value:?} (insert: {insert})",
                    guard.table, guard.column
                );
            }
            // Not a code at all; and a code with a space before it, which the domain's parse
            // would have trimmed.
            for value in ["not_a_code".to_owned(), format!(" {}", guard.values[0])] {
                let outcome = try_value(&test.db, &guard, &value, insert).await;
                assert!(
                    outcome.as_deref().is_some_and(refused),
                    "{}.{} = {value:?} (insert: {insert}): {outcome:?}",
                    guard.table,
                    guard.column
                );
            }
        }
    }
}

/// Past the guard (dropped here, as a hand-made change or an old backup could be), a code no enum
/// knows reads back as an internal error, not as some default kind.
#[tokio::test]
async fn a_stored_code_no_enum_knows_is_an_internal_error() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let (status, list) = app.get_json(&admin, "/api/v1/organisations").await;
    assert_eq!(status, StatusCode::OK);
    let id = list[0]["id"].as_str().expect("an organisation").to_owned();
    let (status, _) = app.get_json(&admin, &format!("/api/v1/organisations/{id}")).await;
    assert_eq!(status, StatusCode::OK);

    let drop_guard = match &app.db {
        Db::Sqlite { .. } => "DROP TRIGGER organisations_kind_allowed_update",
        Db::Postgres(_) => "ALTER TABLE organisations DROP CONSTRAINT organisations_kind_allowed",
    };
    let mut tx = app.db.begin().await.unwrap();
    run!(&mut tx, c => sqlx::query(drop_guard).execute(c).await.map(|_| ())).unwrap();
    let sql = "UPDATE organisations SET kind = 'castle' WHERE id = $1";
    let id_value = uuid::Uuid::parse_str(&id).unwrap();
    run!(&mut tx, c => sqlx::query(sql).bind(id_value).execute(c).await.map(|_| ())).unwrap();
    tx.commit().await.unwrap();

    let (status, problem) = app.get_json(&admin, &format!("/api/v1/organisations/{id}")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{problem}");
    assert_eq!(problem["status"], 500, "{problem}");
}
