//! The audit log: who did what to which object, when, with the state before and after, and the
//! request that carried it. Written for every operator, CLI and Orange action.

use fleetdesk_vocab::AuditId;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::db::{Batch, Bound, Db, DbError};
use crate::{clock, ids};

pub mod diff;

pub use fleetdesk_vocab::ActorKind;

/// The actor of an entry: its kind, its id where it has one, and a label for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub kind: ActorKind,
    pub id: Option<String>,
    pub label: String,
}

impl Actor {
    pub fn operator(id: &str, login: &str) -> Actor {
        Actor {
            kind: ActorKind::Operator,
            id: Some(id.to_owned()),
            label: login.to_owned(),
        }
    }

    pub fn cli() -> Actor {
        let user = std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned());
        Actor {
            kind: ActorKind::Cli,
            id: None,
            label: format!("cli ({user})"),
        }
    }

    pub fn system() -> Actor {
        Actor {
            kind: ActorKind::System,
            id: None,
            label: "system".to_owned(),
        }
    }

    /// Orange, calling with the credential `id` labelled `label`.
    pub fn orange(id: Option<&str>, label: &str) -> Actor {
        Actor {
            kind: ActorKind::Orange,
            id: id.map(str::to_owned),
            label: format!("Orange ({label})"),
        }
    }

    /// Someone not (yet) authenticated, named by what they typed.
    pub fn anonymous(claimed: &str) -> Actor {
        Actor {
            kind: ActorKind::Anonymous,
            id: None,
            label: claimed.chars().take(128).collect(),
        }
    }
}

/// One entry to write.
/// Who asks for a change, and the request that carried it: the one acting party every command of
/// core takes, whether the change comes from the console, the CLI, Orange or Fleetdesk itself.
/// The command writes its audit entry in the transaction of the change, from this.
#[derive(Debug, Clone)]
pub struct Acting {
    pub actor: Actor,
    pub request_id: Option<String>,
}

impl Acting {
    /// A party acting outside any HTTP request (the CLI, Fleetdesk itself).
    pub fn alone(actor: Actor) -> Acting {
        Acting {
            actor,
            request_id: None,
        }
    }

    /// Fleetdesk itself (start-up, background work, test and benchmark set-ups).
    pub fn system() -> Acting {
        Acting::alone(Actor::system())
    }

    /// The command line.
    pub fn cli() -> Acting {
        Acting::alone(Actor::cli())
    }

    /// The Orange credential this party called with, when it is Orange.
    pub fn credential_id(&self) -> Option<&str> {
        match self.actor.kind {
            ActorKind::Orange => self.actor.id.as_deref(),
            _ => None,
        }
    }

    /// The audit entry of a change this party makes.
    pub fn entry(&self, action: &str, object_type: &str, object_id: Option<&str>) -> Entry {
        Entry::new(self.actor.clone(), action, object_type, object_id)
            .request_id(self.request_id.clone())
    }
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub actor: Actor,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
}

impl Entry {
    pub fn new(actor: Actor, action: &str, object_type: &str, object_id: Option<&str>) -> Entry {
        Entry {
            actor,
            action: action.to_owned(),
            object_type: object_type.to_owned(),
            object_id: object_id.map(str::to_owned),
            before: None,
            after: None,
            request_id: None,
        }
    }

    pub fn before(mut self, value: impl Serialize) -> Entry {
        self.before = serde_json::to_value(value).ok();
        self
    }

    pub fn after(mut self, value: impl Serialize) -> Entry {
        self.after = serde_json::to_value(value).ok();
        self
    }

    pub fn request_id(mut self, request_id: Option<String>) -> Entry {
        self.request_id = request_id;
        self
    }
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    pub id: AuditId,
    pub at: String,
    pub actor_kind: ActorKind,
    pub actor_id: Option<String>,
    pub actor_label: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub request_id: Option<String>,
}

/// Writes one entry; pass a transaction to commit it together with the change it describes.
pub async fn record<'e, E>(executor: E, entry: &Entry) -> Result<AuditId, DbError>
where
    E: Executor<'e, Database = Any>,
{
    let id = ids::new_id::<AuditId>();
    sqlx::query_with(INSERT, crate::db::arguments(values(&id, entry))?)
        .execute(executor)
        .await?;
    Ok(id)
}

/// Queues the entry in `batch`, to be written with the change it records.
pub(crate) fn push(batch: &mut Batch, entry: &Entry) -> AuditId {
    let id = ids::new_id::<AuditId>();
    let statement = batch.push(INSERT);
    for value in values(&id, entry) {
        statement.bind(value);
    }
    id
}

const INSERT: &str = "INSERT INTO audit_log (id, at, actor_kind, actor_id, actor_label, action, \
     object_type, object_id, before_json, after_json, request_id) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// The values of [`INSERT`], in order.
fn values(id: &AuditId, entry: &Entry) -> [Bound; 11] {
    [
        id.as_str().into(),
        clock::now_text().into(),
        entry.actor.kind.as_str().into(),
        entry.actor.id.clone().into(),
        (&entry.actor.label).into(),
        (&entry.action).into(),
        (&entry.object_type).into(),
        entry.object_id.clone().into(),
        entry
            .before
            .as_ref()
            .map(serde_json::Value::to_string)
            .into(),
        entry
            .after
            .as_ref()
            .map(serde_json::Value::to_string)
            .into(),
        entry.request_id.clone().into(),
    ]
}

/// Which entries to list; every field narrows the list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub actor_kind: Option<ActorKind>,
    pub actor_id: Option<String>,
    pub action: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    /// At or after this stored time (a bare `YYYY-MM-DD` compares as its midnight).
    pub from: Option<String>,
    /// Strictly before this stored time.
    pub to: Option<String>,
    /// Keyset pagination: only entries older than this `(at, id)`.
    pub before: Option<(String, String)>,
}

const COLUMNS: &str = "id, at, actor_kind, actor_id, actor_label, action, object_type, object_id, \
                       before_json, after_json, request_id";

fn from_row(row: &AnyRow) -> Result<Record, sqlx::Error> {
    Ok(Record {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        actor_kind: crate::db::word(row, "actor_kind")?,
        actor_id: row.try_get("actor_id")?,
        actor_label: row.try_get("actor_label")?,
        action: row.try_get("action")?,
        object_type: row.try_get("object_type")?,
        object_id: row.try_get("object_id")?,
        before_json: row.try_get("before_json")?,
        after_json: row.try_get("after_json")?,
        request_id: row.try_get("request_id")?,
    })
}

/// The newest entries matching `filter`, at most `limit` of them.
pub async fn list(db: &Db, filter: &Filter, limit: i64) -> Result<Vec<Record>, DbError> {
    // Unused conditions compare a NULL parameter, so one statement serves every filter.
    let (before_at, before_id) = crate::db::keyset_start(filter.before.clone());
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM audit_log \
         WHERE ($1 IS NULL OR actor_kind = $1) AND ($2 IS NULL OR actor_id = $2) \
           AND ($3 IS NULL OR action = $3) \
           AND ($4 IS NULL OR object_type = $4) AND ($5 IS NULL OR object_id = $5) \
           AND ($6 IS NULL OR at >= $6) AND ($7 IS NULL OR at < $7) \
           AND {older} ORDER BY at DESC, id DESC LIMIT $10",
        older = crate::db::keyset_older("at", "id", "$8", "$9"),
    ))
    .bind(filter.actor_kind.map(ActorKind::as_str))
    .bind(filter.actor_id.as_deref())
    .bind(filter.action.as_deref())
    .bind(filter.object_type.as_deref())
    .bind(filter.object_id.as_deref())
    .bind(filter.from.as_deref())
    .bind(filter.to.as_deref())
    .bind(before_at)
    .bind(before_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::on_each_db;

    #[tokio::test]
    async fn entries_are_written_and_listed_newest_first_with_filters() {
        on_each_db!(|db| async move {
            let alice = Actor::operator("opr_a", "alice");
            let first = record(
                db.pool(),
                &Entry::new(alice.clone(), "operator.create", "operator", Some("opr_b"))
                    .after(serde_json::json!({"login": "bob"}))
                    .request_id(Some("req-1".to_owned())),
            )
            .await
            .expect("recorded");
            let second = record(
                db.pool(),
                &Entry::new(Actor::cli(), "operator.disable", "operator", Some("opr_b"))
                    .before(serde_json::json!({"disabled": false})),
            )
            .await
            .expect("recorded");
            record(
                db.pool(),
                &Entry::new(Actor::system(), "server.start", "server", None),
            )
            .await
            .expect("recorded");

            let all = list(&db, &Filter::default(), 10).await.expect("list");
            assert_eq!(all.len(), 3);
            assert_eq!(all[2].id, first);
            assert_eq!(all[2].actor_label, "alice");
            assert_eq!(all[2].after_json.as_deref(), Some(r#"{"login":"bob"}"#));
            assert_eq!(all[2].request_id.as_deref(), Some("req-1"));

            let on_bob = Filter {
                object_type: Some("operator".into()),
                object_id: Some("opr_b".into()),
                ..Filter::default()
            };
            let ids: Vec<AuditId> = list(&db, &on_bob, 10)
                .await
                .expect("list")
                .into_iter()
                .map(|r| r.id)
                .collect();
            assert_eq!(ids, [second.clone(), first.clone()]);

            let by_alice = Filter {
                actor_id: Some("opr_a".into()),
                ..Filter::default()
            };
            assert_eq!(list(&db, &by_alice, 10).await.expect("list").len(), 1);
            let disables = Filter {
                action: Some("operator.disable".into()),
                ..Filter::default()
            };
            assert_eq!(list(&db, &disables, 10).await.expect("list")[0].id, second);

            let from_cli = Filter {
                actor_kind: Some(ActorKind::Cli),
                ..Filter::default()
            };
            assert_eq!(list(&db, &from_cli, 10).await.expect("list")[0].id, second);
            let today = all[0].at[..10].to_owned();
            let this_day = Filter {
                from: Some(today.clone()),
                to: Some(format!("{today}T99")),
                ..Filter::default()
            };
            assert_eq!(list(&db, &this_day, 10).await.expect("list").len(), 3);
            let before_today = Filter {
                to: Some(today.clone()),
                ..Filter::default()
            };
            assert!(list(&db, &before_today, 10).await.expect("list").is_empty());
            let after_today = Filter {
                from: Some(format!("{today}T99")),
                ..Filter::default()
            };
            assert!(list(&db, &after_today, 10).await.expect("list").is_empty());

            let page1 = list(&db, &Filter::default(), 2).await.expect("list");
            let last = page1.last().expect("two entries");
            let after = Filter {
                before: Some((last.at.clone(), last.id.to_string())),
                ..Filter::default()
            };
            let page2 = list(&db, &after, 2).await.expect("list");
            assert_eq!(page2.len(), 1);
            assert_eq!(page2[0].id, first);
        });
    }

    #[tokio::test]
    async fn an_entry_in_a_rolled_back_transaction_is_gone() {
        on_each_db!(|db| async move {
            let mut tx = db.pool().begin().await.expect("begin");
            record(&mut *tx, &Entry::new(Actor::system(), "x", "y", None))
                .await
                .expect("recorded");
            tx.rollback().await.expect("rollback");
            assert!(
                list(&db, &Filter::default(), 10)
                    .await
                    .expect("list")
                    .is_empty()
            );
        });
    }
}

/// The commands of the console's administration (operators, credentials, offerings) write their
/// audit entry in the transaction of their change: both are kept, or neither.
#[cfg(test)]
mod together {
    use super::{Acting, Actor};
    use crate::credentials::{self, CredentialKind};
    use crate::offerings::{self, OfferingInput};
    use crate::on_each_db;
    use crate::operators::{self, NewOperator, Role};
    use crate::password::Secret;

    fn offering(code: &str) -> OfferingInput {
        OfferingInput {
            offer_code: code.into(),
            name: "Office".into(),
            resource_type: "none".into(),
            resource_scope: "per_licence".into(),
            login_format: String::new(),
            provisioning: String::new(),
        }
    }

    fn operator(login: &str) -> NewOperator {
        NewOperator {
            login: login.into(),
            display_name: "Someone".into(),
            role: Role::Operator,
            password: Secret::new("a long enough password"),
        }
    }

    #[tokio::test]
    async fn a_change_and_its_audit_entry_are_kept_together_or_not_at_all() {
        on_each_db!(|db| async move {
            let acting = Acting {
                actor: Actor::operator("opr_admin", "admin"),
                request_id: Some("req-1".into()),
            };
            let kept = operators::create(&db, &acting, operator("alice"))
                .await
                .expect("created");
            operators::set_role(&db, &acting, &kept.id, Role::Support)
                .await
                .expect("role");
            let credential = credentials::issue(&db, &acting, CredentialKind::Orange, "prod", None)
                .await
                .expect("issued");
            credentials::revoke(&db, &acting, &credential.credential.id)
                .await
                .expect("revoked");
            // Revoking again changes nothing and is not audited twice.
            credentials::revoke(&db, &acting, &credential.credential.id)
                .await
                .expect("revoked again");
            let office = offerings::create(&db, &acting, &offering("OFFICE"))
                .await
                .expect("offering");
            offerings::set_retired(&db, &acting, &office.id, true)
                .await
                .expect("retired");
            let actions: Vec<(String, Option<String>)> =
                sqlx::query_as("SELECT action, request_id FROM audit_log ORDER BY at, id")
                    .fetch_all(db.pool())
                    .await
                    .expect("entries");
            let expected = [
                "operator.create",
                "operator.role_change",
                "credential.issue",
                "credential.revoke",
                "offering.create",
                "offering.retire",
            ];
            assert_eq!(
                actions
                    .iter()
                    .map(|(action, _)| action.as_str())
                    .collect::<Vec<_>>(),
                expected
            );
            assert!(
                actions
                    .iter()
                    .all(|(_, request)| request.as_deref() == Some("req-1"))
            );

            // The entries cannot be written (their table is gone): every change is refused and
            // none is kept.
            sqlx::query("DROP TABLE audit_log")
                .execute(db.pool())
                .await
                .expect("drop");
            assert!(
                operators::create(&db, &acting, operator("bob"))
                    .await
                    .is_err()
            );
            assert!(
                operators::find_by_login(&db, "bob")
                    .await
                    .expect("read")
                    .is_none()
            );
            assert!(
                operators::set_role(&db, &acting, &kept.id, Role::Admin)
                    .await
                    .is_err()
            );
            let still = operators::find_by_id(&db, &kept.id).await.expect("read");
            assert_eq!(still.map(|o| o.role), Some(Role::Support));
            assert!(
                credentials::issue(&db, &acting, CredentialKind::Orange, "other", None)
                    .await
                    .is_err()
            );
            assert_eq!(
                credentials::list(&db, CredentialKind::Orange)
                    .await
                    .expect("list")
                    .len(),
                1
            );
            assert!(
                offerings::create(&db, &acting, &offering("OTHER"))
                    .await
                    .is_err()
            );
            assert!(
                offerings::set_retired(&db, &acting, &office.id, false)
                    .await
                    .is_err()
            );
            let listed = offerings::list(&db).await.expect("list");
            assert_eq!(listed.len(), 1);
            assert!(listed[0].retired_at.is_some());
            assert!(
                offerings::import_csv(
                    &db,
                    &acting,
                    "offer_code,name,resource_type,resource_scope\nNEW,New,none,per_licence\n"
                )
                .await
                .is_err()
            );
            assert_eq!(offerings::list(&db).await.expect("list").len(), 1);
        });
    }
}
