//! A morning's work the demo's worklists show besides what the caseload brings by itself: care
//! partners' questions on shared action plans, waiting for the coach's answer, and a check-in
//! after exit falling due today.

use anyhow::Result;
use chrono::{Days, Months, NaiveDate};
use onramp_domain::identity::Language;
use onramp_domain::participants::{Education, Gender, HealthCategory, ParticipantInput, Situation};
use onramp_domain::plans::PlanKind;
use onramp_store::trajectories::Exit;
use onramp_store::{Tx, consents, organisations, plans, programmes, trajectories};
use uuid::Uuid;

/// Someone who left We go to work with a job six months ago, at the first partner in `region` of
/// the first coach working there (the demo's Sofie Maes in Limburg): their first check-in after
/// exit falls due today.
pub async fn check_in_due(tx: &mut Tx, coaches: &[(Uuid, Vec<Uuid>)], region: Uuid, today: NaiveDate) -> Result<()> {
    let mut place = None;
    'coaches: for (coach, works_at) in coaches {
        for partner in works_at {
            if organisations::get(tx, *partner).await?.and_then(|o| o.region_id) == Some(region) {
                place = Some((*coach, *partner));
                break 'coaches;
            }
        }
    }
    let Some((coach, partner)) = place else {
        return Ok(());
    };
    let programme = programmes::find_by_code(tx, "we-go-to-work")
        .await?
        .expect("built-in programme");
    let first_months = programme.definition.follow_up_months.first().copied().unwrap_or(6);
    let ended_on = today
        .checked_sub_months(Months::new(first_months.max(0) as u32))
        .unwrap_or(today);
    let started_on = ended_on - Days::new(300);
    let input = ParticipantInput {
        first_name: "Nadia".into(),
        last_name: "Bouzid".into(),
        birth_date: NaiveDate::from_ymd_opt(1981, 6, 9).expect("a date"),
        national_register: None,
        email: None,
        phone: None,
        language: Language::Nl,
        gender: Gender::Female,
        education: Education::Isced34,
        health_category: HealthCategory::ALL[0],
        incapacity_since: Some(started_on - Days::new(400)),
        situation: Situation::EmployedOnSickLeave,
        referrer: Some("Arbeidsgeneesheer".into()),
        notes: None,
        esf: crate::demo_esf::profile(Situation::EmployedOnSickLeave, None, &mut |_| 0),
    };
    let place = crate::demo_cost_benefit::Place {
        programme: &programme,
        partner,
        region,
        coach,
    };
    let (_, trajectory) = crate::demo_cost_benefit::enrol(tx, &input, &place, started_on).await?;
    let exit = Exit {
        on: ended_on,
        reason: "work",
        situation: Some("in_employment"),
        note: None,
    };
    trajectories::exit(tx, trajectory.id, &exit, Some(coach)).await?;
    Ok(())
}

/// Each care-team member asks a question on the action plan of one person of each coach at their
/// organisation who shares the file with them and whose plan is shared.
pub async fn care_questions(tx: &mut Tx, care: &[(Uuid, Uuid)], coaches: &[(Uuid, Vec<Uuid>)]) -> Result<()> {
    for &(member, organisation) in care {
        for (coach, _) in coaches.iter().filter(|(_, at)| at.contains(&organisation)) {
            for person in trajectories::open_for_coach_at(tx, *coach, organisation, 8).await? {
                if ask(tx, member, organisation, person).await? {
                    break;
                }
            }
        }
    }
    Ok(())
}

/// Leaves the question when the person shares with the organisation and has a shared action plan.
async fn ask(tx: &mut Tx, member: Uuid, organisation: Uuid, person: Uuid) -> Result<bool> {
    let shares = consents::list_for(tx, person)
        .await?
        .iter()
        .any(|c| c.purpose == "share_care_team" && c.organisation_id == Some(organisation) && c.withdrawn_on.is_none());
    if !shares {
        return Ok(false);
    }
    for trajectory in trajectories::list_for(tx, person).await? {
        if trajectory.ended_on.is_some() {
            continue;
        }
        let Some(plan) = plans::get(tx, trajectory.id, PlanKind::Action).await? else {
            continue;
        };
        let Some(shared) = plan.shared_version else {
            continue;
        };
        let body = "Kunnen we de stap rond de werkpost bespreken vóór het volgende overleg?";
        let comment = plans::NewComment {
            version: shared,
            author: member,
            body,
            with_participant: false,
        };
        plans::add_comment(tx, plan.id, &comment).await?;
        return Ok(true);
    }
    Ok(false)
}
