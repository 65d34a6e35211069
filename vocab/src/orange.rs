//! The Orange API's settings and the outgoing messages' destinations and types.

crate::vocabulary! {
    /// How an operation is answered.
    #[derive(Default)]
    "lowercase" Mode {
        /// The business result is in the response; no event is sent.
        #[default]
        Sync,
        /// The response says `acknowledged`; the result follows as an event.
        Async,
    }
}

crate::vocabulary! {
    /// The operations whose mode is a setting.
    "snake_case" Operation { CustomerCreation, LicenceOrder, StateChange, Deletion, OfferingChange }
}

crate::vocabulary! {
    /// How orders are put into fleets (productRefIds).
    #[derive(Default)]
    "camelCase" FleetPolicy {
        /// One fleet per customer.
        #[default]
        PerCustomer,
        /// Each order opens a new fleet unless it names an existing fleet of the customer.
        PerOrder,
        /// One fleet per customer and offer code.
        PerOffering,
    }
}

crate::vocabulary! {
    /// How an offering's orders and tasks become real in the partner's own product (stored in
    /// `offerings.provisioning_mode`, the CSV column `provisioning`).
    #[derive(Default)]
    "snake_case" lenient Provisioning {
        /// Fleetdesk alone is the truth: work completes at once (sync) or right after it is
        /// acknowledged (async).
        #[default]
        None,
        /// An operator approves or rejects each order or task in the activation queue; only then
        /// does it complete and the event go to Orange. Needs asynchronous operations.
        Manual,
        /// A signed webhook tells the partner's product of each operation; its 2xx answer means
        /// done, or, with the webhook settings' "await callback", the product calls back later
        /// with the result.
        Webhook,
    }
}

crate::vocabulary! {
    /// Where an outgoing message goes.
    "snake_case" Target { OrangeProductOrder, OrangeUserService, ProvisioningWebhook }
}

crate::vocabulary! {
    /// The Orange event types (contract section 6), in the contract's order: each name is the
    /// variant's in camelCase with `Event` after it.
    "camelCase" OrangeEventType {
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
}
