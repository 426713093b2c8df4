//! Two-factor authentication with TOTP (RFC 6238; docs/security.md): enrolment with a QR code and
//! the secret in text, confirmed by a first code; ten single-use recovery codes; turning it off
//! with a current code or the password; an administrator's reset. The code step of sign-in is
//! in `service::auth`.

use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_domain::policy::Action;
use onramp_store::audit::{self, Event};
use onramp_store::tokens::sha256_hex;
use onramp_store::{Access, throttle, two_factor, users};
use totp_rs::{Builder, Secret, Totp};
use uuid::Uuid;

/// The name authenticator apps show beside the account.
pub const ISSUER: &str = "onramp";
/// How many recovery codes an enrolment gives.
pub const RECOVERY_CODES: usize = 10;
/// The letters of recovery codes: no 0/o, 1/l/i to misread.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// Where the user's second factor stands.
#[derive(Debug, Clone, Default)]
pub struct Status {
    pub enrolled: bool,
    pub recovery_codes_left: i64,
    /// An enrolment begun and not yet confirmed with a first code.
    pub setting_up: Option<Setup>,
}

/// What an authenticator app needs: the secret, and the same as an `otpauth://` URI for the QR code.
#[derive(Debug, Clone)]
pub struct Setup {
    pub secret: String,
    pub uri: String,
}

impl Setup {
    fn of(secret: &str, email: &str) -> Setup {
        let label: String = form_urlencoded::byte_serialize(format!("{ISSUER}:{email}").as_bytes()).collect();
        let uri = format!("otpauth://totp/{label}?secret={secret}&issuer={ISSUER}&algorithm=SHA1&digits=6&period=30");
        Setup {
            secret: secret.to_owned(),
            uri,
        }
    }

    /// The secret in groups of four, to read aloud or type.
    pub fn grouped(&self) -> String {
        let chars: Vec<char> = self.secret.chars().collect();
        chars
            .chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The QR code as inline SVG, with `label` as its text alternative.
    pub fn qr_svg(&self, label: &str) -> Result<String, AppError> {
        let code = qrcode::QrCode::new(self.uri.as_bytes()).map_err(AppError::internal)?;
        let svg = code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .build();
        let svg = svg.split_once("?>").map_or(svg.as_str(), |(_, rest)| rest);
        let label = label.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
        Ok(svg.replacen("<svg ", &format!("<svg role=\"img\" aria-label=\"{label}\" "), 1))
    }
}

fn totp(secret: &str) -> Result<Totp, AppError> {
    let secret =
        Secret::try_from_base32(secret).map_err(|_| AppError::internal("a stored TOTP secret is not base32"))?;
    Builder::new()
        .with_secret(secret)
        .build()
        .map_err(|e| AppError::internal(e.to_string()))
}

/// The time step a code matches now or one step either side, if any.
fn matching_step(secret: &str, code: &str) -> Result<Option<i64>, AppError> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let at = u64::try_from(onramp_store::now().timestamp()).unwrap_or_default();
    Ok(totp(secret)?
        .check(&digits, at)
        .and_then(|step| i64::try_from(step).ok()))
}

/// A recovery code as typed, made comparable: lower case, without spaces and dashes.
fn recovery_hash(code: &str) -> String {
    let plain: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    sha256_hex(&plain)
}

fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let letters: String = (0..10).map(|_| random_letter()).collect();
            format!("{}-{}", &letters[..5], &letters[5..])
        })
        .collect()
}

/// One letter of the recovery alphabet, each as likely (bytes past the last whole round of the
/// alphabet are drawn again).
fn random_letter() -> char {
    let rounds = 256 - 256 % RECOVERY_ALPHABET.len();
    loop {
        let byte = usize::from(onramp_store::tokens::random_bytes(1)[0]);
        if byte < rounds {
            return char::from(RECOVERY_ALPHABET[byte % RECOVERY_ALPHABET.len()]);
        }
    }
}

/// Checks a code, or a recovery code, for a user with a confirmed second factor, and spends it:
/// `Some("totp")` or `Some("recovery_code")` when accepted, `None` when wrong or already used.
pub(crate) async fn spend_code(
    tx: &mut impl Access,
    authenticator: &two_factor::Authenticator,
    code: &str,
) -> Result<Option<&'static str>, AppError> {
    if let Some(step) = matching_step(&authenticator.secret, code)? {
        let fresh = two_factor::take_step(tx, authenticator.user_id, step).await?;
        return Ok(fresh.then_some("totp"));
    }
    let spent = two_factor::spend_recovery_code(tx, authenticator.user_id, &recovery_hash(code)).await?;
    Ok(spent.then_some("recovery_code"))
}

pub async fn status(state: &AppState, ctx: &Ctx) -> Result<Status, AppError> {
    let mut conn = state.db.conn().await?;
    let Some(found) = two_factor::get(&mut conn, ctx.user.id).await? else {
        return Ok(Status::default());
    };
    Ok(Status {
        enrolled: found.is_confirmed(),
        recovery_codes_left: two_factor::recovery_codes_left(&mut conn, ctx.user.id).await?,
        setting_up: (!found.is_confirmed()).then(|| Setup::of(&found.secret, &ctx.user.email)),
    })
}

/// Begins an enrolment with a new secret (replacing one begun before); refused while one is on.
pub async fn start(state: &AppState, ctx: &Ctx) -> Result<Setup, AppError> {
    let secret = Secret::from(onramp_store::tokens::random_bytes(20)).to_base32();
    let mut tx = state.db.begin().await?;
    if two_factor::is_enrolled(&mut tx, ctx.user.id).await? {
        return Err(AppError::invalid("code", "two-factor-on"));
    }
    two_factor::start(&mut tx, ctx.user.id, &secret).await?;
    tx.commit().await?;
    Ok(Setup::of(&secret, &ctx.user.email))
}

/// Confirms the enrolment with a first code; returns the recovery codes, shown this once.
pub async fn confirm(state: &AppState, ctx: &Ctx, code: &str) -> Result<Vec<String>, AppError> {
    if code.trim().is_empty() {
        return Err(AppError::invalid("code", "required"));
    }
    let mut tx = state.db.begin().await?;
    let found = two_factor::get(&mut tx, ctx.user.id).await?;
    let Some(found) = found.filter(|f| !f.is_confirmed()) else {
        return Err(AppError::invalid("code", "two-factor-not-started"));
    };
    let Some(step) = matching_step(&found.secret, code)? else {
        return Err(AppError::invalid("code", "wrong-code"));
    };
    let codes = new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| recovery_hash(c)).collect();
    two_factor::confirm(&mut tx, ctx.user.id, step, &hashes).await?;
    audit::record(&mut tx, &ctx.who, Event::new("two_factor.enable", "user", ctx.user.id)).await?;
    tx.commit().await?;
    Ok(codes)
}

/// Turns the second factor off, given a current code (or a recovery code) or the password.
/// Wrong attempts count against the account like failed sign-ins.
pub async fn disable(state: &AppState, ctx: &Ctx, code: &str, password: &str) -> Result<(), AppError> {
    if code.trim().is_empty() && password.is_empty() {
        return Err(AppError::invalid("code", "code-or-password"));
    }
    let address = ctx.who.address.clone().unwrap_or_default();
    let mut conn = state.db.conn().await?;
    if throttle::is_blocked(&mut conn, &ctx.user.email, &address).await? {
        return Err(AppError::Throttled);
    }
    let Some(found) = two_factor::get(&mut conn, ctx.user.id)
        .await?
        .filter(|f| f.is_confirmed())
    else {
        return Err(AppError::invalid("code", "two-factor-off"));
    };
    let hash = users::password_hash(&mut conn, ctx.user.id).await?;
    drop(conn);
    let by_password = !password.is_empty() && super::verify_password(password.to_owned(), hash).await?;
    let mut tx = state.db.begin().await?;
    let accepted = by_password || (!code.trim().is_empty() && spend_code(&mut tx, &found, code).await?.is_some());
    if !accepted {
        throttle::record(&mut tx, &ctx.user.email, &address, false).await?;
        audit::record(
            &mut tx,
            &ctx.who,
            Event::new("two_factor.disable_refused", "user", ctx.user.id),
        )
        .await?;
        tx.commit().await?;
        let field = if password.is_empty() { "code" } else { "password" };
        let why = if password.is_empty() {
            "wrong-code"
        } else {
            "wrong-password"
        };
        return Err(AppError::invalid(field, why));
    }
    two_factor::remove(&mut tx, ctx.user.id).await?;
    audit::record(&mut tx, &ctx.who, Event::new("two_factor.disable", "user", ctx.user.id)).await?;
    tx.commit().await?;
    Ok(())
}

/// An administrator turns someone's second factor off (a lost phone and lost recovery codes):
/// they enrol again at their next sign-in if the deployment requires it.
pub async fn reset(state: &AppState, ctx: &Ctx, user_id: Uuid) -> Result<bool, AppError> {
    super::require(&ctx.actor, Action::ManageUsers)?;
    let mut tx = state.db.begin().await?;
    users::get(&mut tx, user_id)
        .await?
        .filter(|u| u.role.is_staff())
        .ok_or(AppError::NotFound)?;
    let removed = two_factor::remove(&mut tx, user_id).await?;
    if removed {
        audit::record(&mut tx, &ctx.who, Event::new("two_factor.reset", "user", user_id)).await?;
    }
    tx.commit().await?;
    Ok(removed)
}

/// Whether the user has a confirmed second factor (the admin's user page shows it).
pub async fn is_enrolled(state: &AppState, user_id: Uuid) -> Result<bool, AppError> {
    let mut conn = state.db.conn().await?;
    Ok(two_factor::is_enrolled(&mut conn, user_id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_sha1_vectors() {
        // RFC 6238 appendix B: the ASCII secret "12345678901234567890", 8 digits there; the last six here.
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        let totp = totp(&secret).unwrap();
        assert_eq!(totp.generate(59).to_string(), "287082");
        assert_eq!(totp.generate(1_111_111_109).to_string(), "081804");
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_forgiving() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert_eq!(codes.iter().collect::<std::collections::BTreeSet<_>>().len(), 10);
        let code = &codes[0];
        assert_eq!(
            recovery_hash(code),
            recovery_hash(&code.to_uppercase().replace('-', " "))
        );
    }

    #[test]
    fn secret_grouped_for_reading() {
        let setup = Setup::of("ABCDEFGHIJ", "a@b.be");
        assert_eq!(setup.grouped(), "ABCD EFGH IJ");
        assert!(
            setup
                .uri
                .starts_with("otpauth://totp/onramp%3Aa%40b.be?secret=ABCDEFGHIJ&issuer=onramp")
        );
    }
}
