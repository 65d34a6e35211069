//! `/settings/orange` (administrators): how each Orange operation is answered, the fleet policy
//! and how long raw exchanges, delivery attempts and audit details are kept, with what the
//! background purge last did. One form, posted to `/console/settings/orange`.

use fleetdesk_vocab::{FleetPolicy, Mode, Operation};
use leptos::prelude::*;
use leptos_meta::Title;

use super::ErrorPanel;
use crate::api::fetch_orange_settings;
use crate::i18n::{Lang, When, use_lang};
use crate::model::ApiSettingsView;

/// An operation's name and what it covers.
fn operation_text(operation: Operation, lang: Lang) -> (&'static str, &'static str) {
    let t = |en, fr| lang.t(en, fr);
    match operation {
        Operation::CustomerCreation => (
            t("Customer creation", "Création de client"),
            t(
                "A productOrder without order items.",
                "Un productOrder sans lignes de commande.",
            ),
        ),
        Operation::LicenceOrder => (
            t("Licence order", "Commande de licences"),
            t(
                "A productOrder with order items.",
                "Un productOrder avec des lignes de commande.",
            ),
        ),
        Operation::StateChange => (
            t("State change", "Changement d’état"),
            t(
                "Suspending or reactivating a licence.",
                "Suspendre ou réactiver une licence.",
            ),
        ),
        Operation::Deletion => (
            t("Deletion", "Suppression"),
            t("Terminating a licence.", "Résilier une licence."),
        ),
        Operation::OfferingChange => (
            t("Offering change", "Changement d’offre"),
            t(
                "Moving a licence to another offering.",
                "Passer une licence sur une autre offre.",
            ),
        ),
    }
}

/// A fleet policy's name and one-line explanation.
fn policy_text(policy: FleetPolicy, lang: Lang) -> (&'static str, &'static str) {
    let t = |en, fr| lang.t(en, fr);
    match policy {
        FleetPolicy::PerCustomer => (
            t("Per customer", "Par client"),
            t(
                "Every order of a customer goes into the customer's one fleet.",
                "Toutes les commandes d’un client vont dans l’unique flotte du client.",
            ),
        ),
        FleetPolicy::PerOrder => (
            t("Per order", "Par commande"),
            t(
                "Each order opens a new fleet, unless it names an existing fleet of the customer.",
                "Chaque commande ouvre une nouvelle flotte, sauf si elle désigne une flotte existante du client.",
            ),
        ),
        FleetPolicy::PerOffering => (
            t("Per offering", "Par offre"),
            t(
                "One fleet per customer and offer code.",
                "Une flotte par client et par code d’offre.",
            ),
        ),
    }
}

#[component]
pub fn OrangeSettingsPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |()| fetch_orange_settings());
    view! {
        <Title text=lang.t("Orange API settings", "Réglages de l’API Orange")/>
        <h1>{lang.t("Orange API settings", "Réglages de l’API Orange")}</h1>
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
fn LastPurge(purge: Option<crate::model::PurgeView>) -> impl IntoView {
    let lang = use_lang();
    match purge {
        Some(purge) => {
            let counts = match lang {
                Lang::En => format!(
                    ": {} exchanges, {} delivery attempts and {} audit details removed.",
                    purge.exchanges, purge.attempts, purge.audit_details
                ),
                Lang::Fr => format!(
                    " : {} échanges, {} tentatives d’envoi et {} détails d’audit supprimés.",
                    purge.exchanges, purge.attempts, purge.audit_details
                ),
            };
            view! {
                <p class="muted" data-testid="last-purge">
                    {lang.t("Last purge ", "Dernière purge ")}
                    <When at=purge.at/>
                    {counts}
                </p>
            }
            .into_any()
        }
        None => view! {
            <p class="muted" data-testid="last-purge">{lang.t("No purge has run yet.", "Aucune purge n’a encore tourné.")}</p>
        }
        .into_any(),
    }
}

#[component]
fn SettingsForm(settings: ApiSettingsView) -> impl IntoView {
    let lang = use_lang();
    let policy = settings.fleet_policy;
    view! {
        <form method="post" action="/console/settings/orange" class="settings-form">
            <fieldset class="panel">
                <legend>{lang.t("Answer mode", "Mode de réponse")}</legend>
                <p class="hint">
                    {lang.t(
                        "Synchronous: the answer carries the result. Asynchronous: the answer says ",
                        "Synchrone : la réponse porte le résultat. Asynchrone : la réponse indique ",
                    )}
                    <code>"acknowledged"</code>
                    {lang.t(
                        " and the result follows as an event. Validation errors are always answered at once.",
                        " et le résultat suit sous forme d’événement. Les erreurs de validation sont toujours signalées immédiatement.",
                    )}
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
                                        <option value="sync" selected=!is_async>{lang.t("Synchronous", "Synchrone")}</option>
                                        <option value="async" selected=is_async>{lang.t("Asynchronous", "Asynchrone")}</option>
                                    </select>
                                    <p class="hint">{help}</p>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
            <fieldset class="panel">
                <legend>{lang.t("Fleet policy", "Politique de flotte")}</legend>
                <p class="hint">{lang.t("How ordered licences are grouped into fleets (productRefIds).", "Comment les licences commandées sont regroupées en flottes (productRefIds).")}</p>
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
                <legend>{lang.t("Retention", "Conservation")}</legend>
                <p class="hint">{lang.t(
                    "How long the records that grow with use are kept, in days (1 to 3650). A purge runs in the background every 10 minutes.",
                    "Combien de temps sont gardés les enregistrements qui s’accumulent, en jours (de 1 à 3650). Une purge tourne en arrière-plan toutes les 10 minutes.",
                )}</p>
                <div class="grid-form">
                    <div class="field">
                        <label for="retention">{lang.t("Raw Orange exchanges", "Échanges bruts avec Orange")}</label>
                        <input id="retention" name="exchange_retention_days" type="number" inputmode="numeric" min="1" max="3650" required value=settings.exchange_retention_days.to_string()/>
                        <p class="hint">{lang.t("Older exchanges are deleted.", "Les échanges plus anciens sont supprimés.")}</p>
                    </div>
                    <div class="field">
                        <label for="attempt-retention">{lang.t("Delivery attempts", "Tentatives d’envoi")}</label>
                        <input id="attempt-retention" name="attempt_retention_days" type="number" inputmode="numeric" min="1" max="3650" required value=settings.attempt_retention_days.to_string()/>
                        <p class="hint">{lang.t("Older attempts of delivered or failed events are deleted; the events stay.", "Les tentatives plus anciennes des événements envoyés ou en échec sont supprimées ; les événements restent.")}</p>
                    </div>
                    <div class="field">
                        <label for="audit-retention">{lang.t("Audit details", "Détails d’audit")}</label>
                        <input id="audit-retention" name="audit_detail_retention_days" type="number" inputmode="numeric" min="1" max="3650" required value=settings.audit_detail_retention_days.to_string()/>
                        <p class="hint">{lang.t("Older audit entries lose their before/after; who did what, when, stays.", "Les entrées d’audit plus anciennes perdent leur avant/après ; qui a fait quoi, et quand, reste.")}</p>
                    </div>
                </div>
                <LastPurge purge=settings.last_purge.clone()/>
            </fieldset>
            <p>
                <button type="submit" class="button primary">{lang.t("Save settings", "Enregistrer les réglages")}</button>
            </p>
        </form>
    }
}
