//! `onramp bench esf`: the ESF+ indicator report of one operation over every programme, partner
//! and year of a generated database. Fills the ESF intake fields first (for good) where the
//! generator left them not recorded, then times: what keeping the indicators adds to a write (a
//! person's counts refreshed, with and without the operation), the report from the kept counts as
//! the page and the API ask for it (cumulative and last year, for an administrator and for a
//! funder with small cells hidden), the recount from the records it replaces (facts from the
//! store, then counted in memory), and the PDF.

use crate::bench::{ctx_of, measure, user_of};
use anyhow::{Result, anyhow};
use onramp_domain::esf_indicators::{self as rules, OperationFields, OperationInput, Period};
use onramp_domain::identity::{Language, Role};
use onramp_store::{Db, esf, programmes};
use std::time::Instant;
use uuid::Uuid;

pub async fn esf(db: &Db, runs: usize) -> Result<()> {
    println!("engine: {:?}", db.engine());
    let today = onramp_web::time::today();
    let mut tx = db.begin().await?;
    let filled = esf::fill_intake_for_bench(&mut tx).await?;
    tx.commit().await?;
    let people = sample_people(db).await?;
    let people = &people;
    measure(
        "esf: a write's refresh of one person, no operation",
        runs,
        |run| async move { refresh_one(db, people[run % people.len()]).await },
    )
    .await?;

    let started = Instant::now();
    let (id, input) = create_operation(db).await?;
    println!(
        "esf: intake fields filled for {filled} people; operation over every programme counted from the records in {:.0} ms (once)",
        started.elapsed().as_secs_f64() * 1000.0
    );
    measure(
        "esf: a write's refresh of one person, one operation",
        runs,
        |run| async move { refresh_one(db, people[run % people.len()]).await },
    )
    .await?;

    let state = onramp_web::AppState {
        db: db.clone(),
        config: std::sync::Arc::new(onramp_web::Config::default()),
    };
    let admin = ctx_of(user_of(db, "admin@onramp.generated").await?);
    let mut funder = admin.clone();
    funder.actor.role = Role::Funder;
    let last_year = Period::Year(chrono::Datelike::year(&today) - 1);
    for (who, ctx) in [("administrator", &admin), ("funder", &funder)] {
        for period in [Period::Cumulative, last_year] {
            let (state, name) = (
                &state,
                format!("esf: report from kept counts, {}, {who}", period.as_string()),
            );
            measure(&name, runs, |_| async move {
                let i = onramp_web::service::esf::indicators(state, ctx, id, period, today)
                    .await
                    .map_err(|e| anyhow!("{e:?}"))?;
                Ok(i.report.figure("EECO01").total as usize)
            })
            .await?;
        }
    }

    let (first, last) = Period::Cumulative.entries(input.starts_on, input.ends_on);
    measure("esf: recount, facts from the store", runs, |_| async move {
        let mut conn = db.conn().await?;
        Ok(esf::facts(&mut conn, id, first, last).await?.len())
    })
    .await?;
    let facts = {
        let mut conn = db.conn().await?;
        esf::facts(&mut conn, id, first, last).await?
    };
    let facts = &facts;
    measure("esf: recount, counted and checked in memory", runs, |_| async move {
        let report = rules::count(facts, today);
        std::hint::black_box(rules::check(&report));
        Ok(report.figure("EECO01").total as usize)
    })
    .await?;

    let i = onramp_web::service::esf::indicators(&state, &admin, id, Period::Cumulative, today)
        .await
        .map_err(|e| anyhow!("{e:?}"))?;
    let i = &i;
    measure("esf: the PDF typeset (report given)", runs.min(10), |_| async move {
        let document = onramp_web::service::esf_pdf::document(i, Language::Nl, 5);
        Ok(onramp_documents::pdf(&document)?.len())
    })
    .await?;
    Ok(())
}

/// An operation over every programme, partner and year (counted from the records as it is made).
async fn create_operation(db: &Db) -> Result<(Uuid, OperationInput)> {
    let mut tx = db.begin().await?;
    let programme_ids: Vec<String> = programmes::list(&mut tx)
        .await?
        .iter()
        .map(|p| p.id.to_string())
        .collect();
    let fields = OperationFields {
        number: format!("BENCH-{}", Uuid::now_v7().simple()),
        title: "Bench".into(),
        starts_on: "2000-01-01".into(),
        ends_on: "2100-12-31".into(),
        programme_ids,
        partner_ids: Vec::new(),
        last_payment_on: String::new(),
    };
    let input = OperationInput::parse(&fields).map_err(|e| anyhow!("{e:?}"))?;
    let operation = esf::create(&mut tx, &input).await?;
    tx.commit().await?;
    Ok((operation.id, input))
}

/// A few hundred people with a trajectory, spread over the database.
async fn sample_people(db: &Db) -> Result<Vec<Uuid>> {
    let mut conn = db.conn().await?;
    let ids = esf::participants_for_bench(&mut conn, 500).await?;
    anyhow::ensure!(!ids.is_empty(), "no trajectories: run `onramp generate` first");
    Ok(ids)
}

/// What a write adds to keep the counts: one person's dashboard and ESF+ counts refreshed, in a
/// transaction rolled back (nothing changed, so nothing is written: the reads are the cost).
async fn refresh_one(db: &Db, participant: Uuid) -> Result<usize> {
    let mut tx = db.begin().await?;
    onramp_store::dashboard::counts::refresh(&mut tx, participant).await?;
    drop(tx);
    Ok(1)
}
