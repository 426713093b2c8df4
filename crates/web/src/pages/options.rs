//! Choices that forms offer: coded values, programmes, organisations, the people of one's caseload.

use super::layout::{Page, PageError};
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_domain::organisations::OrganisationKind;
use onramp_domain::policy::{self, Action, Decision};
use onramp_store::programmes::Programme;

/// Options without repeats, in the order they first came.
pub fn unique_options(items: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = Vec::new();
    for item in items {
        if !list.contains(&item) {
            list.push(item);
        }
    }
    list
}

/// People with an active trajectory a form may offer: a coach's own caseload (an administrator's
/// whole one), at one partner or anywhere; at most 300, by name.
pub async fn caseload_people(
    state: &crate::state::AppState,
    ctx: &crate::identity::Ctx,
    organisation_id: Option<uuid::Uuid>,
) -> Vec<(String, String)> {
    use onramp_domain::identity::Role;
    if policy::decide(&ctx.actor, Action::PickParticipants) != Decision::Allow {
        return Vec::new();
    }
    let filter = onramp_store::caseload::Filter {
        status: onramp_store::caseload::Status::Active,
        mine: ctx.actor.role == Role::Coach,
        organisation_id,
        ..Default::default()
    };
    let mut rows = crate::service::caseload::page(state, ctx, &filter, 300)
        .await
        .unwrap_or_default();
    rows.truncate(300);
    unique_options(rows.into_iter().map(|r| {
        (
            r.participant_id.to_string(),
            format!("{} {}", r.first_name, r.last_name),
        )
    }))
}

/// Choices of a select: (value, label).
pub type Options = Vec<(String, String)>;

/// Coded values with their labels in the page's language.
pub fn options<T: std::fmt::Display>(p: &Page, prefix: &str, values: &[T]) -> Options {
    values.iter().map(|v| (v.to_string(), p.label(prefix, v))).collect()
}

/// The programmes, with built-in phase and module names in the user's language.
pub async fn programme_list(state: &AppState, ctx: &Ctx) -> Result<Vec<Programme>, PageError> {
    let mut list = crate::service::programmes::list(state, ctx).await?;
    list.iter_mut()
        .for_each(|g| crate::builtin_names::localise_programme(ctx.language, g));
    Ok(list)
}

/// Organisations where the actor may register people: for a coach, the ones they work at.
pub async fn intake_organisations(state: &AppState, ctx: &Ctx) -> Result<Options, PageError> {
    let all = crate::service::organisations::list(state, ctx, &Default::default()).await?;
    Ok(all
        .into_iter()
        .filter(|o| policy::decide(&ctx.actor, Action::CreateParticipant(&o.as_ref())) == Decision::Allow)
        .map(|o| (o.id.to_string(), o.name))
        .collect())
}

/// Every organisation, by name: what an ESF operation may cover (names of organisations are not
/// personal data).
pub async fn organisation_options(state: &AppState, ctx: &Ctx) -> Result<Options, super::layout::PageError> {
    let everything = policy::OrganisationScope {
        all: true,
        by_membership: false,
        by_region: false,
    };
    let mut conn = state.db.conn().await?;
    let all = onramp_store::organisations::list(&mut conn, everything, ctx.user.id, &Default::default()).await?;
    Ok(all.into_iter().map(|o| (o.id.to_string(), o.name)).collect())
}

/// The providers an agreement can be made with.
pub async fn provider_options(state: &AppState, ctx: &Ctx) -> Result<Options, super::layout::PageError> {
    let filter = onramp_store::organisations::Filter {
        kind: Some(OrganisationKind::Provider),
        ..Default::default()
    };
    let mut conn = state.db.conn().await?;
    // Provider names are not personal data; anyone who manages agreements may pick one.
    let everything = policy::OrganisationScope {
        all: true,
        by_membership: false,
        by_region: false,
    };
    let providers = onramp_store::organisations::list(&mut conn, everything, ctx.user.id, &filter).await?;
    Ok(providers.into_iter().map(|o| (o.id.to_string(), o.name)).collect())
}
