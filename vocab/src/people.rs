//! Who acts: operators' roles, the kinds of actor in the audit log, the kinds of API credential.

use serde::{Deserialize, Serialize};
use strum::{EnumCount, EnumString, IntoStaticStr, VariantArray};

/// What an operator may do. Checked on the server for every console action.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    EnumString,
    IntoStaticStr,
    EnumCount,
    VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase", ascii_case_insensitive)]
pub enum Role {
    /// Day-to-day work on customers, licences, orders and events.
    Operator,
    /// Read-only, plus notes.
    Support,
    /// Everything, including settings, credentials and other operators.
    Admin,
}

impl Role {
    /// May change customers, licences, orders and events.
    pub fn can_change_data(self) -> bool {
        matches!(self, Role::Admin | Role::Operator)
    }

    /// May manage settings, credentials and operators.
    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }
}

/// Who acted, in the audit log.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    EnumString,
    IntoStaticStr,
    EnumCount,
    VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum ActorKind {
    Operator,
    Orange,
    System,
    Cli,
    Anonymous,
}

/// Who an API credential is for.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    EnumString,
    IntoStaticStr,
    EnumCount,
    VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum CredentialKind {
    /// Orange's systems, on `/orange/v2`.
    Orange,
    /// The partner's product, on `/provisioning/v1`.
    Provisioning,
}

crate::words!(lenient Role);
crate::words!(ActorKind, CredentialKind);
