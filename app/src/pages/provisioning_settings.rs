//! `/settings/provisioning` (administrators): the webhook that tells the partner's product of each
//! operation of offerings with webhook provisioning. Its URL, the time one request may take, and
//! whether the product's 2xx answer means done or it calls back later (posted to
//! `/console/settings/provisioning`); the signing secret, which is never shown back: generating a
//! new one posts to the page's own address, whose answer shows it once (kept nowhere else in
//! clear), while the previous one may keep signing for an overlap. Also where the product calls
//! back.

use fleetdesk_vocab::Text;
use leptos::prelude::*;

use super::parts::{NumberField, Page, SettingsSection, keep_out_of_caches};
use crate::api::fetch_provisioning_settings;
use crate::i18n::{When, use_lang};
use crate::model::{GeneratedSecret, ProvisioningSettingsView};
use crate::posts;

/// The overlap the rotation form proposes: a day for the product to take the new secret.
const DEFAULT_OVERLAP_MINUTES: u32 = 1440;

#[component]
pub fn ProvisioningSettingsPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| fetch_provisioning_settings());
    view! {
        <Page
            title=Text::ProvisioningSettings
            lead=Text::HowFleetdeskTellsYourProductOf
            data
            body=|settings| view! { <SettingsBody settings/> }
        />
    }
}

#[component]
fn SettingsBody(settings: ProvisioningSettingsView) -> impl IntoView {
    let lang = use_lang();
    let (class, role, state, detail) = if settings.configured {
        (
            "banner running",
            None,
            Text::WebhookConfigured,
            Text::WebhooksAreSentToYourProduct,
        )
    } else {
        (
            "banner notice",
            Some("note"),
            Text::NotConfiguredYet,
            Text::WebhooksWaitInTheQueueUntil,
        )
    };
    let generated = settings.generated.clone();
    view! {
        <div class=class role=role data-testid="provisioning-state">
            <p>
                <strong>{lang.t(state)}</strong>
                " "
                {lang.t(detail)}
            </p>
        </div>
        {generated.map(|generated| view! { <GeneratedPanel generated/> })}
        {view! { <WebhookForm settings=settings.clone()/> }.into_any()}
        {view! { <SecretSection settings=settings.clone()/> }.into_any()}
        {view! { <CallbackSection callback_base=settings.callback_base/> }.into_any()}
    }
}

/// The signing secret just generated: the only time anyone sees it.
#[component]
fn GeneratedPanel(generated: GeneratedSecret) -> impl IntoView {
    keep_out_of_caches();
    let lang = use_lang();
    view! {
        <section class="panel issued" aria-labelledby="generated-title" data-testid="generated-secret">
            <h2 id="generated-title">{lang.t(Text::NewSigningSecret)}</h2>
            <p class="flash warning" role="note">{lang.t(Text::CopyTheSigningSecretNowIt)}</p>
            <pre class="code secret" tabindex="0" data-testid="generated-secret-value">{generated.secret}</pre>
        </section>
    }
}

#[component]
fn WebhookForm(settings: ProvisioningSettingsView) -> impl IntoView {
    let lang = use_lang();
    view! {
        <form method="post" action=posts::PROVISIONING_SETTINGS.path() class="settings-form">
            <SettingsSection legend=Text::Webhook hint=Text::EachOperationIsPostedAsA>
                <div class="grid-form wide">
                    <div class="field">
                        <label for="webhook-url">{lang.t(Text::WebhookUrl)}</label>
                        <input id="webhook-url" name="url" type="url" autocomplete="off" spellcheck="false" placeholder="https://…/fleetdesk-webhook" value=settings.url aria-describedby="webhook-url-hint"/>
                        <p class="hint" id="webhook-url-hint">{lang.t(Text::HttpsHttpOnlyForALoopback)}</p>
                    </div>
                    <NumberField
                        id="webhook-timeout"
                        name="timeout_seconds"
                        label=Text::RequestTimeoutSeconds
                        min="1"
                        max="60"
                        value=settings.timeout_seconds.to_string()
                        hint=Text::N1To60ForEachWebhook
                    />
                </div>
            </SettingsSection>
            <SettingsSection legend=Text::WhenIsAnOperationDone testid="await-callback">
                <div class="choice">
                    <input id="await-callback-no" name="await_callback" type="radio" value="no" checked=!settings.await_callback/>
                    <label for="await-callback-no">
                        {lang.t(Text::WhenTheProductAnswers2xx)}
                        " "
                        <span class="hint">{lang.t(Text::ItsAnswerMeansTheOperationIs)}</span>
                    </label>
                </div>
                <div class="choice">
                    <input id="await-callback-yes" name="await_callback" type="radio" value="yes" checked=settings.await_callback/>
                    <label for="await-callback-yes">
                        {lang.t(Text::WhenTheProductCallsBack)}
                        " "
                        <span class="hint">{lang.t(Text::TheProductAnswers2xxAtOnce)}</span>
                    </label>
                </div>
            </SettingsSection>
            <p>
                <button type="submit" class="button primary">{lang.t(Text::SaveProvisioningSettings)}</button>
            </p>
        </form>
    }
}

#[component]
fn SecretSection(settings: ProvisioningSettingsView) -> impl IntoView {
    let lang = use_lang();
    let state = if settings.secret_set {
        lang.t(Text::Set)
    } else {
        lang.t(Text::NotSet)
    };
    let overlap = settings.previous_until.map(|at| {
        view! {
            <p class="hint" data-testid="previous-until">
                {lang.t(Text::ThePreviousSecretStillSignsUntil)}
                " "
                <When at/>
            </p>
        }
    });
    view! {
        <form method="post" action=posts::ROTATE_WEBHOOK_SECRET.path() class="settings-form">
            <SettingsSection legend=Text::SigningSecret hint=Text::EveryWebhookIsSignedAsThe>
                <p>
                    {lang.t(Text::SigningSecret)}
                    " "
                    <span class="secret-state" data-testid="webhook-secret-state">{state}</span>
                </p>
                {overlap}
                <div class="grid-form wide">
                    <div class="field">
                        <label for="overlap-minutes">{lang.t(Text::OverlapMinutes)}</label>
                        <input id="overlap-minutes" name="overlap_minutes" type="number" inputmode="numeric" min="0" max=settings.max_overlap_minutes.to_string() required value=DEFAULT_OVERLAP_MINUTES.to_string() aria-describedby="overlap-hint"/>
                        <p class="hint" id="overlap-hint">{lang.t(Text::HowLongTheCurrentSecretKeeps)}</p>
                    </div>
                </div>
            </SettingsSection>
            <p>
                <button type="submit" class="button secondary">{lang.t(Text::GenerateANewSigningSecret)}</button>
            </p>
        </form>
    }
}

#[component]
fn CallbackSection(callback_base: String) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="panel">
            <h2>{lang.t(Text::CallbacksFromYourProduct)}</h2>
            <p>{lang.t(Text::WithAwaitCallbackYourProductReports)}</p>
            <pre class="code" tabindex="0" data-testid="callback-base">{callback_base}</pre>
            <p class="hint">
                {lang.t(Text::ItAuthenticatesWithAProvisioningCredential)}
                " "
                <a href="/settings/credentials">{lang.t(Text::Credentials)}</a>
            </p>
        </section>
    }
}
