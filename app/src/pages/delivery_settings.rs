//! `/settings/delivery` (administrators): where and how events are sent to Orange: the two event
//! URLs, the OAuth 2.0 client (the secret is write-only: the form says whether one is stored and an
//! empty field keeps it), the request timeout, the retry schedule and the pause. One form, posted
//! to `/console/settings/delivery`.

use leptos::prelude::*;
use leptos_meta::Title;

use super::ErrorPanel;
use crate::api::fetch_delivery_settings;
use crate::i18n::use_lang;
use crate::model::DeliverySettingsView;

#[component]
pub fn DeliverySettingsPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |()| fetch_delivery_settings());
    view! {
        <Title text=lang.t("Delivery settings", "Réglages d’envoi")/>
        <h1>{lang.t("Delivery settings", "Réglages d’envoi")}</h1>
        <p class="lead muted">
            {lang.t(
                "Where Fleetdesk sends the events Orange is owed, and how: Orange's event resources, the OAuth 2.0 client-credentials token that authenticates each call, and the retry schedule.",
                "Où et comment Fleetdesk envoie les événements dus à Orange : les ressources d’événements d’Orange, le jeton OAuth 2.0 (client credentials) qui authentifie chaque appel, et le calendrier des nouvelles tentatives.",
            )}
        </p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("Loading…", "Chargement…")}</p> }>
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
    let lang = use_lang();
    let status = match (settings.configured, settings.paused) {
        (false, _) => view! {
            <div class="banner notice" role="note" data-testid="delivery-state">
                <p>
                    <strong>{lang.t("Not configured yet.", "Pas encore configuré.")}</strong>
                    {lang.t(
                        " Events wait in the queue until both event URLs, the token URL, the client id and the secret are set.",
                        " Les événements attendent dans la file jusqu’à ce que les deux URL d’événements, l’URL du jeton, le client id et le secret soient renseignés.",
                    )}
                </p>
            </div>
        }
        .into_any(),
        (true, true) => view! {
            <div class="banner paused" role="note" data-testid="delivery-state">
                <p>
                    <strong>{lang.t("Configured, paused.", "Configuré, en pause.")}</strong>
                    {lang.t(
                        " Nothing is sent until delivery is resumed (here or on the events page).",
                        " Rien n’est envoyé jusqu’à la reprise de l’envoi (ici ou sur la page des événements).",
                    )}
                </p>
            </div>
        }
        .into_any(),
        (true, false) => view! {
            <div class="banner running" data-testid="delivery-state">
                <p>
                    <strong>{lang.t("Configured and running.", "Configuré et actif.")}</strong>
                    {lang.t(" Events are sent as soon as they are due.", " Les événements partent dès qu’ils sont dus.")}
                </p>
            </div>
        }
        .into_any(),
    };
    let secret_state = if settings.secret_set {
        lang.t("(set)", "(défini)")
    } else {
        lang.t("(not set)", "(non défini)")
    };
    let secret_hint = if settings.secret_set {
        lang.t(
            "A secret is stored. Leave the field empty to keep it; type a new one to replace it. If the token URL moves to another server (host, scheme or port), type the secret again.",
            "Un secret est enregistré. Laissez le champ vide pour le garder ; saisissez-en un nouveau pour le remplacer. Si l’URL du jeton passe à un autre serveur (hôte, schéma ou port), saisissez de nouveau le secret.",
        )
    } else {
        lang.t(
            "No secret is stored yet.",
            "Aucun secret n’est encore enregistré.",
        )
    };
    view! {
        {status}
        <form method="post" action="/console/settings/delivery" class="settings-form">
            <fieldset class="panel">
                <legend>{lang.t("Orange's event resources", "Ressources d’événements d’Orange")}</legend>
                <p class="hint">{lang.t("Each event is POSTed to the resource of its kind.", "Chaque événement est envoyé en POST à la ressource de son type.")}</p>
                <div class="grid-form wide">
                    <div class="field">
                        <label for="product-order-url">{lang.t("productOrder events URL", "URL des événements productOrder")}</label>
                        <input id="product-order-url" name="product_order_url" type="url" autocomplete="off" spellcheck="false" placeholder="https://…/productOrderEvent" value=settings.product_order_url/>
                        <p class="hint">{lang.t("For productOrderStateChangeEvent.", "Pour productOrderStateChangeEvent.")}</p>
                    </div>
                    <div class="field">
                        <label for="user-service-url">{lang.t("userService events URL", "URL des événements userService")}</label>
                        <input id="user-service-url" name="user_service_url" type="url" autocomplete="off" spellcheck="false" placeholder="https://…/userServiceEvent" value=settings.user_service_url/>
                        <p class="hint">{lang.t("For userServiceStateChangeEvent and userServiceAttributeValueChangeEvent.", "Pour userServiceStateChangeEvent et userServiceAttributeValueChangeEvent.")}</p>
                    </div>
                </div>
            </fieldset>
            <fieldset class="panel">
                <legend>{lang.t("OAuth 2.0 client credentials", "Client OAuth 2.0 (client credentials)")}</legend>
                <p class="hint">
                    {lang.t(
                        "Fleetdesk asks the token URL for a token (client id and secret in HTTP Basic), keeps it until shortly before it expires, and asks again on a 401.",
                        "Fleetdesk demande un jeton à l’URL du jeton (client id et secret en HTTP Basic), le garde jusqu’à peu avant son expiration et en redemande un sur une réponse 401.",
                    )}
                </p>
                <div class="grid-form wide">
                    <div class="field">
                        <label for="token-url">{lang.t("Token URL", "URL du jeton")}</label>
                        <input id="token-url" name="token_url" type="url" autocomplete="off" spellcheck="false" placeholder="https://…/oauth/token" value=settings.token_url aria-describedby="token-url-hint"/>
                        <p class="hint" id="token-url-hint">{lang.t("https:// (http:// only for a loopback address: 127.0.0.1, ::1 or localhost), as for the event URLs.", "https:// (http:// seulement pour une adresse de bouclage : 127.0.0.1, ::1 ou localhost), comme pour les URL d’événements.")}</p>
                    </div>
                    <div class="field">
                        <label for="scope">{lang.t("Scope", "Scope")}</label>
                        <input id="scope" name="scope" type="text" autocomplete="off" spellcheck="false" value=settings.scope/>
                        <p class="hint">{lang.t("Optional; sent only when set.", "Facultatif ; envoyé seulement s’il est renseigné.")}</p>
                    </div>
                    <div class="field">
                        <label for="client-id">{lang.t("Client id", "Client id")}</label>
                        <input id="client-id" name="client_id" type="text" autocomplete="off" spellcheck="false" value=settings.client_id/>
                    </div>
                    <div class="field">
                        <label for="client-secret">{lang.t("Client secret", "Secret du client")}</label>
                        <input id="client-secret" name="client_secret" type="password" autocomplete="new-password" value="" aria-describedby="client-secret-hint"/>
                        <p class="hint" id="client-secret-hint">
                            <span class="secret-state" data-testid="secret-state">{secret_state}</span>
                            " "
                            {secret_hint}
                        </p>
                        {settings.secret_set.then(|| view! {
                            <div class="choice">
                                <input id="forget-secret" name="forget_secret" type="checkbox" value="yes"/>
                                <label for="forget-secret">{lang.t("Forget the stored secret", "Oublier le secret enregistré")}</label>
                            </div>
                        })}
                    </div>
                </div>
            </fieldset>
            <fieldset class="panel">
                <legend>{lang.t("Sending", "Envoi")}</legend>
                <div class="grid-form wide">
                    <div class="field">
                        <label for="timeout">{lang.t("Request timeout (seconds)", "Délai d’attente de la requête (secondes)")}</label>
                        <input id="timeout" name="timeout_seconds" type="number" inputmode="numeric" min="1" max="120" required value=settings.timeout_seconds.to_string()/>
                        <p class="hint">{lang.t("1 to 120. A call without an answer by then counts as failed and is retried.", "De 1 à 120. Un appel resté sans réponse passé ce délai compte comme un échec et sera retenté.")}</p>
                    </div>
                    <div class="field">
                        <label for="retry-delays">{lang.t("Retry schedule (seconds)", "Calendrier des nouvelles tentatives (secondes)")}</label>
                        <input id="retry-delays" name="retry_delays" type="text" inputmode="numeric" autocomplete="off" spellcheck="false" value=settings.retry_delays/>
                        <p class="hint">
                            {lang.t(
                                "Delays before each retry, comma-separated; after the last the event is failed. Empty for the default: ",
                                "Délais avant chaque nouvelle tentative, séparés par des virgules ; après le dernier, l’événement passe en échec. Vide pour la valeur par défaut : ",
                            )}
                            <code data-testid="default-retry-delays">{settings.default_retry_delays}</code>
                            "."
                        </p>
                    </div>
                </div>
                <div class="choice paused-choice">
                    <input type="hidden" name="paused_shown" value=if settings.paused { "yes" } else { "no" }/>
                    <input id="paused" name="paused" type="checkbox" value="yes" checked=settings.paused/>
                    <label for="paused">
                        {lang.t("Paused", "En pause")}
                        " "
                        <span class="hint">{lang.t("Nothing is sent while paused; events keep queueing.", "Rien n’est envoyé pendant la pause ; les événements continuent de s’accumuler.")}</span>
                    </label>
                </div>
            </fieldset>
            <p>
                <button type="submit" class="button primary">{lang.t("Save delivery settings", "Enregistrer les réglages d’envoi")}</button>
            </p>
        </form>
    }
}
