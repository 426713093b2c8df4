//! Regions: read by most roles, managed by administrators.

use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_domain::policy::Action;
use onramp_domain::regions::RegionInput;
use onramp_store::audit::{self, Event};
use onramp_store::regions::{self, Region};
use uuid::Uuid;

pub async fn list(state: &AppState, ctx: &Ctx) -> Result<Vec<Region>, AppError> {
    require(&ctx.actor, Action::ViewRegions)?;
    let mut conn = state.db.conn().await?;
    Ok(regions::list(&mut conn).await?)
}

pub async fn create(state: &AppState, ctx: &Ctx, input: RegionInput) -> Result<Region, AppError> {
    require(&ctx.actor, Action::ManageRegions)?;
    let mut tx = state.db.begin().await?;
    let region = regions::create(&mut tx, &input).await?;
    audit::record(
        &mut tx,
        &ctx.who,
        Event::new("region.create", "region", region.id).after(&region),
    )
    .await?;
    tx.commit().await?;
    Ok(region)
}

pub async fn update(state: &AppState, ctx: &Ctx, id: Uuid, input: RegionInput) -> Result<Region, AppError> {
    require(&ctx.actor, Action::ManageRegions)?;
    let mut tx = state.db.begin().await?;
    let before = regions::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let after = regions::update(&mut tx, id, &input).await?;
    let event = Event::new("region.update", "region", id).before(&before).after(&after);
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(after)
}
