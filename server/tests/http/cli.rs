//! The `fleetdesk` binary as an installer uses it: bad configuration, an unreachable database,
//! the first administrator, and the operator, credential and offering commands.

use crate::common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use fleetdesk_core::login::{self, LoginOutcome};
use fleetdesk_core::operators;
use fleetdesk_core::password::Secret;
use fleetdesk_core::testing::TestDb;

fn fleetdesk(
    data_dir: &std::path::Path,
    envs: &[(&str, &str)],
    args: &[&str],
    stdin: Option<&str>,
) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fleetdesk"));
    command
        .args(args)
        .current_dir(data_dir)
        .env_remove("FLEETDESK_DATABASE_URL")
        .env_remove("FLEETDESK_SESSION_KEY")
        .env("FLEETDESK_DATA_DIR", data_dir)
        .env("FLEETDESK_LOG", "warn")
        .env(
            "FLEETDESK_SECRET_KEY",
            fleetdesk_core::testing::TEST_SECRET_KEY,
        )
        .env_remove("FLEETDESK_SECRET_KEY_PREVIOUS")
        .envs(envs.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the binary starts");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("the binary ends")
}

fn temp_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("fleetdesk-cli-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_malformed_setting_stops_the_server_with_the_variable_named() {
    let dir = temp_dir();
    let out = fleetdesk(
        &dir,
        &[("FLEETDESK_LISTEN", "not-an-address")],
        &["serve"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "invalid configuration: FLEETDESK_LISTEN: `not-an-address` is not an address"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_flag_wins_over_its_variable_and_a_wrong_one_is_named_as_the_flag() {
    let dir = temp_dir();
    let out = fleetdesk(
        &dir,
        &[("FLEETDESK_LISTEN", "not-an-address")],
        &["--listen", "127.0.0.1:0", "migrate"],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = fleetdesk(&dir, &[], &["--session-idle-minutes", "0", "migrate"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "fleetdesk: invalid configuration: --session-idle-minutes: `0` is not a number of \
         minutes from 1 to 10080\n"
    );
}

#[test]
fn blank_variables_count_as_unset_and_secrets_are_never_repeated() {
    let dir = temp_dir();
    let out = fleetdesk(
        &dir,
        &[
            ("FLEETDESK_LISTEN", " "),
            ("FLEETDESK_LOG_FORMAT", ""),
            ("FLEETDESK_SESSION_KEY", "  "),
        ],
        &["migrate"],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    for (variable, value) in [
        ("FLEETDESK_DATABASE_URL", "mysql://root:hunter2@x/db"),
        ("FLEETDESK_SESSION_KEY", "hunter2-hunter2"),
        ("FLEETDESK_SECRET_KEY", "hunter2"),
        ("FLEETDESK_BOOTSTRAP_ADMIN_PASSWORD", "hunter2"),
    ] {
        let out = fleetdesk(&dir, &[(variable, value)], &["migrate"], None);
        assert_eq!(out.status.code(), Some(2), "{variable}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with(&format!("fleetdesk: invalid configuration: {variable}: ")),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(!stderr.contains("hunter2"), "{stderr}");
    }
    let help = fleetdesk(
        &dir,
        &[
            ("FLEETDESK_SESSION_KEY", "hunter2-hunter2"),
            ("FLEETDESK_LISTEN", "127.0.0.1:4000"),
        ],
        &["--help"],
        None,
    );
    let help = text(&help.stdout);
    assert!(help.contains("[env: FLEETDESK_SESSION_KEY]"), "{help}");
    assert!(
        help.contains("[env: FLEETDESK_LISTEN=127.0.0.1:4000]"),
        "{help}"
    );
    assert!(!help.contains("hunter2"), "{help}");
}

#[test]
fn the_env_file_is_read_first_and_the_environment_wins_over_it() {
    let dir = temp_dir();
    std::fs::write(dir.join(".env"), "FLEETDESK_LOG_FORMAT=xml\n").expect("write .env");
    let out = fleetdesk(&dir, &[], &["migrate"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "fleetdesk: invalid configuration: FLEETDESK_LOG_FORMAT: `xml` is neither `text` nor \
         `json`\n"
    );
    let out = fleetdesk(
        &dir,
        &[("FLEETDESK_LOG_FORMAT", "json")],
        &["migrate"],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn an_unreachable_database_is_a_clear_error_not_a_panic() {
    let dir = temp_dir();
    let key = fleetdesk_server::config::generate_session_key();
    let out = fleetdesk(
        &dir,
        &[
            (
                "FLEETDESK_DATABASE_URL",
                "postgres://fleet:secret-pw@127.0.0.1:1/fleet",
            ),
            ("FLEETDESK_SESSION_KEY", &key),
        ],
        &["serve"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("cannot connect to the database at postgres://fleet:***@127.0.0.1:1/fleet"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("secret-pw") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

#[test]
fn every_command_explains_itself() {
    let dir = temp_dir();
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["operator", "--help"],
        vec!["operator", "create", "--help"],
        vec!["operator", "set-password", "--help"],
        vec!["operator", "disable", "--help"],
        vec!["operator", "enable", "--help"],
        vec!["operator", "list", "--help"],
        vec!["credential", "issue", "--help"],
        vec!["credential", "list", "--help"],
        vec!["credential", "revoke", "--help"],
        vec!["offering", "list", "--help"],
        vec!["offering", "import", "--help"],
    ] {
        let out = fleetdesk(&dir, &[], &args, None);
        assert!(out.status.success(), "{args:?}");
        assert!(text(&out.stdout).contains("Usage: fleetdesk"), "{args:?}");
    }
    let key = fleetdesk(&dir, &[], &["generate-session-key"], None);
    assert_eq!(text(&key.stdout).trim().len(), 88, "64 bytes in base64");
}

#[tokio::test]
async fn the_operator_commands_manage_operators_with_audit() {
    for test_db in TestDb::all().await {
        let dir = temp_dir();
        let key = fleetdesk_server::config::generate_session_key();
        let envs = [
            ("FLEETDESK_DATABASE_URL", test_db.url.as_str()),
            ("FLEETDESK_SESSION_KEY", key.as_str()),
        ];

        let created = fleetdesk(
            &dir,
            &envs,
            &[
                "operator",
                "create",
                "--login",
                "Zoe",
                "--name",
                "Zoé Martin",
                "--role",
                "support",
                "--password-stdin",
            ],
            Some("a long cli password\n"),
        );
        assert!(created.status.success(), "{}", text(&created.stderr));
        assert!(text(&created.stdout).contains("Created operator `zoe` (support)."));
        let zoe = operators::find_by_login(&test_db.db, "zoe")
            .await
            .expect("q")
            .expect("created");
        assert_eq!(zoe.display_name, "Zoé Martin");
        assert!(matches!(
            login::attempt(
                &test_db.db,
                "zoe",
                &Secret::new("a long cli password"),
                "127.0.0.1"
            )
            .await
            .expect("login"),
            LoginOutcome::Success(_)
        ));

        let generated = fleetdesk(&dir, &envs, &["operator", "set-password", "zoe"], None);
        let stdout = text(&generated.stdout);
        let password = stdout
            .lines()
            .find_map(|l| l.strip_prefix("Password (shown once): "))
            .expect("a generated password");
        assert!(matches!(
            login::attempt(&test_db.db, "zoe", &Secret::new(password), "127.0.0.1")
                .await
                .expect("login"),
            LoginOutcome::Success(_)
        ));

        let weak = fleetdesk(
            &dir,
            &envs,
            &["operator", "set-password", "zoe", "--password-stdin"],
            Some("short\n"),
        );
        assert_eq!(weak.status.code(), Some(1));
        assert!(text(&weak.stderr).contains("at least 12 characters"));

        assert!(
            fleetdesk(&dir, &envs, &["operator", "disable", "zoe"], None)
                .status
                .success()
        );
        assert!(
            !operators::find_by_id(&test_db.db, &zoe.id)
                .await
                .expect("q")
                .expect("found")
                .is_active()
        );
        let list = text(&fleetdesk(&dir, &envs, &["operator", "list"], None).stdout);
        assert!(
            list.lines()
                .any(|l| l.starts_with("zoe") && l.contains("disabled")),
            "{list}"
        );
        assert!(
            fleetdesk(&dir, &envs, &["operator", "enable", "zoe"], None)
                .status
                .success()
        );
        assert!(
            operators::find_by_id(&test_db.db, &zoe.id)
                .await
                .expect("q")
                .expect("found")
                .is_active()
        );

        let missing = fleetdesk(&dir, &envs, &["operator", "disable", "nobody"], None);
        assert_eq!(missing.status.code(), Some(1));
        assert!(text(&missing.stderr).contains("no operator has the username `nobody`"));
        let bad_role = fleetdesk(
            &dir,
            &envs,
            &[
                "operator", "create", "--login", "x", "--name", "X", "--role", "root",
            ],
            None,
        );
        assert_eq!(
            bad_role.status.code(),
            Some(2),
            "clap refuses an unknown role"
        );

        let actions: Vec<String> = common::audit_actions(&test_db, zoe.id.as_str()).await;
        assert_eq!(
            actions,
            [
                "operator.enable",
                "operator.disable",
                "operator.set_password",
                "operator.create"
            ]
        );
        test_db.finish().await;
    }
}

#[tokio::test]
async fn a_new_install_creates_a_first_administrator_with_a_private_password_file() {
    let dir = temp_dir();
    let config = fleetdesk_server::config::Config::from_lookup(|name| match name {
        "FLEETDESK_DATA_DIR" => Some(dir.display().to_string()),
        "FLEETDESK_LISTEN" => Some("127.0.0.1:0".to_owned()),
        "LEPTOS_SITE_ROOT" => Some(dir.join("site").display().to_string()),
        _ => None,
    })
    .expect("config");
    let server = fleetdesk_server::serve::start(config.clone())
        .await
        .expect("starts");
    let file = dir.join("initial-admin-password");
    let password = std::fs::read_to_string(&file)
        .expect("password file")
        .trim()
        .to_owned();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            std::fs::metadata(dir.join("session.key"))
                .expect("meta")
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
    }
    assert!(
        dir.join("fleetdesk.db").exists(),
        "the embedded database lives in the data folder"
    );
    let client = common::client();
    let base = format!("http://{}", server.addr);
    let response = client
        .post(format!("{base}/auth/login"))
        .form(&[("login", "admin"), ("password", password.as_str())])
        .send()
        .await
        .expect("login");
    assert_eq!(common::location(&response), "/");
    server.stop().await.expect("stops");

    // A restart neither creates a second administrator nor changes the password.
    let server = fleetdesk_server::serve::start(config)
        .await
        .expect("starts again");
    assert_eq!(
        std::fs::read_to_string(&file).expect("file").trim(),
        password
    );
    assert_eq!(operators::count(&server.db).await.expect("count"), 1);
    server.stop().await.expect("stops");
}

#[tokio::test]
async fn an_install_with_only_non_admin_operators_still_gets_an_administrator() {
    let test_db = TestDb::sqlite().await;
    common::operator(
        &test_db,
        "support1",
        fleetdesk_core::operators::Role::Support,
    )
    .await;
    let setup = common::Setup::new(&test_db);
    let server = setup.start().await;
    let admin = operators::find_by_login(&test_db.db, "admin")
        .await
        .expect("q")
        .expect("bootstrapped");
    assert!(admin.role.is_admin());
    assert_eq!(operators::count(&test_db.db).await.expect("count"), 2);
    server.stop().await;
    test_db.finish().await;
}

#[test]
fn sigterm_stops_the_server_gracefully_and_json_logs_carry_the_fields() {
    use std::io::BufRead;
    let dir = temp_dir();
    let mut child = Command::new(env!("CARGO_BIN_EXE_fleetdesk"))
        .arg("serve")
        .current_dir(&dir)
        .env_remove("FLEETDESK_DATABASE_URL")
        .env_remove("FLEETDESK_SESSION_KEY")
        .env("FLEETDESK_DATA_DIR", &dir)
        .env("FLEETDESK_LISTEN", "127.0.0.1:0")
        .env("FLEETDESK_LOG_FORMAT", "json")
        .env("FLEETDESK_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut lines = std::io::BufReader::new(child.stderr.take().expect("stderr")).lines();
    let listening = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|line| line.contains("Fleetdesk is listening"))
        .expect("the server logs that it listens");
    let event: serde_json::Value = serde_json::from_str(&listening).expect("a JSON log line");
    assert_eq!(event["level"], "INFO");
    assert!(
        event["address"]
            .as_str()
            .is_some_and(|a| a.starts_with("127.0.0.1:")),
        "{event}"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = child.wait().expect("the server ends");
    assert!(status.success(), "a graceful stop exits 0, got {status:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        rest.iter().any(|line| line.contains("shutting down")),
        "{rest:?}"
    );
    let secret =
        std::fs::read_to_string(dir.join("initial-admin-password")).expect("password file");
    assert!(
        !rest
            .iter()
            .chain([&listening])
            .any(|line| line.contains(secret.trim())),
        "the password never reaches the log"
    );
}

#[tokio::test]
async fn the_credential_commands_issue_list_and_revoke_with_audit() {
    use fleetdesk_core::credentials::{self, CredentialKind, Presented};
    for test_db in TestDb::all().await {
        let dir = temp_dir();
        let key = fleetdesk_server::config::generate_session_key();
        let envs = [
            ("FLEETDESK_DATABASE_URL", test_db.url.as_str()),
            ("FLEETDESK_SESSION_KEY", key.as_str()),
        ];

        let issued = fleetdesk(
            &dir,
            &envs,
            &["credential", "issue", "--label", "Orange production"],
            None,
        );
        assert!(issued.status.success(), "{}", text(&issued.stderr));
        let stdout = text(&issued.stdout);
        let field = |prefix: &str| {
            stdout
                .lines()
                .find_map(|l| l.trim().strip_prefix(prefix))
                .unwrap_or_else(|| panic!("`{prefix}` in {stdout}"))
                .to_owned()
        };
        let client_id = field("Client id: ");
        let secret = field("Secret (shown once): ");
        assert_eq!(field("Authorization: Bearer "), secret);
        for header in [
            format!("Bearer {secret}"),
            format!("Basic {}", field("Authorization: Basic ")),
        ] {
            let presented = Presented::parse(&header).expect("a valid header");
            let found = credentials::authenticate(&test_db.db, CredentialKind::Orange, &presented)
                .await
                .expect("query")
                .expect("the printed secret authenticates");
            assert_eq!(found.client_id, client_id);
        }
        let credential = credentials::list(&test_db.db, CredentialKind::Orange)
            .await
            .expect("list")
            .remove(0);
        assert_eq!(credential.created_by, None, "no operator behind the CLI");

        let list = text(&fleetdesk(&dir, &envs, &["credential", "list"], None).stdout);
        let line = list
            .lines()
            .find(|l| l.contains(&client_id))
            .unwrap_or_else(|| panic!("{list}"));
        assert!(
            line.contains("active") && line.contains("Orange production"),
            "{line}"
        );
        assert!(!list.contains(&secret), "the list never shows a secret");

        let empty = fleetdesk(&dir, &envs, &["credential", "issue", "--label", " "], None);
        assert_eq!(empty.status.code(), Some(1));
        assert!(text(&empty.stderr).contains("the label must be 1 to 100 characters"));

        let revoked = fleetdesk(
            &dir,
            &envs,
            &["credential", "revoke", credential.id.as_str()],
            None,
        );
        assert!(revoked.status.success(), "{}", text(&revoked.stderr));
        assert!(text(&revoked.stdout).contains("revoked"));
        let bearer = Presented::parse(&format!("Bearer {secret}")).expect("header");
        assert!(
            credentials::authenticate(&test_db.db, CredentialKind::Orange, &bearer)
                .await
                .expect("query")
                .is_none()
        );
        let list = text(&fleetdesk(&dir, &envs, &["credential", "list"], None).stdout);
        assert!(
            list.lines()
                .any(|l| l.contains(&client_id) && l.contains("revoked")),
            "{list}"
        );
        let missing = fleetdesk(&dir, &envs, &["credential", "revoke", "cred_nothing"], None);
        assert_eq!(missing.status.code(), Some(1));
        assert!(text(&missing.stderr).contains("no credential has the id or client id"));

        assert_eq!(
            common::audit_actions(&test_db, credential.id.as_str()).await,
            ["credential.revoke", "credential.issue"]
        );

        // The partner's product gets a credential of its own kind, valid on its path only.
        let issued = fleetdesk(
            &dir,
            &envs,
            &[
                "credential",
                "issue",
                "--label",
                "Product",
                "--kind",
                "provisioning",
            ],
            None,
        );
        assert!(issued.status.success(), "{}", text(&issued.stderr));
        let out = text(&issued.stdout);
        assert!(
            out.contains("The partner's product sends either header"),
            "{out}"
        );
        let product = credentials::list(&test_db.db, CredentialKind::Provisioning)
            .await
            .expect("list");
        assert_eq!(product.len(), 1);
        let list = text(
            &fleetdesk(
                &dir,
                &envs,
                &["credential", "list", "--kind", "provisioning"],
                None,
            )
            .stdout,
        );
        assert!(
            list.contains(&product[0].client_id) && !list.contains(&client_id),
            "{list}"
        );
        let wrong = fleetdesk(
            &dir,
            &envs,
            &["credential", "issue", "--label", "X", "--kind", "partner"],
            None,
        );
        assert_eq!(wrong.status.code(), Some(2));
        assert!(text(&wrong.stderr).contains("must be orange or provisioning"));
        test_db.finish().await;
    }
}

#[tokio::test]
async fn the_offering_commands_import_all_or_nothing_and_list() {
    for test_db in TestDb::all().await {
        let dir = temp_dir();
        let key = fleetdesk_server::config::generate_session_key();
        let envs = [
            ("FLEETDESK_DATABASE_URL", test_db.url.as_str()),
            ("FLEETDESK_SESSION_KEY", key.as_str()),
        ];
        let bad = dir.join("bad.csv");
        std::fs::write(
            &bad,
            "offer_code,name,resource_type,resource_scope\n\
             OFFER-A,Alpha,msisdn,per_licence\n\
             OFFER-B,Beta,none,per_customer\n",
        )
        .expect("write");
        let refused = fleetdesk(&dir, &envs, &["offering", "import", "bad.csv"], None);
        assert_eq!(refused.status.code(), Some(1));
        let stderr = text(&refused.stderr);
        assert!(
            stderr.contains("Line 3: a shared (per_customer) resource must be of a type"),
            "{stderr}"
        );
        assert!(stderr.contains("nothing was imported"), "{stderr}");
        assert!(
            fleetdesk_core::offerings::list(&test_db.db)
                .await
                .expect("list")
                .is_empty()
        );

        let good = dir.join("good.csv");
        std::fs::write(
            &good,
            "offer_code,name,resource_type,resource_scope,login_format\n\
             OFFER-A,Alpha,msisdn,per_licence,\n\
             OFFER-B,Beta,url,per_customer,{customer}.{seq}\n",
        )
        .expect("write");
        let imported = fleetdesk(&dir, &envs, &["offering", "import", "good.csv"], None);
        assert!(imported.status.success(), "{}", text(&imported.stderr));
        let stdout = text(&imported.stdout);
        assert!(
            stdout.contains("created OFFER-A") && stdout.contains("created OFFER-B"),
            "{stdout}"
        );
        let again = fleetdesk(&dir, &envs, &["offering", "import", "good.csv"], None);
        assert!(text(&again.stdout).contains("updated OFFER-A"));

        let list = text(&fleetdesk(&dir, &envs, &["offering", "list"], None).stdout);
        assert!(
            list.lines().any(|l| l.starts_with("OFFER-B")
                && l.contains("per_customer")
                && l.contains("Beta")),
            "{list}"
        );
        let missing = fleetdesk(&dir, &envs, &["offering", "import", "nothing.csv"], None);
        assert_eq!(missing.status.code(), Some(1));
        assert!(text(&missing.stderr).contains("failed to read nothing.csv"));

        let offering = fleetdesk_core::offerings::list(&test_db.db)
            .await
            .expect("list")
            .into_iter()
            .find(|o| o.offer_code == "OFFER-A")
            .expect("imported");
        assert_eq!(
            common::audit_actions(&test_db, offering.id.as_str()).await,
            ["offering.update", "offering.create"]
        );
        test_db.finish().await;
    }
}

#[tokio::test]
async fn three_instances_starting_at_once_on_a_new_postgresql_database_all_come_up() {
    let Some(test_db) = TestDb::postgres_unmigrated().await else {
        return;
    };
    let setups: Vec<common::Setup> = (0..3).map(|_| common::Setup::new(&test_db)).collect();
    let servers = futures_util::future::join_all(setups.iter().map(|setup| setup.start())).await;
    let versions: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT version, COUNT(*) FROM _sqlx_migrations WHERE success GROUP BY version ORDER BY version",
    )
    .fetch_all(test_db.db.pool())
    .await
    .expect("migrations recorded");
    assert!(!versions.is_empty());
    assert!(
        versions.iter().all(|(_, times)| *times == 1),
        "each migration applied once: {versions:?}"
    );
    let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM operators WHERE role = 'admin'")
        .fetch_one(test_db.db.pool())
        .await
        .expect("operators");
    assert_eq!(admins, 1, "one first administrator, not one per instance");
    let client = common::client();
    for server in &servers {
        let ready = common::get(&client, server, "/readyz").await;
        assert_eq!(ready.status(), 200);
    }
    for server in servers {
        server.stop().await;
    }
    test_db.finish().await;
}

#[tokio::test]
async fn a_backup_taken_while_writes_go_on_restores_to_exactly_its_moment() {
    let dir = temp_dir();
    let create = |login: &str| {
        fleetdesk(
            &dir,
            &[],
            &[
                "operator", "create", "--login", login, "--name", "Someone", "--role", "operator",
            ],
            None,
        )
    };
    assert!(create("before.backup").status.success());

    // A writer keeps adding rows while the backup runs.
    let db = fleetdesk_core::Db::connect(
        &format!("sqlite://{}?mode=rw", dir.join("fleetdesk.db").display()),
        fleetdesk_core::db::PoolSettings::default(),
    )
    .await
    .expect("the database opens");
    let writing = {
        let db = db.clone();
        tokio::spawn(async move {
            for n in 0..400 {
                sqlx::query(
                    "INSERT INTO settings (key, value, updated_at) VALUES ($1, 'x', '2026-12-03T00:00:00.000Z')",
                )
                .bind(format!("filler.{n}"))
                .execute(db.pool())
                .await
                .expect("a write during the backup");
            }
        })
    };
    let file = dir.join("copy.fleetdesk-backup");
    let backup_dir = dir.clone();
    let backup_file = file.clone();
    let out = tokio::task::spawn_blocking(move || {
        fleetdesk(
            &backup_dir,
            &[],
            &["backup", backup_file.to_str().expect("path")],
            None,
        )
    })
    .await
    .expect("joined");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Backed up"),
        "{}",
        text(&out.stdout)
    );
    writing
        .await
        .expect("the writer was never blocked for good");
    let in_backup: i64 = {
        let copy = fleetdesk_core::Db::connect(
            &format!("sqlite://{}?mode=rw", file.display()),
            fleetdesk_core::db::PoolSettings::default(),
        )
        .await
        .expect("the backup opens");
        let n = sqlx::query_scalar("SELECT COUNT(*) FROM settings WHERE key LIKE 'filler.%'")
            .fetch_one(copy.pool())
            .await
            .expect("count");
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(copy.pool())
            .await
            .expect("check");
        assert_eq!(check, "ok");
        copy.close().await;
        n
    };
    assert!((0..=400).contains(&in_backup));

    // A backup never overwrites a file.
    let again = fleetdesk(&dir, &[], &["backup", file.to_str().expect("path")], None);
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        text(&again.stderr)
    );

    assert!(create("after.backup").status.success());
    db.close().await;
    let out = fleetdesk(&dir, &[], &["restore", file.to_str().expect("path")], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed = text(&fleetdesk(&dir, &[], &["operator", "list"], None).stdout);
    assert!(listed.contains("before.backup"), "{listed}");
    assert!(!listed.contains("after.backup"), "{listed}");
    let db = fleetdesk_core::Db::connect(
        &format!("sqlite://{}?mode=rw", dir.join("fleetdesk.db").display()),
        fleetdesk_core::db::PoolSettings::default(),
    )
    .await
    .expect("the database opens");
    let restored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM settings WHERE key LIKE 'filler.%'")
            .fetch_one(db.pool())
            .await
            .expect("count");
    assert_eq!(
        restored, in_backup,
        "the rows of the backup's moment, no more, no less"
    );
    db.close().await;

    // Something that is not a backup is refused and changes nothing.
    let junk = dir.join("junk.txt");
    std::fs::write(&junk, "not a database").expect("junk");
    let out = fleetdesk(&dir, &[], &["restore", junk.to_str().expect("path")], None);
    assert!(!out.status.success());
    let listed = text(&fleetdesk(&dir, &[], &["operator", "list"], None).stdout);
    assert!(listed.contains("before.backup"), "{listed}");

    // PostgreSQL has its own tools.
    let out = fleetdesk(
        &dir,
        &[
            (
                "FLEETDESK_DATABASE_URL",
                "postgres://postgres@127.0.0.1:5432/test",
            ),
            (
                "FLEETDESK_SESSION_KEY",
                &fleetdesk_server::config::generate_session_key(),
            ),
        ],
        &["backup", dir.join("pg.backup").to_str().expect("path")],
        None,
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("pg_dump"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn seed_writes_a_realistic_data_set_on_either_database() {
    for test_db in TestDb::all().await {
        let dir = temp_dir();
        let key = fleetdesk_server::config::generate_session_key();
        let output = fleetdesk(
            &dir,
            &[
                ("FLEETDESK_DATABASE_URL", &test_db.url),
                ("FLEETDESK_SESSION_KEY", &key),
            ],
            &["seed", "--customers", "3", "--licences-per-customer", "4"],
            None,
        );
        let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
        assert!(output.status.success(), "{stdout}\n{stderr}");
        assert!(
            stdout.contains("The catalogue was empty: added the demo offerings OFFER-MOBILE-PRO"),
            "{stdout}"
        );
        assert!(
            stdout.contains("Seeded 3 customers, 12 licences and"),
            "{stdout}"
        );
        assert!(stderr.contains("12 of 12 licences written"), "{stderr}");
        let licences: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM licences")
            .fetch_one(test_db.db.pool())
            .await
            .expect("count");
        assert_eq!(licences, 12);

        let refused = fleetdesk(
            &dir,
            &[
                ("FLEETDESK_DATABASE_URL", &test_db.url),
                ("FLEETDESK_SESSION_KEY", &key),
            ],
            &["seed", "--customers", "0"],
            None,
        );
        assert!(!refused.status.success());
        assert!(
            text(&refused.stderr).contains("give at least one customer"),
            "{}",
            text(&refused.stderr)
        );
    }
}
