//! The participant's plans in the portal (docs/portal.md): the list, one plan as shared with them,
//! and its three small forms (a comment, "I did this" on their own steps, a step they propose).

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, path_id, render, see_other};
use super::options::Options;
use crate::error::AppError;
use crate::identity::{Ctx, PortalCtx};
use crate::requests::plans::parse_kind;
use crate::service::portal_plans::{self as service, OwnPlan, OwnPlanLine, Proposal};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::plans::{CanvasBlock, PlanContent, PlanKind, StepOwner, WrapSection};
use serde::Deserialize;

use crate::state::AppState;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "portal_plans.html")]
struct ListTemplate {
    p: Page,
    plans: Vec<OwnPlanLine>,
}

/// `/portal/plans`: the plans the coach shared with the person.
pub async fn list(State(state): State<AppState>, PortalCtx(ctx): PortalCtx) -> PageResult {
    let plans = service::list(&state, &ctx).await?;
    Ok(render(&ListTemplate {
        p: Page::new(&ctx, "portal-plans-title", "portal-plans"),
        plans,
    }))
}

/// A step as the portal shows it.
struct StepLine {
    id: String,
    description: String,
    owner: String,
    due_on: Option<String>,
    status: String,
    /// The person's own step, still to do, on a version they may change: "I did this".
    can_tick: bool,
}

struct GoalLines {
    title: String,
    steps: Vec<StepLine>,
}

/// A recovery-plan section or a canvas block with its lines.
struct TextBlock {
    title: String,
    lines: Vec<String>,
}

#[derive(Template)]
#[template(path = "portal_plan.html")]
struct PlanTemplate {
    p: Page,
    plan: OwnPlan,
    kind: String,
    goals: Vec<GoalLines>,
    blocks: Vec<TextBlock>,
    goal_options: Options,
    comment_form: Form,
    propose_form: Form,
    /// A change came too late: the coach saved a newer version in between.
    changed: bool,
}

fn goals_of(p: &Page, plan: &OwnPlan) -> Vec<GoalLines> {
    let PlanContent::Action(content) = &plan.content else {
        return Vec::new();
    };
    content
        .goals
        .iter()
        .map(|g| GoalLines {
            title: g.title.clone(),
            steps: g
                .steps
                .iter()
                .map(|s| StepLine {
                    id: s.id.clone(),
                    description: s.description.clone(),
                    owner: p.label("portal-step-owner", s.owner),
                    due_on: s.due_on.map(|d| p.date(&d)),
                    status: p.label("step-status", s.status),
                    can_tick: plan.may_change && s.owner == StepOwner::Participant && s.status.is_open(),
                })
                .collect(),
        })
        .collect()
}

fn blocks_of(p: &Page, content: &PlanContent) -> Vec<TextBlock> {
    match content {
        PlanContent::Action(_) => Vec::new(),
        PlanContent::Recovery(plan) => WrapSection::ALL
            .iter()
            .map(|s| TextBlock {
                title: p.label("wrap", s),
                lines: plan.lines(*s).into_iter().map(str::to_owned).collect(),
            })
            .filter(|b| !b.lines.is_empty())
            .collect(),
        PlanContent::Canvas(canvas) => CanvasBlock::ALL
            .iter()
            .map(|b| TextBlock {
                title: p.label("canvas", b),
                lines: canvas
                    .items
                    .iter()
                    .filter(|i| i.block == *b)
                    .map(|i| i.text.clone())
                    .collect(),
            })
            .filter(|b| !b.lines.is_empty())
            .collect(),
    }
}

/// The forms that failed (each with its errors), or fresh ones.
#[derive(Default)]
struct Failed {
    comment: Option<Form>,
    propose: Option<Form>,
    changed: bool,
}

async fn plan_page(
    state: &AppState,
    ctx: &Ctx,
    trajectory_id: uuid::Uuid,
    kind: PlanKind,
    failed: Failed,
    notice: Option<&str>,
) -> PageResult {
    let plan = service::open(state, ctx, trajectory_id, kind).await?;
    let p = Page::new(ctx, &format!("portal-plan-{kind}"), "portal-plans").with_notice(notice);
    let goal_options = match &plan.content {
        PlanContent::Action(content) => content.goals.iter().map(|g| (g.id.clone(), g.title.clone())).collect(),
        _ => Options::new(),
    };
    let status = if failed.changed {
        StatusCode::CONFLICT
    } else if failed.comment.is_some() || failed.propose.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = render(&PlanTemplate {
        goals: goals_of(&p, &plan),
        blocks: blocks_of(&p, &plan.content),
        kind: kind.as_str().to_owned(),
        goal_options,
        comment_form: failed.comment.unwrap_or_else(Form::empty).prefixed("comment"),
        propose_form: failed.propose.unwrap_or_else(Form::empty).prefixed("propose"),
        changed: failed.changed,
        plan,
        p,
    });
    Ok((status, page).into_response())
}

fn plan_path(trajectory_id: uuid::Uuid, kind: PlanKind) -> String {
    format!("/portal/plans/{trajectory_id}/{kind}")
}

/// `/portal/plans/{trajectory}/{kind}`: the plan as shared with the person.
pub async fn show(
    State(state): State<AppState>,
    PortalCtx(ctx): PortalCtx,
    Path((id, kind)): Path<(String, String)>,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let kind = parse_kind(&kind)?;
    plan_page(
        &state,
        &ctx,
        path_id(&id)?,
        kind,
        Failed::default(),
        q.notice.as_deref(),
    )
    .await
}

/// After a refused change: the page again, with the form's errors or the word that the plan changed.
async fn after_refusal(
    state: &AppState,
    ctx: &Ctx,
    trajectory_id: uuid::Uuid,
    kind: PlanKind,
    error: AppError,
    failed_form: impl FnOnce(Form) -> Failed,
    data: &FormData,
) -> PageResult {
    match error {
        AppError::Invalid(errors) => {
            let form = Form::failed(data, &errors, ctx.language);
            plan_page(state, ctx, trajectory_id, kind, failed_form(form), None).await
        }
        AppError::Conflict(_) => {
            let failed = Failed {
                changed: true,
                ..Failed::default()
            };
            plan_page(state, ctx, trajectory_id, kind, failed, None).await
        }
        other => Err(other.into()),
    }
}

pub async fn comment(
    State(state): State<AppState>,
    PortalCtx(ctx): PortalCtx,
    Path((id, kind)): Path<(String, String)>,
    data: FormData,
) -> PageResult {
    let (id, kind) = (path_id(&id)?, parse_kind(&kind)?);
    match service::comment(&state, &ctx, id, kind, data.get("body")).await {
        Ok(_) => Ok(see_other(&plan_path(id, kind), "comment-added")),
        Err(error) => {
            let failed = |form| Failed {
                comment: Some(form),
                ..Failed::default()
            };
            after_refusal(&state, &ctx, id, kind, error, failed, &data).await
        }
    }
}

pub async fn mark_done(
    State(state): State<AppState>,
    PortalCtx(ctx): PortalCtx,
    Path((id, step)): Path<(String, String)>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    match service::mark_done(&state, &ctx, id, data.get("base_version"), &step).await {
        Ok(_) => Ok(see_other(&plan_path(id, PlanKind::Action), "portal-step-done")),
        Err(error) => after_refusal(&state, &ctx, id, PlanKind::Action, error, |_| Failed::default(), &data).await,
    }
}

pub async fn propose(
    State(state): State<AppState>,
    PortalCtx(ctx): PortalCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let proposal = Proposal {
        goal_id: data.get("goal_id").to_owned(),
        goal_title: data.get("goal_title").to_owned(),
        description: data.get("description").to_owned(),
        due_on: data.get("due_on").to_owned(),
    };
    match service::propose(&state, &ctx, id, data.get("base_version"), &proposal).await {
        Ok(_) => Ok(see_other(&plan_path(id, PlanKind::Action), "portal-step-proposed")),
        Err(error) => {
            let failed = |form| Failed {
                propose: Some(form),
                ..Failed::default()
            };
            after_refusal(&state, &ctx, id, PlanKind::Action, error, failed, &data).await
        }
    }
}
