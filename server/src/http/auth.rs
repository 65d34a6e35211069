//! Operator authentication for the console: the login and logout form handlers, and the layer
//! that loads the operator behind every console request, and the least role of each console page
//! (what each form may do is checked by its handler, through `forms::Console`).

use axum::Form;
use axum::extract::{FromRequest, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use fleetdesk_vocab::Text;
use serde::Deserialize;
use tower_sessions::Session;

use fleetdesk_app::model::{Flash, FlashKind};
use fleetdesk_core::audit::{self, Actor, Entry};
use fleetdesk_core::clock;
use fleetdesk_core::login::{self, LoginOutcome};
use fleetdesk_core::operators::{self, CurrentOperator, Operator};
use fleetdesk_core::password::Secret;

use super::{redirect, request_id_of};
use crate::state::AppState;

/// The session key holding the signed-in operator's id.
pub const OPERATOR_ID_KEY: &str = fleetdesk_core::sessions::OPERATOR_ID_KEY;
const FLASH_KEY: &str = "flash";

/// Pages anyone may see, signed in or not.
const PUBLIC_PATHS: [&str; 3] = ["/login", "/auth/login", "/auth/lang"];
/// Loads the operator behind the session, refuses anonymous and under-privileged requests, and
/// hands the operator and any flash message to the pages and handlers.
pub async fn authenticate(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    let operator = match signed_in_operator(&state, &session).await {
        Ok(operator) => operator,
        Err(error) => {
            tracing::error!(error = %error, "failed to load the session's operator");
            return database_unavailable(super::forms::lang_of(request.headers()));
        }
    };
    let path = request.uri().path().to_owned();
    let method = request.method().clone();

    if PUBLIC_PATHS.contains(&path.as_str()) {
        if path == "/login" && method == Method::GET && operator.is_some() {
            return Redirect::to("/").into_response();
        }
        return next.run(request).await;
    }

    let Some(operator) = operator else {
        if method == Method::GET && wants_html(&request) {
            let target = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
            return Redirect::to(&format!("/login?next={}", encode(target))).into_response();
        }
        let lang = super::forms::lang_of(request.headers());
        return (StatusCode::UNAUTHORIZED, lang.t(Text::SignInFirst)).into_response();
    };

    // What each form may do is checked by the form's own handler: its `Console<permission>`
    // extractor applies the rule of `fleetdesk_core::access` before the form is read.

    if method == Method::GET && wants_html(&request) {
        match session.remove::<Flash>(FLASH_KEY).await {
            Ok(Some(flash)) => {
                request.extensions_mut().insert(flash);
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(error = %error, "failed to read the flash message"),
        }
    }

    // What each page may show is checked by its server function (`access::Permission`), which
    // refuses with a page saying so and a 403.
    request.extensions_mut().insert(CurrentOperator(operator));
    next.run(request).await
}

/// The signed-in operator, if any. Fails (and the caller answers 503) only when the database
/// cannot be read: a session that cannot be read for any other reason counts as signed out.
async fn signed_in_operator(
    state: &AppState,
    session: &Session,
) -> Result<Option<Operator>, Box<dyn std::error::Error + Send + Sync>> {
    let id = match session.get::<String>(OPERATOR_ID_KEY).await {
        Ok(id) => id,
        // The store could not be read: not a signed-out visitor, a database away. Treating it as
        // signed out would answer a sign-in page and then fail to save the session.
        Err(tower_sessions::session::Error::Store(
            error @ tower_sessions::session_store::Error::Backend(_),
        )) => return Err(Box::new(error)),
        Err(error) => {
            tracing::warn!(error = %error, "unreadable session; treating it as signed out");
            None
        }
    };
    let Some(id) = id else { return Ok(None) };
    Ok(operators::find_by_id(&state.db, &id.into())
        .await?
        .filter(Operator::is_active))
}

fn wants_html(request: &Request) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|accept| accept.contains("text/html") || accept.contains("*/*"))
}

/// Percent-encodes a value for a query string.
fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The page to land on after sign-in: a page of this site other than the sign-in page itself.
fn safe_next(next: Option<&str>, origin: &url::Url) -> String {
    match next.and_then(|target| redirect::local_target(target, origin)) {
        Some(path) if path != "/login" => path,
        _ => redirect::DEFAULT_PAGE.to_owned(),
    }
}

/// Stores a one-time message shown by the next page.
pub async fn set_flash(session: &Session, kind: FlashKind, text: impl Into<String>) {
    set_flash_with_details(session, kind, text, Vec::new()).await;
}

/// Stores a one-time message with lines under it (e.g. the errors of an import).
pub async fn set_flash_with_details(
    session: &Session,
    kind: FlashKind,
    text: impl Into<String>,
    details: Vec<String>,
) {
    let flash = Flash {
        kind,
        text: text.into(),
        details,
    };
    if let Err(error) = session.insert(FLASH_KEY, flash).await {
        tracing::warn!(error = %error, "failed to store the flash message");
    }
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// `POST /auth/login`: checks the credentials and starts a session under a fresh id.
pub async fn login(State(state): State<AppState>, session: Session, request: Request) -> Response {
    let request_id = request_id_of(&request);
    let address = client_address(&request, state.config.trusted_proxy_header.as_ref());
    let headers = request.headers().clone();
    let Ok(Form(form)) = Form::<LoginForm>::from_request(request, &state).await else {
        return Redirect::to("/login?error=invalid").into_response();
    };
    let next = safe_next(form.next.as_deref(), &state.config.public_url);
    let back = |error: &str, extra: &str| {
        Redirect::to(&format!(
            "/login?error={error}{extra}&next={}",
            encode(&next)
        ))
        .into_response()
    };
    if form.login.trim().is_empty() || form.password.is_empty() {
        return back("missing", "");
    }
    let outcome = match login::attempt(
        &state.db,
        &form.login,
        &Secret::new(form.password),
        &address,
    )
    .await
    {
        Ok(outcome) => outcome,
        Err(error) => {
            tracing::error!(error = %error, "login failed on a database error");
            return back("unavailable", "");
        }
    };
    match outcome {
        LoginOutcome::Success(operator) => {
            if let Err(error) = start_session(&session, &operator).await {
                tracing::error!(error = %error, "failed to start a session");
                return back("unavailable", "");
            }
            let entry = Entry::new(
                Actor::operator(operator.id.as_str(), &operator.login),
                "operator.login",
                "operator",
                Some(operator.id.as_str()),
            )
            .request_id(request_id);
            write_audit(&state, &entry).await;
            tracing::info!(operator.id = %operator.id, "operator signed in");
            Redirect::to(&next).into_response()
        }
        LoginOutcome::Invalid { delay } => {
            audit_refusal(&state, &form.login, "operator.login_failed", request_id).await;
            tokio::time::sleep(delay).await;
            back("invalid", "")
        }
        LoginOutcome::Busy => {
            // Answered at once, with the sign-in page saying so: nothing was checked or counted.
            let path = format!("/login?error=busy&next={}", encode(&next));
            let mut page = super::render_public_page(&state, headers, &path).await;
            *page.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            page.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
            page
        }
        LoginOutcome::Locked { until } => {
            audit_refusal(&state, &form.login, "operator.login_locked", request_id).await;
            let minutes = ((until - clock::now()).whole_seconds().max(0) as f64 / 60.0)
                .ceil()
                .max(1.0);
            back("locked", &format!("&minutes={minutes}"))
        }
    }
}

/// The client's address for sign-in limits: the connection's own, or, behind a reverse proxy
/// named in the configuration, what the proxy put in its header (the last `X-Forwarded-For`
/// entry, the one the proxy appended). A header nobody configured is never believed.
pub fn client_address(request: &Request, trusted_header: Option<&header::HeaderName>) -> String {
    let from_proxy = trusted_header.and_then(|name| {
        let values: Vec<&str> = request
            .headers()
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        values
            .last()
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .and_then(|v| v.parse::<std::net::IpAddr>().ok())
    });
    let address = from_proxy.or_else(|| {
        request
            .extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip())
    });
    address.map_or_else(|| "unknown".to_owned(), |a| a.to_string())
}

/// Audits a refused sign-in under the username that was typed.
async fn audit_refusal(state: &AppState, login: &str, action: &str, request_id: Option<String>) {
    let entry =
        Entry::new(Actor::anonymous(login), action, "operator", None).request_id(request_id);
    write_audit(state, &entry).await;
}

async fn start_session(
    session: &Session,
    operator: &Operator,
) -> Result<(), tower_sessions::session::Error> {
    // A new id at login, so that a session id planted before login is worthless after it.
    session.cycle_id().await?;
    session.insert(OPERATOR_ID_KEY, &operator.id).await
}

/// `POST /auth/logout`: ends the session everywhere (it is deleted from the database).
pub async fn logout(State(state): State<AppState>, session: Session, request: Request) -> Response {
    if let Some(CurrentOperator(operator)) = request.extensions().get::<CurrentOperator>() {
        let entry = Entry::new(
            Actor::operator(operator.id.as_str(), &operator.login),
            "operator.logout",
            "operator",
            Some(operator.id.as_str()),
        )
        .request_id(request_id_of(&request));
        write_audit(&state, &entry).await;
    }
    if let Err(error) = session.flush().await {
        tracing::error!(error = %error, "failed to delete a session at logout");
    }
    Redirect::to("/login?signed_out=1").into_response()
}

/// Writes an audit entry for an action already done; a failure is logged, not shown to the user.
async fn write_audit(state: &AppState, entry: &Entry) {
    if let Err(error) = audit::record(state.db.pool(), entry).await {
        tracing::error!(error = %error, action = %entry.action, "failed to write an audit entry");
    }
}

/// The page a browser gets while the database cannot be used (unreachable, disk full or
/// read-only): in the reader's language, styled, never cached, with a hint to come back shortly.
pub(crate) fn database_unavailable(lang: fleetdesk_app::i18n::Lang) -> Response {
    let (code, title, text, again) = (
        lang.code(),
        lang.t(Text::FleetdeskCannotUseItsDatabaseRight),
        lang.t(Text::TheDatabaseDoesNotAnswerOr),
        lang.t(Text::TryAgain),
    );
    let page = format!(
        "<!DOCTYPE html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/pkg/fleetdesk.css\"></head>\
         <body><main class=\"page unavailable\"><h1>{title}</h1><p>{text}</p>\
         <p><a class=\"button\" href=\"\">{again}</a></p></main></body></html>"
    );
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::RETRY_AFTER, "5"),
        ],
        page,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        let origin = url::Url::parse("http://127.0.0.1:3000/").expect("a URL");
        let next = |target| safe_next(target, &origin);
        assert_eq!(next(Some("/operators?x=1")), "/operators?x=1");
        assert_eq!(next(Some("//evil.example")), "/");
        assert_eq!(next(Some("https://evil.example")), "/");
        assert_eq!(next(Some("/\\evil.example")), "/");
        assert_eq!(next(Some("/\t/evil.example")), "/");
        assert_eq!(next(Some("/login")), "/");
        assert_eq!(next(None), "/");
    }
}
