//! The API credentials (administrators): issue and revoke Orange's (`/orange/v2`) and the partner
//! product's (`/provisioning/v1`).
//! Issuing answers with the credentials page itself, showing the new secret once, uncached: the
//! secret is kept nowhere (only its hash), never logged nor written to the audit log.

use fleetdesk_vocab::CredentialId;
use fleetdesk_vocab::{Text, say};
use serde::Deserialize;

use fleetdesk_app::i18n::Lang;
use fleetdesk_app::model::IssuedCredential;
use fleetdesk_core::access::Administer;
use fleetdesk_core::credentials::{self, CredentialError, CredentialKind, Issued};

use super::action::{Confirmation, Cx, Fields, Note, Reply};
use super::forms::not_saved;

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
pub async fn issue(cx: Cx<Administer>, _: (), Fields(form): Fields<IssueForm>) -> Reply {
    let lang = cx.lang;
    let kind = match form.kind.trim() {
        "" => CredentialKind::Orange,
        text => CredentialKind::parse(text).ok_or(cx.t(Text::ChooseWhoTheCredentialIsFor))?,
    };
    let operator = Some(cx.operator.id.as_str());
    let issued = credentials::issue(&cx.state.db, &cx.acting, kind, &form.label, operator)
        .await
        .map_err(|error| match error {
            CredentialError::Db(error) => {
                tracing::error!(error = %error, "failed to issue a credential");
                not_saved(lang)
            }
            CredentialError::InvalidLabel => lang.t(Text::TheLabelMustBe1To),
            CredentialError::NotFound => no_such_credential(lang),
        })?;
    let credential = &issued.credential;
    tracing::info!(credential.id = %credential.id, credential.kind = %credential.kind, client_id = %credential.client_id, "API credential issued");
    let text = say::credential_issued(lang, &credential.label);
    Ok(Note::from(text).showing(issued_view(&issued)))
}

fn no_such_credential(lang: Lang) -> &'static str {
    lang.t(Text::NoSuchCredential)
}

/// `POST /console/credentials/{id}/revoke`: revokes a credential, once confirmed.
pub async fn revoke(
    cx: Cx<Administer>,
    id: CredentialId,
    Fields(form): Fields<Confirmation>,
) -> Reply {
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
