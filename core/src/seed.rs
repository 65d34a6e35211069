//! Large, realistic data sets written straight to the database (`fleetdesk seed`): French business
//! customers with a fleet each, licences of every active offering with logins, end users and
//! realizing resources (some still placeholders), in the states a living installation has. Rows
//! are written in multi-row statements, a batch of customers per transaction, not through the
//! API: for trying the console at scale and for the benchmarks.
//!
//! Each run has its own tag in Orange's references and the login stems, so a second run adds to
//! the first. An empty catalogue gets the demo offerings first (one per kind of realizing
//! resource).

use fleetdesk_vocab::{CustomerId, FleetId, LicenceId, ResourceId, ResourceScope, ResourceType};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::AnyConnection;

use crate::audit::Acting;
use crate::clock;
use crate::db::{Db, DbError, placeholders};
use crate::ids;
use crate::offerings::{self, Offering, OfferingInput, slug};

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub customers: u64,
    pub licences_per_customer: u64,
    /// The same seed writes the same names, states and values (ids and times differ).
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seeded {
    pub customers: u64,
    pub licences: u64,
    pub resources: u64,
    /// Offer codes of the demo offerings created because the catalogue was empty.
    pub offerings_created: Vec<String>,
    /// Orange's reference of the first customer written.
    pub first_reference: Option<String>,
}

/// The catalogue an empty installation gets: one offering per kind of realizing resource.
pub const DEMO_OFFERINGS: [(&str, &str, &str, &str); 4] = [
    ("OFFER-MOBILE-PRO", "Mobile Pro", "msisdn", "per_licence"),
    (
        "OFFER-MAIL-BIZ",
        "Messagerie Business",
        "email",
        "per_licence",
    ),
    ("OFFER-DEVICE-CARE", "Device Care", "imei", "per_licence"),
    ("OFFER-PORTAL", "Portail Entreprise", "url", "per_customer"),
];

const TRADES: [&str; 16] = [
    "Boulangerie",
    "Transports",
    "Cabinet",
    "Garage",
    "Pharmacie",
    "Atelier",
    "Menuiserie",
    "Imprimerie",
    "Agence",
    "Clinique",
    "Librairie",
    "Fromagerie",
    "Plomberie",
    "Studio",
    "Hôtel",
    "Laboratoire",
];
const FAMILY_NAMES: [&str; 24] = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier",
];
const GIVEN_NAMES: [&str; 20] = [
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Julie", "Claire", "Élodie", "Anaïs",
    "Lucas", "Hugo", "Louis", "Nathan", "Théo", "Arthur", "Jules", "Antoine", "Maxime", "Thomas",
];
const CITIES: [(&str, &str); 12] = [
    ("Paris", "75011"),
    ("Lyon", "69003"),
    ("Marseille", "13006"),
    ("Toulouse", "31000"),
    ("Nantes", "44000"),
    ("Bordeaux", "33000"),
    ("Lille", "59000"),
    ("Rennes", "35000"),
    ("Strasbourg", "67000"),
    ("Montpellier", "34000"),
    ("Grenoble", "38000"),
    ("Dijon", "21000"),
];
const STREETS: [&str; 8] = [
    "rue de la République",
    "avenue Jean Jaurès",
    "boulevard Victor Hugo",
    "rue du Moulin",
    "place de la Mairie",
    "rue Pasteur",
    "avenue de la Gare",
    "rue des Lilas",
];

/// Customers written per transaction.
const CUSTOMERS_PER_BATCH: usize = 50;
/// Rows per multi-row statement: far below both databases' limits on bound parameters.
const ROWS_PER_STATEMENT: usize = 400;

/// Why seeding stopped; what was written before stays.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("nothing to write: give at least one customer")]
    Empty,
    #[error("failed to create the demo offerings: {0}")]
    Offerings(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for SeedError {
    fn from(error: sqlx::Error) -> Self {
        SeedError::Db(error.into())
    }
}

/// Writes the plan; `progress` is told the licences written so far after each batch.
pub async fn seed(
    db: &Db,
    plan: &Plan,
    mut progress: impl FnMut(u64),
) -> Result<Seeded, SeedError> {
    if plan.customers == 0 {
        return Err(SeedError::Empty);
    }
    let mut seeded = Seeded::default();
    let mut catalogue: Vec<Offering> = offerings::list(db)
        .await?
        .into_iter()
        .filter(Offering::is_active)
        .collect();
    if catalogue.is_empty() {
        for (code, name, kind, scope) in DEMO_OFFERINGS {
            let created = offerings::create(
                db,
                &Acting::system(),
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
            .map_err(|error| SeedError::Offerings(error.to_string()))?;
            seeded.offerings_created.push(code.to_owned());
            catalogue.push(created);
        }
    }
    let mut rng = StdRng::seed_from_u64(plan.seed);
    // The run's tag: Orange's references and login stems stay unique across runs.
    let tag = ids::new_text("")
        .chars()
        .rev()
        .take(5)
        .collect::<String>()
        .to_lowercase();
    let now = clock::now_text();
    let mut next = 0u64;
    while next < plan.customers {
        let batch = (plan.customers - next).min(CUSTOMERS_PER_BATCH as u64);
        let rows = (next..next + batch)
            .map(|n| customer(&mut rng, &catalogue, plan, &tag, n))
            .collect::<Vec<_>>();
        let mut tx = db.begin_write().await?;
        write(&mut tx, &rows, &now).await?;
        tx.commit().await?;
        if seeded.first_reference.is_none() {
            seeded.first_reference = rows.first().map(|c| c.reference.clone());
        }
        seeded.customers += batch;
        seeded.licences += rows.iter().map(|c| c.licences.len() as u64).sum::<u64>();
        seeded.resources += rows.iter().map(|c| c.resources.len() as u64).sum::<u64>();
        next += batch;
        progress(seeded.licences);
    }
    Ok(seeded)
}

/// One customer as it will be written.
struct CustomerRows {
    id: CustomerId,
    reference: String,
    name: String,
    legal_id: String,
    street: String,
    postcode: String,
    city: String,
    stem: String,
    fleet: FleetId,
    licences: Vec<LicenceRow>,
    resources: Vec<ResourceRow>,
    /// (licence, shared resource) links.
    links: Vec<(LicenceId, ResourceId)>,
}

struct LicenceRow {
    id: LicenceId,
    offering: String,
    state: &'static str,
    login: String,
    end_user: Option<(String, String, String)>,
    terminated: bool,
}

struct ResourceRow {
    id: ResourceId,
    licence: Option<LicenceId>,
    kind: ResourceType,
    value: String,
    placeholder: bool,
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

fn customer(
    rng: &mut StdRng,
    catalogue: &[Offering],
    plan: &Plan,
    tag: &str,
    n: u64,
) -> CustomerRows {
    let family = *pick(rng, &FAMILY_NAMES);
    let name = format!("{} {family}", pick(rng, &TRADES));
    let (city, postcode) = *pick(rng, &CITIES);
    let id = ids::new_id::<CustomerId>();
    let stem = format!("{}-{tag}{n}", slug(&name, 14));
    let mut rows = CustomerRows {
        reference: format!("OBA-SEED-{}-{n:06}", tag.to_uppercase()),
        legal_id: format!("{:09}", rng.gen_range(100_000_000u64..999_999_999)),
        street: format!("{} {}", rng.gen_range(1..120), pick(rng, &STREETS)),
        postcode: postcode.to_owned(),
        city: city.to_owned(),
        fleet: ids::new_id::<FleetId>(),
        licences: Vec::new(),
        resources: Vec::new(),
        links: Vec::new(),
        id,
        name,
        stem,
    };
    let mut shared: Vec<(ResourceType, ResourceId)> = Vec::new();
    for seq in 1..=plan.licences_per_customer {
        let offering = &catalogue[(seq as usize - 1) % catalogue.len()];
        let licence = ids::new_id::<LicenceId>();
        let roll = rng.gen_range(0..100);
        let (state, terminated) = match roll {
            0..=79 => ("active", false),
            80..=91 => ("suspended", false),
            _ => ("terminated", true),
        };
        let end_user = (rng.gen_range(0..100) < 65).then(|| {
            let given = *pick(rng, &GIVEN_NAMES);
            let family = *pick(rng, &FAMILY_NAMES);
            let email = format!(
                "{}.{}@{}.fr",
                slug(given, 20),
                slug(family, 20),
                slug(&rows.name, 30)
            );
            (given.to_owned(), family.to_owned(), email)
        });
        let placeholder = rng.gen_range(0..100) < 12;
        let kind = offering.resource_type;
        if kind != ResourceType::None {
            let value = if placeholder {
                fleetdesk_vocab::ResourceValue::placeholder(kind, &rows.stem, seq)
                    .map(|v| v.as_str().to_owned())
                    .unwrap_or_default()
            } else {
                real_value(rng, kind, &rows, seq)
            };
            match offering.resource_scope {
                ResourceScope::PerLicence => rows.resources.push(ResourceRow {
                    id: ids::new_id::<ResourceId>(),
                    licence: Some(licence.clone()),
                    kind,
                    value,
                    placeholder,
                }),
                ResourceScope::PerCustomer => {
                    let resource = match shared.iter().find(|(k, _)| *k == kind) {
                        Some((_, id)) => id.clone(),
                        None => {
                            let id = ids::new_id::<ResourceId>();
                            rows.resources.push(ResourceRow {
                                id: id.clone(),
                                licence: None,
                                kind,
                                value,
                                placeholder,
                            });
                            shared.push((kind, id.clone()));
                            id
                        }
                    };
                    rows.links.push((licence.clone(), resource));
                }
            }
        }
        rows.licences.push(LicenceRow {
            login: offering
                .login_format
                .render(&rows.stem, &offering.offer_code, seq),
            id: licence,
            offering: offering.id.to_string(),
            state,
            end_user,
            terminated,
        });
    }
    rows
}

/// A well-formed value of each kind, unique to the customer and licence.
fn real_value(rng: &mut StdRng, kind: ResourceType, customer: &CustomerRows, seq: u64) -> String {
    match kind {
        ResourceType::Msisdn => format!(
            "+336{:02}{:06}",
            rng.gen_range(10..99),
            rng.gen_range(0..1_000_000)
        ),
        ResourceType::Imei => {
            let body = format!("35{:012}", rng.gen_range(0..1_000_000_000_000u64));
            format!("{body}{}", fleetdesk_vocab::luhn_check_digit(&body))
        }
        ResourceType::Email => format!("poste{seq}@{}.fr", slug(&customer.name, 30)),
        ResourceType::Url => format!("https://{}.example.fr/", slug(&customer.name, 30)),
        ResourceType::None => String::new(),
    }
}

/// A value of a row about to be written.
enum Cell {
    Text(Option<String>),
    Int(i64),
}

fn text(value: &str) -> Cell {
    Cell::Text(Some(value.to_owned()))
}

fn maybe(value: Option<&str>) -> Cell {
    Cell::Text(value.map(str::to_owned))
}

/// One multi-row INSERT per chunk: `columns` names the row's columns, `cells` gives one row's
/// values in that order.
async fn insert_rows<T>(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    rows: &[T],
    cells: impl Fn(&T) -> Vec<Cell>,
) -> Result<(), DbError> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let values = (0..chunk.len())
            .map(|n| format!("({})", placeholders(n * columns.len() + 1, columns.len())))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {values}",
            columns.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for row in chunk {
            for cell in cells(row) {
                query = match cell {
                    Cell::Text(value) => query.bind(value),
                    Cell::Int(value) => query.bind(value),
                };
            }
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn write(
    conn: &mut AnyConnection,
    customers: &[CustomerRows],
    now: &str,
) -> Result<(), DbError> {
    insert_rows(
        conn,
        "customers",
        &[
            "id",
            "external_reference",
            "name",
            "legal_id",
            "address_street",
            "address_postcode",
            "address_city",
            "address_country",
            "login_seq",
            "login_stem",
            "created_at",
            "updated_at",
        ],
        customers,
        |c| {
            vec![
                text(c.id.as_str()),
                text(&c.reference),
                text(&c.name),
                text(&c.legal_id),
                text(&c.street),
                text(&c.postcode),
                text(&c.city),
                text("FR"),
                Cell::Int(i64::try_from(c.licences.len()).unwrap_or(i64::MAX)),
                text(&c.stem),
                text(now),
                text(now),
            ]
        },
    )
    .await?;
    insert_rows(
        conn,
        "fleets",
        &["id", "customer_id", "policy", "created_at"],
        customers,
        |c| {
            vec![
                text(c.fleet.as_str()),
                text(c.id.as_str()),
                text("perCustomer"),
                text(now),
            ]
        },
    )
    .await?;
    let licences: Vec<(&CustomerRows, &LicenceRow)> = customers
        .iter()
        .flat_map(|c| c.licences.iter().map(move |l| (c, l)))
        .collect();
    insert_rows(
        conn,
        "licences",
        &[
            "id",
            "fleet_id",
            "customer_id",
            "offering_id",
            "state",
            "login",
            "login_created_at",
            "end_user_given_name",
            "end_user_family_name",
            "end_user_email",
            "created_at",
            "updated_at",
            "terminated_at",
        ],
        &licences,
        |(c, l)| {
            let user = l.end_user.as_ref();
            vec![
                text(l.id.as_str()),
                text(c.fleet.as_str()),
                text(c.id.as_str()),
                text(&l.offering),
                text(l.state),
                text(&l.login),
                text(now),
                maybe(user.map(|u| u.0.as_str())),
                maybe(user.map(|u| u.1.as_str())),
                maybe(user.map(|u| u.2.as_str())),
                text(now),
                text(now),
                maybe(l.terminated.then_some(now)),
            ]
        },
    )
    .await?;
    let resources: Vec<(&CustomerRows, &ResourceRow)> = customers
        .iter()
        .flat_map(|c| c.resources.iter().map(move |r| (c, r)))
        .collect();
    insert_rows(
        conn,
        "realizing_resources",
        &[
            "id",
            "customer_id",
            "scope",
            "licence_id",
            "type",
            "value",
            "placeholder_since",
            "created_at",
            "updated_at",
        ],
        &resources,
        |(c, r)| {
            vec![
                text(r.id.as_str()),
                text(c.id.as_str()),
                text(if r.licence.is_some() {
                    "per_licence"
                } else {
                    "per_customer"
                }),
                maybe(r.licence.as_ref().map(|l| l.as_str())),
                text(r.kind.as_str()),
                text(&r.value),
                maybe(r.placeholder.then_some(now)),
                text(now),
                text(now),
            ]
        },
    )
    .await?;
    let links: Vec<&(LicenceId, ResourceId)> = customers.iter().flat_map(|c| &c.links).collect();
    insert_rows(
        conn,
        "licence_realizing_resources",
        &["licence_id", "realizing_resource_id", "created_at"],
        &links,
        |(licence, resource)| vec![text(licence.as_str()), text(resource.as_str()), text(now)],
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::on_each_db;

    use crate::testing::count;

    #[tokio::test]
    async fn seeds_customers_fleets_licences_and_resources_that_read_like_orders_made_them() {
        on_each_db!(|db| async move {
            let mut seen = Vec::new();
            let plan = Plan {
                customers: 60,
                licences_per_customer: 9,
                seed: 7,
            };
            let seeded = seed(&db, &plan, |n| seen.push(n)).await.expect("seeded");
            assert_eq!(seeded.offerings_created.len(), DEMO_OFFERINGS.len());
            assert_eq!((seeded.customers, seeded.licences), (60, 540));
            assert_eq!(seen, [450, 540], "progress after each batch");
            assert_eq!(count(&db, "SELECT COUNT(*) FROM customers").await, 60);
            assert_eq!(count(&db, "SELECT COUNT(*) FROM fleets").await, 60);
            assert_eq!(count(&db, "SELECT COUNT(*) FROM licences").await, 540);
            // Every licence of an offering with a resource has one, its own or its customer's.
            assert_eq!(
                count(
                    &db,
                    "SELECT COUNT(*) FROM licences l WHERE NOT EXISTS (SELECT 1 FROM \
                     realizing_resources r WHERE r.licence_id = l.id) AND NOT EXISTS (SELECT 1 \
                     FROM licence_realizing_resources x WHERE x.licence_id = l.id)"
                )
                .await,
                0
            );
            assert!(
                count(
                    &db,
                    "SELECT COUNT(*) FROM realizing_resources WHERE placeholder_since IS NOT NULL"
                )
                .await
                    > 0
            );
            // Each value is valid for its kind, as the console would check it.
            let values: Vec<(String, String)> =
                sqlx::query_as("SELECT type, value FROM realizing_resources")
                    .fetch_all(db.pool())
                    .await
                    .expect("values");
            for (kind, value) in values {
                let kind = ResourceType::parse(&kind).expect("a type");
                fleetdesk_vocab::ResourceValue::parse(kind, &value)
                    .unwrap_or_else(|e| panic!("{kind} {value}: {e}"));
            }
            // A licence reads through the same path Orange's calls use.
            let licence: String = sqlx::query_scalar("SELECT id FROM licences LIMIT 1")
                .fetch_one(db.pool())
                .await
                .expect("a licence");
            let detail = crate::licences::detail(&db, &licence.as_str().into())
                .await
                .expect("read")
                .expect("found");
            assert!(detail.login.is_some());
            // A second run adds to the first without a clash.
            let again = seed(&db, &plan, |_| {}).await.expect("seeded again");
            assert!(again.offerings_created.is_empty());
            assert_eq!(count(&db, "SELECT COUNT(*) FROM licences").await, 1080);
        });
    }
}
