//! The coach's view of a participant's portal access as the API document describes it: the
//! account and the invitation field by field (the store's rows carry no schema of their own).

use crate::service::portal_access::{Issued, PortalStatus};
use chrono::{DateTime, Utc};
use onramp_store::portal::{Account, Invitation};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    /// The account's user (role `participant`).
    pub user_id: Uuid,
    pub participant_id: Uuid,
    /// What the participant signs in with: their e-mail address, or the sign-in name printed with
    /// a code.
    pub sign_in: String,
    /// Whether the account may sign in now.
    pub active: bool,
    /// The version of the portal's terms agreed to, and when.
    pub terms_version: String,
    pub terms_accepted_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// When the access was ended (by the coach or the participant).
    pub ended_at: Option<DateTime<Utc>>,
}

impl From<Account> for AccountView {
    fn from(a: Account) -> Self {
        AccountView {
            user_id: a.user_id,
            participant_id: a.participant_id,
            sign_in: a.sign_in,
            active: a.active,
            terms_version: a.terms_version,
            terms_accepted_at: a.terms_accepted_at,
            created_at: a.created_at,
            ended_at: a.ended_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationView {
    pub id: Uuid,
    pub participant_id: Uuid,
    /// email or code
    pub kind: String,
    /// What the account will sign in with: the address the link went to, or the printed sign-in name.
    pub sign_in: String,
    /// Who invited.
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// When it opened the account.
    pub used_at: Option<DateTime<Utc>>,
    /// When a newer invitation or the end of the access revoked it.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<Invitation> for InvitationView {
    fn from(i: Invitation) -> Self {
        InvitationView {
            id: i.id,
            participant_id: i.participant_id,
            kind: i.kind,
            sign_in: i.sign_in,
            created_by: i.created_by,
            created_at: i.created_at,
            expires_at: i.expires_at,
            used_at: i.used_at,
            revoked_at: i.revoked_at,
        }
    }
}

/// A participant's portal access as the coach sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalStatusView {
    pub account: Option<AccountView>,
    /// The latest invitation, open or not.
    pub invitation: Option<InvitationView>,
    /// Whether the participant can sign in now.
    pub active: bool,
    /// Whether you may invite the participant or end the access.
    pub may_invite: bool,
}

impl From<PortalStatus> for PortalStatusView {
    fn from(s: PortalStatus) -> Self {
        PortalStatusView {
            account: s.account.map(Into::into),
            invitation: s.invitation.map(Into::into),
            active: s.active,
            may_invite: s.may_invite,
        }
    }
}

/// An invitation just made; the code (printed invitations) is shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedView {
    pub invitation: InvitationView,
    pub code: Option<String>,
}

impl From<Issued> for IssuedView {
    fn from(i: Issued) -> Self {
        IssuedView {
            invitation: i.invitation.into(),
            code: i.code,
        }
    }
}
