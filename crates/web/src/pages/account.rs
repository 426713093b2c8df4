//! The user's own account: name, language, password, API tokens.

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, render, see_other};
use crate::error::AppError;
use crate::identity::PageCtx;
use crate::service;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::identity::Language;
use onramp_store::tokens::ApiToken;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountTemplate {
    p: Page,
    email: String,
    languages: Vec<(String, String)>,
    preferences: Form,
    password: Form,
    token_form: Form,
    tokens: Vec<ApiToken>,
    /// A token just created: its secret is shown this once.
    new_secret: Option<String>,
    /// Coaches get the daily digest unless they switch it off.
    digest: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    notice: Option<String>,
}

struct Forms {
    preferences: Form,
    password: Form,
    token_form: Form,
    new_secret: Option<String>,
}

async fn page(state: &AppState, ctx: &crate::Ctx, forms: Forms, notice: Option<&str>) -> PageResult {
    let tokens = service::account::list_tokens(state, ctx).await?;
    let p = Page::new(ctx, "account-title", "account").with_notice(notice);
    let languages = Language::ALL
        .iter()
        .map(|l| (l.as_str().to_owned(), p.t(&format!("language-{l}"))))
        .collect();
    let status = if forms.preferences.has_errors() || forms.password.has_errors() || forms.token_form.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let template = AccountTemplate {
        email: ctx.user.email.clone(),
        languages,
        preferences: forms.preferences,
        password: forms.password,
        token_form: forms.token_form,
        tokens,
        new_secret: forms.new_secret,
        digest: if ctx.actor.role == onramp_domain::identity::Role::Coach {
            Some(crate::service::digest::enabled(state, ctx).await?)
        } else {
            None
        },
        p,
    };
    Ok((status, render(&template)).into_response())
}

fn default_forms(ctx: &crate::Ctx) -> Forms {
    Forms {
        preferences: Form::with_values(vec![
            ("display_name".into(), ctx.user.display_name.clone()),
            ("language".into(), ctx.user.language.as_str().into()),
        ]),
        password: Form::empty(),
        token_form: Form::empty(),
        new_secret: None,
    }
}

pub async fn show(State(state): State<AppState>, PageCtx(ctx): PageCtx, Query(q): Query<Notice>) -> PageResult {
    page(&state, &ctx, default_forms(&ctx), q.notice.as_deref()).await
}

pub async fn preferences(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    match service::account::set_preferences(&state, &ctx, data.get("display_name"), data.get("language")).await {
        Ok(()) => Ok(see_other("/account", "saved")),
        Err(AppError::Invalid(errors)) => {
            let forms = Forms {
                preferences: Form::failed(&data, &errors, ctx.language),
                ..default_forms(&ctx)
            };
            page(&state, &ctx, forms, None).await
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn password(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    let result = service::account::change_password(
        &state,
        &ctx,
        data.get("current_password"),
        data.get("new_password"),
        data.get("confirm_password"),
    )
    .await;
    match result {
        Ok(()) => Ok(see_other("/account", "password-changed")),
        Err(AppError::Invalid(errors)) => {
            let forms = Forms {
                password: Form::failed(&data, &errors, ctx.language),
                ..default_forms(&ctx)
            };
            page(&state, &ctx, forms, None).await
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn create_token(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    match service::account::create_token(&state, &ctx, data.get("name")).await {
        Ok((_, secret)) => {
            let forms = Forms {
                new_secret: Some(secret),
                ..default_forms(&ctx)
            };
            page(&state, &ctx, forms, Some("created")).await
        }
        Err(AppError::Invalid(errors)) => {
            let forms = Forms {
                token_form: Form::failed(&data, &errors, ctx.language),
                ..default_forms(&ctx)
            };
            page(&state, &ctx, forms, None).await
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn revoke_token(State(state): State<AppState>, PageCtx(ctx): PageCtx, Path(id): Path<String>) -> PageResult {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    service::account::revoke_token(&state, &ctx, id).await?;
    Ok(see_other("/account", "token-revoked"))
}

pub async fn digest(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    crate::service::digest::set(&state, &ctx, data.checked("digest")).await?;
    Ok(see_other("/account", "digest-saved"))
}
