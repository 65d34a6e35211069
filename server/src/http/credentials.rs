//! The API credentials (administrators): issue and revoke Orange's (`/orange/v2`) and the partner
//! product's (`/provisioning/v1`).
//! Issuing answers with the credentials page itself, showing the new secret once, uncached: the
//! secret is kept nowhere (only its hash), never logged nor written to the audit log.

use axum::Form;
use axum::extract::{FromRequest, Request, State};
use axum::response::Response;
use fleetdesk_vocab::CredentialId;
use fleetdesk_vocab::{Text, say};
use serde::Deserialize;

use fleetdesk_app::i18n::Lang;
use fleetdesk_app::model::{Flash, FlashKind, IssuedCredential};
use fleetdesk_app::posts;
use fleetdesk_core::access::Administer;
use fleetdesk_core::credentials::{self, CredentialError, CredentialKind, Issued};

use super::action::{Action, Confirmation, Cx, Fields, Reply};
use super::forms::{Console, not_saved, unreadable};
use crate::state::AppState;

const PAGE: &str = "/settings/credentials";

/// What the console shows once: the client id, the secret and both header forms.
pub fn issued_view(issued: &Issued) -> IssuedCredential {
    let client_id = issued.credential.client_id.clone();
    let secret = issued.secret.expose();
    let basic_authorization = credentials::basic_authorization(&client_id, secret);
    IssuedCredential {
        kind: issued.credential.kind,
        label: issued.credential.label.clone(),
        client_id,
        secret: secret.to_owned(),
        basic_authorization,
        bearer_authorization: format!("Bearer {secret}"),
    }
}

#[derive(Debug, Deserialize)]
pub struct IssueForm {
    #[serde(default)]
    label: String,
    /// `orange` or `provisioning`; Orange's when the form does not say.
    #[serde(default)]
    kind: String,
}

/// `POST /settings/credentials`: issues a credential of the kind asked and answers with the page
/// showing its secret.
pub async fn issue(
    State(state): State<AppState>,
    console: Console<Administer>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let headers = request.headers().clone();
    let Ok(Form(form)) = Form::<IssueForm>::from_request(request, &state).await else {
        return console.back(PAGE, FlashKind::Error, unreadable(lang)).await;
    };
    let kind = match form.kind.trim() {
        "" => CredentialKind::Orange,
        text => match CredentialKind::parse(text) {
            Some(kind) => kind,
            None => {
                return console
                    .back(
                        PAGE,
                        FlashKind::Error,
                        lang.t(Text::ChooseWhoTheCredentialIsFor),
                    )
                    .await;
            }
        },
    };
    let issued = match credentials::issue(
        &state.db,
        &console.acting(),
        kind,
        &form.label,
        Some(console.operator.id.as_str()),
    )
    .await
    {
        Ok(issued) => issued,
        Err(CredentialError::Db(error)) => {
            tracing::error!(error = %error, "failed to issue a credential");
            return console.back(PAGE, FlashKind::Error, not_saved(lang)).await;
        }
        Err(CredentialError::InvalidLabel) => {
            return console
                .back(PAGE, FlashKind::Error, lang.t(Text::TheLabelMustBe1To))
                .await;
        }
        Err(CredentialError::NotFound) => {
            return console
                .back(PAGE, FlashKind::Error, no_such_credential(lang))
                .await;
        }
    };
    let credential = &issued.credential;
    tracing::info!(credential.id = %credential.id, credential.kind = %credential.kind, client_id = %credential.client_id, "API credential issued");
    let text = say::credential_issued(lang, &credential.label);
    let flash = Flash {
        kind: FlashKind::Success,
        text,
        details: Vec::new(),
    };
    let current = fleetdesk_core::operators::CurrentOperator(console.operator);
    crate::http::render_page(&state, headers, PAGE, current, flash, issued_view(&issued)).await
}

fn no_such_credential(lang: Lang) -> &'static str {
    lang.t(Text::NoSuchCredential)
}

/// `POST /console/credentials/{id}/revoke`: revokes a credential, once confirmed.
pub enum Revoke {}

impl Action for Revoke {
    const PATH: &'static str = posts::REVOKE_CREDENTIAL.path();
    type Needs = Administer;
    type Target = CredentialId;
    type Form = Fields<Confirmation>;

    fn page(_: &CredentialId) -> String {
        PAGE.to_owned()
    }

    async fn run(cx: Cx, id: CredentialId, Fields(form): Fields<Confirmation>) -> Reply {
        let lang = cx.lang;
        let before = match credentials::find_by_id(&cx.state.db, &id).await {
            Ok(Some(found)) => found,
            Ok(None) => return Err(no_such_credential(lang).into()),
            Err(error) => {
                tracing::error!(error = %error, "failed to load a credential");
                return Err(not_saved(lang).into());
            }
        };
        if !form.confirm.0 {
            return Err(say::credential_tick_to_revoke(lang, &before.label).into());
        }
        if !before.is_active() {
            return Ok(say::credential_already_revoked(lang, &before.label).into());
        }
        match credentials::revoke(&cx.state.db, &cx.acting, &id).await {
            Ok(after) => {
                tracing::info!(credential.id = %id, credential.kind = %after.kind, "API credential revoked");
                Ok(say::credential_revoked(lang, &after.label).into())
            }
            Err(error) => {
                tracing::error!(error = %error, "failed to revoke a credential");
                Err(not_saved(lang).into())
            }
        }
    }
}
