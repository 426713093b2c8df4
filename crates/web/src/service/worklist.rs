//! The worklist: the work due of each kind within the actor's `policy::worklist_scope`, each item
//! with the link to the page where it is done. The home page and `GET /api/v1/worklist` read it.

use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use crate::time::{local_day, today};
use chrono::{Days, NaiveDate};
use onramp_domain::plans::PlanContent;
use onramp_domain::policy::{self, WorklistScope};
use onramp_domain::purposes;
use onramp_domain::sessions::local_day as session_day;
use onramp_domain::worklist::{Kind, SESSION_DAYS, STEPS_AHEAD_DAYS};
use onramp_store::group_sessions::{self, GroupSession, Led};
use onramp_store::{Conn, worklist};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// One thing to do.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkItem {
    /// session, attendance, step, check_in, no_contact, ending, comment
    pub kind: String,
    /// When it falls due: the session's day, the step's or check-in's due date, the maximum end
    /// of the trajectory; for no_contact the day of the last contact (or the start), for a comment
    /// the day it was written.
    pub due_on: NaiveDate,
    /// Whether that day has passed (for sessions: whether it is today).
    pub overdue: bool,
    pub participant_id: Option<Uuid>,
    pub participant_name: Option<String>,
    pub trajectory_id: Option<Uuid>,
    pub session_id: Option<Uuid>,
    pub check_in_id: Option<Uuid>,
    /// What it is: the session's title, the step's description (to those who read it), the plan.
    pub detail: Option<String>,
    /// Who does a step: participant, coach, care_partner, employer.
    pub owner: Option<String>,
    /// The page where the work is done.
    pub link: String,
}

/// How many there are of a kind (people, plans or sessions), with the link to their list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkCount {
    pub kind: String,
    pub count: i64,
    pub link: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Worklist {
    pub today: NaiveDate,
    /// Whether the home page shows this worklist as numbers (a coordinator's region).
    pub counted: bool,
    pub counts: Vec<WorkCount>,
    /// The items of each kind, soonest first, at most `limit` of each (none on a counted home).
    pub items: Vec<WorkItem>,
}

/// The actor's worklist: counts of every kind in their scope, and items of `only` (or of every
/// kind) unless `counts_only`.
pub async fn worklist(
    state: &AppState,
    ctx: &Ctx,
    only: Option<Kind>,
    counts_only: bool,
    limit: i64,
) -> Result<Worklist, AppError> {
    let scope = policy::worklist_scope(&ctx.actor);
    if scope.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut conn = state.db.conn().await?;
    let reader = Reader {
        ctx,
        scope,
        today: today(),
    };
    let mut counts = Vec::new();
    let mut items = Vec::new();
    for &kind in scope.kinds.iter().filter(|k| only.is_none_or(|o| o == **k)) {
        counts.push(WorkCount {
            kind: kind.as_str().to_owned(),
            count: reader.count(&mut conn, kind).await?,
            link: format!("/worklist?kind={kind}"),
        });
        if !counts_only {
            items.extend(reader.items(&mut conn, kind, limit).await?);
        }
    }
    drop(conn);
    let named = items
        .iter()
        .filter(|i| i.participant_name.is_some())
        .filter_map(|i| i.participant_id);
    super::audit::list_view(state, ctx, "worklist.list", purposes::of_caseload(&ctx.actor), named).await?;
    Ok(Worklist {
        today: reader.today,
        counted: scope.counted,
        counts,
        items,
    })
}

struct Reader<'a> {
    ctx: &'a Ctx,
    scope: WorklistScope,
    today: NaiveDate,
}

impl Reader<'_> {
    fn led(&self) -> Led {
        Led {
            by: self.scope.sessions_led.then_some(self.ctx.actor.user_id),
            regions: if self.scope.sessions_by_region {
                self.ctx.actor.regions.clone()
            } else {
                Vec::new()
            },
        }
    }

    fn week_end(&self) -> NaiveDate {
        self.today + Days::new(SESSION_DAYS - 1)
    }

    async fn count(&self, conn: &mut Conn, kind: Kind) -> Result<i64, AppError> {
        let actor = &self.ctx.actor;
        Ok(match kind {
            Kind::Session => group_sessions::count_between(conn, &self.led(), self.today, self.week_end()).await?,
            Kind::Attendance => group_sessions::count_unmarked(conn, &self.led(), chrono::Utc::now()).await?,
            _ => worklist::count(conn, self.scope.trajectories, actor, kind, self.today).await?,
        })
    }

    async fn items(&self, conn: &mut Conn, kind: Kind, limit: i64) -> Result<Vec<WorkItem>, AppError> {
        let actor = &self.ctx.actor;
        let trajectories = self.scope.trajectories;
        Ok(match kind {
            Kind::Session => {
                let scope = policy::SessionScope {
                    all: false,
                    led: self.scope.sessions_led,
                    open_to_partners: false,
                    by_membership: false,
                    by_region: self.scope.sessions_by_region,
                };
                let sessions =
                    group_sessions::list(conn, scope, actor.user_id, self.today, self.week_end(), None, limit).await?;
                sessions.iter().map(|s| self.session(kind, s)).collect()
            }
            Kind::Attendance => {
                let sessions = group_sessions::unmarked(conn, &self.led(), chrono::Utc::now(), limit).await?;
                sessions.iter().map(|s| self.session(kind, s)).collect()
            }
            Kind::Step => self.steps(conn, limit).await?,
            Kind::CheckIn => {
                let until = self.today + Days::new(onramp_domain::worklist::CHECK_INS_AHEAD_DAYS);
                let mut due = onramp_store::check_ins::due_in(conn, trajectories, actor, until).await?;
                due.truncate(usize::try_from(limit).unwrap_or(0));
                due.into_iter()
                    .map(|c| WorkItem {
                        check_in_id: Some(c.id),
                        detail: Some(c.programme_name),
                        link: format!("/participants/{}#check-ins-title", c.participant_id),
                        ..self.person(kind, c.due_on, c.participant_id, c.participant_name, c.trajectory_id)
                    })
                    .collect()
            }
            Kind::NoContact | Kind::Ending => {
                let due = worklist::due(conn, trajectories, actor, kind, self.today, limit).await?;
                let section = if kind == Kind::NoContact {
                    "coaching-title"
                } else {
                    "trajectories-title"
                };
                due.into_iter()
                    .map(|d| WorkItem {
                        detail: Some(d.programme_name),
                        link: format!("/participants/{}#{section}", d.participant_id),
                        // Quiet since a day is not late in itself: the list is of those quiet too long.
                        overdue: kind == Kind::Ending && d.day < self.today,
                        ..self.person(kind, d.day, d.participant_id, d.participant_name, d.trajectory_id)
                    })
                    .collect()
            }
            Kind::Comment | Kind::Proposal => {
                let waiting = worklist::waiting(conn, kind, trajectories, actor, limit).await?;
                let anchor = if kind == Kind::Comment {
                    "comments-title"
                } else {
                    "add-step-title"
                };
                waiting
                    .into_iter()
                    .map(|w| WorkItem {
                        link: format!("/trajectories/{}/plans/{}#{anchor}", w.trajectory_id, w.kind),
                        detail: Some(w.kind),
                        overdue: false,
                        ..self.person(
                            kind,
                            local_day(w.since),
                            w.participant_id,
                            w.participant_name,
                            w.trajectory_id,
                        )
                    })
                    .collect()
            }
        })
    }

    fn session(&self, kind: Kind, s: &GroupSession) -> WorkItem {
        let day = session_day(s.starts_at);
        WorkItem {
            kind: kind.as_str().to_owned(),
            due_on: day,
            overdue: if kind == Kind::Session {
                day == self.today
            } else {
                day < self.today
            },
            participant_id: None,
            participant_name: None,
            trajectory_id: None,
            session_id: Some(s.id),
            check_in_id: None,
            detail: Some(format!("{} ({}/{})", s.title, s.position, s.series_size)),
            owner: None,
            link: format!("/sessions/{}", s.id),
        }
    }

    fn person(&self, kind: Kind, day: NaiveDate, participant: Uuid, name: String, trajectory: Uuid) -> WorkItem {
        WorkItem {
            kind: kind.as_str().to_owned(),
            due_on: day,
            overdue: day < self.today,
            participant_id: Some(participant),
            participant_name: Some(name),
            trajectory_id: Some(trajectory),
            session_id: None,
            check_in_id: None,
            detail: None,
            owner: None,
            link: format!("/participants/{participant}"),
        }
    }

    /// The open steps due of the trajectories with steps due, one item per step; what each step is
    /// and who does it come from the latest action plan, to those who read it.
    async fn steps(&self, conn: &mut Conn, limit: i64) -> Result<Vec<WorkItem>, AppError> {
        let due = worklist::due(
            conn,
            self.scope.trajectories,
            &self.ctx.actor,
            Kind::Step,
            self.today,
            limit,
        )
        .await?;
        let ids: Vec<Uuid> = due.iter().map(|d| d.trajectory_id).collect();
        let steps = worklist::open_steps(conn, &ids, self.today + Days::new(STEPS_AHEAD_DAYS)).await?;
        let plans = if self.scope.step_texts {
            worklist::action_plans(conn, &ids).await?
        } else {
            Vec::new()
        };
        let mut items = Vec::new();
        for step in steps.into_iter().take(usize::try_from(limit).unwrap_or(0)) {
            let Some(d) = due.iter().find(|d| d.trajectory_id == step.trajectory_id) else {
                continue;
            };
            let described = plans
                .iter()
                .find(|(t, _)| *t == step.trajectory_id)
                .and_then(|(_, content)| describe(content, &step.step_id));
            let (detail, owner) = described.unzip();
            items.push(WorkItem {
                detail,
                owner,
                // The step on the plan, where those who write the plan tick it off.
                link: format!(
                    "/trajectories/{}/plans/action#step-{}",
                    step.trajectory_id, step.step_id
                ),
                ..self.person(
                    Kind::Step,
                    step.due_on,
                    d.participant_id,
                    d.participant_name.clone(),
                    d.trajectory_id,
                )
            });
        }
        Ok(items)
    }
}

/// A step's description and owner, from the plan's content.
fn describe(content: &str, step_id: &str) -> Option<(String, String)> {
    let PlanContent::Action(plan) = serde_json::from_str::<PlanContent>(content).ok()? else {
        return None;
    };
    plan.goals
        .iter()
        .flat_map(|g| &g.steps)
        .find(|s| s.id == step_id)
        .map(|s| (s.description.clone(), s.owner.as_str().to_owned()))
}
