//! The console's global search: one text box that finds a customer, fleet, licence, order, task
//! or event by its id, Orange's reference, a customer's name, a login, an end user's name or
//! e-mail, or a realizing resource's value.
//!
//! Every lookup is an exact match or a prefix range on an indexed column (`col >= $1 AND col <
//! $1 || '\u{10FFFF}'`, which both databases answer from the index), so the search stays fast with
//! a million licences. Customer names are also matched whatever their case.

use sqlx::Row;

use crate::db::{Db, DbError};

/// How many hits of each kind are shown.
pub const PER_KIND: i64 = 10;

/// What was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// `customer`, `fleet`, `licence`, `order`, `task` or `event`.
    pub kind: &'static str,
    pub id: String,
    /// What to show beside the id (a name, a login, a reference).
    pub label: String,
    /// Why it matched: `id`, `reference`, `name`, `login`, `end_user`, `resource`.
    pub matched: &'static str,
}

const ABOVE: &str = "\u{10FFFF}";

/// Runs a lookup bound to `$1` = the text and `$2` = just past every text starting with it (and
/// `$3`, when given, as an extra value); rows without an id are skipped.
async fn hits(
    db: &Db,
    kind: &'static str,
    matched: &'static str,
    sql: &str,
    text: &str,
    extra: Option<&str>,
) -> Result<Vec<Hit>, DbError> {
    let mut query = sqlx::query(sql).bind(text).bind(format!("{text}{ABOVE}"));
    if let Some(extra) = extra {
        query = query.bind(extra);
    }
    let rows = query.fetch_all(db.pool()).await?;
    let mut found = Vec::new();
    for row in &rows {
        if let Some(id) = row.try_get::<Option<String>, _>("id")? {
            found.push(Hit {
                kind,
                id,
                label: row
                    .try_get::<Option<String>, _>("label")?
                    .unwrap_or_default(),
                matched,
            });
        }
    }
    Ok(found)
}

/// `text` as a LIKE prefix pattern, its wildcards taken literally (escape character `\`).
fn like_prefix(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 1);
    for c in text.to_lowercase().chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Everything matching `text` (trimmed; nothing for fewer than 2 characters), by kind.
pub async fn search(db: &Db, text: &str) -> Result<Vec<Hit>, DbError> {
    let text = text.trim();
    if text.chars().count() < 2 {
        return Ok(Vec::new());
    }
    let limit = PER_KIND;
    let mut found = Vec::new();
    let id_prefix = text.split('_').next().unwrap_or_default();
    // An id: straight to its table.
    let by_id = match id_prefix {
        "cus" => Some(("customer", "SELECT id, name AS label FROM customers")),
        "flt" => Some(("fleet", "SELECT id, customer_id AS label FROM fleets")),
        "lic" => Some(("licence", "SELECT id, login AS label FROM licences")),
        "ord" => Some((
            "order",
            "SELECT id, external_reference AS label FROM product_orders",
        )),
        "tsk" => Some((
            "task",
            "SELECT id, external_reference AS label FROM user_service_tasks",
        )),
        "evt" => Some(("event", "SELECT id, event_type AS label FROM outbox_events")),
        _ => None,
    };
    if let Some((kind, select)) = by_id
        && text.contains('_')
    {
        let sql = format!("{select} WHERE id >= $1 AND id < $2 ORDER BY id LIMIT {limit}");
        found.extend(hits(db, kind, "id", &sql, text, None).await?);
        return Ok(found);
    }

    // Orange's references (unique indexes on each).
    for (kind, table, label) in [
        ("customer", "customers", "name"),
        ("order", "product_orders", "external_reference"),
        ("task", "user_service_tasks", "external_reference"),
    ] {
        let sql = format!(
            "SELECT id, {label} AS label FROM {table} \
             WHERE external_reference >= $1 AND external_reference < $2 \
             ORDER BY external_reference LIMIT {limit}"
        );
        found.extend(hits(db, kind, "reference", &sql, text, None).await?);
    }

    // Customer names: by prefix as typed (index), then whatever the case.
    let sql = format!(
        "SELECT id, name AS label FROM customers WHERE (name >= $1 AND name < $2) \
         OR LOWER(name) LIKE $3 ESCAPE '\\' ORDER BY name, id LIMIT {limit}"
    );
    let pattern = like_prefix(text);
    for hit in hits(db, "customer", "name", &sql, text, Some(&pattern)).await? {
        if !found.iter().any(|h| h.kind == "customer" && h.id == hit.id) {
            found.push(hit);
        }
    }

    // Logins are lower case; end users by e-mail or family name; resources by value.
    let lower = text.to_lowercase();
    let sql = format!(
        "SELECT id, login AS label FROM licences WHERE login >= $1 AND login < $2 \
         ORDER BY login LIMIT {limit}"
    );
    found.extend(hits(db, "licence", "login", &sql, &lower, None).await?);
    let sql = format!(
        "SELECT id, end_user_email AS label FROM licences \
         WHERE end_user_email >= $1 AND end_user_email < $2 ORDER BY end_user_email, id LIMIT {limit}"
    );
    found.extend(hits(db, "licence", "end_user", &sql, &lower, None).await?);
    let capitalised: String = {
        let mut chars = lower.chars();
        chars
            .next()
            .map(|first| first.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    };
    for name in dedup([text.to_owned(), capitalised, text.to_uppercase()]) {
        let sql = format!(
            "SELECT id, end_user_given_name || ' ' || end_user_family_name AS label FROM licences \
             WHERE end_user_family_name >= $1 AND end_user_family_name < $2 \
             ORDER BY end_user_family_name, end_user_given_name, id LIMIT {limit}"
        );
        for hit in hits(db, "licence", "end_user", &sql, &name, None).await? {
            if !found.iter().any(|h| h.kind == "licence" && h.id == hit.id) {
                found.push(hit);
            }
        }
    }
    let sql = format!(
        "SELECT COALESCE(r.licence_id, l.licence_id) AS id, r.value AS label \
         FROM realizing_resources r \
         LEFT JOIN licence_realizing_resources l ON l.realizing_resource_id = r.id \
         WHERE r.type IN ('msisdn', 'imei', 'email', 'url') AND r.value >= $1 AND r.value < $2 \
         ORDER BY r.value LIMIT {limit}"
    );
    for hit in hits(db, "licence", "resource", &sql, text, None).await? {
        if !found.iter().any(|h| h.kind == "licence" && h.id == hit.id) {
            found.push(hit);
        }
    }
    Ok(found)
}

fn dedup(names: [String; 3]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{like_prefix, search};
    use crate::on_each_db;
    use crate::orange::settings::ApiSettings;
    use crate::orange::{product_order, wire};

    #[test]
    fn like_wildcards_are_taken_literally() {
        assert_eq!(like_prefix("A_b%c\\"), "a\\_b\\%c\\\\%");
    }

    #[tokio::test]
    async fn ids_references_names_logins_end_users_and_resources_are_found() {
        on_each_db!(|db| async move {
            crate::testing::pro_offering(&db).await;
            let body = serde_json::json!({
                "externalReference": {"type": "orange", "id": "OBA-ORD-77"},
                "customer": {"externalReference": {"type": "orange", "id": "OBA-CUS-77"},
                             "name": "Menuiserie Lefebvre"},
                "orderItem": [{"productOffering": {"externalReference": {"type": "orange", "id": "PRO"}},
                               "productRef": {"userServiceQuantity": 2}}]
            })
            .to_string();
            let request: wire::ProductOrderRequest =
                wire::read_body(body.as_bytes()).expect("valid");
            let placed = product_order::place(
                &db,
                &ApiSettings::default(),
                &request,
                body.as_bytes(),
                &crate::testing::orange(),
            )
            .await
            .expect("completed");
            let order_id = placed.body["id"].as_str().expect("id").to_owned();
            let customer_id = placed.body["customer"]["id"]
                .as_str()
                .expect("id")
                .to_owned();
            let licence = &placed.body["orderItem"][0]["productRef"]["userService"][0];
            let licence_id = licence["id"].as_str().expect("id").to_owned();
            let login = licence["login"]["login"]
                .as_str()
                .expect("login")
                .to_owned();
            let msisdn = licence["realizingResource"][0]["value"]
                .as_str()
                .expect("msisdn")
                .to_owned();
            sqlx::query(
                "UPDATE licences SET end_user_given_name = 'Claire', \
                 end_user_family_name = 'Durand', end_user_email = 'claire.durand@example.fr' \
                 WHERE id = $1",
            )
            .bind(&licence_id)
            .execute(db.pool())
            .await
            .expect("end user");

            let found = |text: &'static str| {
                let db = db.clone();
                async move {
                    search(&db, text)
                        .await
                        .expect("search")
                        .into_iter()
                        .map(|hit| (hit.kind, hit.id, hit.matched))
                        .collect::<Vec<_>>()
                }
            };
            assert!(found("m").await.is_empty(), "one letter is too short");
            // The customer by name; its logins start with its name too.
            let hits = found("menuiserie").await;
            assert_eq!(hits[0], ("customer", customer_id.clone(), "name"));
            assert!(
                hits[1..]
                    .iter()
                    .all(|(kind, _, matched)| (*kind, *matched) == ("licence", "login")),
                "{hits:?}"
            );
            assert_eq!(
                found("OBA-CUS-77").await,
                [("customer", customer_id.clone(), "reference")]
            );
            assert_eq!(
                found("OBA-ORD").await,
                [("order", order_id.clone(), "reference")]
            );
            let hits = search(&db, &order_id).await.expect("search");
            assert_eq!(hits.len(), 1);
            assert_eq!((hits[0].kind, hits[0].matched), ("order", "id"));
            let hits = search(&db, &login).await.expect("search");
            assert_eq!(hits[0].id, licence_id);
            assert_eq!(hits[0].matched, "login");
            let hits = search(&db, "claire.durand").await.expect("search");
            assert_eq!(
                (hits[0].id.as_str(), hits[0].matched),
                (licence_id.as_str(), "end_user")
            );
            let hits = search(&db, "durand").await.expect("search");
            assert_eq!(
                (hits[0].id.as_str(), hits[0].label.as_str()),
                (licence_id.as_str(), "Claire Durand")
            );
            let hits = search(&db, &msisdn).await.expect("search");
            assert_eq!(hits.len(), 1, "{hits:?}");
            assert_eq!((hits[0].kind, hits[0].matched), ("licence", "resource"));
            assert!(found("nothing-like-this").await.is_empty());
        });
    }
}
