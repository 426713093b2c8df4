//! The plans of a trajectory: the action plan, the recovery plan (WRAP) and the personal canvas.
//! Each save writes a whole new version; the care team reads the latest version shared with them
//! (with the participant's consent) and comments on it. Every read and change is audited.

use super::participants::{Need, authorise};
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use chrono::NaiveDate;
use onramp_domain::FieldErrors;
use onramp_domain::identity::Language;
use onramp_domain::organisations::parse_optional_id;
use onramp_domain::plans::{
    ActionPlanFields, Canvas, CanvasItemFields, Difference, PlanContent, PlanKind, compare, parse_canvas,
    parse_recovery_plan,
};
use onramp_domain::policy::{self, Action, Decision, ParticipantRef};
use onramp_domain::purposes::{self, Purpose};
use onramp_domain::validation::{optional_multiline, required_multiline, whole_number};
use onramp_store::audit::{self, Event};
use onramp_store::coaching::{self, Consultation};
use onramp_store::group_sessions::ParticipantSession;
use onramp_store::plans::{self, Audience, Comment, NewComment, Plan, Readers, Version, VersionInfo, VersionMeta};
use onramp_store::trajectories::{self, Trajectory};
use onramp_store::{Access, participants};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A fresh id for a goal, step or canvas item: short, and unique within its document.
pub fn fresh_id() -> String {
    Uuid::now_v7().simple().to_string()[20..].to_owned()
}

/// How much of a plan the actor may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Every version, the history, and (with `can_edit`) writing.
    Full,
    /// Only the latest version shared with the care team.
    Shared,
}

impl Reach {
    /// The comments this reach reads.
    pub fn readers(self) -> Readers {
        match self {
            Reach::Full => Readers::Coaches,
            Reach::Shared => Readers::CareTeam,
        }
    }
}

/// A plan as one page or API answer shows it.
#[derive(Debug, Clone)]
pub struct PlanView {
    pub trajectory: Trajectory,
    pub participant_name: String,
    pub participant_language: Language,
    pub participant_birth_date: NaiveDate,
    pub kind: PlanKind,
    pub reach: Reach,
    pub can_edit: bool,
    /// `None` while nothing is written (or, for the care team, nothing is shared).
    pub plan: Option<Plan>,
    /// The version shown; the empty document when there is none.
    pub content: PlanContent,
    pub version: Option<VersionInfo>,
    pub comments: Vec<Comment>,
    /// The current action plan, for canvas items that became steps (canvas only).
    pub action_plan: Option<PlanContent>,
}

struct Reached {
    trajectory: Trajectory,
    reference: ParticipantRef,
    reach: Reach,
}

/// Asks the policy what the actor may do with the plans of this trajectory.
async fn reach(conn: &mut impl Access, ctx: &Ctx, trajectory_id: Uuid) -> Result<Reached, AppError> {
    let trajectory = trajectories::get(conn, trajectory_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reference = participants::access_ref(conn, trajectory.participant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let allowed = |shared| {
        let action = Action::ViewPlan {
            participant: &reference,
            organisation_id: trajectory.organisation_id,
            shared,
        };
        policy::decide(&ctx.actor, action) == Decision::Allow
    };
    let reach = if allowed(false) {
        Reach::Full
    } else if allowed(true) {
        Reach::Shared
    } else {
        return Err(AppError::NotFound);
    };
    Ok(Reached {
        trajectory,
        reference,
        reach,
    })
}

fn can_edit(ctx: &Ctx, reference: &ParticipantRef) -> bool {
    policy::decide(&ctx.actor, Action::EditParticipant(reference)) == Decision::Allow
}

async fn audit_read(state: &AppState, ctx: &Ctx, plan: &PlanView, purpose: Purpose) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let participant_id = plan.trajectory.participant_id;
    let mut event = Event::read("plan.read", "trajectory", plan.trajectory.id, purpose).for_participant(participant_id);
    event.after = Some(
        serde_json::json!({
            "kind": plan.kind, "version": plan.version.as_ref().map(|v| v.version),
        })
        .to_string(),
    );
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(())
}

/// What a new version of the plan may cite, for the edit form: the consultations the participant
/// was discussed at and the group sessions they took part in.
pub struct Citable {
    pub consultations: Vec<Consultation>,
    pub group_sessions: Vec<ParticipantSession>,
}

/// What a version may cite, read only for those who may write it (`view` comes from [`open`],
/// which decided and audited the access).
pub async fn citable(state: &AppState, view: &PlanView) -> Result<Citable, AppError> {
    if !view.can_edit {
        return Err(AppError::Forbidden);
    }
    let mut conn = state.db.conn().await?;
    let participant_id = view.trajectory.participant_id;
    Ok(Citable {
        consultations: coaching::consultations_for(&mut conn, participant_id).await?,
        group_sessions: plans::sessions_taken_part_in(&mut conn, participant_id).await?,
    })
}

/// Opens a plan at `version` (the latest when `None`); the care team only ever gets the latest
/// shared version. Audited as a read of the participant file.
pub async fn open(
    state: &AppState,
    ctx: &Ctx,
    trajectory_id: Uuid,
    kind: PlanKind,
    version: Option<i32>,
) -> Result<PlanView, AppError> {
    let mut conn = state.db.conn().await?;
    let access = reach(&mut conn, ctx, trajectory_id).await?;
    let participant = participants::get(&mut conn, access.trajectory.participant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let plan = plans::get(&mut conn, trajectory_id, kind).await?;
    let wanted = match (&plan, access.reach) {
        (None, _) => None,
        (Some(plan), Reach::Full) => Some(version.unwrap_or(plan.version)),
        (Some(plan), Reach::Shared) => match (plan.shared_version, version) {
            (Some(shared), None) => Some(shared),
            (Some(shared), Some(asked)) if asked == shared => Some(shared),
            _ => None,
        },
    };
    if version.is_some() && wanted.is_none() {
        return Err(AppError::NotFound);
    }
    let shown = match (&plan, wanted) {
        (Some(plan), Some(wanted)) => Some(
            plans::version(&mut conn, plan.id, wanted)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
        _ => None,
    };
    let plan = if access.reach == Reach::Shared && shown.is_none() {
        None
    } else {
        plan
    };
    let comments = match &plan {
        Some(plan) => plans::comments(&mut conn, plan.id, access.reach.readers()).await?,
        None => Vec::new(),
    };
    let can_edit = can_edit(ctx, &access.reference);
    let purpose = purposes::of_file(&ctx.actor, &access.reference);
    let action_plan = if kind == PlanKind::Canvas {
        current_content(&mut conn, trajectory_id, PlanKind::Action, access.reach).await?
    } else {
        None
    };
    let (content, version) = match shown {
        Some(Version { info, content }) => (content, Some(info)),
        None => (PlanContent::empty(kind), None),
    };
    let view = PlanView {
        participant_name: format!("{} {}", participant.record.first_name, participant.record.last_name),
        participant_language: participant.record.language,
        participant_birth_date: participant.record.birth_date,
        trajectory: access.trajectory,
        kind,
        reach: access.reach,
        can_edit,
        plan,
        content,
        version,
        comments,
        action_plan,
    };
    drop(conn);
    audit_read(state, ctx, &view, purpose).await?;
    Ok(view)
}

/// The latest content of a plan that the reach allows.
async fn current_content(
    conn: &mut impl Access,
    trajectory_id: Uuid,
    kind: PlanKind,
    reach: Reach,
) -> Result<Option<PlanContent>, AppError> {
    match plans::get(conn, trajectory_id, kind).await? {
        Some(plan) => content_of(conn, &plan, reach).await,
        None => Ok(None),
    }
}

/// The latest content of `plan` that the reach allows (none when nothing is shared).
pub(super) async fn content_of(
    conn: &mut impl Access,
    plan: &Plan,
    reach: Reach,
) -> Result<Option<PlanContent>, AppError> {
    let version = match reach {
        Reach::Full => Some(plan.version),
        Reach::Shared => plan.shared_version,
    };
    let Some(version) = version else { return Ok(None) };
    Ok(plans::version(conn, plan.id, version).await?.map(|v| v.content))
}

/// The versions of a plan, and whose plan it is.
#[derive(Debug, Clone)]
pub struct History {
    pub participant_id: Uuid,
    /// Newest first.
    pub versions: Vec<VersionInfo>,
}

/// Every version of a plan, newest first: those who see the whole plan. Audited.
pub async fn history(state: &AppState, ctx: &Ctx, trajectory_id: Uuid, kind: PlanKind) -> Result<History, AppError> {
    let mut conn = state.db.conn().await?;
    let access = reach(&mut conn, ctx, trajectory_id).await?;
    if access.reach != Reach::Full {
        return Err(AppError::NotFound);
    }
    let list = match plans::get(&mut conn, trajectory_id, kind).await? {
        Some(plan) => plans::history(&mut conn, plan.id).await?,
        None => Vec::new(),
    };
    drop(conn);
    let mut tx = state.db.begin().await?;
    let mut event =
        Event::new("plan.history", "trajectory", trajectory_id).for_participant(access.trajectory.participant_id);
    event.after = Some(serde_json::json!({ "kind": kind, "versions": list.len() }).to_string());
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(History {
        participant_id: access.trajectory.participant_id,
        versions: list,
    })
}

/// Two versions of a plan and what changed between them.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub before: VersionInfo,
    pub after: VersionInfo,
    pub differences: Vec<Difference>,
}

pub async fn compare_versions(
    state: &AppState,
    ctx: &Ctx,
    trajectory_id: Uuid,
    kind: PlanKind,
    from: i32,
    to: i32,
) -> Result<Comparison, AppError> {
    let mut conn = state.db.conn().await?;
    let access = reach(&mut conn, ctx, trajectory_id).await?;
    if access.reach != Reach::Full {
        return Err(AppError::NotFound);
    }
    let plan = plans::get(&mut conn, trajectory_id, kind)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    let before = plans::version(&mut conn, plan.id, from).await?;
    let after = plans::version(&mut conn, plan.id, to).await?;
    if before.is_none() {
        errors.add("from", "invalid-reference");
    }
    if after.is_none() {
        errors.add("to", "invalid-reference");
    }
    let (Some(before), Some(after)) = (before, after) else {
        return Err(AppError::Invalid(errors));
    };
    drop(conn);
    let mut tx = state.db.begin().await?;
    let mut event =
        Event::new("plan.compare", "trajectory", trajectory_id).for_participant(access.trajectory.participant_id);
    event.after = Some(serde_json::json!({ "kind": kind, "from": from, "to": to }).to_string());
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(Comparison {
        differences: compare(&before.content, &after.content),
        before: before.info,
        after: after.info,
    })
}

/// The raw fields that come with every save besides the document.
#[derive(Debug, Clone, Default)]
pub struct SaveFields {
    /// The version the writer started from (0 for a plan not yet written).
    pub base_version: String,
    pub note: String,
    pub consultation_id: String,
    /// The group session the version was drawn up in; the participant must have taken part.
    pub group_session_id: String,
    pub shared: bool,
    /// Shared with the participant, who reads it in the portal.
    pub shared_with_participant: bool,
}

/// A new document, as raw fields.
#[derive(Debug, Clone)]
pub enum DocumentFields {
    Action(ActionPlanFields),
    Recovery(BTreeMap<String, String>),
    Canvas(Vec<CanvasItemFields>),
}

impl DocumentFields {
    pub fn kind(&self) -> PlanKind {
        match self {
            DocumentFields::Action(_) => PlanKind::Action,
            DocumentFields::Recovery(_) => PlanKind::Recovery,
            DocumentFields::Canvas(_) => PlanKind::Canvas,
        }
    }
}

/// Saves a new version of a plan. Every bad field is reported at once, a version saved by someone
/// else since `base_version` is refused (409, `base_version`: `plan-changed`), and nothing is written
/// unless all of it is valid.
pub async fn save(
    state: &AppState,
    ctx: &Ctx,
    trajectory_id: Uuid,
    document: &DocumentFields,
    fields: &SaveFields,
) -> Result<i32, AppError> {
    let kind = document.kind();
    let mut errors = FieldErrors::new();
    let base = errors.check("base_version", whole_number(&fields.base_version, 0, i32::MAX));
    let note = errors.check("note", optional_multiline(&fields.note, 1000)).flatten();
    let consultation_id = errors
        .check("consultation_id", parse_optional_id(&fields.consultation_id))
        .flatten();
    let group_session_id = errors
        .check("group_session_id", parse_optional_id(&fields.group_session_id))
        .flatten();
    let mut tx = state.db.begin().await?;
    let trajectory = trajectories::get(&mut tx, trajectory_id)
        .await?
        .ok_or(AppError::NotFound)?;
    authorise(&mut tx, ctx, trajectory.participant_id, Need::Record).await?;
    let content = match document {
        DocumentFields::Action(plan) => plan.parse(&mut fresh_id).map(PlanContent::Action),
        DocumentFields::Recovery(sections) => parse_recovery_plan(sections).map(PlanContent::Recovery),
        DocumentFields::Canvas(items) => {
            // Items keep their link to a step from the version before.
            let before = match current_content(&mut tx, trajectory_id, kind, Reach::Full).await? {
                Some(PlanContent::Canvas(canvas)) => canvas,
                _ => Canvas::default(),
            };
            parse_canvas(items, &before, &mut fresh_id).map(PlanContent::Canvas)
        }
    };
    let content = content.map_err(|e| errors.0.extend(e.0)).ok();
    if let Some(id) = consultation_id
        && !plans::discussed_at(&mut tx, id, trajectory.participant_id).await?
    {
        errors.add("consultation_id", "not-discussed");
    }
    if let Some(id) = group_session_id
        && !plans::took_part_in(&mut tx, id, trajectory.participant_id).await?
    {
        errors.add("group_session_id", "not-taken-part");
    }
    let (Some(base), Some(content)) = (base, content) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let meta = VersionMeta {
        shared: fields.shared,
        shared_with_participant: fields.shared_with_participant,
        consultation_id,
        group_session_id,
        note,
    };
    let version = write(&mut tx, ctx, &trajectory, base, &content, &meta, None).await?;
    tx.commit().await?;
    Ok(version)
}

/// A save on top of a version that is no longer the latest: someone saved in between.
pub(super) fn plan_changed() -> AppError {
    AppError::Conflict(FieldErrors::single("base_version", "plan-changed"))
}

/// Writes a version and its audit event in the caller's transaction; `step` says which step a
/// one-step change was about.
pub(super) async fn write(
    tx: &mut impl Access,
    ctx: &Ctx,
    trajectory: &Trajectory,
    base: i32,
    content: &PlanContent,
    meta: &VersionMeta,
    step: Option<serde_json::Value>,
) -> Result<i32, AppError> {
    let (_, version) = plans::save(tx, trajectory.id, base, content, meta, ctx.user.id)
        .await
        .map_err(|e| match e {
            onramp_store::StoreError::Taken(_) => plan_changed(),
            other => other.into(),
        })?;
    let mut event = Event::new("plan.save", "trajectory", trajectory.id).for_participant(trajectory.participant_id);
    event.after = Some(
        serde_json::json!({
            "kind": content.kind(), "version": version, "shared": meta.shared,
            "consultation_id": meta.consultation_id, "group_session_id": meta.group_session_id, "content": content,
            "step": step,
        })
        .to_string(),
    );
    audit::record(tx, &ctx.who, event).await?;
    Ok(version)
}

/// Stops sharing a plan with the care team or the participant, e.g. after sharing a version by
/// mistake: from then on they read nothing of it until a version is saved as shared with them
/// again. The coaches who write the plan.
pub async fn unshare(
    state: &AppState,
    ctx: &Ctx,
    trajectory_id: Uuid,
    kind: PlanKind,
    audience: Audience,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let trajectory = trajectories::get(&mut tx, trajectory_id)
        .await?
        .ok_or(AppError::NotFound)?;
    authorise(&mut tx, ctx, trajectory.participant_id, Need::Edit).await?;
    let plan = plans::get(&mut tx, trajectory_id, kind)
        .await?
        .ok_or(AppError::NotFound)?;
    plans::unshare(&mut tx, plan.id, audience).await?;
    let mut event = Event::new("plan.unshare", "trajectory", trajectory_id).for_participant(trajectory.participant_id);
    event.before = Some(
        match audience {
            Audience::CareTeam => serde_json::json!({ "kind": kind, "shared_version": plan.shared_version }),
            Audience::Participant => {
                serde_json::json!({ "kind": kind, "participant_version": plan.participant_version })
            }
        }
        .to_string(),
    );
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a comment to the version of the plan the author reads; `for_participant` (coaches who
/// see the whole plan) lets the participant read it in the portal.
pub async fn comment(
    state: &AppState,
    ctx: &Ctx,
    trajectory_id: Uuid,
    kind: PlanKind,
    body: &str,
    for_participant: bool,
) -> Result<Uuid, AppError> {
    let body = required_multiline(body, 2000).map_err(|code| AppError::invalid("body", code))?;
    let mut tx = state.db.begin().await?;
    let access = reach(&mut tx, ctx, trajectory_id).await?;
    super::participants::takes_part(&mut tx, access.trajectory.participant_id).await?;
    let plan = plans::get(&mut tx, trajectory_id, kind)
        .await?
        .ok_or(AppError::NotFound)?;
    let version = match access.reach {
        Reach::Full => plan.version,
        Reach::Shared => plan.shared_version.ok_or(AppError::NotFound)?,
    };
    if for_participant && access.reach != Reach::Full {
        return Err(AppError::invalid("for_participant", "coaches-only"));
    }
    let new = NewComment {
        version,
        author: ctx.user.id,
        body: &body,
        with_participant: for_participant,
    };
    let id = write_comment(&mut tx, ctx, &access.trajectory, plan.id, kind, &new).await?;
    tx.commit().await?;
    Ok(id)
}

/// Writes a comment and its audit event in the caller's transaction (coaches, care team and the
/// participant in the portal alike).
pub(super) async fn write_comment(
    tx: &mut impl Access,
    ctx: &Ctx,
    trajectory: &Trajectory,
    plan_id: Uuid,
    kind: PlanKind,
    new: &NewComment<'_>,
) -> Result<Uuid, AppError> {
    let id = plans::add_comment(tx, plan_id, new).await?;
    let mut event = Event::new("plan.comment", "trajectory", trajectory.id).for_participant(trajectory.participant_id);
    event.after = Some(
        serde_json::json!({
            "kind": kind, "version": new.version, "comment_id": id, "with_participant": new.with_participant,
        })
        .to_string(),
    );
    audit::record(tx, &ctx.who, event).await?;
    Ok(id)
}
