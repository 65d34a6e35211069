//! Fleetdesk's vocabulary: every closed set of words the server, the console and the database
//! share (states, roles, resource types, error codes, settings, bulk problems), as real types, and
//! the checked values people type (a realizing resource's value, an end user, a telephone number):
//! each parses once (`ResourceValue::parse`, `EndUser::parse`, `Telephone::parse`), so that a page
//! can check a value before sending it and the server trusts the parsed type.
//!
//! This crate builds for the server and for the browser (wasm) alike, so that the console's pages
//! and server functions carry these types instead of strings. Each enum's text form is the one
//! stored in the database and sent on the wire; it is derived once (`strum` for text, `serde` with
//! the same case rule for JSON) and a test checks that both agree for every variant.

mod bulk;
mod end_user;
mod error;
mod ids;
mod labels;
mod orange;
mod people;
mod resource;
mod state;
mod text;

pub use bulk::{BulkFileState, BulkKind, BulkLineStatus, BulkProblem};
pub use end_user::{EndUser, EndUserError, Telephone, TelephoneError};
pub use error::ErrorCode;
pub use ids::{
    AttemptId, AuditId, BulkFileId, ContactId, CredentialId, CustomerId, EventId, ExchangeId,
    FleetId, Id, LicenceId, NoteId, OfferingId, OperatorId, OrderId, OrderItemId,
    ProvisioningTaskId, ResourceId, TaskId,
};
pub use labels::{Counted, Label, listed};
pub use orange::{FleetPolicy, Mode, Operation, OrangeEventType, Provisioning, Target};
pub use people::{ActorKind, CredentialKind, Role};
pub use resource::{ResourceError, ResourceScope, ResourceType, ResourceValue, luhn_check_digit};
pub use state::{EventState, LicenceState, SelfTestState, SelfTestStep, Stuck, Work, WorkState};
pub use text::{Lang, Number, Text, plural, say};

/// A closed set of words with a text form: every enum of this crate.
pub trait Word: Copy + Sized + 'static {
    /// Every variant, in declaration order.
    const WORDS: &'static [Self];
    /// The text form, as stored and sent.
    fn word(self) -> &'static str;
    /// The variant a text form names.
    fn from_word(text: &str) -> Option<Self>;
}

/// Defines a vocabulary enum: its derives, one case rule for its JSON and text forms (serde and
/// strum), `ALL` (every variant in declaration order), `as_str`, `parse`, Display and [`Word`].
///
/// `parse` is exact; `lenient` before the name makes it forgive spaces around the word (for words
/// people type: forms, CSV files). Other spellings and case-insensitivity come from the enum's own
/// strum attributes.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $case:literal lenient $name:ident { $($body:tt)* }) => {
        $crate::vocabulary!(@define $(#[$meta])* $case $name { $($body)* });
        $crate::vocabulary!(@words $name, trim);
    };
    ($(#[$meta:meta])* $case:literal $name:ident { $($body:tt)* }) => {
        $crate::vocabulary!(@define $(#[$meta])* $case $name { $($body)* });
        $crate::vocabulary!(@words $name,);
    };
    (@define $(#[$meta:meta])* $case:literal $name:ident {
        $($(#[$vmeta:meta])* $variant:ident),+ $(,)?
    }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[derive(::serde::Serialize, ::serde::Deserialize)]
        #[derive(::strum::EnumString, ::strum::IntoStaticStr, ::strum::EnumCount, ::strum::VariantArray)]
        #[serde(rename_all = $case)]
        #[strum(serialize_all = $case)]
        $(#[$meta])*
        pub enum $name { $($(#[$vmeta])* $variant),+ }
    };
    (@words $name:ident, $($trim:ident)?) => {
        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [$name; <$name as ::strum::EnumCount>::COUNT] = {
                let variants = <$name as ::strum::VariantArray>::VARIANTS;
                let mut all = [variants[0]; <$name as ::strum::EnumCount>::COUNT];
                let mut index = 0;
                while index < all.len() {
                    all[index] = variants[index];
                    index += 1;
                }
                all
            };

            /// The text form, as stored and sent.
            pub fn as_str(self) -> &'static str {
                self.into()
            }

            /// The variant a text form names.
            pub fn parse(text: &str) -> Option<$name> {
                text$(.$trim())?.parse().ok()
            }
        }

        impl $crate::Word for $name {
            const WORDS: &'static [$name] = &$name::ALL;

            fn word(self) -> &'static str {
                self.as_str()
            }

            fn from_word(text: &str) -> Option<$name> {
                $name::parse(text)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use vocabulary;

#[cfg(test)]
mod tests {
    use serde::Serialize;
    use serde::de::DeserializeOwned;

    use super::*;

    /// The JSON form of every variant is its text form, and both read back to the variant.
    fn agrees<T>()
    where
        T: Word + PartialEq + std::fmt::Debug + Serialize + DeserializeOwned,
    {
        assert!(!T::WORDS.is_empty());
        for &word in T::WORDS {
            let text = word.word();
            assert_eq!(
                serde_json::to_value(word).expect("serialises"),
                text,
                "{word:?}"
            );
            assert_eq!(
                serde_json::from_value::<T>(serde_json::Value::from(text)).expect("reads back"),
                word
            );
            assert_eq!(T::from_word(text), Some(word), "{text}");
        }
    }

    #[test]
    fn every_words_json_form_is_its_text_form_and_both_read_back() {
        agrees::<Role>();
        agrees::<ActorKind>();
        agrees::<CredentialKind>();
        agrees::<LicenceState>();
        agrees::<WorkState>();
        agrees::<EventState>();
        agrees::<ResourceType>();
        agrees::<ResourceScope>();
        agrees::<ErrorCode>();
        agrees::<Mode>();
        agrees::<Operation>();
        agrees::<FleetPolicy>();
        agrees::<Provisioning>();
        agrees::<OrangeEventType>();
        agrees::<Target>();
        agrees::<BulkKind>();
        agrees::<BulkFileState>();
        agrees::<BulkLineStatus>();
    }

    #[test]
    fn text_forms_are_the_stored_ones() {
        assert_eq!(Role::Admin.as_str(), "admin");
        assert_eq!(LicenceState::Terminated.as_str(), "terminated");
        assert_eq!(WorkState::InProgress.as_str(), "inProgress");
        assert_eq!(EventState::Delivering.as_str(), "delivering");
        assert_eq!(ResourceScope::PerLicence.as_str(), "per_licence");
        assert_eq!(ErrorCode::UnknownProductRef.as_str(), "UNKNOWN_PRODUCT_REF");
        assert_eq!(Operation::OfferingChange.as_str(), "offering_change");
        assert_eq!(FleetPolicy::PerOffering.as_str(), "perOffering");
        assert_eq!(
            OrangeEventType::UserServiceAttributeValueChange.as_str(),
            "userServiceAttributeValueChangeEvent"
        );
        assert_eq!(Target::ProvisioningWebhook.as_str(), "provisioning_webhook");
        assert_eq!(BulkKind::EndUsers.as_str(), "end_users");
        assert_eq!(format!("{}", WorkState::Partial), "partial");
    }

    #[test]
    fn exact_words_refuse_other_cases_and_spaces_lenient_ones_accept_them() {
        assert_eq!(LicenceState::parse("Active"), None);
        assert_eq!(LicenceState::parse(" active"), None);
        assert_eq!(ErrorCode::parse("internal"), None);
        assert_eq!(Role::parse("  Admin "), Some(Role::Admin));
        assert_eq!(ResourceType::parse("MSISDN"), Some(ResourceType::Msisdn));
        assert_eq!(
            ResourceScope::parse(" per-license"),
            Some(ResourceScope::PerLicence)
        );
        assert_eq!(
            ResourceScope::parse("Customer"),
            Some(ResourceScope::PerCustomer)
        );
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn all_lists_every_variant_once_in_declaration_order() {
        assert_eq!(
            LicenceState::ALL,
            [
                LicenceState::Pending,
                LicenceState::Active,
                LicenceState::Suspended,
                LicenceState::Terminated
            ]
        );
        assert_eq!(ErrorCode::ALL.len(), 21);
        let texts: std::collections::HashSet<_> =
            ErrorCode::ALL.iter().map(|code| code.as_str()).collect();
        assert_eq!(texts.len(), 21);
    }
}
