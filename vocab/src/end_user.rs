//! A licence's end user as typed into a form or a CSV file: checked once, then trusted.

use serde::Serialize;

use crate::{ResourceType, ResourceValue};

/// A telephone number: a country code of 1 to 3 digits and a subscriber number of 1 to 14.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Telephone {
    cc: String,
    sn: String,
}

/// Why a telephone number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TelephoneError {
    #[error("the country code must be 1 to 3 digits")]
    CountryCode,
    #[error("the number must be 1 to 14 digits")]
    Number,
}

impl Telephone {
    /// Reads a number as stored and as Orange sends it: both parts digits only.
    pub fn parse(cc: &str, sn: &str) -> Result<Telephone, TelephoneError> {
        let digits = |text: &str, max: usize| {
            !text.is_empty() && text.len() <= max && text.chars().all(|c| c.is_ascii_digit())
        };
        if !digits(cc, 3) {
            return Err(TelephoneError::CountryCode);
        }
        if !digits(sn, 14) {
            return Err(TelephoneError::Number);
        }
        Ok(Telephone {
            cc: cc.to_owned(),
            sn: sn.to_owned(),
        })
    }

    /// Reads a number as people type it: spaces, dots, dashes, a leading `+` and leading zeros
    /// are left out (`+33`, `06 12 34 56 78` is `33`, `612345678`).
    pub fn parse_typed(cc: &str, sn: &str) -> Result<Telephone, TelephoneError> {
        Telephone::parse(
            typed_digits(cc).trim_start_matches('0'),
            typed_digits(sn).trim_start_matches('0'),
        )
    }

    /// The country code (`33`).
    pub fn cc(&self) -> &str {
        &self.cc
    }

    /// The subscriber number, without the leading zero (`612345678`).
    pub fn sn(&self) -> &str {
        &self.sn
    }
}

/// What is left of a typed number once the characters people put between digits are taken out.
fn typed_digits(text: &str) -> String {
    text.trim()
        .trim_start_matches('+')
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect()
}

/// A licence's end user: both names, an e-mail address and, if known, a mobile number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndUser {
    given_name: String,
    family_name: String,
    email: String,
    mobile: Option<Telephone>,
}

/// Why an end user's details were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EndUserError {
    #[error("the given name is required")]
    GivenName,
    #[error("the family name is required")]
    FamilyName,
    #[error("the e-mail address is not valid")]
    Email,
    #[error(
        "the mobile number needs a country code of 1 to 3 digits and a number of up to 14 digits"
    )]
    Mobile,
}

/// The longest name accepted, in characters.
const MAX_NAME: usize = 100;

impl EndUser {
    /// Reads an end user as typed: names non-empty (at most 100 characters), a well-formed e-mail
    /// address, and an optional mobile number (country code and number, both or neither; read by
    /// [`Telephone::parse_typed`]).
    pub fn parse(
        given_name: &str,
        family_name: &str,
        email: &str,
        mobile_cc: &str,
        mobile_sn: &str,
    ) -> Result<EndUser, EndUserError> {
        let given_name = given_name.trim();
        let family_name = family_name.trim();
        if given_name.is_empty() || given_name.chars().count() > MAX_NAME {
            return Err(EndUserError::GivenName);
        }
        if family_name.is_empty() || family_name.chars().count() > MAX_NAME {
            return Err(EndUserError::FamilyName);
        }
        let email = ResourceValue::parse(ResourceType::Email, email)
            .map_err(|_| EndUserError::Email)?
            .as_str()
            .to_owned();
        let mobile = match (
            typed_digits(mobile_cc).is_empty(),
            typed_digits(mobile_sn).is_empty(),
        ) {
            (true, true) => None,
            (false, false) => Some(
                Telephone::parse_typed(mobile_cc, mobile_sn).map_err(|_| EndUserError::Mobile)?,
            ),
            _ => return Err(EndUserError::Mobile),
        };
        Ok(EndUser {
            given_name: given_name.to_owned(),
            family_name: family_name.to_owned(),
            email,
            mobile,
        })
    }

    pub fn given_name(&self) -> &str {
        &self.given_name
    }

    pub fn family_name(&self) -> &str {
        &self.family_name
    }

    /// The e-mail address, its domain in lower case.
    pub fn email(&self) -> &str {
        &self.email
    }

    pub fn mobile(&self) -> Option<&Telephone> {
        self.mobile.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mobile_of(user: &EndUser) -> Option<(&str, &str)> {
        user.mobile().map(|phone| (phone.cc(), phone.sn()))
    }

    #[test]
    fn end_users_are_checked_as_typed() {
        let user = EndUser::parse(
            "Claire",
            "Lefebvre",
            "claire.lefebvre@example.fr",
            "+33",
            "06 12 34 56 78",
        )
        .expect("valid");
        assert_eq!(mobile_of(&user), Some(("33", "612345678")));
        let spaced =
            EndUser::parse(" Claire ", "Lefebvre", "claire@Example.FR", "", "").expect("valid");
        assert_eq!(spaced.given_name(), "Claire");
        assert_eq!(spaced.email(), "claire@example.fr");
        assert_eq!(
            EndUser::parse(" ", "L", "a@b.fr", "", ""),
            Err(EndUserError::GivenName)
        );
        assert_eq!(
            EndUser::parse("C", "", "a@b.fr", "", ""),
            Err(EndUserError::FamilyName)
        );
        assert_eq!(
            EndUser::parse(&"C".repeat(101), "L", "a@b.fr", "", ""),
            Err(EndUserError::GivenName)
        );
        for bad in [
            "claire",
            "claire@",
            "@example.fr",
            "claire@example",
            "a b@example.fr",
        ] {
            assert_eq!(
                EndUser::parse("C", "L", bad, "", ""),
                Err(EndUserError::Email),
                "{bad}"
            );
        }
        for (cc, sn) in [
            ("33", ""),
            ("", "612345678"),
            ("3333", "6"),
            ("33", "6x"),
            ("0", "6"),
            (" + ", "6"),
        ] {
            assert_eq!(
                EndUser::parse("C", "L", "a@b.fr", cc, sn),
                Err(EndUserError::Mobile),
                "{cc} {sn}"
            );
        }
        for (cc, sn) in [("", ""), (" ", "")] {
            let without = EndUser::parse("C", "L", "a@b.fr", cc, sn).expect("no mobile");
            assert_eq!(without.mobile(), None);
        }
    }

    #[test]
    fn telephone_numbers_as_stored_are_digits_only_and_as_typed_forgive_separators() {
        let stored = Telephone::parse("33", "612345678").expect("valid");
        assert_eq!((stored.cc(), stored.sn()), ("33", "612345678"));
        assert_eq!(Telephone::parse("", "6"), Err(TelephoneError::CountryCode));
        assert_eq!(
            Telephone::parse("3333", "6"),
            Err(TelephoneError::CountryCode)
        );
        assert_eq!(
            Telephone::parse("+33", "6"),
            Err(TelephoneError::CountryCode)
        );
        assert_eq!(Telephone::parse("33", "06 12"), Err(TelephoneError::Number));
        assert_eq!(
            Telephone::parse("33", "123456789012345"),
            Err(TelephoneError::Number)
        );
        assert_eq!(
            Telephone::parse_typed("+33", "06.12-34 56 78"),
            Ok(stored.clone())
        );
        assert_eq!(Telephone::parse_typed("0033", "0612345678"), Ok(stored));
    }

    #[test]
    fn an_end_user_s_json_form_is_the_one_the_audit_log_keeps() {
        let user =
            EndUser::parse("Claire", "Lefebvre", "c@example.fr", "33", "612345678").expect("valid");
        assert_eq!(
            serde_json::to_value(&user).expect("serialises"),
            serde_json::json!({
                "given_name": "Claire",
                "family_name": "Lefebvre",
                "email": "c@example.fr",
                "mobile": {"cc": "33", "sn": "612345678"}
            })
        );
    }
}
