//! The options of single sign-on (docs/security.md "Single sign-on (OpenID Connect)").

use anyhow::{Result, anyhow};
use clap::{Args, ValueEnum};
use onramp_web::sso::{Provider, Settings};

/// The short name of the one provider configured on the command line, in its paths
/// (`/sign-in/oidc/oidc/callback`); more providers would each get their own.
pub const PROVIDER_KEY: &str = "oidc";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Debug, Args)]
pub struct SsoArgs {
    /// The OpenID Connect provider staff may sign in with, by its issuer URL (e.g.
    /// https://login.microsoftonline.com/TENANT/v2.0 or https://keycloak.example.org/realms/gtb).
    #[arg(long, env = "ONRAMP_OIDC_ISSUER", requires_all = ["oidc_client_id", "oidc_client_secret", "public_url"])]
    pub oidc_issuer: Option<String>,
    /// onramp's client id at the provider.
    #[arg(long, env = "ONRAMP_OIDC_CLIENT_ID", requires = "oidc_issuer")]
    pub oidc_client_id: Option<String>,
    /// onramp's client secret at the provider.
    #[arg(
        long,
        env = "ONRAMP_OIDC_CLIENT_SECRET",
        requires = "oidc_issuer",
        hide_env_values = true
    )]
    pub oidc_client_secret: Option<String>,
    /// What the sign-in button calls the provider: "Sign in with NAME".
    #[arg(long, env = "ONRAMP_OIDC_NAME", default_value = "single sign-on")]
    pub oidc_name: String,
    /// Whether staff may sign in with a password; `off` leaves single sign-on only (the
    /// participants' portal is not affected).
    #[arg(long, env = "ONRAMP_PASSWORD_SIGN_IN", value_enum, default_value = "on")]
    pub password_sign_in: OnOff,
}

impl SsoArgs {
    /// The providers configured, and whether staff may sign in with a password. The provider
    /// sends browsers back to `public_url` (`--public-url`, required with `--oidc-issuer`):
    /// PUBLIC_URL/sign-in/oidc/oidc/callback, registered with it.
    pub fn providers(&self, public_url: Option<&str>) -> Result<(Vec<Provider>, bool)> {
        let password = self.password_sign_in == OnOff::On;
        let Some(issuer) = &self.oidc_issuer else {
            if !password {
                return Err(anyhow!(
                    "--password-sign-in off needs a single sign-on provider (--oidc-issuer), or nobody on the staff could sign in"
                ));
            }
            return Ok((Vec::new(), password));
        };
        let settings = Settings {
            key: PROVIDER_KEY.to_owned(),
            name: self.oidc_name.clone(),
            issuer: issuer.clone(),
            client_id: self.oidc_client_id.clone().unwrap_or_default(),
            client_secret: self.oidc_client_secret.clone().unwrap_or_default(),
            public_url: public_url.unwrap_or_default().to_owned(),
        };
        let provider = Provider::new(settings).map_err(anyhow::Error::msg)?;
        Ok((vec![provider], password))
    }
}

/// Discovers each provider's metadata in the background at start-up, saying in the log whether
/// it answered: a provider down now fails its sign-ins with a clear page until it answers, and
/// stops nobody signing in otherwise.
pub fn warm_up(providers: &[Provider]) {
    for provider in providers {
        let provider = provider.clone();
        tokio::spawn(async move {
            match provider.metadata(false).await {
                Ok(_) => tracing::info!(
                    issuer = provider.issuer(),
                    redirect_uri = provider.redirect_uri(),
                    "single sign-on provider discovered"
                ),
                Err(error) => tracing::warn!(
                    issuer = provider.issuer(),
                    %error,
                    "single sign-on provider not reachable; sign-ins through it fail until it is"
                ),
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn serve(args: &[&str]) -> Result<super::SsoArgs, clap::Error> {
        let cli = Cli::try_parse_from(["onramp", "serve"].iter().chain(args))?;
        match cli.command {
            Command::Serve(serve) => Ok(serve.sso),
            _ => unreachable!("serve"),
        }
    }

    #[test]
    fn a_provider_needs_its_client_and_onramps_address() {
        assert!(serve(&["--oidc-issuer", "https://id.example.org"]).is_err());
        let full = [
            "--oidc-issuer",
            "https://id.example.org/realms/gtb",
            "--oidc-client-id",
            "onramp",
            "--oidc-client-secret",
            "s",
            "--public-url",
            "https://onramp.example.org/",
        ];
        let sso = serve(&full).expect("all given");
        let (providers, password) = sso.providers(Some("https://onramp.example.org")).expect("a provider");
        assert!(password);
        assert_eq!(
            providers[0].redirect_uri(),
            "https://onramp.example.org/sign-in/oidc/oidc/callback"
        );
        assert_eq!(providers[0].name(), "single sign-on");
    }

    #[test]
    fn password_sign_in_off_needs_a_provider() {
        let sso = serve(&["--password-sign-in", "off"]).expect("parses");
        let error = sso.providers(None).expect_err("refused").to_string();
        assert!(error.contains("--oidc-issuer"), "{error}");
        assert!(serve(&["--password-sign-in", "maybe"]).is_err());
    }
}
