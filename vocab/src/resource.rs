//! Realizing resources: which kind a licence carries, and whether it is shared.

crate::vocabulary! {
    /// Which realizing resource an offering's licences carry.
    #[strum(ascii_case_insensitive)]
    "lowercase" lenient ResourceType { None, Msisdn, Imei, Email, Url }
}

crate::vocabulary! {
    /// Whether each licence has its own resource or a customer's licences share one.
    #[strum(ascii_case_insensitive)]
    "snake_case" lenient ResourceScope {
        #[strum(
            to_string = "per_licence",
            serialize = "per-licence",
            serialize = "per_license",
            serialize = "per-license",
            serialize = "licence"
        )]
        PerLicence,
        #[strum(to_string = "per_customer", serialize = "per-customer", serialize = "customer")]
        PerCustomer,
    }
}
