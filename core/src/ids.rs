//! Readable prefixed ids (`opr_`, `aud_`, `cus_`, ...) over UUIDv7, so that ids sort by creation
//! time and say in logs and in the console what they name. Their types live in the vocabulary
//! (`fleetdesk_vocab::CustomerId` and the rest); only the server makes new ones.

use fleetdesk_vocab::Id;

/// A new id of type `I`, with its prefix: `new_id::<OperatorId>()` gives `opr_01936f…`.
pub fn new_id<I: Id>() -> I {
    I::from(new_text(I::PREFIX))
}

/// A new id of no id type, for names that are not stored as one (a lease owner's `w_…`).
pub fn new_text(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::now_v7().simple())
}

#[cfg(test)]
mod tests {
    use fleetdesk_vocab::OperatorId;

    use super::*;

    #[test]
    fn ids_carry_their_prefix_and_sort_by_creation() {
        let first: OperatorId = new_id();
        let second: OperatorId = new_id();
        assert!(first.as_str().starts_with("opr_"));
        assert_eq!(first.as_str().len(), 4 + 32);
        assert!(first < second, "{first} should sort before {second}");
    }
}
