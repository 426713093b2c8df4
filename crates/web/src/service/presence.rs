//! Presence actions: recording them, linking the participants they brought in, and the reach
//! of a partner in a year against its agreements (the seeds' norm: 200 reached per coach FTE).

use super::participants::{Need, authorise};
use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use crate::time::today;
use chrono::NaiveDate;
use onramp_domain::policy::Action;
use onramp_domain::presence::{PresenceActionInput, PresenceFields, PresenceKindInput, REACH_PER_FTE_NORM};
use onramp_store::audit::{self, Event};
use onramp_store::presence::{self, PresenceAction, PresenceKind};
use onramp_store::{agreements, organisations};
use serde::Serialize;
use uuid::Uuid;

pub async fn kinds(state: &AppState) -> Result<Vec<PresenceKind>, AppError> {
    let mut conn = state.db.conn().await?;
    Ok(presence::kinds(&mut conn).await?)
}

/// Adds a kind of presence action (administrators).
pub async fn add_kind(state: &AppState, ctx: &Ctx, code: &str, name: &str) -> Result<PresenceKind, AppError> {
    require(&ctx.actor, Action::ManageReferenceData)?;
    let input = PresenceKindInput::parse(code, name)?;
    let mut tx = state.db.begin().await?;
    let kind = presence::add_kind(&mut tx, &input).await?;
    audit::record(
        &mut tx,
        &ctx.who,
        Event::new("presence_kind.create", "presence_kind", &kind.code).after(&kind),
    )
    .await?;
    tx.commit().await?;
    Ok(kind)
}

/// Records a presence action led by the signed-in coach at one of their partners.
pub async fn add(state: &AppState, ctx: &Ctx, fields: &PresenceFields) -> Result<PresenceAction, AppError> {
    let input = PresenceActionInput::parse(fields, today())?;
    let mut tx = state.db.begin().await?;
    let organisation = organisations::get(&mut tx, input.organisation_id)
        .await?
        .ok_or(AppError::invalid("organisation_id", "invalid-reference"))?;
    require(&ctx.actor, Action::RegisterHours(&organisation.as_ref()))?;
    if !presence::kinds(&mut tx).await?.iter().any(|k| k.code == input.kind) {
        return Err(AppError::invalid("kind", "invalid-choice"));
    }
    super::check_location(&mut tx, input.organisation_id, input.location_id).await?;
    let action = presence::add(&mut tx, &input, ctx.user.id).await?;
    audit::record(
        &mut tx,
        &ctx.who,
        Event::new("presence.create", "presence_action", action.id).after(&action),
    )
    .await?;
    tx.commit().await?;
    Ok(action)
}

/// Links a participant who came through a presence action.
pub async fn link(state: &AppState, ctx: &Ctx, action_id: Uuid, participant_id: Uuid) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let action = presence::get(&mut tx, action_id).await?.ok_or(AppError::NotFound)?;
    let organisation = organisations::get(&mut tx, action.organisation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    require(&ctx.actor, Action::RegisterHours(&organisation.as_ref()))?;
    match authorise(&mut tx, ctx, participant_id, Need::Record).await {
        Err(AppError::NotFound | AppError::Forbidden | AppError::Refused(_)) => {
            return Err(AppError::invalid("participant_id", "invalid-reference"));
        }
        other => other?,
    };
    presence::link(&mut tx, action_id, participant_id).await?;
    let event = Event::new("presence.link", "presence_action", action_id).for_participant(participant_id);
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(())
}

/// A partner's presence actions in a year, with its reach against the agreements.
#[derive(Debug, Clone, Serialize)]
pub struct PresenceYear {
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub year: i32,
    pub actions: Vec<PresenceAction>,
    pub reached: i64,
    pub became_participants: i64,
    /// People to reach in the year by the agreements running in it.
    pub reach_target: i64,
    /// Coach FTE behind those agreements.
    pub fte: f64,
    /// `reached` per coach FTE, to compare with the norm.
    pub reached_per_fte: Option<f64>,
    pub norm_per_fte: i64,
}

pub async fn year(state: &AppState, ctx: &Ctx, organisation_id: Uuid, year: i32) -> Result<PresenceYear, AppError> {
    if !(2000..=2100).contains(&year) {
        return Err(AppError::invalid("year", "out-of-range"));
    }
    let mut conn = state.db.conn().await?;
    let organisation = organisations::get(&mut conn, organisation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    require(&ctx.actor, Action::ViewHours(&organisation.as_ref()))?;
    let from = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let to = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
    let actions = presence::at(&mut conn, organisation_id, from, to).await?;
    let reached = presence::reached_at(&mut conn, organisation_id, from, to).await?;
    let running: Vec<_> = agreements::list_for_partner(&mut conn, organisation_id)
        .await?
        .into_iter()
        .filter(|a| a.starts_on <= to && a.ends_on >= from)
        .collect();
    let fte = running.iter().map(|a| f64::from(a.fte_hundredths)).sum::<f64>() / 100.0;
    Ok(PresenceYear {
        organisation_id,
        organisation_name: organisation.name,
        year,
        became_participants: actions.iter().map(|a| a.became_participants).sum(),
        reach_target: running.iter().map(|a| i64::from(a.reach_target)).sum(),
        reached_per_fte: (fte > 0.0).then(|| (reached as f64 / fte * 10.0).round() / 10.0),
        fte,
        reached,
        actions,
        norm_per_fte: REACH_PER_FTE_NORM,
    })
}
