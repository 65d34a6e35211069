//! What the dashboard, the global search and the stuck-work page show.

use fleetdesk_vocab::CustomerId;
use fleetdesk_vocab::{ErrorCode, EventState, LicenceState, Stuck, Work, WorkState};
use serde::{Deserialize, Serialize};

/// The dashboard's numbers (the overview page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardView {
    pub customers: i64,
    pub fleets: i64,
    /// `(state, n)` for each licence state, every state listed.
    pub licences: Vec<(LicenceState, i64)>,
    pub placeholders: i64,
    pub orders: Vec<(WorkState, i64)>,
    pub tasks: Vec<(WorkState, i64)>,
    pub events: Vec<(EventState, i64)>,
    pub stuck: i64,
    /// Share of the last day's delivery attempts Orange accepted, in percent, and how many.
    pub success_rate: Option<u32>,
    pub attempts_last_day: i64,
    /// `(when, every how many seconds)` when these are counts taken in the background (a large
    /// installation), not on this visit.
    pub counted_in_background: Option<(String, u64)>,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHitView {
    pub kind: String,
    pub id: String,
    pub label: String,
    pub matched: String,
    pub href: String,
}

/// Stuck orders, tasks and events (every role may unblock them; administrators set thresholds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StuckPage {
    pub items: Vec<StuckItemView>,
    pub thresholds: ThresholdsView,
    pub can_configure: bool,
    /// The contract's error codes an order or task may be failed with.
    pub failure_codes: Vec<ErrorCode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StuckItemView {
    pub what: Stuck,
    pub id: String,
    pub label: Option<String>,
    pub since: String,
    pub reason: Option<String>,
    /// It waits for an operator's approval (manual provisioning).
    pub awaits_approval: bool,
}

/// After how many minutes waiting work counts as stuck.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThresholdsView {
    pub order_minutes: u32,
    pub task_minutes: u32,
    pub event_minutes: u32,
}

/// The activation queue: orders and tasks of offerings with manual provisioning, waiting for an
/// operator to approve or reject them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationPage {
    pub rows: Vec<WaitingView>,
    /// The offer codes with manual provisioning, for the filter.
    pub offer_codes: Vec<String>,
    /// The filter as shown: an offer code, a customer id, a number of minutes (empty for all).
    pub offer_code: String,
    pub customer_id: String,
    pub older_than: String,
    /// The contract's error codes a rejection may carry.
    pub failure_codes: Vec<ErrorCode>,
    /// Whether the reader may decide (operators and administrators; support acts on stuck work).
    pub can_decide: bool,
}

/// One order or task waiting for approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingView {
    pub work: Work,
    pub id: String,
    pub reference: Option<String>,
    /// What Orange asked: `add` for an order, else the task's action.
    pub action: String,
    pub customer_id: Option<CustomerId>,
    pub customer_name: Option<String>,
    pub offer_codes: String,
    pub licences: i64,
    pub since: String,
}
