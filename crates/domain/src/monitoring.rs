//! The monitoring reports' arithmetic (docs/monitoring.md): barriers by quarter with the share
//! resolved and the median days to resolve, and the mean ICF change of a cohort with its 95%
//! confidence interval. Pure: the store hands over counts, this turns them into figures.

use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// A quarter as `2026-Q1`.
pub fn quarter(on: NaiveDate) -> String {
    format!("{}-Q{}", on.year(), on.month0() / 3 + 1)
}

/// Whether a period is whole months: the first of a month to the last day of a month.
pub fn whole_months(from: NaiveDate, to: NaiveDate) -> bool {
    from.day() == 1 && to.succ_opt().is_some_and(|next| next.day() == 1) && from <= to
}

/// One barrier code's figures in a cell (a quarter, a unit): barriers noted, of them resolved,
/// of them on trajectories that took no step, and the days to resolve as (days, how many).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BarrierCell {
    pub noted: i64,
    pub resolved: i64,
    pub no_step: i64,
    pub days: BTreeMap<i64, i64>,
}

impl BarrierCell {
    pub fn add(&mut self, other: &BarrierCell) {
        self.noted += other.noted;
        self.resolved += other.resolved;
        self.no_step += other.no_step;
        for (days, n) in &other.days {
            *self.days.entry(*days).or_default() += n;
        }
    }

    /// Resolved as a share of noted, in percent with one decimal.
    pub fn resolved_percent(&self) -> Option<f64> {
        percent(self.resolved, self.noted)
    }

    /// Noted on trajectories without a step, as a share of noted.
    pub fn no_step_percent(&self) -> Option<f64> {
        percent(self.no_step, self.noted)
    }

    /// The median days from noted to resolved (the mean of the two middle ones when even).
    pub fn median_days(&self) -> Option<f64> {
        median(&self.days)
    }
}

/// A share in percent with one decimal; `None` over nothing.
pub fn percent(count: i64, base: i64) -> Option<f64> {
    (base > 0).then(|| (count as f64 * 1000.0 / base as f64).round() / 10.0)
}

/// The median of values given as (value, how many).
pub fn median(values: &BTreeMap<i64, i64>) -> Option<f64> {
    let total: i64 = values.values().filter(|n| **n > 0).sum();
    if total == 0 {
        return None;
    }
    let at = |position: i64| {
        let mut seen = 0;
        values
            .iter()
            .find(|(_, n)| {
                seen += **n;
                seen > position
            })
            .map_or(0, |(value, _)| *value)
    };
    Some(if total % 2 == 0 {
        (at(total / 2 - 1) + at(total / 2)) as f64 / 2.0
    } else {
        at(total / 2) as f64
    })
}

/// The mean change of one ICF category (or competence) for one rater over a cohort.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanChange {
    /// Trajectories with a change (two scored measurements by the rater or more).
    pub n: i64,
    /// Two decimals.
    pub mean: f64,
    /// The 95% confidence interval of the mean (Student's t), two decimals; none for n < 2.
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

/// The two-sided 95% critical values of Student's t for 1 to 30 degrees of freedom.
const T_975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
    2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/// Student's t for a 95% interval with `df` degrees of freedom; beyond the table, from the
/// normal's 1.96 with the first correction term of the series in 1/df (within 0.001 from 31 on).
pub fn t_critical(df: i64) -> f64 {
    match df {
        ..=0 => f64::NAN,
        1..=30 => T_975[(df - 1) as usize],
        _ => {
            let z: f64 = 1.959_964;
            z + (z.powi(3) + z) / (4.0 * df as f64)
        }
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// The mean change and its interval from changes given as (change, how many).
pub fn mean_change(changes: &BTreeMap<i64, i64>) -> Option<MeanChange> {
    let n: i64 = changes.values().sum();
    if n <= 0 {
        return None;
    }
    let sum: f64 = changes.iter().map(|(c, k)| *c as f64 * *k as f64).sum();
    let mean = sum / n as f64;
    let (ci_low, ci_high) = if n >= 2 {
        let squares: f64 = changes
            .iter()
            .map(|(c, k)| (*c as f64 - mean).powi(2) * *k as f64)
            .sum();
        let sd = (squares / (n - 1) as f64).sqrt();
        let half = t_critical(n - 1) * sd / (n as f64).sqrt();
        (Some(round2(mean - half)), Some(round2(mean + half)))
    } else {
        (None, None)
    };
    Some(MeanChange {
        n,
        mean: round2(mean),
        ci_low,
        ci_high,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn quarters_and_whole_months() {
        assert_eq!(quarter(d("2026-03-31")), "2026-Q1");
        assert_eq!(quarter(d("2026-04-01")), "2026-Q2");
        assert_eq!(quarter(d("2026-12-01")), "2026-Q4");
        assert!(whole_months(d("2026-01-01"), d("2026-03-31")));
        assert!(whole_months(d("2026-02-01"), d("2026-02-28")));
        assert!(!whole_months(d("2026-01-02"), d("2026-03-31")));
        assert!(!whole_months(d("2026-01-01"), d("2026-03-30")));
        assert!(!whole_months(d("2026-04-01"), d("2026-03-31")));
    }

    #[test]
    fn the_median_of_counted_values() {
        assert_eq!(median(&BTreeMap::new()), None);
        assert_eq!(median(&BTreeMap::from([(10, 1), (30, 1), (20, 1)])), Some(20.0));
        assert_eq!(median(&BTreeMap::from([(10, 1), (40, 1)])), Some(25.0));
        assert_eq!(median(&BTreeMap::from([(10, 3), (40, 1)])), Some(10.0));
    }

    #[test]
    fn a_mean_change_with_its_interval() {
        // Changes -2, -1, -1, 0: mean -1, sd sqrt(2/3), t(3) = 3.182: half width 3.182 × 0.8165 / 2.
        let m = mean_change(&BTreeMap::from([(-2, 1), (-1, 2), (0, 1)])).unwrap();
        assert_eq!(m.n, 4);
        assert_eq!(m.mean, -1.0);
        assert_eq!(m.ci_low, Some(-2.3));
        assert_eq!(m.ci_high, Some(0.3));
        let one = mean_change(&BTreeMap::from([(3, 1)])).unwrap();
        assert_eq!((one.n, one.mean, one.ci_low), (1, 3.0, None));
        assert_eq!(mean_change(&BTreeMap::new()), None);
    }

    #[test]
    fn t_runs_from_the_table_to_the_normal() {
        assert_eq!(t_critical(1), 12.706);
        assert_eq!(t_critical(30), 2.042);
        assert!((t_critical(60) - 2.000).abs() < 0.002, "{}", t_critical(60));
        assert!((t_critical(1000) - 1.962).abs() < 0.001);
        assert!(t_critical(0).is_nan());
    }
}
