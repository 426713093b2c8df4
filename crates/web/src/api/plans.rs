//! The plans of a trajectory: the action plan, the recovery plan (WRAP) and the personal canvas,
//! versioned, shared with the care team, commented, compared, and printed as PDF.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::requests::plans::{parse_kind, parse_version};
use crate::service::canvas_steps::{StepFromItemFields, step_from_canvas_item};
use crate::service::plans::{self as service, DocumentFields, Reach, SaveFields};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use onramp_domain::plans::{ActionPlanFields, CanvasItemFields, GoalFields, PlanKind, StepFields};
use onramp_store::plans::{Audience, Comment, VersionInfo};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct StepBody {
    /// Keep the id of an existing step; leave it out for a new one.
    pub id: String,
    pub description: String,
    /// participant, coach, care_partner or employer
    pub owner: String,
    /// YYYY-MM-DD (optional)
    pub due_on: Option<String>,
    /// planned (when left out), in_progress, done or dropped
    pub status: String,
    /// reasonable_adjustment, learning_opportunity, growth_job, job_crafting
    pub levers: Vec<String>,
    /// The canvas item the step was made from (kept as it is).
    pub canvas_item: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct GoalBody {
    /// Keep the id of an existing goal; leave it out for a new one.
    pub id: String,
    pub title: String,
    pub steps: Vec<StepBody>,
}

#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct CanvasItemBody {
    /// Keep the id of an existing item (its link to a step stays); leave it out for a new one.
    pub id: String,
    /// who_i_help, how_i_help, channels, interaction, what_i_get, who_i_am, what_i_do,
    /// who_helps_me, what_i_give
    pub block: String,
    pub text: String,
    /// The action-plan step made from this item (in answers only; set by making a step).
    #[serde(skip_deserializing)]
    pub step: Option<String>,
}

/// A new version of a plan. Send the whole document: `goals` for the action plan, `sections` for
/// the recovery plan, `items` for the canvas.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PlanBody {
    /// The version you started from (0 for a plan not yet written). When someone else saved in
    /// between, the save is refused (409) with `base_version`: `plan-changed`.
    pub base_version: Option<i64>,
    pub goals: Vec<GoalBody>,
    /// WRAP section → text (one thing per line): wellness_toolbox, when_well, every_day,
    /// reminders, triggers, trigger_plan, early_warning_signs, early_warning_plan, breaking_down,
    /// breaking_down_plan, crisis_supporters, crisis_not_involved, crisis_helps, post_crisis.
    pub sections: BTreeMap<String, String>,
    pub items: Vec<CanvasItemBody>,
    /// What changed, or what the review decided.
    pub note: Option<String>,
    /// The case and team consultation at which the plan was reviewed; the participant must have
    /// been discussed there.
    pub consultation_id: Option<String>,
    /// The group session the plan was drawn up in (the recovery plan's module 3); the participant
    /// must have taken part (enrolled, not marked absent or excused, and the session begun).
    pub group_session_id: Option<String>,
    /// Share this version with the care team (who read it only with the participant's consent).
    pub shared: bool,
    /// Share this version with the participant, who reads it in the portal (and may comment, tick
    /// off their own steps and propose steps there).
    pub shared_with_participant: bool,
}

impl PlanBody {
    fn document(self, kind: PlanKind) -> DocumentFields {
        match kind {
            PlanKind::Action => DocumentFields::Action(ActionPlanFields {
                goals: self.goals.into_iter().map(goal_fields).collect(),
            }),
            PlanKind::Recovery => DocumentFields::Recovery(self.sections),
            PlanKind::Canvas => DocumentFields::Canvas(
                self.items
                    .into_iter()
                    .map(|i| CanvasItemFields {
                        id: i.id,
                        block: i.block,
                        text: i.text,
                    })
                    .collect(),
            ),
        }
    }
}

fn goal_fields(goal: GoalBody) -> GoalFields {
    GoalFields {
        id: goal.id,
        title: goal.title,
        steps: goal
            .steps
            .into_iter()
            .map(|s| StepFields {
                id: s.id,
                description: s.description,
                owner: s.owner,
                due_on: s.due_on.unwrap_or_default(),
                status: s.status,
                levers: s.levers,
                canvas_item: s.canvas_item.unwrap_or_default(),
            })
            .collect(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionView {
    pub version: i32,
    pub shared: bool,
    pub shared_with_participant: bool,
    pub consultation_id: Option<Uuid>,
    pub consultation_on: Option<NaiveDate>,
    pub group_session_id: Option<Uuid>,
    pub group_session_title: Option<String>,
    pub group_session_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<VersionInfo> for VersionView {
    fn from(v: VersionInfo) -> Self {
        VersionView {
            version: v.version,
            shared: v.shared,
            shared_with_participant: v.shared_with_participant,
            consultation_id: v.consultation_id,
            consultation_on: v.consultation_on,
            group_session_id: v.group_session_id,
            group_session_title: v.group_session_title,
            group_session_on: v.group_session_on,
            note: v.note,
            created_by_name: v.created_by_name,
            created_at: v.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentView {
    pub id: Uuid,
    /// The version the comment was written on.
    pub version: i32,
    pub author_name: String,
    pub body: String,
    /// The participant reads it in the portal (their own comments, and answers written for them).
    pub with_participant: bool,
    pub created_at: DateTime<Utc>,
}

impl From<Comment> for CommentView {
    fn from(c: Comment) -> Self {
        CommentView {
            id: c.id,
            version: c.version,
            author_name: c.author_name,
            body: c.body,
            with_participant: c.with_participant,
            created_at: c.created_at,
        }
    }
}

/// The document itself: `goals` (action plan), `sections` (recovery plan) or `items` (canvas).
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanContentView {
    /// action, recovery or canvas
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goals: Option<Vec<GoalBody>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sections: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<CanvasItemBody>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    pub trajectory_id: Uuid,
    pub participant_id: Uuid,
    /// action, recovery or canvas
    pub kind: String,
    /// `full` (every version) or `shared` (the care team: the latest shared version only).
    pub reach: String,
    /// The latest version (0 when nothing is written yet); send it back as `base_version`.
    pub latest_version: i32,
    pub shared_version: Option<i32>,
    /// The latest version the participant reads in the portal (absent for the care team).
    pub participant_version: Option<i32>,
    /// The version shown (absent while nothing is written or shared).
    pub version: Option<VersionView>,
    #[schema(value_type = PlanContentView)]
    pub content: serde_json::Value,
    pub comments: Vec<CommentView>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct VersionQuery {
    /// A version number; the latest (for the care team: the latest shared) when left out.
    pub version: Option<i32>,
}

/// A plan of a trajectory, at its latest or a given version. The care team gets only the latest
/// version shared with them, and only with the participant's consent; otherwise 404. Audited.
#[utoipa::path(get, path = "/api/v1/trajectories/{id}/plans/{kind}", tag = "plans",
    params(("id" = Uuid, Path), ("kind" = String, Path, description = "action, recovery or canvas"), VersionQuery),
    responses(
        (status = 200, body = PlanView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, kind)): ApiPath<(Uuid, String)>,
    ApiQuery(query): ApiQuery<VersionQuery>,
) -> Result<Json<PlanView>, AppError> {
    let kind = parse_kind(&kind)?;
    let view = service::open(&state, &ctx, id, kind, query.version).await?;
    Ok(Json(PlanView {
        trajectory_id: view.trajectory.id,
        participant_id: view.trajectory.participant_id,
        kind: kind.as_str().to_owned(),
        reach: match view.reach {
            Reach::Full => "full",
            Reach::Shared => "shared",
        }
        .to_owned(),
        latest_version: match view.reach {
            Reach::Full => view.plan.as_ref().map(|p| p.version).unwrap_or(0),
            Reach::Shared => view.version.as_ref().map(|v| v.version).unwrap_or(0),
        },
        shared_version: view.plan.as_ref().and_then(|p| p.shared_version),
        participant_version: view
            .plan
            .as_ref()
            .filter(|_| view.reach == Reach::Full)
            .and_then(|p| p.participant_version),
        content: serde_json::to_value(&view.content).expect("a plan serialises"),
        version: view.version.map(VersionView::from),
        comments: view.comments.into_iter().map(CommentView::from).collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Saved {
    pub version: i32,
}

/// Saves a new version of a plan (the coaches who follow the participant and administrators).
/// Every bad field is named by its place (`goals[0].steps[1].due_on`), nothing is written unless
/// all of it is valid, and a save on top of an older version than the latest is refused.
#[utoipa::path(put, path = "/api/v1/trajectories/{id}/plans/{kind}", tag = "plans", request_body = PlanBody,
    params(("id" = Uuid, Path), ("kind" = String, Path, description = "action, recovery or canvas")),
    responses(
        (status = 200, body = Saved),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Someone saved the plan since `base_version`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, kind)): ApiPath<(Uuid, String)>,
    ApiJson(body): ApiJson<PlanBody>,
) -> Result<Json<Saved>, AppError> {
    let kind = parse_kind(&kind)?;
    let fields = SaveFields {
        base_version: body.base_version.map(|v| v.to_string()).unwrap_or_default(),
        note: body.note.clone().unwrap_or_default(),
        consultation_id: body.consultation_id.clone().unwrap_or_default(),
        group_session_id: body.group_session_id.clone().unwrap_or_default(),
        shared: body.shared,
        shared_with_participant: body.shared_with_participant,
    };
    let version = service::save(&state, &ctx, id, &body.document(kind), &fields).await?;
    Ok(Json(Saved { version }))
}

/// Every version of a plan, newest first, with who wrote it and when (not for the care team).
#[utoipa::path(get, path = "/api/v1/trajectories/{id}/plans/{kind}/versions", tag = "plans",
    params(("id" = Uuid, Path), ("kind" = String, Path)),
    responses(
        (status = 200, body = [VersionView]),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn versions(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, kind)): ApiPath<(Uuid, String)>,
) -> Result<Json<Vec<VersionView>>, AppError> {
    let kind = parse_kind(&kind)?;
    let history = service::history(&state, &ctx, id, kind).await?;
    Ok(Json(history.versions.into_iter().map(VersionView::from).collect()))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct CompareQuery {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldChangeView {
    pub field: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DifferenceView {
    /// added, removed or changed
    pub change: String,
    /// goal, step, section or item
    pub what: String,
    pub label: String,
    pub fields: Vec<FieldChangeView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ComparisonView {
    pub from: VersionView,
    pub to: VersionView,
    pub differences: Vec<DifferenceView>,
}

/// What changed between two versions, item by item.
#[utoipa::path(get, path = "/api/v1/trajectories/{id}/plans/{kind}/compare", tag = "plans",
    params(("id" = Uuid, Path), ("kind" = String, Path), CompareQuery),
    responses(
        (status = 200, body = ComparisonView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn compare(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, kind)): ApiPath<(Uuid, String)>,
    ApiQuery(query): ApiQuery<CompareQuery>,
) -> Result<Json<ComparisonView>, AppError> {
    let kind = parse_kind(&kind)?;
    let mut errors = onramp_domain::FieldErrors::new();
    let from = parse_version(&mut errors, "from", &query.from);
    let to = parse_version(&mut errors, "to", &query.to);
    let (Some(from), Some(to)) = (from, to) else {
        return Err(AppError::Invalid(errors));
    };
    let comparison = service::compare_versions(&state, &ctx, id, kind, from, to).await?;
    Ok(Json(ComparisonView {
        from: comparison.before.into(),
        to: comparison.after.into(),
        differences: comparison
            .differences
            .into_iter()
            .map(|d| DifferenceView {
                change: d.change.as_str().to_owned(),
                what: d.what.to_owned(),
                label: d.label,
                fields: d
                    .fields
                    .into_iter()
                    .map(|f| FieldChangeView {
                        field: f.field.to_owned(),
                        before: f.before,
                        after: f.after,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct UnshareQuery {
    /// `care_team` (when left out) or `participant`.
    pub with: Option<String>,
}

/// Who `with` names.
pub const UNSHARE_WITH: &[&str] = &["care_team", "participant"];

/// Stops sharing the plan with the care team (or, with `with=participant`, with the participant's
/// portal): they read nothing of it until a version is saved as shared with them again (coaches
/// who write the plan). Audited.
#[utoipa::path(post, path = "/api/v1/trajectories/{id}/plans/{kind}/unshare", tag = "plans",
    params(("id" = Uuid, Path), ("kind" = String, Path), UnshareQuery),
    responses(
        (status = 204, description = "No longer shared"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn unshare(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, kind)): ApiPath<(Uuid, String)>,
    ApiQuery(query): ApiQuery<UnshareQuery>,
) -> Result<StatusCode, AppError> {
    let kind = parse_kind(&kind)?;
    let audience = match query.with.as_deref() {
        None | Some("care_team") => Audience::CareTeam,
        Some("participant") => Audience::Participant,
        Some(_) => return Err(AppError::invalid("with", "invalid-choice")),
    };
    service::unshare(&state, &ctx, id, kind, audience).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CommentBody {
    pub body: String,
    /// Let the participant read it in the portal (coaches who write the plan; their answer to the
    /// participant's comment or proposal).
    pub for_participant: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

/// Comments on a plan: the care team on the version shared with them, coaches on the latest.
#[utoipa::path(post, path = "/api/v1/trajectories/{id}/plans/{kind}/comments", tag = "plans",
    request_body = CommentBody, params(("id" = Uuid, Path), ("kind" = String, Path)),
    responses(
        (status = 201, body = Created),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, kind)): ApiPath<(Uuid, String)>,
    ApiJson(body): ApiJson<CommentBody>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let kind = parse_kind(&kind)?;
    let comment = service::comment(&state, &ctx, id, kind, &body.body, body.for_participant).await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            id: comment.to_string(),
        }),
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct StepFromItemBody {
    /// An existing goal of the action plan; leave it out to start a new goal named `goal_title`.
    pub goal_id: String,
    pub goal_title: String,
    /// participant, coach, care_partner or employer
    pub owner: String,
    /// YYYY-MM-DD (optional)
    pub due_on: String,
}

/// Turns a canvas item into an action-plan step. The step keeps the item's id and the item the
/// step's, and both documents get a new version in one transaction.
#[utoipa::path(post, path = "/api/v1/trajectories/{id}/plans/canvas/items/{item}/step", tag = "plans",
    request_body = StepFromItemBody, params(("id" = Uuid, Path), ("item" = String, Path)),
    responses(
        (status = 201, body = Created, description = "The new step's id"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn step_from_item(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, item)): ApiPath<(Uuid, String)>,
    ApiJson(body): ApiJson<StepFromItemBody>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let fields = StepFromItemFields {
        goal_id: body.goal_id,
        goal_title: body.goal_title,
        owner: body.owner,
        due_on: body.due_on,
    };
    let step = step_from_canvas_item(&state, &ctx, id, &item, &fields).await?;
    Ok((StatusCode::CREATED, Json(Created { id: step })))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PdfQuery {
    /// participant (default) or physician (the occupational or advisory physician)
    pub audience: String,
    /// nl, fr or en; the participant's language when left out
    pub lang: String,
    pub version: Option<i32>,
}

/// The plan as a PDF, in the participant's language (or `lang`), for the participant or for the
/// occupational or advisory physician. Audited like any read.
#[utoipa::path(get, path = "/api/v1/trajectories/{id}/plans/{kind}/pdf", tag = "plans",
    params(("id" = Uuid, Path), ("kind" = String, Path), PdfQuery),
    responses(
        (status = 200, description = "The PDF (tagged, A4)", content_type = "application/pdf"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, kind)): ApiPath<(Uuid, String)>,
    ApiQuery(query): ApiQuery<PdfQuery>,
) -> Result<Response, AppError> {
    let kind = parse_kind(&kind)?;
    crate::service::documents::plan_pdf(&state, &ctx, id, kind, &query.audience, &query.lang, query.version).await
}
