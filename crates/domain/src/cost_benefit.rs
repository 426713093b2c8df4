//! The social cost-benefit of a programme (docs/cost-benefit.md): costs in year 0 from the coach
//! hours, benefits per person in paid work from the check-ins after exit, adjusted for deadweight,
//! attribution and displacement, faded by a drop-off beyond what was observed and discounted per
//! year. Amounts are cents, rates basis points (10 000 = 100%). Pure: the store gathers
//! [`Inputs`], the web layer shows [`Results`].

use crate::FieldErrors;
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// How a parameter is entered and kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Cents, entered in euros with up to two decimals.
    Amount,
    /// Basis points, entered as a percentage with up to two decimals.
    Percent,
    /// Whole years.
    Years,
    /// What the costs are made of: [`COST_BASES`] by index.
    CostBasis,
}

/// What the costs are made of, by the value of `cost_basis`.
pub const COST_BASES: [&str; 3] = ["hours", "budget", "both"];

/// How far the sensitivity analysis moves a parameter either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swing {
    /// By this many basis points of its own value (2 000: ±20%).
    Relative(i64),
    /// By this many basis points (1 000: ±10 percentage points), within 0-100%.
    Points(i64),
    /// By this many years, at least one.
    Years(i64),
    /// Not moved.
    None,
}

/// One parameter: its key (the field name everywhere), kind, default, the default's source and
/// the range the sensitivity analysis tries.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub key: &'static str,
    pub kind: Kind,
    pub default: i64,
    pub source: &'static str,
    pub swing: Swing,
}

/// Every parameter, in the order forms and tables show them. The sources are what
/// docs/cost-benefit.md cites; an administrator replaces value and source together.
pub const SPECS: &[Spec] = &[
    Spec {
        key: "hourly_cost",
        kind: Kind::Amount,
        default: 5_500,
        source: "Assumption: employer cost of a job coach's hour in Belgium (gross wage, social \
                 contributions, holiday pay); set it from each partner's payroll.",
        swing: Swing::Relative(2_000),
    },
    Spec {
        key: "overhead_rate",
        kind: Kind::Percent,
        default: 1_500,
        source: "Assumption: 15% of staff cost for management, premises and IT; ESF simplified cost \
                 options allow a flat rate of up to 15% of direct staff costs (Regulation (EU) \
                 2021/1060, art. 54).",
        swing: Swing::Points(500),
    },
    Spec {
        key: "direct_costs",
        kind: Kind::Amount,
        default: 0,
        source: "The programme's direct costs in the period (materials, travel, rooms) from its \
                 accounts; none by default.",
        swing: Swing::Relative(2_000),
    },
    Spec {
        key: "cost_basis",
        kind: Kind::CostBasis,
        default: 0,
        source: "Costs from the time registration (hours); 'budget' takes the agreements' ESF and \
                 own-share amounts instead, 'both' adds them.",
        swing: Swing::None,
    },
    Spec {
        key: "benefits_per_month",
        kind: Kind::Amount,
        default: 141_667,
        source: "Benefits no longer paid: 526,507 people on long-term sickness at end 2023 received \
                 over EUR 9 bn, about EUR 17,000 each a year (RIZIV/INAMI), / 12.",
        swing: Swing::Relative(2_000),
    },
    Spec {
        key: "contributions_per_month",
        kind: Kind::Amount,
        default: 281_333,
        source: "Contributions and taxes gained: the 439,572 long-term sick of 2019 cost EUR 21.2 bn, \
                 70% lost revenue, about EUR 33,760 each a year, / 12.",
        swing: Swing::Relative(2_000),
    },
    Spec {
        key: "training_proxy",
        kind: Kind::Amount,
        default: 0,
        source: "Optional value of a step into training (a VET course or workplace training), once \
                 per person; none by default.",
        swing: Swing::Relative(2_000),
    },
    Spec {
        key: "volunteering_proxy",
        kind: Kind::Amount,
        default: 0,
        source: "Optional value of a step into volunteer work, once per person; none by default.",
        swing: Swing::Relative(2_000),
    },
    Spec {
        key: "deadweight",
        kind: Kind::Percent,
        default: 7_000,
        source: "70% of those sick one to twelve months return to work by themselves within four \
                 months (Boost2work aims at the other 30%).",
        swing: Swing::Points(1_000),
    },
    Spec {
        key: "attribution",
        kind: Kind::Percent,
        default: 0,
        source: "Share of the outcome owed to others (the employer's re-integration trajectory, the \
                 sickness fund's return-to-work coordinator); no estimate, so none by default.",
        swing: Swing::Points(1_000),
    },
    Spec {
        key: "displacement",
        kind: Kind::Percent,
        default: 0,
        source: "Share of jobs taken from others who would have had them; none by default.",
        swing: Swing::Points(1_000),
    },
    Spec {
        key: "drop_off",
        kind: Kind::Percent,
        default: 2_000,
        source: "Assumption: 20% a year fewer in work beyond the last check-in (24 months).",
        swing: Swing::Points(1_000),
    },
    Spec {
        key: "discount_rate",
        kind: Kind::Percent,
        default: 300,
        source: "3% a year, the social discount rate the European Commission's Guide to Cost-Benefit \
                 Analysis of Investment Projects (2014) gives for non-cohesion Member States.",
        swing: Swing::Points(150),
    },
    Spec {
        key: "horizon_years",
        kind: Kind::Years,
        default: 5,
        source: "Assumption: benefits counted for five years after exit.",
        swing: Swing::Years(2),
    },
];

/// The spec of a key.
pub fn spec(key: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.key == key)
}

/// The check-ins after exit the benefits are observed at, in months.
pub const CHECK_IN_MONTHS: [i64; 4] = [6, 12, 18, 24];

/// The values of every parameter, and an hourly cost per partner where one differs from
/// `hourly_cost`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parameters {
    pub values: BTreeMap<&'static str, i64>,
    pub hourly_by_partner: BTreeMap<Uuid, i64>,
}

impl Default for Parameters {
    fn default() -> Self {
        Parameters {
            values: SPECS.iter().map(|s| (s.key, s.default)).collect(),
            hourly_by_partner: BTreeMap::new(),
        }
    }
}

impl Parameters {
    /// The value of a parameter (its default when the key is not one).
    pub fn get(&self, key: &str) -> i64 {
        self.values
            .get(key)
            .copied()
            .or_else(|| spec(key).map(|s| s.default))
            .unwrap_or(0)
    }

    /// Sets a known parameter, clamped to what it may hold.
    pub fn set(&mut self, key: &str, value: i64) {
        if let Some(spec) = spec(key) {
            self.values.insert(spec.key, clamp(spec.kind, value));
        }
    }

    /// The hourly cost of a partner's hours.
    pub fn hourly_cost(&self, partner_id: Uuid) -> i64 {
        self.hourly_by_partner
            .get(&partner_id)
            .copied()
            .unwrap_or_else(|| self.get("hourly_cost"))
    }
}

/// The range a kind of parameter may hold.
pub fn bounds(kind: Kind) -> (i64, i64) {
    match kind {
        Kind::Amount => (0, 100_000_000_000),
        Kind::Percent => (0, 10_000),
        Kind::Years => (1, 50),
        Kind::CostBasis => (0, COST_BASES.len() as i64 - 1),
    }
}

fn clamp(kind: Kind, value: i64) -> i64 {
    let (low, high) = bounds(kind);
    value.clamp(low, high)
}

/// Reads a parameter as a form or the API writes it: euros ("55", "55,50"), a percentage
/// ("3.5"), years ("5") or a cost basis ("hours").
pub fn parse_value(kind: Kind, input: &str) -> Result<i64, &'static str> {
    let value = match kind {
        Kind::Amount | Kind::Percent => hundredths(input)?,
        Kind::Years => {
            let text = input.trim();
            if text.is_empty() {
                return Err("required");
            }
            text.parse::<i64>().map_err(|_| "invalid-number")?
        }
        Kind::CostBasis => {
            return match COST_BASES.iter().position(|b| *b == input.trim()) {
                Some(i) => Ok(i as i64),
                None if input.trim().is_empty() => Err("required"),
                None => Err("invalid-choice:hours budget both"),
            };
        }
    };
    let (low, high) = bounds(kind);
    if (low..=high).contains(&value) {
        Ok(value)
    } else {
        Err("out-of-range")
    }
}

/// Writes a value as [`parse_value`] reads it back ("55.00", "3.50", "5", "hours").
pub fn format_value(kind: Kind, value: i64) -> String {
    match kind {
        Kind::Amount | Kind::Percent => format!("{}.{:02}", value / 100, value % 100),
        Kind::Years => value.to_string(),
        Kind::CostBasis => COST_BASES.get(value as usize).copied().unwrap_or("hours").to_owned(),
    }
}

/// "55,5" → 5550: a number with up to two decimals, in hundredths.
fn hundredths(input: &str) -> Result<i64, &'static str> {
    let text = input.trim().replace(',', ".");
    if text.is_empty() {
        return Err("required");
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (!fraction.is_empty() && !digits(fraction)) || fraction.len() > 2 {
        return Err(if whole.starts_with('-') {
            "out-of-range"
        } else {
            "invalid-number"
        });
    }
    let whole: i64 = whole.parse().map_err(|_| "out-of-range")?;
    let fraction: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(fraction))
        .ok_or("out-of-range")
}

/// A form's or a request's parameters: every key of [`SPECS`] (a missing one keeps `base`'s
/// value), and `hourly_cost.<partner id>` per partner (empty: the common hourly cost).
pub fn parse_parameters(fields: &BTreeMap<String, String>, base: &Parameters) -> Result<Parameters, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut parameters = base.clone();
    for spec in SPECS {
        if let Some(text) = fields.get(spec.key)
            && let Some(value) = errors.check(spec.key, parse_value(spec.kind, text))
        {
            parameters.values.insert(spec.key, value);
        }
    }
    for (field, text) in fields {
        let Some(id) = field.strip_prefix("hourly_cost.") else {
            continue;
        };
        let Ok(partner) = Uuid::parse_str(id) else {
            errors.add_named(field.clone(), "invalid-id");
            continue;
        };
        if text.trim().is_empty() {
            parameters.hourly_by_partner.remove(&partner);
            continue;
        }
        match parse_value(Kind::Amount, text) {
            Ok(value) => {
                parameters.hourly_by_partner.insert(partner, value);
            }
            Err(code) => errors.add_named(field.clone(), code),
        }
    }
    errors.finish(|| parameters)
}

/// The facts of a scope and period the model is computed from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Inputs {
    /// Trajectories started in the period.
    pub participants: i64,
    pub took_step: i64,
    pub paid_work: i64,
    /// Of them, with a step into training (VET course or workplace training), or volunteer work.
    pub training_steps: i64,
    pub volunteering_steps: i64,
    /// In employment at the check-ins after exit ([`CHECK_IN_MONTHS`]).
    pub in_work: [i64; 4],
    /// Check-ins scheduled for the cohort and those recorded with contact made.
    pub check_ins_scheduled: i64,
    pub check_ins_recorded: i64,
    /// Coach minutes registered in the period, per partner.
    pub minutes: BTreeMap<Uuid, i64>,
    /// The agreements' ESF and own-share amounts for the period.
    pub budget: i64,
}

/// The costs, all in year 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Costs {
    /// Coach hours, in hundredths (12 345 = 123.45 hours).
    pub hours: i64,
    pub staff: i64,
    pub overheads: i64,
    pub direct: i64,
    pub budget: i64,
    pub total: i64,
}

/// One year after exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Year {
    pub year: i64,
    /// Months in paid work of the whole cohort, in hundredths (drop-off makes them fractional).
    pub person_months: i64,
    /// The year's benefits after deadweight, attribution and displacement, before discounting.
    pub value: i64,
    pub present_value: i64,
}

/// What the model answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Results {
    pub costs: Costs,
    pub cost_per_participant: Option<i64>,
    pub cost_per_step: Option<i64>,
    pub cost_per_paid_work: Option<i64>,
    pub years: Vec<Year>,
    pub present_value: i64,
    pub net_present_value: i64,
    /// Present value per euro of cost, in hundredths (None without costs).
    pub ratio_hundredths: Option<i64>,
    /// What a payer could pay per participant and not lose: present value / participants.
    pub break_even_price: Option<i64>,
    /// Months after exit until the discounted benefits cover the costs (None: not within the horizon).
    pub payback_months: Option<i64>,
    /// Share of the cohort's scheduled check-ins recorded, in basis points (None: none scheduled).
    pub check_ins_recorded_share: Option<i64>,
}

/// Half away from zero, to the whole cent.
fn round(x: f64) -> i64 {
    x.round() as i64
}

fn per(total: i64, n: i64) -> Option<i64> {
    (n > 0).then(|| round(total as f64 / n as f64))
}

/// The cost of a partner's minutes at its hourly cost, to the cent.
pub fn staff_cost(minutes: i64, hourly_cost: i64) -> i64 {
    round(minutes as f64 * hourly_cost as f64 / 60.0)
}

/// Minutes as hours in hundredths (12 345 = 123.45 hours).
pub fn hours_hundredths(minutes: i64) -> i64 {
    round(minutes as f64 * 100.0 / 60.0)
}

/// The costs of the inputs under the parameters.
pub fn costs(p: &Parameters, inputs: &Inputs) -> Costs {
    let basis = p.get("cost_basis");
    let (use_hours, use_budget) = (basis != 1, basis != 0);
    let minutes: i64 = inputs.minutes.values().sum();
    let staff: i64 = inputs
        .minutes
        .iter()
        .map(|(partner, minutes)| staff_cost(*minutes, p.hourly_cost(*partner)))
        .sum();
    let staff = if use_hours { staff } else { 0 };
    let overheads = round(staff as f64 * p.get("overhead_rate") as f64 / 10_000.0);
    let budget = if use_budget { inputs.budget } else { 0 };
    let direct = p.get("direct_costs");
    Costs {
        hours: hours_hundredths(minutes),
        staff,
        overheads,
        direct,
        budget,
        total: staff + overheads + direct + budget,
    }
}

/// Months in paid work per year after exit, before drop-off's fading is applied beyond year 2:
/// someone in work at a check-in counts the six months up to it.
fn observed_months(inputs: &Inputs) -> [f64; 2] {
    let w = inputs.in_work.map(|n| n as f64 * 6.0);
    [w[0] + w[1], w[2] + w[3]]
}

/// The cohort's months in paid work in each year 1..=horizon.
fn person_months(p: &Parameters, inputs: &Inputs) -> Vec<f64> {
    let [first, second] = observed_months(inputs);
    let keep = 1.0 - p.get("drop_off") as f64 / 10_000.0;
    (1..=p.get("horizon_years"))
        .map(|year| match year {
            1 => first,
            2 => second,
            later => second * keep.powi((later - 2) as i32),
        })
        .collect()
}

/// (1 - deadweight)(1 - attribution)(1 - displacement).
pub fn adjustment(p: &Parameters) -> f64 {
    ["deadweight", "attribution", "displacement"]
        .iter()
        .map(|k| 1.0 - p.get(k) as f64 / 10_000.0)
        .product()
}

/// The years after exit: value and present value.
pub fn years(p: &Parameters, inputs: &Inputs) -> Vec<Year> {
    let monthly = (p.get("benefits_per_month") + p.get("contributions_per_month")) as f64;
    let factor = adjustment(p);
    let proxies = (inputs.training_steps * p.get("training_proxy")
        + inputs.volunteering_steps * p.get("volunteering_proxy")) as f64;
    let rate = p.get("discount_rate") as f64 / 10_000.0;
    person_months(p, inputs)
        .into_iter()
        .zip(1..)
        .map(|(months, year)| {
            let mut value = round(months * monthly * factor);
            if year == 1 {
                value += round(proxies * factor);
            }
            Year {
                year,
                person_months: round(months * 100.0),
                value,
                present_value: round(value as f64 / (1.0 + rate).powi(year as i32)),
            }
        })
        .collect()
}

/// Months until the cumulative present value reaches `cost`, each year's present value spread
/// evenly over its twelve months.
fn payback(cost: i64, years: &[Year]) -> Option<i64> {
    if cost <= 0 {
        return Some(0);
    }
    let mut covered = 0;
    for year in years {
        if year.present_value > 0 && covered + year.present_value >= cost {
            let missing = (cost - covered) as i128 * 12;
            let months = (missing + year.present_value as i128 - 1) / year.present_value as i128;
            return Some((year.year - 1) * 12 + months as i64);
        }
        covered += year.present_value;
    }
    None
}

/// The whole model.
pub fn compute(p: &Parameters, inputs: &Inputs) -> Results {
    let costs = costs(p, inputs);
    let years = years(p, inputs);
    let present_value: i64 = years.iter().map(|y| y.present_value).sum();
    Results {
        cost_per_participant: per(costs.total, inputs.participants),
        cost_per_step: per(costs.total, inputs.took_step),
        cost_per_paid_work: per(costs.total, inputs.paid_work),
        net_present_value: present_value - costs.total,
        ratio_hundredths: (costs.total > 0).then(|| round(present_value as f64 * 100.0 / costs.total as f64)),
        break_even_price: (inputs.participants > 0).then(|| present_value.div_euclid(inputs.participants)),
        payback_months: payback(costs.total, &years),
        check_ins_recorded_share: (inputs.check_ins_scheduled > 0)
            .then(|| round(inputs.check_ins_recorded as f64 * 10_000.0 / inputs.check_ins_scheduled as f64)),
        present_value,
        years,
        costs,
    }
}

/// One bar of the tornado: a parameter at the low and the high end of its range, and the net
/// present value at each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bar {
    pub key: &'static str,
    pub low: i64,
    pub high: i64,
    pub npv_at_low: i64,
    pub npv_at_high: i64,
}

impl Bar {
    /// How far the net present value moves over the range.
    pub fn width(&self) -> i64 {
        (self.npv_at_high - self.npv_at_low).abs()
    }
}

/// The low and high end of a parameter's range around `value`.
pub fn range(spec: &Spec, value: i64) -> Option<(i64, i64)> {
    let (low, high) = match spec.swing {
        Swing::Relative(bp) => {
            let delta = round(value as f64 * bp as f64 / 10_000.0);
            (value - delta, value + delta)
        }
        Swing::Points(bp) => (value - bp, value + bp),
        Swing::Years(n) => (value - n, value + n),
        Swing::None => return None,
    };
    Some((clamp(spec.kind, low), clamp(spec.kind, high)))
}

/// `p` with one parameter moved; the hourly cost moves every partner's by the same share.
fn moved(p: &Parameters, key: &str, value: i64) -> Parameters {
    let mut moved = p.clone();
    if key == "hourly_cost" && p.get(key) > 0 {
        let scale = value as f64 / p.get(key) as f64;
        for cost in moved.hourly_by_partner.values_mut() {
            *cost = round(*cost as f64 * scale);
        }
    }
    moved.set(key, value);
    moved
}

/// Every parameter moved over its range, widest effect first.
pub fn tornado(p: &Parameters, inputs: &Inputs) -> Vec<Bar> {
    let mut bars: Vec<Bar> = SPECS
        .iter()
        .filter_map(|spec| {
            let (low, high) = range(spec, p.get(spec.key))?;
            Some(Bar {
                key: spec.key,
                low,
                high,
                npv_at_low: compute(&moved(p, spec.key, low), inputs).net_present_value,
                npv_at_high: compute(&moved(p, spec.key, high), inputs).net_present_value,
            })
        })
        .collect();
    bars.sort_by_key(|b| std::cmp::Reverse(b.width()));
    bars
}

/// The three named scenarios: cautious takes every parameter at the end of its range that lowers
/// the net present value, hopeful the end that raises it, central the parameters as set.
pub fn scenarios(p: &Parameters, inputs: &Inputs) -> [(&'static str, Parameters); 3] {
    let bars = tornado(p, inputs);
    let pick = |hopeful: bool| {
        bars.iter().fold(p.clone(), |acc, bar| {
            let high_is_better = bar.npv_at_high >= bar.npv_at_low;
            let value = if high_is_better == hopeful { bar.high } else { bar.low };
            moved(&acc, bar.key, value)
        })
    };
    [
        ("cautious", pick(false)),
        ("central", p.clone()),
        ("hopeful", pick(true)),
    ]
}

#[cfg(test)]
#[path = "cost_benefit_tests.rs"]
mod tests;
