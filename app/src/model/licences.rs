//! What the licence pages receive: the list's filter as typed, its rows, and one licence with its
//! realizing resources and timeline.

use fleetdesk_vocab::{CustomerId, FleetId, LicenceId, OrderId, ResourceId};
use fleetdesk_vocab::{EventState, LicenceState, ResourceScope, ResourceType};
use serde::{Deserialize, Serialize};

/// The list's filter as the GET form sends it: every field as typed, empty when not set.
/// `end_user` is `with` or `without`; `resource` is `placeholder` or `real`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceFilterForm {
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub offering: String,
    #[serde(default)]
    pub customer: String,
    #[serde(default)]
    pub fleet: String,
    #[serde(default)]
    pub end_user: String,
    #[serde(default)]
    pub resource: String,
    #[serde(default)]
    pub q: String,
}

impl LicenceFilterForm {
    /// The fields that are set, as query-string pairs (for links that keep the filter).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("state", &self.state),
            ("offering", &self.offering),
            ("customer", &self.customer),
            ("fleet", &self.fleet),
            ("end_user", &self.end_user),
            ("resource", &self.resource),
            ("q", &self.q),
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

/// A licence as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceRowView {
    pub id: LicenceId,
    pub login: Option<String>,
    pub state: LicenceState,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub fleet_id: FleetId,
    pub offer_code: String,
    pub offering_name: String,
    pub end_user_name: Option<String>,
    pub end_user_email: Option<String>,
    pub has_placeholder: bool,
    pub created_at: String,
}

/// An offering the filter can choose: (offer code, name).
pub type OfferingChoice = (String, String);

/// One page of the licence list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicencesPage {
    pub rows: Vec<LicenceRowView>,
    /// The `(created_at, id)` cursor of the next, older page.
    pub older: Option<(String, String)>,
    /// How many licences the filter matches in all.
    pub total: i64,
    pub offerings: Vec<OfferingChoice>,
    /// Why the filter could not be read (nothing is listed then).
    pub filter_error: Option<String>,
}

/// A licence's end user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndUserView {
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub mobile_cc: Option<String>,
    pub mobile_sn: Option<String>,
}

/// A realizing resource of a licence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceView {
    pub id: ResourceId,
    pub scope: ResourceScope,
    pub kind: ResourceType,
    pub value: String,
    pub placeholder_since: Option<String>,
    /// How many licences it realizes.
    pub licences: i64,
    pub updated_at: String,
}

/// One line of a licence's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineView {
    pub at: String,
    /// `audit` or `event`.
    pub source: String,
    pub id: String,
    pub what: String,
    pub actor: Option<String>,
    pub state: Option<EventState>,
}

/// Everything about one licence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceDetailView {
    pub id: LicenceId,
    pub state: LicenceState,
    pub login: Option<String>,
    pub login_created_at: Option<String>,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub customer_ref: String,
    pub fleet_id: FleetId,
    pub offer_code: String,
    pub offering_name: String,
    pub end_user: Option<EndUserView>,
    pub resources: Vec<ResourceView>,
    pub pending_operation: Option<String>,
    pub pending_since: Option<String>,
    pub order_id: Option<OrderId>,
    pub created_at: String,
    pub updated_at: String,
    pub terminated_at: Option<String>,
    pub timeline: Vec<TimelineView>,
    /// The signed-in operator may change data (operators and administrators).
    pub can_act: bool,
    /// The signed-in operator is an administrator (personal data export and erasure).
    pub is_admin: bool,
}

impl LicenceDetailView {
    /// The partner may change the licence now: not terminated, no operation in progress.
    pub fn changeable(&self) -> bool {
        self.state != LicenceState::Terminated && self.pending_operation.is_none()
    }
}
