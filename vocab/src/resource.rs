//! Realizing resources: which kind a licence carries, and whether it is shared.

use serde::{Deserialize, Serialize};
use strum::{EnumCount, EnumString, IntoStaticStr, VariantArray};

/// Which realizing resource an offering's licences carry.
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
pub enum ResourceType {
    None,
    Msisdn,
    Imei,
    Email,
    Url,
}

/// Whether each licence has its own resource or a customer's licences share one.
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
#[strum(ascii_case_insensitive)]
pub enum ResourceScope {
    #[strum(
        to_string = "per_licence",
        serialize = "per-licence",
        serialize = "per_license",
        serialize = "per-license",
        serialize = "licence"
    )]
    PerLicence,
    #[strum(
        to_string = "per_customer",
        serialize = "per-customer",
        serialize = "customer"
    )]
    PerCustomer,
}

crate::words!(lenient ResourceType, ResourceScope);
