//! `/settings/delivery` (administrators): where and how events are sent to Orange: the two event
//! URLs, the OAuth 2.0 client (the secret is write-only: the form says whether one is stored and an
//! empty field keeps it), the request timeout, the retry schedule and the pause. One form, posted
//! to `/console/settings/delivery`.

use fleetdesk_vocab::Text;
use leptos::prelude::*;

use super::parts::{NumberField, Page, SettingsSection};
use crate::api::fetch_delivery_settings;
use crate::i18n::use_lang;
use crate::model::DeliverySettingsView;
use crate::posts;

#[component]
pub fn DeliverySettingsPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| fetch_delivery_settings());
    view! {
        <Page
            title=Text::DeliverySettings
            lead=Text::WhereFleetdeskSendsTheEventsOrange
            data
            body=|settings| view! { <SettingsForm settings/> }
        />
    }
}

#[component]
fn SettingsForm(settings: DeliverySettingsView) -> impl IntoView {
    let lang = use_lang();
    // The banner's class, whether it is a note, and its words.
    let (class, role, state, detail) = match (settings.configured, settings.paused) {
        (false, _) => (
            "banner notice",
            Some("note"),
            Text::NotConfiguredYet,
            Text::EventsWaitInTheQueueUntil,
        ),
        (true, true) => (
            "banner paused",
            Some("note"),
            Text::ConfiguredPaused,
            Text::NothingIsSentUntilDeliveryIs,
        ),
        (true, false) => (
            "banner running",
            None,
            Text::ConfiguredAndRunning,
            Text::EventsAreSentAsSoonAs,
        ),
    };
    let status = view! {
        <div class=class role=role data-testid="delivery-state">
            <p>
                <strong>{lang.t(state)}</strong>
                {lang.t(detail)}
            </p>
        </div>
    };
    let secret_state = if settings.secret_set {
        lang.t(Text::Set)
    } else {
        lang.t(Text::NotSet)
    };
    let secret_hint = if settings.secret_set {
        lang.t(Text::ASecretIsStoredLeaveThe)
    } else {
        lang.t(Text::NoSecretIsStoredYet)
    };
    view! {
        {status}
        <form method="post" action=posts::DELIVERY_SETTINGS.path() class="settings-form">
            <SettingsSection legend=Text::OrangesEventResources hint=Text::EachEventIsPostedToThe>
                <div class="grid-form wide">
                    <div class="field">
                        <label for="product-order-url">{lang.t(Text::ProductorderEventsUrl)}</label>
                        <input id="product-order-url" name="product_order_url" type="url" autocomplete="off" spellcheck="false" placeholder="https://…/productOrderEvent" value=settings.product_order_url/>
                        <p class="hint">{lang.t(Text::ForProductorderstatechangeevent)}</p>
                    </div>
                    <div class="field">
                        <label for="user-service-url">{lang.t(Text::UserserviceEventsUrl)}</label>
                        <input id="user-service-url" name="user_service_url" type="url" autocomplete="off" spellcheck="false" placeholder="https://…/userServiceEvent" value=settings.user_service_url/>
                        <p class="hint">{lang.t(Text::ForUserservicestatechangeeventAndUserserviceattributevaluechangeevent)}</p>
                    </div>
                </div>
            </SettingsSection>
            <SettingsSection legend=Text::Oauth20ClientCredentials hint=Text::FleetdeskAsksTheTokenUrlFor>
                <div class="grid-form wide">
                    <div class="field">
                        <label for="token-url">{lang.t(Text::TokenUrl)}</label>
                        <input id="token-url" name="token_url" type="url" autocomplete="off" spellcheck="false" placeholder="https://…/oauth/token" value=settings.token_url aria-describedby="token-url-hint"/>
                        <p class="hint" id="token-url-hint">{lang.t(Text::HttpsHttpOnlyForALoopback)}</p>
                    </div>
                    <div class="field">
                        <label for="scope">{lang.t(Text::OauthScope)}</label>
                        <input id="scope" name="scope" type="text" autocomplete="off" spellcheck="false" value=settings.scope/>
                        <p class="hint">{lang.t(Text::OptionalSentOnlyWhenSet)}</p>
                    </div>
                    <div class="field">
                        <label for="client-id">{lang.t(Text::ClientId)}</label>
                        <input id="client-id" name="client_id" type="text" autocomplete="off" spellcheck="false" value=settings.client_id/>
                    </div>
                    <div class="field">
                        <label for="client-secret">{lang.t(Text::ClientSecret)}</label>
                        <input id="client-secret" name="client_secret" type="password" autocomplete="new-password" value="" aria-describedby="client-secret-hint"/>
                        <p class="hint" id="client-secret-hint">
                            <span class="secret-state" data-testid="secret-state">{secret_state}</span>
                            " "
                            {secret_hint}
                        </p>
                        {settings.secret_set.then(|| view! {
                            <div class="choice">
                                <input id="forget-secret" name="forget_secret" type="checkbox" value="yes"/>
                                <label for="forget-secret">{lang.t(Text::ForgetTheStoredSecret)}</label>
                            </div>
                        })}
                    </div>
                </div>
            </SettingsSection>
            <SettingsSection legend=Text::Sending>
                <div class="grid-form wide">
                    <NumberField
                        id="timeout"
                        name="timeout_seconds"
                        label=Text::RequestTimeoutSeconds
                        min="1"
                        max="120"
                        value=settings.timeout_seconds.to_string()
                        hint=Text::N1To120ACallWithout
                    />
                    <div class="field">
                        <label for="retry-delays">{lang.t(Text::RetryScheduleSeconds)}</label>
                        <input id="retry-delays" name="retry_delays" type="text" inputmode="numeric" autocomplete="off" spellcheck="false" value=settings.retry_delays/>
                        <p class="hint">
                            {lang.t(Text::DelaysBeforeEachRetryCommaSeparated)}
                            <code data-testid="default-retry-delays">{settings.default_retry_delays}</code>
                            "."
                        </p>
                    </div>
                </div>
                <div class="choice paused-choice">
                    <input type="hidden" name="paused_shown" value=if settings.paused { "yes" } else { "no" }/>
                    <input id="paused" name="paused" type="checkbox" value="yes" checked=settings.paused/>
                    <label for="paused">
                        {lang.t(Text::Paused)}
                        " "
                        <span class="hint">{lang.t(Text::NothingIsSentWhilePausedEvents)}</span>
                    </label>
                </div>
            </SettingsSection>
            <p>
                <button type="submit" class="button primary">{lang.t(Text::SaveDeliverySettings)}</button>
            </p>
        </form>
    }
}
