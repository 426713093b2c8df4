//! Organisations and their locations, within the actor's scope.

use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_domain::organisations::{LocationInput, OrganisationInput};
use onramp_domain::policy::{self, Action};
use onramp_store::audit::{self, Event};
use onramp_store::locations::{self, Location};
use onramp_store::organisations::{self, Filter, Organisation};
use uuid::Uuid;

pub async fn list(state: &AppState, ctx: &Ctx, filter: &Filter) -> Result<Vec<Organisation>, AppError> {
    let scope = policy::organisation_scope(&ctx.actor);
    if scope.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut conn = state.db.conn().await?;
    Ok(organisations::list(&mut conn, scope, ctx.actor.user_id, filter).await?)
}

/// One organisation with its locations; outside the actor's scope it does not exist.
pub async fn get(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<(Organisation, Vec<Location>), AppError> {
    let mut conn = state.db.conn().await?;
    let organisation = organisations::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    require(&ctx.actor, Action::ViewOrganisation(&organisation.as_ref()))?;
    let locations = locations::list_for_organisation(&mut conn, id).await?;
    Ok((organisation, locations))
}

pub async fn create(state: &AppState, ctx: &Ctx, input: OrganisationInput) -> Result<Organisation, AppError> {
    require(&ctx.actor, Action::CreateOrganisation)?;
    let mut tx = state.db.begin().await?;
    let organisation = organisations::create(&mut tx, &input).await?;
    let event = Event::new("organisation.create", "organisation", organisation.id).after(&organisation);
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(organisation)
}

pub async fn update(state: &AppState, ctx: &Ctx, id: Uuid, input: OrganisationInput) -> Result<Organisation, AppError> {
    let mut tx = state.db.begin().await?;
    let before = organisations::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    require(&ctx.actor, Action::EditOrganisation(&before.as_ref()))?;
    let after = organisations::update(&mut tx, id, &input).await?;
    let event = Event::new("organisation.update", "organisation", id)
        .before(&before)
        .after(&after);
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn add_location(
    state: &AppState,
    ctx: &Ctx,
    organisation_id: Uuid,
    input: LocationInput,
) -> Result<Location, AppError> {
    let mut tx = state.db.begin().await?;
    let organisation = organisations::get(&mut tx, organisation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    require(&ctx.actor, Action::EditOrganisation(&organisation.as_ref()))?;
    let location = locations::create(&mut tx, organisation_id, &input).await?;
    audit::record(
        &mut tx,
        &ctx.who,
        Event::new("location.create", "location", location.id).after(&location),
    )
    .await?;
    tx.commit().await?;
    Ok(location)
}

pub async fn update_location(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    input: LocationInput,
) -> Result<Location, AppError> {
    let mut tx = state.db.begin().await?;
    let before = locations::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let organisation = organisations::get(&mut tx, before.organisation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    require(&ctx.actor, Action::EditOrganisation(&organisation.as_ref()))?;
    let after = locations::update(&mut tx, id, &input).await?;
    let event = Event::new("location.update", "location", id)
        .before(&before)
        .after(&after);
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(after)
}
