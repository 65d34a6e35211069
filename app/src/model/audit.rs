//! The audit log as the `/audit` page shows it: the filter as typed, and each entry with what it
//! changed.

use fleetdesk_vocab::ActorKind;
use fleetdesk_vocab::AuditId;
use serde::{Deserialize, Serialize};

/// Which entries, as the filter form sends them: every field as typed, empty when not set. Dates are
/// `YYYY-MM-DD` (UTC), both ends included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// An operator's username or id, a credential id, or a kind of actor (`orange`, `cli`…).
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub object_type: String,
    #[serde(default)]
    pub object_id: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

impl AuditFilter {
    /// The fields that are set, as query-string pairs (for links that keep the filter).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("actor", &self.actor),
            ("action", &self.action),
            ("object_type", &self.object_type),
            ("object_id", &self.object_id),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .into_iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(name, value)| (name, value.trim().to_owned()))
        .collect()
    }
}

/// One value that differs between an entry's before and after. Values are compact JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditChangeView {
    /// `role`, `modes.sync`, `delays[2]`; empty for the whole value.
    pub path: String,
    /// `changed`, `added` or `removed`.
    pub kind: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntryView {
    pub id: AuditId,
    pub at: String,
    pub actor_kind: ActorKind,
    pub actor_id: Option<String>,
    pub actor_label: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub request_id: Option<String>,
    pub changes: Vec<AuditChangeView>,
}

/// A page of entries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntryView>,
    /// `(at, id)` of the last entry when older ones exist.
    pub older: Option<(String, String)>,
    /// Why the filter could not be applied as typed (the list is then empty).
    pub filter_error: Option<String>,
}
