//! `/licences/{id}`: one licence: its login and state, customer, fleet and offering, end user,
//! realizing resources (placeholders marked) and a timeline of what happened to it (audit entries
//! and the events owed to Orange). Operators and administrators set or remove the end user,
//! replace a realizing resource and renew the login, while the licence's state allows; each form
//! posts to `/console/licences/…` and comes back here.

use fleetdesk_vocab::{EventState, LicenceState, ResourceType};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::ErrorPanel;
use super::licences::{LicenceStateBadge, PlaceholderBadge};
use crate::api::fetch_licence;
use crate::i18n::{Lang, When, use_lang};
use crate::model::{EndUserView, LicenceDetailView, ResourceView, TimelineView};

#[component]
pub fn LicencePage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let data = Resource::new(
        move || params.get().get("id").unwrap_or_default(),
        fetch_licence,
    );
    view! {
        <Title text=lang.t("Licence", "Licence")/>
        <p class="breadcrumb"><a href="/licences">{lang.t("← Licences", "← Licences")}</a></p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("Loading…", "Chargement…")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(detail) => view! { <LicenceBody detail/> }.into_any(),
                    Err(error) => view! {
                        <h1>{lang.t("Licence", "Licence")}</h1>
                        <ErrorPanel error/>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// What a value of this type looks like, for the replace form.
pub fn expected_format(kind: ResourceType, lang: Lang) -> &'static str {
    match kind {
        ResourceType::Msisdn => lang.t(
            "International format: + then 8 to 15 digits, e.g. +33612345678.",
            "Format international : + puis 8 à 15 chiffres, par ex. +33612345678.",
        ),
        ResourceType::Imei => lang.t(
            "15 digits ending with a valid Luhn check digit, e.g. 490154203237518.",
            "15 chiffres terminés par une clé de Luhn valide, par ex. 490154203237518.",
        ),
        ResourceType::Email => lang.t(
            "An e-mail address, e.g. jeanne.martin@example.fr.",
            "Une adresse e-mail, par ex. jeanne.martin@example.fr.",
        ),
        ResourceType::Url => lang.t(
            "An http:// or https:// address, e.g. https://docs.example.fr/.",
            "Une adresse http:// ou https://, par ex. https://docs.example.fr/.",
        ),
        ResourceType::None => "",
    }
}

fn kind_text(kind: ResourceType, lang: Lang) -> &'static str {
    match kind {
        ResourceType::Msisdn => lang.t("MSISDN (mobile number)", "MSISDN (numéro mobile)"),
        ResourceType::Imei => lang.t("IMEI (device)", "IMEI (appareil)"),
        ResourceType::Email => lang.t("E-mail address", "Adresse e-mail"),
        ResourceType::Url => lang.t("URL", "URL"),
        ResourceType::None => lang.t("Resource", "Ressource"),
    }
}

#[component]
fn LicenceBody(detail: LicenceDetailView) -> impl IntoView {
    let lang = use_lang();
    let t = move |en, fr| lang.t(en, fr);
    let may_act = detail.can_act && detail.changeable();
    let why_not = (detail.can_act && !detail.changeable()).then(|| {
        let text = if detail.state == LicenceState::Terminated {
            t(
                "This licence is terminated: it is kept for history and can no longer change.",
                "Cette licence est résiliée : elle est conservée pour l’historique et ne peut plus changer.",
            )
        } else {
            t(
                "An operation from Orange is in progress on this licence: changes wait until it is done.",
                "Une opération d’Orange est en cours sur cette licence : les modifications attendent qu’elle se termine.",
            )
        };
        view! { <p class="banner notice" role="note" data-testid="licence-locked">{text}</p> }
    });
    let heading = detail
        .login
        .clone()
        .unwrap_or_else(|| t("(no login yet)", "(pas encore d’identifiant)").to_owned());
    view! {
        <h1 class="mono-heading" data-testid="licence-login">{heading}</h1>
        <p class="event-subtitle">
            <LicenceStateBadge state=detail.state/>
            <span class="mono muted">{detail.id.clone()}</span>
        </p>
        {why_not}
        {view! { <Facts detail=detail.clone()/> }.into_any()}
        {view! { <EndUserPanel id=detail.id.clone() end_user=detail.end_user.clone() may_act/> }.into_any()}
        {(detail.is_admin && detail.end_user.is_some())
            .then(|| view! { <PersonalData id=detail.id.clone() terminated=detail.state == LicenceState::Terminated/> }.into_any())}
        {view! { <ResourcesPanel id=detail.id.clone() resources=detail.resources.clone() may_act/> }.into_any()}
        {may_act.then(|| view! { <RenewLogin id=detail.id.clone()/> }.into_any())}
        {view! { <Timeline entries=detail.timeline/> }.into_any()}
    }
}

#[component]
fn Facts(detail: LicenceDetailView) -> impl IntoView {
    let lang = use_lang();
    let t = move |en, fr| lang.t(en, fr);
    let maybe_when = |at: Option<String>| match at {
        Some(at) => view! { <When at=at/> }.into_any(),
        None => view! { "—" }.into_any(),
    };
    let pending = detail.pending_operation.clone().map(|operation| {
        view! {
            <dt>{t("Operation in progress", "Opération en cours")}</dt>
            <dd>
                <code>{operation}</code>
                {detail.pending_since.clone().map(|at| view! { " · " <When at=at/> })}
            </dd>
        }
    });
    view! {
        <section class="panel">
            <dl class="facts">
                <dt>{t("Customer", "Client")}</dt>
                <dd>
                    <a href=format!("/customers/{}", detail.customer_id) data-testid="customer-link">{detail.customer_name.clone()}</a>
                    " " <span class="muted mono">{detail.customer_id.clone()}</span>
                    " · " {t("Orange reference", "Référence Orange")} " " <span class="mono">{detail.customer_ref.clone()}</span>
                </dd>
                <dt>{t("Fleet (productRefId)", "Flotte (productRefId)")}</dt>
                <dd><a href=format!("/fleets/{}", detail.fleet_id) class="mono" data-testid="fleet-link">{detail.fleet_id.clone()}</a></dd>
                <dt>{t("Offering", "Offre")}</dt>
                <dd>{detail.offering_name.clone()} " " <code>{detail.offer_code.clone()}</code></dd>
                <dt>{t("Login created", "Identifiant créé")}</dt>
                <dd>{maybe_when(detail.login_created_at.clone())}</dd>
                <dt>{t("Order", "Commande")}</dt>
                <dd class="mono">{detail.order_id.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                {pending}
                <dt>{t("Created", "Créée")}</dt>
                <dd><When at=detail.created_at.clone()/></dd>
                <dt>{t("Last update", "Dernière modification")}</dt>
                <dd><When at=detail.updated_at.clone()/></dd>
                <dt>{t("Terminated", "Résiliée")}</dt>
                <dd>{maybe_when(detail.terminated_at.clone())}</dd>
            </dl>
        </section>
    }
}

#[component]
fn EndUserPanel(id: String, end_user: Option<EndUserView>, may_act: bool) -> impl IntoView {
    let lang = use_lang();
    let t = move |en, fr| lang.t(en, fr);
    let shown = match end_user.clone() {
        Some(user) => {
            let mobile = user
                .mobile_cc
                .clone()
                .zip(user.mobile_sn.clone())
                .map(|(cc, sn)| format!("+{cc} {sn}"));
            view! {
                <dl class="facts" data-testid="end-user">
                    <dt>{t("Name", "Nom")}</dt>
                    <dd>{format!("{} {}", user.given_name, user.family_name)}</dd>
                    <dt>{t("E-mail", "E-mail")}</dt>
                    <dd>{user.email.clone()}</dd>
                    <dt>{t("Mobile", "Mobile")}</dt>
                    <dd>{mobile.unwrap_or_else(|| "—".to_owned())}</dd>
                </dl>
            }
            .into_any()
        }
        None => view! {
            <p class="muted" data-testid="end-user">{t("No end user yet.", "Pas encore d’utilisateur final.")}</p>
        }
        .into_any(),
    };
    let forms = may_act.then(|| {
        let user = end_user.clone();
        let value = move |pick: fn(&EndUserView) -> Option<String>| {
            user.as_ref().and_then(pick).unwrap_or_default()
        };
        let submit = if end_user.is_some() {
            t("Change the end user", "Modifier l’utilisateur final")
        } else {
            t("Assign the end user", "Attribuer l’utilisateur final")
        };
        let remove = end_user.is_some().then(|| {
            view! {
                <form method="post" action=format!("/console/licences/{id}/end-user/remove") class="action-form" data-testid="remove-end-user">
                    <div class="choice">
                        <input id="confirm-remove" type="checkbox" name="confirm" value="yes" required/>
                        <label for="confirm-remove" class="confirm-label">{t("I understand the licence will have no end user and Orange is told", "Je comprends que la licence n’aura plus d’utilisateur final et qu’Orange en sera informé")}</label>
                    </div>
                    <button type="submit" class="button danger">{t("Remove the end user", "Retirer l’utilisateur final")}</button>
                </form>
            }
        });
        view! {
            <form method="post" action=format!("/console/licences/{id}/end-user") class="grid-form" data-testid="end-user-form">
                <div class="field">
                    <label for="given-name">{t("Given name", "Prénom")}</label>
                    <input id="given-name" name="given_name" required autocomplete="off" value=value(|u| Some(u.given_name.clone()))/>
                </div>
                <div class="field">
                    <label for="family-name">{t("Family name", "Nom de famille")}</label>
                    <input id="family-name" name="family_name" required autocomplete="off" value=value(|u| Some(u.family_name.clone()))/>
                </div>
                <div class="field">
                    <label for="end-user-email">{t("E-mail address", "Adresse e-mail")}</label>
                    <input id="end-user-email" name="email" type="email" required autocomplete="off" value=value(|u| Some(u.email.clone()))/>
                </div>
                <div class="field">
                    <label for="mobile-cc">{t("Mobile country code (optional)", "Indicatif du mobile (facultatif)")}</label>
                    <input id="mobile-cc" name="mobile_cc" inputmode="numeric" autocomplete="off" placeholder="33" value=value(|u| u.mobile_cc.clone())/>
                </div>
                <div class="field">
                    <label for="mobile-sn">{t("Mobile number (optional)", "Numéro de mobile (facultatif)")}</label>
                    <input id="mobile-sn" name="mobile_sn" inputmode="numeric" autocomplete="off" placeholder="612345678" value=value(|u| u.mobile_sn.clone())/>
                </div>
                <div class="field actions">
                    <button type="submit" class="button primary">{submit}</button>
                </div>
            </form>
            {remove}
        }
    });
    view! {
        <section class="panel">
            <h2>{t("End user", "Utilisateur final")}</h2>
            {shown}
            {forms}
        </section>
    }
}

/// Administrators only: the end user's personal data on request (GDPR), exported as JSON or
/// erased from the licence and every stored copy. Shown while the licence has an end user, also
/// once it is terminated (erasure does not change the licence itself).
#[component]
fn PersonalData(id: String, terminated: bool) -> impl IntoView {
    let lang = use_lang();
    let t = move |en, fr| lang.t(en, fr);
    let consequence = if terminated {
        t(
            "I understand the end user's details are erased from this licence and every stored copy, for good",
            "Je comprends que les coordonnées de l’utilisateur final sont effacées de cette licence et de toutes les copies conservées, définitivement",
        )
    } else {
        t(
            "I understand the end user's details are erased from this licence and every stored copy, for good, and Orange is told the licence has no end user",
            "Je comprends que les coordonnées de l’utilisateur final sont effacées de cette licence et de toutes les copies conservées, définitivement, et qu’Orange apprend que la licence n’a plus d’utilisateur final",
        )
    };
    view! {
        <section class="panel" data-testid="personal-data">
            <h2>{t("Personal data (GDPR)", "Données personnelles (RGPD)")}</h2>
            <p class="muted">{t(
                "On the end user's request: everything Fleetdesk holds about them, or its erasure. Both are written to the audit log.",
                "À la demande de l’utilisateur final : tout ce que Fleetdesk conserve à son sujet, ou son effacement. Les deux sont inscrits au journal d’audit.",
            )}</p>
            <p>
                <a class="button" href=format!("/console/licences/{id}/personal-data") download="" data-testid="export-personal-data">
                    {t("Export as JSON", "Exporter en JSON")}
                </a>
            </p>
            <form method="post" action=format!("/console/licences/{id}/personal-data/erase") class="action-form" data-testid="erase-personal-data">
                <div class="choice">
                    <input id="confirm-erase" type="checkbox" name="confirm" value="yes" required/>
                    <label for="confirm-erase" class="confirm-label">{consequence}</label>
                </div>
                <button type="submit" class="button danger">{t("Erase the personal data", "Effacer les données personnelles")}</button>
            </form>
        </section>
    }
}

#[component]
fn ResourcesPanel(id: String, resources: Vec<ResourceView>, may_act: bool) -> impl IntoView {
    let lang = use_lang();
    let t = move |en, fr| lang.t(en, fr);
    let body = if resources.is_empty() {
        view! { <p class="muted">{t("This offering's licences carry no realizing resource.", "Les licences de cette offre n’ont pas de ressource.")}</p> }.into_any()
    } else {
        view! {
            <ul class="resource-list">
                {resources
                    .into_iter()
                    .map(|resource| view! { <ResourceItem licence=id.clone() resource may_act/> })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="panel">
            <h2>{t("Realizing resources", "Ressources de réalisation")}</h2>
            {body}
        </section>
    }
}

#[component]
fn ResourceItem(licence: String, resource: ResourceView, may_act: bool) -> impl IntoView {
    let lang = use_lang();
    let t = move |en, fr| lang.t(en, fr);
    let shared = (resource.scope == fleetdesk_vocab::ResourceScope::PerCustomer).then(|| {
        let text = match lang {
            Lang::En => format!("shared by the customer's {} licences", resource.licences),
            Lang::Fr => format!("partagée par les {} licences du client", resource.licences),
        };
        view! { <span class="cell-sub">{text}</span> }
    });
    let input_id = format!("value-{}", resource.id);
    let hint_id = format!("hint-{}", resource.id);
    let form = may_act.then(|| {
        view! {
            <form method="post" action=format!("/console/licences/{licence}/resources/{}", resource.id) class="inline-form replace-form" data-testid=format!("replace-{}", resource.kind)>
                <div class="field">
                    <label for=input_id.clone()>{t("New value", "Nouvelle valeur")}</label>
                    <input id=input_id.clone() name="value" required autocomplete="off" spellcheck="false" aria-describedby=hint_id.clone()/>
                    <p class="hint" id=hint_id.clone()>{expected_format(resource.kind, lang)}</p>
                </div>
                <button type="submit" class="button secondary">{t("Replace", "Remplacer")}</button>
            </form>
        }
    });
    view! {
        <li class="resource" data-testid=format!("resource-{}", resource.kind)>
            <div>
                <strong>{kind_text(resource.kind, lang)}</strong>
                " "
                <span class="mono" data-testid="resource-value">{resource.value.clone()}</span>
                {resource.placeholder_since.is_some().then(|| view! { " " <PlaceholderBadge/> })}
                {shared}
            </div>
            {form}
        </li>
    }
}

#[component]
fn RenewLogin(id: String) -> impl IntoView {
    let lang = use_lang();
    let t = move |en, fr| lang.t(en, fr);
    view! {
        <section class="panel">
            <h2>{t("Login", "Identifiant")}</h2>
            <form method="post" action=format!("/console/licences/{id}/login/renew") class="action-form" data-testid="renew-login">
                <p class="hint">{t(
                    "A new login is made from the offering's login format and the customer's next number; the old one stops being the licence's.",
                    "Un nouvel identifiant est créé à partir du format de l’offre et du prochain numéro du client ; l’ancien n’est plus celui de la licence.",
                )}</p>
                <div class="choice">
                    <input id="confirm-renew" type="checkbox" name="confirm" value="yes" required/>
                    <label for="confirm-renew" class="confirm-label">{t("I understand the login changes and Orange is told", "Je comprends que l’identifiant change et qu’Orange en sera informé")}</label>
                </div>
                <button type="submit" class="button primary">{t("Renew the login", "Renouveler l’identifiant")}</button>
            </form>
        </section>
    }
}

fn action_text(action: &str, lang: Lang) -> &'static str {
    match action {
        "licence.end_user.assign" => lang.t("End user assigned", "Utilisateur final attribué"),
        "licence.end_user.change" => lang.t("End user changed", "Utilisateur final modifié"),
        "licence.end_user.remove" => lang.t("End user removed", "Utilisateur final retiré"),
        "licence.resource.replace" => lang.t("Realizing resource replaced", "Ressource remplacée"),
        "licence.login.renew" => lang.t("Login renewed", "Identifiant renouvelé"),
        "orange.licence.changeState" => lang.t("State changed by Orange", "État changé par Orange"),
        "orange.licence.delete" => lang.t("Terminated by Orange", "Résiliée par Orange"),
        "orange.licence.changeOffering" => {
            lang.t("Offering changed by Orange", "Offre changée par Orange")
        }
        "userServiceAttributeValueChangeEvent" => lang.t(
            "Attribute change event for Orange",
            "Événement de modification pour Orange",
        ),
        "userServiceStateChangeEvent" => lang.t(
            "State change event for Orange",
            "Événement de changement d’état pour Orange",
        ),
        _ => lang.t("Other", "Autre"),
    }
}

fn event_state_text(state: EventState, lang: Lang) -> &'static str {
    match state {
        EventState::Pending => lang.t("pending", "en attente"),
        EventState::Delivering => lang.t("being sent", "en cours d’envoi"),
        EventState::Delivered => lang.t("delivered", "remis"),
        EventState::Failed => lang.t("failed", "en échec"),
    }
}

#[component]
fn Timeline(entries: Vec<TimelineView>) -> impl IntoView {
    let lang = use_lang();
    let t = move |en, fr| lang.t(en, fr);
    let body = if entries.is_empty() {
        view! { <p class="muted">{t("Nothing has happened to this licence yet.", "Rien n’est encore arrivé à cette licence.")}</p> }.into_any()
    } else {
        view! {
            <ol class="timeline" data-testid="timeline">
                {entries.into_iter().map(|entry| view! { <TimelineItem entry/> }).collect_view()}
            </ol>
        }
        .into_any()
    };
    view! {
        <section class="panel">
            <h2>{t("Timeline", "Historique")}</h2>
            {body}
        </section>
    }
}

#[component]
fn TimelineItem(entry: TimelineView) -> impl IntoView {
    let lang = use_lang();
    let detail = if entry.source == "event" {
        let state = entry.state.map(|state| {
            view! { <span class=format!("badge event-{state}")>{event_state_text(state, lang)}</span> }
        });
        view! {
            {state}
            " "
            <a href=format!("/events/{}", entry.id) class="mono">{entry.id.clone()}</a>
        }
        .into_any()
    } else {
        view! { <span class="muted">{lang.t("by", "par")} " " {entry.actor.clone().unwrap_or_default()}</span> }.into_any()
    };
    view! {
        <li class=format!("timeline-entry source-{}", entry.source) data-testid="timeline-entry">
            <div class="attempt-head">
                <strong>{action_text(&entry.what, lang)}</strong>
                <code class="muted">{entry.what.clone()}</code>
                <span class="nowrap"><When at=entry.at.clone()/></span>
                {detail}
            </div>
        </li>
    }
}
