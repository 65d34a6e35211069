//! `/settings/orange` (administrators): how each Orange operation is answered, the fleet policy
//! and how long raw exchanges, delivery attempts and audit details are kept, with what the
//! background purge last did. One form, posted to `/console/settings/orange`.

use fleetdesk_vocab::{FleetPolicy, Mode, Operation};
use fleetdesk_vocab::{Text, say};
use leptos::prelude::*;

use super::parts::{NumberField, Page, SettingsSection};
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
    let data = Resource::new(|| (), |()| fetch_orange_settings());
    view! {
        <Page title=Text::OrangeApiSettings data body=|settings| view! { <SettingsForm settings/> }/>
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
    // `(id, field name, label, days kept, hint)` of each kind of record the purge deletes.
    let retention = [
        (
            "retention",
            "exchange_retention_days",
            Text::RawOrangeExchanges,
            settings.exchange_retention_days,
            Text::OlderExchangesAreDeleted,
        ),
        (
            "attempt-retention",
            "attempt_retention_days",
            Text::DeliveryAttempts,
            settings.attempt_retention_days,
            Text::OlderAttemptsOfDeliveredOrFailed,
        ),
        (
            "audit-retention",
            "audit_detail_retention_days",
            Text::AuditDetails,
            settings.audit_detail_retention_days,
            Text::OlderAuditEntriesLoseTheirBefore,
        ),
    ];
    view! {
        <form method="post" action=posts::ORANGE_SETTINGS.path() class="settings-form">
            <SettingsSection legend=Text::AnswerMode>
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
            </SettingsSection>
            <SettingsSection legend=Text::FleetPolicy hint=Text::HowOrderedLicencesAreGroupedInto>
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
            </SettingsSection>
            <SettingsSection legend=Text::Retention hint=Text::HowLongTheRecordsThatGrow testid="retention">
                <div class="grid-form">
                    {retention
                        .into_iter()
                        .map(|(id, name, label, days, hint)| view! {
                            <NumberField id name label min="1" max="3650" value=days.to_string() hint/>
                        })
                        .collect_view()}
                </div>
                <LastPurge purge=settings.last_purge.clone()/>
            </SettingsSection>
            <p>
                <button type="submit" class="button primary">{lang.t(Text::SaveSettings)}</button>
            </p>
        </form>
    }
}
