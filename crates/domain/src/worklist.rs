//! The worklist: what falls to a person to do today and this week, by kind, each item where the
//! work is done. Who sees which kinds is `policy::worklist_scope`.

use crate::identity::string_enum;

string_enum! {
    /// A kind of work on the worklist, in the order the page shows them.
    Kind {
        /// A group session the person leads today or later this week.
        Session = "session",
        /// A session that has started whose attendance is not all recorded.
        Attendance = "attendance",
        /// An action-plan step still open, due within [`STEPS_AHEAD_DAYS`] or overdue.
        Step = "step",
        /// A check-in after exit that falls due within [`CHECK_INS_AHEAD_DAYS`] or is overdue.
        CheckIn = "check_in",
        /// A running trajectory without a contact for the programme's `no_contact_days`.
        NoContact = "no_contact",
        /// A running trajectory near or past its maximum duration (`trajectories::duration_status`).
        Ending = "ending",
        /// A plan comment of someone else that the trajectory's coach has not answered.
        Comment = "comment",
        /// An action-plan step the participant proposed in the portal, not yet accepted or declined.
        Proposal = "proposal",
    }
}

/// How far ahead steps count as due: the caseload's own window.
pub const STEPS_AHEAD_DAYS: u64 = 7;
/// How far ahead check-ins are listed: a week, to plan the call.
pub const CHECK_INS_AHEAD_DAYS: u64 = 7;
/// The days of the week ahead, today included, whose sessions are listed.
pub const SESSION_DAYS: u64 = 7;
/// The widest warning of `trajectories::duration_status` (60 days before the end): the queries
/// read the trajectories ending by then and keep those the rule calls approaching.
pub const ENDING_WINDOW_DAYS: u64 = 60;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trajectories::{DurationStatus, duration_status, ends_by};
    use chrono::{Days, NaiveDate};

    #[test]
    fn the_ending_window_holds_every_approaching_trajectory() {
        let start = NaiveDate::from_ymd_opt(2025, 1, 31).unwrap();
        for months in [1, 4, 6, 12, 24, 36] {
            let end = ends_by(start, months);
            let before = end - Days::new(ENDING_WINDOW_DAYS + 1);
            assert_ne!(
                duration_status(start, end, before),
                DurationStatus::Approaching,
                "{months}"
            );
        }
    }

    #[test]
    fn kinds_read_back() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Ok(*kind));
        }
    }
}
