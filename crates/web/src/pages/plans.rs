//! The plans of a trajectory as pages: reading one (with its comments), sharing, and turning a
//! canvas item into an action-plan step. Editing is in `plan_editor`, versions in `plan_history`.

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, render, see_other};
use crate::error::AppError;
use crate::identity::{Ctx, PageCtx};
use crate::requests::plans::parse_kind as plan_kind;
use crate::service::canvas_steps::{StepFromItemFields, step_from_canvas_item};
use crate::service::plans::{self as service, PlanView, Reach};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::plans::{ActionPlan, CanvasBlock, PlanContent, PlanKind, StepOwner, WrapSection};
use onramp_store::plans::Audience;
use serde::Deserialize;
use uuid::Uuid;

use super::options::Options;
use super::plan_step_forms::{AddStep, StepLine, goal_choices, lever_options, status_options};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Params {
    notice: Option<String>,
    version: Option<String>,
}

struct GoalBlock {
    title: String,
    steps: Vec<StepLine>,
}

/// A WRAP section or a canvas block: its title, its guiding question and its lines.
struct TextBlock {
    key: String,
    title: String,
    question: String,
    lines: Vec<ItemLine>,
}

struct ItemLine {
    id: String,
    text: String,
    /// The status of the step made from this canvas item, when there is one.
    step_status: Option<String>,
    /// The item has a link to a step (it may have been removed from the plan since).
    linked: bool,
    /// The form that makes a step of this canvas item (with its errors after a failed try).
    form: Form,
    failed: bool,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanTemplate {
    p: Page,
    view: PlanView,
    kind: String,
    kind_title: String,
    /// The version shown is not the latest.
    older: Option<(i32, i32)>,
    goals: Vec<GoalBlock>,
    blocks: Vec<TextBlock>,
    comment_form: Form,
    goal_options: Options,
    owner_options: Options,
    status_options: Options,
    lever_options: Options,
    /// The step forms are offered: the latest version of an action plan, to those who write it.
    steps_editable: bool,
    base_version: i32,
    add_step: AddStep,
    /// The care team reads the latest version (as the share boxes start).
    shared_now: bool,
}

pub fn owner_options(p: &Page) -> Options {
    StepOwner::ALL
        .iter()
        .map(|o| (o.as_str().to_owned(), p.label("step-owner", o)))
        .collect()
}

fn goal_blocks(p: &Page, plan: &ActionPlan, shared_now: bool) -> Vec<GoalBlock> {
    plan.goals
        .iter()
        .map(|goal| GoalBlock {
            title: goal.title.clone(),
            steps: goal.steps.iter().map(|s| StepLine::of(p, s, shared_now)).collect(),
        })
        .collect()
}

fn lines_of(plan: &onramp_domain::plans::RecoveryPlan, section: WrapSection) -> Vec<ItemLine> {
    plan.lines(section)
        .into_iter()
        .map(|l| ItemLine {
            id: String::new(),
            text: l.to_owned(),
            step_status: None,
            linked: false,
            form: Form::empty(),
            failed: false,
        })
        .collect()
}

fn text_blocks(p: &Page, content: &PlanContent, action_plan: Option<&PlanContent>) -> Vec<TextBlock> {
    match content {
        PlanContent::Action(_) => Vec::new(),
        PlanContent::Recovery(plan) => WrapSection::ALL
            .iter()
            .map(|s| TextBlock {
                key: s.as_str().to_owned(),
                title: p.label("wrap", s),
                question: p.t(&format!("wrap-{s}-hint")),
                lines: lines_of(plan, *s),
            })
            .collect(),
        PlanContent::Canvas(canvas) => {
            let plan = match action_plan {
                Some(PlanContent::Action(plan)) => Some(plan),
                _ => None,
            };
            CanvasBlock::ALL
                .iter()
                .map(|b| TextBlock {
                    key: b.as_str().to_owned(),
                    title: p.label("canvas", b),
                    question: p.t(&format!("canvas-{b}-question")),
                    lines: canvas
                        .items
                        .iter()
                        .filter(|i| i.block == *b)
                        .map(|i| ItemLine {
                            id: i.id.clone(),
                            text: i.text.clone(),
                            step_status: i
                                .step
                                .as_deref()
                                .and_then(|s| plan.and_then(|plan| plan.step(s)))
                                .map(|s| p.label("step-status", s.status)),
                            // A step removed from the plan since leaves the item free again.
                            linked: i
                                .step
                                .as_deref()
                                .is_some_and(|s| plan.is_some_and(|p| p.step(s).is_some())),
                            form: Form::empty().prefixed(format!("step-{}", i.id)),
                            failed: false,
                        })
                        .collect(),
                })
                .collect()
        }
    }
}

fn goal_options(view: &PlanView) -> Options {
    match &view.action_plan {
        Some(PlanContent::Action(plan)) => plan.goals.iter().map(|g| (g.id.clone(), g.title.clone())).collect(),
        _ => Vec::new(),
    }
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    kind: PlanKind,
    params: &Params,
    comment_form: Form,
    failed: Option<(String, Form)>,
) -> PageResult {
    let version = version_param(params.version.as_deref().unwrap_or(""))?;
    let view = service::open(state, ctx, id, kind, version).await?;
    let p = Page::new(ctx, &format!("plan-kind-{kind}"), "caseload").with_notice(params.notice.as_deref());
    let older = match (&view.plan, &view.version, view.reach) {
        (Some(plan), Some(shown), Reach::Full) if shown.version != plan.version => Some((shown.version, plan.version)),
        _ => None,
    };
    let shared_now = view
        .plan
        .as_ref()
        .is_some_and(|plan| plan.shared_version == Some(plan.version));
    let mut goals = match &view.content {
        PlanContent::Action(plan) => goal_blocks(&p, plan, shared_now),
        _ => Vec::new(),
    };
    let mut blocks = text_blocks(&p, &view.content, view.action_plan.as_ref());
    let mut add_step = AddStep::new(shared_now);
    if let Some((key, form)) = failed {
        for line in blocks.iter_mut().flat_map(|b| &mut b.lines).filter(|l| l.id == key) {
            line.form = form.clone();
            line.failed = true;
        }
        for step in goals.iter_mut().flat_map(|g| &mut g.steps).filter(|s| s.id == key) {
            step.failed_with(&form);
        }
        if key == AddStep::KEY {
            add_step = AddStep::failed(form);
        }
    }
    let goal_options = match (kind, &view.content) {
        (PlanKind::Action, PlanContent::Action(plan)) => goal_choices(plan),
        _ => goal_options(&view),
    };
    let template = PlanTemplate {
        kind: kind.as_str().to_owned(),
        kind_title: p.t(&format!("plan-kind-{kind}")),
        steps_editable: kind == PlanKind::Action && view.can_edit && view.reach == Reach::Full && older.is_none(),
        base_version: view.plan.as_ref().map_or(0, |plan| plan.version),
        older,
        goals,
        blocks,
        comment_form,
        goal_options,
        owner_options: owner_options(&p),
        status_options: status_options(&p),
        lever_options: lever_options(&p),
        add_step,
        shared_now,
        p,
        view,
    };
    Ok(render(&template).into_response())
}

/// The action plan again after a one-step change failed, with the form (`key`: the step's id, or
/// [`AddStep::KEY`]) showing what was typed and its errors; 409 when someone saved in between.
pub(super) async fn show_failed(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    key: String,
    form: Form,
    status: StatusCode,
) -> PageResult {
    let params = Params::default();
    let response = show_page(
        state,
        ctx,
        id,
        PlanKind::Action,
        &params,
        Form::empty(),
        Some((key, form)),
    )
    .await?;
    Ok((status, response).into_response())
}

/// `?version=`: the latest when blank; a version that is not a number names no version.
pub fn version_param(input: &str) -> Result<Option<i32>, AppError> {
    match input.trim() {
        "" => Ok(None),
        given => given.parse().map(Some).map_err(|_| AppError::NotFound),
    }
}

pub async fn show(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path((id, kind)): Path<(Uuid, String)>,
    Query(params): Query<Params>,
) -> PageResult {
    let kind = plan_kind(&kind)?;
    show_page(&state, &ctx, id, kind, &params, Form::empty(), None).await
}

pub async fn comment(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path((id, kind)): Path<(Uuid, String)>,
    data: FormData,
) -> PageResult {
    let kind = plan_kind(&kind)?;
    let for_participant = data.checked("for_participant");
    match service::comment(&state, &ctx, id, kind, data.get("body"), for_participant).await {
        Ok(_) => Ok(see_other(&format!("/trajectories/{id}/plans/{kind}"), "comment-added")),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language).prefixed("comment");
            let response = show_page(&state, &ctx, id, kind, &Params::default(), form, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn unshare(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path((id, kind)): Path<(Uuid, String)>,
    data: FormData,
) -> PageResult {
    let kind = plan_kind(&kind)?;
    let audience = match data.get("with") {
        "participant" => Audience::Participant,
        _ => Audience::CareTeam,
    };
    service::unshare(&state, &ctx, id, kind, audience).await?;
    Ok(see_other(&format!("/trajectories/{id}/plans/{kind}"), "plan-unshared"))
}

pub async fn make_step(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path((id, item)): Path<(Uuid, String)>,
    data: FormData,
) -> PageResult {
    let fields = StepFromItemFields {
        goal_id: data.get("goal_id").to_owned(),
        goal_title: data.get("goal_title").to_owned(),
        owner: data.get("owner").to_owned(),
        due_on: data.get("due_on").to_owned(),
    };
    match step_from_canvas_item(&state, &ctx, id, &item, &fields).await {
        Ok(_) => Ok(see_other(&format!("/trajectories/{id}/plans/canvas"), "step-made")),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language).prefixed(format!("step-{item}"));
            let kind = PlanKind::Canvas;
            let params = Params::default();
            let response = show_page(&state, &ctx, id, kind, &params, Form::empty(), Some((item, form))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
        Err(error) => Err(error.into()),
    }
}
