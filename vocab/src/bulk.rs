//! Bulk changes from a CSV file: what a file changes, its state, each line's status and problem.

use serde::{Deserialize, Serialize};

use crate::ResourceType;

crate::vocabulary! {
    /// What a file changes.
    "snake_case" BulkKind {
        /// Columns `licence`, `value` and, when the licence has several resources, `type`.
        Resources,
        /// Columns `licence`, `given_name`, `family_name`, `email`, and optionally `mobile_cc` and
        /// `mobile_sn`.
        EndUsers,
    }
}

crate::vocabulary! {
    /// Where an uploaded file stands.
    "snake_case" BulkFileState {
        /// Checked and shown; nothing changed yet.
        Previewed,
        Applying,
        Applied,
        Discarded,
    }
}

crate::vocabulary! {
    /// One line's status in a file.
    "snake_case" BulkLineStatus {
        Ready,
        /// Asks for what is already there.
        Unchanged,
        Invalid,
        Applied,
        /// Valid when checked, refused when applied (the licence changed in between).
        Refused,
    }
}

impl BulkKind {
    /// The columns a file of this kind must have.
    pub fn required_columns(self) -> &'static [&'static str] {
        match self {
            BulkKind::Resources => &["licence", "value"],
            BulkKind::EndUsers => &["licence", "given_name", "family_name", "email"],
        }
    }

    /// The columns a file of this kind may have.
    pub fn optional_columns(self) -> &'static [&'static str] {
        match self {
            BulkKind::Resources => &["type"],
            BulkKind::EndUsers => &["mobile_cc", "mobile_sn"],
        }
    }
}

/// Why a line is not applied (or, for `Unchanged` and `SharedSame`, why it needs nothing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum BulkProblem {
    MissingLicence,
    UnknownLicence,
    DuplicateLicence {
        line: i64,
    },
    Terminated,
    OperationInProgress,
    UnknownType,
    NoResource,
    TypeNeeded,
    InvalidValue {
        kind: ResourceType,
    },
    /// The same shared resource gets another value on an earlier line.
    SharedConflict {
        line: i64,
    },
    /// The same shared resource gets this very value on an earlier line.
    SharedSame {
        line: i64,
    },
    GivenName,
    FamilyName,
    Email,
    Mobile,
    Unchanged,
    /// A resource line with no value: skipped, so that a downloaded list can be sent back with
    /// only some values filled in.
    NoValue,
}
