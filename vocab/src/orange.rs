//! The Orange API's settings and the outgoing messages' destinations and types.

use serde::{Deserialize, Serialize};
use strum::{EnumCount, EnumString, IntoStaticStr, VariantArray};

/// How an operation is answered.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    EnumString,
    IntoStaticStr,
    EnumCount,
    VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Mode {
    /// The business result is in the response; no event is sent.
    #[default]
    Sync,
    /// The response says `acknowledged`; the result follows as an event.
    Async,
}

/// The operations whose mode is a setting.
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
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Operation {
    CustomerCreation,
    LicenceOrder,
    StateChange,
    Deletion,
    OfferingChange,
}

/// How orders are put into fleets (productRefIds).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    EnumString,
    IntoStaticStr,
    EnumCount,
    VariantArray,
)]
#[serde(rename_all = "camelCase")]
#[strum(serialize_all = "camelCase")]
pub enum FleetPolicy {
    /// One fleet per customer.
    #[default]
    PerCustomer,
    /// Each order opens a new fleet unless it names an existing fleet of the customer.
    PerOrder,
    /// One fleet per customer and offer code.
    PerOffering,
}

/// Where an outgoing message goes.
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
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Target {
    OrangeProductOrder,
    OrangeUserService,
    ProvisioningWebhook,
}

/// The Orange event types (contract section 6), in the contract's order.
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
pub enum OrangeEventType {
    #[serde(rename = "productOrderStateChangeEvent")]
    #[strum(serialize = "productOrderStateChangeEvent")]
    ProductOrderStateChange,
    #[serde(rename = "userServiceStateChangeEvent")]
    #[strum(serialize = "userServiceStateChangeEvent")]
    UserServiceStateChange,
    #[serde(rename = "userServiceAttributeValueChangeEvent")]
    #[strum(serialize = "userServiceAttributeValueChangeEvent")]
    UserServiceAttributeValueChange,
}

crate::words!(Mode, Operation, FleetPolicy, Target, OrangeEventType);
