//! The trajectories the rows of an outcomes, barriers or contacts file refer to, looked up once
//! each: known to the importer only when they exist and the importer may change the participant's
//! file (one they may not is refused as if it did not exist).

use super::rows::{Failure, Row, error, error_with, store_error};
use crate::error::AppError;
use crate::exchange::import_report::RowError;
use crate::identity::Ctx;
use crate::service::participants::{Need, authorise};
use chrono::NaiveDate;
use onramp_domain::consents::Lapse;
use onramp_domain::organisations::parse_id;
use onramp_store::{Tx, consents, trajectories};
use std::collections::HashMap;
use uuid::Uuid;

/// What a row needs of its trajectory.
#[derive(Debug, Clone, Copy)]
pub(super) struct Known {
    pub participant_id: Uuid,
    pub started_on: NaiveDate,
    pub organisation_id: Uuid,
    pub location_id: Option<Uuid>,
    pub coach_id: Option<Uuid>,
    pub ended_on: Option<NaiveDate>,
    /// How the person's consent to take part stopped holding (and none holds since).
    pub lapse: Option<Lapse>,
}

impl Known {
    /// Something new is recorded only while the person takes part, as on the participant file.
    pub fn takes_part(&self, line: usize, ctx: &Ctx) -> Result<(), Failure> {
        match self.lapse {
            None => Ok(()),
            Some(lapse) => {
                let named = [
                    ("date", crate::i18n::date(&lapse.on())),
                    ("how", lapse.how().to_owned()),
                ];
                let named = named.each_ref().map(|(k, v)| (*k, v.as_str()));
                Err(Failure::Row(vec![error_with(
                    line,
                    "trajectory_id",
                    "consent-withdrawn",
                    &named,
                    ctx,
                )]))
            }
        }
    }

    /// What happened after the exit belongs to a check-in, not to the trajectory.
    pub fn before_exit(&self, line: usize, on: NaiveDate, ctx: &Ctx) -> Result<(), Failure> {
        match self.ended_on {
            Some(ended) if on > ended => {
                let named = [("date", crate::i18n::date(&ended))];
                let named = named.each_ref().map(|(k, v)| (*k, v.as_str()));
                Err(Failure::Row(vec![error_with(line, "on", "after-exit", &named, ctx)]))
            }
            _ => Ok(()),
        }
    }
}

#[derive(Default)]
pub(super) struct Trajectories {
    /// `None`: no such trajectory, or not the importer's to change.
    found: HashMap<Uuid, Option<Known>>,
}

impl Trajectories {
    /// The row's trajectory. A `trajectory_id` that is no id is left to the domain's parser to
    /// report; one that is unknown (or not the importer's) is reported here, in `errors`.
    pub async fn find(
        &mut self,
        tx: &mut Tx,
        ctx: &Ctx,
        row: &Row<'_>,
        errors: &mut Vec<RowError>,
    ) -> Result<Option<Known>, Failure> {
        let Ok(id) = parse_id(row.get("trajectory_id")) else {
            return Ok(None);
        };
        if !self.found.contains_key(&id) {
            let known = self.look_up(tx, ctx, row.line, id).await?;
            self.found.insert(id, known);
        }
        let known = self.found[&id];
        if known.is_none() {
            errors.push(error(row.line, "trajectory_id", "invalid-reference", ctx));
        }
        Ok(known)
    }

    async fn look_up(&self, tx: &mut Tx, ctx: &Ctx, line: usize, id: Uuid) -> Result<Option<Known>, Failure> {
        let Some(t) = trajectories::get(tx, id).await.map_err(|e| store_error(line, e, ctx))? else {
            return Ok(None);
        };
        match authorise(tx, ctx, t.participant_id, Need::Edit).await {
            Ok(_) => Ok(Some(Known {
                lapse: consents::participation_lapse(tx, t.participant_id)
                    .await
                    .map_err(|e| store_error(line, e, ctx))?,
                ended_on: t.ended_on,
                participant_id: t.participant_id,
                started_on: t.started_on,
                organisation_id: t.organisation_id,
                location_id: t.location_id,
                coach_id: t.coach_id,
            })),
            Err(AppError::Internal(e)) => Err(Failure::Internal(AppError::Internal(e))),
            Err(_) => Ok(None),
        }
    }
}
