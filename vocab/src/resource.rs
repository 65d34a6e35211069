//! Realizing resources, the technical support of a licence (contract sections 1 and 5): which kind
//! a licence carries, whether it is shared, and its value.
//!
//! Each type parses into a value the rest of the code can trust (an E.164 MSISDN, a Luhn-valid
//! IMEI, an e-mail address, an http(s) URL), and each has a placeholder: a value that is clearly
//! fake yet well-formed, used until the customer names the real one.

use std::fmt;

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

/// Why a value is not a valid resource of its type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResourceError {
    #[error("an MSISDN is an international number: '+', then 8 to 15 digits")]
    Msisdn,
    #[error("an IMEI is 15 digits with a valid Luhn check digit")]
    Imei,
    #[error("not an e-mail address")]
    Email,
    #[error("a URL starts with http:// or https:// and names a host")]
    Url,
    #[error("this offering's licences carry no realizing resource")]
    NoResource,
}

/// A checked realizing resource value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceValue {
    kind: ResourceType,
    value: String,
}

impl ResourceValue {
    /// Parses `text` as a value of `kind`, normalising harmless differences (spaces in numbers,
    /// the case of an e-mail domain).
    pub fn parse(kind: ResourceType, text: &str) -> Result<ResourceValue, ResourceError> {
        let text = text.trim();
        let value = match kind {
            ResourceType::None => return Err(ResourceError::NoResource),
            ResourceType::Msisdn => parse_msisdn(text)?,
            ResourceType::Imei => parse_imei(text)?,
            ResourceType::Email => parse_email(text)?,
            ResourceType::Url => parse_url(text)?,
        };
        Ok(ResourceValue { kind, value })
    }

    pub fn kind(&self) -> ResourceType {
        self.kind
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The placeholder for the `seq`-th licence (or the customer, for shared resources) of the
    /// customer whose login stem is `stem`. `None` for offerings without resources.
    pub fn placeholder(kind: ResourceType, stem: &str, seq: u64) -> Option<ResourceValue> {
        let value = match kind {
            ResourceType::None => return None,
            // France's numbers reserved for fiction: +33 6 39 98 00 00 to +33 6 39 98 99 99.
            ResourceType::Msisdn => format!("+3363998{:04}", seq % 10_000),
            ResourceType::Imei => {
                // The "00" reporting-body code is kept for test IMEIs.
                let body = format!("00{:012}", seq % 1_000_000_000_000);
                format!("{body}{}", luhn_check_digit(&body))
            }
            ResourceType::Email => format!("licence-{seq:06}@{stem}.invalid"),
            ResourceType::Url => format!("https://{stem}.invalid/"),
        };
        Some(ResourceValue { kind, value })
    }
}

impl fmt::Display for ResourceValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

fn parse_msisdn(text: &str) -> Result<String, ResourceError> {
    let compact: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    let digits = compact.strip_prefix('+').ok_or(ResourceError::Msisdn)?;
    let valid = (8..=15).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0');
    if valid {
        Ok(compact)
    } else {
        Err(ResourceError::Msisdn)
    }
}

/// The Luhn check digit of a string of digits (an IMEI's last digit).
pub fn luhn_check_digit(body: &str) -> u32 {
    // Doubling starts with the digit next to the (missing) check digit.
    let sum: u32 = body
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

fn parse_imei(text: &str) -> Result<String, ResourceError> {
    let compact: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if compact.len() != 15 || !compact.chars().all(|c| c.is_ascii_digit()) {
        return Err(ResourceError::Imei);
    }
    let (body, check) = compact.split_at(14);
    if check.parse::<u32>().ok() == Some(luhn_check_digit(body)) {
        Ok(compact)
    } else {
        Err(ResourceError::Imei)
    }
}

fn parse_email(text: &str) -> Result<String, ResourceError> {
    let (local, domain) = text.rsplit_once('@').ok_or(ResourceError::Email)?;
    let valid = !local.is_empty()
        && local.len() <= 64
        && !local.chars().any(|c| c.is_whitespace() || c == '@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
    if valid && text.len() <= 254 {
        Ok(format!("{local}@{}", domain.to_ascii_lowercase()))
    } else {
        Err(ResourceError::Email)
    }
}

fn parse_url(text: &str) -> Result<String, ResourceError> {
    let url = url::Url::parse(text).map_err(|_| ResourceError::Url)?;
    if matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty()) {
        Ok(url.to_string())
    } else {
        Err(ResourceError::Url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_well_formed_values_of_their_type() {
        for seq in [0_u64, 1, 42, 9_999, 123_456] {
            for kind in [
                ResourceType::Msisdn,
                ResourceType::Imei,
                ResourceType::Email,
                ResourceType::Url,
            ] {
                let placeholder =
                    ResourceValue::placeholder(kind, "lefebvre", seq).expect("a placeholder");
                let parsed = ResourceValue::parse(kind, placeholder.as_str())
                    .unwrap_or_else(|e| panic!("{placeholder} is not a valid {kind:?}: {e}"));
                assert_eq!(parsed, placeholder);
            }
        }
        assert_eq!(
            ResourceValue::placeholder(ResourceType::Msisdn, "x", 1)
                .expect("msisdn")
                .as_str(),
            "+33639980001"
        );
        let imei = ResourceValue::placeholder(ResourceType::Imei, "x", 7).expect("imei");
        assert!(imei.as_str().starts_with("00") && imei.as_str().len() == 15);
        assert!(
            ResourceValue::placeholder(ResourceType::Email, "x", 7)
                .expect("email")
                .as_str()
                .ends_with(".invalid")
        );
        assert_eq!(ResourceValue::placeholder(ResourceType::None, "x", 7), None);
    }

    #[test]
    fn real_values_are_checked_per_type() {
        assert_eq!(
            ResourceValue::parse(ResourceType::Msisdn, "+33 6 11 22 33 44")
                .expect("valid")
                .as_str(),
            "+33611223344"
        );
        assert!(ResourceValue::parse(ResourceType::Msisdn, "0611223344").is_err());
        assert!(ResourceValue::parse(ResourceType::Imei, "490154203237518").is_ok());
        assert!(ResourceValue::parse(ResourceType::Imei, "490154203237517").is_err());
        assert!(ResourceValue::parse(ResourceType::Email, "hugo.martin@Example.FR").is_ok());
        assert!(ResourceValue::parse(ResourceType::Email, "hugo.martin").is_err());
        assert!(ResourceValue::parse(ResourceType::Url, "https://docs.example.fr/x").is_ok());
        assert!(ResourceValue::parse(ResourceType::Url, "ftp://docs.example.fr/").is_err());
        assert!(ResourceValue::parse(ResourceType::None, "x").is_err());
    }
}
