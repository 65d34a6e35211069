//! `/settings/delivery` (administrators): where and how events are sent to Orange: the two event
//! URLs, the OAuth 2.0 client (the secret is write-only: the form says whether one is stored and an
//! empty field keeps it), the request timeout, the retry schedule and the pause. One form, posted
//! to `/console/settings/delivery`.

use leptos::prelude::*;
use leptos_meta::Title;

use super::ErrorPanel;
use crate::api::fetch_delivery_settings;
use crate::model::DeliverySettingsView;

#[component]
pub fn DeliverySettingsPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| fetch_delivery_settings());
    view! {
        <Title text="Delivery settings"/>
        <h1>"Delivery settings"</h1>
        <p class="lead muted">
            "Where Fleetdesk sends the events Orange is owed, and how: Orange's event resources, the OAuth 2.0 client-credentials token that authenticates each call, and the retry schedule."
        </p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(settings) => view! { <SettingsForm settings/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SettingsForm(settings: DeliverySettingsView) -> impl IntoView {
    let status = match (settings.configured, settings.paused) {
        (false, _) => view! {
            <div class="banner notice" role="note" data-testid="delivery-state">
                <p><strong>"Not configured yet."</strong> " Events wait in the queue until both event URLs, the token URL, the client id and the secret are set."</p>
            </div>
        }
        .into_any(),
        (true, true) => view! {
            <div class="banner paused" role="note" data-testid="delivery-state">
                <p><strong>"Configured, paused."</strong> " Nothing is sent until delivery is resumed (here or on the events page)."</p>
            </div>
        }
        .into_any(),
        (true, false) => view! {
            <div class="banner running" data-testid="delivery-state">
                <p><strong>"Configured and running."</strong> " Events are sent as soon as they are due."</p>
            </div>
        }
        .into_any(),
    };
    let secret_state = if settings.secret_set {
        "(set)"
    } else {
        "(not set)"
    };
    let secret_hint = if settings.secret_set {
        "A secret is stored. Leave the field empty to keep it; type a new one to replace it."
    } else {
        "No secret is stored yet."
    };
    view! {
        {status}
        <form method="post" action="/console/settings/delivery" class="settings-form">
            <fieldset class="panel">
                <legend>"Orange's event resources"</legend>
                <p class="hint">"Each event is POSTed to the resource of its kind."</p>
                <div class="grid-form wide">
                    <div class="field">
                        <label for="product-order-url">"productOrder events URL"</label>
                        <input id="product-order-url" name="product_order_url" type="url" autocomplete="off" spellcheck="false" placeholder="https://…/productOrderEvent" value=settings.product_order_url/>
                        <p class="hint">"For productOrderStateChangeEvent."</p>
                    </div>
                    <div class="field">
                        <label for="user-service-url">"userService events URL"</label>
                        <input id="user-service-url" name="user_service_url" type="url" autocomplete="off" spellcheck="false" placeholder="https://…/userServiceEvent" value=settings.user_service_url/>
                        <p class="hint">"For userServiceStateChangeEvent and userServiceAttributeValueChangeEvent."</p>
                    </div>
                </div>
            </fieldset>
            <fieldset class="panel">
                <legend>"OAuth 2.0 client credentials"</legend>
                <p class="hint">"Fleetdesk asks the token URL for a token (client id and secret in HTTP Basic), keeps it until shortly before it expires, and asks again on a 401."</p>
                <div class="grid-form wide">
                    <div class="field">
                        <label for="token-url">"Token URL"</label>
                        <input id="token-url" name="token_url" type="url" autocomplete="off" spellcheck="false" placeholder="https://…/oauth/token" value=settings.token_url/>
                    </div>
                    <div class="field">
                        <label for="scope">"Scope"</label>
                        <input id="scope" name="scope" type="text" autocomplete="off" spellcheck="false" value=settings.scope/>
                        <p class="hint">"Optional; sent only when set."</p>
                    </div>
                    <div class="field">
                        <label for="client-id">"Client id"</label>
                        <input id="client-id" name="client_id" type="text" autocomplete="off" spellcheck="false" value=settings.client_id/>
                    </div>
                    <div class="field">
                        <label for="client-secret">"Client secret"</label>
                        <input id="client-secret" name="client_secret" type="password" autocomplete="new-password" value="" aria-describedby="client-secret-hint"/>
                        <p class="hint" id="client-secret-hint">
                            <span class="secret-state" data-testid="secret-state">{secret_state}</span>
                            " "
                            {secret_hint}
                        </p>
                        {settings.secret_set.then(|| view! {
                            <div class="choice">
                                <input id="forget-secret" name="forget_secret" type="checkbox" value="yes"/>
                                <label for="forget-secret">"Forget the stored secret"</label>
                            </div>
                        })}
                    </div>
                </div>
            </fieldset>
            <fieldset class="panel">
                <legend>"Sending"</legend>
                <div class="grid-form wide">
                    <div class="field">
                        <label for="timeout">"Request timeout (seconds)"</label>
                        <input id="timeout" name="timeout_seconds" type="number" inputmode="numeric" min="1" max="120" required value=settings.timeout_seconds.to_string()/>
                        <p class="hint">"1 to 120. A call without an answer by then counts as failed and is retried."</p>
                    </div>
                    <div class="field">
                        <label for="retry-delays">"Retry schedule (seconds)"</label>
                        <input id="retry-delays" name="retry_delays" type="text" inputmode="numeric" autocomplete="off" spellcheck="false" value=settings.retry_delays/>
                        <p class="hint">
                            "Delays before each retry, comma-separated; after the last the event is failed. Empty for the default: "
                            <code data-testid="default-retry-delays">{settings.default_retry_delays}</code>
                            "."
                        </p>
                    </div>
                </div>
                <div class="choice paused-choice">
                    <input type="hidden" name="paused_shown" value=if settings.paused { "yes" } else { "no" }/>
                    <input id="paused" name="paused" type="checkbox" value="yes" checked=settings.paused/>
                    <label for="paused">
                        "Paused"
                        " "
                        <span class="hint">"Nothing is sent while paused; events keep queueing."</span>
                    </label>
                </div>
            </fieldset>
            <p>
                <button type="submit" class="button primary">"Save delivery settings"</button>
            </p>
        </form>
    }
}
