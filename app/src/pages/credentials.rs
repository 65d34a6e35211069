//! `/settings/credentials` (administrators): the credentials Orange calls the API with, and those
//! the partner's product calls back with (`/provisioning/v1`); each kind is valid on its own API
//! only. Issuing one shows its secret once; revoking one asks for a ticked confirmation, so that
//! it works the same without JavaScript. Issuing posts to the page's own address, whose answer
//! shows the new secret (kept nowhere else); revoking posts to `/console/credentials/{id}/revoke`.

use fleetdesk_vocab::{CredentialKind, Label, Text};
use leptos::prelude::*;

use super::parts::{Page, TablePanel, keep_out_of_caches, rows};
use crate::api::fetch_credentials;
use crate::i18n::{When, use_lang};
use crate::model::{CredentialView, IssuedCredential};
use crate::posts;

#[component]
pub fn CredentialsPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |()| fetch_credentials());
    let body = |page: crate::model::CredentialsPage| {
        view! {
            {page.issued.map(|issued| view! { <IssuedPanel issued/> })}
            <CredentialTable credentials=page.credentials/>
            <IssueForm/>
        }
    };
    view! {
        <Page title=Text::ApiCredentials data body>
            <h1>{lang.t(Text::ApiCredentials)}</h1>
            <p class="lead muted">
                {lang.t(Text::OrangeAuthenticatesEveryCallWithOne)}
                <code>"Authorization: Basic"</code>
                {lang.t(Text::ClientIdAndSecretOr)}
                <code>"Authorization: Bearer"</code>
                {lang.t(Text::SecretSeveralMayBeActiveAt)}
            </p>
            <p class="muted">
                {lang.t(Text::YourProductCallsBackOn)}
                " " <code>"/provisioning/v1"</code> " "
                {lang.t(Text::WithAProvisioningCredentialSentThe)}
            </p>
        </Page>
    }
}

/// The secret of the credential just issued: the only time anyone sees it.
#[component]
fn IssuedPanel(issued: IssuedCredential) -> impl IntoView {
    keep_out_of_caches();
    let lang = use_lang();
    view! {
        <section class="panel issued" aria-labelledby="issued-title" data-testid="issued-credential">
            <h2 id="issued-title">{lang.t(Text::NewCredential)} {issued.label}</h2>
            <p data-testid="issued-kind">{issued.kind.label(lang)}</p>
            <p class="flash warning" role="note">
                {lang.t(Text::CopyTheSecretNowItIs)}
            </p>
            <dl class="facts">
                <dt>{lang.t(Text::ClientId)}</dt>
                <dd><code data-testid="issued-client-id">{issued.client_id}</code></dd>
                <dt>{lang.t(Text::Secret)}</dt>
                <dd><code class="secret" data-testid="issued-secret">{issued.secret}</code></dd>
            </dl>
            <p>{lang.t(match issued.kind {
                CredentialKind::Orange => Text::OrangeSendsEitherHeader,
                CredentialKind::Provisioning => Text::YourProductSendsEitherHeader,
            })}</p>
            <pre class="code" tabindex="0" data-testid="issued-basic">{format!("Authorization: {}", issued.basic_authorization)}</pre>
            <pre class="code" tabindex="0" data-testid="issued-bearer">{format!("Authorization: {}", issued.bearer_authorization)}</pre>
        </section>
    }
}

#[component]
fn CredentialTable(credentials: Vec<CredentialView>) -> impl IntoView {
    view! {
        <TablePanel
            empty=Text::NoCredentialYetOrangeCannotCall
            columns=vec![Text::Label, Text::CredentialKind, Text::ClientId, Text::CredentialCreated, Text::CreatedBy, Text::LastUsed, Text::State]
            actions=true
            rows=rows(credentials, |credential| view! { <CredentialRow credential/> })
        />
    }
}

#[component]
fn CredentialRow(credential: CredentialView) -> impl IntoView {
    let lang = use_lang();
    let active = credential.is_active();
    let state = match credential.revoked_at.clone() {
        None => {
            view! { <span class="badge state-active">{lang.t(Text::ActiveM)}</span> }.into_any()
        }
        Some(at) => view! {
            <span class="badge state-retired">{lang.t(Text::Revoked)}</span>
            " "
            <span class="muted nowrap"><When at/></span>
        }
        .into_any(),
    };
    let action = active.then(|| {
        let target = posts::REVOKE_CREDENTIAL.to([&credential.id]);
        let confirm_id = format!("confirm-{}", credential.id);
        let aria = format!("{} {}", lang.t(Text::Revoke), credential.label);
        view! {
            <form method="post" action=target class="confirm-form">
                <input id=confirm_id.clone() type="checkbox" name="confirm" value="yes" required/>
                <label for=confirm_id class="confirm-label">{lang.t(match credential.kind {
                    CredentialKind::Orange => Text::IUnderstandOrangeCanNoLonger,
                    CredentialKind::Provisioning => Text::IUnderstandTheProductCanNoLonger,
                })}</label>
                <button type="submit" class="button danger small" aria-label=aria>{lang.t(Text::Revoke)}</button>
            </form>
        }
    });
    view! {
        <tr>
            <td>{credential.label.clone()}</td>
            <td data-testid="credential-kind">{credential.kind.label(lang)}</td>
            <td class="mono">{credential.client_id}</td>
            <td class="nowrap"><When at=credential.created_at.clone()/></td>
            <td>{credential.created_by.unwrap_or_else(|| lang.t(Text::CommandLine).to_owned())}</td>
            <td class="nowrap">{credential.last_used_at.clone().map_or_else(|| lang.t(Text::Never).into_any(), |at| view! { <When at/> }.into_any())}</td>
            <td>{state}</td>
            <td class="actions">{action}</td>
        </tr>
    }
}

#[component]
fn IssueForm() -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="panel">
            <h2>{lang.t(Text::IssueACredential)}</h2>
            <form method="post" action=posts::ISSUE_CREDENTIAL.path() class="grid-form">
                <div class="field">
                    <label for="credential-label">{lang.t(Text::Label)}</label>
                    <input id="credential-label" name="label" type="text" required maxlength="100" autocomplete="off"/>
                    <p class="hint">{lang.t(Text::WhereItIsUsedEG)}</p>
                </div>
                <fieldset class="field choices">
                    <legend>{lang.t(Text::CredentialKind)}</legend>
                    {CredentialKind::ALL.into_iter().map(|kind| {
                        let id = format!("credential-kind-{kind}");
                        view! {
                            <div class="choice">
                                <input id=id.clone() name="kind" type="radio" value=kind.as_str() checked=kind == CredentialKind::Orange/>
                                <label for=id>{kind.label(lang)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="field actions">
                    <button type="submit" class="button primary">{lang.t(Text::IssueCredential)}</button>
                </div>
            </form>
        </section>
    }
}
