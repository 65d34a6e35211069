//! productOrder (contract section 4): customer creation and licence orders, with the fleet policy,
//! logins, placeholder realizing resources and idempotency on Orange's `externalReference`.

use sqlx::{AnyConnection, Row};

use super::error::{ApiError, ErrorCode};
use super::settings::{ApiSettings, FleetPolicy, Mode, Operation};
use super::wire::{self, ExternalReference};
use super::{Answer, Caller, Failure, licences, with_retries};
use crate::db::{Db, DbError};
use crate::offerings::{self, Offering, slug};
use crate::resources::{ResourceScope, ResourceValue};
use crate::{audit, clock, ids};

/// The most licences one order item may ask for.
pub const MAX_QUANTITY: i64 = 100_000;
/// Rows per multi-row INSERT when creating licences.
const BATCH: usize = 200;

#[derive(Debug, Clone)]
enum CustomerPlan {
    /// `customer.id`: the partner's id of a known customer.
    ById(String),
    /// `customer.externalReference`: known, or created from the other fields.
    ByReference {
        reference: String,
        name: Option<String>,
        legal_id: Option<String>,
        address: Option<wire::Address>,
        characteristics: Vec<wire::Characteristic>,
    },
}

#[derive(Debug, Clone)]
struct PlannedItem {
    position: usize,
    orange_item_id: Option<String>,
    offering: Offering,
    offer_code: String,
    quantity: i64,
    requested_ref: Option<String>,
    characteristics: Vec<wire::Characteristic>,
}

#[derive(Debug, Clone)]
struct Planned {
    external_reference: String,
    category: Option<String>,
    order_date: Option<String>,
    requested_start_date: Option<String>,
    customer: CustomerPlan,
    contacts: Vec<wire::RelatedContact>,
    items: Vec<PlannedItem>,
    notes: Vec<wire::Note>,
}

impl Planned {
    fn operation(&self) -> Operation {
        if self.items.is_empty() {
            Operation::CustomerCreation
        } else {
            Operation::LicenceOrder
        }
    }
}

/// Everything that can be checked without the database's current state.
async fn plan(db: &Db, request: &wire::ProductOrderRequest) -> Result<Planned, ApiError> {
    let external_reference = request
        .external_reference
        .as_ref()
        .map(|r| r.0.clone())
        .ok_or_else(|| ApiError::missing("externalReference"))?;
    let customer = request
        .customer
        .as_ref()
        .ok_or_else(|| ApiError::missing("customer"))?;
    let customer = match (
        wire::optional_text(customer.id.as_deref()),
        &customer.external_reference,
    ) {
        (Some(id), _) => CustomerPlan::ById(id),
        (None, Some(reference)) => {
            if let Some(address) = &customer.address
                && let Some(country) = wire::optional_text(address.country.as_deref())
                && (country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()))
            {
                return Err(ApiError::invalid(
                    "customer.address.country",
                    "must be a two-letter country code",
                ));
            }
            CustomerPlan::ByReference {
                reference: reference.0.clone(),
                name: wire::optional_text(customer.name.as_deref()),
                legal_id: wire::optional_text(customer.legal_id.as_deref()),
                address: customer.address.clone(),
                characteristics: customer.characteristic.clone().unwrap_or_default(),
            }
        }
        (None, None) => return Err(ApiError::missing("customer.externalReference")),
    };
    let contacts = request.related_contact.clone().unwrap_or_default();
    for (i, contact) in contacts.iter().enumerate() {
        if let Some(phone) = &contact.fixed_telephone_number {
            phone.check(&format!("relatedContact[{i}].fixedTelephoneNumber"))?;
        }
        if let Some(phone) = &contact.mobile_telephone_number {
            phone.check(&format!("relatedContact[{i}].mobileTelephoneNumber"))?;
        }
        if let Some(email) = wire::optional_text(contact.email.as_deref())
            && ResourceValue::parse(crate::resources::ResourceType::Email, &email).is_err()
        {
            return Err(ApiError::invalid(
                &format!("relatedContact[{i}].email"),
                "is not an e-mail address",
            ));
        }
    }
    let mut items = Vec::new();
    for (i, item) in request.order_item.iter().flatten().enumerate() {
        let path = format!("orderItem[{i}]");
        if let Some(action) = wire::optional_text(item.action.as_deref())
            && action != "add"
        {
            return Err(ApiError::invalid(&format!("{path}.action"), "must be add"));
        }
        let offering = item
            .product_offering
            .as_ref()
            .ok_or_else(|| ApiError::missing(&format!("{path}.productOffering")))?;
        let code = offering.external_reference.as_ref().ok_or_else(|| {
            ApiError::missing(&format!("{path}.productOffering.externalReference"))
        })?;
        let product_ref = item
            .product_ref
            .as_ref()
            .ok_or_else(|| ApiError::missing(&format!("{path}.productRef")))?;
        let quantity = product_ref
            .user_service_quantity
            .ok_or_else(|| ApiError::missing(&format!("{path}.productRef.userServiceQuantity")))?;
        if !(1..=MAX_QUANTITY).contains(&quantity) {
            return Err(ApiError::invalid(
                &format!("{path}.productRef.userServiceQuantity"),
                &format!("must be between 1 and {MAX_QUANTITY}"),
            ));
        }
        let found = offerings::find_active_by_code(db.pool(), &code.0)
            .await?
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::UnknownOffer,
                    format!(
                        "{path}.productOffering.externalReference.id '{}' is not in the catalogue",
                        code.0
                    ),
                )
            })?;
        items.push(PlannedItem {
            position: i,
            orange_item_id: wire::optional_text(item.id.as_deref()),
            offer_code: code.0.clone(),
            offering: found,
            quantity,
            requested_ref: wire::optional_text(product_ref.id.as_deref()),
            characteristics: product_ref.characteristic.clone().unwrap_or_default(),
        });
    }
    Ok(Planned {
        external_reference,
        category: wire::optional_text(request.category.as_deref()),
        order_date: wire::optional_date(request.order_date.as_deref(), "orderDate")?,
        requested_start_date: wire::optional_date(
            request.requested_start_date.as_deref(),
            "requestedStartDate",
        )?,
        customer,
        contacts,
        items,
        notes: request.note.clone().unwrap_or_default(),
    })
}

/// `POST /productOrder`.
pub async fn place(
    db: &Db,
    settings: &ApiSettings,
    request: &wire::ProductOrderRequest,
    body: &[u8],
    caller: &Caller,
) -> Result<Answer, ApiError> {
    let planned = plan(db, request).await?;
    let hash = wire::fingerprint(body);
    let mode = settings.mode(planned.operation());
    let request_json = String::from_utf8_lossy(body).into_owned();
    with_retries(|| {
        place_once(
            db,
            settings.fleet_policy,
            mode,
            &planned,
            &hash,
            &request_json,
            caller,
        )
    })
    .await
}

async fn place_once(
    db: &Db,
    policy: FleetPolicy,
    mode: Mode,
    planned: &Planned,
    hash: &str,
    request_json: &str,
    caller: &Caller,
) -> Result<Answer, Failure> {
    let mut tx = db.begin_write().await?;
    if let Some(answer) = replay(&mut tx, &planned.external_reference, hash).await? {
        return Ok(answer);
    }
    let now = clock::now_text();
    let (customer_id, stem, created_customer) =
        resolve_customer(&mut tx, &planned.customer, &now).await?;
    let order_id = ids::new_id("ord");
    sqlx::query(
        "INSERT INTO product_orders (id, external_reference, request_hash, customer_id, mode, \
         state, category, order_date, requested_start_date, completed_at, notes_json, \
         related_contacts_json, request_json, credential_id, request_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)",
    )
    .bind(&order_id)
    .bind(&planned.external_reference)
    .bind(hash)
    .bind(&customer_id)
    .bind(mode.as_str())
    .bind(if mode == Mode::Sync {
        "completed"
    } else {
        "acknowledged"
    })
    .bind(&planned.category)
    .bind(&planned.order_date)
    .bind(&planned.requested_start_date)
    .bind((mode == Mode::Sync).then_some(now.as_str()))
    .bind(json_list(&planned.notes))
    .bind(json_list(&planned.contacts))
    .bind(request_json)
    .bind(&caller.credential_id)
    .bind(&caller.request_id)
    .bind(&now)
    .execute(&mut *tx)
    .await?;

    for contact in &planned.contacts {
        insert_contact(&mut tx, &customer_id, &order_id, contact, &now).await?;
    }

    let mut order_fleet: Option<String> = None;
    let mut licence_count = 0;
    for item in &planned.items {
        let fleet_id = choose_fleet(
            &mut tx,
            policy,
            &customer_id,
            &order_id,
            item,
            &mut order_fleet,
            &now,
        )
        .await?;
        let item_id = ids::new_id("itm");
        sqlx::query(
            "INSERT INTO product_order_items (id, order_id, position, orange_item_id, action, \
             offering_id, offer_code, quantity, requested_product_ref_id, fleet_id, \
             characteristics_json, state, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'add', $5, $6, $7, $8, $9, $10, $11, $12, $12)",
        )
        .bind(&item_id)
        .bind(&order_id)
        .bind(i64::try_from(item.position).unwrap_or(i64::MAX))
        .bind(&item.orange_item_id)
        .bind(&item.offering.id)
        .bind(&item.offer_code)
        .bind(item.quantity)
        .bind(&item.requested_ref)
        .bind(&fleet_id)
        .bind(json_list(&item.characteristics))
        .bind(if mode == Mode::Sync {
            "completed"
        } else {
            "acknowledged"
        })
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        create_licences(
            &mut tx,
            &customer_id,
            &stem,
            &fleet_id,
            &item_id,
            item,
            mode,
            &now,
        )
        .await?;
        licence_count += item.quantity;
    }

    let answer = match mode {
        Mode::Sync => {
            let order = render(&mut tx, &order_id)
                .await?
                .ok_or_else(ApiError::internal)?;
            Answer::new(201, &order, ("order", &order_id))
        }
        Mode::Async => {
            let ack = wire::ProductOrder {
                id: order_id.clone(),
                external_reference: ExternalReference::orange(&planned.external_reference),
                category: planned.category.clone(),
                state: "acknowledged".to_owned(),
                order_date: planned.order_date.clone(),
                requested_start_date: planned.requested_start_date.clone(),
                completion_date: None,
                customer: wire::CustomerRef {
                    id: customer_id.clone(),
                    external_reference: None,
                    name: None,
                },
                related_contact: Vec::new(),
                order_item: Vec::new(),
                note: Vec::new(),
            };
            Answer::new(201, &ack, ("order", &order_id)).queued()
        }
    };
    sqlx::query("UPDATE product_orders SET response_status = $2, response_json = $3 WHERE id = $1")
        .bind(&order_id)
        .bind(i64::from(answer.status))
        .bind(answer.body.to_string())
        .execute(&mut *tx)
        .await?;
    if created_customer {
        audit::record(
            &mut *tx,
            &caller
                .audit("orange.customer.create", "customer", &customer_id)
                .after(serde_json::json!({"order": order_id})),
        )
        .await?;
    }
    audit::record(
        &mut *tx,
        &caller
            .audit("orange.order.create", "order", &order_id)
            .after(serde_json::json!({
                "externalReference": planned.external_reference,
                "customer": customer_id,
                "mode": mode.as_str(),
                "items": planned.items.len(),
                "licences": licence_count,
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(answer)
}

/// A list kept as JSON text: `None` when there is nothing to keep.
fn json_list<T: serde::Serialize>(items: &[T]) -> Option<String> {
    if items.is_empty() {
        None
    } else {
        serde_json::to_string(items).ok()
    }
}

/// The first answer again for a retried order (asynchronous: its current state), or
/// `IDEMPOTENCY_MISMATCH`.
async fn replay(
    conn: &mut AnyConnection,
    reference: &str,
    hash: &str,
) -> Result<Option<Answer>, Failure> {
    let Some(seen) = super::seen(conn, "product_orders", "order", reference, hash).await? else {
        return Ok(None);
    };
    let body = if seen.asynchronous {
        let order = render(conn, &seen.id)
            .await?
            .ok_or_else(ApiError::internal)?;
        serde_json::to_value(order).unwrap_or_default()
    } else {
        seen.stored.ok_or_else(ApiError::internal)?
    };
    Ok(Some(Answer {
        status: seen.status,
        body,
        object: Some(("order".to_owned(), seen.id)),
        work_queued: false,
    }))
}

/// Finds or creates the order's customer: `(id, login stem, created)`.
async fn resolve_customer(
    conn: &mut AnyConnection,
    plan: &CustomerPlan,
    now: &str,
) -> Result<(String, String, bool), Failure> {
    match plan {
        CustomerPlan::ById(id) => {
            let row = sqlx::query("SELECT id, login_stem FROM customers WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
            let row = row.ok_or_else(|| {
                ApiError::new(
                    ErrorCode::UnknownCustomer,
                    format!("customer.id '{id}' is not a known customer"),
                )
            })?;
            Ok((row.try_get("id")?, stem_of(&row)?, false))
        }
        CustomerPlan::ByReference {
            reference,
            name,
            legal_id,
            address,
            characteristics,
        } => {
            let row =
                sqlx::query("SELECT id, login_stem FROM customers WHERE external_reference = $1")
                    .bind(reference)
                    .fetch_optional(&mut *conn)
                    .await?;
            if let Some(row) = row {
                return Ok((row.try_get("id")?, stem_of(&row)?, false));
            }
            let name = name
                .clone()
                .ok_or_else(|| ApiError::missing("customer.name"))?;
            let stem = free_stem(conn, &slug(&name, 20)).await?;
            let id = ids::new_id("cus");
            let address = address.clone().unwrap_or_default();
            sqlx::query(
                "INSERT INTO customers (id, external_reference, name, legal_id, address_street, \
                 address_postcode, address_city, address_country, characteristics_json, \
                 login_seq, login_stem, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11, $11)",
            )
            .bind(&id)
            .bind(reference)
            .bind(&name)
            .bind(legal_id)
            .bind(wire::optional_text(address.street.as_deref()))
            .bind(wire::optional_text(address.postcode.as_deref()))
            .bind(wire::optional_text(address.city.as_deref()))
            .bind(wire::optional_text(address.country.as_deref()).map(|c| c.to_ascii_uppercase()))
            .bind(json_list(characteristics))
            .bind(&stem)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            Ok((id, stem, true))
        }
    }
}

/// The customer's login stem from a row with a `login_stem` column (customers made before stems
/// existed have none).
pub(crate) fn stem_of(row: &sqlx::any::AnyRow) -> Result<String, sqlx::Error> {
    let stem: Option<String> = row.try_get("login_stem")?;
    Ok(stem.unwrap_or_else(|| "customer".to_owned()))
}

/// `base`, or `base-2`, `base-3`... whichever no other customer has.
async fn free_stem(conn: &mut AnyConnection, base: &str) -> Result<String, Failure> {
    let taken: Vec<String> = sqlx::query_scalar(
        "SELECT login_stem FROM customers WHERE login_stem = $1 OR login_stem LIKE $2",
    )
    .bind(base)
    .bind(format!("{base}-%"))
    .fetch_all(&mut *conn)
    .await?;
    if !taken.iter().any(|t| t == base) {
        return Ok(base.to_owned());
    }
    let mut n = 2;
    loop {
        let candidate = format!("{base}-{n}");
        if !taken.contains(&candidate) {
            return Ok(candidate);
        }
        n += 1;
    }
}

async fn insert_contact(
    conn: &mut AnyConnection,
    customer_id: &str,
    order_id: &str,
    contact: &wire::RelatedContact,
    now: &str,
) -> Result<(), Failure> {
    let fixed = contact.fixed_telephone_number.as_ref();
    let mobile = contact.mobile_telephone_number.as_ref();
    sqlx::query(
        "INSERT INTO customer_contacts (id, customer_id, order_id, role, given_name, family_name, \
         email, fixed_cc, fixed_sn, mobile_cc, mobile_sn, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
    )
    .bind(ids::new_id("ctc"))
    .bind(customer_id)
    .bind(order_id)
    .bind(wire::optional_text(contact.role.as_deref()))
    .bind(wire::optional_text(contact.given_name.as_deref()))
    .bind(wire::optional_text(contact.family_name.as_deref()))
    .bind(wire::optional_text(contact.email.as_deref()))
    .bind(fixed.map(|p| p.cc.clone()))
    .bind(fixed.map(|p| p.sn.clone()))
    .bind(mobile.map(|p| p.cc.clone()))
    .bind(mobile.map(|p| p.sn.clone()))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The fleet (productRefId) an item's licences go into, by the fleet policy.
async fn choose_fleet(
    conn: &mut AnyConnection,
    policy: FleetPolicy,
    customer_id: &str,
    order_id: &str,
    item: &PlannedItem,
    order_fleet: &mut Option<String>,
    now: &str,
) -> Result<String, Failure> {
    let requested = match &item.requested_ref {
        None => None,
        Some(fleet_id) => {
            let row = sqlx::query("SELECT customer_id, offering_id FROM fleets WHERE id = $1")
                .bind(fleet_id)
                .fetch_optional(&mut *conn)
                .await?;
            let path = format!("orderItem[{}].productRef.id", item.position);
            let row = row.ok_or_else(|| {
                ApiError::new(
                    ErrorCode::UnknownProductRef,
                    format!("{path} '{fleet_id}' is not a known productRefId"),
                )
            })?;
            let owner: String = row.try_get("customer_id")?;
            if owner != customer_id {
                return Err(ApiError::new(
                    ErrorCode::ProductRefMismatch,
                    format!("{path} '{fleet_id}' belongs to another customer"),
                )
                .into());
            }
            let offering: Option<String> = row.try_get("offering_id")?;
            Some((fleet_id.clone(), offering))
        }
    };
    match policy {
        FleetPolicy::PerCustomer => {
            let existing: Option<String> = sqlx::query_scalar(
                "SELECT id FROM fleets WHERE customer_id = $1 AND policy = 'perCustomer'",
            )
            .bind(customer_id)
            .fetch_optional(&mut *conn)
            .await?;
            match existing {
                Some(id) => Ok(id),
                None => {
                    new_fleet(
                        conn,
                        customer_id,
                        FleetPolicy::PerCustomer,
                        None,
                        order_id,
                        now,
                    )
                    .await
                }
            }
        }
        FleetPolicy::PerOrder => {
            if let Some((id, _)) = requested {
                return Ok(id);
            }
            if let Some(id) = order_fleet {
                return Ok(id.clone());
            }
            let id = new_fleet(
                conn,
                customer_id,
                FleetPolicy::PerOrder,
                None,
                order_id,
                now,
            )
            .await?;
            *order_fleet = Some(id.clone());
            Ok(id)
        }
        FleetPolicy::PerOffering => {
            if let Some((id, Some(offering))) = &requested
                && *offering == item.offering.id
            {
                return Ok(id.clone());
            }
            let existing: Option<String> = sqlx::query_scalar(
                "SELECT id FROM fleets WHERE customer_id = $1 AND offering_id = $2",
            )
            .bind(customer_id)
            .bind(&item.offering.id)
            .fetch_optional(&mut *conn)
            .await?;
            match existing {
                Some(id) => Ok(id),
                None => {
                    new_fleet(
                        conn,
                        customer_id,
                        FleetPolicy::PerOffering,
                        Some(&item.offering.id),
                        order_id,
                        now,
                    )
                    .await
                }
            }
        }
    }
}

async fn new_fleet(
    conn: &mut AnyConnection,
    customer_id: &str,
    policy: FleetPolicy,
    offering_id: Option<&str>,
    order_id: &str,
    now: &str,
) -> Result<String, Failure> {
    let id = ids::new_id("flt");
    sqlx::query(
        "INSERT INTO fleets (id, customer_id, policy, offering_id, created_by_order_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(customer_id)
    .bind(policy.as_str())
    .bind(offering_id)
    .bind(order_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Creates an item's licences with their logins and placeholder realizing resources, in batches.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site, every value is needed"
)]
async fn create_licences(
    conn: &mut AnyConnection,
    customer_id: &str,
    stem: &str,
    fleet_id: &str,
    item_id: &str,
    item: &PlannedItem,
    mode: Mode,
    now: &str,
) -> Result<(), Failure> {
    let last = reserve_login_numbers(conn, customer_id, item.quantity, now).await?;
    let first = last - item.quantity + 1;
    let offering = &item.offering;
    let characteristics = json_list(&item.characteristics);
    let (state, pending_op, pending_since) = match mode {
        Mode::Sync => ("active", None, None),
        Mode::Async => ("pending", Some("add"), Some(now)),
    };
    let shared = match (
        offering.resource_scope,
        ResourceValue::placeholder(offering.resource_type, stem, 0),
    ) {
        (ResourceScope::PerCustomer, Some(placeholder)) => {
            Some(shared_resource(conn, customer_id, &placeholder, now).await?)
        }
        _ => None,
    };
    let seqs: Vec<i64> = (first..=last).collect();
    for chunk in seqs.chunks(BATCH) {
        let licence_ids: Vec<String> = chunk.iter().map(|_| ids::new_id("lic")).collect();
        let sql = format!(
            "INSERT INTO licences (id, fleet_id, customer_id, offering_id, state, login, \
             login_created_at, characteristics_json, order_item_id, pending_operation, \
             pending_since, created_at, updated_at) VALUES {}",
            values(chunk.len(), 13)
        );
        let mut query = sqlx::query(&sql);
        for (licence_id, seq) in licence_ids.iter().zip(chunk) {
            let seq_u = u64::try_from(*seq).unwrap_or_default();
            query = query
                .bind(licence_id.clone())
                .bind(fleet_id.to_owned())
                .bind(customer_id.to_owned())
                .bind(offering.id.clone())
                .bind(state)
                .bind(
                    offering
                        .login_format
                        .render(stem, &offering.offer_code, seq_u),
                )
                .bind(now.to_owned())
                .bind(characteristics.clone())
                .bind(item_id.to_owned())
                .bind(pending_op)
                .bind(pending_since.map(str::to_owned))
                .bind(now.to_owned())
                .bind(now.to_owned());
        }
        query.execute(&mut *conn).await?;

        match &shared {
            Some(resource_id) => {
                let sql = format!(
                    "INSERT INTO licence_realizing_resources (licence_id, realizing_resource_id, \
                     created_at) VALUES {}",
                    values(chunk.len(), 3)
                );
                let mut query = sqlx::query(&sql);
                for licence_id in &licence_ids {
                    query = query
                        .bind(licence_id.clone())
                        .bind(resource_id.clone())
                        .bind(now.to_owned());
                }
                query.execute(&mut *conn).await?;
            }
            None if offering.resource_type != crate::resources::ResourceType::None => {
                let sql = format!(
                    "INSERT INTO realizing_resources (id, customer_id, scope, licence_id, type, \
                     value, placeholder_since, created_at, updated_at) VALUES {}",
                    values(chunk.len(), 9)
                );
                let mut query = sqlx::query(&sql);
                for (licence_id, seq) in licence_ids.iter().zip(chunk) {
                    let seq_u = u64::try_from(*seq).unwrap_or_default();
                    let value = ResourceValue::placeholder(offering.resource_type, stem, seq_u)
                        .map(|v| v.as_str().to_owned())
                        .unwrap_or_default();
                    query = query
                        .bind(ids::new_id("rr"))
                        .bind(customer_id.to_owned())
                        .bind("per_licence")
                        .bind(licence_id.clone())
                        .bind(offering.resource_type.as_str())
                        .bind(value)
                        .bind(now.to_owned())
                        .bind(now.to_owned())
                        .bind(now.to_owned());
                }
                query.execute(&mut *conn).await?;
            }
            None => {}
        }
    }
    Ok(())
}

/// Takes the next `count` numbers of the customer's login counter and returns the last one (the
/// first is `last - count + 1`). The UPDATE also serialises concurrent orders of one customer.
pub(crate) async fn reserve_login_numbers(
    conn: &mut AnyConnection,
    customer_id: &str,
    count: i64,
    now: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE customers SET login_seq = login_seq + $2, updated_at = $3 WHERE id = $1 \
         RETURNING login_seq",
    )
    .bind(customer_id)
    .bind(count)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
}

/// `($1, …, $cols), ($cols+1, …)`: the placeholders of a multi-row INSERT.
fn values(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|row| {
            let cells: Vec<String> = (1..=cols).map(|c| format!("${}", row * cols + c)).collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The customer's shared resource of this type, created with a placeholder when missing.
async fn shared_resource(
    conn: &mut AnyConnection,
    customer_id: &str,
    placeholder: &ResourceValue,
    now: &str,
) -> Result<String, Failure> {
    let existing: Option<String> = sqlx::query_scalar(
        "SELECT id FROM realizing_resources WHERE customer_id = $1 AND type = $2 \
         AND scope = 'per_customer'",
    )
    .bind(customer_id)
    .bind(placeholder.kind().as_str())
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let id = ids::new_id("rr");
    sqlx::query(
        "INSERT INTO realizing_resources (id, customer_id, scope, licence_id, type, value, \
         placeholder_since, created_at, updated_at) \
         VALUES ($1, $2, 'per_customer', NULL, $3, $4, $5, $5, $5)",
    )
    .bind(&id)
    .bind(customer_id)
    .bind(placeholder.kind().as_str())
    .bind(placeholder.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// An order as Orange sees it: its current state, items and the licences they created.
pub(crate) async fn render(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<wire::ProductOrder>, DbError> {
    let row = sqlx::query(
        "SELECT o.id, o.external_reference, o.category, o.state, o.order_date, \
         o.requested_start_date, o.completed_at, o.notes_json, o.related_contacts_json, \
         c.id AS customer_id, c.external_reference AS customer_ref, c.name AS customer_name \
         FROM product_orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let json_list = |text: Option<String>| -> Result<serde_json::Value, DbError> {
        text.map(|t| serde_json::from_str(&t))
            .transpose()
            .map_err(|e| DbError::Corrupt(format!("order JSON: {e}")))
            .map(|v| v.unwrap_or(serde_json::Value::Array(Vec::new())))
    };
    let notes: Vec<wire::Note> = serde_json::from_value(json_list(row.try_get("notes_json")?)?)
        .map_err(|e| DbError::Corrupt(format!("order notes: {e}")))?;
    let contacts: Vec<wire::RelatedContact> =
        serde_json::from_value(json_list(row.try_get("related_contacts_json")?)?)
            .map_err(|e| DbError::Corrupt(format!("order contacts: {e}")))?;
    let items = sqlx::query(
        "SELECT i.id, i.orange_item_id, i.action, i.state, i.offer_code, i.quantity, i.fleet_id, \
         i.characteristics_json, f.name AS offering_name \
         FROM product_order_items i JOIN offerings f ON f.id = i.offering_id \
         WHERE i.order_id = $1 ORDER BY i.position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut order_items = Vec::with_capacity(items.len());
    for item in &items {
        let item_id: String = item.try_get("id")?;
        let offer_code: String = item.try_get("offer_code")?;
        let characteristics: Vec<wire::Characteristic> =
            serde_json::from_value(json_list(item.try_get("characteristics_json")?)?)
                .map_err(|e| DbError::Corrupt(format!("item characteristics: {e}")))?;
        let licences = licences::load_for_item(conn, &item_id).await?;
        order_items.push(wire::OrderItem {
            id: item.try_get("orange_item_id")?,
            action: item.try_get("action")?,
            state: item.try_get("state")?,
            product_offering: wire::ProductOffering {
                name: Some(item.try_get("offering_name")?),
                external_reference: ExternalReference::orange(&offer_code),
            },
            product_ref: wire::ProductRef {
                id: item.try_get("fleet_id")?,
                user_service_quantity: item.try_get("quantity")?,
                characteristic: characteristics,
                user_service: licences.into_iter().map(licences::summary).collect(),
            },
        });
    }
    let customer_ref: String = row.try_get("customer_ref")?;
    let external_reference: String = row.try_get("external_reference")?;
    Ok(Some(wire::ProductOrder {
        id: row.try_get("id")?,
        external_reference: ExternalReference::orange(&external_reference),
        category: row.try_get("category")?,
        state: row.try_get("state")?,
        order_date: row.try_get("order_date")?,
        requested_start_date: row.try_get("requested_start_date")?,
        completion_date: row.try_get("completed_at")?,
        customer: wire::CustomerRef {
            id: row.try_get("customer_id")?,
            external_reference: Some(ExternalReference::orange(&customer_ref)),
            name: Some(row.try_get("customer_name")?),
        },
        related_contact: contacts,
        order_item: order_items,
        note: notes,
    }))
}

/// `GET /productOrder/{id}`.
pub async fn get(db: &Db, id: &str) -> Result<Answer, ApiError> {
    let mut conn = db.pool().acquire().await?;
    let order = render(&mut conn, id).await?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::UnknownOrder,
            format!("no productOrder with id {id}"),
        )
    })?;
    Ok(Answer::new(200, &order, ("order", id)))
}
