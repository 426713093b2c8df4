//! Who reads the decisions of a case or team consultation: one rule for a partner's list of
//! consultations (`coaching`) and a participant's file (`participants`), in a module of its own
//! so that neither has to import the other for it.

use crate::error::AppError;
use crate::identity::Ctx;
use onramp_domain::policy::{self, Action, Decision};
use onramp_store::coaching::{self, Consultation};
use uuid::Uuid;

/// Leaves out the decisions of the consultations whose decisions the actor may not read
/// (`Action::ViewConsultationDecisions`: those who read the notes of everyone discussed), the same
/// in a partner's list and in a participant's file.
pub async fn withhold_decisions(
    conn: &mut impl onramp_store::Access,
    ctx: &Ctx,
    list: &mut [Consultation],
) -> Result<(), AppError> {
    let ids: Vec<Uuid> = list.iter().map(|k| k.id).collect();
    let discussed = coaching::discussed_refs(conn, &ids).await?;
    for k in list {
        let people = discussed.get(&k.id).map(Vec::as_slice).unwrap_or_default();
        if policy::decide(&ctx.actor, Action::ViewConsultationDecisions(people)) != Decision::Allow {
            k.decisions = None;
        }
    }
    Ok(())
}
