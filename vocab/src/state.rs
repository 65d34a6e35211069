//! The states of licences, of Orange's orders and tasks, and of outgoing events.

use serde::{Deserialize, Serialize};

crate::vocabulary! {
    /// A licence's state (contract section 5).
    "lowercase" LicenceState { Pending, Active, Suspended, Terminated }
}

crate::vocabulary! {
    /// The state of one of Orange's product orders or tasks (contract sections 4 and 5);
    /// `partial` is for tasks only.
    "camelCase" WorkState { Acknowledged, InProgress, Completed, Failed, Partial }
}

crate::vocabulary! {
    /// An outgoing event's state, in the order an event goes through them.
    "lowercase" EventState {
        /// Waiting for its first or next attempt.
        Pending,
        /// Held by a delivery worker.
        Delivering,
        Delivered,
        /// Given up after the last retry, or refused for good.
        Failed,
        /// Never sent: a webhook to the partner's product made moot by an operator's decision.
        Cancelled,
    }
}

crate::vocabulary! {
    /// The state of a run of the console's self-test.
    "lowercase" SelfTestState {
        Running,
        Passed,
        Failed,
        /// Its server stopped before it ended.
        Interrupted,
    }
}

/// One step of a self-test run, as the console shows it: what it did, its outcome, the request and
/// the answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SelfTestStep {
    pub name: String,
    /// The contract section it exercises.
    pub section: String,
    pub passed: bool,
    pub duration_ms: u64,
    /// The rule broken, what the contract requires, and what came instead (failures only).
    pub rule: String,
    pub requirement: String,
    pub found: String,
    /// `POST /orange/v2/productOrder` and the body sent, when the step sent a request.
    pub request: String,
    /// The status, the headers the contract speaks of and the body, when an answer came.
    pub answer: String,
}

impl WorkState {
    /// Still waiting for its result.
    pub fn is_open(self) -> bool {
        matches!(self, WorkState::Acknowledged | WorkState::InProgress)
    }
}

impl EventState {
    /// An operator may resend it: every state but `delivering` (a worker holds the event).
    pub fn can_resend(self) -> bool {
        self != EventState::Delivering
    }

    /// An operator may ask for its next attempt now: waiting for a retry, or given up.
    pub fn can_retry_now(self) -> bool {
        matches!(self, EventState::Pending | EventState::Failed)
    }
}

/// Orange's work: an order or a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Work {
    Order,
    Task,
}

impl Work {
    /// The work a console address names (`orders`, `tasks`).
    pub fn parse(path_word: &str) -> Option<Work> {
        match path_word {
            "orders" => Some(Work::Order),
            "tasks" => Some(Work::Task),
            _ => None,
        }
    }

    /// Its word in console addresses (`orders`, `tasks`).
    pub fn path_word(self) -> &'static str {
        match self {
            Work::Order => "orders",
            Work::Task => "tasks",
        }
    }

    /// Its object type in the audit log (`order`, `task`).
    pub fn object_type(self) -> &'static str {
        match self {
            Work::Order => "order",
            Work::Task => "task",
        }
    }
}

/// Work waiting too long, with its state: an order or task acknowledged or in progress, or an
/// event not delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "state", rename_all = "lowercase")]
pub enum Stuck {
    Order(WorkState),
    Task(WorkState),
    Event(EventState),
}

impl Stuck {
    /// `order`, `task` or `event`.
    pub fn kind(self) -> &'static str {
        match self {
            Stuck::Order(_) => "order",
            Stuck::Task(_) => "task",
            Stuck::Event(_) => "event",
        }
    }
}
