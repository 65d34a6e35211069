//! Typed ids: one newtype per thing Fleetdesk names with a readable prefixed id (`cus_…`, `lic_…`,
//! `ord_…`), so that a licence id cannot be handed where a customer id is wanted.
//!
//! Each is a `String` underneath and reads and writes as that string everywhere: JSON (serde
//! transparent, so Orange's JSON and the console's are unchanged), the database (with the `sqlx`
//! feature, transparent `TEXT` on every driver, so no migration), addresses and logs (`Display`).
//!
//! Wrapping is infallible: `From<String>`, `From<&str>` and `FromStr` (its error is
//! [`Infallible`]) take a string read from an address, a form or a row as it is, without checking
//! the prefix. An id that names nothing is answered "not found" by the lookup, as before; refusing
//! it earlier would change what the console and Orange see. New ids are made by the server
//! (`fleetdesk_core::ids::new_id`), which alone knows the clock and the random source.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

/// An id type: its prefix, and the way from and to its string.
pub trait Id: From<String> + AsRef<str> + fmt::Display + Clone + Eq + Ord + 'static {
    /// What ids of this type start with, before the `_`.
    const PREFIX: &'static str;
}

/// Defines the id newtypes: derives, text conversions, comparisons with strings (for tests and
/// lookups), the `PREFIX` const and, with the `sqlx` feature, transparent database encoding.
macro_rules! ids {
    ($($(#[$meta:meta])* $name:ident = $prefix:literal;)+) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive(::serde::Serialize, ::serde::Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "sqlx", derive(::sqlx::Type), sqlx(transparent))]
        pub struct $name(String);

        impl $name {
            /// What ids of this type start with, before the `_`.
            pub const PREFIX: &'static str = $prefix;

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id's text, without copying it.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl Id for $name {
            const PREFIX: &'static str = $prefix;
        }

        impl From<String> for $name {
            fn from(text: String) -> $name {
                $name(text)
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> $name {
                $name(text.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl FromStr for $name {
            type Err = Infallible;

            fn from_str(text: &str) -> Result<$name, Infallible> {
                Ok($name::from(text))
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    )+};
}

ids! {
    /// A customer (`cus_`).
    CustomerId = "cus";
    /// A customer's contact person (`ctc_`).
    ContactId = "ctc";
    /// A note on a customer (`note_`).
    NoteId = "note";
    /// A licence fleet (`flt_`): Orange's productRefId.
    FleetId = "flt";
    /// A licence (`lic_`): Orange's userService id.
    LicenceId = "lic";
    /// A realizing resource of a licence (`rr_`).
    ResourceId = "rr";
    /// A product order (`ord_`): the id Fleetdesk gives Orange's order.
    OrderId = "ord";
    /// One item of a product order (`itm_`); Orange's own item id is a string of Orange's.
    OrderItemId = "itm";
    /// A userServiceTask (`tsk_`).
    TaskId = "tsk";
    /// An event of the outbox (`evt_`): the eventId Orange receives.
    EventId = "evt";
    /// One delivery attempt of an event (`att_`).
    AttemptId = "att";
    /// An audit entry (`aud_`).
    AuditId = "aud";
    /// A console operator (`opr_`).
    OperatorId = "opr";
    /// An Orange API credential (`cred_`); its client id is another, public, string.
    CredentialId = "cred";
    /// An offering of the catalogue (`off_`).
    OfferingId = "off";
    /// A recorded exchange with Orange (`xch_`).
    ExchangeId = "xch";
    /// An uploaded bulk file (`blk_`).
    BulkFileId = "blk";
    /// One operation the partner's product carries out (`prv_`): the webhook's `taskId`.
    ProvisioningTaskId = "prv";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reads_and_writes_as_its_bare_string() {
        let id = LicenceId::from("lic_0193");
        assert_eq!(
            serde_json::to_string(&id).expect("serialises"),
            "\"lic_0193\""
        );
        assert_eq!(
            serde_json::from_str::<LicenceId>("\"lic_0193\"").expect("reads"),
            id
        );
        assert_eq!(id.to_string(), "lic_0193");
        assert_eq!(id.as_str(), "lic_0193");
        assert_eq!("lic_0193".parse::<LicenceId>(), Ok(id.clone()));
        assert_eq!(id.into_string(), "lic_0193");
    }

    #[test]
    fn ids_sort_as_their_strings() {
        let mut ids = vec![OrderId::from("ord_b"), OrderId::from("ord_a")];
        ids.sort();
        assert_eq!(ids, ["ord_a", "ord_b"].map(OrderId::from));
        assert_eq!(CustomerId::PREFIX, "cus");
        assert_eq!(<BulkFileId as Id>::PREFIX, "blk");
    }
}
