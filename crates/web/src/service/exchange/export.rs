//! The exports in the exchange format (participants with their trajectories, or the outcomes,
//! barriers or coaching contacts of those trajectories), a page at a time: a large caseload streams
//! out instead of being built whole (what stays in memory is the ids of the people exported, so
//! that each is audited once). Each page's people count as reads of
//! their files, audited before the page is handed out, so an export that stops half-way has
//! recorded what it disclosed.

use super::record_rows;
use crate::error::AppError;
use crate::exchange::{COLUMNS, Kind};
use crate::identity::Ctx;
use crate::state::AppState;
use chrono::NaiveDate;
use onramp_domain::policy::{self, Action, Decision};
use onramp_domain::purposes::Purpose;
use onramp_store::audit::{self, Event};
use onramp_store::caseload::{self, Filter, Status};
use onramp_store::programmes::Programme;
use onramp_store::{Access, participants, trajectories, users};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Rows read per page.
const PAGE: i64 = 1_000;

/// Every trajectory in the actor's caseload scope (active and ended), then the people in scope
/// without a trajectory yet, each as rows of the exchange format.
pub struct Export {
    kind: Kind,
    programmes: Vec<Programme>,
    stage: Stage,
    /// Each person's file is audited once per export, however many trajectories they have.
    seen: HashSet<Uuid>,
    /// Coaches' e-mail addresses, read once per coach.
    coaches: HashMap<Uuid, String>,
}

enum Stage {
    Trajectories(Filter),
    /// People without a trajectory, still to export, in name order.
    Unplaced(std::vec::IntoIter<Uuid>),
    Done,
}

impl Export {
    /// Refuses at once (before any row) whom the policy gives no caseload.
    pub async fn start(state: &AppState, ctx: &Ctx, kind: Kind) -> Result<Export, AppError> {
        if policy::decide(&ctx.actor, Action::ExportParticipants) != Decision::Allow {
            return Err(AppError::Forbidden);
        }
        let mut conn = state.db.conn().await?;
        Ok(Export {
            kind,
            programmes: onramp_store::programmes::list(&mut conn).await?,
            stage: Stage::Trajectories(every_trajectory()),
            seen: HashSet::new(),
            coaches: HashMap::new(),
        })
    }

    /// Starts over with another kind, keeping who was audited: a workbook reads each file once.
    fn restart(&mut self, kind: Kind) {
        self.kind = kind;
        self.stage = Stage::Trajectories(every_trajectory());
    }

    /// The next page of rows, `None` when the export is complete.
    pub async fn next_page(&mut self, state: &AppState, ctx: &Ctx) -> Result<Option<Vec<Vec<String>>>, AppError> {
        let mut conn = state.db.conn().await?;
        let mut rows = Vec::new();
        let mut people = Vec::new();
        while rows.is_empty() {
            match &mut self.stage {
                Stage::Trajectories(filter) => {
                    let page = caseload::page(&mut conn, &ctx.actor, filter, PAGE).await?;
                    let Some(last) = page.last() else {
                        if self.kind != Kind::Participants {
                            self.stage = Stage::Done;
                            continue;
                        }
                        let ids = participants::without_trajectory(&mut conn, &ctx.actor).await?;
                        self.stage = Stage::Unplaced(ids.into_iter());
                        continue;
                    };
                    filter.after = Some(last.cursor(filter.sort));
                    let lines: Vec<(Uuid, Uuid)> = page.iter().map(|l| (l.participant_id, l.trajectory_id)).collect();
                    if self.kind == Kind::Participants {
                        self.trajectory_rows(&mut conn, &lines, &mut rows, &mut people).await?;
                    } else {
                        let trajectories: Vec<Uuid> = lines.iter().map(|(_, t)| *t).collect();
                        for (participant, row) in record_rows::rows(&mut conn, self.kind, &trajectories).await? {
                            rows.push(row);
                            if self.seen.insert(participant) {
                                people.push(participant);
                            }
                        }
                    }
                }
                Stage::Unplaced(ids) => {
                    let chunk: Vec<Uuid> = ids.by_ref().take(PAGE as usize).collect();
                    if chunk.is_empty() {
                        self.stage = Stage::Done;
                        continue;
                    }
                    self.unplaced_rows(&mut conn, ctx, &chunk, &mut rows, &mut people)
                        .await?;
                }
                Stage::Done => return Ok(None),
            }
        }
        drop(conn);
        if !people.is_empty() {
            let mut tx = state.db.begin().await?;
            let events = people
                .iter()
                .map(|id| Event::read("participant.export", "participant", id, Purpose::Export).for_participant(*id))
                .collect();
            audit::record_many(&mut tx, &ctx.who, events).await?;
            tx.commit().await?;
        }
        Ok(Some(rows))
    }

    /// A page of caseload lines (person, trajectory) as rows: their people and trajectories in two
    /// reads, not two per line.
    async fn trajectory_rows(
        &mut self,
        conn: &mut impl Access,
        lines: &[(Uuid, Uuid)],
        rows: &mut Vec<Vec<String>>,
        people: &mut Vec<Uuid>,
    ) -> Result<(), AppError> {
        let ids: Vec<Uuid> = lines.iter().map(|(p, _)| *p).collect();
        let found = participants::get_many(conn, &ids).await?;
        let ids: Vec<Uuid> = lines.iter().map(|(_, t)| *t).collect();
        let trajectories = trajectories::get_many(conn, &ids).await?;
        for (participant_id, trajectory_id) in lines {
            let (Some(p), Some(t)) = (found.get(participant_id), trajectories.get(trajectory_id)) else {
                continue;
            };
            let coach = match t.coach_id {
                Some(id) => self.coach_email(conn, id).await?,
                None => String::new(),
            };
            let code = self
                .programmes
                .iter()
                .find(|g| g.id == t.programme_id)
                .map(|g| g.definition.code.clone())
                .unwrap_or_default();
            rows.push(row_for(p, Some((t, code, coach))));
            if self.seen.insert(p.id) {
                people.push(p.id);
            }
        }
        Ok(())
    }

    /// People registered without a trajectory yet, as rows without a programme: those the policy
    /// lets the actor see, in the order given.
    async fn unplaced_rows(
        &mut self,
        conn: &mut impl Access,
        ctx: &Ctx,
        ids: &[Uuid],
        rows: &mut Vec<Vec<String>>,
        people: &mut Vec<Uuid>,
    ) -> Result<(), AppError> {
        let references = participants::access_refs(conn, ids).await?;
        let allowed: Vec<Uuid> = ids
            .iter()
            .filter(|id| {
                references
                    .get(id)
                    .is_some_and(|r| policy::decide(&ctx.actor, Action::ViewParticipant(r)) == Decision::Allow)
            })
            .copied()
            .collect();
        let found = participants::get_many(conn, &allowed).await?;
        for id in &allowed {
            if let Some(p) = found.get(id) {
                rows.push(row_for(p, None));
                if self.seen.insert(*id) {
                    people.push(*id);
                }
            }
        }
        Ok(())
    }

    /// A coach's e-mail for the export, read once per coach.
    async fn coach_email(&mut self, conn: &mut impl Access, id: Uuid) -> Result<String, AppError> {
        if let Some(email) = self.coaches.get(&id) {
            return Ok(email.clone());
        }
        let email = users::get(conn, id).await?.map(|u| u.email).unwrap_or_default();
        self.coaches.insert(id, email.clone());
        Ok(email)
    }
}

/// A whole export at once, for the XLSX workbook (which is written whole in any case).
pub async fn export(state: &AppState, ctx: &Ctx, kind: Kind) -> Result<Vec<Vec<String>>, AppError> {
    let mut export = Export::start(state, ctx, kind).await?;
    let mut rows = Vec::new();
    while let Some(page) = export.next_page(state, ctx).await? {
        rows.extend(page);
    }
    Ok(rows)
}

/// Every kind, a sheet each, for the workbook; each person's file audited once.
pub async fn export_workbook(state: &AppState, ctx: &Ctx) -> Result<Vec<(Kind, Vec<Vec<String>>)>, AppError> {
    let mut export = Export::start(state, ctx, Kind::Participants).await?;
    let mut sheets = Vec::new();
    for kind in Kind::ALL {
        export.restart(kind);
        let mut rows = Vec::new();
        while let Some(page) = export.next_page(state, ctx).await? {
            rows.extend(page);
        }
        sheets.push((kind, rows));
    }
    Ok(sheets)
}

/// The caseload filter of an export: every trajectory in scope, active and ended.
fn every_trajectory() -> Filter {
    Filter {
        status: Status::All,
        ..Default::default()
    }
}

fn row_for(
    p: &participants::Participant,
    trajectory: Option<(&trajectories::Trajectory, String, String)>,
) -> Vec<String> {
    let r = &p.record;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let date = |v: Option<NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
    let mut row = vec![
        p.id.to_string(),
        r.first_name.clone(),
        r.last_name.clone(),
        r.birth_date.to_string(),
        text(&r.national_register),
        text(&r.email),
        text(&r.phone),
        r.language.to_string(),
        r.gender.to_string(),
        r.education.to_string(),
        r.health_category.to_string(),
        date(r.incapacity_since),
        r.situation.to_string(),
        text(&r.referrer),
        p.organisation_name.clone(),
    ];
    match trajectory {
        Some((t, programme, coach)) => row.extend([
            t.id.to_string(),
            programme,
            t.organisation_name.clone(),
            coach,
            t.started_on.to_string(),
            t.phase.clone(),
            date(t.ended_on),
            text(&t.exit_reason),
            text(&t.exit_situation),
            text(&t.mediation_organisation_name),
            text(&t.mediation_service),
        ]),
        None => row.extend(std::iter::repeat_n(String::new(), 11)),
    }
    row.extend(r.esf.fields().values().map(str::to_owned));
    debug_assert_eq!(row.len(), COLUMNS.len());
    row
}
