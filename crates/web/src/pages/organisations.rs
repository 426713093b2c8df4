//! Organisations and their locations.

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, path_id, render, see_other};
use crate::error::AppError;
use crate::identity::{Ctx, PageCtx};
use crate::service;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::organisations::{LocationInput, OrganisationInput, OrganisationKind};
use onramp_domain::policy::{self, Action, Decision};
use onramp_store::locations::Location;
use onramp_store::organisations::Organisation;
use onramp_store::regions::Region;
use serde::Deserialize;
use uuid::Uuid;

/// (value, label) pairs for a select.
type Options = Vec<(String, String)>;

fn kind_options(p: &Page) -> Options {
    OrganisationKind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), p.t(&format!("kind-{k}"))))
        .collect()
}

fn region_options(regions: &[Region]) -> Options {
    regions.iter().map(|r| (r.id.to_string(), r.name.clone())).collect()
}

/// Region names are not personal data: every role that sees organisations may pick from them.
async fn all_regions(state: &AppState) -> Result<Vec<Region>, AppError> {
    let mut conn = state.db.conn().await?;
    Ok(onramp_store::regions::list(&mut conn).await?)
}

#[derive(Template)]
#[template(path = "organisations.html")]
struct ListTemplate {
    p: Page,
    organisations: Vec<Organisation>,
    filter: Form,
    kinds: Options,
    regions: Options,
    can_create: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: Option<String>,
    kind: Option<String>,
    region_id: Option<String>,
}

pub async fn list(State(state): State<AppState>, PageCtx(ctx): PageCtx, Query(query): Query<ListQuery>) -> PageResult {
    let filter = crate::requests::lists::organisation_filter(
        query.q.as_deref(),
        query.kind.as_deref(),
        query.region_id.as_deref(),
    )?;
    let organisations = service::organisations::list(&state, &ctx, &filter).await?;
    let regions = all_regions(&state).await?;
    let p = Page::new(&ctx, "organisations-title", "organisations");
    let template = ListTemplate {
        kinds: kind_options(&p),
        regions: region_options(&regions),
        filter: Form::with_values(vec![
            ("q".into(), query.q.unwrap_or_default()),
            ("kind".into(), query.kind.unwrap_or_default()),
            ("region_id".into(), query.region_id.unwrap_or_default()),
        ]),
        can_create: policy::decide(&ctx.actor, Action::CreateOrganisation) == Decision::Allow,
        organisations,
        p,
    };
    Ok(render(&template))
}

#[derive(Template)]
#[template(path = "organisation_form.html")]
struct FormTemplate {
    p: Page,
    form: Form,
    kinds: Options,
    regions: Options,
    /// `None` for a new organisation.
    id: Option<Uuid>,
}

async fn form_page(state: &AppState, ctx: &Ctx, form: Form, id: Option<Uuid>) -> PageResult {
    let regions = all_regions(state).await?;
    let title = if id.is_some() {
        "organisation-edit-title"
    } else {
        "organisation-new-title"
    };
    let p = Page::new(ctx, title, "organisations");
    let status = if form.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let template = FormTemplate {
        kinds: kind_options(&p),
        regions: region_options(&regions),
        form,
        id,
        p,
    };
    Ok((status, render(&template)).into_response())
}

pub async fn new(State(state): State<AppState>, PageCtx(ctx): PageCtx) -> PageResult {
    service::require(&ctx.actor, Action::CreateOrganisation)?;
    form_page(&state, &ctx, Form::empty(), None).await
}

pub async fn create(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    service::require(&ctx.actor, Action::CreateOrganisation)?;
    let parsed = OrganisationInput::parse(data.get("name"), data.get("kind"), data.get("region_id"));
    let result = match parsed {
        Ok(input) => service::organisations::create(&state, &ctx, input).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(organisation) => Ok(see_other(&format!("/organisations/{}", organisation.id), "created")),
        Err(AppError::Invalid(errors)) => {
            form_page(&state, &ctx, Form::failed(&data, &errors, ctx.language), None).await
        }
        Err(error) => Err(error.into()),
    }
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct ShowTemplate {
    p: Page,
    organisation: Organisation,
    locations: Vec<Location>,
    location_form: Form,
    can_edit: bool,
    contacts: Vec<onramp_store::agreements::Contact>,
    agreements: Vec<crate::service::agreements::AgreementDetail>,
    can_manage_agreements: bool,
    contact_form: Form,
    agreement_form: Form,
    providers: Options,
    /// The actor may see the coach hours used here.
    menu_hours: bool,
}

/// Forms of the organisation page that may come back with errors.
#[derive(Default)]
struct ShowForms {
    location: Form,
    contact: Form,
    agreement: Option<Form>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    notice: Option<String>,
}

async fn show_page(state: &AppState, ctx: &Ctx, id: Uuid, forms: ShowForms, notice: Option<&str>) -> PageResult {
    let (organisation, locations) = service::organisations::get(state, ctx, id).await?;
    let can_edit = policy::decide(&ctx.actor, Action::EditOrganisation(&organisation.as_ref())) == Decision::Allow;
    let can_manage_agreements =
        policy::decide(&ctx.actor, Action::ManageAgreements(&organisation.as_ref())) == Decision::Allow;
    let contacts = crate::service::agreements::contacts(state, ctx, id).await?;
    let agreements = crate::service::agreements::list(state, ctx, id).await?;
    let providers = if can_manage_agreements {
        super::options::provider_options(state, ctx).await?
    } else {
        Vec::new()
    };
    let mut p = Page::new(ctx, "organisation-title", "organisations").with_notice(notice);
    p.title = organisation.name.clone();
    let failed = forms.location.has_errors()
        || forms.contact.has_errors()
        || forms.agreement.as_ref().is_some_and(Form::has_errors);
    let status = if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let agreement_form = forms.agreement.unwrap_or_else(super::agreements::new_form);
    let organisation_ref = organisation.as_ref();
    let template = ShowTemplate {
        p,
        organisation,
        locations,
        location_form: forms.location,
        can_edit,
        contacts,
        agreements,
        can_manage_agreements,
        contact_form: forms.contact,
        agreement_form,
        providers,
        menu_hours: onramp_domain::policy::decide(
            &ctx.actor,
            onramp_domain::policy::Action::ViewHours(&organisation_ref),
        ) == onramp_domain::policy::Decision::Allow,
    };
    Ok((status, render(&template)).into_response())
}

pub async fn add_contact(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let parsed = onramp_domain::agreements::ContactInput::parse(
        data.get("name"),
        data.get("role"),
        data.get("email"),
        data.get("phone"),
    );
    let result = match parsed {
        Ok(input) => crate::service::agreements::add_contact(&state, &ctx, id, input)
            .await
            .map(|_| ()),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/organisations/{id}"), "created")),
        Err(AppError::Invalid(errors)) => {
            let forms = ShowForms {
                contact: Form::failed(&data, &errors, ctx.language),
                ..Default::default()
            };
            show_page(&state, &ctx, id, forms, None).await
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn remove_contact(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path((id, contact)): Path<(String, String)>,
) -> PageResult {
    let id = path_id(&id)?;
    let contact = path_id(&contact)?;
    crate::service::agreements::remove_contact(&state, &ctx, id, contact).await?;
    Ok(see_other(&format!("/organisations/{id}"), "saved"))
}

pub async fn add_agreement(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let result = match onramp_domain::agreements::AgreementInput::parse(&super::agreements::fields(&data)) {
        Ok(input) => crate::service::agreements::create(&state, &ctx, id, input).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(agreement) => Ok(see_other(&format!("/agreements/{}", agreement.id), "created")),
        Err(AppError::Invalid(errors)) => {
            let forms = ShowForms {
                agreement: Some(Form::failed(&data, &errors, ctx.language)),
                ..Default::default()
            };
            show_page(&state, &ctx, id, forms, None).await
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn show(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    Query(q): Query<Notice>,
) -> PageResult {
    let id = path_id(&id)?;
    show_page(&state, &ctx, id, ShowForms::default(), q.notice.as_deref()).await
}

pub async fn edit(State(state): State<AppState>, PageCtx(ctx): PageCtx, Path(id): Path<String>) -> PageResult {
    let id = path_id(&id)?;
    let (organisation, _) = service::organisations::get(&state, &ctx, id).await?;
    service::require(&ctx.actor, Action::EditOrganisation(&organisation.as_ref()))?;
    let form = Form::with_values(vec![
        ("name".into(), organisation.name.clone()),
        ("kind".into(), organisation.kind.as_str().into()),
        (
            "region_id".into(),
            organisation.region_id.map(|r| r.to_string()).unwrap_or_default(),
        ),
    ]);
    form_page(&state, &ctx, form, Some(id)).await
}

pub async fn update(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let parsed = OrganisationInput::parse(data.get("name"), data.get("kind"), data.get("region_id"));
    let result = match parsed {
        Ok(input) => service::organisations::update(&state, &ctx, id, input).await,
        Err(errors) => {
            // Check access before showing the form again, so a stranger learns nothing.
            service::organisations::get(&state, &ctx, id).await?;
            Err(AppError::Invalid(errors))
        }
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/organisations/{id}"), "saved")),
        Err(AppError::Invalid(errors)) => {
            form_page(&state, &ctx, Form::failed(&data, &errors, ctx.language), Some(id)).await
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn add_location(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let parsed = LocationInput::parse(
        data.get("name"),
        data.get("address"),
        data.get("postcode"),
        data.get("city"),
    );
    let result = match parsed {
        Ok(input) => service::organisations::add_location(&state, &ctx, id, input).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/organisations/{id}"), "created")),
        Err(AppError::Invalid(errors)) => {
            show_page(
                &state,
                &ctx,
                id,
                ShowForms {
                    location: Form::failed(&data, &errors, ctx.language),
                    ..Default::default()
                },
                None,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}
