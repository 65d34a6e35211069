//! `fleetdesk demo`: a living console in one command. Fleetdesk starts on an embedded database in
//! a folder of its own, seeded at its first start with French business customers, fleets of each
//! offering and licences (end users, placeholders), a webhook offering served by the product
//! stand-in and a manual one waiting in the activation queue (two of its orders already stuck).
//! Then the demo keeps playing Orange in the background, every few seconds: new customers and
//! orders, suspensions, reactivations, deletions, bulk tasks and offering changes, all
//! asynchronous, with Orange's receiving side (the sink) taking the events and refusing some of
//! them, so that retries and the odd failed event show too. It prints the address and the sign-in.
//!
//! A later start on the same folder keeps what the earlier one left and plays on.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use rand::Rng;
use rand::seq::SliceRandom;
use serde_json::{Value, json};
use tokio::sync::watch;

use fleetdesk_core::Db;
use fleetdesk_core::audit::Acting;
use fleetdesk_core::credentials::{self, CredentialKind};
use fleetdesk_core::offerings::{self, OfferingInput};
use fleetdesk_core::orange::settings::{self as orange_settings, ApiSettings};
use fleetdesk_core::outbox::settings::{self as delivery_settings, DeliverySettings};
use fleetdesk_core::provisioning::webhook::{self, WebhookInput};
use fleetdesk_core::seed;
use fleetdesk_core::stuck::{self, Thresholds};
use fleetdesk_vocab::Mode;

use crate::config::{Config, Settings};
use crate::{product_stub, serve, sink};

/// The command line of `fleetdesk demo`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// The demo's own folder: its database, keys and sign-in. Created when missing; a folder an
    /// earlier demo left is used as it is.
    #[arg(long, value_name = "FOLDER", default_value = "fleetdesk-demo")]
    pub folder: PathBuf,
    /// Seconds between two of Orange's operations.
    #[arg(long, value_name = "SECONDS", default_value_t = 3.0, value_parser = parse_every)]
    pub every: f64,
    /// Customers written at the first start.
    #[arg(long, default_value_t = 40)]
    pub customers: u64,
    /// Licences each of them gets at the first start.
    #[arg(long = "licences-per-customer", default_value_t = 15)]
    pub licences_per_customer: u64,
}

fn parse_every(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if (0.05..=3600.0).contains(&seconds) => Ok(seconds),
        _ => Err("a number of seconds from 0.05 to 3600".to_owned()),
    }
}

/// The file, in the demo's folder, that keeps the administrator's sign-in between starts.
const SIGN_IN_FILE: &str = "demo-sign-in";

/// The offerings the demo adds beside the seeded catalogue: one served by the product stand-in,
/// one approved by hand.
const WEBHOOK_OFFER: &str = "OFFER-CLOUD-SYNC";
const MANUAL_OFFER: &str = "OFFER-ONSITE-SETUP";

/// Points the settings at the demo's folder and its own embedded database, with the sign-in it
/// keeps there (made at the first start). Called before the configuration is read.
pub fn prepare(settings: &mut Settings, options: &Options) -> anyhow::Result<()> {
    std::fs::create_dir_all(&options.folder)
        .with_context(|| format!("failed to create {}", options.folder.display()))?;
    settings.data_dir = options.folder.clone();
    settings.database_url = None;
    let file = options.folder.join(SIGN_IN_FILE);
    let password = match std::fs::read_to_string(&file) {
        Ok(text) if !text.trim().is_empty() => text.trim().to_owned(),
        _ => {
            let password = fleetdesk_core::password::generate();
            serve::write_private(&file, &format!("{}\n", password.expose()))?;
            password.expose().to_owned()
        }
    };
    settings.bootstrap_admin_password = Some(fleetdesk_core::password::Secret::new(password));
    Ok(())
}

/// Runs the demo until Ctrl-C.
pub async fn run(config: Config, options: Options) -> anyhow::Result<()> {
    let login = config.bootstrap_admin_login.clone();
    let password = config
        .bootstrap_admin_password
        .as_ref()
        .map(|p| p.expose().to_owned())
        .unwrap_or_default();
    let server = serve::start(config).await?;
    let base = format!("http://{}", server.addr);
    let db = server.db.clone();
    let (stop, stopped) = watch::channel(false);
    let stage = match set_up(&db, &options, &base, stopped.clone()).await {
        Ok(stage) => stage,
        Err(error) => {
            let _ = server.stop().await;
            return Err(error);
        }
    };
    println!();
    println!("Fleetdesk demo is running at {base}/");
    println!("  sign in as {login} with the password {password}");
    println!(
        "  its data: {} (run the demo again to carry on where it stopped)",
        options.folder.display()
    );
    println!(
        "  Orange's stand-in receives the events at http://{}; the partner's product stand-in \
         at http://{}",
        stage.sink_addr, stage.product_addr
    );
    println!("Orange plays every {} s. Stop with Ctrl-C.", options.every);
    println!();
    let player = tokio::spawn(play(
        base.clone(),
        stage.orange_auth,
        db.clone(),
        Duration::from_secs_f64(options.every),
        stopped,
    ));
    let _ = tokio::signal::ctrl_c().await;
    println!("Stopping the demo…");
    let _ = stop.send(true);
    let _ = player.await;
    stage.sink.stop();
    server.stop().await
}

/// What the demo started beside the server.
struct Stage {
    sink: sink::Sink,
    sink_addr: SocketAddr,
    product_addr: SocketAddr,
    /// `Basic …` of the Orange credential the demo plays with.
    orange_auth: String,
}

async fn set_up(
    db: &Db,
    options: &Options,
    base: &str,
    stopped: watch::Receiver<bool>,
) -> anyhow::Result<Stage> {
    let acting = Acting::system();
    let customers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers")
        .fetch_one(db.pool())
        .await?;
    let fresh = customers == 0;
    if fresh {
        println!(
            "Seeding {} customers with {} licences each…",
            options.customers, options.licences_per_customer
        );
        seed::seed(
            db,
            &seed::Plan {
                customers: options.customers,
                licences_per_customer: options.licences_per_customer,
                seed: 2026,
            },
            |_| {},
        )
        .await?;
    }
    // Every operation asynchronous: Orange hears back through events.
    let mut api = ApiSettings::default();
    api.set_every_mode(Mode::Async);
    orange_settings::save(db, &api, &acting)
        .await
        .context("failed to make Orange's operations asynchronous")?;
    for (code, name, kind, provisioning) in [
        (WEBHOOK_OFFER, "Cloud Sync", "email", "webhook"),
        (MANUAL_OFFER, "Installation sur site", "none", "manual"),
    ] {
        let known = offerings::list(db)
            .await?
            .iter()
            .any(|offering| offering.offer_code == code);
        if !known {
            offerings::create(
                db,
                &acting,
                &OfferingInput {
                    offer_code: code.into(),
                    name: name.into(),
                    resource_type: kind.into(),
                    resource_scope: "per_licence".into(),
                    login_format: String::new(),
                    provisioning: provisioning.into(),
                },
            )
            .await
            .with_context(|| format!("failed to add the offering {code}"))?;
        }
    }
    stuck::save(
        db,
        &Thresholds {
            order_minutes: 10,
            task_minutes: 10,
            event_minutes: 10,
        },
        &acting,
    )
    .await?;

    // The partner's product: the stand-in, answering by callback, failing one task in ten.
    let product = credentials::issue(
        db,
        &acting,
        CredentialKind::Provisioning,
        "Demo product stand-in",
        None,
    )
    .await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("failed to listen for the product stand-in")?;
    let product_addr = listener.local_addr()?;
    webhook::save(
        db,
        &WebhookInput {
            url: format!("http://{product_addr}/hooks"),
            timeout_seconds: 5,
            await_callback: true,
        },
        &acting,
    )
    .await
    .context("failed to point the webhooks at the product stand-in")?;
    let secret = webhook::rotate_secret(db, 0, &acting).await?;
    let stub = product_stub::Options {
        listen: product_addr,
        callback: format!("{base}/provisioning/v1")
            .parse()
            .context("the callback address")?,
        credential: product_stub::Credential::parse(&format!(
            "{}:{}",
            product.credential.client_id,
            product.secret.expose()
        ))
        .map_err(anyhow::Error::msg)?,
        secret: product_stub::SigningSecret::parse(&secret).map_err(anyhow::Error::msg)?,
        fail_rate: 0.1,
        delay_ms: 1500,
    };
    let mut stub_stopped = stopped.clone();
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = stub_stopped.wait_for(|stop| *stop).await;
        };
        if let Err(error) = product_stub::serve(listener, stub, shutdown).await {
            eprintln!("demo: the product stand-in stopped: {error:#}");
        }
    });

    // Orange's receiving side: the sink, refusing one attempt in five to show the retries.
    let client_id = "demo-orange";
    let client_secret = fleetdesk_core::password::generate();
    let sink = sink::Sink::start(
        "127.0.0.1:0".parse().context("the sink's address")?,
        client_id,
        client_secret.expose(),
        0.2,
        Some(options.folder.join("sink-events.jsonl")),
    )
    .await?;
    let sink_addr = sink.addr();
    delivery_settings::save(
        db,
        &DeliverySettings {
            product_order_url: sink.product_order_url(),
            user_service_url: sink.user_service_url(),
            token_url: sink.token_url(),
            client_id: client_id.to_owned(),
            client_secret: client_secret.expose().to_owned(),
            scope: String::new(),
            timeout_seconds: 5,
            retry_delays_seconds: vec![1, 2, 4],
            paused: false,
        },
        &acting,
    )
    .await
    .context("failed to point delivery at the sink")?;

    let orange = credentials::issue(
        db,
        &acting,
        CredentialKind::Orange,
        "Demo Orange player",
        None,
    )
    .await?;
    let orange_auth = basic(&orange.credential.client_id, orange.secret.expose());
    if fresh {
        first_work(base, &orange_auth, db).await?;
    }
    Ok(Stage {
        sink,
        sink_addr,
        product_addr,
        orange_auth,
    })
}

fn basic(id: &str, secret: &str) -> String {
    credentials::basic_authorization(id, secret)
}

/// At the first start: three orders of the manual offering, two of them placed long ago so that
/// they already show on the stuck-work page, and one of the webhook offering.
async fn first_work(base: &str, auth: &str, db: &Db) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let mut manual = Vec::new();
    for n in 1..=3 {
        let placed = place(
            &client,
            base,
            auth,
            &format!("DEMO-ONSITE-{n}"),
            &json!({"externalReference": {"type": "orange", "id": format!("DEMO-CUS-ONSITE-{n}")},
                        "name": format!("Résidence Les Tilleuls {n}"),
                        "address": {"city": "Annecy", "postcode": "74000", "country": "FR"}}),
            MANUAL_OFFER,
            1,
        )
        .await?;
        manual.push(placed["id"].as_str().unwrap_or_default().to_owned());
    }
    let long_ago =
        fleetdesk_core::clock::format(fleetdesk_core::clock::now() - time::Duration::hours(3));
    for id in manual.iter().take(2) {
        sqlx::query("UPDATE product_orders SET created_at = $2 WHERE id = $1")
            .bind(id)
            .bind(&long_ago)
            .execute(db.pool())
            .await?;
    }
    place(
        &client,
        base,
        auth,
        "DEMO-CLOUD-1",
        &json!({"externalReference": {"type": "orange", "id": "DEMO-CUS-CLOUD-1"},
                    "name": "Cabinet Lemoine Avocats"}),
        WEBHOOK_OFFER,
        3,
    )
    .await?;
    Ok(())
}

/// Orange's order of `quantity` licences of `offer` for `customer` (its creation fields, or its
/// `id`); the order as answered.
async fn place(
    client: &reqwest::Client,
    base: &str,
    auth: &str,
    reference: &str,
    customer: &Value,
    offer: &str,
    quantity: u32,
) -> anyhow::Result<Value> {
    let body = order_body(reference, customer, offer, quantity);
    call(
        client,
        base,
        auth,
        reqwest::Method::POST,
        "/productOrder",
        Some(body),
    )
    .await
}

fn order_body(reference: &str, customer: &Value, offer: &str, quantity: u32) -> Value {
    json!({
        "externalReference": {"type": "orange", "id": reference},
        "customer": customer,
        "orderItem": [{
            "id": "1",
            "action": "add",
            "productOffering": {"externalReference": {"type": "orange", "id": offer}},
            "productRef": {"userServiceQuantity": quantity},
        }],
    })
}

/// One call to the Orange API; the answer's JSON, or why it failed.
async fn call(
    client: &reqwest::Client,
    base: &str,
    auth: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> anyhow::Result<Value> {
    let mut request = client
        .request(method.clone(), format!("{base}/orange/v2{path}"))
        .header("authorization", auth);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request
        .send()
        .await
        .with_context(|| format!("{method} {path}"))?;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if !status.is_success() {
        anyhow::bail!("{method} {path} answered {status}: {text}");
    }
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Orange, playing until `stopped`: one operation every `every`, each said in one line.
async fn play(
    base: String,
    auth: String,
    db: Db,
    every: Duration,
    mut stopped: watch::Receiver<bool>,
) {
    let client = reqwest::Client::new();
    let mut n: u64 = 0;
    loop {
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            _ = stopped.changed() => return,
        }
        n += 1;
        match one_move(&client, &base, &auth, &db, n).await {
            Ok(Some(said)) => println!("orange: {said}"),
            Ok(None) => {}
            Err(error) => println!("orange: {error:#}"),
        }
    }
}

/// Picks one of Orange's operations and makes it; what it did, or `None` when there was nothing
/// to act on.
async fn one_move(
    client: &reqwest::Client,
    base: &str,
    auth: &str,
    db: &Db,
    n: u64,
) -> anyhow::Result<Option<String>> {
    let roll = rand::thread_rng().gen_range(0..100);
    let tag = format!(
        "{}-{n}",
        fleetdesk_core::clock::now()
            .unix_timestamp()
            .rem_euclid(1_000_000)
    );
    let offers: Vec<String> = sqlx::query_scalar(
        "SELECT offer_code FROM offerings WHERE retired_at IS NULL AND provisioning_mode <> 'manual' \
         ORDER BY offer_code",
    )
    .fetch_all(db.pool())
    .await?;
    let offer = offers
        .choose(&mut rand::thread_rng())
        .cloned()
        .unwrap_or_default();
    if roll < 10 {
        let name = format!(
            "{} {}",
            ["Société", "Maison", "Groupe", "Atelier"][n as usize % 4],
            ["Colin", "Brun", "Gauthier", "Perrin", "Renaud"][n as usize % 5]
        );
        let customer = json!({"externalReference": {"type": "orange", "id": format!("DEMO-CUS-{tag}")},
                              "name": name});
        let placed = place(
            client,
            base,
            auth,
            &format!("DEMO-ORD-{tag}"),
            &customer,
            &offer,
            2,
        )
        .await?;
        return Ok(Some(format!(
            "new customer {name} orders 2 licences of {offer} ({})",
            placed["id"].as_str().unwrap_or_default()
        )));
    }
    if roll < 40 {
        let customer: Option<(String, String)> = sqlx::query_as(
            "SELECT id, name FROM customers ORDER BY created_at DESC, id LIMIT 1 OFFSET $1",
        )
        .bind(i64::try_from(n % 30).unwrap_or(0))
        .fetch_optional(db.pool())
        .await?;
        let Some((id, name)) = customer else {
            return Ok(None);
        };
        let quantity = rand::thread_rng().gen_range(1..=4);
        let placed = place(
            client,
            base,
            auth,
            &format!("DEMO-ORD-{tag}"),
            &json!({"id": id}),
            &offer,
            quantity,
        )
        .await?;
        return Ok(Some(format!(
            "{name} orders {quantity} licence(s) of {offer} ({})",
            placed["id"].as_str().unwrap_or_default()
        )));
    }
    let (state, wanted) = match roll {
        40..=59 => ("active", 1),
        60..=74 => ("suspended", 1),
        75..=84 => ("active", 1),
        _ => ("active", 5),
    };
    let licences: Vec<String> = sqlx::query_scalar(
        "SELECT l.id FROM licences l JOIN offerings o ON o.id = l.offering_id \
         WHERE l.state = $1 AND l.pending_operation IS NULL AND o.provisioning_mode <> 'manual' \
         ORDER BY l.updated_at, l.id LIMIT $2 OFFSET $3",
    )
    .bind(state)
    .bind(wanted)
    .bind(i64::try_from(n % 50).unwrap_or(0))
    .fetch_all(db.pool())
    .await?;
    if licences.is_empty() {
        return Ok(None);
    }
    // One licence: a suspension, a reactivation or a deletion.
    let single = match roll {
        40..=59 => Some((
            reqwest::Method::PATCH,
            Some(json!({"state": "suspended"})),
            "suspends",
        )),
        60..=74 => Some((
            reqwest::Method::PATCH,
            Some(json!({"state": "active"})),
            "reactivates",
        )),
        75..=84 => Some((reqwest::Method::DELETE, None, "deletes")),
        _ => None,
    };
    let said = match single {
        Some((method, body, verb)) => {
            let path = format!("/userService/{}", licences[0]);
            call(client, base, auth, method, &path, body).await?;
            format!("{verb} {}", licences[0])
        }
        None => {
            let items: Vec<Value> = licences.iter().map(|id| json!({"id": id})).collect();
            let task = call(
                client,
                base,
                auth,
                reqwest::Method::POST,
                "/userServiceTask",
                Some(json!({
                    "externalReference": {"type": "orange", "id": format!("DEMO-TSK-{tag}")},
                    "action": "changeState",
                    "state": "suspended",
                    "userService": items,
                })),
            )
            .await?;
            format!(
                "suspends {} licences in one task ({})",
                licences.len(),
                task["id"].as_str().unwrap_or_default()
            )
        }
    };
    Ok(Some(said))
}
