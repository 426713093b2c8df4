//! The reference table of postcodes and their degree of urbanisation (administrators).

use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service::postcodes as service;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use onramp_store::esf::PostcodeTable;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct UnknownPostcode {
    pub postcode: String,
    /// Participants with this postcode, whose rural area (EECO17) stays unknown.
    pub participants: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PostcodeTableView {
    /// Postcodes the table lists.
    pub postcodes: i64,
    /// Participants' postcodes the table does not list, most frequent first (at most 100).
    pub unknown: Vec<UnknownPostcode>,
}

impl From<PostcodeTable> for PostcodeTableView {
    fn from(t: PostcodeTable) -> Self {
        PostcodeTableView {
            postcodes: t.postcodes,
            unknown: t
                .unknown
                .into_iter()
                .map(|(postcode, participants)| UnknownPostcode { postcode, participants })
                .collect(),
        }
    }
}

/// The reference table in use: how many postcodes it lists, and the participants' postcodes it
/// lacks.
#[utoipa::path(get, path = "/api/v1/reference/postcodes", tag = "esf",
    responses(
        (status = 200, body = PostcodeTableView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<Json<PostcodeTableView>, AppError> {
    Ok(Json(service::table(&state, &ctx).await?.into()))
}

/// Replaces the whole table with a CSV file (UTF-8; columns `postcode`, `municipality` and
/// `degurba`: 1 cities, 2 towns and suburbs, 3 rural areas; separated by `,` or `;`; at most
/// 5 000 rows). Every row is checked first: a bad one changes nothing (422, each error named
/// `rows.N.column`, or `columns.NAME` for a missing column). The ESF+ indicators of every
/// operation are counted anew in the same transaction.
#[utoipa::path(put, path = "/api/v1/reference/postcodes", tag = "esf",
    request_body(content = String, description = "postcode,municipality,degurba", content_type = "text/csv"),
    responses(
        (status = 200, body = PostcodeTableView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad rows or columns (nothing changed)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn replace(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> Result<Json<PostcodeTableView>, AppError> {
    Ok(Json(service::replace(&state, &ctx, &body).await?.into()))
}
