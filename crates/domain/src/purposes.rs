//! Why a participant's data was read: the fixed list of purposes every audited read records
//! (docs/privacy.md "Purposes"), so that a person can be told the dates and purposes of every
//! consultation of their file. A purpose is derived from where the read happened and who read,
//! never typed by the reader.

use crate::identity::{Role, string_enum};
use crate::policy::{Actor, ParticipantRef};

string_enum! {
    /// The purpose of a read of participant data.
    Purpose {
        /// The person's own coach follows them up: the responsible coach of a trajectory, or the
        /// coach who registered them; and the worklist and check-ins of one's own caseload.
        FollowUp = "follow_up",
        /// Someone who may see the file but does not follow the person: a colleague at the same
        /// partner, the regional coordinator, an administrator.
        Consultation = "consultation",
        /// A partner's care team, on the participant's consent to share their file with it.
        CareTeam = "care_team",
        /// The list of a group session, to take attendance.
        Attendance = "attendance",
        /// The people behind a figure of a report (dashboard, ESF+ indicators, cost-benefit).
        Report = "report",
        /// A spreadsheet export of the people one follows.
        Export = "export",
        /// The person's own request for their data (GDPR Art. 15 and 20).
        AccessRequest = "access_request",
        /// Answering people's data-protection rights: the log of consultations, anonymisation,
        /// erasure, retention.
        DataProtection = "data_protection",
        /// The participant reading their own records in the portal.
        OwnFile = "own_file",
    }
}

/// The purpose of opening one participant's file (or a part of it): following them up when the
/// actor is their coach, the care team's sharing, otherwise a consultation.
pub fn of_file(actor: &Actor, participant: &ParticipantRef) -> Purpose {
    match actor.role {
        Role::Coach if participant.places().any(|at| at.coach_id == Some(actor.user_id)) => Purpose::FollowUp,
        Role::CareTeam => Purpose::CareTeam,
        Role::DataProtectionOfficer => Purpose::DataProtection,
        Role::Participant => Purpose::OwnFile,
        _ => Purpose::Consultation,
    }
}

/// The purpose of a list of the people one works with (the caseload): a coach's follow-up, the
/// care team's sharing, otherwise a consultation.
pub fn of_caseload(actor: &Actor) -> Purpose {
    match actor.role {
        Role::Coach => Purpose::FollowUp,
        Role::CareTeam => Purpose::CareTeam,
        Role::DataProtectionOfficer => Purpose::DataProtection,
        _ => Purpose::Consultation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::organisations::OrganisationRef;
    use uuid::Uuid;

    fn actor(role: Role, user: u128) -> Actor {
        Actor {
            user_id: Uuid::from_u128(user),
            role,
            organisations: vec![Uuid::from_u128(10)],
            regions: vec![Uuid::from_u128(1)],
        }
    }

    fn registered_by(coach: u128) -> ParticipantRef {
        ParticipantRef {
            registered_at: Some(OrganisationRef {
                id: Uuid::from_u128(10),
                region_id: Some(Uuid::from_u128(1)),
            }),
            registered_by: Some(Uuid::from_u128(coach)),
            ..Default::default()
        }
    }

    #[test]
    fn a_coach_follows_up_their_own_people_and_consults_a_colleagues() {
        let person = registered_by(5);
        assert_eq!(of_file(&actor(Role::Coach, 5), &person), Purpose::FollowUp);
        assert_eq!(of_file(&actor(Role::Coach, 6), &person), Purpose::Consultation);
        assert_eq!(of_file(&actor(Role::Coordinator, 7), &person), Purpose::Consultation);
        assert_eq!(of_file(&actor(Role::CareTeam, 8), &person), Purpose::CareTeam);
        assert_eq!(
            of_file(&actor(Role::DataProtectionOfficer, 9), &person),
            Purpose::DataProtection
        );
        assert_eq!(of_caseload(&actor(Role::Coach, 6)), Purpose::FollowUp);
        assert_eq!(of_caseload(&actor(Role::Administrator, 6)), Purpose::Consultation);
    }
}
