//! What an audit entry changed: the paths that differ between its `before` and `after` JSON, with
//! the old and new value of each, so the console can show a change instead of two documents.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

/// How one path differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// In both, with different values.
    Changed,
    /// Only after.
    Added,
    /// Only before.
    Removed,
}

/// One difference: where (`role`, `modes.sync`, `items[2]`; empty for the whole value) and the
/// values on each side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub path: String,
    pub kind: ChangeKind,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// The leaves that differ between `before` and `after`, objects compared key by key (in key order)
/// and arrays index by index. A missing side counts as nothing: every leaf of the other is added or
/// removed.
pub fn diff(before: Option<&Value>, after: Option<&Value>) -> Vec<Change> {
    let mut changes = Vec::new();
    walk(String::new(), before, after, &mut changes);
    changes
}

fn walk(path: String, before: Option<&Value>, after: Option<&Value>, out: &mut Vec<Change>) {
    match (before, after) {
        (None, None) => {}
        (Some(Value::Object(old)), Some(Value::Object(new))) => {
            let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
            for key in keys {
                walk(join(&path, key), old.get(key), new.get(key), out);
            }
        }
        (Some(Value::Array(old)), Some(Value::Array(new))) => {
            for index in 0..old.len().max(new.len()) {
                walk(
                    format!("{path}[{index}]"),
                    old.get(index),
                    new.get(index),
                    out,
                );
            }
        }
        (Some(old), Some(new)) => {
            if old != new {
                out.push(Change {
                    path,
                    kind: ChangeKind::Changed,
                    old: Some(old.clone()),
                    new: Some(new.clone()),
                });
            }
        }
        (Some(Value::Object(old)), None) => {
            for (key, value) in old {
                walk(join(&path, key), Some(value), None, out);
            }
        }
        (None, Some(Value::Object(new))) => {
            for (key, value) in new {
                walk(join(&path, key), None, Some(value), out);
            }
        }
        (Some(old), None) => out.push(Change {
            path,
            kind: ChangeKind::Removed,
            old: Some(old.clone()),
            new: None,
        }),
        (None, Some(new)) => out.push(Change {
            path,
            kind: ChangeKind::Added,
            old: None,
            new: Some(new.clone()),
        }),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Change, ChangeKind, diff};

    fn paths(changes: &[Change]) -> Vec<(&str, ChangeKind)> {
        changes.iter().map(|c| (c.path.as_str(), c.kind)).collect()
    }

    #[test]
    fn equal_values_have_no_change() {
        let value = json!({"role": "admin", "tags": [1, 2], "nested": {"a": null}});
        assert!(diff(Some(&value), Some(&value)).is_empty());
        assert!(diff(None, None).is_empty());
    }

    #[test]
    fn a_changed_field_gives_its_old_and_new_value() {
        let before = json!({"login": "bob", "role": "operator", "updated_at": "t1"});
        let after = json!({"login": "bob", "role": "admin", "updated_at": "t2"});
        let changes = diff(Some(&before), Some(&after));
        assert_eq!(
            paths(&changes),
            [
                ("role", ChangeKind::Changed),
                ("updated_at", ChangeKind::Changed)
            ]
        );
        assert_eq!(changes[0].old, Some(json!("operator")));
        assert_eq!(changes[0].new, Some(json!("admin")));
    }

    #[test]
    fn nested_objects_and_arrays_give_paths_to_their_leaves() {
        let before = json!({"modes": {"sync": true, "old": 1}, "delays": [10, 20, 30]});
        let after = json!({"modes": {"sync": false, "new": "x"}, "delays": [10, 25]});
        let changes = diff(Some(&before), Some(&after));
        assert_eq!(
            paths(&changes),
            [
                ("delays[1]", ChangeKind::Changed),
                ("delays[2]", ChangeKind::Removed),
                ("modes.new", ChangeKind::Added),
                ("modes.old", ChangeKind::Removed),
                ("modes.sync", ChangeKind::Changed),
            ]
        );
        assert_eq!(changes[1].old, Some(json!(30)));
        assert_eq!(changes[1].new, None);
        assert_eq!(changes[2].new, Some(json!("x")));
    }

    #[test]
    fn a_creation_adds_every_leaf_and_a_deletion_removes_them() {
        let created = json!({"login": "bob", "role": "support"});
        let added = diff(None, Some(&created));
        assert_eq!(
            paths(&added),
            [("login", ChangeKind::Added), ("role", ChangeKind::Added)]
        );
        let removed = diff(Some(&created), None);
        assert_eq!(
            paths(&removed),
            [
                ("login", ChangeKind::Removed),
                ("role", ChangeKind::Removed)
            ]
        );
    }

    #[test]
    fn a_value_of_another_type_is_a_change_of_the_whole_value() {
        let changes = diff(Some(&json!({"a": [1]})), Some(&json!({"a": {"b": 1}})));
        assert_eq!(paths(&changes), [("a", ChangeKind::Changed)]);
        let root = diff(Some(&json!(1)), Some(&json!("one")));
        assert_eq!(paths(&root), [("", ChangeKind::Changed)]);
    }
}
