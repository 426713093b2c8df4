//! Demo participants with portal accounts (docs/portal.md), opened as a participant would: from an
//! invitation of their coach, with the demo password and the portal's terms.

use onramp_domain::plans::PlanKind;
use onramp_store::plans::{self, NewComment, VersionMeta};
use onramp_store::portal::{self, InvitationKind, Opening};
use onramp_store::{Tx, participants, trajectories, users};
use uuid::Uuid;

/// The sign-in names of the demo's portal accounts (README, "Demo accounts"): two people the
/// demo coach Sofie Maes follows.
pub const PARTICIPANTS: [&str; 2] = ["deelnemer@onramp.demo", "deelnemer2@onramp.demo"];

/// The coach whose people get the accounts.
const COACH: &str = "sofie.maes@gtb.demo";

/// Opens the accounts; `coaches` are the demo's coaches and the partners they work at.
pub async fn open_accounts(tx: &mut Tx, coaches: &[(Uuid, Vec<Uuid>)], hash: &str) -> onramp_store::Result<()> {
    let Some(user) = users::find_by_email(tx, COACH).await? else {
        return Ok(());
    };
    let coach = user.id;
    let partners = coaches
        .iter()
        .find(|(id, _)| *id == coach)
        .map(|(_, p)| p.clone())
        .unwrap_or_default();
    let mut people = Vec::new();
    for partner in &partners {
        people.extend(trajectories::open_for_coach_at(tx, coach, *partner, 2).await?);
    }
    for (person, sign_in) in people.into_iter().zip(PARTICIPANTS) {
        let Some(file) = participants::get(tx, person).await? else {
            continue;
        };
        let secret = onramp_store::tokens::random_token(32);
        let invitation = portal::invite(tx, person, InvitationKind::Email, sign_in, &secret, coach).await?;
        let name = format!("{} {}", file.record.first_name, file.record.last_name);
        let opening = Opening {
            invitation: &invitation,
            display_name: &name,
            password_hash: hash,
            language: file.record.language,
            terms_version: onramp_web::service::portal_access::TERMS_VERSION,
        };
        portal::open_account(tx, &opening).await?;
        share_action_plan(tx, person, coach).await?;
    }
    Ok(())
}

/// The coach shares the person's current action plan with them and writes to them about it, as a
/// coach does once the portal is open.
async fn share_action_plan(tx: &mut Tx, person: Uuid, coach: Uuid) -> onramp_store::Result<()> {
    let Some(trajectory) = trajectories::list_for(tx, person)
        .await?
        .into_iter()
        .find(|t| t.ended_on.is_none())
    else {
        return Ok(());
    };
    let Some(plan) = plans::get(tx, trajectory.id, PlanKind::Action).await? else {
        return Ok(());
    };
    let Some(current) = plans::version(tx, plan.id, plan.version).await? else {
        return Ok(());
    };
    let meta = VersionMeta {
        shared: plan.shared_version == Some(plan.version),
        shared_with_participant: true,
        ..VersionMeta::default()
    };
    let (_, version) = plans::save(tx, trajectory.id, plan.version, &current.content, &meta, coach).await?;
    let comment = NewComment {
        version,
        author: coach,
        body: "Hier kunt u uw actieplan lezen. Vink een stap af als u hem gedaan hebt, of stel zelf een stap voor.",
        with_participant: true,
    };
    plans::add_comment(tx, plan.id, &comment).await?;
    Ok(())
}
