//! Intake: a person, the consent they give and their first trajectory, registered together in one
//! transaction, so that all of it is stored or none of it (a trajectory that cannot start leaves
//! no participant and no consent behind). The pages and the API both take this door.

use super::trajectories::StartFields;
use super::{consents, participants, trajectories};
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_domain::FieldErrors;
use onramp_domain::consents::ConsentInput;
use onramp_domain::participants::ParticipantInput;
use onramp_store::consents::Consent;
use onramp_store::participants::Participant;
use onramp_store::trajectories::Trajectory;
use uuid::Uuid;

/// What intake registers.
#[derive(Debug, Clone)]
pub struct Intake {
    /// The partner organisation where the person was reached.
    pub organisation_id: Uuid,
    pub participant: ParticipantInput,
    /// Set after the possible duplicates were looked at: this is someone else.
    pub confirmed_new: bool,
    /// A consent given at intake (the page records consent to take part).
    pub consent: Option<ConsentInput>,
    /// A first trajectory. Its `organisation_id` is the intake's, whatever it holds.
    pub trajectory: Option<StartFields>,
}

/// What intake stored.
#[derive(Debug, Clone)]
pub struct Admitted {
    pub participant: Participant,
    pub consent: Option<Consent>,
    pub trajectory: Option<Trajectory>,
}

/// Registers the person, their consent and their first trajectory, or nothing. Field errors of
/// the consent and of the trajectory are named `consent.<field>` and `trajectory.<field>`.
pub async fn intake(state: &AppState, ctx: &Ctx, intake: Intake) -> Result<Admitted, AppError> {
    let mut tx = state.db.begin().await?;
    let participant = participants::register(
        &mut tx,
        ctx,
        intake.organisation_id,
        &intake.participant,
        intake.confirmed_new,
    )
    .await?;
    let consent = match &intake.consent {
        Some(input) => Some(
            consents::give(&mut tx, ctx, participant.id, input)
                .await
                .map_err(|error| within("consent", error))?,
        ),
        None => None,
    };
    let trajectory = match intake.trajectory {
        Some(fields) => {
            let fields = StartFields {
                organisation_id: intake.organisation_id.to_string(),
                ..fields
            };
            let started = trajectories::start_in(&mut tx, ctx, participant.id, &fields).await;
            Some(started.map_err(|error| within("trajectory", error))?)
        }
        None => None,
    };
    tx.commit().await?;
    Ok(Admitted {
        participant,
        consent,
        trajectory,
    })
}

/// Names the field errors of one part of the intake after that part (`trajectory.started_on`).
fn within(part: &str, error: AppError) -> AppError {
    match error {
        AppError::Invalid(errors) => {
            let mut named = FieldErrors::new();
            for e in errors.0 {
                named.add_named(format!("{part}.{}", e.field), e.code);
            }
            AppError::Invalid(named)
        }
        other => other,
    }
}
