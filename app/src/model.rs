//! What the server sends the console's pages: plain serialisable types, shared by both builds.

pub mod audit;
mod browse;
mod bulk;
mod licences;
mod self_test;
mod work;

use fleetdesk_vocab::{CredentialId, EventId, ExchangeId, OfferingId, OperatorId};
use fleetdesk_vocab::{
    CredentialKind, EventState, FleetPolicy, Mode, Operation, Provisioning, ResourceScope,
    ResourceType, Role,
};
use serde::{Deserialize, Serialize};

pub use browse::*;
pub use bulk::*;
pub use licences::*;
pub use self_test::*;
pub use work::*;

/// A one-time message shown at the top of the next page after an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub kind: FlashKind,
    pub text: String,
    /// Lines under the message, e.g. the per-line errors of a file import.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FlashKind {
    Success,
    Error,
}

/// An operator as the console shows one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorView {
    pub id: OperatorId,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub last_login_at: Option<String>,
    pub created_at: String,
}

impl OperatorView {
    pub fn is_admin(&self) -> bool {
        self.role.is_admin()
    }

    pub fn can_change_data(&self) -> bool {
        self.role.can_change_data()
    }
}

/// What every console page needs: who is signed in and any message left for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleContext {
    pub operator: OperatorView,
    pub flash: Option<Flash>,
    /// Since when delivery goes to the sandbox instead of Orange, while it does.
    pub sandbox_since: Option<String>,
}

/// One line of the audit log, for the activity lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityItem {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
}

/// What the overview page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub operators_active: i64,
    pub operators_disabled: i64,
    pub dashboard: DashboardView,
    pub recent_activity: Vec<ActivityItem>,
}

/// The Orange API's settings as the settings form shows them. Codes only (`sync`, `perOrder`…):
/// the page words them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiSettingsView {
    /// One entry per operation, in the contract's order.
    pub modes: Vec<OperationMode>,
    pub fleet_policy: FleetPolicy,
    pub exchange_retention_days: u32,
    /// Days delivery attempts of finished events are kept.
    pub attempt_retention_days: u32,
    /// Days the audit log keeps each entry's before/after.
    pub audit_detail_retention_days: u32,
    /// What the background purge last did.
    pub last_purge: Option<PurgeView>,
}

/// One run of the background purge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeView {
    pub at: String,
    pub exchanges: u64,
    pub attempts: u64,
    pub audit_details: u64,
}

/// How one operation is answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationMode {
    pub operation: Operation,
    pub mode: Mode,
}

/// An API credential (Orange's, or the partner product's) as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialView {
    pub id: CredentialId,
    pub kind: CredentialKind,
    pub label: String,
    pub client_id: String,
    pub created_at: String,
    /// The issuing operator's name; `None` when issued from the command line.
    pub created_by: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl CredentialView {
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// A credential just issued, shown once on the next page and then forgotten.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCredential {
    pub kind: CredentialKind,
    pub label: String,
    pub client_id: String,
    pub secret: String,
    /// `Basic base64(clientId:secret)`, ready to paste after `Authorization: `.
    pub basic_authorization: String,
    /// `Bearer secret`.
    pub bearer_authorization: String,
}

impl std::fmt::Debug for IssuedCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedCredential")
            .field("kind", &self.kind)
            .field("label", &self.label)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// What the credentials page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialsPage {
    pub credentials: Vec<CredentialView>,
    pub issued: Option<IssuedCredential>,
}

/// The provisioning webhook's settings as the settings page shows them: whether a signing secret
/// is set, never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisioningSettingsView {
    pub url: String,
    pub timeout_seconds: u64,
    /// The product answers 2xx at once and calls back later; otherwise its 2xx means done.
    pub await_callback: bool,
    /// A URL and a signing secret: webhooks can be sent.
    pub configured: bool,
    pub secret_set: bool,
    /// Until when the previous secret still signs, while a rotation's overlap runs.
    pub previous_until: Option<String>,
    /// Where the product calls back: `{origin}/provisioning/v1`.
    pub callback_base: String,
    pub max_overlap_minutes: u32,
    /// The secret generated just before this page, shown this once.
    pub generated: Option<GeneratedSecret>,
}

/// The signing secret a rotation just generated: shown once, in the answer to the rotation.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedSecret {
    pub secret: String,
}

impl std::fmt::Debug for GeneratedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeneratedSecret").finish_non_exhaustive()
    }
}

/// The origin browsers and the partner's product reach this server at (`FLEETDESK_PUBLIC_URL`),
/// given to the pages' server functions by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicOrigin(pub String);

/// An offering of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferingView {
    pub id: OfferingId,
    pub offer_code: String,
    pub name: String,
    pub resource_type: ResourceType,
    pub resource_scope: ResourceScope,
    pub login_format: String,
    pub provisioning: Provisioning,
    pub active: bool,
    pub updated_at: String,
}

/// What the offerings page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferingsPage {
    pub offerings: Vec<OfferingView>,
    /// Whether the signed-in operator may change the catalogue (administrators).
    pub can_change: bool,
}

/// One raw Orange exchange in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRow {
    pub id: ExchangeId,
    pub at: String,
    pub method: String,
    pub path: String,
    pub status: i64,
    pub client_id: Option<String>,
    pub duration_ms: Option<i64>,
    pub object_id: Option<String>,
}

/// A page of exchanges, newest first, and where the next (older) page starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangesPage {
    pub rows: Vec<ExchangeRow>,
    /// `(at, id)` of the last row when older exchanges exist.
    pub older: Option<(String, String)>,
}

/// One raw Orange exchange in full. Headers come masked from storage; JSON bodies are
/// pretty-printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeDetail {
    pub id: ExchangeId,
    pub at: String,
    pub method: String,
    pub path: String,
    pub status: i64,
    pub credential_id: Option<CredentialId>,
    pub client_id: Option<String>,
    pub duration_ms: Option<i64>,
    pub request_id: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub request_headers: Vec<(String, String)>,
    pub request_body: Option<String>,
    pub response_body: Option<String>,
}

/// The OpenAPI document of the Orange API, as the server built it (JSON text). Provided to the
/// console's server functions through Leptos context.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone)]
pub struct ApiReference(pub std::sync::Arc<String>);

/// The API reference page: the OpenAPI document, simplified for reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiReferenceView {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub operations: Vec<ApiOperation>,
}

/// One path and method of the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiOperation {
    /// Upper case: `GET`, `POST`…
    pub method: String,
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub parameters: Vec<ApiParameter>,
    pub request_body: Option<ApiBody>,
    pub responses: Vec<ApiResponse>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiParameter {
    pub name: String,
    /// `path`, `query` or `header`.
    pub location: String,
    pub required: bool,
    /// A schema name or type, e.g. `string`, `integer`, `UserService[]`.
    pub schema: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiBody {
    pub content_type: String,
    pub schema: String,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiResponse {
    /// `200`, `404`, `default`…
    pub status: String,
    pub description: String,
    pub schema: Option<String>,
}

/// Which events a list or a bulk resend is about, as the filter form sends it: every field as
/// typed, empty when not set. Dates are `YYYY-MM-DD` (UTC), both ends included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFilter {
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub event_type: String,
    /// An order or licence id, or Orange's correlation id.
    #[serde(default)]
    pub resource: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

impl EventFilter {
    /// The filter with surrounding spaces removed.
    pub fn trimmed(&self) -> EventFilter {
        EventFilter {
            state: self.state.trim().to_owned(),
            event_type: self.event_type.trim().to_owned(),
            resource: self.resource.trim().to_owned(),
            from: self.from.trim().to_owned(),
            to: self.to.trim().to_owned(),
        }
    }

    /// The fields that are set, as query-string pairs (for links that keep the filter).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("state", &self.state),
            ("event_type", &self.event_type),
            ("resource", &self.resource),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .into_iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(name, value)| (name, value.trim().to_owned()))
        .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs().is_empty()
    }
}

/// Whether events can go out at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryStatus {
    /// The event URLs, token URL and client are all set.
    pub configured: bool,
    pub paused: bool,
}

/// An outbox event as listed and as the top of its own page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRowView {
    pub id: EventId,
    pub event_type: String,
    pub correlation_id: Option<String>,
    /// `productOrder` or `userService`.
    pub resource_kind: String,
    pub resource_id: String,
    pub state: EventState,
    pub attempt_count: i64,
    pub next_attempt_at: Option<String>,
    pub last_error: Option<String>,
    pub last_response_status: Option<i64>,
    pub created_at: String,
    pub delivered_at: Option<String>,
    pub failed_at: Option<String>,
}

impl EventRowView {
    pub fn can_resend(&self) -> bool {
        self.state.can_resend()
    }

    pub fn can_retry_now(&self) -> bool {
        self.state.can_retry_now()
    }
}

/// A page of events, newest first, the counts by state and what the operator may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventsPage {
    pub rows: Vec<EventRowView>,
    /// `(created_at, id)` of the last row when older events exist.
    pub older: Option<(String, String)>,
    /// Every state with its number of events (zero included), in [`EventState::ALL`] order.
    pub counts: Vec<(EventState, i64)>,
    pub delivery: DeliveryStatus,
    /// Operators and administrators act on events and pause delivery; support only reads.
    pub can_act: bool,
    /// Administrators configure delivery.
    pub can_configure: bool,
    /// Why the filter could not be applied as typed (the list is then empty).
    pub filter_error: Option<String>,
}

/// One delivery attempt of an event. Headers come masked from storage; JSON bodies are
/// pretty-printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptView {
    pub attempt_no: i64,
    pub started_at: String,
    pub url: String,
    /// `delivered`, `retry` or `failed`.
    pub outcome: String,
    pub response_status: Option<i64>,
    pub latency_ms: Option<i64>,
    pub error: Option<String>,
    pub request_headers: Vec<(String, String)>,
    pub request_body: String,
    pub response_headers: Vec<(String, String)>,
    pub response_body: Option<String>,
    /// The response body's full size when it was longer than what is kept.
    pub response_body_bytes: Option<i64>,
}

/// An event in full: its payload and every attempt, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDetailView {
    pub event: EventRowView,
    /// The event as sent to Orange, pretty-printed.
    pub payload: String,
    pub request_id: Option<String>,
    pub attempts: Vec<AttemptView>,
    pub delivery: DeliveryStatus,
    pub can_act: bool,
}

/// The confirmation step of a bulk resend: how many events the filter matches now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkResendView {
    pub filter: EventFilter,
    pub count: i64,
    /// Of those, how many are being sent right now (they are left alone).
    pub delivering: i64,
    pub filter_error: Option<String>,
}

/// The delivery settings as the form shows them: never the client secret, only whether one is
/// stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliverySettingsView {
    pub product_order_url: String,
    pub user_service_url: String,
    pub token_url: String,
    pub client_id: String,
    pub secret_set: bool,
    pub scope: String,
    pub timeout_seconds: u64,
    /// Comma-separated seconds, as typed in the form.
    pub retry_delays: String,
    /// The contract's schedule, shown as the default.
    pub default_retry_delays: String,
    pub paused: bool,
    pub configured: bool,
}
