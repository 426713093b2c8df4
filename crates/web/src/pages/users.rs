//! User accounts (administrators).

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, path_id, render, see_other};
use crate::error::AppError;
use crate::identity::{Ctx, PageCtx};
use crate::service::users::{self as service_users, UserFields};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::identity::{Language, Role};
use onramp_domain::policy::Action;
use onramp_store::organisations::Filter as OrganisationFilter;
use onramp_store::users::ListedUser;
use serde::Deserialize;
use uuid::Uuid;

type Options = Vec<(String, String)>;

const PAGE_SIZE: i64 = 50;

#[derive(Template)]
#[template(path = "users.html")]
struct ListTemplate {
    p: Page,
    users: Vec<ListedUser>,
    filter: Form,
    roles: Options,
    next: Option<String>,
}

impl ListTemplate {
    fn role_label(&self, role: &str) -> String {
        self.p.t(&format!("role-{role}"))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: Option<String>,
    role: Option<String>,
    after: Option<String>,
}

fn role_options(p: &Page) -> Options {
    Role::STAFF
        .iter()
        .map(|r| (r.as_str().to_owned(), p.t(&format!("role-{r}"))))
        .collect()
}

pub async fn list(State(state): State<AppState>, PageCtx(ctx): PageCtx, Query(query): Query<ListQuery>) -> PageResult {
    let filter =
        crate::requests::lists::user_filter(query.q.as_deref(), query.role.as_deref(), None, query.after.as_deref())?;
    let mut users = service_users::list(&state, &ctx, &filter, PAGE_SIZE + 1).await?;
    let next = crate::service::keep_page(&mut users, PAGE_SIZE).map(|u| {
        let params = [
            ("q", query.q.clone().unwrap_or_default()),
            ("role", query.role.clone().unwrap_or_default()),
            ("after", crate::requests::lists::user_cursor(u)),
        ];
        serde_urlencoded::to_string(params).unwrap_or_default()
    });
    let p = Page::new(&ctx, "users-title", "users");
    let template = ListTemplate {
        roles: role_options(&p),
        filter: Form::with_values(vec![
            ("q".into(), query.q.unwrap_or_default()),
            ("role".into(), query.role.unwrap_or_default()),
        ]),
        users,
        next,
        p,
    };
    Ok(render(&template))
}

#[derive(Template)]
#[template(path = "user_form.html")]
struct FormTemplate {
    p: Page,
    form: Form,
    password_form: Form,
    roles: Options,
    languages: Options,
    organisations: Options,
    regions: Options,
    /// `None` for a new account.
    id: Option<Uuid>,
    /// The single sign-on providers: short name, name, and whether the account is bound there.
    sign_ons: Vec<(String, String, bool)>,
    /// Whether the account has two-factor sign-in on (an administrator may reset it).
    two_factor: bool,
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    form: Form,
    password_form: Form,
    id: Option<Uuid>,
    notice: Option<&str>,
) -> PageResult {
    let organisations = crate::service::organisations::list(state, ctx, &OrganisationFilter::default())
        .await?
        .into_iter()
        .map(|o| (o.id.to_string(), o.name))
        .collect();
    let regions = crate::service::regions::list(state, ctx)
        .await?
        .into_iter()
        .map(|r| (r.id.to_string(), r.name))
        .collect();
    let title = if id.is_some() {
        "user-edit-title"
    } else {
        "user-new-title"
    };
    let p = Page::new(ctx, title, "users").with_notice(notice);
    let failed = form.has_errors() || password_form.has_errors();
    let status = if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let two_factor = match id {
        Some(id) => crate::service::two_factor::is_enrolled(state, id).await?,
        None => false,
    };
    let sign_ons = match id {
        Some(id) => crate::service::sso::bindings(state, ctx, id).await?,
        None => Vec::new(),
    };
    let template = FormTemplate {
        two_factor,
        sign_ons,
        roles: role_options(&p),
        languages: Language::ALL
            .iter()
            .map(|l| (l.as_str().to_owned(), p.t(&format!("language-{l}"))))
            .collect(),
        organisations,
        regions,
        form,
        password_form,
        id,
        p,
    };
    Ok((status, render(&template)).into_response())
}

fn fields(data: &FormData) -> UserFields {
    UserFields {
        email: data.get("email").to_owned(),
        display_name: data.get("display_name").to_owned(),
        role: data.get("role").to_owned(),
        language: data.get("language").to_owned(),
        active: data.checked("active"),
        organisations: data.all("organisations"),
        regions: data.all("regions"),
    }
}

pub async fn new(State(state): State<AppState>, PageCtx(ctx): PageCtx) -> PageResult {
    crate::service::require(&ctx.actor, Action::ManageUsers)?;
    let form = Form::with_values(vec![("active".into(), "on".into()), ("language".into(), "nl".into())]);
    form_page(&state, &ctx, form, Form::empty(), None, None).await
}

pub async fn create(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    crate::service::require(&ctx.actor, Action::ManageUsers)?;
    let result = match service_users::parse(&fields(&data)) {
        Ok(input) => service_users::create(&state, &ctx, input, data.get("password")).await,
        Err(mut errors) => {
            if let Err(code) = onramp_domain::identity::NewPassword::parse(data.get("password")) {
                errors.add("password", code);
            }
            Err(AppError::Invalid(errors))
        }
    };
    match result {
        Ok(user) => Ok(see_other(&format!("/users/{}", user.id), "created")),
        Err(AppError::Invalid(errors)) => {
            form_page(
                &state,
                &ctx,
                Form::failed(&data, &errors, ctx.language),
                Form::empty(),
                None,
                None,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    notice: Option<String>,
}

/// The form values showing an account as it is.
fn user_values(user: &onramp_store::users::User) -> Vec<(String, String)> {
    let mut values = vec![
        ("email".to_owned(), user.email.clone()),
        ("display_name".to_owned(), user.display_name.clone()),
        ("role".to_owned(), user.role.as_str().to_owned()),
        ("language".to_owned(), user.language.as_str().to_owned()),
    ];
    if user.active {
        values.push(("active".into(), "on".into()));
    }
    values.extend(
        user.organisations
            .iter()
            .map(|o| ("organisations".to_owned(), o.to_string())),
    );
    values.extend(user.regions.iter().map(|r| ("regions".to_owned(), r.to_string())));
    values
}

pub async fn edit(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    Query(q): Query<Notice>,
) -> PageResult {
    let id = path_id(&id)?;
    let user = service_users::get(&state, &ctx, id).await?;
    let form = Form::with_values(user_values(&user));
    form_page(&state, &ctx, form, Form::empty(), Some(id), q.notice.as_deref()).await
}

pub async fn update(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let result = match service_users::parse(&fields(&data)) {
        Ok(input) => service_users::update(&state, &ctx, id, input).await,
        Err(errors) => {
            service_users::get(&state, &ctx, id).await?;
            Err(AppError::Invalid(errors))
        }
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/users/{id}"), "saved")),
        Err(AppError::Invalid(errors)) => {
            form_page(
                &state,
                &ctx,
                Form::failed(&data, &errors, ctx.language),
                Form::empty(),
                Some(id),
                None,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn reset_password(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    match service_users::reset_password(&state, &ctx, id, data.get("password")).await {
        Ok(()) => Ok(see_other(&format!("/users/{id}"), "password-changed")),
        Err(AppError::Invalid(errors)) => {
            let user = service_users::get(&state, &ctx, id).await?;
            let form = Form::with_values(user_values(&user));
            form_page(
                &state,
                &ctx,
                form,
                Form::failed(&data, &errors, ctx.language),
                Some(id),
                None,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

/// Turns the account's second factor off (a lost phone): audited.
pub async fn reset_two_factor(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_id(&id)?;
    crate::service::two_factor::reset(&state, &ctx, id).await?;
    Ok(see_other(&format!("/users/{id}"), "two-factor-reset"))
}
