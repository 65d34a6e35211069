//! Orange as a destination (contract section 6): the productOrder and userService event resources,
//! authenticated with an OAuth 2.0 client-credentials token. The token is cached until shortly
//! before it expires and fetched once for every request waiting on it (single flight), with no
//! lock held while the token endpoint answers; a 401 forgets it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};

use fleetdesk_core::Db;
use fleetdesk_core::outbox::delivery::Claimed;
use fleetdesk_core::outbox::settings::{self as delivery_settings, DeliverySettings};

use super::{Destination, Outgoing, SETTINGS_FRESH_FOR, Schedule, describe, lock};

#[derive(Debug, Clone)]
struct Token {
    value: String,
    /// Renew after this instant.
    fresh_until: Instant,
}

type Fetch = Shared<BoxFuture<'static, Result<Token, String>>>;

/// The token for one client of one token endpoint, or the request under way for it.
enum TokenState {
    None,
    Fresh(Token),
    Fetching(Fetch),
}

/// What Orange's two lanes share: the settings, the token, the HTTP client.
pub struct Orange {
    db: Db,
    client: reqwest::Client,
    settings: Mutex<Option<(Instant, Arc<DeliverySettings>)>>,
    /// Keyed by token URL, client id and secret: a settings change starts afresh.
    token: Mutex<((String, String, String), TokenState)>,
}

impl Orange {
    pub fn new(db: Db, client: reqwest::Client) -> Arc<Orange> {
        Arc::new(Orange {
            db,
            client,
            settings: Mutex::new(None),
            token: Mutex::new((Default::default(), TokenState::None)),
        })
    }

    /// The two destinations: Orange's productOrder and userService event resources.
    pub fn destinations(self: &Arc<Self>) -> Vec<Arc<dyn Destination>> {
        vec![
            Arc::new(OrangeResource {
                orange: self.clone(),
                target: "orange_product_order",
            }),
            Arc::new(OrangeResource {
                orange: self.clone(),
                target: "orange_user_service",
            }),
        ]
    }

    async fn settings(&self) -> anyhow::Result<Arc<DeliverySettings>> {
        if let Some((read_at, settings)) = lock(&self.settings).as_ref()
            && read_at.elapsed() < SETTINGS_FRESH_FOR
        {
            return Ok(settings.clone());
        }
        let settings = Arc::new(delivery_settings::load(&self.db).await?);
        *lock(&self.settings) = Some((Instant::now(), settings.clone()));
        Ok(settings)
    }

    /// The cached token, or the one being fetched, or a new fetch that others will share.
    async fn token(&self, settings: &DeliverySettings) -> Result<String, String> {
        let key = (
            settings.token_url.clone(),
            settings.client_id.clone(),
            settings.client_secret.clone(),
        );
        let fetch = {
            let mut state = lock(&self.token);
            if state.0 != key {
                *state = (key, TokenState::None);
            }
            match &state.1 {
                TokenState::Fresh(token) if Instant::now() < token.fresh_until => {
                    return Ok(token.value.clone());
                }
                TokenState::Fetching(fetch) => fetch.clone(),
                _ => {
                    let fetch = fetch_token(self.client.clone(), settings.clone())
                        .boxed()
                        .shared();
                    state.1 = TokenState::Fetching(fetch.clone());
                    fetch
                }
            }
        };
        let fetched = fetch.clone().await;
        let mut state = lock(&self.token);
        if let TokenState::Fetching(current) = &state.1
            && current.ptr_eq(&fetch)
        {
            state.1 = match &fetched {
                Ok(token) => TokenState::Fresh(token.clone()),
                Err(_) => TokenState::None,
            };
        }
        fetched.map(|token| token.value)
    }

    /// Forgets `value` if it is still the cached token; true when a fresh one may help.
    fn forget(&self, value: &str) -> bool {
        let mut state = lock(&self.token);
        match &state.1 {
            TokenState::Fresh(token) if token.value == value => {
                state.1 = TokenState::None;
                true
            }
            // Another request already forgot it (or a new one is on its way).
            TokenState::Fetching(_) | TokenState::Fresh(_) => true,
            TokenState::None => true,
        }
    }
}

async fn fetch_token(client: reqwest::Client, settings: DeliverySettings) -> Result<Token, String> {
    let timeout = Duration::from_secs(settings.timeout_seconds);
    let mut form = vec![("grant_type", "client_credentials")];
    if !settings.scope.is_empty() {
        form.push(("scope", settings.scope.as_str()));
    }
    let response = client
        .post(&settings.token_url)
        .timeout(timeout)
        .basic_auth(&settings.client_id, Some(&settings.client_secret))
        .form(&form)
        .send()
        .await
        .map_err(|e| format!("token: {}", describe(&e, timeout)))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!(
            "token: the token endpoint answered {}",
            status.as_u16()
        ));
    }
    #[derive(serde::Deserialize)]
    struct Grant {
        access_token: String,
        #[serde(default)]
        expires_in: Option<u64>,
    }
    let grant: Grant = response
        .json()
        .await
        .map_err(|_| "token: the token endpoint's answer is not a token".to_owned())?;
    let lifetime = grant.expires_in.unwrap_or(300);
    // Renewed shortly before it runs out: a tenth of its life, at most a minute, early.
    let margin = (lifetime / 10).min(60);
    Ok(Token {
        value: grant.access_token,
        fresh_until: Instant::now() + Duration::from_secs(lifetime.saturating_sub(margin)),
    })
}

/// One of Orange's two event resources.
struct OrangeResource {
    orange: Arc<Orange>,
    target: &'static str,
}

#[async_trait]
impl Destination for OrangeResource {
    fn target(&self) -> &'static str {
        self.target
    }

    async fn schedule(&self) -> anyhow::Result<Option<Schedule>> {
        let settings = self.orange.settings().await?;
        if settings.paused || !settings.is_configured() {
            return Ok(None);
        }
        Ok(Some(Schedule {
            retry_delays_seconds: settings.retry_delays_seconds.clone(),
            timeout: Duration::from_secs(settings.timeout_seconds),
        }))
    }

    async fn prepare(&self, event: &Claimed, schedule: &Schedule) -> Result<Outgoing, String> {
        let settings = self.orange.settings().await.map_err(|e| e.to_string())?;
        let url = match self.target {
            "orange_product_order" => settings.product_order_url.clone(),
            _ => settings.user_service_url.clone(),
        };
        let token = self.orange.token(&settings).await?;
        let mut headers = vec![
            ("authorization".to_owned(), format!("Bearer {token}")),
            ("content-type".to_owned(), "application/json".to_owned()),
        ];
        let mut recorded_headers = vec![
            ("authorization".to_owned(), "Bearer ***".to_owned()),
            ("content-type".to_owned(), "application/json".to_owned()),
        ];
        if let Some(request_id) = &event.request_id {
            headers.push(("x-request-id".to_owned(), request_id.clone()));
            recorded_headers.push(("x-request-id".to_owned(), request_id.clone()));
        }
        Ok(Outgoing {
            url,
            headers,
            recorded_headers,
            body: event.payload.clone(),
            timeout: schedule.timeout,
            credential: Some(token),
        })
    }

    fn rejected(&self, outgoing: &Outgoing) -> bool {
        outgoing
            .credential
            .as_deref()
            .is_some_and(|token| self.orange.forget(token))
    }
}
