//! `/offerings`: the offering catalogue, which maps Orange's offer codes to the partner's
//! offerings. Every operator sees it; administrators add, edit, retire and import offerings through
//! plain forms posting to `/console/offerings`, which redirect back here.

use leptos::prelude::*;
use leptos_meta::Title;

use super::ErrorPanel;
use crate::api::fetch_offerings;
use crate::model::{OfferingView, OfferingsPage};

/// The realizing resource types, code and words.
pub const RESOURCE_TYPES: [(&str, &str); 5] = [
    ("none", "None"),
    ("msisdn", "Mobile number (MSISDN)"),
    ("imei", "Device (IMEI)"),
    ("email", "E-mail address"),
    ("url", "URL"),
];

/// The resource scopes, code and words.
pub const RESOURCE_SCOPES: [(&str, &str); 2] = [
    ("per_licence", "One per licence"),
    ("per_customer", "One per customer (shared)"),
];

/// The login format used when the field is left empty (mirrors the catalogue's default).
pub const DEFAULT_LOGIN_FORMAT: &str = "{customer}-{seq:4}";

fn scope_text(code: &str) -> &str {
    match code {
        "per_licence" => "per licence",
        "per_customer" => "per customer",
        other => other,
    }
}

#[component]
pub fn OfferingsPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| fetch_offerings());
    view! {
        <Title text="Offerings"/>
        <h1>"Offerings"</h1>
        <p class="lead muted">
            "Orange orders licences by offer code; each code maps to one of these offerings, which says which realizing resource its licences carry and how their logins look."
        </p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
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
    if offerings.is_empty() {
        return view! {
            <section class="panel">
                <p class="muted">"The catalogue is empty: Orange's orders are refused until their offer code is here."</p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="panel">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Offer code"</th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Resource"</th>
                        <th scope="col">"Scope"</th>
                        <th scope="col">"Login format"</th>
                        <th scope="col">"State"</th>
                        {can_change.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
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
    let state = if offering.active {
        view! { <span class="badge state-active">"active"</span> }
    } else {
        view! { <span class="badge state-retired">"retired"</span> }
    };
    let actions = can_change.then(|| {
        let edit = format!("/offerings/{}", offering.id);
        let (action, label, class) = if offering.active {
            ("retire", "Retire", "button danger small")
        } else {
            ("restore", "Bring back", "button secondary small")
        };
        let target = format!("/console/offerings/{}/{action}", offering.id);
        let edit_aria = format!("Edit {}", offering.offer_code);
        let aria = format!("{label} {}", offering.offer_code);
        view! {
            <td class="actions">
                <div class="row-actions">
                    <a class="button secondary small" href=edit aria-label=edit_aria>"Edit"</a>
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
            <td><code>{offering.resource_type}</code></td>
            <td class="nowrap">{scope_text(&offering.resource_scope).to_owned()}</td>
            <td class="mono">{offering.login_format}</td>
            <td>{state}</td>
            {actions}
        </tr>
    }
}

/// The fields of an offering, empty for a new one or filled with `offering`'s values.
#[component]
pub fn OfferingFields(offering: Option<OfferingView>) -> impl IntoView {
    let value = |pick: fn(&OfferingView) -> String| offering.as_ref().map(pick).unwrap_or_default();
    let code = value(|o| o.offer_code.clone());
    let name = value(|o| o.name.clone());
    let format = value(|o| o.login_format.clone());
    let kind = offering
        .as_ref()
        .map_or_else(|| "none".to_owned(), |o| o.resource_type.clone());
    let scope = offering
        .as_ref()
        .map_or_else(|| "per_licence".to_owned(), |o| o.resource_scope.clone());
    view! {
        <div class="field">
            <label for="offer-code">"Offer code"</label>
            <input id="offer-code" name="offer_code" type="text" required maxlength="64" pattern="\\S+" autocomplete="off" spellcheck="false" value=code/>
            <p class="hint">"Orange's code, e.g. OFFER-PRO-M."</p>
        </div>
        <div class="field">
            <label for="offer-name">"Name"</label>
            <input id="offer-name" name="name" type="text" required maxlength="100" value=name/>
        </div>
        <div class="field">
            <label for="offer-resource">"Realizing resource"</label>
            <select id="offer-resource" name="resource_type">
                {RESOURCE_TYPES
                    .into_iter()
                    .map(|(code, text)| view! { <option value=code selected=kind == code>{text}</option> })
                    .collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="offer-scope">"Resource scope"</label>
            <select id="offer-scope" name="resource_scope">
                {RESOURCE_SCOPES
                    .into_iter()
                    .map(|(code, text)| view! { <option value=code selected=scope == code>{text}</option> })
                    .collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="offer-login">"Login format"</label>
            <input id="offer-login" name="login_format" type="text" maxlength="64" autocomplete="off" spellcheck="false" placeholder=DEFAULT_LOGIN_FORMAT value=format/>
            <p class="hint">"Placeholders: {customer}, {offer}, {seq} or {seq:N}; {customer} and {seq} are required. Empty: " {DEFAULT_LOGIN_FORMAT} "."</p>
        </div>
    }
}

#[component]
fn AddOfferingForm() -> impl IntoView {
    view! {
        <section class="panel">
            <h2>"Add offering"</h2>
            <form method="post" action="/console/offerings" class="grid-form">
                <OfferingFields offering=None/>
                <div class="field actions">
                    <button type="submit" class="button primary">"Add offering"</button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn ImportForm() -> impl IntoView {
    view! {
        <section class="panel">
            <h2>"Import a catalogue"</h2>
            <p>
                "A CSV file in UTF-8 with a header line. Existing offer codes are updated, new ones added. "
                "If any line is wrong, nothing is imported and every wrong line is listed."
            </p>
            <table class="table compact">
                <thead>
                    <tr>
                        <th scope="col">"Column"</th>
                        <th scope="col">"Content"</th>
                    </tr>
                </thead>
                <tbody>
                    <tr><td class="mono">"offer_code"</td><td>"Orange's offer code, without spaces (required)."</td></tr>
                    <tr><td class="mono">"name"</td><td>"The offering's name (required)."</td></tr>
                    <tr><td class="mono">"resource_type"</td><td>"none, msisdn, imei, email or url (required)."</td></tr>
                    <tr><td class="mono">"resource_scope"</td><td>"per_licence or per_customer; empty means per_licence."</td></tr>
                    <tr><td class="mono">"login_format"</td><td>"Optional; empty means " {DEFAULT_LOGIN_FORMAT} "."</td></tr>
                </tbody>
            </table>
            <p class="hint">"Example:"</p>
            <pre class="code">
                "offer_code,name,resource_type,resource_scope,login_format\n"
                "OFFER-PRO-M,Pro monthly,msisdn,per_licence,{customer}-{seq:4}\n"
                "OFFER-DOCS,Shared documents,url,per_customer,\n"
            </pre>
            <form method="post" action="/console/offerings/import" enctype="multipart/form-data" class="grid-form">
                <div class="field">
                    <label for="import-file">"CSV file"</label>
                    <input id="import-file" name="file" type="file" accept=".csv,text/csv,text/plain" required/>
                </div>
                <div class="field actions">
                    <button type="submit" class="button primary">"Import CSV"</button>
                </div>
            </form>
        </section>
    }
}
