//! The ESF+ indicator report as PDF: the same figures, checks and hidden cells as the report page,
//! in the language asked for, laid out by onramp-documents (one table row per indicator code).

use super::esf::{self, Indicators};
use crate::download::download;
use crate::error::AppError;
use crate::i18n::{date, text, text_with};
use crate::identity::Ctx;
use crate::state::AppState;
use crate::time::today;
use axum::response::Response;
use onramp_documents::{Block, Document, Section};
use onramp_domain::esf_indicators::{COLUMNS, Issue, Period, codes};
use onramp_domain::identity::Language;
use uuid::Uuid;

/// A failed check as a sentence in `lang` (the page says it the same way).
pub fn issue_text(lang: Language, issue: &Issue) -> String {
    let t = |key: &str, args: &[(&'static str, String)]| {
        let args: Vec<(&'static str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        text_with(lang, key, &args)
    };
    match issue {
        Issue::ExceedsOutput {
            code,
            output,
            column,
            value,
            limit,
        } => t(
            "esf-issue-exceeds",
            &[
                ("code", code.to_string()),
                ("output", output.to_string()),
                ("column", text(lang, &format!("esf-{}", column.replace('_', "-")))),
                ("value", value.to_string()),
                ("limit", limit.to_string()),
            ],
        ),
        Issue::GenderSplit { code, split, total } => t(
            "esf-issue-gender",
            &[
                ("code", code.to_string()),
                ("split", split.to_string()),
                ("total", total.to_string()),
            ],
        ),
        Issue::MissingData { participants } => t("esf-issue-missing", &[("count", participants.to_string())]),
        Issue::Inconsistent { participants } => t("esf-issue-inconsistent", &[("count", participants.to_string())]),
    }
}

fn period_text(lang: Language, period: Period) -> String {
    match period {
        Period::Cumulative => text(lang, "esf-period-cumulative"),
        Period::Year(year) => year.to_string(),
    }
}

/// The report as a document: the operation and period above, the table, then the checks.
pub fn document(i: &Indicators, lang: Language, threshold: i64) -> Document {
    let t = |key: &str| text(lang, key);
    let t1 = |key: &str, name: &'static str, value: String| text_with(lang, key, &[(name, &value)]);
    let d = &i.operation.definition;
    let hidden = t("dashboard-hidden");
    let rows = codes()
        .chain(["not_reached"])
        .map(|code| {
            let mut row = vec![code.to_owned(), t(&format!("esf-{code}"))];
            row.extend(
                COLUMNS
                    .iter()
                    .map(|column| i.cell(code, column).map_or(hidden.clone(), |n| n.to_string())),
            );
            row
        })
        .collect();
    let header = crate::exchange::esf_sheet::headings(lang);
    let mut note = vec![t1("esf-counted-on", "date", date(&i.on))];
    if !i.exact {
        note.push(t1("dashboard-hidden-note", "threshold", threshold.to_string()));
    }
    let mut checks: Vec<Block> = vec![if i.issues.is_empty() {
        Block::Paragraph {
            text: t("esf-checks-ok"),
        }
    } else {
        Block::List {
            items: i.issues.iter().map(|issue| issue_text(lang, issue)).collect(),
        }
    }];
    if i.exact {
        // The counts behind the checks, which only exact readers see (as on the page).
        checks.push(Block::List {
            items: vec![
                t1("esf-still-in", "count", i.report.still_in.total.to_string()),
                t1(
                    "esf-pending-four-weeks",
                    "count",
                    i.report.pending("four_weeks").to_string(),
                ),
                t1(
                    "esf-pending-six-months",
                    "count",
                    i.report.pending("six_months").to_string(),
                ),
            ],
        });
    }
    Document {
        lang: lang.as_str().to_owned(),
        title: t("esf-report-title"),
        about: vec![
            text_with(lang, "esf-pdf-operation", &[("number", &d.number), ("title", &d.title)]),
            text_with(
                lang,
                "esf-pdf-runs",
                &[("from", &date(&d.starts_on)), ("to", &date(&d.ends_on))],
            ),
            t1("esf-pdf-period", "period", period_text(lang, i.period)),
        ],
        footer: t(if i.exact { "esf-exact" } else { "esf-suppressed" }),
        sections: vec![
            Section {
                heading: t("esf-table-caption"),
                intro: Some(note.join(" ")),
                blocks: vec![Block::Table { header, rows }],
            },
            Section {
                heading: t("esf-checks"),
                intro: None,
                blocks: checks,
            },
        ],
    }
}

/// The language asked for (`lang`), or the reader's own.
pub(crate) fn language(input: &str, reader: Language) -> Result<Language, AppError> {
    match input.trim() {
        "" => Ok(reader),
        given => Language::parse(given).map_err(|code| AppError::invalid("lang", code)),
    }
}

/// An operation's indicators for a period as PDF, with what this reader may see.
pub async fn pdf(state: &AppState, ctx: &Ctx, id: Uuid, period: Period, lang: &str) -> Result<Response, AppError> {
    let lang = language(lang, ctx.language)?;
    let i = esf::indicators(state, ctx, id, period, today()).await?;
    let document = document(&i, lang, state.config.small_cell_threshold);
    let bytes = tokio::task::spawn_blocking(move || onramp_documents::pdf(&document))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    Ok(download(bytes, "application/pdf", &esf::file_name(&i, "pdf")))
}
