//! Barrier codes: the built-in ones (named in the locale files) and those an administrator added
//! (named as written).

use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_domain::identity::Language;
use onramp_domain::outcomes::{BarrierCode, parse_new_barrier_code};
use onramp_domain::policy::Action;
use onramp_store::audit::{self, Event};
use onramp_store::{Access, outcomes};

/// Every barrier code with its name in one language.
#[derive(Debug, Clone, Default)]
pub struct BarrierNames {
    added: Vec<(String, String)>,
}

impl BarrierNames {
    pub fn name(&self, language: Language, code: &str) -> String {
        if BarrierCode::parse(code).is_ok() {
            return crate::i18n::text(language, &format!("barrier-{code}"));
        }
        self.added
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| code.to_owned())
    }

    pub fn added_codes(&self) -> Vec<String> {
        self.added.iter().map(|(code, _)| code.clone()).collect()
    }

    /// (code, name, built in) for every code: the built-in ones first.
    pub fn all(&self, language: Language) -> Vec<(String, String, bool)> {
        BarrierCode::ALL
            .iter()
            .map(|c| (c.as_str().to_owned(), self.name(language, c.as_str()), true))
            .chain(self.added.iter().map(|(c, n)| (c.clone(), n.clone(), false)))
            .collect()
    }
}

pub async fn names(state: &AppState) -> Result<BarrierNames, AppError> {
    let mut conn = state.db.conn().await?;
    names_in(&mut conn).await
}

/// The names, read on a connection or in a transaction the caller holds.
pub async fn names_in(conn: &mut impl Access) -> Result<BarrierNames, AppError> {
    Ok(BarrierNames {
        added: outcomes::added_barrier_codes(conn).await?,
    })
}

/// Adds a barrier code (administrators).
pub async fn add(state: &AppState, ctx: &Ctx, code: &str, name: &str) -> Result<(String, String), AppError> {
    require(&ctx.actor, Action::ManageReferenceData)?;
    let (code, name) = parse_new_barrier_code(code, name)?;
    let mut tx = state.db.begin().await?;
    outcomes::add_barrier_code(&mut tx, &code, &name).await?;
    let event = Event::new("barrier_code.create", "barrier_code", &code)
        .after(&serde_json::json!({"code": code, "name": name}));
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok((code, name))
}
