//! The cost-benefit's tables in the reader's language, as the page shows them: results, years,
//! scenarios, tornado and assumptions with their sources. The downloads (CSV, XLSX) and the
//! printed funding case write these. A funder's withheld figures are written as hidden.

use super::cost_benefit::Report;
use crate::exchange::tables::{Cell, Table};
use onramp_domain::cost_benefit::{CHECK_IN_MONTHS, Kind, Results, SPECS, format_value, spec};
use onramp_domain::identity::Language;

/// The names of the tables, as the `table` of the CSV download takes them.
pub const TABLES: &[&str] = &["results", "years", "scenarios", "tornado", "assumptions"];

struct Words(Language);

impl Words {
    fn t(&self, key: &str) -> String {
        crate::i18n::text(self.0, key)
    }

    fn param(&self, key: &str) -> String {
        self.t(&format!("cb-param-{}", key.replace('_', "-")))
    }

    fn headings(&self, keys: &[&str]) -> Vec<String> {
        keys.iter().map(|k| self.t(k)).collect()
    }

    /// A scenario's name: the three named ones in the reader's language.
    fn scenario(&self, name: &str) -> String {
        match name {
            "cautious" | "central" | "hopeful" => self.t(&format!("cb-scenario-{name}")),
            saved => saved.to_owned(),
        }
    }
}

fn euros(cents: Option<i64>) -> Cell {
    cents.map_or(Cell::Empty, Cell::Euros)
}

fn ratio(hundredths: Option<i64>) -> Cell {
    hundredths.map_or(Cell::Empty, |h| Cell::Decimal(h as f64 / 100.0, 2))
}

fn count(n: Option<i64>) -> Cell {
    n.map_or(Cell::Empty, Cell::Count)
}

/// A parameter's value in its own unit: euros, percent, years, or the cost basis's name.
pub fn value_cell(kind: Kind, value: i64) -> Cell {
    match kind {
        Kind::Amount => Cell::Euros(value),
        Kind::Percent => Cell::Decimal(value as f64 / 100.0, 2),
        Kind::Years => Cell::Count(value),
        Kind::CostBasis => Cell::Text(format_value(kind, value)),
    }
}

fn results(r: &Report, w: &Words) -> Table {
    let res = &r.results;
    let mut rows: Vec<(&str, String, Cell)> = vec![
        (
            "net_present_value",
            w.t("cb-net-present-value"),
            Cell::Euros(res.net_present_value),
        ),
        ("present_value", w.t("cb-present-value"), Cell::Euros(res.present_value)),
        ("costs", w.t("cb-costs"), Cell::Euros(res.costs.total)),
        ("ratio", w.t("cb-ratio"), ratio(res.ratio_hundredths)),
        (
            "break_even_price",
            w.t("cb-break-even-price"),
            euros(res.break_even_price),
        ),
        ("payback_months", w.t("cb-payback-months"), count(res.payback_months)),
        (
            "coach_hours",
            w.t("cb-coach-hours"),
            Cell::Decimal(res.costs.hours as f64 / 100.0, 2),
        ),
        ("costs_staff", w.t("cb-costs-staff"), Cell::Euros(res.costs.staff)),
        (
            "costs_overheads",
            w.t("cb-costs-overheads"),
            Cell::Euros(res.costs.overheads),
        ),
        ("costs_direct", w.t("cb-costs-direct"), Cell::Euros(res.costs.direct)),
        ("costs_budget", w.t("cb-costs-budget"), Cell::Euros(res.costs.budget)),
        (
            "cost_per_participant",
            w.t("cb-cost-per-participant"),
            euros(res.cost_per_participant),
        ),
        ("cost_per_step", w.t("cb-cost-per-step"), euros(res.cost_per_step)),
        (
            "cost_per_paid_work",
            w.t("cb-cost-per-paid-work"),
            euros(res.cost_per_paid_work),
        ),
        (
            "participants",
            w.t("cb-participants"),
            Cell::Count(r.inputs.participants),
        ),
        ("took_step", w.t("cb-took-step"), Cell::Count(r.inputs.took_step)),
        ("paid_work", w.t("cb-paid-work"), Cell::Count(r.inputs.paid_work)),
    ];
    let in_work = CHECK_IN_MONTHS.iter().zip(r.inputs.in_work);
    let labels: Vec<(String, String)> = CHECK_IN_MONTHS
        .iter()
        .map(|m| {
            let label = crate::i18n::text_with(w.0, "cb-in-work-at", &[("months", &m.to_string())]);
            (format!("in_work:{m}"), label)
        })
        .collect();
    for ((_, n), (id, label)) in in_work.zip(&labels) {
        rows.push((id.as_str(), label.clone(), Cell::Count(n)));
    }
    let share = res.check_ins_recorded_share.map(|bp| bp as f64 / 100.0);
    rows.push((
        "check_ins_recorded_percent",
        w.t("cb-check-ins-recorded"),
        share.map_or(Cell::Empty, |s| Cell::Decimal(s, 2)),
    ));
    // Coach hours and the check-ins recorded are not counts of people: a funder sees them.
    let open = ["coach_hours", "check_ins_recorded_percent"];
    Table {
        name: "results",
        headings: w.headings(&["report-figure-id", "dashboard-figure", "dashboard-value"]),
        rows: rows
            .into_iter()
            .map(|(id, label, cell)| {
                let cell = if r.withheld && !open.contains(&id) {
                    Cell::Hidden
                } else {
                    cell
                };
                vec![Cell::Text(id.to_owned()), Cell::Text(label), cell]
            })
            .collect(),
    }
}

fn years(r: &Report, w: &Words) -> Table {
    let keys = ["cb-year", "cb-person-months", "cb-value", "cb-present-value"];
    let rows = r.results.years.iter().map(|y| {
        let cells = [
            Cell::Decimal(y.person_months as f64 / 100.0, 2),
            Cell::Euros(y.value),
            Cell::Euros(y.present_value),
        ];
        std::iter::once(Cell::Count(y.year))
            .chain(cells.into_iter().map(|c| if r.withheld { Cell::Hidden } else { c }))
            .collect()
    });
    Table {
        name: "years",
        headings: w.headings(&keys),
        rows: rows.collect(),
    }
}

fn figures(res: &Results, withheld: bool) -> Vec<Cell> {
    let cells = vec![
        Cell::Euros(res.net_present_value),
        ratio(res.ratio_hundredths),
        euros(res.break_even_price),
        count(res.payback_months),
    ];
    if withheld {
        cells.into_iter().map(|_| Cell::Hidden).collect()
    } else {
        cells
    }
}

fn scenarios(r: &Report, w: &Words) -> Table {
    let keys = [
        "cb-scenario",
        "cb-net-present-value",
        "cb-ratio",
        "cb-break-even-price",
        "cb-payback-months",
    ];
    Table {
        name: "scenarios",
        headings: w.headings(&keys),
        rows: r
            .scenarios
            .iter()
            .map(|s| {
                let mut row = vec![Cell::Text(w.scenario(&s.name))];
                row.extend(figures(&s.results, r.withheld));
                row
            })
            .collect(),
    }
}

fn tornado(r: &Report, w: &Words) -> Table {
    let mut headings = vec![w.t("report-figure-id")];
    headings.extend(w.headings(&["cb-parameter", "cb-low", "cb-npv-at-low", "cb-high", "cb-npv-at-high"]));
    let rows = if r.withheld { &[][..] } else { &r.tornado[..] };
    Table {
        name: "tornado",
        headings,
        rows: rows
            .iter()
            .map(|b| {
                let kind = spec(b.key).map_or(Kind::Amount, |s| s.kind);
                vec![
                    Cell::Text(b.key.to_owned()),
                    Cell::Text(w.param(b.key)),
                    value_cell(kind, b.low),
                    Cell::Euros(b.npv_at_low),
                    value_cell(kind, b.high),
                    Cell::Euros(b.npv_at_high),
                ]
            })
            .collect(),
    }
}

fn assumptions(r: &Report, w: &Words) -> Table {
    let mut headings = vec![w.t("report-figure-id")];
    headings.extend(w.headings(&["cb-parameter", "cb-value-set", "cb-source"]));
    let source = |key: &str| {
        let text = r.sources.get(key).map_or("", String::as_str);
        Cell::Text(super::cost_benefit::source_in(w.0, key, text))
    };
    let mut rows: Vec<Vec<Cell>> = SPECS
        .iter()
        .map(|s| {
            vec![
                Cell::Text(s.key.to_owned()),
                Cell::Text(w.param(s.key)),
                value_cell(s.kind, r.parameters.get(s.key)),
                source(s.key),
            ]
        })
        .collect();
    for (partner, value) in &r.parameters.hourly_by_partner {
        let key = format!("hourly_cost.{partner}");
        let label = crate::i18n::text_with(
            w.0,
            "cb-param-partner-hourly-cost",
            &[("partner", &partner.to_string())],
        );
        rows.push(vec![
            Cell::Text(key.clone()),
            Cell::Text(label),
            Cell::Euros(*value),
            source(&key),
        ]);
    }
    Table {
        name: "assumptions",
        headings,
        rows,
    }
}

/// Every table of the report, in the order of [`TABLES`].
pub fn tables(report: &Report, language: Language) -> Vec<Table> {
    let w = Words(language);
    vec![
        results(report, &w),
        years(report, &w),
        scenarios(report, &w),
        tornado(report, &w),
        assumptions(report, &w),
    ]
}
