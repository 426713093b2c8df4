//! ESF operations and their ESF+ indicators: read from the counts kept with each write
//! (`onramp_store::esf_kept`), checked by `onramp_domain::esf_indicators`. Administrators and
//! coordinators see exact figures, funders with small cells hidden; the list of participants with
//! missing data shows only the people the reader may open, and is audited on each person's file.

use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use chrono::NaiveDate;
use onramp_domain::esf_indicators::{self as rules, Issue, OperationInput, Period, Report, Standing};
use onramp_domain::policy::{self, Action, Decision};
use onramp_domain::purposes::Purpose;
use onramp_store::Tx;
use onramp_store::audit::{self, Event};
use onramp_store::esf::{self, Operation};
use onramp_store::esf_kept;
use serde::Serialize;
use std::collections::BTreeSet;
use uuid::Uuid;

pub async fn list(state: &AppState, ctx: &Ctx) -> Result<Vec<Operation>, AppError> {
    require(&ctx.actor, Action::ViewEsfIndicators)?;
    let mut conn = state.db.conn().await?;
    Ok(esf::list(&mut conn).await?)
}

pub async fn get(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<Operation, AppError> {
    require(&ctx.actor, Action::ViewEsfIndicators)?;
    let mut conn = state.db.conn().await?;
    esf::get(&mut conn, id).await?.ok_or(AppError::NotFound)
}

pub async fn create(state: &AppState, ctx: &Ctx, input: OperationInput) -> Result<Operation, AppError> {
    require(&ctx.actor, Action::ManageEsfOperations)?;
    let mut tx = state.db.begin().await?;
    known_references(&mut tx, &input).await?;
    let operation = esf::create(&mut tx, &input).await?;
    let event = Event::new("esf_operation.create", "esf_operation", operation.id).after(&operation);
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(operation)
}

/// Changes an operation (administrators): its period and coverage decide whom it counts, so the
/// change is audited with what it was before.
pub async fn update(state: &AppState, ctx: &Ctx, id: Uuid, input: OperationInput) -> Result<Operation, AppError> {
    require(&ctx.actor, Action::ManageEsfOperations)?;
    let mut tx = state.db.begin().await?;
    let before = esf::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    known_references(&mut tx, &input).await?;
    let operation = esf::update(&mut tx, id, &input).await?;
    let event = Event::new("esf_operation.update", "esf_operation", id)
        .before(&before)
        .after(&operation);
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(operation)
}

async fn known_references(tx: &mut Tx, input: &OperationInput) -> Result<(), AppError> {
    for id in &input.programme_ids {
        if onramp_store::programmes::get(tx, *id).await?.is_none() {
            return Err(AppError::invalid("programme_ids", "invalid-reference"));
        }
    }
    for id in &input.partner_ids {
        if onramp_store::organisations::get(tx, *id).await?.is_none() {
            return Err(AppError::invalid("partner_ids", "invalid-reference"));
        }
    }
    Ok(())
}

/// An operation's indicators for a period, as this reader may see them.
#[derive(Debug, Clone, Serialize)]
pub struct Indicators {
    pub operation: Operation,
    pub period: Period,
    /// The day results are counted up to.
    pub on: NaiveDate,
    pub report: Report,
    /// What the authority's checks find; empty when the figures may be sent.
    pub issues: Vec<Issue>,
    /// `CODE.column` cells hidden from this reader (small cells); empty for exact figures.
    pub hidden: BTreeSet<String>,
    pub exact: bool,
}

impl Indicators {
    /// A cell's value, or `None` when it is hidden from the reader.
    pub fn cell(&self, code: &str, column: &str) -> Option<i64> {
        let key = format!("{code}.{column}");
        if self.hidden.contains(&key) {
            return None;
        }
        let figure = if code == "not_reached" {
            self.report.not_reached
        } else {
            self.report.figure(code)
        };
        Some(figure.column(column))
    }
}

/// The download's name: the operation's number and the period, e.g. `esf-ESF-2026-1-cumulative.pdf`.
pub fn file_name(i: &Indicators, extension: &str) -> String {
    let number: String = i
        .operation
        .definition
        .number
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("esf-{number}-{}.{extension}", i.period.as_string())
}

pub async fn indicators(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    period: Period,
    on: NaiveDate,
) -> Result<Indicators, AppError> {
    require(&ctx.actor, Action::ViewEsfIndicators)?;
    let mut conn = state.db.conn().await?;
    let operation = esf::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let report = esf_kept::report(&mut conn, id, period.year(), on).await?;
    let issues = rules::check(&report);
    let exact = policy::sees_exact_figures(&ctx.actor);
    let hidden = if exact {
        BTreeSet::new()
    } else {
        // Outside the care relationship small cells are hidden (the report holds no one's standing).
        rules::hidden_cells(&report, state.config.small_cell_threshold)
    };
    Ok(Indicators {
        operation,
        period,
        on,
        report,
        issues,
        hidden,
        exact,
    })
}

/// A participant whose data a coach is to complete (or who is pending), as the reader may see them.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub participant_id: Uuid,
    pub name: String,
    #[serde(flatten)]
    pub standing: Standing,
}

/// The people behind the report's missing, pending and inconsistent counts that the reader may
/// open (`ViewParticipant`), by name; how many others there are. The list is audited with the
/// people it showed.
pub async fn standings(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    period: Period,
    on: NaiveDate,
) -> Result<(Vec<Listed>, usize), AppError> {
    require(&ctx.actor, Action::ViewEsfIndicators)?;
    let mut tx = state.db.begin().await?;
    esf::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let all = esf_kept::standings(&mut tx, id, period.year(), on).await?;
    let ids: Vec<Uuid> = all.iter().map(|s| s.participant_id).collect();
    let refs = onramp_store::participants::access_refs(&mut tx, &ids).await?;
    let visible: Vec<Uuid> = ids
        .iter()
        .copied()
        .filter(|id| {
            refs.get(id)
                .is_some_and(|r| policy::decide(&ctx.actor, Action::ViewParticipant(r)) == Decision::Allow)
        })
        .collect();
    let people = onramp_store::participants::get_many(&mut tx, &visible).await?;
    let mut listed: Vec<Listed> = all
        .into_iter()
        .filter_map(|standing| {
            let p = people.get(&standing.participant_id)?;
            Some(Listed {
                participant_id: p.id,
                name: format!("{} {}", p.record.first_name, p.record.last_name),
                standing,
            })
        })
        .collect();
    listed.sort_by(|a, b| a.name.cmp(&b.name).then(a.participant_id.cmp(&b.participant_id)));
    let shown = listed.iter().map(|l| l.participant_id).collect();
    let mut event = Event::list("esf.standing.view", Purpose::Report, shown);
    (event.entity_type, event.entity_id) = ("esf_operation", Some(id.to_string()));
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    let others = ids.len() - listed.len();
    Ok((listed, others))
}
