//! The partner's product as a destination (provisioning contract, "Outgoing webhooks"): each
//! webhook posted to the configured URL and signed as Standard Webhooks says (`webhook-id`,
//! `webhook-timestamp`, `webhook-signature`). Retries, ordering, leases and the attempt log are the
//! engine's, as for Orange's events; only the request differs.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;

use fleetdesk_core::Db;
use fleetdesk_core::outbox::delivery::{Attempt, Claimed};
use fleetdesk_core::outbox::settings as delivery_settings;
use fleetdesk_core::provisioning::inline::{InlineRequest, WebhookSender};
use fleetdesk_core::provisioning::webhook::{self, WebhookSettings};

use super::{Destination, Outgoing, SETTINGS_FRESH_FOR, Schedule, describe, lock};

/// The webhook settings and the retry schedule (shared with Orange's), as read at an instant and
/// at a generation of this process's changes ([`webhook::generation`]).
type Read = Option<(Instant, u64, Arc<(WebhookSettings, Vec<u64>)>)>;

/// What the product's lane reads: its settings and the retry schedule shared with Orange's.
pub struct Product {
    db: Db,
    /// Told when attempts were recorded: the product's answers decide provisioning tasks.
    answered: Arc<tokio::sync::Notify>,
    settings: Mutex<Read>,
}

impl Product {
    /// The product's destination; `answered` is notified whenever its attempts were recorded.
    pub fn new(db: Db, answered: Arc<tokio::sync::Notify>) -> Arc<Product> {
        Arc::new(Product {
            db,
            answered,
            settings: Mutex::new(None),
        })
    }

    pub fn destination(self: &Arc<Self>) -> Arc<dyn Destination> {
        self.clone()
    }

    async fn settings(&self) -> anyhow::Result<Arc<(WebhookSettings, Vec<u64>)>> {
        let generation = webhook::generation();
        if let Some((read_at, read_generation, settings)) = lock(&self.settings).as_ref()
            && read_at.elapsed() < SETTINGS_FRESH_FOR
            && *read_generation == generation
        {
            return Ok(settings.clone());
        }
        let webhook = webhook::load(&self.db).await?;
        let delays = delivery_settings::load(&self.db)
            .await?
            .retry_delays_seconds;
        let settings = Arc::new((webhook, delays));
        *lock(&self.settings) = Some((Instant::now(), generation, settings.clone()));
        Ok(settings)
    }
}

#[async_trait]
impl Destination for Product {
    fn target(&self) -> &'static str {
        "provisioning_webhook"
    }

    async fn schedule(&self) -> anyhow::Result<Option<Schedule>> {
        let settings = self.settings().await?;
        let (webhook, delays) = settings.as_ref();
        if !webhook.is_configured() {
            return Ok(None);
        }
        Ok(Some(Schedule {
            retry_delays_seconds: delays.clone(),
            timeout: Duration::from_secs(webhook.timeout_seconds),
        }))
    }

    async fn prepare(&self, event: &Claimed, schedule: &Schedule) -> Result<Outgoing, String> {
        let settings = self.settings().await.map_err(|e| e.to_string())?;
        let (webhook, _) = settings.as_ref();
        let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let signed = webhook::headers(webhook, event.id.as_str(), timestamp, &event.payload)
            .map_err(|e| e.to_string())?;
        let mut headers = vec![("content-type".to_owned(), "application/json".to_owned())];
        headers.extend(signed);
        if let Some(request_id) = &event.request_id {
            headers.push(("x-request-id".to_owned(), request_id.clone()));
        }
        Ok(Outgoing {
            url: webhook.url.clone(),
            // A signature gives nothing away about the secret: it is recorded as sent.
            recorded_headers: headers.clone(),
            headers,
            body: event.payload.clone(),
            timeout: schedule.timeout,
            credential: None,
        })
    }

    fn rejected(&self, _outgoing: &Outgoing) -> bool {
        // No credential to renew: a 401 is the product's answer like any other.
        false
    }

    fn recorded(&self) {
        self.answered.notify_one();
    }
}

/// Sends the webhooks of synchronous operations, with the engine's HTTP client (see
/// `fleetdesk_core::provisioning::inline`).
#[derive(Debug)]
pub struct InlineSender {
    pub client: reqwest::Client,
}

#[async_trait]
impl WebhookSender for InlineSender {
    async fn send(&self, request: InlineRequest) -> Attempt {
        let started = Instant::now();
        let mut attempt = Attempt {
            url: request.url.clone(),
            request_headers: request.headers.clone(),
            request_body: request.body.clone(),
            ..Attempt::default()
        };
        let mut outgoing = self
            .client
            .post(&request.url)
            .timeout(request.timeout)
            .body(request.body);
        for (name, value) in &request.headers {
            outgoing = outgoing.header(name, value);
        }
        match outgoing.send().await {
            Ok(response) => {
                attempt.response_status = Some(response.status().as_u16());
                attempt.response_headers = response
                    .headers()
                    .iter()
                    .filter(|(name, _)| name.as_str() != "set-cookie")
                    .map(|(name, value)| {
                        (
                            name.as_str().to_owned(),
                            String::from_utf8_lossy(value.as_bytes()).into_owned(),
                        )
                    })
                    .collect();
                match response.text().await {
                    Ok(body) => attempt.response_body = Some(body),
                    Err(error) => attempt.error = Some(describe(&error, request.timeout)),
                }
            }
            Err(error) => attempt.error = Some(describe(&error, request.timeout)),
        }
        attempt.latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        attempt
    }
}
