//! The console's licence list, detail and partner-initiated changes, on both databases.

use fleetdesk_vocab::{CustomerId, EndUser, FleetId, LicenceId, ResourceType};
use sqlx::Row;

use super::*;
use crate::audit::{self, Actor};
use crate::clock;
use crate::db::Db;
use crate::offerings::{self, OfferingInput};
use crate::on_each_db;
use crate::orange::product_order;
use crate::orange::settings::ApiSettings;
use crate::orange::wire as orange_wire;
use crate::outbox;

const ATTR: &str = "userServiceAttributeValueChangeEvent";

/// A customer with 3 licences of PRO (an MSISDN each) and 2 of DOCS (one shared URL).
pub(super) struct Seeded {
    pub(super) customer: CustomerId,
    pub(super) fleet: FleetId,
    pub(super) pro: Vec<LicenceId>,
    pub(super) docs: Vec<LicenceId>,
}

pub(super) async fn seed(db: &Db) -> Seeded {
    for (code, name, kind, scope) in [
        ("PRO", "Pro", "msisdn", "per_licence"),
        ("DOCS", "Docs", "url", "per_customer"),
    ] {
        offerings::create(
            db,
            &crate::audit::Acting::system(),
            &OfferingInput {
                offer_code: code.into(),
                name: name.into(),
                resource_type: kind.into(),
                resource_scope: scope.into(),
                login_format: String::new(),
                provisioning: String::new(),
            },
        )
        .await
        .expect("offering");
    }
    let body = serde_json::json!({
        "externalReference": {"type": "orange", "id": "O-1"},
        "customer": {"externalReference": {"type": "orange", "id": "C-1"}, "name": "Acme"},
        "orderItem": [
            {"productOffering": {"externalReference": {"type": "orange", "id": "PRO"}},
             "productRef": {"userServiceQuantity": 3}},
            {"productOffering": {"externalReference": {"type": "orange", "id": "DOCS"}},
             "productRef": {"userServiceQuantity": 2}}
        ]
    })
    .to_string();
    let request: orange_wire::ProductOrderRequest =
        orange_wire::read_body(body.as_bytes()).expect("valid");
    product_order::place(
        db,
        &ApiSettings::default(),
        &request,
        body.as_bytes(),
        &crate::testing::orange(),
    )
    .await
    .expect("placed");
    let of = |code: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, LicenceId>(
                "SELECT l.id FROM licences l JOIN offerings o ON o.id = l.offering_id \
                 WHERE o.offer_code = $1 ORDER BY l.created_at, l.id",
            )
            .bind(code)
            .fetch_all(db.pool())
            .await
            .expect("licences")
        }
    };
    let row = sqlx::query("SELECT customer_id, fleet_id FROM licences LIMIT 1")
        .fetch_one(db.pool())
        .await
        .expect("a licence");
    Seeded {
        customer: row.try_get("customer_id").expect("customer"),
        fleet: row.try_get("fleet_id").expect("fleet"),
        pro: of("PRO").await,
        docs: of("DOCS").await,
    }
}

pub(super) fn acting() -> Acting {
    Acting {
        actor: Actor::operator("opr_test", "olga"),
        request_id: Some("req-1".to_owned()),
    }
}

fn claire() -> EndUser {
    EndUser::parse(
        "Claire",
        "Lefebvre",
        "claire.lefebvre@example.fr",
        "+33",
        "06 12 34 56 78",
    )
    .expect("valid")
}

/// The attribute change events about a licence, oldest first.
pub(super) async fn events_of(db: &Db, licence: &LicenceId) -> Vec<serde_json::Value> {
    outbox::list_all(db)
        .await
        .expect("outbox")
        .into_iter()
        .filter(|e| e.resource_id == licence.as_str() && e.event_type == ATTR)
        .map(|e| {
            assert_eq!(
                e.correlation_id, None,
                "partner changes carry no correlationId"
            );
            e.payload
        })
        .collect()
}

pub(super) async fn audit_actions(db: &Db, licence: &LicenceId) -> Vec<String> {
    let filter = audit::Filter {
        object_id: Some(licence.to_string()),
        ..audit::Filter::default()
    };
    audit::list(db, &filter, 50)
        .await
        .expect("audit")
        .into_iter()
        .map(|r| r.action)
        .collect()
}

fn ids(rows: &[LicenceRow]) -> Vec<LicenceId> {
    rows.iter().map(|r| r.id.clone()).collect()
}

async fn msisdn_of(db: &Db, licence: &LicenceId) -> ResourceDetail {
    detail(db, licence)
        .await
        .expect("detail")
        .expect("found")
        .resources
        .into_iter()
        .next()
        .expect("a resource")
}

#[tokio::test]
async fn the_list_filters_and_pages_newest_first() {
    on_each_db!(|db| async move {
        let seeded = seed(&db).await;
        let all = list(&db, &LicenceFilter::default(), None, 50)
            .await
            .expect("list");
        assert_eq!(all.len(), 5);
        assert!(
            all.iter()
                .all(|r| r.has_placeholder && r.state == LicenceState::Active)
        );
        assert!(
            all.windows(2)
                .all(|w| (&w[0].created_at, &w[0].id) > (&w[1].created_at, &w[1].id)),
            "newest first"
        );

        // Keyset pages of 2: nothing lost, nothing repeated, even when times are equal.
        let mut paged = Vec::new();
        let mut before = None;
        loop {
            let page = list(&db, &LicenceFilter::default(), before.clone(), 2)
                .await
                .expect("page");
            if page.is_empty() {
                break;
            }
            before = page
                .last()
                .map(|r| (r.created_at.clone(), r.id.to_string()));
            paged.extend(ids(&page));
        }
        assert_eq!(paged, ids(&all));

        let count_of = |filter: LicenceFilter| {
            let db = db.clone();
            async move {
                let found = list(&db, &filter, None, 50).await.expect("list");
                assert_eq!(
                    count(&db, &filter).await.expect("count"),
                    found.len() as i64
                );
                ids(&found)
            }
        };
        let pro_id: String =
            sqlx::query_scalar("SELECT id FROM offerings WHERE offer_code = 'PRO'")
                .fetch_one(db.pool())
                .await
                .expect("offering");
        let by_code = count_of(LicenceFilter {
            offering: Some("PRO".into()),
            ..LicenceFilter::default()
        })
        .await;
        assert_eq!(by_code.len(), 3);
        let by_id = count_of(LicenceFilter {
            offering: Some(pro_id),
            ..LicenceFilter::default()
        })
        .await;
        assert_eq!(by_code, by_id);
        for filter in [
            LicenceFilter {
                customer_id: Some(seeded.customer.clone()),
                ..LicenceFilter::default()
            },
            LicenceFilter {
                fleet_id: Some(seeded.fleet.clone()),
                ..LicenceFilter::default()
            },
            LicenceFilter {
                state: Some(LicenceState::Active),
                ..LicenceFilter::default()
            },
        ] {
            assert_eq!(count_of(filter).await.len(), 5);
        }
        assert!(
            count_of(LicenceFilter {
                state: Some(LicenceState::Suspended),
                ..LicenceFilter::default()
            })
            .await
            .is_empty()
        );

        set_end_user(&db, &seeded.pro[0], &claire(), &acting())
            .await
            .expect("assigned");
        let real = msisdn_of(&db, &seeded.pro[1]).await;
        replace_resource(&db, &seeded.pro[1], &real.id, "+33611223344", &acting())
            .await
            .expect("replaced");

        let with_user = LicenceFilter {
            end_user: Some(true),
            ..LicenceFilter::default()
        };
        assert_eq!(count_of(with_user).await, [seeded.pro[0].clone()]);
        let without_user = LicenceFilter {
            end_user: Some(false),
            ..LicenceFilter::default()
        };
        assert_eq!(count_of(without_user).await.len(), 4);
        let real_only = LicenceFilter {
            placeholder: Some(false),
            ..LicenceFilter::default()
        };
        assert_eq!(count_of(real_only).await, [seeded.pro[1].clone()]);
        let placeholders = LicenceFilter {
            placeholder: Some(true),
            ..LicenceFilter::default()
        };
        assert_eq!(count_of(placeholders).await.len(), 4);

        let by_email = LicenceFilter {
            text: Some("claire.lef".into()),
            ..LicenceFilter::default()
        };
        assert_eq!(count_of(by_email).await, [seeded.pro[0].clone()]);
        let login: String = sqlx::query_scalar("SELECT login FROM licences WHERE id = $1")
            .bind(&seeded.docs[1])
            .fetch_one(db.pool())
            .await
            .expect("login");
        let exact = LicenceFilter {
            text: Some(login.clone()),
            ..LicenceFilter::default()
        };
        assert_eq!(count_of(exact).await, [seeded.docs[1].clone()]);
        let prefix = LicenceFilter {
            text: Some("acme-".into()),
            ..LicenceFilter::default()
        };
        assert_eq!(
            count_of(prefix).await.len(),
            5,
            "logins start with the stem"
        );
        let literal = LicenceFilter {
            text: Some("acme%".into()),
            ..LicenceFilter::default()
        };
        assert!(count_of(literal).await.is_empty(), "% is not a wildcard");

        let row = all.iter().find(|r| r.id == seeded.docs[0]).expect("listed");
        assert_eq!(
            (row.offer_code.as_str(), row.customer_name.as_str()),
            ("DOCS", "Acme")
        );
    });
}

#[tokio::test]
async fn assigning_changing_and_removing_the_end_user_tells_orange_each_time() {
    on_each_db!(|db| async move {
        let seeded = seed(&db).await;
        let id = &seeded.pro[0];
        let before = detail(&db, id).await.expect("detail").expect("found");

        let changed = set_end_user(&db, id, &claire(), &acting())
            .await
            .expect("assigned");
        assert_eq!(changed.licences, std::slice::from_ref(id));
        let after = detail(&db, id).await.expect("detail").expect("found");
        assert_eq!(after.end_user, Some(claire()));
        assert!(after.updated_at > before.updated_at);
        let events = events_of(&db, id).await;
        assert_eq!(events.len(), 1);
        let user = &events[0]["event"]["userService"]["endUser"];
        assert_eq!(user["givenName"], "Claire");
        assert_eq!(user["email"], "claire.lefebvre@example.fr");
        assert_eq!(user["mobileTelephoneNumber"]["sn"], "612345678");
        assert_eq!(events[0]["event"]["userService"]["id"], id.as_str());
        assert!(events[0].get("correlationId").is_none());

        let same = set_end_user(&db, id, &claire(), &acting()).await;
        assert!(matches!(same, Err(ChangeError::Unchanged)));

        let hugo = EndUser::parse("Hugo", "Martin", "hugo@example.fr", "", "").expect("valid");
        set_end_user(&db, id, &hugo, &acting())
            .await
            .expect("changed");
        remove_end_user(&db, id, &acting()).await.expect("removed");
        assert!(matches!(
            remove_end_user(&db, id, &acting()).await,
            Err(ChangeError::NoEndUser)
        ));
        let events = events_of(&db, id).await;
        assert_eq!(events.len(), 3);
        assert_eq!(
            events[1]["event"]["userService"]["endUser"]["givenName"],
            "Hugo"
        );
        assert!(
            events[1]["event"]["userService"]["endUser"]
                .get("mobileTelephoneNumber")
                .is_none()
        );
        assert!(events[2]["event"]["userService"].get("endUser").is_none());
        assert_eq!(
            audit_actions(&db, id).await[..3],
            [
                "licence.end_user.remove",
                "licence.end_user.change",
                "licence.end_user.assign"
            ]
        );
        let detail = detail(&db, id).await.expect("detail").expect("found");
        assert_eq!(detail.end_user, None);
        let sources: Vec<&str> = detail.timeline.iter().map(|t| t.source).collect();
        assert_eq!(sources.iter().filter(|s| **s == "event").count(), 3);
        assert_eq!(detail.timeline[0].what, "licence.end_user.remove");
        assert!(detail.order_id.is_some());
    });
}

#[tokio::test]
async fn a_resource_is_replaced_only_with_a_valid_value_of_its_type() {
    on_each_db!(|db| async move {
        let seeded = seed(&db).await;
        let id = &seeded.pro[0];
        let placeholder = msisdn_of(&db, id).await;
        assert!(placeholder.placeholder_since.is_some());
        assert_eq!(placeholder.kind, ResourceType::Msisdn);

        for bad in ["0611223344", "+33 6 11", "hello"] {
            let refused = replace_resource(&db, id, &placeholder.id, bad, &acting()).await;
            assert!(
                matches!(
                    refused,
                    Err(ChangeError::InvalidResource(ResourceType::Msisdn, _))
                ),
                "{bad}: {refused:?}"
            );
        }
        let other = msisdn_of(&db, &seeded.pro[1]).await;
        assert!(matches!(
            replace_resource(&db, id, &other.id, "+33611223344", &acting()).await,
            Err(ChangeError::UnknownResource)
        ));
        assert_eq!(msisdn_of(&db, id).await, placeholder, "nothing changed");
        assert!(events_of(&db, id).await.is_empty());
        assert!(audit_actions(&db, id).await.is_empty());

        replace_resource(&db, id, &placeholder.id, "+33 6 11 22 33 44", &acting())
            .await
            .expect("replaced");
        let real = msisdn_of(&db, id).await;
        assert_eq!(
            (real.value.as_str(), real.placeholder_since),
            ("+33611223344", None)
        );
        let events = events_of(&db, id).await;
        assert_eq!(events.len(), 1);
        assert_eq!(
            events[0]["event"]["userService"]["realizingResource"][0],
            serde_json::json!({"type": "msisdn", "value": "+33611223344", "placeholder": false})
        );
        assert!(matches!(
            replace_resource(&db, id, &real.id, "+33611223344", &acting()).await,
            Err(ChangeError::Unchanged)
        ));
        assert_eq!(audit_actions(&db, id).await, ["licence.resource.replace"]);
    });
}

#[tokio::test]
async fn a_shared_resource_changes_for_every_licence_it_realizes() {
    on_each_db!(|db| async move {
        let seeded = seed(&db).await;
        let id = &seeded.docs[0];
        let shared = msisdn_of(&db, id).await;
        assert_eq!(
            (shared.scope.as_str(), shared.licences),
            ("per_customer", 2)
        );
        assert!(matches!(
            replace_resource(&db, id, &shared.id, "ftp://docs.example.fr", &acting()).await,
            Err(ChangeError::InvalidResource(ResourceType::Url, _))
        ));
        let changed = replace_resource(&db, id, &shared.id, "https://docs.acme.fr/", &acting())
            .await
            .expect("replaced");
        assert_eq!(changed.licences, seeded.docs);
        for licence in &seeded.docs {
            let events = events_of(&db, licence).await;
            assert_eq!(events.len(), 1, "{licence}");
            assert_eq!(
                events[0]["event"]["userService"]["realizingResource"][0]["value"],
                "https://docs.acme.fr/"
            );
            assert_eq!(
                msisdn_of(&db, licence).await.placeholder_since,
                None,
                "{licence}"
            );
        }
        assert!(events_of(&db, &seeded.pro[0]).await.is_empty());
    });
}

#[tokio::test]
async fn renewing_the_login_takes_the_customer_s_next_number() {
    on_each_db!(|db| async move {
        let seeded = seed(&db).await;
        let id = &seeded.pro[0];
        let old: String = sqlx::query_scalar("SELECT login FROM licences WHERE id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .expect("login");
        let changed = renew_login(&db, id, &acting()).await.expect("renewed");
        let new = changed.login.expect("a login");
        assert_ne!(new, old);
        assert_eq!(new, "acme-0006", "five licences took 1 to 5");
        let events = events_of(&db, id).await;
        assert_eq!(events.len(), 1);
        assert_eq!(
            events[0]["event"]["userService"]["login"]["login"],
            new.as_str()
        );
        assert_eq!(audit_actions(&db, id).await, ["licence.login.renew"]);
        let again = renew_login(&db, id, &acting()).await.expect("renewed");
        assert_eq!(again.login.as_deref(), Some("acme-0007"));
    });
}

#[tokio::test]
async fn terminated_licences_and_licences_with_an_operation_in_progress_refuse_changes() {
    on_each_db!(|db| async move {
        let seeded = seed(&db).await;
        let now = clock::now_text();
        sqlx::query("UPDATE licences SET state = 'terminated', terminated_at = $2 WHERE id = $1")
            .bind(&seeded.pro[0])
            .bind(&now)
            .execute(db.pool())
            .await
            .expect("terminated");
        sqlx::query(
            "UPDATE licences SET pending_operation = 'add', pending_since = $2 WHERE id = $1",
        )
        .bind(&seeded.pro[1])
        .bind(&now)
        .execute(db.pool())
        .await
        .expect("pending");
        for (id, terminated) in [(&seeded.pro[0], true), (&seeded.pro[1], false)] {
            let resource = msisdn_of(&db, id).await;
            let results = [
                set_end_user(&db, id, &claire(), &acting()).await,
                remove_end_user(&db, id, &acting()).await,
                replace_resource(&db, id, &resource.id, "+33611223344", &acting()).await,
                renew_login(&db, id, &acting()).await,
            ];
            for result in results {
                if terminated {
                    assert!(matches!(result, Err(ChangeError::Terminated)), "{result:?}");
                } else {
                    assert!(
                        matches!(result, Err(ChangeError::OperationInProgress)),
                        "{result:?}"
                    );
                }
            }
            assert!(events_of(&db, id).await.is_empty());
            assert!(audit_actions(&db, id).await.is_empty());
            assert_eq!(msisdn_of(&db, id).await, resource);
        }
        let found = detail(&db, &seeded.pro[0])
            .await
            .expect("detail")
            .expect("found");
        assert!(matches!(found.refusal(), Some(ChangeError::Terminated)));
        assert!(matches!(
            renew_login(&db, &"lic_nobody".into(), &acting()).await,
            Err(ChangeError::NotFound)
        ));
        assert!(
            detail(&db, &"lic_nobody".into())
                .await
                .expect("detail")
                .is_none()
        );
    });
}
