//! The plans of a trajectory as pages: reading one (with its comments), editing it (one form for the
//! whole document, with empty rows to add to), its history and the comparison of two versions, and
//! turning a canvas item into an action-plan step.

use super::{Form, FormData, OrPage, Page, PageResult, render, see_other};
use crate::AppState;
use crate::api::{plan_kind, plan_version};
use crate::error::AppError;
use crate::identity::{Ctx, PageCtx};
use crate::service::plans::{
    self as service, Comparison, DocumentFields, PlanView, Reach, SaveFields, StepFromItemFields,
};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::FieldErrors;
use onramp_domain::plans::{
    ActionPlan, ActionPlanFields, CanvasBlock, CanvasItemFields, GoalFields, Lever, PlanContent, PlanKind, StepFields,
    StepOwner, StepStatus, WrapSection,
};
use onramp_store::plans::VersionInfo;
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

type Options = Vec<(String, String)>;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Params {
    notice: Option<String>,
    version: Option<String>,
}

/// One step as the page shows it, with its texts in the page's language.
struct StepLine {
    description: String,
    owner: String,
    due_on: String,
    status: String,
    levers: String,
    from_canvas: bool,
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
}

fn owner_options(p: &Page) -> Options {
    StepOwner::ALL
        .iter()
        .map(|o| (o.as_str().to_owned(), p.label("step-owner", o)))
        .collect()
}

fn goal_blocks(p: &Page, plan: &ActionPlan) -> Vec<GoalBlock> {
    plan.goals
        .iter()
        .map(|goal| GoalBlock {
            title: goal.title.clone(),
            steps: goal
                .steps
                .iter()
                .map(|s| StepLine {
                    description: s.description.clone(),
                    owner: p.label("step-owner", s.owner),
                    due_on: s.due_on.map(|d| p.date(&d)).unwrap_or_default(),
                    status: p.label("step-status", s.status),
                    levers: s
                        .levers
                        .iter()
                        .map(|l| p.label("lever", l))
                        .collect::<Vec<_>>()
                        .join(", "),
                    from_canvas: s.canvas_item.is_some(),
                })
                .collect(),
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
    step_form: Option<(String, Form)>,
) -> PageResult {
    let lang = ctx.language;
    let version = version_param(params.version.as_deref().unwrap_or("")).or_page(lang)?;
    let view = service::open(state, ctx, id, kind, version).await.or_page(lang)?;
    let p = Page::new(ctx, &format!("plan-kind-{kind}"), "caseload").with_notice(params.notice.as_deref());
    let older = match (&view.plan, &view.version, view.reach) {
        (Some(plan), Some(shown), Reach::Full) if shown.version != plan.version => Some((shown.version, plan.version)),
        _ => None,
    };
    let goals = match &view.content {
        PlanContent::Action(plan) => goal_blocks(&p, plan),
        _ => Vec::new(),
    };
    let mut blocks = text_blocks(&p, &view.content, view.action_plan.as_ref());
    if let Some((item, form)) = step_form {
        for line in blocks.iter_mut().flat_map(|b| &mut b.lines).filter(|l| l.id == item) {
            line.form = form.clone();
            line.failed = true;
        }
    }
    let template = PlanTemplate {
        kind: kind.as_str().to_owned(),
        kind_title: p.t(&format!("plan-kind-{kind}")),
        older,
        goals,
        blocks,
        comment_form,
        goal_options: goal_options(&view),
        owner_options: owner_options(&p),
        p,
        view,
    };
    Ok(render(&template).into_response())
}

/// `?version=`: the latest when blank; a version that is not a number names no version.
fn version_param(input: &str) -> Result<Option<i32>, AppError> {
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
    let kind = plan_kind(&kind).or_page(ctx.language)?;
    show_page(&state, &ctx, id, kind, &params, Form::empty(), None).await
}

pub async fn comment(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path((id, kind)): Path<(Uuid, String)>,
    data: FormData,
) -> PageResult {
    let kind = plan_kind(&kind).or_page(ctx.language)?;
    match service::comment(&state, &ctx, id, kind, data.get("body")).await {
        Ok(_) => Ok(see_other(&format!("/trajectories/{id}/plans/{kind}"), "comment-added")),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language).prefixed("comment");
            let response = show_page(&state, &ctx, id, kind, &Params::default(), form, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
        Err(error) => Err(error).or_page(ctx.language),
    }
}

pub async fn unshare(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path((id, kind)): Path<(Uuid, String)>,
) -> PageResult {
    let kind = plan_kind(&kind).or_page(ctx.language)?;
    service::unshare(&state, &ctx, id, kind).await.or_page(ctx.language)?;
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
    match service::step_from_canvas_item(&state, &ctx, id, &item, &fields).await {
        Ok(_) => Ok(see_other(&format!("/trajectories/{id}/plans/canvas"), "step-made")),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language).prefixed(format!("step-{item}"));
            let kind = PlanKind::Canvas;
            let params = Params::default();
            let response = show_page(&state, &ctx, id, kind, &params, Form::empty(), Some((item, form))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
        Err(error) => Err(error).or_page(ctx.language),
    }
}

/// How many goals and steps (action plan) or items per block (canvas) the edit form shows: what
/// the document holds, and empty rows to add to.
struct GoalRows {
    index: usize,
    steps: Vec<usize>,
}

struct BlockRows {
    key: String,
    title: String,
    question: String,
    items: Vec<usize>,
}

#[derive(Template)]
#[template(path = "plan_edit.html")]
struct EditTemplate {
    p: Page,
    view: PlanView,
    kind: String,
    kind_title: String,
    form: Form,
    goals: Vec<GoalRows>,
    sections: Vec<(String, String, String)>,
    blocks: Vec<BlockRows>,
    owner_options: Options,
    status_options: Options,
    lever_options: Options,
    consultation_options: Options,
    group_session_options: Options,
}

const EXTRA_STEPS: usize = 2;
const EXTRA_ITEMS: usize = 2;

/// The form values of a document, named as the form names them.
fn values_of(content: &PlanContent) -> Vec<(String, String)> {
    let mut values = Vec::new();
    match content {
        PlanContent::Action(plan) => {
            for (g, goal) in plan.goals.iter().enumerate() {
                values.push((format!("goals[{g}].id"), goal.id.clone()));
                values.push((format!("goals[{g}].title"), goal.title.clone()));
                for (s, step) in goal.steps.iter().enumerate() {
                    let at = |f: &str| format!("goals[{g}].steps[{s}].{f}");
                    values.push((at("id"), step.id.clone()));
                    values.push((at("description"), step.description.clone()));
                    values.push((at("owner"), step.owner.as_str().to_owned()));
                    values.push((at("status"), step.status.as_str().to_owned()));
                    values.push((at("due_on"), step.due_on.map(|d| d.to_string()).unwrap_or_default()));
                    values.push((at("canvas_item"), step.canvas_item.clone().unwrap_or_default()));
                    for lever in &step.levers {
                        values.push((at("levers"), lever.as_str().to_owned()));
                    }
                }
            }
        }
        PlanContent::Recovery(plan) => {
            for (section, text) in &plan.sections {
                values.push((format!("sections.{section}"), text.clone()));
            }
        }
        PlanContent::Canvas(canvas) => {
            for (n, item) in canvas.items.iter().enumerate() {
                values.push((format!("items[{n}].id"), item.id.clone()));
                values.push((format!("items[{n}].block"), item.block.as_str().to_owned()));
                values.push((format!("items[{n}].text"), item.text.clone()));
            }
        }
    }
    values
}

/// Splits `goals[2].steps[0].owner` into (2, Some(0), "owner") and `items[3].text` into (3, None, "text").
fn indexed(name: &str, list: &str) -> Option<(usize, Option<usize>, String)> {
    let rest = name.strip_prefix(list)?.strip_prefix('[')?;
    let (first, rest) = rest.split_once("].")?;
    let first: usize = first.parse().ok()?;
    match rest.strip_prefix("steps[") {
        Some(inner) => {
            let (second, field) = inner.split_once("].")?;
            Some((first, Some(second.parse().ok()?), field.to_owned()))
        }
        None => Some((first, None, rest.to_owned())),
    }
}

/// The largest index a form may use (a plan holds at most 200 items, and the form adds empty
/// rows); a row beyond it is ignored.
const MAX_INDEX: usize = 300;
/// The most rows (goals and steps, counting gaps in the numbering) a form may describe, so that a
/// small crafted form cannot make the server build a huge empty plan.
const MAX_ROWS: usize = 1000;

fn action_fields(data: &FormData) -> Result<ActionPlanFields, FieldErrors> {
    let mut goals: BTreeMap<usize, (GoalFields, BTreeMap<usize, StepFields>)> = BTreeMap::new();
    for (name, value) in data.pairs() {
        let Some((g, s, field)) = indexed(name, "goals") else {
            continue;
        };
        if g > MAX_INDEX || s.is_some_and(|s| s > MAX_INDEX) {
            continue;
        }
        let (goal, steps) = goals.entry(g).or_default();
        match s {
            None => match field.as_str() {
                "id" => goal.id = value.clone(),
                "title" => goal.title = value.clone(),
                _ => {}
            },
            Some(s) => {
                let step = steps.entry(s).or_default();
                match field.as_str() {
                    "id" => step.id = value.clone(),
                    "description" => step.description = value.clone(),
                    "owner" => step.owner = value.clone(),
                    "due_on" => step.due_on = value.clone(),
                    "status" => step.status = value.clone(),
                    "levers" => step.levers.push(value.clone()),
                    "canvas_item" => step.canvas_item = value.clone(),
                    _ => {}
                }
            }
        }
    }
    // Gaps in the numbering keep their place, so that an error names the row the form showed.
    let last = goals.keys().next_back().map(|g| g + 1).unwrap_or(0);
    let rows = last
        + goals
            .values()
            .map(|(_, steps)| steps.keys().next_back().map_or(0, |s| s + 1))
            .sum::<usize>();
    if rows > MAX_ROWS {
        return Err(FieldErrors::single("goals", "too-many-items"));
    }
    Ok(ActionPlanFields {
        goals: (0..last)
            .map(|g| match goals.remove(&g) {
                Some((mut goal, steps)) => {
                    let count = steps.keys().next_back().map(|s| s + 1).unwrap_or(0);
                    let mut steps = steps;
                    goal.steps = (0..count).map(|s| steps.remove(&s).unwrap_or_default()).collect();
                    goal
                }
                None => GoalFields::default(),
            })
            .collect(),
    })
}

fn canvas_fields(data: &FormData) -> Vec<CanvasItemFields> {
    let mut items: BTreeMap<usize, CanvasItemFields> = BTreeMap::new();
    for (name, value) in data.pairs() {
        let Some((n, None, field)) = indexed(name, "items") else {
            continue;
        };
        if n > MAX_INDEX {
            continue;
        }
        let item = items.entry(n).or_default();
        match field.as_str() {
            "id" => item.id = value.clone(),
            "block" => item.block = value.clone(),
            "text" => item.text = value.clone(),
            _ => {}
        }
    }
    let last = items.keys().next_back().map(|n| n + 1).unwrap_or(0);
    (0..last).map(|n| items.remove(&n).unwrap_or_default()).collect()
}

fn recovery_fields(data: &FormData) -> BTreeMap<String, String> {
    data.pairs()
        .iter()
        .filter_map(|(name, value)| name.strip_prefix("sections.").map(|s| (s.to_owned(), value.clone())))
        .collect()
}

fn document_fields(kind: PlanKind, data: &FormData) -> Result<DocumentFields, FieldErrors> {
    Ok(match kind {
        PlanKind::Action => DocumentFields::Action(action_fields(data)?),
        PlanKind::Recovery => DocumentFields::Recovery(recovery_fields(data)),
        PlanKind::Canvas => DocumentFields::Canvas(canvas_fields(data)),
    })
}

/// The rows of the edit form, from the values it shows (the document, or what was typed).
fn goal_rows(values: &[(String, String)]) -> Vec<GoalRows> {
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for (name, _) in values {
        if let Some((g, s, _)) = indexed(name, "goals").filter(|(g, _, _)| *g <= MAX_INDEX) {
            let count = counts.entry(g).or_default();
            if let Some(s) = s.filter(|s| *s <= MAX_INDEX) {
                *count = (*count).max(s + 1);
            }
        }
    }
    let goals = counts.keys().next_back().map(|g| g + 1).unwrap_or(0);
    (0..=goals)
        .map(|g| {
            let steps = counts.get(&g).copied().unwrap_or(0);
            GoalRows {
                index: g,
                steps: (0..steps + EXTRA_STEPS).collect(),
            }
        })
        .collect()
}

fn block_rows(p: &Page, values: &[(String, String)]) -> Vec<BlockRows> {
    let mut per_block: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut last = 0;
    for (name, value) in values {
        if let Some((n, None, field)) = indexed(name, "items").filter(|(n, _, _)| *n <= MAX_INDEX) {
            last = last.max(n + 1);
            if field == "block" {
                per_block.entry(value.clone()).or_default().push(n);
            }
        }
    }
    let mut next = last;
    CanvasBlock::ALL
        .iter()
        .map(|b| {
            let mut items = per_block.remove(b.as_str()).unwrap_or_default();
            for _ in 0..EXTRA_ITEMS {
                items.push(next);
                next += 1;
            }
            BlockRows {
                key: b.as_str().to_owned(),
                title: p.label("canvas", b),
                question: p.t(&format!("canvas-{b}-question")),
                items,
            }
        })
        .collect()
}

async fn edit_page(state: &AppState, ctx: &Ctx, id: Uuid, kind: PlanKind, failed: Option<Form>) -> PageResult {
    let lang = ctx.language;
    let view = service::open(state, ctx, id, kind, None).await.or_page(lang)?;
    let citable = service::citable(state, &view).await.or_page(lang)?;
    let base_version = view.plan.as_ref().map(|p| p.version).unwrap_or(0);
    let form = match failed {
        Some(form) => form,
        None => {
            let mut values = values_of(&view.content);
            values.push(("base_version".into(), base_version.to_string()));
            Form::with_values(values)
        }
    };
    let p = Page::new(ctx, &format!("plan-kind-{kind}"), "caseload");
    let values = form.values().to_vec();
    let mut blocks = block_rows(&p, &values);
    // New items of a block are typed with the block they sit in.
    for block in &mut blocks {
        block.items.sort_unstable();
    }
    let template = EditTemplate {
        kind: kind.as_str().to_owned(),
        kind_title: p.t(&format!("plan-kind-{kind}")),
        goals: goal_rows(&values),
        sections: WrapSection::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str().to_owned(),
                    p.label("wrap", s),
                    p.t(&format!("wrap-{s}-hint")),
                )
            })
            .collect(),
        blocks,
        owner_options: owner_options(&p),
        status_options: StepStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), p.label("step-status", s)))
            .collect(),
        lever_options: Lever::ALL
            .iter()
            .map(|l| (l.as_str().to_owned(), p.label("lever", l)))
            .collect(),
        consultation_options: citable
            .consultations
            .iter()
            .map(|c| {
                (
                    c.id.to_string(),
                    format!("{} · {}", p.date(&c.on_date), c.organisation_name),
                )
            })
            .collect(),
        group_session_options: citable
            .group_sessions
            .iter()
            .map(|s| {
                (
                    s.session_id.to_string(),
                    format!("{} · {}", p.date(&s.on_date), s.title),
                )
            })
            .collect(),
        form,
        p,
        view,
    };
    Ok(render(&template).into_response())
}

pub async fn edit(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path((id, kind)): Path<(Uuid, String)>,
) -> PageResult {
    let kind = plan_kind(&kind).or_page(ctx.language)?;
    edit_page(&state, &ctx, id, kind, None).await
}

pub async fn save(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path((id, kind)): Path<(Uuid, String)>,
    data: FormData,
) -> PageResult {
    let kind = plan_kind(&kind).or_page(ctx.language)?;
    let fields = SaveFields {
        base_version: data.get("base_version").to_owned(),
        note: data.get("note").to_owned(),
        consultation_id: data.get("consultation_id").to_owned(),
        group_session_id: data.get("group_session_id").to_owned(),
        shared: data.checked("shared"),
    };
    let result = match document_fields(kind, &data) {
        Ok(document) => service::save(&state, &ctx, id, &document, &fields).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/trajectories/{id}/plans/{kind}"), "plan-saved")),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language);
            let response = edit_page(&state, &ctx, id, kind, Some(form)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
        Err(error) => Err(error).or_page(ctx.language),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CompareParams {
    from: String,
    to: String,
}

#[derive(Template)]
#[template(path = "plan_history.html")]
struct HistoryTemplate {
    p: Page,
    trajectory_id: Uuid,
    participant_id: Uuid,
    kind: String,
    kind_title: String,
    versions: Vec<VersionInfo>,
    version_options: Options,
    form: Form,
    comparison: Option<Comparison>,
}

impl HistoryTemplate {
    /// "Changed: step “Call the employer”", in the page's language.
    fn difference(&self, d: &onramp_domain::plans::Difference) -> String {
        let label = if d.what == "section" {
            self.p.label("wrap", &d.label)
        } else {
            d.label.clone()
        };
        crate::i18n::text_with(
            self.p.lang,
            "plan-difference",
            &[
                ("change", &self.p.label("plan-change", d.change)),
                ("what", &self.p.label("plan-what", d.what)),
                ("label", &label),
            ],
        )
    }

    /// A compared value as the reader says it: coded values (owner, status, levers, canvas block)
    /// in the page's language.
    fn shown(&self, field: &str, value: &str) -> String {
        let prefix = match field {
            "owner" => "step-owner",
            "status" => "step-status",
            "block" => "canvas",
            "levers" => "lever",
            "due_on" => {
                return value
                    .parse::<chrono::NaiveDate>()
                    .map(|d| self.p.date(&d))
                    .unwrap_or_else(|_| value.to_owned());
            }
            _ => return value.to_owned(),
        };
        value
            .split(", ")
            .filter(|v| !v.is_empty())
            .map(|v| self.p.label(prefix, v))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

async fn history_page(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    kind: PlanKind,
    form: Form,
    comparison: Option<Comparison>,
) -> PageResult {
    let history = service::history(state, ctx, id, kind).await.or_page(ctx.language)?;
    let versions = history.versions;
    let p = Page::new(ctx, "plan-history", "caseload");
    let version_options = versions
        .iter()
        .map(|v| {
            let label = p.t1("plan-version", "version", v.version.to_string());
            (
                v.version.to_string(),
                format!("{label} · {}", p.datetime(&v.created_at)),
            )
        })
        .collect();
    let template = HistoryTemplate {
        trajectory_id: id,
        participant_id: history.participant_id,
        kind: kind.as_str().to_owned(),
        kind_title: p.t(&format!("plan-kind-{kind}")),
        versions,
        version_options,
        form,
        comparison,
        p,
    };
    Ok(render(&template).into_response())
}

pub async fn history(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path((id, kind)): Path<(Uuid, String)>,
    Query(params): Query<CompareParams>,
) -> PageResult {
    let lang = ctx.language;
    let kind = plan_kind(&kind).or_page(lang)?;
    if params.from.is_empty() && params.to.is_empty() {
        return history_page(&state, &ctx, id, kind, Form::empty(), None).await;
    }
    let values = vec![
        ("from".to_owned(), params.from.clone()),
        ("to".to_owned(), params.to.clone()),
    ];
    let mut errors = FieldErrors::new();
    let from = plan_version(&mut errors, "from", &params.from);
    let to = plan_version(&mut errors, "to", &params.to);
    let result = match (from, to) {
        (Some(from), Some(to)) => service::compare_versions(&state, &ctx, id, kind, from, to).await,
        _ => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(comparison) => history_page(&state, &ctx, id, kind, Form::with_values(values), Some(comparison)).await,
        Err(AppError::Invalid(errors)) => {
            let data = FormData::new(values);
            let form = Form::failed(&data, &errors, lang);
            let response = history_page(&state, &ctx, id, kind, form, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
        Err(error) => Err(error).or_page(lang),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PdfParams {
    audience: String,
    lang: String,
    version: String,
}

pub async fn pdf(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path((id, kind)): Path<(Uuid, String)>,
    Query(params): Query<PdfParams>,
) -> PageResult {
    let lang = ctx.language;
    let kind = plan_kind(&kind).or_page(lang)?;
    let version = version_param(&params.version).or_page(lang)?;
    crate::service::documents::plan_pdf(&state, &ctx, id, kind, &params.audience, &params.lang, version)
        .await
        .or_page(lang)
}

pub async fn icf_pdf(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<Uuid>,
    Query(params): Query<PdfParams>,
) -> PageResult {
    let lang = ctx.language;
    crate::service::documents::icf_pdf(&state, &ctx, id, &params.audience, &params.lang)
        .await
        .or_page(lang)
}
