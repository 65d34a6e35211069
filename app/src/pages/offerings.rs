//! `/offerings`: the offering catalogue, which maps Orange's offer codes to the partner's
//! offerings. Every operator sees it; administrators add, edit, retire and import offerings through
//! plain forms posting to `/console/offerings`, which redirect back here.

use fleetdesk_vocab::{ResourceScope, ResourceType};
use leptos::prelude::*;
use leptos_meta::Title;

use super::ErrorPanel;
use crate::api::fetch_offerings;
use crate::i18n::{Lang, use_lang};
use crate::model::{OfferingView, OfferingsPage};

/// A realizing resource type in words.
pub fn resource_type_text(kind: ResourceType, lang: Lang) -> &'static str {
    match kind {
        ResourceType::None => lang.t("None", "Aucune"),
        ResourceType::Msisdn => lang.t("Mobile number (MSISDN)", "Numéro de mobile (MSISDN)"),
        ResourceType::Imei => lang.t("Device (IMEI)", "Appareil (IMEI)"),
        ResourceType::Email => lang.t("E-mail address", "Adresse e-mail"),
        ResourceType::Url => lang.t("URL", "URL"),
    }
}

/// A resource scope in words, as offered in the form.
fn scope_choice_text(scope: ResourceScope, lang: Lang) -> &'static str {
    match scope {
        ResourceScope::PerLicence => lang.t("One per licence", "Une par licence"),
        ResourceScope::PerCustomer => {
            lang.t("One per customer (shared)", "Une par client (partagée)")
        }
    }
}

/// The login format used when the field is left empty (mirrors the catalogue's default).
pub const DEFAULT_LOGIN_FORMAT: &str = "{customer}-{seq:4}";

fn scope_text(scope: ResourceScope, lang: Lang) -> &'static str {
    match scope {
        ResourceScope::PerLicence => lang.t("per licence", "par licence"),
        ResourceScope::PerCustomer => lang.t("per customer", "par client"),
    }
}

#[component]
pub fn OfferingsPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |()| fetch_offerings());
    view! {
        <Title text=lang.t("Offerings", "Offres")/>
        <h1>{lang.t("Offerings", "Offres")}</h1>
        <p class="lead muted">
            {lang.t(
                "Orange orders licences by offer code; each code maps to one of these offerings, which says which realizing resource its licences carry and how their logins look.",
                "Orange commande des licences par code d’offre ; chaque code correspond à l’une de ces offres, qui indique la ressource de réalisation portée par ses licences et la forme de leurs identifiants.",
            )}
        </p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("Loading…", "Chargement…")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <OfferingsBody page/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OfferingsBody(page: OfferingsPage) -> impl IntoView {
    let can_change = page.can_change;
    // Type-erased pieces keep the page's view type shallow enough for the compiler.
    view! {
        <OfferingTable offerings=page.offerings can_change/>
        {can_change.then(|| view! { <AddOfferingForm/> }.into_any())}
        {can_change.then(|| view! { <ImportForm/> }.into_any())}
    }
}

#[component]
fn OfferingTable(offerings: Vec<OfferingView>, can_change: bool) -> impl IntoView {
    let lang = use_lang();
    if offerings.is_empty() {
        return view! {
            <section class="panel">
                <p class="muted">
                    {lang.t(
                        "The catalogue is empty: Orange's orders are refused until their offer code is here.",
                        "Le catalogue est vide : les commandes d’Orange sont refusées tant que leur code d’offre n’y figure pas.",
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
                        <th scope="col">{lang.t("Offer code", "Code d’offre")}</th>
                        <th scope="col">{lang.t("Name", "Nom")}</th>
                        <th scope="col">{lang.t("Resource", "Ressource")}</th>
                        <th scope="col">{lang.t("Scope", "Portée")}</th>
                        <th scope="col">{lang.t("Login format", "Format d’identifiant")}</th>
                        <th scope="col">{lang.t("State", "État")}</th>
                        {can_change.then(|| view! { <th scope="col"><span class="visually-hidden">{lang.t("Actions", "Actions")}</span></th> })}
                    </tr>
                </thead>
                <tbody>
                    {offerings.into_iter().map(|offering| view! { <OfferingRow offering can_change/> }).collect_view()}
                </tbody>
            </table>
        </section>
    }
    .into_any()
}

#[component]
fn OfferingRow(offering: OfferingView, can_change: bool) -> impl IntoView {
    let lang = use_lang();
    let state = if offering.active {
        view! { <span class="badge state-active">{lang.t("active", "active")}</span> }
    } else {
        view! { <span class="badge state-retired">{lang.t("retired", "retirée")}</span> }
    };
    let actions = can_change.then(|| {
        let edit = format!("/offerings/{}", offering.id);
        let (action, label, class) = if offering.active {
            ("retire", lang.t("Retire", "Retirer"), "button danger small")
        } else {
            ("restore", lang.t("Bring back", "Rétablir"), "button secondary small")
        };
        let target = format!("/console/offerings/{}/{action}", offering.id);
        let edit_aria = format!("{} {}", lang.t("Edit", "Modifier"), offering.offer_code);
        let aria = format!("{label} {}", offering.offer_code);
        view! {
            <td class="actions">
                <div class="row-actions">
                    <a class="button secondary small" href=edit aria-label=edit_aria>{lang.t("Edit", "Modifier")}</a>
                    <form method="post" action=target>
                        <button type="submit" class=class aria-label=aria>{label}</button>
                    </form>
                </div>
            </td>
        }
    });
    view! {
        <tr class:retired=!offering.active>
            <td class="mono">{offering.offer_code.clone()}</td>
            <td>{offering.name}</td>
            <td><code>{offering.resource_type.as_str()}</code></td>
            <td class="nowrap">{scope_text(offering.resource_scope, lang)}</td>
            <td class="mono">{offering.login_format}</td>
            <td>{state}</td>
            {actions}
        </tr>
    }
}

/// The fields of an offering, empty for a new one or filled with `offering`'s values.
#[component]
pub fn OfferingFields(offering: Option<OfferingView>) -> impl IntoView {
    let lang = use_lang();
    let value = |pick: fn(&OfferingView) -> String| offering.as_ref().map(pick).unwrap_or_default();
    let code = value(|o| o.offer_code.clone());
    let name = value(|o| o.name.clone());
    let format = value(|o| o.login_format.clone());
    let kind = offering
        .as_ref()
        .map_or(ResourceType::None, |o| o.resource_type);
    let scope = offering
        .as_ref()
        .map_or(ResourceScope::PerLicence, |o| o.resource_scope);
    view! {
        <div class="field">
            <label for="offer-code">{lang.t("Offer code", "Code d’offre")}</label>
            <input id="offer-code" name="offer_code" type="text" required maxlength="64" pattern="\\S+" autocomplete="off" spellcheck="false" value=code/>
            <p class="hint">{lang.t("Orange's code, e.g. OFFER-PRO-M.", "Le code d’Orange, par exemple OFFER-PRO-M.")}</p>
        </div>
        <div class="field">
            <label for="offer-name">{lang.t("Name", "Nom")}</label>
            <input id="offer-name" name="name" type="text" required maxlength="100" value=name/>
        </div>
        <div class="field">
            <label for="offer-resource">{lang.t("Realizing resource", "Ressource de réalisation")}</label>
            <select id="offer-resource" name="resource_type">
                {ResourceType::ALL
                    .into_iter()
                    .map(|code| view! { <option value=code.as_str() selected=kind == code>{resource_type_text(code, lang)}</option> })
                    .collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="offer-scope">{lang.t("Resource scope", "Portée de la ressource")}</label>
            <select id="offer-scope" name="resource_scope">
                {ResourceScope::ALL
                    .into_iter()
                    .map(|code| view! { <option value=code.as_str() selected=scope == code>{scope_choice_text(code, lang)}</option> })
                    .collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="offer-login">{lang.t("Login format", "Format d’identifiant")}</label>
            <input id="offer-login" name="login_format" type="text" maxlength="64" autocomplete="off" spellcheck="false" placeholder=DEFAULT_LOGIN_FORMAT value=format/>
            <p class="hint">
                {lang.t(
                    "Placeholders: {customer}, {offer}, {seq} or {seq:N}; {customer} and {seq} are required. Empty: ",
                    "Variables : {customer}, {offer}, {seq} ou {seq:N} ; {customer} et {seq} sont obligatoires. Vide : ",
                )}
                {DEFAULT_LOGIN_FORMAT} "."
            </p>
        </div>
    }
}

#[component]
fn AddOfferingForm() -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="panel">
            <h2>{lang.t("Add offering", "Ajouter une offre")}</h2>
            <form method="post" action="/console/offerings" class="grid-form">
                <OfferingFields offering=None/>
                <div class="field actions">
                    <button type="submit" class="button primary">{lang.t("Add offering", "Ajouter une offre")}</button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn ImportForm() -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="panel">
            <h2>{lang.t("Import a catalogue", "Importer un catalogue")}</h2>
            <p>
                {lang.t(
                    "A CSV file in UTF-8 with a header line. Existing offer codes are updated, new ones added. If any line is wrong, nothing is imported and every wrong line is listed.",
                    "Un fichier CSV en UTF-8 avec une ligne d’en-tête. Les codes d’offre existants sont mis à jour, les nouveaux ajoutés. Si une ligne est erronée, rien n’est importé et chaque ligne erronée est signalée.",
                )}
            </p>
            <table class="table compact">
                <thead>
                    <tr>
                        <th scope="col">{lang.t("Column", "Colonne")}</th>
                        <th scope="col">{lang.t("Content", "Contenu")}</th>
                    </tr>
                </thead>
                <tbody>
                    <tr><td class="mono">"offer_code"</td><td>{lang.t("Orange's offer code, without spaces (required).", "Le code d’offre d’Orange, sans espaces (obligatoire).")}</td></tr>
                    <tr><td class="mono">"name"</td><td>{lang.t("The offering's name (required).", "Le nom de l’offre (obligatoire).")}</td></tr>
                    <tr><td class="mono">"resource_type"</td><td>{lang.t("none, msisdn, imei, email or url (required).", "none, msisdn, imei, email ou url (obligatoire).")}</td></tr>
                    <tr><td class="mono">"resource_scope"</td><td>{lang.t("per_licence or per_customer; empty means per_licence.", "per_licence ou per_customer ; vide équivaut à per_licence.")}</td></tr>
                    <tr><td class="mono">"login_format"</td><td>{lang.t("Optional; empty means ", "Facultatif ; vide équivaut à ")} {DEFAULT_LOGIN_FORMAT} "."</td></tr>
                </tbody>
            </table>
            <p class="hint">{lang.t("Example:", "Exemple :")}</p>
            <pre class="code" tabindex="0">
                "offer_code,name,resource_type,resource_scope,login_format\n"
                "OFFER-PRO-M,Pro monthly,msisdn,per_licence,{customer}-{seq:4}\n"
                "OFFER-DOCS,Shared documents,url,per_customer,\n"
            </pre>
            <form method="post" action="/console/offerings/import" enctype="multipart/form-data" class="grid-form">
                <div class="field">
                    <label for="import-file">{lang.t("CSV file", "Fichier CSV")}</label>
                    <input id="import-file" name="file" type="file" accept=".csv,text/csv,text/plain" required/>
                </div>
                <div class="field actions">
                    <button type="submit" class="button primary">{lang.t("Import CSV", "Importer le CSV")}</button>
                </div>
            </form>
        </section>
    }
}
