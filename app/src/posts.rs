//! Where each console form posts and where the reader comes back to, named once: the page that
//! shows the form fills the address in with [`Post::to`], and the server registers its action at
//! [`Post::path`] and answers with a redirect to [`Post::page`], so that neither types an address by
//! hand and the number of parameters is checked by the compiler.

use std::fmt::{Display, Write as _};

/// A form's address, with its `N` `{parameters}`, and the page the reader comes back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Post<const N: usize> {
    path: &'static str,
    page: &'static str,
}

impl<const N: usize> Post<N> {
    /// A form posting to `path` whose answer sends the reader to `page`. The page may use the
    /// path's `{parameters}` by name: `/licences/{id}` for `/console/licences/{id}/end-user`.
    const fn new(path: &'static str, page: &'static str) -> Post<N> {
        Post { path, page }
    }

    /// The address as a route pattern: `/console/licences/{id}/end-user`.
    pub const fn path(&self) -> &'static str {
        self.path
    }

    /// The page the reader comes back to after the post, as a pattern: `/licences/{id}`.
    pub const fn page(&self) -> &'static str {
        self.page
    }

    /// The address with its parameters filled in, in order: typed ids (`&licence.id`) and words
    /// (`&"retry"`) alike, each written as its text.
    pub fn to(&self, values: [&dyn Display; N]) -> String {
        let mut values = values.into_iter();
        fill(self.path, |_, address| {
            if let Some(value) = values.next() {
                // Writing to a String cannot fail.
                let _ = write!(address, "{value}");
            }
        })
    }
}

/// `pattern` with each `{parameter}` replaced by what `write` adds for its name, in order.
pub fn fill(pattern: &str, mut write: impl FnMut(&str, &mut String)) -> String {
    let mut filled = String::with_capacity(pattern.len() + 32);
    let mut rest = pattern;
    while let (Some(open), Some(close)) = (rest.find('{'), rest.find('}')) {
        filled.push_str(&rest[..open]);
        write(&rest[open + 1..close], &mut filled);
        rest = &rest[close + 1..];
    }
    filled.push_str(rest);
    filled
}

/// The `{parameters}` a pattern names, in order.
pub fn parameters(pattern: &str) -> impl Iterator<Item = &str> {
    pattern
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
}

pub const CREATE_OPERATOR: Post<0> = Post::new("/console/operators", "/operators");
pub const DISABLE_OPERATOR: Post<1> = Post::new("/console/operators/{id}/disable", "/operators");
pub const ENABLE_OPERATOR: Post<1> = Post::new("/console/operators/{id}/enable", "/operators");
pub const CHANGE_ROLE: Post<1> = Post::new("/console/operators/{id}/role", "/operators");
pub const RESET_PASSWORD: Post<1> = Post::new("/console/operators/{id}/password", "/operators");

pub const ORANGE_SETTINGS: Post<0> = Post::new("/console/settings/orange", "/settings/orange");
pub const DELIVERY_SETTINGS: Post<0> =
    Post::new("/console/settings/delivery", "/settings/delivery");
pub const PAUSE_DELIVERY: Post<0> = Post::new("/console/delivery/pause", "/events");
pub const RESUME_DELIVERY: Post<0> = Post::new("/console/delivery/resume", "/events");
pub const STUCK_THRESHOLDS: Post<0> = Post::new("/console/settings/stuck", "/stuck");
pub const PROVISIONING_SETTINGS: Post<0> =
    Post::new("/console/settings/provisioning", "/settings/provisioning");
/// Answered with the provisioning settings page itself, showing the new signing secret once.
pub const ROTATE_WEBHOOK_SECRET: Post<0> =
    Post::new("/settings/provisioning", "/settings/provisioning");

pub const RUN_SELF_TEST: Post<0> = Post::new("/console/self-test/run", "/settings/self-test");
pub const SANDBOX_ON: Post<0> = Post::new("/console/self-test/sandbox/on", "/settings/self-test");
pub const SANDBOX_OFF: Post<0> = Post::new("/console/self-test/sandbox/off", "/settings/self-test");

/// Answered with the credentials page itself, showing the new secret once.
pub const ISSUE_CREDENTIAL: Post<0> = Post::new("/settings/credentials", "/settings/credentials");
pub const REVOKE_CREDENTIAL: Post<1> =
    Post::new("/console/credentials/{id}/revoke", "/settings/credentials");

pub const CREATE_OFFERING: Post<0> = Post::new("/console/offerings", "/offerings");
pub const IMPORT_OFFERINGS: Post<0> = Post::new("/console/offerings/import", "/offerings");
pub const UPDATE_OFFERING: Post<1> = Post::new("/console/offerings/{id}", "/offerings/{id}");
pub const RETIRE_OFFERING: Post<1> = Post::new("/console/offerings/{id}/retire", "/offerings");
pub const RESTORE_OFFERING: Post<1> = Post::new("/console/offerings/{id}/restore", "/offerings");

pub const RESEND_EVENT: Post<1> = Post::new("/console/events/{id}/resend", "/events/{id}");
pub const RETRY_EVENT: Post<1> = Post::new("/console/events/{id}/retry", "/events/{id}");
pub const RESEND_MATCHING: Post<0> = Post::new("/console/events/resend", "/events");

/// `{kind}` is `orders` or `tasks`.
pub const COMPLETE_STUCK: Post<2> = Post::new("/console/stuck/{kind}/{id}/complete", "/stuck");
pub const FAIL_STUCK: Post<2> = Post::new("/console/stuck/{kind}/{id}/fail", "/stuck");
/// `{action}` is `resend` or `retry`.
pub const STUCK_EVENT: Post<2> = Post::new("/console/stuck/events/{id}/{action}", "/stuck");

/// The activation queue's selection (`work=orders/ord_1`, repeated), approved or rejected.
pub const DECIDE_WAITING: Post<0> = Post::new("/console/activation", "/activation");
/// An order completed by hand with the product's values (`login.{licence}`,
/// `resource.{licence}.{resource}`): approved, or completed while it waits on the product.
pub const COMPLETE_WITH_VALUES: Post<1> =
    Post::new("/console/orders/{id}/complete", "/orders/{id}");

pub const SET_END_USER: Post<1> = Post::new("/console/licences/{id}/end-user", "/licences/{id}");
pub const REMOVE_END_USER: Post<1> =
    Post::new("/console/licences/{id}/end-user/remove", "/licences/{id}");
pub const REPLACE_RESOURCE: Post<2> = Post::new(
    "/console/licences/{id}/resources/{resource_id}",
    "/licences/{id}",
);
pub const RENEW_LOGIN: Post<1> = Post::new("/console/licences/{id}/login/renew", "/licences/{id}");
pub const ERASE_PERSONAL_DATA: Post<1> = Post::new(
    "/console/licences/{id}/personal-data/erase",
    "/licences/{id}",
);

pub const CHECK_BULK_FILE: Post<0> = Post::new("/console/licences/bulk", "/licences/bulk");
pub const APPLY_BULK_FILE: Post<1> =
    Post::new("/console/licences/bulk/{id}/apply", "/licences/bulk/{id}");
pub const DISCARD_BULK_FILE: Post<1> =
    Post::new("/console/licences/bulk/{id}/discard", "/licences/bulk/{id}");

pub const ADD_NOTE: Post<1> = Post::new("/console/customers/{id}/notes", "/customers/{id}");

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

    #[test]
    fn parameters_are_read_from_a_pattern() {
        let names: Vec<_> = parameters(REPLACE_RESOURCE.path()).collect();
        assert_eq!(names, ["id", "resource_id"]);
        assert_eq!(parameters("/stuck").count(), 0);
    }
}
