//! The licences still waiting for a real value, in the resource file's own format.

use super::*;
use fleetdesk_vocab::CustomerId;

/// The columns of [`placeholders_csv`]: a resource file as it reads it (`licence`, `type`,
/// `value`), with what helps fill it in.
pub const PLACEHOLDERS_HEADER: [&str; 7] = [
    "licence",
    "login",
    "customer",
    "customer_name",
    "type",
    "placeholder",
    "value",
];

/// Every licence still in service with a placeholder realizing resource (its own or its
/// customer's shared one), optionally of one customer, as CSV with an empty `value` column to
/// fill in and upload as a resource file.
pub fn placeholders_csv(
    db: Db,
    customer_id: Option<CustomerId>,
) -> impl Stream<Item = Result<Vec<u8>, DbError>> + Send + 'static {
    let sql = "SELECT l.id, l.login, c.id AS customer_id, c.name, r.type, r.value \
         FROM realizing_resources r JOIN licences l ON l.id = r.licence_id \
         JOIN customers c ON c.id = l.customer_id \
         WHERE r.placeholder_since IS NOT NULL AND l.state <> 'terminated' \
         AND ($1 IS NULL OR r.customer_id = $1) \
         UNION ALL SELECT l.id, l.login, c.id AS customer_id, c.name, r.type, r.value \
         FROM realizing_resources r JOIN licence_realizing_resources x \
         ON x.realizing_resource_id = r.id JOIN licences l ON l.id = x.licence_id \
         JOIN customers c ON c.id = l.customer_id \
         WHERE r.placeholder_since IS NOT NULL AND r.scope = 'per_customer' \
         AND l.state <> 'terminated' AND ($1 IS NULL OR r.customer_id = $1) \
         ORDER BY 3, 1, 5";
    csv_export::stream(
        db,
        sql.to_owned(),
        vec![Bind::Text(customer_id.map(CustomerId::into_string))],
        &PLACEHOLDERS_HEADER,
        |row| {
            let text = |name: &str| -> Result<String, DbError> {
                Ok(row.try_get::<Option<String>, _>(name)?.unwrap_or_default())
            };
            Ok(vec![
                text("id")?,
                text("login")?,
                text("customer_id")?,
                text("name")?,
                text("type")?,
                text("value")?,
                String::new(),
            ])
        },
    )
}
