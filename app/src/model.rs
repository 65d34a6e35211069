//! What the server sends the console's pages: plain serialisable types, shared by both builds.

use serde::{Deserialize, Serialize};

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
    pub id: String,
    pub login: String,
    pub display_name: String,
    /// `admin`, `operator` or `support`.
    pub role: String,
    pub active: bool,
    pub last_login_at: Option<String>,
    pub created_at: String,
}

impl OperatorView {
    pub fn is_admin(&self) -> bool {
        self.role == "admin"
    }

    pub fn can_change_data(&self) -> bool {
        matches!(self.role.as_str(), "admin" | "operator")
    }
}

/// What every console page needs: who is signed in and any message left for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleContext {
    pub operator: OperatorView,
    pub flash: Option<Flash>,
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
    pub recent_activity: Vec<ActivityItem>,
}

/// The Orange API's settings as the settings form shows them. Codes only (`sync`, `perOrder`…):
/// the page words them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiSettingsView {
    /// One entry per operation, in the contract's order.
    pub modes: Vec<OperationMode>,
    /// `perCustomer`, `perOrder` or `perOffering`.
    pub fleet_policy: String,
    pub exchange_retention_days: u32,
}

/// How one operation is answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationMode {
    /// `customer_creation`, `licence_order`, `state_change`, `deletion` or `offering_change`.
    pub operation: String,
    /// `sync` or `async`.
    pub mode: String,
}

/// An Orange API credential as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialView {
    pub id: String,
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

/// An offering of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferingView {
    pub id: String,
    pub offer_code: String,
    pub name: String,
    /// `none`, `msisdn`, `imei`, `email` or `url`.
    pub resource_type: String,
    /// `per_licence` or `per_customer`.
    pub resource_scope: String,
    pub login_format: String,
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
    pub id: String,
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
    pub id: String,
    pub at: String,
    pub method: String,
    pub path: String,
    pub status: i64,
    pub credential_id: Option<String>,
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
