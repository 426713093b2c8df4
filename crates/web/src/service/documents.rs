//! The printable documents: a plan or the ICF profile as PDF, in the reader's language, for the
//! participant or for the occupational or advisory physician. The texts come from the i18n files;
//! onramp-documents lays them out with Typst.

use super::icf::{Profile, Row};
use super::plans::PlanView;
use crate::download::download;
use crate::error::AppError;
use crate::i18n::icf_title;
use crate::i18n::{date, text, text_with};
use crate::identity::Ctx;
use crate::state::AppState;
use axum::response::Response;
use onramp_documents::{Block, Document, Section};
use onramp_domain::identity::Language;
use onramp_domain::plans::{ActionPlan, Canvas, CanvasBlock, PlanContent, PlanKind, RecoveryPlan, WrapSection};
use onramp_store::audit::{self, Event};
use uuid::Uuid;

/// Who the document is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Participant,
    /// The occupational or advisory physician.
    Physician,
}

/// Who a document is written for, as the query names them.
pub const AUDIENCES: &[&str] = &["participant", "physician"];

impl Audience {
    fn parse(input: &str) -> Result<Self, AppError> {
        match input.trim() {
            "" | "participant" => Ok(Audience::Participant),
            "physician" => Ok(Audience::Physician),
            _ => Err(AppError::invalid_choice("audience", AUDIENCES)),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Audience::Participant => "participant",
            Audience::Physician => "physician",
        }
    }
}

/// The language asked for, or the participant's own.
fn language(input: &str, participant: Language) -> Result<Language, AppError> {
    match input.trim() {
        "" => Ok(participant),
        given => Language::parse(given).map_err(|code| AppError::invalid("lang", code)),
    }
}

/// The lines under the title, the opening section and the footer, the same for every document.
fn frame(lang: Language, audience: Audience, title: String, about: Vec<String>, sections: Vec<Section>) -> Document {
    let key = audience.as_str();
    let mut all = vec![Section {
        heading: text(lang, &format!("pdf-intro-heading-{key}")),
        intro: None,
        blocks: vec![Block::Paragraph {
            text: text(lang, &format!("pdf-intro-{key}")),
        }],
    }];
    all.extend(sections);
    Document {
        lang: lang.as_str().to_owned(),
        title,
        about,
        footer: text(lang, &format!("pdf-footer-{key}")),
        sections: all,
    }
}

/// Who the document is about; the physician also gets the date of birth to identify the person.
fn about_participant(lang: Language, audience: Audience, name: &str, birth: &chrono::NaiveDate) -> String {
    match audience {
        Audience::Participant => name.to_owned(),
        Audience::Physician => text_with(lang, "pdf-participant-born", &[("name", name), ("date", &date(birth))]),
    }
}

fn plan_document(view: &PlanView, lang: Language, audience: Audience) -> Document {
    let t = &view.trajectory;
    let mut about = vec![
        about_participant(lang, audience, &view.participant_name, &view.participant_birth_date),
        format!("{} · {}", t.programme_name, t.organisation_name),
    ];
    if let Some(coach) = &t.coach_name {
        about.push(text_with(lang, "pdf-coach", &[("name", coach)]));
    }
    about.push(match &view.version {
        Some(v) => {
            let day = date(&v.created_at.date_naive());
            let mut line = text_with(
                lang,
                "pdf-version",
                &[("version", &v.version.to_string()), ("date", &day)],
            );
            if let (Some(title), Some(on)) = (&v.group_session_title, v.group_session_on) {
                line.push_str(" · ");
                line.push_str(&text_with(
                    lang,
                    "pdf-drawn-up",
                    &[("session", title), ("date", &date(&on))],
                ));
            }
            if let Some(on) = v.consultation_on {
                line.push_str(" · ");
                line.push_str(&text_with(lang, "pdf-reviewed", &[("date", &date(&on))]));
            }
            line
        }
        None => text(lang, "plan-none-yet"),
    });
    let sections = match &view.content {
        PlanContent::Action(plan) => action_sections(plan, lang),
        PlanContent::Recovery(plan) => recovery_sections(plan, lang),
        PlanContent::Canvas(canvas) => canvas_sections(canvas, view.action_plan.as_ref(), lang),
    };
    let title = text(lang, &format!("plan-kind-{}", view.kind));
    frame(lang, audience, title, about, sections)
}

pub(crate) fn action_sections(plan: &ActionPlan, lang: Language) -> Vec<Section> {
    if plan.goals.is_empty() {
        return vec![Section {
            heading: text(lang, "plan-goals"),
            intro: None,
            blocks: vec![Block::Paragraph {
                text: text(lang, "plan-no-goals"),
            }],
        }];
    }
    let header = ["plan-step", "plan-owner", "plan-due", "plan-status", "plan-levers"]
        .map(|k| text(lang, k))
        .to_vec();
    plan.goals
        .iter()
        .map(|goal| Section {
            heading: goal.title.clone(),
            intro: None,
            blocks: vec![Block::Table {
                header: header.clone(),
                rows: goal
                    .steps
                    .iter()
                    .map(|s| {
                        vec![
                            s.description.clone(),
                            text(lang, &format!("step-owner-{}", s.owner)),
                            s.due_on.map(|d| date(&d)).unwrap_or_default(),
                            text(lang, &format!("step-status-{}", s.status)),
                            s.levers
                                .iter()
                                .map(|l| text(lang, &format!("lever-{l}")))
                                .collect::<Vec<_>>()
                                .join(", "),
                        ]
                    })
                    .collect(),
            }],
        })
        .collect()
}

pub(crate) fn recovery_sections(plan: &RecoveryPlan, lang: Language) -> Vec<Section> {
    WrapSection::ALL
        .iter()
        .map(|section| {
            let items: Vec<String> = plan.lines(*section).into_iter().map(str::to_owned).collect();
            Section {
                heading: text(lang, &format!("wrap-{section}")),
                intro: Some(text(lang, &format!("wrap-{section}-hint"))),
                blocks: vec![if items.is_empty() {
                    Block::Paragraph {
                        text: text(lang, "pdf-nothing-written"),
                    }
                } else {
                    Block::List { items }
                }],
            }
        })
        .collect()
}

pub(crate) fn canvas_sections(canvas: &Canvas, action_plan: Option<&PlanContent>, lang: Language) -> Vec<Section> {
    let steps = match action_plan {
        Some(PlanContent::Action(plan)) => Some(plan),
        _ => None,
    };
    CanvasBlock::ALL
        .iter()
        .map(|block| {
            let items: Vec<String> = canvas
                .items
                .iter()
                .filter(|i| i.block == *block)
                .map(
                    |i| match i.step.as_deref().and_then(|s| steps.and_then(|p| p.step(s))) {
                        Some(step) => {
                            let status = text(lang, &format!("step-status-{}", step.status));
                            text_with(lang, "pdf-canvas-item-step", &[("item", &i.text), ("status", &status)])
                        }
                        None => i.text.clone(),
                    },
                )
                .collect();
            Section {
                heading: text(lang, &format!("canvas-{block}")),
                intro: Some(text(lang, &format!("canvas-{block}-question"))),
                blocks: vec![if items.is_empty() {
                    Block::Paragraph {
                        text: text(lang, "pdf-nothing-written"),
                    }
                } else {
                    Block::List { items }
                }],
            }
        })
        .collect()
}

fn icf_document(profile: &Profile, lang: Language, audience: Audience) -> Document {
    let dates: Vec<String> = profile.measurements.iter().map(|m| date(&m.measured_on)).collect();
    let mut header = vec![text(lang, "icf-category")];
    header.extend(dates.iter().cloned());
    header.push(text(lang, "icf-change-heading"));
    let change = |row: &Row| {
        row.change
            .as_ref()
            .map(|c| format!("{}{}", if c.change > 0 { "+" } else { "" }, c.change))
            .unwrap_or_default()
    };
    // One row per rater's series: the coach's rating and the self-rating stay apart.
    let rater = |row: &Row| {
        row.rater
            .map(|r| format!(" ({})", text(lang, &format!("icf-rater-{}", r.as_str()))))
            .unwrap_or_default()
    };
    let categories = profile
        .rows
        .iter()
        .filter(|row| row.values.iter().any(|v| !v.is_empty()))
        .filter_map(|row| {
            let category = profile.categories.iter().find(|c| c.code == row.code)?;
            let mut cells = vec![format!("{} {}{}", category.code, icf_title(category, lang), rater(row))];
            cells.extend(row.values.iter().cloned());
            cells.push(change(row));
            Some(cells)
        })
        .collect();
    let competences = profile
        .competences
        .iter()
        .filter(|row| row.values.iter().any(|v| !v.is_empty()))
        .map(|row| {
            let mut cells = vec![format!("{}{}", profile.competence_name(lang, &row.code), rater(row))];
            cells.extend(row.values.iter().cloned());
            cells.push(change(row));
            cells
        })
        .collect();
    let mut competence_header = header.clone();
    competence_header[0] = text(lang, "icf-competences");
    let sections = vec![
        Section {
            heading: text(lang, "icf-ratings"),
            intro: Some(text(lang, "icf-scale-help")),
            blocks: vec![Block::Table {
                header,
                rows: categories,
            }],
        },
        Section {
            heading: text(lang, "icf-competences"),
            intro: None,
            blocks: vec![Block::Table {
                header: competence_header,
                rows: competences,
            }],
        },
    ];
    let about = vec![about_participant(
        lang,
        audience,
        &profile.participant_name,
        &profile.participant_birth_date,
    )];
    frame(lang, audience, text(lang, "icf-title"), about, sections)
}

/// Records who printed which document for whom, in which language.
async fn audit_print(
    state: &AppState,
    ctx: &Ctx,
    action: &str,
    participant_id: Uuid,
    details: serde_json::Value,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let mut event = Event::new(action, "participant", participant_id).for_participant(participant_id);
    event.after = Some(details.to_string());
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(())
}

async fn typeset(document: Document, filename: String) -> Result<Response, AppError> {
    let bytes = tokio::task::spawn_blocking(move || onramp_documents::pdf(&document))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    Ok(download(bytes, "application/pdf", &filename))
}

/// A plan as PDF (the read is audited by `plans::open`).
pub async fn plan_pdf(
    state: &AppState,
    ctx: &Ctx,
    trajectory_id: Uuid,
    kind: PlanKind,
    audience: &str,
    lang: &str,
    version: Option<i32>,
) -> Result<Response, AppError> {
    let audience = Audience::parse(audience)?;
    let view = super::plans::open(state, ctx, trajectory_id, kind, version).await?;
    let lang = language(lang, view.participant_language)?;
    let version = view.version.as_ref().map(|v| v.version).unwrap_or(0);
    let filename = format!("{kind}-plan-v{version}-{}.pdf", audience.as_str());
    let response = typeset(plan_document(&view, lang, audience), filename).await?;
    let details = serde_json::json!({
        "trajectory_id": trajectory_id, "kind": kind, "version": version,
        "audience": audience.as_str(), "lang": lang,
    });
    audit_print(state, ctx, "plan.pdf", view.trajectory.participant_id, details).await?;
    Ok(response)
}

/// The ICF profile as PDF (the read is audited by `icf::profile`).
pub async fn icf_pdf(
    state: &AppState,
    ctx: &Ctx,
    participant_id: Uuid,
    audience: &str,
    lang: &str,
) -> Result<Response, AppError> {
    let audience = Audience::parse(audience)?;
    let profile = super::icf::profile(state, ctx, participant_id).await?;
    let lang = language(lang, profile.participant_language)?;
    let filename = format!("icf-profile-{}.pdf", audience.as_str());
    let response = typeset(icf_document(&profile, lang, audience), filename).await?;
    let details = serde_json::json!({ "audience": audience.as_str(), "lang": lang });
    audit_print(state, ctx, "icf.pdf", participant_id, details).await?;
    Ok(response)
}
