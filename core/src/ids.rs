//! Readable prefixed ids (`opr_`, `aud_`, `cus_`, ...) over UUIDv7, so that ids sort by creation
//! time and say in logs and in the console what they name.

/// A new id with the given prefix, e.g. `new_id("opr")` gives `opr_01936f…`.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::now_v7().simple())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_their_prefix_and_sort_by_creation() {
        let first = new_id("opr");
        let second = new_id("opr");
        assert!(first.starts_with("opr_"));
        assert_eq!(first.len(), 4 + 32);
        assert!(first < second, "{first} should sort before {second}");
    }
}
