//! What the server sends the console's pages: plain serialisable types, shared by both builds.

use serde::{Deserialize, Serialize};

/// A one-time message shown at the top of the next page after an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub kind: FlashKind,
    pub text: String,
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
