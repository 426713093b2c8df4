//! Why the policy refused: a stable code per reason, so that a 403 tells a client (and a page
//! tells a person, in their language) which rule stood in the way. It explains a
//! `Decision::Forbidden` of [`crate::policy::decide`]; it never decides anything itself.

use crate::identity::Role;
use crate::policy::{Action, Actor};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Only administrators do this.
    AdministratorsOnly,
    /// The actor's role never does this (a care partner does not change files, a funder sees
    /// aggregates only, …).
    NotForYourRole,
    /// The role does this, but for the organisations the actor works at (or coordinates) only.
    NotYourOrganisation,
    /// The trajectory is one the actor sees but does not follow up (not in their caseload).
    NotInYourCaseload,
    /// The question needs an organisation or a region of the actor's to be asked about.
    ScopeRequired,
}

impl Refusal {
    /// The code of the reason: the problem type's last part and the message key's.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::AdministratorsOnly => "administrators-only",
            Refusal::NotForYourRole => "not-for-your-role",
            Refusal::NotYourOrganisation => "not-your-organisation",
            Refusal::NotInYourCaseload => "not-in-your-caseload",
            Refusal::ScopeRequired => "scope-required",
        }
    }

    pub const ALL: &'static [Refusal] = &[
        Refusal::AdministratorsOnly,
        Refusal::NotForYourRole,
        Refusal::NotYourOrganisation,
        Refusal::NotInYourCaseload,
        Refusal::ScopeRequired,
    ];
}

/// Why `decide(actor, action)` answered `Forbidden`: the rules that hold for the action's kind,
/// read from the side of the actor's role.
pub fn refusal(actor: &Actor, action: Action<'_>) -> Refusal {
    let role = actor.role;
    // For actions on one organisation: roles that do it at their own organisations (or, for
    // coordinators, in their regions) are refused for this one; the others for their role.
    let at_own = |roles: &[Role]| {
        if roles.contains(&role) {
            Refusal::NotYourOrganisation
        } else {
            Refusal::NotForYourRole
        }
    };
    match action {
        Action::CreateOrganisation
        | Action::EditOrganisation(_)
        | Action::ManageRegions
        | Action::ManageReferenceData
        | Action::ManageUsers
        | Action::ManageProgrammes
        | Action::ManageStudies
        | Action::ManageEsfOperations
        | Action::SetCostBenefitParameters => Refusal::AdministratorsOnly,
        Action::SaveCostBenefitScenario { .. } => match role {
            Role::Coordinator => Refusal::NotYourOrganisation,
            _ => Refusal::NotForYourRole,
        },
        Action::ViewCostBenefit(..) | Action::ViewCostBenefitRecords(..) => match role {
            Role::Administrator | Role::Coordinator => Refusal::ScopeRequired,
            _ => Refusal::NotForYourRole,
        },
        Action::FollowUpCheckIns(_) | Action::ViewEnrolment { .. } => Refusal::NotInYourCaseload,
        Action::ViewDashboard(..) => match role {
            Role::PeerExpert => Refusal::NotForYourRole,
            _ => Refusal::ScopeRequired,
        },
        Action::ViewDashboardActivities(..) => match role {
            Role::PeerExpert | Role::Funder => Refusal::NotForYourRole,
            _ => Refusal::ScopeRequired,
        },
        Action::ViewMonitoring(..) => match role {
            Role::Administrator | Role::Coordinator | Role::Funder => Refusal::ScopeRequired,
            _ => Refusal::NotForYourRole,
        },
        Action::WriteRecommendations(..) => match role {
            Role::Administrator | Role::Coordinator => Refusal::ScopeRequired,
            _ => Refusal::NotForYourRole,
        },
        Action::ManageAgreements(_) => at_own(&[Role::Coordinator]),
        Action::ManageSession(_)
        | Action::PlanSessions(_)
        | Action::RegisterHours(_)
        | Action::CreateParticipant(_) => at_own(&[Role::Coach]),
        Action::SubscribeLocation(_) => at_own(&[Role::Coach, Role::Coordinator]),
        Action::ViewParticipant(_)
        | Action::UsePortal(_)
        | Action::InviteToPortal(_)
        | Action::ViewParticipantNotes(_)
        | Action::EditParticipant(_)
        | Action::ViewPlan { .. }
        | Action::RegisterParticipants
        | Action::ImportParticipants
        | Action::ExportParticipants
        | Action::PickParticipants
        | Action::ViewTrajectory(_)
        | Action::ViewConsultationDecisions(_)
        | Action::ViewProgrammes
        | Action::ViewSession(_)
        | Action::PlanSessionsSomewhere
        | Action::ViewOrganisation(_)
        | Action::ViewHours(_)
        | Action::ViewRegions
        | Action::ViewStudies
        | Action::ViewStudy(_)
        | Action::ViewEsfIndicators
        | Action::ViewAudit
        | Action::HandleDataRights
        | Action::ManageRetention => Refusal::NotForYourRole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::organisations::OrganisationRef;
    use crate::policy::{Decision, decide};
    use uuid::Uuid;

    fn actor(role: Role, organisations: Vec<Uuid>) -> Actor {
        Actor {
            user_id: Uuid::now_v7(),
            role,
            organisations,
            regions: Vec::new(),
        }
    }

    #[test]
    fn each_refusal_names_the_rule_that_stood_in_the_way() {
        let mine = Uuid::now_v7();
        let other = OrganisationRef {
            id: Uuid::now_v7(),
            region_id: None,
        };
        let coach = actor(Role::Coach, vec![mine]);
        let care = actor(Role::CareTeam, vec![mine]);
        let funder = actor(Role::Funder, Vec::new());
        for (who, action, why) in [
            (&coach, Action::CreateParticipant(&other), Refusal::NotYourOrganisation),
            (&care, Action::CreateParticipant(&other), Refusal::NotForYourRole),
            (&coach, Action::ManageUsers, Refusal::AdministratorsOnly),
            (&funder, Action::ViewRegions, Refusal::NotForYourRole),
            (
                &coach,
                Action::ViewDashboard(Default::default()),
                Refusal::ScopeRequired,
            ),
        ] {
            assert_eq!(decide(who, action), Decision::Forbidden, "{action:?}");
            assert_eq!(refusal(who, action), why, "{action:?}");
        }
    }
}
