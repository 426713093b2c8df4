//! The daily digest: each coach who has not switched it off gets, once a day, an e-mail listing
//! the check-ins after exit that fall due within a week or are overdue. With several nodes
//! running, the first to claim a coach's digest for the day sends it; the others skip it.

use crate::error::AppError;
use crate::i18n::{text, text_with};
use crate::identity::Ctx;
use crate::state::AppState;
use chrono::{Days, NaiveDate};
use onramp_domain::identity::Role;
use onramp_domain::policy::Actor;
use onramp_domain::purposes::Purpose;
use onramp_store::audit::{self, Event};
use onramp_store::{check_ins, digests};

/// Sends the digests due on `today`; returns how many this node sent.
pub async fn send_due(state: &AppState, today: NaiveDate) -> Result<usize, AppError> {
    let Some(mailer) = &state.config.mailer else {
        return Ok(0);
    };
    let mut conn = state.db.conn().await?;
    let mut sent = 0;
    for recipient in digests::recipients(&mut conn, today).await? {
        // A coach's own people only: the trajectories they are the responsible coach of.
        let own = Actor {
            user_id: recipient.id,
            role: Role::Coach,
            organisations: Vec::new(),
            regions: Vec::new(),
        };
        let due = check_ins::due(&mut conn, &own, today + Days::new(7)).await?;
        if due.is_empty() {
            continue;
        }
        let Ok(to) = recipient.email.parse() else {
            tracing::warn!(user = %recipient.id, "a coach's e-mail address does not parse; no digest");
            continue;
        };
        let lang = recipient.language;
        let lines: Vec<String> = due
            .iter()
            .map(|c| {
                let when = c.due_on.format("%d-%m-%Y").to_string();
                let key = if c.due_on < today {
                    "digest-line-overdue"
                } else {
                    "digest-line-due"
                };
                text_with(
                    lang,
                    key,
                    &[
                        ("name", &c.participant_name),
                        ("months", &c.months_after_exit.to_string()),
                        ("date", &when),
                    ],
                )
            })
            .collect();
        let body = format!(
            "{}\n\n{}\n\n{}",
            text_with(lang, "invitation-greeting", &[("name", &recipient.display_name)]),
            lines.join("\n"),
            text(lang, "digest-closing")
        );
        let message = lettre::Message::builder()
            .from(mailer.from.clone())
            .to(to)
            .subject(text_with(lang, "digest-subject", &[("count", &due.len().to_string())]))
            .body(body)
            .map_err(|e| AppError::internal(format!("building a digest failed: {e}")))?;
        // Claimed only once the message is ready, so a message that cannot be built is no claim.
        // The names it carries leave onramp by mail: audited as a list sent to the coach.
        let mut tx = state.db.begin().await?;
        let claimed = digests::claim(&mut tx, recipient.id, today).await?;
        if claimed {
            let to_coach = audit::Who {
                user_id: Some(recipient.id),
                label: recipient.email.clone(),
                role: Some(Role::Coach),
                ..audit::Who::default()
            };
            let shown = due.iter().map(|c| c.participant_id).collect();
            audit::record(&mut tx, &to_coach, Event::list("digest.sent", Purpose::FollowUp, shown)).await?;
        }
        tx.commit().await?;
        if !claimed {
            continue;
        }
        if let Err(error) = mailer.send(message).await {
            tracing::warn!(%error, "sending a digest failed; it will be retried");
            crate::metrics::digest("failed");
            let mut tx = state.db.begin().await?;
            digests::release(&mut tx, recipient.id, today).await?;
            tx.commit().await?;
            continue;
        }
        sent += 1;
        crate::metrics::digest("sent");
    }
    Ok(sent)
}

/// Switches the signed-in user's digest on or off.
pub async fn set(state: &AppState, ctx: &Ctx, on: bool) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    digests::set_enabled(&mut tx, ctx.user.id, on).await?;
    let event = Event::new("user.digest", "user", ctx.user.id).after(&serde_json::json!({ "digest": on }));
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn enabled(state: &AppState, ctx: &Ctx) -> Result<bool, AppError> {
    let mut conn = state.db.conn().await?;
    Ok(digests::enabled(&mut conn, ctx.user.id).await?)
}
