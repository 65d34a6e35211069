//! Reading a productOrder into a plan: the customer, and each item's offering and quantity,
//! checked before anything is written.

use fleetdesk_vocab::{CustomerId, FleetId};
use fleetdesk_vocab::{ResourceType, ResourceValue};

use super::MAX_QUANTITY;
use crate::db::Db;
use crate::offerings;
use crate::orange::wire;
use crate::orange::{ApiError, ErrorCode};
use crate::orders::{CustomerPlan, Planned, PlannedItem};

/// Everything that can be checked without the database's current state.
pub(super) async fn plan(
    db: &Db,
    request: &wire::ProductOrderRequest,
) -> Result<Planned, ApiError> {
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
        wire::optional_text(customer.id.as_ref().map(CustomerId::as_str)),
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
            && ResourceValue::parse(ResourceType::Email, &email).is_err()
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
            requested_ref: wire::optional_text(product_ref.id.as_ref().map(FleetId::as_str)),
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
