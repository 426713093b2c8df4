//! A morning's work the demo's worklists show besides what the caseload brings by itself: care
//! partners' questions on shared action plans, waiting for the coach's answer.

use anyhow::Result;
use onramp_domain::plans::PlanKind;
use onramp_store::{Tx, consents, plans, trajectories};
use uuid::Uuid;

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
        plans::add_comment(tx, plan.id, shared, member, body).await?;
        return Ok(true);
    }
    Ok(false)
}
