//! What the browsing pages receive: customers, fleets, orders and tasks. Codes (states, policies)
//! come as stored; the pages word them. JSON bodies come pretty-printed.

use fleetdesk_vocab::{CustomerId, FleetId, LicenceId, OrderId, ProvisioningTaskId, TaskId};
use fleetdesk_vocab::{LicenceState, Mode, ResourceId, ResourceType, WorkState};
use serde::{Deserialize, Serialize};

use super::{ActivityItem, EventRowView};

/// The customers list's filter, as the address carries it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerQuery {
    /// Name start, customer id, Orange reference or legal id.
    pub q: String,
    /// `name` (default) or `newest`.
    pub sort: String,
}

impl CustomerQuery {
    /// The filter's set fields, for addresses.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if !self.q.trim().is_empty() {
            pairs.push(("q", self.q.trim().to_owned()));
        }
        if !self.sort.is_empty() && self.sort != "name" {
            pairs.push(("sort", self.sort.clone()));
        }
        pairs
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRowView {
    pub id: CustomerId,
    pub external_reference: String,
    pub name: String,
    pub legal_id: Option<String>,
    pub city: Option<String>,
    pub created_at: String,
    pub fleets: i64,
    pub licences: i64,
}

/// A page of customers and the cursors of its neighbours (`(sort key, id)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomersPage {
    pub rows: Vec<CustomerRowView>,
    pub next: Option<(String, String)>,
    pub previous: Option<(String, String)>,
    /// Why the filter could not be used (an unknown sort), in words.
    pub filter_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactView {
    pub role: Option<String>,
    pub name: String,
    pub email: Option<String>,
    pub fixed: Option<String>,
    pub mobile: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetSummaryView {
    pub id: FleetId,
    pub policy: String,
    pub offering_name: Option<String>,
    pub created_at: String,
    pub by_state: Vec<(LicenceState, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteView {
    pub author: String,
    pub body: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetailView {
    pub id: CustomerId,
    pub external_reference: String,
    pub name: String,
    pub legal_id: Option<String>,
    /// Street, postcode and city, country: the lines that are set.
    pub address: Vec<String>,
    pub login_stem: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub contacts: Vec<ContactView>,
    pub fleets: Vec<FleetSummaryView>,
    pub orders: Vec<OrderRowView>,
    pub notes: Vec<NoteView>,
    pub timeline: Vec<ActivityItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetLicenceView {
    pub id: LicenceId,
    pub state: LicenceState,
    pub login: Option<String>,
    pub offer_code: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetDetailView {
    pub id: FleetId,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub policy: String,
    /// `(offer code, name)` of a per-offering fleet.
    pub offering: Option<(String, String)>,
    pub created_by_order_id: Option<OrderId>,
    pub created_at: String,
    pub by_state: Vec<(LicenceState, i64)>,
    pub by_offering: Vec<(String, String, i64)>,
    pub total: i64,
    pub licences: Vec<FleetLicenceView>,
    /// `(created_at, id)` of the last licence when older ones exist.
    pub older: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRowView {
    pub id: OrderId,
    pub external_reference: String,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub mode: Mode,
    pub state: WorkState,
    pub created_at: String,
    pub completed_at: Option<String>,
}

/// A page of orders (or tasks), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrdersPage {
    pub rows: Vec<OrderRowView>,
    pub older: Option<(String, String)>,
    pub filter_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRowView {
    pub id: TaskId,
    pub external_reference: Option<String>,
    pub origin: String,
    pub action: String,
    /// The target state or offer code, when the action has one.
    pub target: Option<String>,
    pub mode: Mode,
    pub state: WorkState,
    pub created_at: String,
    pub completed_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TasksPage {
    pub rows: Vec<TaskRowView>,
    pub older: Option<(String, String)>,
    pub filter_error: Option<String>,
}

/// What Orange sent and what Fleetdesk answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawExchangeView {
    /// The recorded exchange's id and time, while it is kept.
    pub exchange: Option<(String, String)>,
    pub request: String,
    pub response_status: Option<i64>,
    pub response: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceLinkView {
    pub id: LicenceId,
    pub state: LicenceState,
    pub login: Option<String>,
    pub offer_code: String,
    pub fleet_id: FleetId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderItemView {
    pub position: i64,
    pub orange_item_id: Option<String>,
    pub action: String,
    pub offer_code: String,
    pub offering_name: String,
    pub quantity: i64,
    pub fleet_id: Option<FleetId>,
    pub state: WorkState,
    pub failure: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetailView {
    pub order: OrderRowView,
    pub category: Option<String>,
    pub order_date: Option<String>,
    pub requested_start_date: Option<String>,
    pub failure: Option<String>,
    pub request_id: Option<String>,
    pub items: Vec<OrderItemView>,
    pub licences: Vec<LicenceLinkView>,
    pub raw: RawExchangeView,
    pub timeline: Vec<ActivityItem>,
    pub events: Vec<EventRowView>,
    /// What the partner's product was asked to do for it, oldest first.
    pub provisioning: Vec<ProvisioningTaskView>,
    /// The form for completing it by hand with the product's values, when the reader may now.
    pub by_hand: Option<ByHandView>,
}

/// Completing an order by hand with the logins and realizing resource values the partner's
/// product made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByHandView {
    /// Approving (the order waits for approval), or completing it (it waits on the product).
    pub approve: bool,
    pub licences: Vec<FillableLicenceView>,
    /// More licences wait than the form shows (it shows this many).
    pub more_than: Option<i64>,
}

/// A licence still waiting, with what the form may fill in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FillableLicenceView {
    pub id: LicenceId,
    pub offer_code: String,
    pub login: Option<String>,
    pub resources: Vec<FillableResourceView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FillableResourceView {
    pub id: ResourceId,
    pub kind: ResourceType,
    pub value: String,
    pub placeholder: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskItemView {
    pub position: i64,
    pub user_service_id: LicenceId,
    pub licence_id: Option<LicenceId>,
    pub result: Option<String>,
    pub error: Option<String>,
    pub completed_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskDetailView {
    pub task: TaskRowView,
    pub request_id: Option<String>,
    pub items: Vec<TaskItemView>,
    pub item_count: i64,
    pub raw: RawExchangeView,
    pub timeline: Vec<ActivityItem>,
    pub events: Vec<EventRowView>,
    /// What the partner's product was asked to do for it, oldest first.
    pub provisioning: Vec<ProvisioningTaskView>,
}

/// Where a provisioning task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProvisioningTaskState {
    Pending,
    Completed,
    Failed,
}

/// One operation the partner's product carries out for an order or task (the webhook's task).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisioningTaskView {
    pub id: ProvisioningTaskId,
    /// The webhook's type: `licence.created`…
    pub kind: String,
    pub state: ProvisioningTaskState,
    pub licence_id: Option<LicenceId>,
    /// `CODE: message`, when it failed.
    pub failure: Option<String>,
    /// Resolved by an operator rather than by the product.
    pub resolved_by_operator: bool,
    pub created_at: String,
    pub resolved_at: Option<String>,
}
