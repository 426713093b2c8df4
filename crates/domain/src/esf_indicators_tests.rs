use super::*;
use crate::esf::Answer;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const TODAY: &str = "2026-12-01";

/// A woman of 40, employed on sick leave, ISCED 3-4, everything recorded, not rural, still in.
fn person() -> Facts {
    Facts {
        participant_id: Uuid::now_v7(),
        gender: Gender::Female,
        birth_date: date("1986-05-01"),
        education: Education::Isced34,
        situation: Situation::EmployedOnSickLeave,
        esf: EsfProfile {
            unemployed_months: None,
            disability: Answer::No,
            third_country_national: Answer::No,
            foreign_background: Answer::No,
            minority: Answer::No,
            homeless: Answer::No,
            postcode: Some("9000".into()),
        },
        degurba: Some(Degurba::City),
        entered_on: date("2026-01-15"),
        left_on: None,
        exit_situation: None,
        outcomes: Vec::new(),
        six_months: SixMonths::None,
    }
}

fn codes_of(f: &Facts) -> Vec<&'static str> {
    count_one(f, date(TODAY)).0
}

#[test]
fn outputs_at_entry_follow_the_recorded_characteristics() {
    assert_eq!(codes_of(&person()), ["EECO01", "EECO05", "EECO10"]);
    let young_unemployed = Facts {
        birth_date: date("2003-06-01"),
        situation: Situation::Unemployed,
        education: Education::Isced02,
        esf: EsfProfile {
            unemployed_months: Some(7),
            disability: Answer::Yes,
            third_country_national: Answer::Yes,
            foreign_background: Answer::Yes,
            minority: Answer::Yes,
            homeless: Answer::Yes,
            postcode: Some("8647".into()),
        },
        degurba: Some(Degurba::Rural),
        ..person()
    };
    assert_eq!(
        codes_of(&young_unemployed),
        [
            "EECO01", "EECO02", "EECO03", "EECO07", "EECO09", "EECO12", "EECO13", "EECO14", "EECO15", "EECO16",
            "EECO17"
        ]
    );
    let older_inactive = Facts {
        birth_date: date("1970-01-01"),
        situation: Situation::Inactive,
        education: Education::Isced58,
        ..person()
    };
    assert_eq!(codes_of(&older_inactive), ["EECO01", "EECO04", "EECO08", "EECO11"]);
    let minor = Facts {
        birth_date: date("2009-03-01"),
        ..person()
    };
    assert!(codes_of(&minor).contains(&"EECO06"));
    // Seven months of unemployment is not long-term at 25 or over.
    let adult = Facts {
        situation: Situation::Unemployed,
        esf: EsfProfile {
            unemployed_months: Some(7),
            ..person().esf
        },
        ..person()
    };
    assert_eq!(codes_of(&adult), ["EECO01", "EECO02", "EECO10"]);
}

#[test]
fn declined_is_counted_apart_and_not_recorded_is_missing() {
    let f = Facts {
        gender: Gender::NotRecorded,
        situation: Situation::Other,
        education: Education::Unknown,
        esf: EsfProfile {
            disability: Answer::Declined,
            homeless: Answer::NotRecorded,
            ..person().esf
        },
        degurba: None,
        ..person()
    };
    let report = count(std::slice::from_ref(&f), date(TODAY));
    assert_eq!(report.figure("EECO12").total, 0);
    assert_eq!(
        report.declined[0],
        (
            "EECO12",
            Figure {
                total: 1,
                ..Default::default()
            }
        )
    );
    let standing = &report.standings[0];
    assert_eq!(
        standing.missing,
        ["gender", "situation", "education", "homeless", "postcode"]
    );
}

#[test]
fn results_upon_leaving_come_from_the_exit_and_outcomes_within_four_weeks() {
    let left = Facts {
        left_on: Some(date("2026-06-30")),
        exit_situation: Some(ExitSituation::JobSearching),
        outcomes: vec![
            (OutcomeKind::Qualification, date("2026-05-01")),
            (OutcomeKind::VetCourse, date("2026-07-28")),
            // Five weeks after leaving: too late for a result upon leaving.
            (OutcomeKind::NewEmployer, date("2026-08-04")),
            // Before entry: another operation's.
            (OutcomeKind::SameEmployer, date("2025-12-01")),
        ],
        six_months: SixMonths::Found(CheckInSituation::InEmployment),
        ..person()
    };
    let codes = codes_of(&left);
    for code in ["EECR01", "EECR02", "EECR03", "EECR05"] {
        assert!(codes.contains(&code), "{code}");
    }
    assert!(!codes.contains(&"EECR04") && !codes.contains(&"EECR06"));
}

#[test]
fn recent_leavers_are_pending_and_old_gaps_are_missing() {
    let today = date(TODAY);
    let three_weeks_ago = Facts {
        left_on: Some(date("2026-11-10")),
        ..person()
    };
    let (_, s, _) = count_one(&three_weeks_ago, today);
    assert_eq!((s.pending, s.missing), (vec!["four_weeks", "six_months"], vec![]));
    let long_ago = Facts {
        left_on: Some(date("2026-01-31")),
        six_months: SixMonths::Open {
            due_on: date("2026-07-31"),
        },
        ..person()
    };
    let (_, s, _) = count_one(&long_ago, today);
    assert_eq!(s.missing, ["exit_situation", "six_month_check_in"]);
    let due_later = Facts {
        left_on: Some(date("2026-09-01")),
        exit_situation: Some(ExitSituation::NoneOfThese),
        six_months: SixMonths::Open {
            due_on: date("2027-03-01"),
        },
        ..person()
    };
    let (codes, s, _) = count_one(&due_later, today);
    assert_eq!((s.pending, s.missing), (vec!["six_months"], vec![]));
    assert!(!codes.iter().any(|c| c.starts_with("EECR")));
}

#[test]
fn not_reached_is_apart_from_no_and_improvement_needs_a_job_at_entry() {
    let unreachable = Facts {
        left_on: Some(date("2026-03-01")),
        exit_situation: Some(ExitSituation::InEmployment),
        six_months: SixMonths::NotReached,
        ..person()
    };
    let better_job = Facts {
        left_on: Some(date("2026-03-01")),
        exit_situation: Some(ExitSituation::InEmployment),
        six_months: SixMonths::Found(CheckInSituation::ImprovedSituation),
        ..person()
    };
    let improved_from_unemployment = Facts {
        situation: Situation::Unemployed,
        esf: EsfProfile {
            unemployed_months: Some(3),
            ..person().esf
        },
        ..better_job.clone()
    };
    let report = count(
        &[unreachable, better_job, improved_from_unemployment.clone()],
        date(TODAY),
    );
    assert_eq!(report.not_reached.total, 1);
    assert_eq!(report.figure("EECR05").total, 2);
    assert_eq!(report.figure("EECR06").total, 1);
    assert_eq!(report.figure("EECR04").women, 3);
    let odd = report
        .standings
        .iter()
        .find(|s| s.participant_id == improved_from_unemployment.participant_id);
    assert_eq!(odd.unwrap().inconsistent, ["improved-without-employment"]);
    assert!(check(&report).contains(&Issue::Inconsistent { participants: 1 }));
}

#[test]
fn genders_split_every_figure() {
    let people = [
        person(),
        Facts {
            gender: Gender::Male,
            ..person()
        },
        Facts {
            gender: Gender::NonBinary,
            ..person()
        },
        Facts {
            gender: Gender::Male,
            ..person()
        },
    ];
    let report = count(&people, date(TODAY));
    assert_eq!(
        report.figure("EECO01"),
        Figure {
            women: 1,
            men: 2,
            non_binary: 1,
            total: 4
        }
    );
    assert_eq!(report.still_in.total, 4);
    assert!(check(&report).is_empty(), "{:?}", check(&report));
}

#[test]
fn the_checks_fire_on_crafted_inconsistencies() {
    let mut report = count(&[person(), person()], date(TODAY));
    for (code, figure) in &mut report.figures {
        if *code == "EECR04" {
            figure.women = 3;
            figure.total = 3;
        }
        if *code == "EECO10" {
            figure.total = 3;
        }
    }
    let issues = check(&report);
    assert!(issues.contains(&Issue::ExceedsOutput {
        code: "EECR04",
        output: "EECO01",
        column: "women",
        value: 3,
        limit: 2
    }));
    assert!(issues.contains(&Issue::GenderSplit {
        code: "EECO10",
        split: 2,
        total: 3
    }));
    let unrecorded = count(
        &[Facts {
            gender: Gender::NotRecorded,
            ..person()
        }],
        date(TODAY),
    );
    let issues = check(&unrecorded);
    assert!(issues.contains(&Issue::GenderSplit {
        code: "EECO01",
        split: 0,
        total: 1
    }));
    assert!(issues.contains(&Issue::MissingData { participants: 1 }));
}

#[test]
fn small_cells_are_hidden_with_what_would_reveal_them() {
    let mut people: Vec<Facts> = (0..6).map(|_| person()).collect();
    people.push(Facts {
        gender: Gender::Male,
        ..person()
    });
    let report = count(&people, date(TODAY));
    let hidden = hidden_cells(&report, 5);
    assert!(hidden.contains("EECO01.men"), "one man");
    assert!(
        hidden.contains("EECO01.women"),
        "the women would give the man away from the total"
    );
    assert!(!hidden.contains("EECO01.total"));
    assert!(!hidden.contains("EECO02.total"), "zero is nobody's data");
}

#[test]
fn periods_and_operations_parse() {
    assert_eq!(Period::parse(""), Ok(Period::Cumulative));
    assert_eq!(Period::parse("2026"), Ok(Period::Year(2026)));
    assert_eq!(Period::parse("last year"), Err("invalid-period"));
    let (first, last) = Period::Year(2026).entries(date("2025-07-01"), date("2026-06-30"));
    assert_eq!((first, last), (date("2026-01-01"), date("2026-06-30")));
    let fields = OperationFields {
        number: "ESF-2025/0042".into(),
        title: "Outreach naar werk".into(),
        starts_on: "2025-07-01".into(),
        ends_on: "2027-06-30".into(),
        programme_ids: vec![Uuid::nil().to_string(), Uuid::nil().to_string()],
        partner_ids: vec![],
        last_payment_on: "2028-03-15".into(),
    };
    let op = OperationInput::parse(&fields).unwrap();
    assert_eq!(op.programme_ids.len(), 1);
    assert_eq!(op.years(), [2025, 2026, 2027]);
    let bad = OperationFields {
        number: "no spaces".into(),
        starts_on: "2027-01-01".into(),
        ends_on: "2026-01-01".into(),
        programme_ids: vec!["x".into()],
        ..fields
    };
    let errors = OperationInput::parse(&bad).unwrap_err();
    assert_eq!(
        errors.for_field("number").map(|e| e.code),
        Some("invalid-operation-number")
    );
    assert_eq!(errors.for_field("ends_on").map(|e| e.code), Some("range-inverted"));
    assert!(errors.for_field("programme_ids").is_some());
}
