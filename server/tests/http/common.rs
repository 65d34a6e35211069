//! A real Fleetdesk server on a real socket, over a fresh SQLite or PostgreSQL database, and an
//! HTTP client with a cookie jar that does not follow redirects (tests look at them).

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use fleetdesk_core::operators::{self, NewOperator, Operator, Role};
use fleetdesk_core::password::Secret;
use fleetdesk_core::testing::TestDb;
use fleetdesk_server::config::{Config, generate_session_key};
use fleetdesk_server::serve;

pub const ADMIN_PASSWORD: &str = "test-admin-password-1";
pub const PASSWORD: &str = "a good long password";

/// What a test server is made of, so that it can be started again (restart) or twice (instances).
#[derive(Debug, Clone)]
pub struct Setup {
    pub database_url: String,
    pub data_dir: PathBuf,
    pub session_key: String,
    pub extra: Vec<(String, String)>,
}

impl Setup {
    pub fn new(test_db: &TestDb) -> Setup {
        let data_dir =
            std::env::temp_dir().join(format!("fleetdesk-http-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&data_dir).expect("temporary folder");
        Setup {
            database_url: test_db.url.clone(),
            data_dir,
            session_key: generate_session_key(),
            extra: Vec::new(),
        }
    }

    pub fn with(mut self, name: &str, value: &str) -> Setup {
        self.extra.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn config(&self) -> Config {
        let mut vars: HashMap<String, String> = HashMap::from([
            ("FLEETDESK_DATABASE_URL".into(), self.database_url.clone()),
            (
                "FLEETDESK_DATA_DIR".into(),
                self.data_dir.display().to_string(),
            ),
            ("FLEETDESK_LISTEN".into(), "127.0.0.1:0".into()),
            ("FLEETDESK_SESSION_KEY".into(), self.session_key.clone()),
            (
                "FLEETDESK_SECRET_KEY".into(),
                fleetdesk_core::testing::TEST_SECRET_KEY.into(),
            ),
            (
                "FLEETDESK_BOOTSTRAP_ADMIN_PASSWORD".into(),
                ADMIN_PASSWORD.into(),
            ),
            ("FLEETDESK_LOG".into(), "warn".into()),
            (
                "LEPTOS_SITE_ROOT".into(),
                self.data_dir.join("site").display().to_string(),
            ),
        ]);
        vars.extend(self.extra.iter().cloned());
        Config::from_lookup(|name| vars.get(name).cloned())
            .expect("the test configuration is valid")
    }

    /// Starts the server on its own thread and multi-threaded runtime, as `fleetdesk serve` runs,
    /// so that it never shares the test's single-threaded runtime with the test's HTTP client.
    pub async fn start(&self) -> TestServer {
        let config = self.config();
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let (commands, mut received) = tokio::sync::mpsc::unbounded_channel::<Command>();
        let thread = std::thread::Builder::new()
            .name("test-server".to_owned())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("the server's runtime starts");
                runtime.block_on(async move {
                    let server = match serve::start(config).await {
                        Ok(server) => server,
                        Err(error) => {
                            let _ = ready_tx.send(Err(format!("{error:#}")));
                            return;
                        }
                    };
                    let _ = ready_tx.send(Ok(server.addr));
                    while let Some(command) = received.recv().await {
                        match command {
                            Command::CloseDatabase(done) => {
                                server.db.close().await;
                                let _ = done.send(());
                            }
                            Command::Stop(done) => {
                                let stopped = server.stop().await.map_err(|e| format!("{e:#}"));
                                let _ = done.send(stopped);
                                return;
                            }
                        }
                    }
                });
            })
            .expect("the server's thread starts");
        let addr = ready_rx
            .await
            .expect("the server's thread answers")
            .unwrap_or_else(|error| panic!("the server starts: {error}"));
        TestServer {
            base: format!("http://{addr}"),
            commands,
            thread: Some(thread),
        }
    }
}

/// What a test asks of its running server.
enum Command {
    CloseDatabase(tokio::sync::oneshot::Sender<()>),
    Stop(tokio::sync::oneshot::Sender<Result<(), String>>),
}

pub struct TestServer {
    pub base: String,
    commands: tokio::sync::mpsc::UnboundedSender<Command>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Closes the server's database pool, as if the database went away.
    pub async fn close_database(&self) {
        let (done, closed) = tokio::sync::oneshot::channel();
        self.commands
            .send(Command::CloseDatabase(done))
            .expect("the server runs");
        closed.await.expect("the server closes its database");
    }

    pub async fn stop(mut self) {
        let (done, stopped) = tokio::sync::oneshot::channel();
        self.commands
            .send(Command::Stop(done))
            .expect("the server runs");
        stopped
            .await
            .expect("the server answers")
            .unwrap_or_else(|error| panic!("the server stops cleanly: {error}"));
        if let Some(thread) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }
}

/// A browser-like client: keeps cookies, does not follow redirects, and says its requests come
/// from the page's own site (`Sec-Fetch-Site: same-origin`), as browsers do.
pub fn client() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "sec-fetch-site",
        reqwest::header::HeaderValue::from_static("same-origin"),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A header of the answer, empty when absent.
pub fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

pub async fn login(
    client: &reqwest::Client,
    server: &TestServer,
    login: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(server.url("/auth/login"))
        .form(&[("login", login), ("password", password), ("next", "/")])
        .send()
        .await
        .expect("login request")
}

pub async fn operator(test_db: &TestDb, login: &str, role: Role) -> Operator {
    operators::create(
        &test_db.db,
        &fleetdesk_core::audit::Acting::system(),
        NewOperator {
            login: login.to_owned(),
            display_name: format!("{login} name"),
            role,
            password: Secret::new(PASSWORD),
        },
    )
    .await
    .expect("operator created")
}

/// A signed-in client for a new operator with `role`.
pub async fn signed_in(
    test_db: &TestDb,
    server: &TestServer,
    login_name: &str,
    role: Role,
) -> reqwest::Client {
    operator(test_db, login_name, role).await;
    let client = client();
    let response = login(&client, server, login_name, PASSWORD).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/", "{login_name} should be signed in");
    client
}

/// The answer's body; for a page, without the empty comments (`<!>`) that mark where each child
/// view ends for hydration, so that tests read the page's content (`<b>Client</b>`, not
/// `<b>Client<!></b>`).
pub async fn body(response: reqwest::Response) -> String {
    let html = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let text = response.text().await.expect("body");
    if html { text.replace("<!>", "") } else { text }
}

/// Posts the console's "Add operator" form.
pub async fn add_operator(
    client: &reqwest::Client,
    server: &TestServer,
    login: &str,
    display_name: &str,
    role: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(server.url("/console/operators"))
        .form(&[
            ("login", login),
            ("display_name", display_name),
            ("role", role),
            ("password", password),
        ])
        .send()
        .await
        .expect("add operator request")
}

/// `GET` a path of a test server.
pub async fn get(client: &reqwest::Client, server: &TestServer, path: &str) -> reqwest::Response {
    client
        .get(server.url(path))
        .send()
        .await
        .expect("GET request")
}

/// The audit actions recorded on one object, newest first.
pub async fn audit_actions(test_db: &TestDb, object_id: &str) -> Vec<String> {
    let filter = fleetdesk_core::audit::Filter {
        object_id: Some(object_id.to_owned()),
        ..Default::default()
    };
    fleetdesk_core::audit::list(&test_db.db, &filter, 50)
        .await
        .expect("audit entries")
        .into_iter()
        .map(|entry| entry.action)
        .collect()
}

/// The page a form's redirect leads to, where its flash message shows.
pub async fn follow(
    client: &reqwest::Client,
    server: &TestServer,
    response: reqwest::Response,
) -> String {
    assert_eq!(response.status(), 303);
    let to = location(&response);
    body(get(client, server, &to).await).await
}

/// Posts a form to a test server.
pub async fn post_form(
    client: &reqwest::Client,
    server: &TestServer,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(server.url(path))
        .form(fields)
        .send()
        .await
        .expect("POST request")
}

/// Uploads one file as `multipart/form-data`, as a browser's file form does.
pub async fn upload(
    client: &reqwest::Client,
    server: &TestServer,
    path: &str,
    field: &str,
    file_name: &str,
    content: &str,
) -> reqwest::Response {
    upload_with(client, server, path, &[], field, file_name, content).await
}

/// Uploads a form of plain `fields` and one file as `multipart/form-data`.
pub async fn upload_with(
    client: &reqwest::Client,
    server: &TestServer,
    path: &str,
    fields: &[(&str, &str)],
    field: &str,
    file_name: &str,
    content: &str,
) -> reqwest::Response {
    let boundary = "fleetdesk-test-boundary-7d2a";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\n\
         Content-Type: text/csv\r\n\r\n{content}\r\n--{boundary}--\r\n"
    ));
    client
        .post(server.url(path))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .expect("upload request")
}

/// The text of the first element carrying `data-testid="{test_id}"` (up to its first child tag).
pub fn test_id_text(html: &str, test_id: &str) -> Option<String> {
    let marker = format!("data-testid=\"{test_id}\"");
    let start = html.find(&marker)? + marker.len();
    let rest = &html[start..];
    let open_end = rest.find('>')? + 1;
    let text = &rest[open_end..];
    let end = text.find('<').unwrap_or(text.len());
    Some(text[..end].to_owned())
}

/// A client signed in as the bootstrap administrator.
pub async fn admin(server: &TestServer) -> reqwest::Client {
    let client = client();
    let response = login(&client, server, "admin", ADMIN_PASSWORD).await;
    assert_eq!(location(&response), "/", "the administrator signs in");
    client
}

/// Waits until the server at `base` answers `/readyz` with 200 (30 s at most).
pub async fn wait_ready(base: &str) {
    let http = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !http
        .get(format!("{base}/readyz"))
        .send()
        .await
        .is_ok_and(|r| r.status() == 200)
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the server never came up"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The real `fleetdesk serve` binary over `database_url`, in a process of its own (so that a test
/// can kill it with SIGKILL): listening on `listen`, with the test databases' secret key, a fresh
/// session key, a first administrator, and the `extra` variables.
pub fn spawn_serve(
    database_url: &str,
    data_dir: &std::path::Path,
    listen: &str,
    extra: &[(&str, &str)],
) -> std::process::Child {
    use std::process::{Command, Stdio};
    Command::new(env!("CARGO_BIN_EXE_fleetdesk"))
        .arg("serve")
        .env("FLEETDESK_DATABASE_URL", database_url)
        .env("FLEETDESK_DATA_DIR", data_dir)
        .env("FLEETDESK_LISTEN", listen)
        .env("FLEETDESK_LOG", "warn")
        .env(
            "FLEETDESK_SECRET_KEY",
            fleetdesk_core::testing::TEST_SECRET_KEY,
        )
        .env(
            "FLEETDESK_SESSION_KEY",
            fleetdesk_server::config::generate_session_key(),
        )
        .env("FLEETDESK_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("LEPTOS_SITE_ROOT", data_dir.join("site"))
        .envs(extra.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts")
}
