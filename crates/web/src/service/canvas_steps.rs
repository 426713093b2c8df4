//! A canvas item made into an action-plan step (Boost2work's personal canvas): both documents get
//! a new version in one transaction, and each names the other.

use super::participants::{Need, authorise};
use super::plans::{Reach, content_of, fresh_id, write};
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_domain::FieldErrors;
use onramp_domain::participants::parse_optional_date;
use onramp_domain::plans::{Goal, PlanContent, PlanKind, Step, StepOwner, StepStatus};
use onramp_domain::validation::required_text;
use onramp_store::plans::{self, VersionMeta};
use onramp_store::trajectories;
use uuid::Uuid;

/// The raw fields of "turn this canvas item into an action-plan step".
#[derive(Debug, Clone, Default)]
pub struct StepFromItemFields {
    /// An existing goal of the action plan; empty for a new goal titled `goal_title`.
    pub goal_id: String,
    pub goal_title: String,
    pub owner: String,
    pub due_on: String,
}

/// Makes a step of the action plan from a canvas item and links both ways: the step names the
/// item and the item names the step. Writes a new version of both documents in one transaction.
pub async fn step_from_canvas_item(
    state: &AppState,
    ctx: &Ctx,
    trajectory_id: Uuid,
    item_id: &str,
    fields: &StepFromItemFields,
) -> Result<String, AppError> {
    let mut errors = FieldErrors::new();
    let owner = errors.check("owner", StepOwner::parse(&fields.owner));
    let due_on = errors.check("due_on", parse_optional_date(&fields.due_on)).flatten();
    let mut tx = state.db.begin().await?;
    let trajectory = trajectories::get(&mut tx, trajectory_id)
        .await?
        .ok_or(AppError::NotFound)?;
    authorise(&mut tx, ctx, trajectory.participant_id, Need::Record).await?;
    let canvas_plan = plans::get(&mut tx, trajectory_id, PlanKind::Canvas)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(PlanContent::Canvas(mut canvas)) = content_of(&mut tx, &canvas_plan, Reach::Full).await? else {
        return Err(AppError::NotFound);
    };
    let item = canvas
        .items
        .iter_mut()
        .find(|i| i.id == item_id)
        .ok_or(AppError::NotFound)?;
    let action_plan = plans::get(&mut tx, trajectory_id, PlanKind::Action).await?;
    let mut plan = match &action_plan {
        Some(existing) => match content_of(&mut tx, existing, Reach::Full).await? {
            Some(PlanContent::Action(plan)) => plan,
            _ => Default::default(),
        },
        None => Default::default(),
    };
    // A link to a step since removed from the plan no longer counts.
    if item.step.as_deref().is_some_and(|step| plan.step(step).is_some()) {
        errors.add("item", "already-a-step");
    }
    let goal_index = match fields.goal_id.trim() {
        "" => match required_text(&fields.goal_title, 500) {
            Ok(title) => {
                plan.goals.push(Goal {
                    id: fresh_id(),
                    title,
                    steps: Vec::new(),
                });
                Some(plan.goals.len() - 1)
            }
            Err(code) => {
                errors.add("goal_title", code);
                None
            }
        },
        id => {
            let found = plan.goals.iter().position(|g| g.id == id);
            if found.is_none() {
                errors.add("goal_id", "invalid-reference");
            }
            found
        }
    };
    let (Some(owner), Some(goal_index)) = (owner, goal_index) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let step_id = fresh_id();
    plan.goals[goal_index].steps.push(Step {
        id: step_id.clone(),
        description: item.text.clone(),
        owner,
        due_on,
        status: StepStatus::Planned,
        levers: Vec::new(),
        canvas_item: Some(item.id.clone()),
    });
    item.step = Some(step_id.clone());
    let meta = VersionMeta::default();
    let base = action_plan.map(|p| p.version).unwrap_or(0);
    let made = Some(serde_json::json!({ "id": step_id, "change": "from_canvas" }));
    write(&mut tx, ctx, &trajectory, base, &PlanContent::Action(plan), &meta, made).await?;
    let canvas = PlanContent::Canvas(canvas);
    write(&mut tx, ctx, &trajectory, canvas_plan.version, &canvas, &meta, None).await?;
    tx.commit().await?;
    Ok(step_id)
}
