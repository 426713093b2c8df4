//! Small cells: the figures shown outside the care relationship (funders, later researchers) hide
//! every count of one to `threshold - 1` people, and every figure from which such a count could be
//! worked out again. A figure of one person who started on one day, with that person's barriers
//! and months of sickness, is that person's health data, whatever the table calls it.
//!
//! The rule, in order, until nothing changes:
//! 1. a count between 1 and `threshold - 1` is hidden (zero is shown: it is nobody's data);
//! 2. in a nested family (started ⊇ engaged, started ⊇ took a step ⊇ in paid work), a shown count
//!    whose difference with a shown count it is nested in lies between 1 and `threshold - 1` is
//!    hidden (the inner one), since the difference is a count of people too;
//! 3. in a partition whose total is known (exits by situation, the cohort by months of sickness),
//!    a single hidden part could be recovered by subtraction: the smallest other non-zero part is
//!    hidden with it.
//!
//! Shares and medians built on a hidden count are hidden with it (`Cells::share`).
//!
//! Figures shown side by side for parts that add up to a whole shown beside them (the regions of
//! a programme next to its total) follow rule 3 across the parts too ([`across_parts`]).

use std::collections::{BTreeMap, BTreeSet};

/// The smallest number of people a figure shown outside the care relationship may count.
pub const DEFAULT_THRESHOLD: i64 = 5;

/// Figures by key, and the keys that must be hidden.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cells {
    counts: BTreeMap<String, i64>,
    nested: Vec<(String, String)>,
    partitions: Vec<(Option<String>, Vec<String>)>,
    hidden: BTreeSet<String>,
}

impl Cells {
    pub fn new() -> Cells {
        Cells::default()
    }

    /// A count under its key.
    pub fn count(&mut self, key: &str, n: i64) -> &mut Cells {
        self.counts.insert(key.to_owned(), n);
        self
    }

    /// `inner` counts a subset of the people `outer` counts.
    pub fn nested(&mut self, outer: &str, inner: &str) -> &mut Cells {
        self.nested.push((outer.to_owned(), inner.to_owned()));
        self
    }

    /// The `parts` count disjoint groups that add up to `total` (a key, or `None` when the total
    /// is not shown but may be known elsewhere: then it is treated as known).
    pub fn partition(&mut self, total: Option<&str>, parts: &[String]) -> &mut Cells {
        self.partitions.push((total.map(str::to_owned), parts.to_vec()));
        self
    }

    /// Applies the rule with this threshold; returns the keys to hide.
    pub fn suppress(&mut self, threshold: i64) -> &BTreeSet<String> {
        let small = |n: i64| n > 0 && n < threshold;
        let value = |cells: &Cells, key: &str| cells.counts.get(key).copied().unwrap_or(0);
        for (key, n) in &self.counts {
            if small(*n) {
                self.hidden.insert(key.clone());
            }
        }
        loop {
            let before = self.hidden.len();
            for (outer, inner) in self.nested.clone() {
                let shown = !self.hidden.contains(&outer) && !self.hidden.contains(&inner);
                if shown && small(value(self, &outer) - value(self, &inner)) {
                    self.hidden.insert(inner);
                }
            }
            for (total, parts) in self.partitions.clone() {
                let total_known = total.as_ref().is_none_or(|t| !self.hidden.contains(t));
                let hidden_parts = parts.iter().filter(|p| self.hidden.contains(*p)).count();
                if total_known && hidden_parts == 1 {
                    let next = parts
                        .iter()
                        .filter(|p| !self.hidden.contains(*p) && value(self, p) > 0)
                        .min_by_key(|p| (value(self, p), (*p).clone()));
                    match next {
                        Some(part) => {
                            self.hidden.insert(part.clone());
                        }
                        // Nothing else to hide among the parts: hide the total instead.
                        None => {
                            if let Some(total) = total {
                                self.hidden.insert(total);
                            }
                        }
                    }
                }
            }
            if self.hidden.len() == before {
                return &self.hidden;
            }
        }
    }

    pub fn is_hidden(&self, key: &str) -> bool {
        self.hidden.contains(key)
    }

    /// Hides a key whatever its count (a rule outside these cells asks it); `suppress` goes on
    /// from it.
    pub fn hide(&mut self, key: &str) -> &mut Cells {
        self.hidden.insert(key.to_owned());
        self
    }

    /// A share built on counts: hidden when any of them is.
    pub fn share(&self, keys: &[&str], share: Option<f64>) -> Option<f64> {
        if keys.iter().any(|k| self.hidden.contains(*k)) {
            None
        } else {
            share
        }
    }
}

/// Parts shown side by side whose counts add up to a whole shown beside them: a key hidden in
/// exactly one part could be worked out by subtracting the others from the whole, so the
/// smallest other part showing a non-zero count of that key is hidden with it (rule 3 across the
/// parts), until nothing changes. `parts` are the parts' cells before suppression; the answer
/// is, per part, the keys to hide besides its own small cells (`Cells::hide` them, then
/// `suppress`). When no other part shows the key, the whole equals the hidden part and is small
/// itself: its own cells hide it.
pub fn across_parts(parts: &[Cells], threshold: i64) -> Vec<BTreeSet<String>> {
    let mut forced: Vec<BTreeSet<String>> = vec![BTreeSet::new(); parts.len()];
    let keys: BTreeSet<String> = parts.iter().flat_map(|p| p.counts.keys().cloned()).collect();
    loop {
        let hidden: Vec<BTreeSet<String>> = parts
            .iter()
            .zip(&forced)
            .map(|(part, also)| {
                let mut cells = part.clone();
                also.iter().for_each(|key| {
                    cells.hide(key);
                });
                cells.suppress(threshold).clone()
            })
            .collect();
        let mut changed = false;
        for key in &keys {
            let hiding = hidden.iter().filter(|h| h.contains(key)).count();
            if hiding != 1 {
                continue;
            }
            let next = (0..parts.len())
                .filter(|&i| !hidden[i].contains(key))
                .map(|i| (parts[i].counts.get(key).copied().unwrap_or(0), i))
                .filter(|(n, _)| *n > 0)
                .min();
            if let Some((_, i)) = next {
                changed |= forced[i].insert(key.clone());
            }
        }
        if !changed {
            return forced;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &[&str]) -> Vec<String> {
        list.iter().map(|k| k.to_string()).collect()
    }

    fn hidden(cells: &mut Cells) -> Vec<String> {
        cells.suppress(DEFAULT_THRESHOLD).iter().cloned().collect()
    }

    #[test]
    fn counts_of_one_to_four_people_are_hidden_and_zero_is_shown() {
        let mut cells = Cells::new();
        cells
            .count("started", 1)
            .count("paid_work", 0)
            .count("exits", 5)
            .count("reached", 4);
        assert_eq!(hidden(&mut cells), keys(&["reached", "started"]));
    }

    #[test]
    fn a_nested_count_that_differs_by_a_few_from_its_outer_count_is_hidden_and_so_on_down() {
        // 7 started, 6 took a step, 6 in paid work: "1 started and took no step" is a small cell,
        // so is "1 started and is not in paid work"; both inner counts go.
        let mut cells = Cells::new();
        cells
            .count("started", 7)
            .count("took_step", 6)
            .count("paid_work", 6)
            .nested("started", "took_step")
            .nested("took_step", "paid_work")
            .nested("started", "paid_work");
        assert_eq!(hidden(&mut cells), keys(&["paid_work", "took_step"]));
        // Equal counts (a difference of nobody) and large differences stay.
        let mut cells = Cells::new();
        cells
            .count("started", 20)
            .count("took_step", 20)
            .count("paid_work", 9)
            .nested("started", "took_step")
            .nested("took_step", "paid_work");
        assert!(hidden(&mut cells).is_empty());
    }

    #[test]
    fn one_hidden_part_of_a_known_total_takes_the_next_smallest_part_with_it() {
        let parts = keys(&["sickness:0-3", "sickness:4-6", "sickness:7-12", "sickness:unknown"]);
        let mut cells = Cells::new();
        cells
            .count("started", 31)
            .count("sickness:0-3", 2)
            .count("sickness:4-6", 9)
            .count("sickness:7-12", 20)
            .count("sickness:unknown", 0)
            .partition(Some("started"), &parts);
        assert_eq!(hidden(&mut cells), keys(&["sickness:0-3", "sickness:4-6"]));
    }

    #[test]
    fn a_lone_hidden_part_hides_its_total_when_no_other_part_can_go() {
        let parts = keys(&["exits:in_employment", "exits:inactive"]);
        let mut cells = Cells::new();
        cells
            .count("exited", 3)
            .count("exits:in_employment", 3)
            .count("exits:inactive", 0)
            .partition(Some("exited"), &parts);
        assert_eq!(hidden(&mut cells), keys(&["exited", "exits:in_employment"]));
    }

    #[test]
    fn shares_on_hidden_counts_are_hidden_and_a_threshold_of_one_hides_nothing() {
        let mut cells = Cells::new();
        cells.count("started", 3).count("took_step", 0);
        cells.suppress(DEFAULT_THRESHOLD);
        assert_eq!(cells.share(&["took_step", "started"], Some(0.0)), None);
        assert_eq!(cells.share(&["took_step"], Some(0.0)), Some(0.0));
        let mut open = Cells::new();
        open.count("started", 1);
        assert!(open.suppress(1).is_empty());
    }

    #[test]
    fn a_part_hidden_alone_beside_the_whole_hides_the_smallest_other_part() {
        let region = |started: i64, paid: i64| {
            let mut cells = Cells::new();
            cells
                .count("started", started)
                .count("paid_work", paid)
                .nested("started", "paid_work");
            cells
        };
        // Limburg's 3 starts are hidden; with the total shown, Antwerp's 40 and Ghent's 12 would
        // give them away: Ghent's (the smaller) goes too. Paid work: nobody hidden, nothing added.
        let parts = [region(40, 10), region(3, 0), region(12, 6)];
        let forced = across_parts(&parts, DEFAULT_THRESHOLD);
        assert_eq!(forced[2], BTreeSet::from(["started".to_owned()]));
        assert!(forced[0].is_empty() && forced[1].is_empty());
        // Two parts hidden already: subtraction gives only their sum, so nothing more.
        let parts = [region(40, 10), region(3, 0), region(2, 0)];
        assert!(across_parts(&parts, DEFAULT_THRESHOLD).iter().all(BTreeSet::is_empty));
        // The only other part is empty: the whole equals the hidden part, and is small, so the
        // whole's own rule hides it; nothing to add here.
        let parts = [region(3, 0), region(0, 0)];
        assert!(across_parts(&parts, DEFAULT_THRESHOLD).iter().all(BTreeSet::is_empty));
    }
}
