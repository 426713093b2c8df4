//! The policy's list scopes as SQL. Every flag of a scope value (`CaseloadScope`, `SessionScope`)
//! becomes SQL here and nowhere else, as the same rule `policy::decide` applies in Rust; the
//! queries around these conditions narrow only by what was asked for (dates, filters, a page),
//! never by who asks.

use onramp_domain::policy::{Actor, CaseloadScope, SessionScope};
use uuid::Uuid;

/// The columns a caseload scope names: a place a participant is followed at (partner, region,
/// coach) and the participant (for their consents).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    pub organisation: &'static str,
    pub region: &'static str,
    pub coach: &'static str,
    pub participant: &'static str,
}

/// A trajectory `t`.
pub(crate) const TRAJECTORY: Place = Place {
    organisation: "t.organisation_id",
    region: "t.region_id",
    coach: "t.coach_id",
    participant: "t.participant_id",
};

/// The registration of a participant `p` by `p.created_by` at the partner `o` that reached them
/// (the query joins `o.id = p.organisation_id`).
pub(crate) const REGISTRATION: Place = Place {
    organisation: "p.organisation_id",
    region: "o.region_id",
    coach: "p.created_by",
    participant: "p.id",
};

/// The parts of a caseload scope as SQL conditions on `place`, one per part (all of it; the
/// actor as coach; each partner they belong to, with the participant's consent to share with it
/// where the scope needs it; each region they coordinate), with the ids they bind from `$first`
/// on, in order; none when the scope is empty. Each part has its own index, so a query can walk
/// them one by one and join the walks, where a single `OR` of them would read the table.
pub(crate) fn caseload_parts(
    scope: CaseloadScope,
    actor: &Actor,
    place: &Place,
    first: usize,
) -> (Vec<String>, Vec<Uuid>) {
    let mut ids: Vec<Uuid> = Vec::new();
    let mut parts = Vec::new();
    if scope.all {
        parts.push("1 = 1".to_owned());
        return (parts, ids);
    }
    let mut bind = |id: Uuid| {
        ids.push(id);
        format!("${}", first + ids.len() - 1)
    };
    if scope.as_coach {
        parts.push(format!("{} = {}", place.coach, bind(actor.user_id)));
    }
    if scope.by_membership {
        let mut organisations = actor.organisations.clone();
        organisations.sort_unstable();
        for organisation in organisations {
            let n = bind(organisation);
            parts.push(if scope.needs_share_consent {
                format!(
                    "({organisation} = {n} AND EXISTS (SELECT 1 FROM consents c WHERE c.participant_id = {participant}
                        AND c.purpose = 'share_care_team' AND c.organisation_id = {organisation}
                        AND {holds}))",
                    organisation = place.organisation,
                    participant = place.participant,
                    holds = crate::consents::holds("c"),
                )
            } else {
                format!("{} = {n}", place.organisation)
            });
        }
    }
    if scope.by_region {
        let mut regions = actor.regions.clone();
        regions.sort_unstable();
        for region in regions {
            parts.push(format!("{} = {}", place.region, bind(region)));
        }
    }
    (parts, ids)
}

/// The caseload scope as one SQL condition (`1 = 0` when it is empty), with the ids it binds from
/// `$first` on.
pub(crate) fn caseload_condition(
    scope: CaseloadScope,
    actor: &Actor,
    place: &Place,
    first: usize,
) -> (String, Vec<Uuid>) {
    let (parts, ids) = caseload_parts(scope, actor, place, first);
    if parts.is_empty() {
        return ("1 = 0".to_owned(), ids);
    }
    (format!("({})", parts.join(" OR ")), ids)
}

/// The parts of a session scope as conditions on `group_sessions`, each with whether it names
/// the actor (`?`).
pub(crate) fn session_parts(scope: SessionScope) -> Vec<(&'static str, bool)> {
    if scope.all {
        return vec![("TRUE", false)];
    }
    let mut parts = Vec::new();
    if scope.led {
        parts.push(("coach_id = ?", true));
        parts.push(("peer_expert_id = ?", true));
    }
    if scope.open_to_partners {
        parts.push(("open_to_partners", false));
    }
    if scope.by_membership {
        parts.push((
            "organisation_id IN (SELECT organisation_id FROM user_organisations WHERE user_id = ?)",
            true,
        ));
    }
    if scope.by_region {
        parts.push((
            "region_id IN (SELECT region_id FROM user_regions WHERE user_id = ?)",
            true,
        ));
    }
    parts
}
