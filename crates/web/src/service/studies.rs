//! Research studies: administrators create and change them; researchers see the ones they are
//! on (the export itself is `service::research`).

use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_domain::identity::Role;
use onramp_domain::policy::{Action, StudyRef};
use onramp_domain::research::StudyInput;
use onramp_store::audit::{self, Event};
use onramp_store::studies::{self, Study};
use onramp_store::{Access, programmes, users};
use uuid::Uuid;

/// What a study form offers: the programmes, and the active researchers' accounts.
pub struct Choices {
    pub programmes: Vec<(Uuid, String)>,
    pub researchers: Vec<(Uuid, String)>,
}

/// The studies the actor sees: all for administrators, their own for researchers.
pub async fn list(state: &AppState, ctx: &Ctx) -> Result<Vec<Study>, AppError> {
    require(&ctx.actor, Action::ViewStudies)?;
    let mut conn = state.db.conn().await?;
    Ok(if ctx.actor.role == Role::Researcher {
        studies::list_for_researcher(&mut conn, ctx.user.id).await?
    } else {
        studies::list_all(&mut conn).await?
    })
}

/// One study, if the policy lets the actor see it (a researcher not on it gets 404).
pub async fn get(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<Study, AppError> {
    require(&ctx.actor, Action::ViewStudies)?;
    let mut conn = state.db.conn().await?;
    let study = studies::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    require(&ctx.actor, Action::ViewStudy(&study_ref(&study)))?;
    Ok(study)
}

pub fn study_ref(study: &Study) -> StudyRef {
    StudyRef {
        researchers: study.researcher_ids.clone(),
    }
}

pub async fn choices(state: &AppState, ctx: &Ctx) -> Result<Choices, AppError> {
    require(&ctx.actor, Action::ManageStudies)?;
    let mut conn = state.db.conn().await?;
    let programmes = programmes::list(&mut conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.definition.name))
        .collect();
    let researchers = users::with_role(&mut conn, Role::Researcher).await?;
    Ok(Choices {
        programmes,
        researchers,
    })
}

pub async fn create(state: &AppState, ctx: &Ctx, input: StudyInput) -> Result<Study, AppError> {
    require(&ctx.actor, Action::ManageStudies)?;
    let mut tx = state.db.begin().await?;
    check_members(&mut tx, &input).await?;
    let study = studies::create(&mut tx, &input, Some(ctx.user.id)).await?;
    audit::record(
        &mut tx,
        &ctx.who,
        Event::new("study.create", "study", study.id).after(&study),
    )
    .await?;
    tx.commit().await?;
    Ok(study)
}

pub async fn update(state: &AppState, ctx: &Ctx, id: Uuid, input: StudyInput) -> Result<Study, AppError> {
    require(&ctx.actor, Action::ManageStudies)?;
    let mut tx = state.db.begin().await?;
    let before = studies::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    check_members(&mut tx, &input).await?;
    let after = studies::update(&mut tx, id, &input).await?;
    let event = Event::new("study.update", "study", id).before(&before).after(&after);
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(after)
}

/// The programmes exist and every researcher named is an active researcher's account: a study
/// opens its export to no other role.
async fn check_members(conn: &mut impl Access, input: &StudyInput) -> Result<(), AppError> {
    for id in &input.programme_ids {
        if programmes::get(conn, *id).await?.is_none() {
            return Err(AppError::invalid("programme_ids", "invalid-reference"));
        }
    }
    for id in &input.researcher_ids {
        match users::get(conn, *id).await? {
            Some(user) if user.active && user.role == Role::Researcher => {}
            _ => return Err(AppError::invalid("researcher_ids", "not-a-researcher")),
        }
    }
    Ok(())
}
