//! Single sign-on with OpenID Connect providers (docs/security.md): the authorisation code flow
//! with PKCE (S256), `state` and `nonce`, through the `openidconnect` crate.
//!
//! A provider's metadata (endpoints, signing keys) is discovered at its first use and kept for
//! [`METADATA_TTL`]; when the provider cannot be reached, that sign-in fails with a clear page and
//! the next one tries again, so a provider down at start-up stops nobody signing in with a password.

use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::{Client as HyperClient, Error as HyperError};
use hyper_util::rt::TokioExecutor;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient};
use openidconnect::{
    AsyncHttpClient, AuthorizationCode, ClientId, ClientSecret, CsrfToken, HttpClientError, HttpRequest, HttpResponse,
    IssuerUrl, LogoutRequest, Nonce, PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl,
    ProviderMetadataWithLogout, RedirectUrl, Scope, TokenResponse as _,
};
use openidconnect::{EndpointMaybeSet, EndpointNotSet, EndpointSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::RwLock;

/// How long discovered metadata (and with it the provider's signing keys) is trusted before it
/// is fetched again.
pub const METADATA_TTL: Duration = Duration::from_secs(3600);

/// A client of a discovered provider: its authorisation endpoint known, the others as discovered.
type Client =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

/// How a provider is configured (`--oidc-*`).
#[derive(Clone)]
pub struct Settings {
    /// The short name in the provider's paths (`/sign-in/oidc/{key}`).
    pub key: String,
    /// What the sign-in button names ("Sign in with {name}").
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// onramp's own address as browsers reach it (`--public-url`), without a trailing slash.
    pub public_url: String,
}

/// One OpenID Connect provider staff may sign in with.
#[derive(Clone)]
pub struct Provider {
    settings: Settings,
    issuer: IssuerUrl,
    redirect: RedirectUrl,
    http: Http,
    metadata: Arc<RwLock<Option<Discovered>>>,
}

/// The metadata discovered, and when.
type Discovered = (Instant, Arc<ProviderMetadataWithLogout>);

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("key", &self.settings.key)
            .field("issuer", &self.settings.issuer)
            .field("client_id", &self.settings.client_id)
            .finish_non_exhaustive()
    }
}

/// What went wrong talking to a provider.
#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    /// The provider could not be reached or answered nonsense (discovery, token endpoint).
    #[error("the identity provider is unavailable: {0}")]
    Unavailable(String),
    /// What came back does not check out: the ID token's signature, issuer, audience, nonce or
    /// expiry, or a code the provider would not exchange.
    #[error("the identity provider's answer was refused: {0}")]
    Refused(String),
}

/// Who the provider vouched for, from a verified ID token.
#[derive(Debug, Clone)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
}

impl Provider {
    pub fn new(settings: Settings) -> Result<Provider, String> {
        let issuer = IssuerUrl::new(settings.issuer.clone()).map_err(|e| format!("--oidc-issuer: {e}"))?;
        let public = settings.public_url.trim_end_matches('/');
        if !(public.starts_with("https://") || public.starts_with("http://")) {
            return Err("--public-url must be onramp's address, e.g. https://onramp.example.org".into());
        }
        let redirect = RedirectUrl::new(format!("{public}/sign-in/oidc/{}/callback", settings.key))
            .map_err(|e| format!("--public-url: {e}"))?;
        let settings = Settings {
            public_url: public.to_owned(),
            ..settings
        };
        Ok(Provider {
            settings,
            issuer,
            redirect,
            http: Http::new()?,
            metadata: Arc::new(RwLock::new(None)),
        })
    }

    pub fn key(&self) -> &str {
        &self.settings.key
    }

    pub fn name(&self) -> &str {
        &self.settings.name
    }

    /// The issuer as configured: what identities are bound under.
    pub fn issuer(&self) -> &str {
        self.issuer.as_str()
    }

    /// The address the provider sends browsers back to; register it with the provider.
    pub fn redirect_uri(&self) -> &str {
        self.redirect.as_str()
    }

    /// The provider's metadata: kept, or discovered now (`fresh` discovers it in any case).
    pub async fn metadata(&self, fresh: bool) -> Result<Arc<ProviderMetadataWithLogout>, SsoError> {
        if !fresh
            && let Some((at, metadata)) = self.metadata.read().await.as_ref()
            && at.elapsed() < METADATA_TTL
        {
            return Ok(metadata.clone());
        }
        let discovered = ProviderMetadataWithLogout::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(|e| SsoError::Unavailable(error_chain(&e)))?;
        let discovered = Arc::new(discovered);
        *self.metadata.write().await = Some((Instant::now(), discovered.clone()));
        Ok(discovered)
    }

    fn client(&self, metadata: &ProviderMetadataWithLogout) -> Client {
        CoreClient::from_provider_metadata(
            metadata.clone(),
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.clone())),
        )
        .set_redirect_uri(self.redirect.clone())
    }

    /// Where to send the browser to sign in, for this `state`, `nonce` and PKCE verifier.
    pub async fn authorize_url(&self, state: &str, nonce: &str, verifier: &str) -> Result<String, SsoError> {
        let metadata = self.metadata(false).await?;
        let challenge = PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(verifier.to_owned()));
        let (state, nonce) = (state.to_owned(), nonce.to_owned());
        let (url, _, _) = self
            .client(&metadata)
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                move || CsrfToken::new(state),
                move || Nonce::new(nonce),
            )
            .add_scope(Scope::new("email".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(url.to_string())
    }

    /// Exchanges the code and verifies the ID token it brings (signature, issuer, audience,
    /// expiry, and that it carries `nonce`).
    pub async fn verify(&self, code: &str, verifier: &str, nonce: &str) -> Result<Identity, SsoError> {
        let metadata = self.metadata(false).await?;
        let client = self.client(&metadata);
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| SsoError::Unavailable(error_chain(&e)))?
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                // The token endpoint out of reach is the provider's outage, not a refusal.
                openidconnect::RequestTokenError::Request(_) => SsoError::Unavailable(error_chain(&e)),
                _ => SsoError::Refused(error_chain(&e)),
            })?;
        let id_token = response
            .id_token()
            .ok_or_else(|| SsoError::Refused("no ID token in the token response".into()))?;
        let nonce = Nonce::new(nonce.to_owned());
        let claims = match id_token.claims(&client.id_token_verifier(), &nonce) {
            Ok(claims) => claims.clone(),
            // The provider may have rotated its keys since the metadata was kept: once more
            // with fresh metadata, which also checks everything else again.
            Err(first) => {
                let metadata = self.metadata(true).await?;
                let client = self.client(&metadata);
                id_token
                    .claims(&client.id_token_verifier(), &nonce)
                    .map_err(|_| SsoError::Refused(error_chain(&first)))?
                    .clone()
            }
        };
        Ok(Identity {
            issuer: claims.issuer().as_str().to_owned(),
            subject: claims.subject().as_str().to_owned(),
            email: claims.email().map(|e| e.as_str().trim().to_lowercase()),
            email_verified: claims.email_verified() == Some(true),
        })
    }

    /// The provider's own sign-out, when its metadata names an end-session endpoint (from kept
    /// metadata only: a page never waits on the provider for it).
    pub async fn end_session_url(&self) -> Option<String> {
        let guard = self.metadata.read().await;
        let (_, metadata) = guard.as_ref()?;
        let endpoint = metadata.additional_metadata().end_session_endpoint.clone()?;
        let back = PostLogoutRedirectUrl::new(format!("{}/login", self.settings.public_url)).ok()?;
        let url = LogoutRequest::from(endpoint)
            .set_client_id(ClientId::new(self.settings.client_id.clone()))
            .set_post_logout_redirect_uri(back)
            .http_get_url();
        Some(url.to_string())
    }
}

/// An error and its sources on one line, for the log.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The HTTP client the crate talks to providers with: hyper over rustls (ring, the system's
/// certificate authorities), no redirects followed (as OAuth 2.0 requires of these calls), ten
/// seconds at most per call.
#[derive(Clone)]
struct Http(HyperClient<HttpsConnector<HttpConnector>, Full<Bytes>>);

impl Http {
    fn new() -> Result<Http, String> {
        let provider = rustls::crypto::ring::default_provider();
        let connector = HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(provider)
            .map_err(|e| format!("single sign-on needs the system's certificate authorities: {e}"))?
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Http(HyperClient::builder(TokioExecutor::new()).build(connector)))
    }
}

type HttpFuture<'c> = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpClientError<HyperError>>> + Send + 'c>>;

impl<'c> AsyncHttpClient<'c> for Http {
    type Error = HttpClientError<HyperError>;
    type Future = HttpFuture<'c>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let request = axum::http::Request::from_parts(parts, Full::new(Bytes::from(body)));
            let exchange = async {
                let response = self.0.request(request).await.map_err(Box::new)?;
                let (parts, body) = response.into_parts();
                let body = body
                    .collect()
                    .await
                    .map_err(|e| HttpClientError::Other(e.to_string()))?;
                Ok(axum::http::Response::from_parts(parts, body.to_bytes().to_vec()))
            };
            tokio::time::timeout(Duration::from_secs(10), exchange)
                .await
                .map_err(|_| HttpClientError::Other("no answer within 10 seconds".into()))?
        })
    }
}
