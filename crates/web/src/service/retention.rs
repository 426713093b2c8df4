//! Retention (docs/retention.md): the files due, legal holds, and the daily run that anonymises
//! the files past their date and purges old sign-in data.

use super::erasure;
use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use chrono::NaiveDate;
use onramp_domain::erasure::{DUE_WITHIN_DAYS, Treatment};
use onramp_domain::policy::Action;
use onramp_store::audit::{self, Event, Who};
use onramp_store::retention::{self, Due, Hold, Purged};
use onramp_store::{Db, erasure as store};
use serde::Serialize;
use uuid::Uuid;

/// The reason the retention run gives in the audit log.
pub const RUN_REASON: &str = "retention period ended";

/// The files due within [`DUE_WITHIN_DAYS`] of `today`, and those past due.
pub async fn due(state: &AppState, ctx: &Ctx, today: NaiveDate) -> Result<Vec<Due>, AppError> {
    require(&ctx.actor, Action::ManageRetention)?;
    let mut conn = state.db.conn().await?;
    let by = today + chrono::Days::new(DUE_WITHIN_DAYS);
    Ok(retention::due(&mut conn, by).await?)
}

/// Puts the file under a legal hold, or changes its reason; audited.
pub async fn hold(state: &AppState, ctx: &Ctx, id: Uuid, reason: &str) -> Result<Hold, AppError> {
    require(&ctx.actor, Action::ManageRetention)?;
    let mut tx = state.db.begin().await?;
    let standing = store::standing(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if standing.anonymised_at.is_some() {
        return Err(AppError::Conflict(onramp_domain::FieldErrors::single(
            "reason",
            "already-anonymised",
        )));
    }
    let hold = retention::hold(&mut tx, id, reason, ctx.user.id).await?;
    let event = Event::new("participant.legal_hold", "participant", id)
        .for_participant(id)
        .after(&hold);
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(hold)
}

/// Lifts the file's legal hold (nothing to lift: nothing happens, nothing is audited).
pub async fn lift(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<Option<Hold>, AppError> {
    require(&ctx.actor, Action::ManageRetention)?;
    let mut tx = state.db.begin().await?;
    let lifted = retention::lift(&mut tx, id).await.map_err(|e| match e {
        onramp_store::StoreError::NotFound => AppError::NotFound,
        e => e.into(),
    })?;
    if let Some(hold) = &lifted {
        let event = Event::new("participant.legal_hold_lift", "participant", id)
            .for_participant(id)
            .before(hold);
        audit::record(&mut tx, &ctx.who, event).await?;
        tx.commit().await?;
    }
    Ok(lifted)
}

/// What one retention run did (or, dry, would do).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Run {
    pub today: Option<NaiveDate>,
    /// Files past their date and anonymised (or due to be, when dry).
    pub anonymised: Vec<Uuid>,
    /// Files past their date kept by a legal hold.
    pub held: Vec<Uuid>,
    pub purged: Purged,
    /// Another node's run held the lock: this one did nothing.
    pub skipped: bool,
}

/// Anonymises every file past its retention date and not under a legal hold, and purges the
/// sign-in data past its period, in one transaction under the retention lock (one node at a
/// time). `dry`: only says what it would do.
pub async fn run(db: &Db, today: NaiveDate, dry: bool) -> Result<Run, AppError> {
    let mut tx = db.begin().await?;
    if !retention::try_lock(&mut tx).await? {
        return Ok(Run {
            skipped: true,
            ..Run::default()
        });
    }
    // Kept up to and including the date: past it means before today.
    let past = today.pred_opt().unwrap_or(today);
    let due = retention::due(&mut tx, past).await?;
    let (held, gone): (Vec<Due>, Vec<Due>) = due.into_iter().partition(|d| d.hold.is_some());
    let mut run = Run {
        today: Some(today),
        anonymised: gone.iter().map(|d| d.participant_id).collect(),
        held: held.iter().map(|d| d.participant_id).collect(),
        ..Run::default()
    };
    if dry {
        return Ok(run);
    }
    let who = Who {
        label: "retention".into(),
        ..Who::default()
    };
    for id in &run.anonymised {
        erasure::apply(&mut tx, &who, *id, Treatment::Anonymise, RUN_REASON).await?;
    }
    run.purged = retention::purge_sign_in_data(&mut tx).await?;
    tx.commit().await?;
    Ok(run)
}
