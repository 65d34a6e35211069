//! The application log of a real `fleetdesk` process, at debug level, while Orange creates a
//! customer with contacts and orders licences: no secret and no personal data appear in it.

use crate::common;

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::json;

use fleetdesk_core::Db;
use fleetdesk_core::db::PoolSettings;
use fleetdesk_core::offerings::{self, OfferingInput};

#[tokio::test]
async fn the_log_never_holds_credentials_or_personal_data() {
    let dir =
        std::env::temp_dir().join(format!("fleetdesk-logs-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    // The log goes to a file: a pipe nobody reads would fill up and stall the server.
    let log_path = dir.join("server.log");
    let log_file = std::fs::File::create(&log_path).expect("log file");
    let mut child = Command::new(env!("CARGO_BIN_EXE_fleetdesk"))
        .arg("serve")
        .env_remove("FLEETDESK_DATABASE_URL")
        .env_remove("FLEETDESK_SESSION_KEY")
        .env("FLEETDESK_DATA_DIR", &dir)
        .env("FLEETDESK_LISTEN", format!("127.0.0.1:{port}"))
        .env("FLEETDESK_LOG", "debug")
        .env(
            "FLEETDESK_BOOTSTRAP_ADMIN_PASSWORD",
            "a-long-admin-password",
        )
        .env("LEPTOS_SITE_ROOT", dir.join("site"))
        .stdout(Stdio::null())
        .stderr(log_file)
        .spawn()
        .expect("the binary starts");
    let base = format!("http://127.0.0.1:{port}");
    common::wait_ready(&base).await;
    let client = reqwest::Client::new();

    let url = format!("sqlite://{}", dir.join("fleetdesk.db").display());
    let db = Db::connect(&url, PoolSettings::default())
        .await
        .expect("db");
    let issued = fleetdesk_core::testing::orange_credential(&db, "logs").await;
    offerings::create(
        &db,
        &fleetdesk_core::audit::Acting::system(),
        &OfferingInput {
            offer_code: "PRO".into(),
            name: "Pro".into(),
            resource_type: "email".into(),
            resource_scope: "per_licence".into(),
            login_format: String::new(),
            provisioning: String::new(),
        },
    )
    .await
    .expect("offering");
    db.close().await;

    let secret = issued.secret.expose().to_owned();
    let order = json!({
        "externalReference": {"type": "orange", "id": "OBA-ORD-LOG"},
        "customer": {"externalReference": {"type": "orange", "id": "OBA-CUS-LOG"}, "name": "Boulangerie Secrète"},
        "relatedContact": [{"givenName": "Zoé", "familyName": "Quintard", "email": "zoe.quintard@example.fr",
                            "mobileTelephoneNumber": {"cc": "33", "sn": "698765432"}}],
        "orderItem": [{"productOffering": {"externalReference": {"type": "orange", "id": "PRO"}},
                       "productRef": {"userServiceQuantity": 2}}]
    });
    let created = client
        .post(format!("{base}/orange/v2/productOrder"))
        .bearer_auth(&secret)
        .json(&order)
        .send()
        .await
        .expect("order");
    assert_eq!(created.status(), 201);
    let refused = client
        .post(format!("{base}/orange/v2/productOrder"))
        .basic_auth(&issued.credential.client_id, Some("wrong-secret-value"))
        .json(&order)
        .send()
        .await
        .expect("order");
    assert_eq!(refused.status(), 401);

    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let mut waited = 0;
    while child.try_wait().ok().flatten().is_none() && waited < 100 {
        std::thread::sleep(Duration::from_millis(50));
        waited += 1;
    }
    let _ = child.kill();
    let _ = child.wait();
    let log = std::fs::read_to_string(&log_path).expect("the log");
    assert!(
        log.contains("/orange/v2/productOrder"),
        "the calls were logged: {log}"
    );
    for private in [
        secret.as_str(),
        "wrong-secret-value",
        "zoe.quintard@example.fr",
        "698765432",
        "Quintard",
        "Boulangerie",
        "a-long-admin-password",
    ] {
        assert!(!log.contains(private), "`{private}` appears in the log");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
