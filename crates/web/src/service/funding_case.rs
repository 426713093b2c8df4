//! The printed funding case (docs/cost-benefit.md): one PDF for a payer or a minister with the
//! programme, its reach and results (the dashboard's figures), the cost-benefit with its
//! assumptions and sources, the sensitivity as a chart and a table, the three scenarios and what
//! the model cannot claim. The same tables as the page and the downloads, with what this reader
//! may see. The monitoring reports add their section through [`Monitoring`].

use super::cost_benefit::{self, Report, Request};
use super::cost_benefit_tables::tables;
use crate::download::download;
use crate::error::AppError;
use crate::exchange::report::{ReportRow, Value};
use crate::exchange::tables::{self as cells, Cell, Table};
use crate::i18n::{date, text, text_with};
use crate::identity::Ctx;
use crate::state::AppState;
use axum::response::Response;
use onramp_documents::{Bar, Block, Document, Section};
use onramp_domain::identity::Language;

/// The monitoring reports' part of the funding case: the barriers that keep people from steps to
/// work (a table already in the reader's language) and the coordinator's recommendations. The
/// monitoring branch fills it in; until then the funding case is printed without it.
#[derive(Debug, Clone, Default)]
pub struct Monitoring {
    pub barriers: Table,
    pub recommendations: Vec<String>,
}

/// Everything the funding case prints.
pub struct FundingCase {
    pub report: Report,
    pub description: Option<String>,
    /// The dashboard's figures of reach and results for the same programme, period and scope.
    pub reach: Vec<ReportRow>,
    /// Rendered only when given: see [`Monitoring`].
    pub monitoring: Option<Monitoring>,
}

/// The dashboard's figures the funding case quotes.
const REACH: &[&str] = &[
    "scope",
    "reached_by_presence",
    "contacted",
    "started",
    "took_step",
    "took_step_percent",
    "paid_work",
    "median_duration_months",
];

fn value_text(value: &Value, lang: Language) -> String {
    match value {
        Value::Count(n) => n.to_string(),
        Value::Decimal(Some(v)) => crate::i18n::decimal(lang, *v, 1),
        Value::Decimal(None) => "—".to_owned(),
        Value::Text(t) => t.clone(),
        Value::Hidden => text(lang, "dashboard-hidden"),
    }
}

/// A table as the document's strings: amounts with the euro sign, without the stable ids the
/// downloads carry in their first column.
fn block(table: &Table, lang: Language) -> Block {
    let skip = usize::from(matches!(table.name, "results" | "tornado" | "assumptions"));
    let cell = |c: &Cell| match c {
        Cell::Euros(_) => format!("€ {}", cells::text(c, lang)),
        Cell::Empty => "—".to_owned(),
        other => cells::text(other, lang),
    };
    Block::Table {
        header: table.headings.iter().skip(skip).cloned().collect(),
        rows: table
            .rows
            .iter()
            .map(|r| r.iter().skip(skip).map(cell).collect())
            .collect(),
    }
}

/// The tornado's bars as fractions of the width around the central net present value.
fn chart(report: &Report, lang: Language) -> Block {
    let centre = report.results.net_present_value;
    let reach = report.tornado_reach() as f64;
    let at = |npv: i64| 0.5 + (npv - centre) as f64 / (2.0 * reach);
    Block::Bars {
        caption: text(lang, "fc-sensitivity-chart"),
        centre: 0.5,
        bars: report
            .tornado
            .iter()
            .map(|b| Bar {
                label: text(lang, &format!("cb-param-{}", b.key.replace('_', "-"))),
                from: at(b.npv_at_low).min(at(b.npv_at_high)),
                to: at(b.npv_at_low).max(at(b.npv_at_high)),
            })
            .collect(),
    }
}

fn section(heading: String, intro: Option<String>, blocks: Vec<Block>) -> Section {
    Section { heading, intro, blocks }
}

/// The headline: net present value, ratio and break-even price, in one sentence.
fn headline(r: &Report, lang: Language) -> String {
    let euros = |c: i64| format!("€ {}", crate::i18n::decimal(lang, c as f64 / 100.0, 2));
    let res = &r.results;
    text_with(
        lang,
        "fc-headline",
        &[
            ("npv", &euros(res.net_present_value)),
            (
                "ratio",
                &res.ratio_hundredths
                    .map_or("—".into(), |h| crate::i18n::decimal(lang, h as f64 / 100.0, 2)),
            ),
            ("price", &res.break_even_price.map_or("—".into(), euros)),
            (
                "payback",
                &res.payback_months
                    .map_or_else(|| text(lang, "cb-payback-never"), |m| m.to_string()),
            ),
        ],
    )
}

/// The funding case as a document in `lang`.
pub fn document(case: &FundingCase, lang: Language) -> Document {
    let t = |key: &str| text(lang, key);
    let r = &case.report;
    let all = tables(r, lang);
    let table = |name: &str| all.iter().find(|t| t.name == name).map(|t| block(t, lang));
    let mut programme = vec![Block::Paragraph { text: t("cb-intro") }];
    if let Some(description) = &case.description {
        programme.insert(
            0,
            Block::Paragraph {
                text: description.clone(),
            },
        );
    }
    let reach = case
        .reach
        .iter()
        .filter(|row| REACH.contains(&row.figure.as_str()))
        .map(|row| vec![row.label.clone(), value_text(&row.value, lang)])
        .collect();
    let mut results = Vec::new();
    if r.withheld {
        results.push(Block::Paragraph { text: t("cb-withheld") });
    } else {
        results.push(Block::Paragraph {
            text: headline(r, lang),
        });
    }
    results.extend(table("results"));
    results.extend(table("years"));
    let mut sensitivity = Vec::new();
    if !r.withheld {
        sensitivity.push(chart(r, lang));
        sensitivity.extend(table("tornado"));
    }
    let mut sections = vec![
        section(t("fc-programme"), None, programme),
        section(
            t("fc-reach"),
            None,
            vec![Block::Table {
                header: vec![t("dashboard-figure"), t("dashboard-value")],
                rows: reach,
            }],
        ),
        section(t("fc-cost-benefit"), Some(t("cb-check-ins-note")), results),
        section(
            t("cb-assumptions"),
            Some(t("fc-assumptions-intro")),
            table("assumptions").into_iter().collect(),
        ),
        section(t("cb-tornado"), Some(t("cb-tornado-intro")), sensitivity),
        section(
            t("cb-scenarios"),
            Some(t("fc-scenarios-intro")),
            table("scenarios").into_iter().collect(),
        ),
    ];
    if let Some(monitoring) = &case.monitoring {
        sections.push(monitoring_section(monitoring, lang));
    }
    sections.push(section(
        t("fc-cannot-claim"),
        None,
        vec![Block::Paragraph {
            text: t("cb-cannot-claim"),
        }],
    ));
    Document {
        lang: lang.as_str().to_owned(),
        title: text_with(lang, "fc-title", &[("programme", &r.programme_name)]),
        about: vec![
            text_with(
                lang,
                "fc-period",
                &[("from", &date(&r.request.from)), ("to", &date(&r.request.to))],
            ),
            text_with(lang, "fc-printed", &[("date", &date(&crate::time::today()))]),
        ],
        footer: t(if r.withheld { "esf-suppressed" } else { "fc-footer" }),
        sections,
    }
}

/// The monitoring reports' barriers and recommendations, when given.
fn monitoring_section(m: &Monitoring, lang: Language) -> Section {
    let mut blocks = vec![block(&m.barriers, lang)];
    if !m.recommendations.is_empty() {
        blocks.push(Block::Paragraph {
            text: text(lang, "fc-recommendations"),
        });
        blocks.push(Block::List {
            items: m.recommendations.clone(),
        });
    }
    section(text(lang, "fc-monitoring"), None, blocks)
}

/// Gathers the funding case for what this reader may see, in `lang`.
pub async fn gather(state: &AppState, ctx: &Ctx, request: Request, lang: Language) -> Result<FundingCase, AppError> {
    let report = cost_benefit::report(state, ctx, request).await?;
    let mut reader = ctx.clone();
    reader.language = lang;
    let dashboard = super::dashboard::Request {
        from: request.from,
        to: request.to,
        organisation_id: request.organisation_id,
        region_id: request.region_id,
        programme_id: Some(request.programme_id),
        location_id: None,
        coach_id: None,
    };
    let reach = super::dashboard_report::report(state, &reader, dashboard).await?;
    let mut conn = state.db.conn().await?;
    let description = match onramp_store::programmes::get(&mut conn, request.programme_id).await? {
        Some(mut g) => {
            crate::builtin_names::localise_programme(lang, &mut g);
            g.definition.description
        }
        None => None,
    };
    let monitoring = monitoring(state, &reader, dashboard, lang).await?;
    Ok(FundingCase {
        report,
        description,
        reach,
        monitoring,
    })
}

/// The barriers and recommendations the printed funding case quotes, for a reader who may see the
/// monitoring of that scope (with small cells hidden from readers of figures only); `None` for one
/// who may not, or a scope whose monitoring is not kept: the case then prints without them.
async fn funding_evidence(
    state: &AppState,
    ctx: &Ctx,
    scope: super::dashboard::Request,
) -> Result<Option<onramp_store::monitoring::summary::FundingEvidence>, AppError> {
    let mut conn = state.db.conn().await?;
    let request = super::monitoring::Request { scope, health: None };
    let scope = match super::monitoring::allowed(&mut conn, ctx, &request, super::dashboard::ScopeAction::Monitoring)
        .await
    {
        Ok(scope) => scope,
        Err(AppError::Forbidden | AppError::Refused(_) | AppError::NotFound | AppError::Invalid(_)) => return Ok(None),
        Err(error) => return Err(error),
    };
    let threshold =
        (!onramp_domain::policy::sees_exact_figures(&ctx.actor)).then_some(state.config.small_cell_threshold);
    let evidence = onramp_store::monitoring::summary::funding_evidence(&mut conn, scope, 5, threshold).await?;
    Ok(Some(evidence))
}

/// The monitoring report's most frequent barriers and the coordinators' recommendations for the
/// same programme, period and scope, when the reader may see them.
async fn monitoring(
    state: &AppState,
    ctx: &Ctx,
    scope: super::dashboard::Request,
    lang: Language,
) -> Result<Option<Monitoring>, AppError> {
    let Some(evidence) = funding_evidence(state, ctx, scope).await? else {
        return Ok(None);
    };
    let names = super::barrier_codes::names(state).await?;
    let heading = |key: &str| text(lang, key);
    // A figure missing for a reader of exact figures is empty (nothing resolved yet); for a
    // reader of figures only it may be a small cell withheld.
    let missing = || match onramp_domain::policy::sees_exact_figures(&ctx.actor) {
        true => Cell::Empty,
        false => Cell::Hidden,
    };
    let percent = |v: Option<f64>| v.map_or_else(missing, |v| Cell::Decimal(v, 0));
    let rows = evidence
        .top_barriers
        .iter()
        .map(|b| {
            vec![
                Cell::Text(names.name(lang, &b.code)),
                Cell::Count(b.noted),
                percent(b.resolved_percent),
                b.median_days_to_resolve.map_or_else(missing, |d| Cell::Decimal(d, 0)),
                percent(b.no_step_percent),
            ]
        })
        .collect();
    let barriers = Table {
        name: "barriers",
        headings: [
            "monitoring-barrier",
            "monitoring-noted",
            "monitoring-resolved-percent",
            "monitoring-median-days",
            "monitoring-no-step-percent",
        ]
        .iter()
        .map(|k| heading(k))
        .collect(),
        rows,
    };
    let recommendations = evidence.recommendations.into_iter().map(|r| r.body).collect();
    Ok(Some(Monitoring {
        barriers,
        recommendations,
    }))
}

/// The funding case as PDF (`lang`: nl, fr, en; the reader's own when empty).
pub async fn pdf(state: &AppState, ctx: &Ctx, request: Request, lang: &str) -> Result<Response, AppError> {
    let lang = super::esf_pdf::language(lang, ctx.language)?;
    let case = gather(state, ctx, request, lang).await?;
    let document = document(&case, lang);
    let bytes = tokio::task::spawn_blocking(move || onramp_documents::pdf(&document))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let file = format!("onramp-funding-case-{}-{}.pdf", request.from, request.to);
    Ok(download(bytes, "application/pdf", &file))
}

#[cfg(test)]
mod tests {
    use super::*;
    use onramp_domain::cost_benefit::{self as model, Inputs, Parameters};

    fn case(monitoring: Option<Monitoring>) -> FundingCase {
        let parameters = Parameters::default();
        let inputs = Inputs {
            participants: 40,
            took_step: 20,
            paid_work: 10,
            in_work: [8, 8, 6, 6],
            ..Inputs::default()
        };
        let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let report = Report {
            request: Request {
                programme_id: uuid::Uuid::nil(),
                from: day,
                to: day,
                organisation_id: None,
                region_id: None,
            },
            programme_name: "Boost2work".into(),
            results: model::compute(&parameters, &inputs),
            tornado: model::tornado(&parameters, &inputs),
            sources: Default::default(),
            scenarios: Vec::new(),
            parameters,
            inputs,
            withheld: false,
            small_cell_threshold: None,
            records: true,
        };
        FundingCase {
            report,
            description: None,
            reach: Vec::new(),
            monitoring,
        }
    }

    fn headings(document: &Document) -> Vec<String> {
        document.sections.iter().map(|s| s.heading.clone()).collect()
    }

    #[test]
    fn the_monitoring_section_is_printed_only_when_given() {
        let heading = text(Language::En, "fc-monitoring");
        assert!(!headings(&document(&case(None), Language::En)).contains(&heading));
        let monitoring = Monitoring {
            barriers: Table {
                name: "barriers",
                headings: vec!["Barrier".into(), "Noted".into()],
                rows: vec![vec![Cell::Text("Pain".into()), Cell::Count(12)]],
            },
            recommendations: vec!["Fund transport".into()],
        };
        let printed = document(&case(Some(monitoring)), Language::En);
        assert!(headings(&printed).contains(&heading));
        let section = printed.sections.iter().find(|s| s.heading == heading).unwrap();
        assert!(matches!(&section.blocks[2], Block::List { items } if items == &["Fund transport".to_owned()]));
    }
}
