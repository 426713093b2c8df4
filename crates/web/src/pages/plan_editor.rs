//! Editing a plan: one form for the whole document, with empty rows to add to; saving makes a new version.

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, render, see_other};
use super::options::Options;
use super::plan_step_forms::{lever_options, status_options};
use super::plans::owner_options;
use crate::error::AppError;
use crate::identity::{Ctx, PageCtx};
use crate::requests::plans::parse_kind as plan_kind;
use crate::service::plans::{self as service, DocumentFields, PlanView, SaveFields};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::FieldErrors;
use onramp_domain::plans::{
    ActionPlanFields, CanvasBlock, CanvasItemFields, GoalFields, PlanContent, PlanKind, StepFields, WrapSection,
};
use std::collections::BTreeMap;
use uuid::Uuid;

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
    let view = service::open(state, ctx, id, kind, None).await?;
    let citable = service::citable(state, &view).await?;
    let base_version = view.plan.as_ref().map(|p| p.version).unwrap_or(0);
    let form = match failed {
        Some(form) => form,
        None => {
            let mut values = values_of(&view.content);
            values.push(("base_version".into(), base_version.to_string()));
            // The share box starts as the latest version is: shared stays shared unless unticked.
            if view.plan.as_ref().is_some_and(|p| p.shared_version == Some(p.version)) {
                values.push(("shared".into(), "on".into()));
            }
            if view
                .plan
                .as_ref()
                .is_some_and(|p| p.participant_version == Some(p.version))
            {
                values.push(("shared_with_participant".into(), "on".into()));
            }
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
        status_options: status_options(&p),
        lever_options: lever_options(&p),
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
    let kind = plan_kind(&kind)?;
    edit_page(&state, &ctx, id, kind, None).await
}

pub async fn save(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path((id, kind)): Path<(Uuid, String)>,
    data: FormData,
) -> PageResult {
    let kind = plan_kind(&kind)?;
    let fields = SaveFields {
        base_version: data.get("base_version").to_owned(),
        note: data.get("note").to_owned(),
        consultation_id: data.get("consultation_id").to_owned(),
        group_session_id: data.get("group_session_id").to_owned(),
        shared: data.checked("shared"),
        shared_with_participant: data.checked("shared_with_participant"),
    };
    let result = match document_fields(kind, &data) {
        Ok(document) => service::save(&state, &ctx, id, &document, &fields).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/trajectories/{id}/plans/{kind}"), "plan-saved")),
        Err(AppError::Invalid(errors)) => {
            failed(&state, &ctx, id, kind, &data, &errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Conflict(errors)) => failed(&state, &ctx, id, kind, &data, &errors, StatusCode::CONFLICT).await,
        Err(error) => Err(error.into()),
    }
}

/// The form again with what was typed and its errors.
async fn failed(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    kind: PlanKind,
    data: &FormData,
    errors: &FieldErrors,
    status: StatusCode,
) -> PageResult {
    let form = Form::failed(data, errors, ctx.language);
    let response = edit_page(state, ctx, id, kind, Some(form)).await?;
    Ok((status, response).into_response())
}

const EXTRA_STEPS: usize = 2;

const EXTRA_ITEMS: usize = 2;

/// The largest index a form may use (a plan holds at most 200 items, and the form adds empty
/// rows); a row beyond it is ignored.
const MAX_INDEX: usize = 300;

/// The most rows (goals and steps, counting gaps in the numbering) a form may describe, so that a
/// small crafted form cannot make the server build a huge empty plan.
const MAX_ROWS: usize = 1000;
