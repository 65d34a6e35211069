//! The self-test page: the sandbox, the last run of the simulator against this installation, and
//! the events the sandbox's sink received.

use fleetdesk_vocab::{Mode, SelfTestState, SelfTestStep};
use serde::{Deserialize, Serialize};

/// Everything the self-test page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfTestView {
    pub sandbox: SandboxView,
    /// The mode every operation has, `None` when they differ (the self-test needs one).
    pub mode: Option<Mode>,
    /// The two offerings the run orders (fewer than two: the self-test cannot run).
    pub offers: Vec<String>,
    pub run: Option<RunView>,
    /// The newest deliveries the sandbox's sink received on this instance, newest first.
    pub received: Vec<SandboxDelivery>,
    /// How many it received on this instance since it started.
    pub received_total: u64,
}

/// Whether delivery goes to the built-in sink.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxView {
    pub on: bool,
    /// When and by whom it was switched on.
    pub since: String,
    pub by: String,
    /// Where the sink is served (the delivery settings point there while it is on).
    pub sink_url: String,
}

/// A run of the self-test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunView {
    pub state: SelfTestState,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub started_by: String,
    /// `sync` or `async`.
    pub mode: String,
    pub target: String,
    pub passed: usize,
    pub failed: usize,
    pub steps: Vec<SelfTestStep>,
    /// Why the run stopped before its steps, or what went wrong after (in English).
    pub problem: Option<String>,
}

/// One delivery the sandbox's sink received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxDelivery {
    pub received_at: String,
    pub event_type: String,
    pub resource_id: String,
    pub state: String,
    pub event_id: String,
    pub attempt: u32,
    /// The HTTP status the sink answered.
    pub status: u16,
}

/// The sandbox's sink, given to the page's server function by the server, which holds it: where
/// it is served, and the deliveries it received (the newest `n`, newest first, and the total).
#[cfg(feature = "ssr")]
#[derive(Clone)]
pub struct SandboxSink {
    pub url: String,
    #[allow(clippy::type_complexity)]
    pub deliveries: std::sync::Arc<dyn Fn(usize) -> (Vec<SandboxDelivery>, u64) + Send + Sync>,
}
