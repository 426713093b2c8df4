//! The dashboard as rows of a report, for the CSV and XLSX downloads.

use super::dashboard::{Request, figures};
use crate::error::AppError;
use crate::exchange::report::{ReportRow, Value};
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_store::{organisations, programmes};

/// The dashboard as report rows (for CSV and XLSX), in the actor's language: the period and scope
/// first, then each figure with its definition.
pub async fn report(state: &AppState, ctx: &Ctx, request: Request) -> Result<Vec<ReportRow>, AppError> {
    let d = figures(state, ctx, request).await?;
    let lang = ctx.language;
    let t = |key: &str| crate::i18n::text(lang, key);
    let row = |figure: &str, label: String, value: Value, definition: String| ReportRow {
        figure: figure.to_owned(),
        label,
        value,
        definition,
    };
    let mut conn = state.db.conn().await?;
    let mut scope = Vec::new();
    if let Some(id) = d.request.organisation_id
        && let Some(o) = organisations::get(&mut conn, id).await?
    {
        scope.push(o.name);
    }
    if let Some(id) = d.request.location_id
        && let Some(l) = onramp_store::locations::get(&mut conn, id).await?
    {
        scope.push(l.name);
    }
    if let Some(id) = d.request.region_id
        && let Some(r) = onramp_store::regions::get(&mut conn, id).await?
    {
        scope.push(r.name);
    }
    if let Some(id) = d.request.coach_id
        && let Some(u) = onramp_store::users::get(&mut conn, id).await?
    {
        scope.push(u.display_name);
    }
    if let Some(id) = d.request.programme_id
        && let Some(mut g) = programmes::get(&mut conn, id).await?
    {
        crate::builtin_names::localise_programme(lang, &mut g);
        scope.push(g.definition.name);
    }
    let barrier_names = crate::service::barrier_codes::names_in(&mut conn).await?;
    drop(conn);
    let scope = if scope.is_empty() {
        t("dashboard-scope-all")
    } else {
        scope.join(" · ")
    };
    let shown = |figure: &str, n: i64| {
        if d.is_hidden(figure) {
            Value::Hidden
        } else {
            Value::Count(n)
        }
    };
    let count = |figure: &str, key: &str, n: i64| row(figure, t(key), shown(figure, n), t(&format!("{key}-def")));
    let decimal =
        |figure: &str, key: &str, v: Option<f64>| row(figure, t(key), Value::Decimal(v), t(&format!("{key}-def")));
    let mut rows = vec![
        row(
            "from",
            t("dashboard-period-from"),
            Value::Text(d.request.from.to_string()),
            String::new(),
        ),
        row(
            "to",
            t("dashboard-period-to"),
            Value::Text(d.request.to.to_string()),
            String::new(),
        ),
        row("scope", t("dashboard-scope"), Value::Text(scope), String::new()),
        count("reached_by_presence", "dashboard-reached", d.reached_by_presence),
        count("contacted", "dashboard-contacted", d.contacted),
        count("started", "dashboard-started", d.started),
        count("engaged_in_modules", "dashboard-engaged", d.engaged_in_modules),
        count("took_step", "dashboard-steps", d.took_step),
        decimal("took_step_percent", "dashboard-steps-share", d.took_step_percent),
        decimal(
            "took_step_percent_of_contacted",
            "dashboard-steps-contacted",
            d.took_step_percent_of_contacted,
        ),
        decimal("steps_target_percent", "dashboard-target-label", d.steps_target_percent),
        count("paid_work", "dashboard-paid", d.paid_work),
        decimal(
            "paid_work_percent_of_steps",
            "dashboard-paid-share",
            d.paid_work_percent_of_steps,
        ),
        decimal(
            "paid_work_percent_of_started",
            "dashboard-paid-started",
            d.paid_work_percent_of_started,
        ),
        decimal("median_duration_months", "dashboard-duration", d.median_duration_months),
        decimal("fte", "dashboard-fte", Some(d.fte)),
        decimal("reached_per_fte", "dashboard-per-fte", d.reached_per_fte),
    ];
    for (situation, n) in &d.exits {
        let name = if situation == "not_recorded" {
            t("select-not-recorded")
        } else {
            t(&format!("situation-exit-{situation}"))
        };
        let label = format!("{}: {name}", t("dashboard-exits"));
        rows.push(row(
            &format!("exits:{situation}"),
            label,
            shown(&format!("exits:{situation}"), *n),
            t("dashboard-exits-def"),
        ));
    }
    for (band, n) in &d.sickness_bands {
        let name = if band == "unknown" { t("unknown") } else { band.clone() };
        let label = format!("{}: {name}", t("dashboard-sickness"));
        rows.push(row(
            &format!("sickness:{band}"),
            label,
            shown(&format!("sickness:{band}"), *n),
            t("dashboard-sickness-def"),
        ));
    }
    for (code, n) in &d.top_barriers {
        let label = format!("{}: {}", t("dashboard-barriers"), barrier_names.name(lang, code));
        rows.push(row(
            &format!("barrier:{code}"),
            label,
            shown(&format!("barrier:{code}"), *n),
            t("dashboard-barriers-def"),
        ));
    }
    Ok(rows)
}
