use super::*;

fn partner() -> Uuid {
    Uuid::from_u128(7)
}

/// The worked example of docs/cost-benefit.md.
fn example() -> (Parameters, Inputs) {
    let mut p = Parameters::default();
    for (key, value) in [
        ("hourly_cost", 5_000),
        ("overhead_rate", 1_000),
        ("direct_costs", 100_000),
        ("benefits_per_month", 60_000),
        ("contributions_per_month", 40_000),
        ("deadweight", 5_000),
        ("attribution", 0),
        ("displacement", 0),
        ("drop_off", 5_000),
        ("discount_rate", 1_000),
        ("horizon_years", 3),
    ] {
        p.set(key, value);
    }
    let inputs = Inputs {
        participants: 10,
        took_step: 4,
        paid_work: 2,
        in_work: [2, 2, 1, 1],
        check_ins_scheduled: 8,
        check_ins_recorded: 6,
        minutes: [(partner(), 60 * 60)].into(),
        ..Inputs::default()
    };
    (p, inputs)
}

#[test]
fn the_worked_example_to_the_cent() {
    let (p, inputs) = example();
    let r = compute(&p, &inputs);
    // 60 h × €50 = €3,000; overheads 10% = €300; direct €1,000.
    assert_eq!(
        (r.costs.staff, r.costs.overheads, r.costs.direct, r.costs.total),
        (300_000, 30_000, 100_000, 430_000)
    );
    assert_eq!(r.costs.hours, 6_000);
    // Year 1: 6 × (2 + 2) = 24 months × €1,000 × (1 - 50%) = €12,000, / 1.1.
    // Year 2: 6 × (1 + 1) = 12 months → €6,000, / 1.21. Year 3: 12 × 50% drop-off → €3,000, / 1.331.
    let pv: Vec<i64> = r.years.iter().map(|y| y.present_value).collect();
    assert_eq!(pv, [1_090_909, 495_868, 225_394]);
    assert_eq!(r.years[2].person_months, 600);
    assert_eq!(r.present_value, 1_812_171);
    assert_eq!(r.net_present_value, 1_382_171);
    assert_eq!(r.ratio_hundredths, Some(421));
    assert_eq!(r.break_even_price, Some(181_217));
    // €4,300 of €10,909.09 in year 1: ceil(12 × 4,300 / 10,909.09) = 5 months.
    assert_eq!(r.payback_months, Some(5));
    assert_eq!(
        (r.cost_per_participant, r.cost_per_step, r.cost_per_paid_work),
        (Some(43_000), Some(107_500), Some(215_000))
    );
    assert_eq!(r.check_ins_recorded_share, Some(7_500));
}

#[test]
fn deadweight_scales_the_benefits_and_never_the_costs() {
    let (mut p, inputs) = example();
    let before = compute(&p, &inputs);
    p.set("deadweight", 7_500);
    let after = compute(&p, &inputs);
    assert_eq!(after.costs, before.costs);
    // (1 - 75%) / (1 - 50%): every year's value halves.
    for (a, b) in after.years.iter().zip(&before.years) {
        assert_eq!(a.value * 2, b.value);
    }
    assert_eq!(after.present_value, 545_455 + 247_934 + 112_697);
}

#[test]
fn a_partners_own_hourly_cost_replaces_the_common_one() {
    let (mut p, mut inputs) = example();
    let other = Uuid::from_u128(8);
    inputs.minutes.insert(other, 30);
    p.hourly_by_partner.insert(other, 8_000);
    // Half an hour at €80 beside 60 hours at €50.
    assert_eq!(costs(&p, &inputs).staff, 300_000 + 4_000);
}

#[test]
fn the_budget_replaces_or_adds_to_the_hours() {
    let (mut p, mut inputs) = example();
    inputs.budget = 1_000_000;
    assert_eq!(costs(&p, &inputs).total, 430_000);
    p.set("cost_basis", 1);
    assert_eq!(costs(&p, &inputs).total, 1_000_000 + 100_000);
    p.set("cost_basis", 2);
    assert_eq!(costs(&p, &inputs).total, 1_430_000);
}

#[test]
fn proxies_count_once_in_the_first_year_after_the_adjustments() {
    let (mut p, mut inputs) = example();
    let plain = compute(&p, &inputs).years[0].value;
    inputs.training_steps = 3;
    inputs.volunteering_steps = 1;
    p.set("training_proxy", 10_000);
    p.set("volunteering_proxy", 4_000);
    let years = compute(&p, &inputs).years;
    assert_eq!(years[0].value, plain + (3 * 10_000 + 4_000) / 2);
    assert_eq!(years[1].value, compute(&example().0, &example().1).years[1].value);
}

#[test]
fn no_payback_within_the_horizon_and_none_without_people() {
    let (mut p, mut inputs) = example();
    p.set("direct_costs", 10_000_000);
    assert_eq!(compute(&p, &inputs).payback_months, None);
    inputs = Inputs::default();
    let r = compute(&p, &inputs);
    assert_eq!(
        (r.break_even_price, r.cost_per_step, r.check_ins_recorded_share),
        (None, None, None)
    );
    assert_eq!(r.ratio_hundredths, Some(0));
}

#[test]
fn payback_runs_into_a_later_year() {
    let (mut p, inputs) = example();
    // €13,000: year 1 covers €10,909.09, the rest (€2,090.91) of €4,958.68 takes 6 months of year 2.
    p.set("direct_costs", 1_300_000 - 330_000);
    assert_eq!(compute(&p, &inputs).costs.total, 1_300_000);
    assert_eq!(compute(&p, &inputs).payback_months, Some(12 + 6));
}

#[test]
fn values_read_as_forms_write_them() {
    assert_eq!(parse_value(Kind::Amount, "55"), Ok(5_500));
    assert_eq!(parse_value(Kind::Amount, "1416,67"), Ok(141_667));
    assert_eq!(parse_value(Kind::Percent, "3.5"), Ok(350));
    assert_eq!(parse_value(Kind::Percent, "100.01"), Err("out-of-range"));
    assert_eq!(parse_value(Kind::Percent, "-1"), Err("out-of-range"));
    assert_eq!(parse_value(Kind::Amount, "1.234"), Err("invalid-number"));
    assert_eq!(parse_value(Kind::Amount, "abc"), Err("invalid-number"));
    assert_eq!(parse_value(Kind::Years, ""), Err("required"));
    assert_eq!(parse_value(Kind::Years, "0"), Err("out-of-range"));
    assert_eq!(parse_value(Kind::CostBasis, "both"), Ok(2));
    assert!(
        parse_value(Kind::CostBasis, "all")
            .unwrap_err()
            .starts_with("invalid-choice")
    );
    for spec in SPECS {
        let text = format_value(spec.kind, spec.default);
        assert_eq!(parse_value(spec.kind, &text), Ok(spec.default), "{}", spec.key);
    }
}

#[test]
fn a_form_reports_every_bad_field() {
    let fields: BTreeMap<String, String> = [
        ("deadweight", "120"),
        ("discount_rate", "x"),
        ("horizon_years", "4"),
        ("hourly_cost.not-an-id", "50"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let errors = parse_parameters(&fields, &Parameters::default()).unwrap_err();
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_ref()).collect();
    assert_eq!(fields, ["deadweight", "discount_rate", "hourly_cost.not-an-id"]);
    let ok: BTreeMap<String, String> = [("horizon_years".to_owned(), "4".to_owned())].into();
    assert_eq!(
        parse_parameters(&ok, &Parameters::default())
            .unwrap()
            .get("horizon_years"),
        4
    );
}

#[test]
fn the_tornado_moves_each_parameter_and_puts_the_widest_first() {
    let (p, inputs) = example();
    let bars = tornado(&p, &inputs);
    assert_eq!(bars.len(), SPECS.len() - 1);
    assert!(bars.windows(2).all(|w| w[0].width() >= w[1].width()));
    let deadweight = bars.iter().find(|b| b.key == "deadweight").unwrap();
    assert_eq!((deadweight.low, deadweight.high), (4_000, 6_000));
    assert!(deadweight.npv_at_low > deadweight.npv_at_high);
}

#[test]
fn cautious_is_worse_than_central_and_hopeful_better() {
    let (p, inputs) = example();
    let [cautious, central, hopeful] = scenarios(&p, &inputs).map(|(_, s)| compute(&s, &inputs).net_present_value);
    assert!(
        cautious < central && central < hopeful,
        "{cautious} {central} {hopeful}"
    );
    assert_eq!(central, 1_382_171);
}

#[test]
fn the_defaults_have_a_source_and_lie_in_their_range() {
    for spec in SPECS {
        let (low, high) = bounds(spec.kind);
        assert!((low..=high).contains(&spec.default), "{}", spec.key);
        assert!(spec.source.len() > 20, "{}", spec.key);
    }
}
