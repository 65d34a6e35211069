//! `/settings/credentials` (administrators): the credentials Orange calls the API with. Issuing
//! one shows its secret once; revoking one asks for a ticked confirmation, so that it works the
//! same without JavaScript. Issuing posts to the page's own address, whose answer shows the new
//! secret (kept nowhere else); revoking posts to `/console/credentials/{id}/revoke`.

use leptos::prelude::*;
use leptos_meta::Title;

use super::ErrorPanel;
use crate::api::fetch_credentials;
use crate::i18n::{When, use_lang};
use crate::model::{CredentialView, IssuedCredential};

#[component]
pub fn CredentialsPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |()| fetch_credentials());
    view! {
        <Title text=lang.t("API credentials", "Identifiants API")/>
        <h1>{lang.t("Orange API credentials", "Identifiants de l’API Orange")}</h1>
        <p class="lead muted">
            {lang.t("Orange authenticates every call with one of these, as ", "Orange authentifie chaque appel avec l’un d’eux, en ")}
            <code>"Authorization: Basic"</code>
            {lang.t(" (client id and secret) or ", " (client id et secret) ou en ")}
            <code>"Authorization: Bearer"</code>
            {lang.t(" (secret). Several may be active at once, for rotation.", " (secret). Plusieurs peuvent être actifs en même temps, pour la rotation.")}
        </p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("Loading…", "Chargement…")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! {
                        {page.issued.map(|issued| view! { <IssuedPanel issued/> })}
                        <CredentialTable credentials=page.credentials/>
                        <IssueForm/>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The secret of the credential just issued: the only time anyone sees it.
#[component]
fn IssuedPanel(issued: IssuedCredential) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        // Keeps the secret out of every cache, the browser's included.
        response.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-store"),
        );
    }
    let lang = use_lang();
    view! {
        <section class="panel issued" aria-labelledby="issued-title" data-testid="issued-credential">
            <h2 id="issued-title">{lang.t("New credential: ", "Nouvel identifiant : ")} {issued.label}</h2>
            <p class="flash warning" role="note">
                {lang.t(
                    "Copy the secret now: it is shown only this once. Fleetdesk keeps only a hash of it.",
                    "Copiez le secret maintenant : il n’est affiché qu’une seule fois. Fleetdesk n’en garde qu’une empreinte.",
                )}
            </p>
            <dl class="facts">
                <dt>{lang.t("Client id", "Client id")}</dt>
                <dd><code data-testid="issued-client-id">{issued.client_id}</code></dd>
                <dt>{lang.t("Secret", "Secret")}</dt>
                <dd><code class="secret" data-testid="issued-secret">{issued.secret}</code></dd>
            </dl>
            <p>{lang.t("Orange sends either header:", "Orange envoie l’un ou l’autre de ces en-têtes :")}</p>
            <pre class="code" tabindex="0" data-testid="issued-basic">{format!("Authorization: {}", issued.basic_authorization)}</pre>
            <pre class="code" tabindex="0" data-testid="issued-bearer">{format!("Authorization: {}", issued.bearer_authorization)}</pre>
        </section>
    }
}

#[component]
fn CredentialTable(credentials: Vec<CredentialView>) -> impl IntoView {
    let lang = use_lang();
    if credentials.is_empty() {
        return view! {
            <section class="panel">
                <p class="muted">
                    {lang.t(
                        "No credential yet: Orange cannot call the API until you issue one.",
                        "Aucun identifiant pour l’instant : Orange ne peut pas appeler l’API tant que vous n’en avez pas émis.",
                    )}
                </p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="panel">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">{lang.t("Label", "Libellé")}</th>
                        <th scope="col">{lang.t("Client id", "Client id")}</th>
                        <th scope="col">{lang.t("Created", "Créé le")}</th>
                        <th scope="col">{lang.t("Created by", "Créé par")}</th>
                        <th scope="col">{lang.t("Last used", "Dernière utilisation")}</th>
                        <th scope="col">{lang.t("State", "État")}</th>
                        <th scope="col"><span class="visually-hidden">{lang.t("Actions", "Actions")}</span></th>
                    </tr>
                </thead>
                <tbody>
                    {credentials.into_iter().map(|credential| view! { <CredentialRow credential/> }).collect_view()}
                </tbody>
            </table>
        </section>
    }
    .into_any()
}

#[component]
fn CredentialRow(credential: CredentialView) -> impl IntoView {
    let lang = use_lang();
    let active = credential.is_active();
    let state = match credential.revoked_at.clone() {
        None => {
            view! { <span class="badge state-active">{lang.t("active", "actif")}</span> }.into_any()
        }
        Some(at) => view! {
            <span class="badge state-retired">{lang.t("revoked", "révoqué")}</span>
            " "
            <span class="muted nowrap"><When at/></span>
        }
        .into_any(),
    };
    let action = active.then(|| {
        let target = format!("/console/credentials/{}/revoke", credential.id);
        let confirm_id = format!("confirm-{}", credential.id);
        let aria = format!("{} {}", lang.t("Revoke", "Révoquer"), credential.label);
        view! {
            <form method="post" action=target class="confirm-form">
                <input id=confirm_id.clone() type="checkbox" name="confirm" value="yes" required/>
                <label for=confirm_id class="confirm-label">{lang.t("I understand Orange can no longer use it", "Je comprends qu’Orange ne pourra plus l’utiliser")}</label>
                <button type="submit" class="button danger small" aria-label=aria>{lang.t("Revoke", "Révoquer")}</button>
            </form>
        }
    });
    view! {
        <tr>
            <td>{credential.label.clone()}</td>
            <td class="mono">{credential.client_id}</td>
            <td class="nowrap"><When at=credential.created_at.clone()/></td>
            <td>{credential.created_by.unwrap_or_else(|| lang.t("command line", "ligne de commande").to_owned())}</td>
            <td class="nowrap">{credential.last_used_at.clone().map_or_else(|| lang.t("never", "jamais").into_any(), |at| view! { <When at/> }.into_any())}</td>
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
            <h2>{lang.t("Issue a credential", "Émettre un identifiant")}</h2>
            <form method="post" action="/settings/credentials" class="grid-form">
                <div class="field">
                    <label for="credential-label">{lang.t("Label", "Libellé")}</label>
                    <input id="credential-label" name="label" type="text" required maxlength="100" autocomplete="off"/>
                    <p class="hint">{lang.t("Where it is used, e.g. “Orange production 2026”.", "Où il sert, par exemple « Orange production 2026 ».")}</p>
                </div>
                <div class="field actions">
                    <button type="submit" class="button primary">{lang.t("Issue credential", "Émettre l’identifiant")}</button>
                </div>
            </form>
        </section>
    }
}
