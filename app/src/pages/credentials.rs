//! `/settings/credentials` (administrators): the credentials Orange calls the API with. Issuing
//! one shows its secret once; revoking one asks for a ticked confirmation, so that it works the
//! same without JavaScript. The forms post to `/console/credentials`.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{ErrorPanel, short_time};
use crate::api::fetch_credentials;
use crate::model::{CredentialView, IssuedCredential};

#[component]
pub fn CredentialsPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| fetch_credentials());
    view! {
        <Title text="API credentials"/>
        <h1>"Orange API credentials"</h1>
        <p class="lead muted">
            "Orange authenticates every call with one of these, as "
            <code>"Authorization: Basic"</code>
            " (client id and secret) or "
            <code>"Authorization: Bearer"</code>
            " (secret). Several may be active at once, for rotation."
        </p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
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
    view! {
        <section class="panel issued" aria-labelledby="issued-title" data-testid="issued-credential">
            <h2 id="issued-title">"New credential: " {issued.label}</h2>
            <p class="flash warning" role="note">
                "Copy the secret now: it is shown only this once. Fleetdesk keeps only a hash of it."
            </p>
            <dl class="facts">
                <dt>"Client id"</dt>
                <dd><code data-testid="issued-client-id">{issued.client_id}</code></dd>
                <dt>"Secret"</dt>
                <dd><code class="secret" data-testid="issued-secret">{issued.secret}</code></dd>
            </dl>
            <p>"Orange sends either header:"</p>
            <pre class="code" data-testid="issued-basic">{format!("Authorization: {}", issued.basic_authorization)}</pre>
            <pre class="code" data-testid="issued-bearer">{format!("Authorization: {}", issued.bearer_authorization)}</pre>
        </section>
    }
}

#[component]
fn CredentialTable(credentials: Vec<CredentialView>) -> impl IntoView {
    if credentials.is_empty() {
        return view! {
            <section class="panel">
                <p class="muted">"No credential yet: Orange cannot call the API until you issue one."</p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="panel">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Label"</th>
                        <th scope="col">"Client id"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Created by"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">"State"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
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
    let active = credential.is_active();
    let state = match &credential.revoked_at {
        None => view! { <span class="badge state-active">"active"</span> }.into_any(),
        Some(at) => view! {
            <span class="badge state-retired">"revoked"</span>
            " "
            <span class="muted nowrap">{short_time(at)}</span>
        }
        .into_any(),
    };
    let action = active.then(|| {
        let target = format!("/console/credentials/{}/revoke", credential.id);
        let confirm_id = format!("confirm-{}", credential.id);
        let aria = format!("Revoke {}", credential.label);
        view! {
            <form method="post" action=target class="confirm-form">
                <input id=confirm_id.clone() type="checkbox" name="confirm" value="yes" required/>
                <label for=confirm_id class="confirm-label">"I understand Orange can no longer use it"</label>
                <button type="submit" class="button danger small" aria-label=aria>"Revoke"</button>
            </form>
        }
    });
    view! {
        <tr>
            <td>{credential.label.clone()}</td>
            <td class="mono">{credential.client_id}</td>
            <td class="nowrap">{short_time(&credential.created_at)}</td>
            <td>{credential.created_by.unwrap_or_else(|| "command line".to_owned())}</td>
            <td class="nowrap">{credential.last_used_at.as_deref().map_or_else(|| "never".to_owned(), short_time)}</td>
            <td>{state}</td>
            <td class="actions">{action}</td>
        </tr>
    }
}

#[component]
fn IssueForm() -> impl IntoView {
    view! {
        <section class="panel">
            <h2>"Issue a credential"</h2>
            <form method="post" action="/console/credentials" class="grid-form">
                <div class="field">
                    <label for="credential-label">"Label"</label>
                    <input id="credential-label" name="label" type="text" required maxlength="100" autocomplete="off"/>
                    <p class="hint">"Where it is used, e.g. “Orange production 2026”."</p>
                </div>
                <div class="field actions">
                    <button type="submit" class="button primary">"Issue credential"</button>
                </div>
            </form>
        </section>
    }
}
