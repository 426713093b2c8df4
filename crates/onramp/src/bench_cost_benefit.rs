//! The cost-benefit's part of `onramp bench generated`: the whole report (the model, its
//! tornado and scenarios) for a region and for everything over a year, and its inputs alone,
//! read from the counts the dashboard keeps and the coach minutes kept per partner and day.

use crate::bench::measure;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use onramp_store::dashboard::Scope;
use onramp_store::{Db, programmes};
use onramp_web::service::cost_benefit::{Request, report};
use uuid::Uuid;

/// Times the cost-benefit of We Go To Work over `year`, for `region` and for everything.
pub async fn run(
    db: &Db,
    state: &onramp_web::AppState,
    ctx: &onramp_web::Ctx,
    region: Option<Uuid>,
    year: i32,
    runs: usize,
) -> Result<()> {
    let programme = {
        let mut conn = db.conn().await?;
        programmes::find_by_code(&mut conn, "we-go-to-work")
            .await?
            .context("built-in programme")?
            .id
    };
    let from = NaiveDate::from_ymd_opt(year, 1, 1).context("year")?;
    let to = NaiveDate::from_ymd_opt(year, 12, 31).context("year")?;
    for (name, region_id) in [
        ("cost-benefit, a region x year", region),
        ("cost-benefit, everything x year", None),
    ] {
        let request = Request {
            programme_id: programme,
            from,
            to,
            organisation_id: None,
            region_id,
        };
        measure(name, runs, |_| async move {
            let r = report(state, ctx, request)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            Ok(r.inputs.participants as usize)
        })
        .await?;
    }
    // The facts alone (kept counts and minutes), to see what the model's arithmetic adds.
    let mut scope = Scope::period(from, to);
    scope.programme_id = Some(programme);
    scope.region_id = region;
    measure("cost-benefit inputs alone, a region x year", runs, |_| async move {
        let mut conn = db.conn().await?;
        Ok(onramp_store::cost_benefit::inputs(&mut conn, scope).await?.participants as usize)
    })
    .await
}
