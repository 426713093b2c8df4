//! `participant.pdf`: the access export read aloud, in the person's language. The same records as
//! the JSON, as tables; of each plan every version is listed and the latest one's content printed
//! (the JSON holds every version's content).

use super::{AccessExport, PlanHistory};
use crate::i18n::{date, text, text_with, try_text};
use crate::service::documents::{action_sections, canvas_sections, recovery_sections};
use chrono::{DateTime, Utc};
use onramp_documents::{Block, Document, Section};
use onramp_domain::identity::Language;
use onramp_domain::plans::PlanContent;

pub(super) fn document(export: &AccessExport) -> Document {
    let p = &export.participant;
    let lang = p.record.language;
    let name = format!("{} {}", p.record.first_name, p.record.last_name);
    let generated = stamp(&export.generated_at);
    let mut sections = vec![
        section(
            lang,
            "access-pdf-about",
            vec![paragraph(text(lang, "access-pdf-intro"))],
        ),
        identity(export, lang),
        consents(export, lang),
        trajectories(export, lang),
        contacts(export, lang),
        sessions(export, lang),
        case_consultations(export, lang),
        presence(export, lang),
    ];
    sections.extend(export.plans.iter().flat_map(|plan| plan_sections(plan, lang)));
    sections.extend([
        icf(export, lang),
        outcomes(export, lang),
        barriers(export, lang),
        check_ins(export, lang),
        log(export, lang),
    ]);
    Document {
        lang: lang.as_str().to_owned(),
        title: text(lang, "access-pdf-title"),
        about: vec![
            text_with(
                lang,
                "pdf-participant-born",
                &[("name", &name), ("date", &date(&p.record.birth_date))],
            ),
            text_with(lang, "access-pdf-generated", &[("date", &generated)]),
        ],
        footer: text(lang, "access-pdf-footer"),
        sections,
    }
}

fn section(lang: Language, heading: &str, blocks: Vec<Block>) -> Section {
    Section {
        heading: text(lang, heading),
        intro: None,
        blocks,
    }
}

fn paragraph(text: String) -> Block {
    Block::Paragraph { text }
}

/// A table under `heading`, or a line saying there is nothing, so every kind has its section.
fn table(lang: Language, heading: &str, header: &[&str], rows: Vec<Vec<String>>) -> Section {
    let block = if rows.is_empty() {
        paragraph(text(lang, "access-pdf-none"))
    } else {
        Block::Table {
            header: header.iter().map(|k| text(lang, k)).collect(),
            rows,
        }
    };
    section(lang, heading, vec![block])
}

/// A code's name in the person's language (`prefix-code`), or the code when it has none.
fn label(lang: Language, prefix: &str, code: &str) -> String {
    try_text(lang, &format!("{prefix}-{code}")).unwrap_or_else(|| code.to_owned())
}

fn opt(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn opt_date(value: Option<chrono::NaiveDate>) -> String {
    value.map(|d| date(&d)).unwrap_or_default()
}

fn yes_no(lang: Language, value: Option<bool>) -> String {
    value
        .map(|v| text(lang, if v { "esf-answer-yes" } else { "esf-answer-no" }))
        .unwrap_or_default()
}

/// A moment as the person's clock in Brussels shows it.
fn stamp(at: &DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Brussels)
        .format("%d-%m-%Y %H:%M")
        .to_string()
}

fn identity(export: &AccessExport, lang: Language) -> Section {
    let r = &export.participant.record;
    let esf = &export.esf_answers;
    let rows: Vec<(&str, String)> = vec![
        ("field-first-name", r.first_name.clone()),
        ("field-last-name", r.last_name.clone()),
        ("field-birth-date", date(&r.birth_date)),
        ("field-national-register", opt(&r.national_register)),
        ("field-email", opt(&r.email)),
        ("field-phone", opt(&r.phone)),
        ("field-preferred-language", label(lang, "language", r.language.as_str())),
        ("field-gender", label(lang, "gender", r.gender.as_str())),
        ("field-education", label(lang, "education", r.education.as_str())),
        (
            "field-health-category",
            label(lang, "health", r.health_category.as_str()),
        ),
        ("field-incapacity-since", opt_date(r.incapacity_since)),
        ("field-situation", label(lang, "situation", r.situation.as_str())),
        ("field-referrer", opt(&r.referrer)),
        ("field-notes", opt(&r.notes)),
        ("field-postcode", opt(&esf.postcode)),
        (
            "field-unemployed-months",
            esf.unemployed_months.map(|m| m.to_string()).unwrap_or_default(),
        ),
        ("field-disability", label(lang, "esf-answer", esf.disability.as_str())),
        (
            "field-third-country-national",
            label(lang, "esf-answer", esf.third_country_national.as_str()),
        ),
        (
            "field-foreign-background",
            label(lang, "esf-answer", esf.foreign_background.as_str()),
        ),
        ("field-minority", label(lang, "esf-answer", esf.minority.as_str())),
        ("field-homeless", label(lang, "esf-answer", esf.homeless.as_str())),
        ("field-reached-at", export.participant.organisation_name.clone()),
    ];
    let rows = rows
        .into_iter()
        .map(|(key, value)| vec![text(lang, key), value])
        .collect();
    table(
        lang,
        "access-pdf-identity",
        &["access-pdf-field", "access-pdf-value"],
        rows,
    )
}

fn consents(export: &AccessExport, lang: Language) -> Section {
    let rows = export
        .consents
        .iter()
        .map(|c| {
            let mut purpose = label(lang, "purpose", &c.purpose);
            if let Some(with) = &c.organisation_name {
                purpose = format!("{purpose} ({with})");
            }
            vec![
                purpose,
                c.version.clone(),
                date(&c.given_on),
                opt_date(c.ends_on),
                opt_date(c.withdrawn_on),
            ]
        })
        .collect();
    let header = [
        "field-purpose",
        "field-version",
        "field-given-on",
        "field-consent-ends-on-column",
        "field-withdrawn-on",
    ];
    table(lang, "consents-title", &header, rows)
}

fn trajectories(export: &AccessExport, lang: Language) -> Section {
    let mut blocks = Vec::new();
    for t in &export.trajectories {
        let t_ = &t.trajectory;
        let mut lines = vec![
            format!("{} · {}", t_.programme_name, t_.organisation_name),
            format!("{}: {}", text(lang, "field-started-on"), date(&t_.started_on)),
            format!("{}: {}", text(lang, "field-phase"), label(lang, "phase", &t_.phase)),
        ];
        if let Some(coach) = &t_.coach_name {
            lines.push(format!("{}: {coach}", text(lang, "field-coach")));
        }
        if let Some(ended) = t_.ended_on {
            let reason = t_.exit_reason.as_deref().map(|r| label(lang, "exit", r));
            lines.push(format!(
                "{}: {} {}",
                text(lang, "field-ended-on"),
                date(&ended),
                reason.unwrap_or_default()
            ));
        }
        blocks.push(Block::List { items: lines });
        let rows: Vec<Vec<String>> = t
            .events
            .iter()
            .map(|e| {
                vec![
                    date(&e.on_date),
                    label(lang, "access-event", &e.kind),
                    event_values(lang, e),
                    opt(&e.note),
                ]
            })
            .collect();
        if !rows.is_empty() {
            let header = ["field-on", "access-pdf-event", "field-details", "field-note"];
            blocks.push(Block::Table {
                header: header.iter().map(|k| text(lang, k)).collect(),
                rows,
            });
        }
    }
    if blocks.is_empty() {
        blocks.push(paragraph(text(lang, "access-pdf-none")));
    }
    section(lang, "trajectories-title", blocks)
}

/// What an event changed, its codes named: a phase's from and to, an exit's reason.
fn event_values(lang: Language, e: &onramp_store::trajectories::Event) -> String {
    let prefix = match e.kind.as_str() {
        "phase" => "phase",
        "exit" => "exit",
        "leaving_situation" => "situation-exit",
        _ => "",
    };
    [&e.from_value, &e.to_value]
        .iter()
        .filter_map(|v| v.as_deref())
        .map(|code| label(lang, prefix, code))
        .collect::<Vec<_>>()
        .join(" → ")
}

fn contacts(export: &AccessExport, lang: Language) -> Section {
    let rows = export
        .coaching_contacts
        .iter()
        .map(|c| {
            vec![
                date(&c.on_date),
                label(lang, "contact-mode", &c.mode),
                c.minutes.to_string(),
                c.topic.clone(),
                opt(&c.next_step),
                opt(&c.notes),
                c.coach_name.clone(),
            ]
        })
        .collect();
    let header = [
        "field-on",
        "field-mode",
        "field-minutes",
        "field-topic",
        "field-next-step",
        "field-notes",
        "field-coach",
    ];
    table(lang, "coaching-title", &header, rows)
}

fn sessions(export: &AccessExport, lang: Language) -> Section {
    let rows = export
        .group_sessions
        .iter()
        .map(|s| {
            vec![
                date(&s.on_date),
                format!("{} ({})", s.title, s.position),
                s.attendance
                    .as_deref()
                    .map(|a| label(lang, "attendance", a))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    table(
        lang,
        "access-pdf-sessions",
        &["field-on", "field-session", "access-pdf-attendance"],
        rows,
    )
}

fn case_consultations(export: &AccessExport, lang: Language) -> Section {
    let rows = export
        .case_consultations
        .iter()
        .map(|k| {
            vec![
                date(&k.on_date),
                k.organisation_name.clone(),
                k.coach_name.clone(),
                k.minutes.to_string(),
            ]
        })
        .collect();
    let header = ["field-on", "field-partner", "field-coach", "field-minutes"];
    let mut section = table(lang, "access-pdf-case-consultations", &header, rows);
    section.intro = Some(text(lang, "access-pdf-case-consultations-intro"));
    section
}

fn presence(export: &AccessExport, lang: Language) -> Section {
    let line = match &export.presence_action {
        Some(a) => format!("{} · {} · {}", date(&a.on_date), a.kind_name, a.organisation_name),
        None => text(lang, "access-pdf-none"),
    };
    section(lang, "access-pdf-presence", vec![paragraph(line)])
}

fn plan_sections(plan: &PlanHistory, lang: Language) -> Vec<Section> {
    let versions = plan
        .versions
        .iter()
        .map(|v| {
            let info = &v.info;
            vec![
                info.version.to_string(),
                stamp(&info.created_at),
                opt(&info.created_by_name),
                yes_no(lang, Some(info.shared)),
                opt(&info.note),
            ]
        })
        .collect();
    let header = [
        "field-version",
        "field-on",
        "access-pdf-by",
        "access-pdf-shared",
        "field-note",
    ];
    let heading = label(lang, "plan-kind", &plan.kind);
    let mut first = table(lang, "plan-kind-action", &header, versions);
    first.heading = heading;
    let comments: Vec<String> = plan
        .comments
        .iter()
        .map(|c| {
            format!(
                "v{} · {} · {}: {}",
                c.version,
                stamp(&c.created_at),
                c.author_name,
                c.body
            )
        })
        .collect();
    if !comments.is_empty() {
        first.blocks.push(paragraph(text(lang, "access-pdf-comments")));
        first.blocks.push(Block::List { items: comments });
    }
    let mut all = vec![first];
    match plan.versions.last().map(|v| &v.content) {
        Some(PlanContent::Action(content)) => all.extend(action_sections(content, lang)),
        Some(PlanContent::Recovery(content)) => all.extend(recovery_sections(content, lang)),
        Some(PlanContent::Canvas(content)) => all.extend(canvas_sections(content, None, lang)),
        None => {}
    }
    all
}

fn icf(export: &AccessExport, lang: Language) -> Section {
    let rows = export
        .icf_measurements
        .iter()
        .map(|m| {
            let ratings = m
                .ratings
                .iter()
                .map(|(code, q)| format!("{code}: {q}"))
                .chain(m.competences.iter().map(|(c, s)| format!("{c}: {s}")))
                .collect::<Vec<_>>()
                .join(", ");
            vec![
                date(&m.measured_on),
                label(lang, "icf-moment", &m.moment),
                label(lang, "icf-rater", &m.rater),
                ratings,
                opt(&m.note),
            ]
        })
        .collect();
    let header = [
        "field-measured-on",
        "field-moment",
        "field-rater",
        "icf-ratings",
        "field-note",
    ];
    table(lang, "icf-title", &header, rows)
}

fn outcomes(export: &AccessExport, lang: Language) -> Section {
    let rows = export
        .outcomes
        .iter()
        .map(|o| {
            vec![
                date(&o.on_date),
                label(lang, "outcome", &o.kind),
                opt(&o.place),
                o.hours_per_week.map(|h| h.to_string()).unwrap_or_default(),
                opt(&o.note),
            ]
        })
        .collect();
    let header = [
        "field-on",
        "field-outcome",
        "field-outcome-place",
        "field-hours-per-week",
        "field-note",
    ];
    table(lang, "outcomes-title", &header, rows)
}

fn barriers(export: &AccessExport, lang: Language) -> Section {
    let rows = export
        .barriers
        .iter()
        .map(|b| {
            vec![
                date(&b.noted_on),
                label(lang, "barrier", &b.code),
                label(lang, "barrier-status", &b.status),
                opt_date(b.closed_on),
                opt(&b.note),
            ]
        })
        .collect();
    let header = [
        "field-noted-on",
        "field-barrier",
        "field-status",
        "field-ended-on",
        "field-note",
    ];
    table(lang, "barriers-title", &header, rows)
}

fn check_ins(export: &AccessExport, lang: Language) -> Section {
    let rows = export
        .check_ins
        .iter()
        .map(|c| {
            vec![
                date(&c.due_on),
                opt_date(c.done_on),
                yes_no(lang, c.contact_made),
                c.situation
                    .as_deref()
                    .map(|s| label(lang, "situation-exit", s))
                    .unwrap_or_default(),
                opt(&c.note),
            ]
        })
        .collect();
    let header = [
        "access-pdf-due",
        "field-on",
        "field-contact-made",
        "field-check-in-situation",
        "field-note",
    ];
    table(lang, "access-pdf-check-ins", &header, rows)
}

fn log(export: &AccessExport, lang: Language) -> Section {
    let rows = export
        .consultations_of_file
        .iter()
        .map(|e| {
            let mut who = e
                .actor_role
                .as_deref()
                .map(|r| label(lang, "role", r))
                .unwrap_or_default();
            if !e.actor_organisations.is_empty() {
                who = format!("{who} · {}", e.actor_organisations.join(", "));
            }
            vec![
                stamp(&e.at),
                who,
                e.action.clone(),
                e.purpose
                    .as_deref()
                    .map(|p| label(lang, "purpose", p))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    let header = ["audit-when", "privacy-log-as", "privacy-log-what", "privacy-log-why"];
    let mut section = table(lang, "privacy-log-title", &header, rows);
    section.intro = Some(text(lang, "access-pdf-log-intro"));
    section
}
