//! The monitoring report's tables in the reader's language, as the page shows them and the CSV
//! and XLSX downloads write them.

use super::barrier_codes::BarrierNames;
use super::monitoring::{Report, UnitRow};
use crate::error::AppError;
use crate::exchange::table::{Cell, Table};
use onramp_domain::identity::Language;
use onramp_store::Access;
use std::collections::BTreeMap;

/// The tables of a report.
pub const TABLES: &[&str] = &["barriers", "icf", "trends", "coaches", "locations"];

/// Names of what the tables list: barrier codes, ICF categories and competences.
pub struct Names {
    barriers: BarrierNames,
    categories: BTreeMap<String, String>,
    /// Every programme's competences by code, in the reader's language.
    competences: BTreeMap<String, String>,
}

impl Names {
    pub async fn load(conn: &mut impl Access, language: Language) -> Result<Names, AppError> {
        let categories = onramp_store::icf::categories(conn)
            .await?
            .into_iter()
            .map(|c| {
                let title = match language {
                    Language::Nl => c.title_nl,
                    Language::Fr => c.title_fr,
                    Language::En => c.title_en,
                };
                (c.code, title)
            })
            .collect();
        let mut competences = BTreeMap::new();
        for g in onramp_store::programmes::list(conn).await? {
            for step in &g.definition.competences {
                let name = crate::builtin_names::step_name(language, "competence", step, g.built_in);
                competences.entry(step.code.clone()).or_insert(name);
            }
        }
        Ok(Names {
            barriers: super::barrier_codes::names_in(conn).await?,
            categories,
            competences,
        })
    }

    pub fn barrier(&self, language: Language, code: &str) -> String {
        self.barriers.name(language, code)
    }

    /// An ICF category as `d240 Handling stress…`, or a competence's name.
    pub fn item(&self, language: Language, item: &str) -> String {
        match self.categories.get(item) {
            Some(title) => format!("{item} {title}"),
            None => self.competence(language, item),
        }
    }

    /// What a chart's axis says: an ICF category's code (its title is in the table beside), or
    /// a competence's name.
    pub fn short(&self, language: Language, item: &str) -> String {
        if self.categories.contains_key(item) {
            item.to_owned()
        } else {
            self.competence(language, item)
        }
    }

    /// A competence no programme measures any more keeps its shipped name if it had one.
    fn competence(&self, language: Language, code: &str) -> String {
        self.competences
            .get(code)
            .cloned()
            .or_else(|| crate::i18n::try_text(language, &format!("competence-{code}")))
            .unwrap_or_else(|| code.to_owned())
    }
}

fn headings(language: Language, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| crate::i18n::text(language, k)).collect()
}

fn share(v: Option<f64>, hidden: bool) -> Cell {
    if hidden { Cell::Hidden } else { Cell::Decimal(v, 1) }
}

/// One table of the report; `None` for a table the report does not have (a comparison that does
/// not apply to its scope or reader).
pub fn table(report: &Report, which: &str, names: &Names, language: Language) -> Option<Table> {
    let t = |key: &str| crate::i18n::text(language, key);
    match which {
        "barriers" => Some(Table {
            headings: headings(
                language,
                &[
                    "monitoring-quarter",
                    "monitoring-barrier",
                    "monitoring-noted",
                    "monitoring-resolved",
                    "monitoring-resolved-percent",
                    "monitoring-median-days",
                    "monitoring-no-step",
                    "monitoring-no-step-percent",
                ],
            ),
            rows: report
                .barriers
                .iter()
                .map(|r| {
                    vec![
                        Cell::Text(r.quarter.clone().unwrap_or_else(|| t("monitoring-whole-period"))),
                        Cell::Text(names.barrier(language, &r.code)),
                        Cell::shown(r.noted),
                        Cell::shown(r.resolved),
                        share(r.resolved_percent, r.noted.is_none() || r.resolved.is_none()),
                        share(r.median_days_to_resolve, r.resolved.is_none()),
                        Cell::shown(r.no_step),
                        share(r.no_step_percent, r.noted.is_none() || r.no_step.is_none()),
                    ]
                })
                .collect(),
        }),
        "icf" => Some(Table {
            headings: headings(
                language,
                &[
                    "monitoring-rater",
                    "monitoring-item",
                    "monitoring-n",
                    "monitoring-mean-change",
                    "monitoring-ci-low",
                    "monitoring-ci-high",
                ],
            ),
            rows: report
                .icf
                .iter()
                .map(|r| {
                    let hidden = r.n.is_none();
                    let dec = |v: Option<f64>| if hidden { Cell::Hidden } else { Cell::Decimal(v, 2) };
                    vec![
                        Cell::Text(t(&format!("icf-rater-{}", r.rater))),
                        Cell::Text(names.item(language, &r.item)),
                        Cell::shown(r.n),
                        dec(r.mean_change),
                        dec(r.ci_low),
                        dec(r.ci_high),
                    ]
                })
                .collect(),
        }),
        "trends" => Some(Table {
            headings: headings(
                language,
                &[
                    "monitoring-month",
                    "monitoring-reached",
                    "monitoring-started",
                    "monitoring-first-steps",
                    "monitoring-first-paid",
                ],
            ),
            rows: report
                .months
                .iter()
                .map(|m| {
                    vec![
                        Cell::Text(m.month.format("%Y-%m").to_string()),
                        Cell::shown(m.reached_by_presence),
                        Cell::shown(m.started),
                        Cell::shown(m.first_steps),
                        Cell::shown(m.first_paid_work),
                    ]
                })
                .collect(),
        }),
        "coaches" => report
            .per_coach
            .as_deref()
            .map(|rows| units(rows, "monitoring-coach", language)),
        "locations" => report
            .per_location
            .as_deref()
            .map(|rows| units(rows, "monitoring-location", language)),
        _ => None,
    }
}

fn units(rows: &[UnitRow], first: &str, language: Language) -> Table {
    Table {
        headings: headings(
            language,
            &[
                first,
                "monitoring-started",
                "monitoring-first-steps",
                "monitoring-noted",
                "monitoring-resolved-percent",
                "monitoring-median-days",
                "monitoring-no-step-percent",
            ],
        ),
        rows: rows
            .iter()
            .map(|u| {
                vec![
                    Cell::Text(u.name.clone()),
                    Cell::shown(u.started),
                    Cell::shown(u.first_steps),
                    Cell::shown(u.barriers_noted),
                    Cell::Decimal(u.resolved_percent, 1),
                    Cell::Decimal(u.median_days_to_resolve, 1),
                    Cell::Decimal(u.no_step_percent, 1),
                ]
            })
            .collect(),
    }
}
