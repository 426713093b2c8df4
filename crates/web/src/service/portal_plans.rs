//! The participant's plans in the portal (docs/portal.md): the versions their coach shared with
//! them, the conversation about them, their own steps ticked off and steps they propose. A
//! participant changes a plan only while the version they read is the latest: a newer version
//! their coach has not shared yet is refused as `plan-changed`, as any stale save is.

use super::plan_steps::{Sharing, StepSaved, change_in};
use super::portal::own;
use super::privacy::record_read;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use onramp_domain::plan_steps::{StepEdit, StepTarget};
use onramp_domain::plans::{PlanContent, PlanKind, StepOwner};
use onramp_domain::purposes::Purpose;
use onramp_domain::validation::required_multiline;
use onramp_store::Access;
use onramp_store::plans::{self, Comment, NewComment, Plan, Readers};
use onramp_store::trajectories::{self, Trajectory};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// One plan shared with the participant, for the list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OwnPlanLine {
    pub trajectory_id: Uuid,
    pub programme: String,
    /// action, recovery or canvas
    pub kind: String,
    /// The version the participant reads.
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// A plan as the participant reads it: the shared version's content and the conversation with
/// them; never the version's note, the consultation it was reviewed at, or the staff's comments.
#[derive(Debug, Clone)]
pub struct OwnPlan {
    pub trajectory_id: Uuid,
    pub programme: String,
    pub coach: Option<String>,
    pub kind: PlanKind,
    pub version: i32,
    pub shared_on: DateTime<Utc>,
    pub content: PlanContent,
    pub comments: Vec<Comment>,
    /// The version read is the latest and the trajectory runs: steps can be ticked off and proposed.
    pub may_change: bool,
}

/// The plans shared with the signed-in participant, newest trajectory first. Audited.
pub async fn list(state: &AppState, ctx: &Ctx) -> Result<Vec<OwnPlanLine>, AppError> {
    let id = own(state, ctx).await?;
    let mut conn = state.db.conn().await?;
    let shared = plans::shared_with_participant(&mut conn, id).await?;
    let followed = trajectories::list_for(&mut conn, id).await?;
    drop(conn);
    let lines = shared
        .into_iter()
        .filter_map(|plan| {
            let trajectory = followed.iter().find(|t| t.id == plan.trajectory_id)?;
            Some(OwnPlanLine {
                trajectory_id: plan.trajectory_id,
                programme: trajectory.programme_name.clone(),
                kind: plan.kind,
                version: plan.participant_version?,
                updated_at: plan.updated_at,
            })
        })
        .collect();
    record_read(state, ctx, "portal.plans", id, Purpose::OwnFile).await?;
    Ok(lines)
}

/// The participant's own trajectory and its plan of `kind` as shared with them; 404 for anyone
/// else's trajectory and for a plan not shared with them.
async fn shared_plan(
    conn: &mut impl Access,
    participant_id: Uuid,
    trajectory_id: Uuid,
    kind: PlanKind,
) -> Result<(Trajectory, Plan, i32), AppError> {
    let trajectory = trajectories::get(conn, trajectory_id)
        .await?
        .filter(|t| t.participant_id == participant_id)
        .ok_or(AppError::NotFound)?;
    let plan = plans::get(conn, trajectory_id, kind).await?.ok_or(AppError::NotFound)?;
    let version = plan.participant_version.ok_or(AppError::NotFound)?;
    Ok((trajectory, plan, version))
}

/// One plan as shared with the signed-in participant. Audited.
pub async fn open(state: &AppState, ctx: &Ctx, trajectory_id: Uuid, kind: PlanKind) -> Result<OwnPlan, AppError> {
    let id = own(state, ctx).await?;
    let mut conn = state.db.conn().await?;
    let (trajectory, plan, version) = shared_plan(&mut conn, id, trajectory_id, kind).await?;
    let shown = plans::version(&mut conn, plan.id, version)
        .await?
        .ok_or(AppError::NotFound)?;
    let comments = plans::comments(&mut conn, plan.id, Readers::Participant).await?;
    drop(conn);
    record_read(state, ctx, "portal.plan", id, Purpose::OwnFile).await?;
    Ok(OwnPlan {
        trajectory_id,
        programme: trajectory.programme_name.clone(),
        coach: trajectory.coach_name.clone(),
        kind,
        version,
        shared_on: shown.info.created_at,
        content: shown.content,
        comments,
        may_change: version == plan.version && trajectory.ended_on.is_none(),
    })
}

/// A comment of the participant on the version they read; it waits for the coach's answer on the
/// coach's worklist.
pub async fn comment(
    state: &AppState,
    ctx: &Ctx,
    trajectory_id: Uuid,
    kind: PlanKind,
    body: &str,
) -> Result<Uuid, AppError> {
    let body = required_multiline(body, 2000).map_err(|code| AppError::invalid("body", code))?;
    let id = own(state, ctx).await?;
    let mut tx = state.db.begin().await?;
    let (trajectory, plan, version) = shared_plan(&mut tx, id, trajectory_id, kind).await?;
    let new = NewComment {
        version,
        author: ctx.user.id,
        body: &body,
        with_participant: true,
    };
    let comment_id = super::plans::write_comment(&mut tx, ctx, &trajectory, plan.id, kind, &new).await?;
    tx.commit().await?;
    Ok(comment_id)
}

/// Ticks off one of the participant's own steps (owner `participant`, still to do) as done.
pub async fn mark_done(
    state: &AppState,
    ctx: &Ctx,
    trajectory_id: Uuid,
    base_version: &str,
    step_id: &str,
) -> Result<StepSaved, AppError> {
    let id = own(state, ctx).await?;
    let mut tx = state.db.begin().await?;
    let (trajectory, plan, version) = shared_plan(&mut tx, id, trajectory_id, PlanKind::Action).await?;
    let shown = plans::version(&mut tx, plan.id, version)
        .await?
        .ok_or(AppError::NotFound)?;
    let own_step = match &shown.content {
        PlanContent::Action(content) => content
            .step(step_id)
            .is_some_and(|s| s.owner == StepOwner::Participant && s.status.is_open()),
        _ => false,
    };
    if !own_step {
        return Err(AppError::NotFound);
    }
    let target = StepTarget::Existing(step_id.to_owned());
    let saved = change_for_participant(
        &mut tx,
        ctx,
        &trajectory,
        &plan,
        base_version,
        &target,
        &StepEdit::status("done"),
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// The raw fields of a step the participant proposes.
#[derive(Debug, Clone, Default)]
pub struct Proposal {
    /// A goal of the plan, or blank for a new goal titled `goal_title`.
    pub goal_id: String,
    pub goal_title: String,
    pub description: String,
    /// A date, or blank.
    pub due_on: String,
}

/// Adds a step the participant proposes, theirs to do, as `proposed`: it waits for the coach to
/// accept or decline it (the coach's worklist lists it).
pub async fn propose(
    state: &AppState,
    ctx: &Ctx,
    trajectory_id: Uuid,
    base_version: &str,
    proposal: &Proposal,
) -> Result<StepSaved, AppError> {
    let id = own(state, ctx).await?;
    let mut tx = state.db.begin().await?;
    let (trajectory, plan, _) = shared_plan(&mut tx, id, trajectory_id, PlanKind::Action).await?;
    let target = StepTarget::New {
        goal_id: proposal.goal_id.clone(),
        goal_title: proposal.goal_title.clone(),
    };
    let edit = StepEdit {
        description: Some(proposal.description.clone()),
        owner: Some(StepOwner::Participant.as_str().to_owned()),
        due_on: Some(proposal.due_on.clone()),
        status: Some("proposed".to_owned()),
        levers: None,
    };
    let saved = change_for_participant(&mut tx, ctx, &trajectory, &plan, base_version, &target, &edit).await?;
    tx.commit().await?;
    Ok(saved)
}

/// A participant's change: only on a running trajectory, only on the version they read being the
/// latest (else `plan-changed`), and the new version stays shared with them and with the care
/// team as the current one is.
async fn change_for_participant(
    tx: &mut impl Access,
    ctx: &Ctx,
    trajectory: &Trajectory,
    plan: &Plan,
    base_version: &str,
    target: &StepTarget,
    edit: &StepEdit,
) -> Result<StepSaved, AppError> {
    if trajectory.ended_on.is_some() {
        return Err(AppError::Conflict(onramp_domain::FieldErrors::single(
            "trajectory",
            "trajectory-ended",
        )));
    }
    if plan.participant_version != Some(plan.version) {
        return Err(super::plans::plan_changed());
    }
    let sharing = Sharing {
        care_team: None,
        participant: Some(true),
    };
    change_in(tx, ctx, trajectory, base_version, target, edit, sharing).await
}
