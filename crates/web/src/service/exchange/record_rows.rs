//! The rows of the outcomes, barriers and coaching contacts exports: what is recorded on a page of
//! trajectories, in the trajectories' order, then by date. Free-text notes stay out (docs/import.md);
//! a barrier's description goes along, as the barrier `other` is nothing without it.

use crate::error::AppError;
use crate::exchange::Kind;
use chrono::NaiveDate;
use onramp_store::{Access, coaching, outcomes, users};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use uuid::Uuid;

/// Each row with the participant whose file it is part of.
pub(super) async fn rows(
    conn: &mut impl Access,
    kind: Kind,
    trajectories: &[Uuid],
) -> Result<Vec<(Uuid, Vec<String>)>, AppError> {
    let place: HashMap<Uuid, usize> = trajectories.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    let order = |trajectory: &Uuid, on: NaiveDate, id: Uuid| (place.get(trajectory).copied(), on, id);
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut rows = match kind {
        Kind::Participants => return Ok(Vec::new()),
        Kind::Outcomes => {
            let mut found = outcomes::for_trajectories(conn, trajectories).await?;
            found.sort_by_key(|o| order(&o.trajectory_id, o.on_date, o.id));
            found
                .into_iter()
                .map(|o| {
                    let row = vec![
                        o.id.to_string(),
                        o.trajectory_id.to_string(),
                        o.kind,
                        o.on_date.to_string(),
                        o.hours_per_week.map(|h| h.to_string()).unwrap_or_default(),
                        text(&o.contract),
                        text(&o.place),
                        yes_no(o.with_support).into(),
                    ];
                    (o.participant_id, row)
                })
                .collect::<Vec<_>>()
        }
        Kind::Barriers => {
            let mut found = outcomes::barriers_for_trajectories(conn, trajectories).await?;
            found.sort_by_key(|b| order(&b.trajectory_id, b.noted_on, b.id));
            found
                .into_iter()
                .map(|b| {
                    let row = vec![
                        b.id.to_string(),
                        b.trajectory_id.to_string(),
                        b.code,
                        b.noted_on.to_string(),
                        text(&b.note),
                        b.status,
                        b.closed_on.map(|d| d.to_string()).unwrap_or_default(),
                    ];
                    (b.participant_id, row)
                })
                .collect()
        }
        Kind::Contacts => {
            let mut found = coaching::contacts_for_trajectories(conn, trajectories).await?;
            found.sort_by_key(|c| order(&c.trajectory_id, c.on_date, c.id));
            let mut emails: HashMap<Uuid, String> = HashMap::new();
            let mut rows = Vec::with_capacity(found.len());
            for c in found {
                if let Entry::Vacant(entry) = emails.entry(c.coach_id) {
                    let email = users::get(conn, c.coach_id).await?.map(|u| u.email);
                    entry.insert(email.unwrap_or_default());
                }
                let row = vec![
                    c.id.to_string(),
                    c.trajectory_id.to_string(),
                    c.on_date.to_string(),
                    c.minutes.to_string(),
                    c.mode,
                    text(&c.place),
                    c.topic,
                    emails[&c.coach_id].clone(),
                ];
                rows.push((c.participant_id, row));
            }
            rows
        }
    };
    debug_assert!(rows.iter().all(|(_, row)| row.len() == kind.columns().len()));
    rows.shrink_to_fit();
    Ok(rows)
}

/// How the format writes a yes-or-no cell.
pub(super) fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}
