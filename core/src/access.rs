//! Who may do what: the one place the console's role rules live. Every console action names the
//! permission it needs (a marker type below); the server's extractor checks it against the acting
//! operator's role before the action runs, and refuses in the reader's language.

use fleetdesk_vocab::Text;

use crate::operators::Role;

/// What an action needs of the acting operator's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Change customers' licences, orders, events and delivery: operators and administrators.
    ChangeData,
    /// Unblock stuck orders, tasks and events, and write notes on customers: every role, support
    /// staff included (that is their job).
    Support,
    /// Settings, credentials, the offering catalogue, operators and personal data: administrators.
    Administer,
}

impl Permission {
    pub fn allows(self, role: Role) -> bool {
        match self {
            Permission::ChangeData => role.can_change_data(),
            Permission::Support => true,
            Permission::Administer => role.is_admin(),
        }
    }

    /// Why a role without this permission is refused, from the catalogue.
    pub fn refusal(self) -> Text {
        match self {
            Permission::ChangeData => Text::RefusalChangeData,
            // Every role has it; the words are there should that ever change.
            Permission::Support => Text::RefusalNotAllowed,
            Permission::Administer => Text::RefusalAdminOnly,
        }
    }
}

/// A permission as a type, for the server's extractor: `Console<ChangeData>`.
pub trait Needs: Send + Sync + 'static {
    const PERMISSION: Permission;
}

/// Operators and administrators.
#[derive(Debug)]
pub enum ChangeData {}
/// Every signed-in role.
#[derive(Debug)]
pub enum Support {}
/// Administrators.
#[derive(Debug)]
pub enum Administer {}

impl Needs for ChangeData {
    const PERMISSION: Permission = Permission::ChangeData;
}
impl Needs for Support {
    const PERMISSION: Permission = Permission::Support;
}
impl Needs for Administer {
    const PERMISSION: Permission = Permission::Administer;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_permission_allows_exactly_its_roles() {
        let allowed = |permission: Permission| {
            Role::ALL
                .into_iter()
                .filter(|role| permission.allows(*role))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            allowed(Permission::ChangeData),
            [Role::Operator, Role::Admin]
        );
        assert_eq!(
            allowed(Permission::Support),
            [Role::Operator, Role::Support, Role::Admin]
        );
        assert_eq!(allowed(Permission::Administer), [Role::Admin]);
    }
}
