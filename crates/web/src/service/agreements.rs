//! Agreements with partners and their contact persons.

use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_domain::agreements::{AgreementInput, ContactInput, LocationHours};
use onramp_domain::organisations::OrganisationKind;
use onramp_domain::policy::Action;
use onramp_store::agreements::{self, Agreement, CommittedHours, Contact};
use onramp_store::audit::{self, Event};
use onramp_store::organisations::{self, Organisation};
use onramp_store::{Access, locations};
use uuid::Uuid;

async fn organisation(conn: &mut impl Access, id: Uuid) -> Result<Organisation, AppError> {
    organisations::get(conn, id).await?.ok_or(AppError::NotFound)
}

/// An agreement with the hours it commits.
#[derive(Debug, Clone)]
pub struct AgreementDetail {
    pub agreement: Agreement,
    pub hours: Vec<CommittedHours>,
    pub can_manage: bool,
}

impl AgreementDetail {
    /// Coach hours a year over all locations.
    pub fn total_hours(&self) -> i32 {
        self.hours.iter().map(|h| h.hours.total()).sum()
    }
}

pub async fn list(state: &AppState, ctx: &Ctx, partner_id: Uuid) -> Result<Vec<AgreementDetail>, AppError> {
    let mut conn = state.db.conn().await?;
    let partner = organisation(&mut conn, partner_id).await?;
    require(&ctx.actor, Action::ViewOrganisation(&partner.as_ref()))?;
    let can_manage = onramp_domain::policy::decide(&ctx.actor, Action::ManageAgreements(&partner.as_ref()))
        == onramp_domain::policy::Decision::Allow;
    let mut details = Vec::new();
    for agreement in agreements::list_for_partner(&mut conn, partner_id).await? {
        let hours = agreements::hours_of(&mut conn, agreement.id).await?;
        details.push(AgreementDetail {
            agreement,
            hours,
            can_manage,
        });
    }
    Ok(details)
}

pub async fn get(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<AgreementDetail, AppError> {
    let mut conn = state.db.conn().await?;
    let agreement = agreements::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let partner = organisation(&mut conn, agreement.partner_id).await?;
    require(&ctx.actor, Action::ViewOrganisation(&partner.as_ref()))?;
    let can_manage = onramp_domain::policy::decide(&ctx.actor, Action::ManageAgreements(&partner.as_ref()))
        == onramp_domain::policy::Decision::Allow;
    let hours = agreements::hours_of(&mut conn, id).await?;
    Ok(AgreementDetail {
        agreement,
        hours,
        can_manage,
    })
}

async fn check_provider(conn: &mut impl Access, provider_id: Uuid) -> Result<(), AppError> {
    match organisations::get(conn, provider_id).await? {
        Some(o) if o.kind == OrganisationKind::Provider => Ok(()),
        _ => Err(AppError::invalid("provider_id", "invalid-reference")),
    }
}

pub async fn create(
    state: &AppState,
    ctx: &Ctx,
    partner_id: Uuid,
    input: AgreementInput,
) -> Result<Agreement, AppError> {
    let mut tx = state.db.begin().await?;
    let partner = organisation(&mut tx, partner_id).await?;
    require(&ctx.actor, Action::ManageAgreements(&partner.as_ref()))?;
    check_provider(&mut tx, input.provider_id).await?;
    let agreement = agreements::create(&mut tx, partner_id, &input).await?;
    audit::record(
        &mut tx,
        &ctx.who,
        Event::new("agreement.create", "agreement", agreement.id).after(&agreement),
    )
    .await?;
    tx.commit().await?;
    Ok(agreement)
}

pub async fn update(state: &AppState, ctx: &Ctx, id: Uuid, input: AgreementInput) -> Result<Agreement, AppError> {
    let mut tx = state.db.begin().await?;
    let before = agreements::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let partner = organisation(&mut tx, before.partner_id).await?;
    require(&ctx.actor, Action::ManageAgreements(&partner.as_ref()))?;
    check_provider(&mut tx, input.provider_id).await?;
    let after = agreements::update(&mut tx, id, &input).await?;
    audit::record(
        &mut tx,
        &ctx.who,
        Event::new("agreement.update", "agreement", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Commits hours at one of the partner's locations.
pub async fn set_hours(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    input: LocationHours,
) -> Result<Vec<CommittedHours>, AppError> {
    let mut tx = state.db.begin().await?;
    let agreement = agreements::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let partner = organisation(&mut tx, agreement.partner_id).await?;
    require(&ctx.actor, Action::ManageAgreements(&partner.as_ref()))?;
    let location = locations::get(&mut tx, input.location_id).await?;
    if location.is_none_or(|l| l.organisation_id != partner.id) {
        return Err(AppError::invalid("location_id", "invalid-reference"));
    }
    agreements::set_hours(&mut tx, id, &input).await?;
    let event = Event::new("agreement.hours", "agreement", id).after(&input);
    audit::record(&mut tx, &ctx.who, event).await?;
    let hours = agreements::hours_of(&mut tx, id).await?;
    tx.commit().await?;
    Ok(hours)
}

pub async fn contacts(state: &AppState, ctx: &Ctx, organisation_id: Uuid) -> Result<Vec<Contact>, AppError> {
    let mut conn = state.db.conn().await?;
    let o = organisation(&mut conn, organisation_id).await?;
    require(&ctx.actor, Action::ViewOrganisation(&o.as_ref()))?;
    Ok(agreements::contacts_of(&mut conn, organisation_id).await?)
}

pub async fn add_contact(
    state: &AppState,
    ctx: &Ctx,
    organisation_id: Uuid,
    input: ContactInput,
) -> Result<Contact, AppError> {
    let mut tx = state.db.begin().await?;
    let o = organisation(&mut tx, organisation_id).await?;
    require(&ctx.actor, Action::ManageAgreements(&o.as_ref()))?;
    let contact = agreements::add_contact(&mut tx, organisation_id, &input).await?;
    audit::record(
        &mut tx,
        &ctx.who,
        Event::new("contact.create", "contact", contact.id).after(&contact),
    )
    .await?;
    tx.commit().await?;
    Ok(contact)
}

pub async fn remove_contact(state: &AppState, ctx: &Ctx, organisation_id: Uuid, id: Uuid) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let o = organisation(&mut tx, organisation_id).await?;
    require(&ctx.actor, Action::ManageAgreements(&o.as_ref()))?;
    let contact = agreements::remove_contact(&mut tx, organisation_id, id).await?;
    audit::record(
        &mut tx,
        &ctx.who,
        Event::new("contact.delete", "contact", id).before(&contact),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
