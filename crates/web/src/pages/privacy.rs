//! Data protection (the data protection officer and administrators): finding the file a
//! request is about, and one file's page of rights: who consulted it, when and why, and the
//! ways to answer the person (docs/privacy.md).

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, path_id, render};
use crate::error::AppError;
use crate::identity::PageCtx;
use crate::service::privacy::{self as service, Consultation, Consultations, Search};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use onramp_store::participants::Named;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchParams {
    national_register: String,
    birth_date: String,
    name: String,
}

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyTemplate {
    p: Page,
    form: Form,
    searched: bool,
    found: Vec<Named>,
}

/// `/privacy`: find the file a request is about, by register number or by birth date and name.
pub async fn search(State(state): State<AppState>, PageCtx(ctx): PageCtx, Query(q): Query<SearchParams>) -> PageResult {
    let search = Search {
        national_register: q.national_register,
        birth_date: q.birth_date,
        name: q.name,
    };
    let data = FormData::new(vec![
        ("national_register".into(), search.national_register.clone()),
        ("birth_date".into(), search.birth_date.clone()),
        ("name".into(), search.name.clone()),
    ]);
    crate::service::require(&ctx.actor, onramp_domain::policy::Action::HandleDataRights)?;
    let (form, searched, found) = if search.is_empty() {
        (Form::empty(), false, Vec::new())
    } else {
        match service::find(&state, &ctx, &search).await {
            Ok(found) => (Form::with_values(data.pairs().to_vec()), true, found),
            Err(AppError::Invalid(errors)) => (Form::failed(&data, &errors, ctx.language), false, Vec::new()),
            Err(other) => return Err(other.into()),
        }
    };
    Ok(render(&PrivacyTemplate {
        p: Page::new(&ctx, "privacy-title", "privacy"),
        form,
        searched,
        found,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LogParams {
    before: Option<i64>,
}

#[derive(Template)]
#[template(path = "participant_privacy.html")]
struct ParticipantPrivacyTemplate {
    p: Page,
    log: Consultations,
}

impl ParticipantPrivacyTemplate {
    fn role(&self, role: &str) -> String {
        self.p.t(&format!("role-{role}"))
    }

    fn purpose(&self, purpose: &str) -> String {
        self.p.t(&format!("purpose-{purpose}"))
    }

    /// What kind of access an entry was: a read of the file, a list that showed the person, or a
    /// change.
    fn kind(&self, entry: &Consultation) -> String {
        let key = match (entry.in_list, entry.purpose.is_some()) {
            (true, _) => "privacy-kind-list",
            (false, true) => "privacy-kind-read",
            (false, false) => "privacy-kind-change",
        };
        self.p.t(key)
    }
}

/// `/participants/{id}/privacy`: who consulted the file, when and why, newest first.
pub async fn participant(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    Query(q): Query<LogParams>,
) -> PageResult {
    let log = service::consultations(&state, &ctx, path_id(&id)?, q.before).await?;
    Ok(render(&ParticipantPrivacyTemplate {
        p: Page::new(&ctx, "privacy-participant-title", "privacy"),
        log,
    }))
}

/// `/participants/{id}/access-export.zip`: everything held about the person (docs/access-export.md).
pub async fn access_export(State(state): State<AppState>, PageCtx(ctx): PageCtx, Path(id): Path<String>) -> PageResult {
    let (filename, bytes) = crate::service::access_export::export(&state, &ctx, path_id(&id)?).await?;
    Ok(crate::download::download(bytes, "application/zip", &filename))
}
