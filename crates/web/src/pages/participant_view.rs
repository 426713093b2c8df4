//! The participant file as a page, built from what was read: a pure function of the file, the
//! programmes, the coaches who could take over, and today, so that what the page shows is tested
//! without a server.

use super::form::Form;
use super::layout::Page;
use super::options::{Options, options, unique_options};
use super::participant_timeline::TimelineEntry;
use crate::service::participants::ParticipantFile;
use askama::Template;
use chrono::NaiveDate;
use onramp_domain::activities::ContactMode;
use onramp_domain::consents::{Lapse, Purpose};
use onramp_domain::esf_indicators::leaving_situation_until;
use onramp_domain::participants::{SicknessAtIntake, age_on, is_working_age, sickness_at};
use onramp_domain::trajectories::{ExitReason, duration_status};
use onramp_store::programmes::Programme;
use onramp_store::trajectories::Trajectory;
use std::collections::HashMap;
use uuid::Uuid;

/// A form on the participant page that failed, shown again with its errors.
pub struct Failed {
    pub trajectory: Option<Uuid>,
    pub action: &'static str,
    pub form: Form,
}

/// Everything the file page is built from.
pub struct FileFacts {
    pub file: ParticipantFile,
    /// The programmes, with built-in names in the page's language.
    pub programmes: Vec<Programme>,
    /// The coaches of each partner a trajectory is at, who can take it over.
    pub coaches: HashMap<Uuid, Options>,
    /// Where the actor may register or start trajectories.
    pub organisations: Options,
    /// Where a handover to job mediation may go (the public employment service, providers).
    pub mediation_organisations: Options,
    pub today: NaiveDate,
    /// A form that just failed, shown again with its errors.
    pub failed: Option<Failed>,
    /// A consent just withdrawn, to offer recording it again.
    pub undo: Option<Uuid>,
}

/// One trajectory on the participant page, with what its forms need.
pub struct TrajectoryCard {
    t: Trajectory,
    phase_name: String,
    phases: Options,
    coaches: Options,
    status: Option<String>,
    warnings: Vec<String>,
    /// Ended less than four weeks ago: the situation upon leaving may be recorded until then.
    leaving_situation_until: Option<chrono::NaiveDate>,
}

impl TrajectoryCard {
    fn phase_options(&self) -> &Options {
        &self.phases
    }

    fn coach_options(&self) -> &Options {
        &self.coaches
    }
}

#[derive(Template)]
#[template(path = "participant.html")]
pub struct ShowTemplate {
    p: Page,
    file: ParticipantFile,
    age: i32,
    working_age: bool,
    sickness: Option<SicknessAtIntake>,
    /// Show the ESF+ characteristics: the person follows a programme that reports to the ESF,
    /// or some are recorded.
    esf: bool,
    cards: Vec<TrajectoryCard>,
    summary: super::participant_summary::Summary,
    timeline: Vec<TimelineEntry>,
    programmes: Options,
    organisations: Options,
    mediation_organisations: Options,
    purposes: Options,
    exit_reasons: Options,
    sharing_organisations: Options,
    pub failed: Option<Failed>,
    today: String,
    /// The trajectory a new contact goes to by default: the newest open one.
    open_trajectory: String,
    contact_trajectories: Options,
    contact_modes: Options,
    outcome_kinds: Options,
    contracts: Options,
    exit_situations: Options,
    barrier_codes: Options,
    check_in_situations: Options,
    /// A consent just withdrawn, offered to be recorded again.
    undo: Option<Uuid>,
    /// Today, as the date consents' ends are held against.
    day: NaiveDate,
}

impl ShowTemplate {
    /// A barrier code's name: built-in ones in the page's language, added ones as written.
    fn barrier_name(&self, code: &str) -> String {
        self.barrier_codes
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| code.to_owned())
    }

    /// The last day of a consent whose end has passed (not withdrawn): it counts as withdrawn.
    fn expired_on(&self, c: &onramp_store::consents::Consent) -> Option<NaiveDate> {
        match onramp_domain::consents::lapse(c.withdrawn_on, c.ends_on, self.day) {
            Some(Lapse::Expired(on)) => Some(on),
            _ => None,
        }
    }

    /// The banner's message when the consent to take part no longer holds.
    fn lapse_text(&self, lapse: &Lapse) -> String {
        let key = match lapse {
            Lapse::Withdrawn(_) => "participant-consent-withdrawn",
            Lapse::Expired(_) => "participant-consent-expired",
        };
        self.p.t1(key, "date", self.p.date(&lapse.on()))
    }

    /// The consent withdrawn a moment ago, when the page was asked to offer an undo.
    fn undo_consent(&self) -> Option<&onramp_store::consents::Consent> {
        let undo = self.undo?;
        self.file
            .consents
            .iter()
            .find(|c| c.id == undo && c.withdrawn_on.is_some())
    }

    /// The participant-wide form of `action`, with its errors if it just failed.
    fn form_for(&self, action: &str) -> Form {
        self.failed_or_new(None, action)
    }

    /// The form of `action` on one trajectory, with its errors if it just failed.
    fn trajectory_form(&self, trajectory: &Uuid, action: &str) -> Form {
        self.failed_or_new(Some(*trajectory), action)
    }

    fn failed_or_new(&self, trajectory: Option<Uuid>, action: &str) -> Form {
        // Several forms share field names on this page; each gets its own ids.
        let prefix = match trajectory {
            Some(id) => format!("{action}-{}", id.simple()),
            None => action.to_owned(),
        };
        let form = match &self.failed {
            Some(f) if f.action == action && f.trajectory == trajectory => f.form.clone(),
            _ => Form::with_values(vec![
                ("on".into(), self.today.clone()),
                ("given_on".into(), self.today.clone()),
                ("started_on".into(), self.today.clone()),
                ("mode".into(), "in_person".into()),
                ("trajectory_id".into(), self.open_trajectory.clone()),
                ("noted_on".into(), self.today.clone()),
                ("done_on".into(), self.today.clone()),
            ]),
        };
        form.prefixed(prefix)
    }
}

/// The page of a participant file.
pub fn build(mut p: Page, facts: FileFacts) -> ShowTemplate {
    let record = &facts.file.participant.record;
    p.title = format!("{} {}", record.first_name, record.last_name);
    let cards = cards(&p, &facts);
    let phases: Vec<_> = cards
        .iter()
        .map(|c| (c.t.id, c.phase_name.clone(), c.status.clone()))
        .collect();
    let summary = super::participant_summary::summarise(&facts.file, &phases, facts.today, chrono::Utc::now());
    let timeline = super::participant_timeline::timeline(&p, &facts.file, &facts.programmes);
    let registered = crate::time::local_day(facts.file.participant.created_at);
    let sharing_organisations = unique_options(
        facts
            .file
            .trajectories
            .iter()
            .map(|t| (t.organisation_id.to_string(), t.organisation_name.clone()))
            .chain(std::iter::once((
                facts.file.participant.organisation_id.to_string(),
                facts.file.participant.organisation_name.clone(),
            ))),
    );
    let esf_programme = |id: uuid::Uuid| {
        facts
            .programmes
            .iter()
            .any(|g| g.id == id && g.definition.reports_to_esf)
    };
    let esf = facts.file.trajectories.iter().any(|t| esf_programme(t.programme_id))
        || facts.file.participant.record.esf != Default::default();
    ShowTemplate {
        undo: facts.undo,
        day: facts.today,
        esf,
        age: age_on(facts.file.participant.record.birth_date, facts.today),
        working_age: is_working_age(facts.file.participant.record.birth_date, facts.today),
        sickness: facts
            .file
            .participant
            .record
            .incapacity_since
            .map(|since| sickness_at(since, registered)),
        programmes: facts
            .programmes
            .iter()
            .map(|g| (g.id.to_string(), g.definition.name.clone()))
            .collect(),
        purposes: options(&p, "purpose", Purpose::ALL),
        exit_reasons: options(&p, "exit", ExitReason::ALL),
        organisations: facts.organisations,
        mediation_organisations: facts.mediation_organisations,
        sharing_organisations,
        cards,
        summary,
        timeline,
        failed: facts.failed,
        today: facts.today.to_string(),
        open_trajectory: facts
            .file
            .trajectories
            .iter()
            .find(|t| t.ended_on.is_none())
            .map(|t| t.id.to_string())
            .unwrap_or_default(),
        contact_trajectories: facts
            .file
            .trajectories
            .iter()
            .map(|t| {
                (
                    t.id.to_string(),
                    format!("{} · {}", t.programme_name, p.date(&t.started_on)),
                )
            })
            .collect(),
        contact_modes: options(&p, "contact-mode", ContactMode::ALL),
        outcome_kinds: options(&p, "outcome", onramp_domain::outcomes::OutcomeKind::ALL),
        contracts: options(&p, "contract", onramp_domain::outcomes::Contract::ALL),
        exit_situations: options(&p, "situation-exit", onramp_domain::outcomes::ExitSituation::ALL),
        barrier_codes: facts
            .file
            .barrier_names
            .all(p.lang)
            .into_iter()
            .map(|(code, name, _)| (code, name))
            .collect(),
        check_in_situations: options(&p, "check-in-situation", onramp_domain::outcomes::CheckInSituation::ALL),
        file: facts.file,
        p,
    }
}

/// One card per trajectory: its phase by name, what its forms offer, how long it may still run
/// and the programme's warnings about the person (only while it is open).
fn cards(p: &Page, facts: &FileFacts) -> Vec<TrajectoryCard> {
    let record = &facts.file.participant.record;
    facts
        .file
        .trajectories
        .iter()
        .map(|t| {
            let programme = facts.programmes.iter().find(|g| g.id == t.programme_id);
            let phases = programme
                .map(|g| {
                    g.definition
                        .phases
                        .iter()
                        .map(|s| (s.code.clone(), s.name.clone()))
                        .collect()
                })
                .unwrap_or_default();
            let warnings = programme
                .filter(|_| t.ended_on.is_none())
                .map(|g| {
                    g.definition.eligibility_warnings(
                        record.birth_date,
                        record.incapacity_since,
                        record.situation,
                        t.started_on,
                    )
                })
                .unwrap_or_default()
                .into_iter()
                .map(|w| p.label("eligibility", w))
                .collect();
            let status = (t.ended_on.is_none()).then(|| {
                let status = duration_status(t.started_on, t.ends_by, facts.today);
                serde_json::to_value(status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            });
            let until = t.ended_on.map(leaving_situation_until);
            TrajectoryCard {
                leaving_situation_until: until.filter(|until| crate::time::today() <= *until),
                phase_name: programme
                    .map(|g| g.phase_name(&t.phase))
                    .unwrap_or_else(|| t.phase.clone()),
                phases,
                coaches: facts.coaches.get(&t.organisation_id).cloned().unwrap_or_default(),
                status,
                warnings,
                t: t.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use onramp_domain::FieldErrors;
    use onramp_domain::identity::Language;
    use onramp_domain::participants::{ParticipantFields, ParticipantInput};
    use onramp_store::coaching::CoachingContact;
    use onramp_store::participants::Participant;
    use onramp_store::trajectories::Event;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    const TODAY: &str = "2026-12-06";
    const PARTNER: Uuid = Uuid::from_u128(10);
    const OTHER_PARTNER: Uuid = Uuid::from_u128(11);
    const PROGRAMME: Uuid = Uuid::from_u128(20);

    fn person(situation: &str) -> Participant {
        let fields = ParticipantFields {
            first_name: "Hélène".into(),
            last_name: "Peeters".into(),
            birth_date: "1985-03-14".into(),
            language: "nl".into(),
            situation: situation.into(),
            health_category: "chronic_pain".into(),
            incapacity_since: "2025-06-01".into(),
            ..Default::default()
        };
        Participant {
            id: Uuid::from_u128(1),
            record: ParticipantInput::parse(&fields, day(TODAY)).expect("valid fields"),
            organisation_id: PARTNER,
            organisation_name: "Revalidatie Maasland".into(),
            degurba: None,
            created_by: None,
            created_at: Utc.with_ymd_and_hms(2026, 1, 10, 23, 30, 0).unwrap(),
            updated_at: Utc.with_ymd_and_hms(2026, 1, 10, 23, 30, 0).unwrap(),
        }
    }

    fn trajectory(n: u128, organisation: Uuid, started: &str, ended: Option<&str>) -> Trajectory {
        Trajectory {
            id: Uuid::from_u128(n),
            participant_id: Uuid::from_u128(1),
            programme_id: PROGRAMME,
            programme_name: "We go to work".into(),
            organisation_id: organisation,
            organisation_name: format!("partner {organisation}"),
            location_id: None,
            location_name: None,
            region_id: None,
            coach_id: None,
            coach_name: None,
            started_on: day(started),
            ends_by: day(started) + chrono::Months::new(24),
            phase: "action_plan".into(),
            phase_since: day(started),
            ended_on: ended.map(day),
            exit_reason: None,
            exit_situation: None,
            mediation_organisation_id: None,
            mediation_organisation_name: None,
            mediation_service: None,
            last_contact_on: None,
            next_step_due_on: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn event(trajectory: u128, kind: &str, on: &str, from: Option<&str>, to: Option<&str>) -> Event {
        Event {
            id: 1,
            trajectory_id: Uuid::from_u128(trajectory),
            kind: kind.into(),
            on_date: day(on),
            from_value: from.map(str::to_owned),
            to_value: to.map(str::to_owned),
            note: None,
            by_user_id: None,
            by_name: Some("Sofie Maes".into()),
            at: Utc::now(),
        }
    }

    fn contact(on: &str) -> CoachingContact {
        CoachingContact {
            id: Uuid::from_u128(40),
            trajectory_id: Uuid::from_u128(30),
            participant_id: Uuid::from_u128(1),
            organisation_id: PARTNER,
            location_id: None,
            location_name: None,
            coach_id: Uuid::from_u128(50),
            coach_name: "Sofie Maes".into(),
            on_date: day(on),
            minutes: 45,
            mode: "phone".into(),
            place: None,
            topic: "first talk".into(),
            notes: None,
            next_step: Some("call the employer".into()),
            created_at: Utc::now(),
        }
    }

    fn facts(participant: Participant, trajectories: Vec<Trajectory>, failed: Option<Failed>) -> FileFacts {
        let programme = Programme {
            id: PROGRAMME,
            built_in: true,
            definition: onramp_domain::programmes::we_go_to_work(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        let file = ParticipantFile {
            participant,
            consents: Vec::new(),
            trajectories,
            events: vec![
                event(30, "start", "2026-02-01", None, None),
                event(30, "phase", "2026-03-15", Some("contact"), Some("action_plan")),
                event(31, "exit", "2025-01-20", None, Some("work")),
            ],
            contacts: vec![contact("2026-03-01")],
            consultations: Vec::new(),
            outcomes: Vec::new(),
            barriers: Vec::new(),
            check_ins: Vec::new(),
            barrier_names: Default::default(),
            sessions: Vec::new(),
            can_edit: true,
            can_read_notes: true,
            participation_lapse: None,
            can_record: true,
        };
        let coaches = HashMap::from([(PARTNER, vec![("50".to_owned(), "Sofie Maes".to_owned())])]);
        FileFacts {
            file,
            programmes: vec![programme],
            coaches,
            organisations: Vec::new(),
            mediation_organisations: Vec::new(),
            today: day(TODAY),
            failed,
            undo: None,
        }
    }

    fn page() -> Page {
        Page::anonymous(Language::En, "participant-title", String::new())
    }

    fn two_trajectories() -> Vec<Trajectory> {
        vec![
            trajectory(30, PARTNER, "2026-02-01", None),
            trajectory(31, OTHER_PARTNER, "2023-01-10", Some("2025-01-20")),
        ]
    }

    #[test]
    fn the_page_is_titled_by_the_person_and_counts_their_age_and_sickness_on_its_day() {
        let view = build(page(), facts(person("inactive"), two_trajectories(), None));
        assert_eq!(view.p.title, "Hélène Peeters");
        assert_eq!(view.age, 41);
        assert!(view.working_age);
        // Registered late on 10 January in UTC: 11 January in Brussels, seven months after June 1.
        assert_eq!(view.sickness.map(|s| s.months), Some(7));
        assert_eq!(view.open_trajectory, Uuid::from_u128(30).to_string());
    }

    #[test]
    fn an_open_trajectory_shows_its_phase_by_name_its_duration_and_the_coaches_of_its_partner() {
        let view = build(page(), facts(person("other"), two_trajectories(), None));
        let open = &view.cards[0];
        assert_eq!(open.phase_name, "Action plan");
        assert_eq!(open.status.as_deref(), Some("within"));
        assert_eq!(open.coaches, [("50".to_owned(), "Sofie Maes".to_owned())]);
        assert!(open.phases.iter().any(|(code, _)| code == "aftercare"));
        // "Other" is not a situation the programme is for: a warning while the trajectory is open.
        assert_eq!(open.warnings.len(), 1, "{:?}", open.warnings);
        assert!(open.warnings[0].contains("situation"), "{:?}", open.warnings);
        let ended = &view.cards[1];
        assert_eq!(ended.status, None);
        assert!(ended.warnings.is_empty());
        assert!(ended.coaches.is_empty(), "no coach of another partner is offered");
    }

    #[test]
    fn the_timeline_runs_newest_first_across_kinds_in_the_pages_language() {
        let view = build(page(), facts(person("inactive"), two_trajectories(), None));
        let days: Vec<String> = view.timeline.iter().map(|e| e.on.to_string()).collect();
        assert_eq!(days, ["2026-03-15", "2026-03-01", "2026-02-01", "2025-01-20"]);
        assert!(view.timeline[0].text.contains("Contact") && view.timeline[0].text.contains("Action plan"));
        assert!(view.timeline[1].text.contains("first talk"));
        assert_eq!(view.timeline[1].note.as_deref(), Some("call the employer"));
        assert!(view.timeline[2].text.starts_with("Started") && view.timeline[2].text.contains("We go to work"));
        assert!(view.timeline[3].text.starts_with("Trajectory ended"));
    }

    #[test]
    fn a_failed_form_comes_back_with_its_errors_only_where_it_was_sent() {
        let mut errors = FieldErrors::new();
        errors.add("version", "required");
        let data = super::super::form::FormData::new(vec![("version".into(), String::new())]);
        let failed = Failed {
            trajectory: None,
            action: "consent",
            form: Form::failed(&data, &errors, Language::En),
        };
        let view = build(page(), facts(person("inactive"), two_trajectories(), Some(failed)));
        assert!(view.form_for("consent").has_errors());
        assert!(!view.form_for("contact").has_errors());
        assert!(!view.trajectory_form(&Uuid::from_u128(30), "consent").has_errors());
        // A fresh form starts on today, on the newest open trajectory.
        let contact = view.form_for("contact");
        assert_eq!(contact.value("on"), TODAY);
        assert_eq!(contact.value("trajectory_id"), Uuid::from_u128(30).to_string());
    }
}
