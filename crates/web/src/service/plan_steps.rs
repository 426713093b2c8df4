//! One-step changes to an action plan: add a step, change one, or tick one off, without sending
//! the whole plan. The server makes the new version from the current one with that change alone,
//! under the same check as a whole save: the writer names the version they saw, and a stale one
//! is refused (409, `base_version`: `plan-changed`). The coach's plan page and the API use
//! [`change_step`]; so will the participant's portal.

use super::participants::{Need, authorise};
use super::plans::{Reach, content_of, fresh_id, plan_changed, write};
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_domain::FieldErrors;
use onramp_domain::plan_steps::{StepEdit, StepTarget, apply};
use onramp_domain::plans::{ActionPlan, PlanContent, PlanKind};
use onramp_domain::validation::whole_number;
use onramp_store::plans::{self, VersionMeta};
use onramp_store::trajectories;
use uuid::Uuid;

/// What a one-step change wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepSaved {
    /// The plan's version after the change (the same as before when it changed nothing).
    pub version: i32,
    pub step_id: String,
}

/// Makes a new version of the trajectory's action plan with one step added or changed.
///
/// `base_version` is the version the writer saw (0 before anything is written); `shared` says
/// whether the new version is shared with the care team, and when `None` it is shared exactly when
/// the current version is, so that ticking a step off neither shares nor hides the plan. A change
/// that leaves the step as it was writes nothing. A step not in the plan is 404.
pub async fn change_step(
    state: &AppState,
    ctx: &Ctx,
    trajectory_id: Uuid,
    base_version: &str,
    target: &StepTarget,
    edit: &StepEdit,
    shared: Option<bool>,
) -> Result<StepSaved, AppError> {
    let mut tx = state.db.begin().await?;
    let trajectory = trajectories::get(&mut tx, trajectory_id)
        .await?
        .ok_or(AppError::NotFound)?;
    authorise(&mut tx, ctx, trajectory.participant_id, Need::Record).await?;
    let plan = plans::get(&mut tx, trajectory_id, PlanKind::Action).await?;
    let current = match &plan {
        Some(plan) => match content_of(&mut tx, plan, Reach::Full).await? {
            Some(PlanContent::Action(content)) => content,
            _ => ActionPlan::default(),
        },
        None => ActionPlan::default(),
    };
    if let StepTarget::Existing(id) = target
        && current.step(id).is_none()
    {
        return Err(AppError::NotFound);
    }
    let latest = plan.as_ref().map_or(0, |p| p.version);
    let mut changed = current.clone();
    let applied = apply(&mut changed, target, edit, &mut fresh_id);
    let step_id = match (whole_number(base_version, 0, i32::MAX), applied) {
        (Ok(base), _) if base != latest => return Err(plan_changed()),
        (Ok(_), applied) => applied?,
        (Err(code), applied) => {
            let mut errors = FieldErrors::single("base_version", code);
            errors.0.extend(applied.err().map(|e| e.0).unwrap_or_default());
            return Err(AppError::Invalid(errors));
        }
    };
    if changed == current {
        return Ok(StepSaved {
            version: latest,
            step_id,
        });
    }
    let current_shared = plan.as_ref().is_some_and(|p| p.shared_version == Some(p.version));
    let meta = VersionMeta {
        shared: shared.unwrap_or(current_shared),
        ..VersionMeta::default()
    };
    let change = match target {
        StepTarget::New { .. } => "added",
        StepTarget::Existing(_) => "changed",
    };
    let detail = serde_json::json!({ "id": step_id, "change": change });
    let content = PlanContent::Action(changed);
    let version = write(&mut tx, ctx, &trajectory, latest, &content, &meta, Some(detail)).await?;
    tx.commit().await?;
    Ok(StepSaved { version, step_id })
}
