//! Who acts: operators' roles, the kinds of actor in the audit log, the kinds of API credential.

crate::vocabulary! {
    /// What an operator may do (the rules per action: `fleetdesk_core::access`).
    #[strum(ascii_case_insensitive)]
    "lowercase" lenient Role {
        /// Day-to-day work on customers, licences, orders and events.
        Operator,
        /// Read-only, plus notes and unblocking stuck work.
        Support,
        /// Everything, including settings, credentials and other operators.
        Admin,
    }
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

crate::vocabulary! {
    /// Who acted, in the audit log.
    "lowercase" ActorKind { Operator, Orange, System, Cli, Anonymous }
}

crate::vocabulary! {
    /// Who an API credential is for.
    "lowercase" CredentialKind {
        /// Orange's systems, on `/orange/v2`.
        Orange,
        /// The partner's product, on `/provisioning/v1`.
        Provisioning,
    }
}
