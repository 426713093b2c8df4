//! One-step changes to an action plan: add a step, change one, or tick one off, without sending
//! the whole plan. The server makes the new version from the current one with that change alone,
//! under the same check as a whole save: the writer names the version they saw, and a stale one
//! is refused (409, `base_version`: `plan-changed`). The coach's plan page and the API use
//! [`change_step`]; the participant's portal [`change_in`] after its own checks.

use super::participants::{Need, authorise};
use super::plans::{Reach, content_of, fresh_id, plan_changed, write};
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_domain::FieldErrors;
use onramp_domain::plan_steps::{StepEdit, StepTarget, apply};
use onramp_domain::plans::{ActionPlan, PlanContent, PlanKind};
use onramp_domain::validation::whole_number;
use onramp_store::Access;
use onramp_store::plans::{self, Plan, VersionMeta};
use onramp_store::trajectories::{self, Trajectory};
use uuid::Uuid;

/// What a one-step change wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepSaved {
    /// The plan's version after the change (the same as before when it changed nothing).
    pub version: i32,
    pub step_id: String,
}

/// Whom the new version is shared with; `None` keeps what the current version is, so that
/// ticking a step off neither shares nor hides the plan.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sharing {
    pub care_team: Option<bool>,
    pub participant: Option<bool>,
}

/// Makes a new version of the trajectory's action plan with one step added or changed.
///
/// `base_version` is the version the writer saw (0 before anything is written); `sharing` says
/// whom the new version is shared with. A change that leaves the step as it was writes nothing. A
/// step not in the plan is 404.
pub async fn change_step(
    state: &AppState,
    ctx: &Ctx,
    trajectory_id: Uuid,
    base_version: &str,
    target: &StepTarget,
    edit: &StepEdit,
    sharing: Sharing,
) -> Result<StepSaved, AppError> {
    let mut tx = state.db.begin().await?;
    let trajectory = trajectories::get(&mut tx, trajectory_id)
        .await?
        .ok_or(AppError::NotFound)?;
    authorise(&mut tx, ctx, trajectory.participant_id, Need::Record).await?;
    let saved = change_in(&mut tx, ctx, &trajectory, base_version, target, edit, sharing).await?;
    tx.commit().await?;
    Ok(saved)
}

/// The change itself, in the caller's transaction, once the caller has decided the writer may
/// make it (the coaches through the policy's record right; the participant in the portal on
/// their own steps).
pub(super) async fn change_in(
    tx: &mut impl Access,
    ctx: &Ctx,
    trajectory: &Trajectory,
    base_version: &str,
    target: &StepTarget,
    edit: &StepEdit,
    sharing: Sharing,
) -> Result<StepSaved, AppError> {
    let trajectory_id = trajectory.id;
    let plan = plans::get(tx, trajectory_id, PlanKind::Action).await?;
    let current = match &plan {
        Some(plan) => match content_of(tx, plan, Reach::Full).await? {
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
    let now_with = |shared: fn(&Plan) -> Option<i32>| plan.as_ref().is_some_and(|p| shared(p) == Some(p.version));
    let meta = VersionMeta {
        shared: sharing.care_team.unwrap_or_else(|| now_with(|p| p.shared_version)),
        shared_with_participant: sharing
            .participant
            .unwrap_or_else(|| now_with(|p| p.participant_version)),
        ..VersionMeta::default()
    };
    let change = match target {
        StepTarget::New { .. } => "added",
        StepTarget::Existing(_) => "changed",
    };
    let detail = serde_json::json!({ "id": step_id, "change": change });
    let content = PlanContent::Action(changed);
    let version = write(tx, ctx, trajectory, latest, &content, &meta, Some(detail)).await?;
    Ok(StepSaved { version, step_id })
}
