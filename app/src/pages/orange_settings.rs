//! `/settings/orange` (administrators): how each Orange operation is answered, the fleet policy
//! and how long raw exchanges, delivery attempts and audit details are kept, with what the
//! background purge last did. One form, posted to `/console/settings/orange`.

use fleetdesk_vocab::{FleetPolicy, Mode, Operation};
use fleetdesk_vocab::{Text, say};
use leptos::prelude::*;
use leptos_meta::Title;

use super::ErrorPanel;
use crate::api::fetch_orange_settings;
use crate::i18n::{Lang, When, use_lang};
use crate::model::ApiSettingsView;
use crate::posts;

/// An operation's name and what it covers.
fn operation_text(operation: Operation, lang: Lang) -> (&'static str, &'static str) {
    let t = |text| lang.t(text);
    match operation {
        Operation::CustomerCreation => (
            t(Text::CustomerCreation),
            t(Text::AProductorderWithoutOrderItems),
        ),
        Operation::LicenceOrder => (t(Text::LicenceOrder), t(Text::AProductorderWithOrderItems)),
        Operation::StateChange => (
            t(Text::StateChange),
            t(Text::SuspendingOrReactivatingALicence),
        ),
        Operation::Deletion => (t(Text::Deletion), t(Text::TerminatingALicence)),
        Operation::OfferingChange => (
            t(Text::OfferingChange),
            t(Text::MovingALicenceToAnotherOffering),
        ),
    }
}

/// A fleet policy's name and one-line explanation.
fn policy_text(policy: FleetPolicy, lang: Lang) -> (&'static str, &'static str) {
    let t = |text| lang.t(text);
    match policy {
        FleetPolicy::PerCustomer => (
            t(Text::PerCustomerTitle),
            t(Text::EveryOrderOfACustomerGoes),
        ),
        FleetPolicy::PerOrder => (t(Text::PerOrder), t(Text::EachOrderOpensANewFleet)),
        FleetPolicy::PerOffering => (t(Text::PerOffering), t(Text::OneFleetPerCustomerAndOffer)),
    }
}

#[component]
pub fn OrangeSettingsPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |()| fetch_orange_settings());
    view! {
        <Title text=lang.t(Text::OrangeApiSettings)/>
        <h1>{lang.t(Text::OrangeApiSettings)}</h1>
        <Suspense fallback=move || view! { <p class="loading">{lang.t(Text::Loading)}</p> }>
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
fn LastPurge(purge: Option<crate::model::PurgeView>) -> impl IntoView {
    let lang = use_lang();
    match purge {
        Some(purge) => {
            let counts =
                say::purge_counts(lang, purge.exchanges, purge.attempts, purge.audit_details);
            view! {
                <p class="muted" data-testid="last-purge">
                    {lang.t(Text::LastPurge)}
                    <When at=purge.at/>
                    {counts}
                </p>
            }
            .into_any()
        }
        None => view! {
            <p class="muted" data-testid="last-purge">{lang.t(Text::NoPurgeHasRunYet)}</p>
        }
        .into_any(),
    }
}

#[component]
fn SettingsForm(settings: ApiSettingsView) -> impl IntoView {
    let lang = use_lang();
    let policy = settings.fleet_policy;
    view! {
        <form method="post" action=posts::ORANGE_SETTINGS.path() class="settings-form">
            <fieldset class="panel">
                <legend>{lang.t(Text::AnswerMode)}</legend>
                <p class="hint">
                    {lang.t(Text::SynchronousTheAnswerCarriesTheResult)}
                    <code>"acknowledged"</code>
                    {lang.t(Text::AndTheResultFollowsAsAn)}
                </p>
                <div class="grid-form">
                    {settings
                        .modes
                        .into_iter()
                        .map(|entry| {
                            let (name, help) = operation_text(entry.operation, lang);
                            let id = format!("mode-{}", entry.operation);
                            let is_async = entry.mode == Mode::Async;
                            view! {
                                <div class="field">
                                    <label for=id.clone()>{name}</label>
                                    <select id=id name=entry.operation.as_str()>
                                        <option value="sync" selected=!is_async>{lang.t(Text::Synchronous)}</option>
                                        <option value="async" selected=is_async>{lang.t(Text::Asynchronous)}</option>
                                    </select>
                                    <p class="hint">{help}</p>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
            <fieldset class="panel">
                <legend>{lang.t(Text::FleetPolicy)}</legend>
                <p class="hint">{lang.t(Text::HowOrderedLicencesAreGroupedInto)}</p>
                <div class="choices">
                    {FleetPolicy::ALL
                        .into_iter()
                        .map(|code| {
                            let (name, help) = policy_text(code, lang);
                            let id = format!("policy-{code}");
                            view! {
                                <div class="choice">
                                    <input id=id.clone() type="radio" name="fleet_policy" value=code.as_str() checked=policy == code/>
                                    <label for=id>
                                        {name}
                                        " "
                                        <code class="muted">{code.as_str()}</code>
                                        <span class="hint">{help}</span>
                                    </label>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
            <fieldset class="panel" data-testid="retention">
                <legend>{lang.t(Text::Retention)}</legend>
                <p class="hint">{lang.t(Text::HowLongTheRecordsThatGrow)}</p>
                <div class="grid-form">
                    <div class="field">
                        <label for="retention">{lang.t(Text::RawOrangeExchanges)}</label>
                        <input id="retention" name="exchange_retention_days" type="number" inputmode="numeric" min="1" max="3650" required value=settings.exchange_retention_days.to_string()/>
                        <p class="hint">{lang.t(Text::OlderExchangesAreDeleted)}</p>
                    </div>
                    <div class="field">
                        <label for="attempt-retention">{lang.t(Text::DeliveryAttempts)}</label>
                        <input id="attempt-retention" name="attempt_retention_days" type="number" inputmode="numeric" min="1" max="3650" required value=settings.attempt_retention_days.to_string()/>
                        <p class="hint">{lang.t(Text::OlderAttemptsOfDeliveredOrFailed)}</p>
                    </div>
                    <div class="field">
                        <label for="audit-retention">{lang.t(Text::AuditDetails)}</label>
                        <input id="audit-retention" name="audit_detail_retention_days" type="number" inputmode="numeric" min="1" max="3650" required value=settings.audit_detail_retention_days.to_string()/>
                        <p class="hint">{lang.t(Text::OlderAuditEntriesLoseTheirBefore)}</p>
                    </div>
                </div>
                <LastPurge purge=settings.last_purge.clone()/>
            </fieldset>
            <p>
                <button type="submit" class="button primary">{lang.t(Text::SaveSettings)}</button>
            </p>
        </form>
    }
}
