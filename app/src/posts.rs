//! Where each console form posts, named once: the page that shows the form fills the address in
//! with [`Post::to`], and the server's action for it registers [`Post::path`], so that neither
//! types the address by hand and the number of parameters is checked by the compiler.

use std::fmt::{Display, Write as _};

/// A form's address, with its `N` `{parameters}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Post<const N: usize>(&'static str);

impl<const N: usize> Post<N> {
    /// The address as a route pattern: `/console/licences/{id}/end-user`.
    pub const fn path(&self) -> &'static str {
        self.0
    }

    /// The address with its parameters filled in, in order: typed ids (`&licence.id`) and words
    /// (`&"retry"`) alike, each written as its text.
    pub fn to(&self, values: [&dyn Display; N]) -> String {
        let mut address = String::with_capacity(self.0.len() + 32);
        let mut rest = self.0;
        for value in values {
            let (Some(open), Some(close)) = (rest.find('{'), rest.find('}')) else {
                break;
            };
            address.push_str(&rest[..open]);
            // Writing to a String cannot fail.
            let _ = write!(address, "{value}");
            rest = &rest[close + 1..];
        }
        address.push_str(rest);
        address
    }
}

pub const CREATE_OPERATOR: Post<0> = Post("/console/operators");
pub const DISABLE_OPERATOR: Post<1> = Post("/console/operators/{id}/disable");
pub const ENABLE_OPERATOR: Post<1> = Post("/console/operators/{id}/enable");
pub const CHANGE_ROLE: Post<1> = Post("/console/operators/{id}/role");
pub const RESET_PASSWORD: Post<1> = Post("/console/operators/{id}/password");

pub const ORANGE_SETTINGS: Post<0> = Post("/console/settings/orange");
pub const DELIVERY_SETTINGS: Post<0> = Post("/console/settings/delivery");
pub const PAUSE_DELIVERY: Post<0> = Post("/console/delivery/pause");
pub const RESUME_DELIVERY: Post<0> = Post("/console/delivery/resume");
pub const STUCK_THRESHOLDS: Post<0> = Post("/console/settings/stuck");
pub const PROVISIONING_SETTINGS: Post<0> = Post("/console/settings/provisioning");
/// Answered with the provisioning settings page itself, showing the new signing secret once.
pub const ROTATE_WEBHOOK_SECRET: Post<0> = Post("/settings/provisioning");

pub const RUN_SELF_TEST: Post<0> = Post("/console/self-test/run");
pub const SANDBOX_ON: Post<0> = Post("/console/self-test/sandbox/on");
pub const SANDBOX_OFF: Post<0> = Post("/console/self-test/sandbox/off");

/// Answered with the credentials page itself, showing the new secret once.
pub const ISSUE_CREDENTIAL: Post<0> = Post("/settings/credentials");
pub const REVOKE_CREDENTIAL: Post<1> = Post("/console/credentials/{id}/revoke");

pub const CREATE_OFFERING: Post<0> = Post("/console/offerings");
pub const IMPORT_OFFERINGS: Post<0> = Post("/console/offerings/import");
pub const UPDATE_OFFERING: Post<1> = Post("/console/offerings/{id}");
pub const RETIRE_OFFERING: Post<1> = Post("/console/offerings/{id}/retire");
pub const RESTORE_OFFERING: Post<1> = Post("/console/offerings/{id}/restore");

pub const RESEND_EVENT: Post<1> = Post("/console/events/{id}/resend");
pub const RETRY_EVENT: Post<1> = Post("/console/events/{id}/retry");
pub const RESEND_MATCHING: Post<0> = Post("/console/events/resend");

/// `{kind}` is `orders` or `tasks`.
pub const COMPLETE_STUCK: Post<2> = Post("/console/stuck/{kind}/{id}/complete");
pub const FAIL_STUCK: Post<2> = Post("/console/stuck/{kind}/{id}/fail");
/// `{action}` is `resend` or `retry`.
pub const STUCK_EVENT: Post<2> = Post("/console/stuck/events/{id}/{action}");

/// The activation queue's selection (`work=orders/ord_1`, repeated), approved or rejected.
pub const DECIDE_WAITING: Post<0> = Post("/console/activation");
/// An order completed by hand with the product's values (`login.{licence}`,
/// `resource.{licence}.{resource}`): approved, or completed while it waits on the product.
pub const COMPLETE_WITH_VALUES: Post<1> = Post("/console/orders/{id}/complete");

pub const SET_END_USER: Post<1> = Post("/console/licences/{id}/end-user");
pub const REMOVE_END_USER: Post<1> = Post("/console/licences/{id}/end-user/remove");
pub const REPLACE_RESOURCE: Post<2> = Post("/console/licences/{id}/resources/{resource_id}");
pub const RENEW_LOGIN: Post<1> = Post("/console/licences/{id}/login/renew");
pub const ERASE_PERSONAL_DATA: Post<1> = Post("/console/licences/{id}/personal-data/erase");

pub const CHECK_BULK_FILE: Post<0> = Post("/console/licences/bulk");
pub const APPLY_BULK_FILE: Post<1> = Post("/console/licences/bulk/{id}/apply");
pub const DISCARD_BULK_FILE: Post<1> = Post("/console/licences/bulk/{id}/discard");

pub const ADD_NOTE: Post<1> = Post("/console/customers/{id}/notes");

#[cfg(test)]
mod tests {
    use fleetdesk_vocab::{LicenceId, OrderId, ResourceId};

    use super::*;

    #[test]
    fn addresses_are_filled_in_order() {
        assert_eq!(CREATE_OPERATOR.to([]), "/console/operators");
        assert_eq!(
            SET_END_USER.to([&LicenceId::from("lic_1")]),
            "/console/licences/lic_1/end-user"
        );
        assert_eq!(
            REPLACE_RESOURCE.to([&LicenceId::from("lic_1"), &ResourceId::from("res_2")]),
            "/console/licences/lic_1/resources/res_2"
        );
        assert_eq!(
            FAIL_STUCK.to([&"orders", &OrderId::from("ord_3")]),
            "/console/stuck/orders/ord_3/fail"
        );
    }
}
