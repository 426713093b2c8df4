//! The participant file's timeline: what happened, from every part of the file, in one list.

use super::layout::Page;
use crate::service::participants::ParticipantFile;
use onramp_store::programmes::Programme;

pub struct TimelineEntry {
    pub(super) on: chrono::NaiveDate,
    pub(super) text: String,
    pub(super) note: Option<String>,
    pub(super) by: Option<String>,
}

/// What happened, newest first: trajectory events, contacts, outcomes, barriers, consultations
/// and group sessions, in the page's language.
pub(super) fn timeline(p: &Page, file: &ParticipantFile, programmes: &[Programme]) -> Vec<TimelineEntry> {
    let mut timeline = file
        .events
        .iter()
        .map(|e| {
            let trajectory = file.trajectories.iter().find(|t| t.id == e.trajectory_id);
            let programme = trajectory.and_then(|t| programmes.iter().find(|g| g.id == t.programme_id));
            let phase = |code: &Option<String>| {
                let code = code.clone().unwrap_or_default();
                programme.map(|g| g.phase_name(&code)).unwrap_or(code)
            };
            let programme_name = trajectory.map(|t| t.programme_name.clone()).unwrap_or_default();
            let text = match e.kind.as_str() {
                "start" => p.t1("timeline-start", "programme", &programme_name),
                "phase" => p.t2("timeline-phase", "from", phase(&e.from_value), "to", phase(&e.to_value)),
                "handover" => p.t1("timeline-handover", "programme", &programme_name),
                "leaving_situation" => p.t1(
                    "timeline-leaving-situation",
                    "situation",
                    p.label("situation-exit", e.to_value.clone().unwrap_or_default()),
                ),
                "exit" => p.t1(
                    "timeline-exit",
                    "reason",
                    p.label("exit", e.to_value.clone().unwrap_or_default()),
                ),
                other => other.to_owned(),
            };
            TimelineEntry {
                on: e.on_date,
                text,
                note: e.note.clone(),
                by: e.by_name.clone(),
            }
        })
        .chain(file.contacts.iter().map(|c| TimelineEntry {
            on: c.on_date,
            text: p.t2(
                "timeline-contact",
                "mode",
                p.label("contact-mode", &c.mode),
                "topic",
                &c.topic,
            ),
            note: c.next_step.clone(),
            by: Some(c.coach_name.clone()),
        }))
        .chain(file.outcomes.iter().map(|o| TimelineEntry {
            on: o.on_date,
            text: p.t1("timeline-outcome", "kind", p.label("outcome", &o.kind)),
            note: o.place.clone(),
            by: o.recorded_by_name.clone(),
        }))
        .chain(file.barriers.iter().map(|b| TimelineEntry {
            on: b.noted_on,
            text: p.t1("timeline-barrier", "barrier", file.barrier_names.name(p.lang, &b.code)),
            note: b.note.clone(),
            by: None,
        }))
        .chain(file.consultations.iter().map(|k| TimelineEntry {
            on: k.on_date,
            text: p.t1("timeline-consultation", "attendees", &k.attendees),
            note: k.decisions.clone(),
            by: Some(k.coach_name.clone()),
        }))
        .chain(file.sessions.iter().map(|s| {
            TimelineEntry {
                on: s.on_date,
                text: p.t2(
                    "timeline-session",
                    "title",
                    &s.title,
                    "attendance",
                    s.attendance
                        .as_deref()
                        .map(|a| p.label("attendance", a))
                        .unwrap_or_else(|| p.t("session-not-taken")),
                ),
                note: None,
                by: None,
            }
        }))
        .collect::<Vec<_>>();
    // Newest first; on one day, the order of recording.
    timeline.sort_by_key(|e| std::cmp::Reverse(e.on));
    timeline
}
