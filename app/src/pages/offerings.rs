//! `/offerings`: the offering catalogue, which maps Orange's offer codes to the partner's
//! offerings. Every operator sees it; administrators add, edit, retire and import offerings through
//! plain forms posting to `/console/offerings`, which redirect back here.

use fleetdesk_vocab::Text;
use fleetdesk_vocab::{Label, Provisioning, ResourceScope, ResourceType};
use leptos::prelude::*;

use super::parts::{Page, PostButton, Table, TablePanel, rows};
use crate::api::fetch_offerings;
use crate::i18n::{Lang, use_lang};
use crate::model::{OfferingView, OfferingsPage};
use crate::posts;

/// A realizing resource type in words.
pub fn resource_type_text(kind: ResourceType, lang: Lang) -> &'static str {
    match kind {
        ResourceType::None => lang.t(Text::NoneF),
        ResourceType::Msisdn => lang.t(Text::MobileNumberMsisdn),
        ResourceType::Imei => lang.t(Text::DeviceImei),
        ResourceType::Email => lang.t(Text::EMailAddress),
        ResourceType::Url => lang.t(Text::Url),
    }
}

/// A resource scope in words, as offered in the form.
fn scope_choice_text(scope: ResourceScope, lang: Lang) -> &'static str {
    match scope {
        ResourceScope::PerLicence => lang.t(Text::OnePerLicence),
        ResourceScope::PerCustomer => lang.t(Text::OnePerCustomerShared),
    }
}

/// The login format used when the field is left empty (mirrors the catalogue's default).
pub const DEFAULT_LOGIN_FORMAT: &str = "{customer}-{seq:4}";

fn scope_text(scope: ResourceScope, lang: Lang) -> &'static str {
    match scope {
        ResourceScope::PerLicence => lang.t(Text::PerLicence),
        ResourceScope::PerCustomer => lang.t(Text::PerCustomer),
    }
}

#[component]
pub fn OfferingsPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| fetch_offerings());
    view! {
        <Page
            title=Text::Offerings
            lead=Text::OrangeOrdersLicencesByOfferCode
            data
            body=|page| view! { <OfferingsBody page/> }
        />
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
    view! {
        <TablePanel
            empty=Text::TheCatalogueIsEmptyOrangesOrders
            columns=vec![Text::OfferCode, Text::Name, Text::Resource, Text::ScopeOfResource, Text::LoginFormat, Text::Provisioning, Text::State]
            actions=can_change
            rows=rows(offerings, |offering| view! { <OfferingRow offering can_change/> })
        />
    }
}

#[component]
fn OfferingRow(offering: OfferingView, can_change: bool) -> impl IntoView {
    let lang = use_lang();
    let state = if offering.active {
        view! { <span class="badge state-active">{lang.t(Text::ActiveF)}</span> }
    } else {
        view! { <span class="badge state-retired">{lang.t(Text::Retired)}</span> }
    };
    let actions = can_change.then(|| {
        let edit = format!("/offerings/{}", offering.id);
        let (action, label, class) = if offering.active {
            (posts::RETIRE_OFFERING, lang.t(Text::Retire), "button danger small")
        } else {
            (posts::RESTORE_OFFERING, lang.t(Text::BringBack), "button secondary small")
        };
        let target = action.to([&offering.id]);
        let edit_aria = format!("{} {}", lang.t(Text::Edit), offering.offer_code);
        let aria = format!("{label} {}", offering.offer_code);
        view! {
            <td class="actions">
                <div class="row-actions">
                    <a class="button secondary small" href=edit aria-label=edit_aria>{lang.t(Text::Edit)}</a>
                    <PostButton action=target class aria_label=aria label/>
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
            <td>{offering.provisioning.label(lang)}</td>
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
    let provisioning = offering
        .as_ref()
        .map_or(Provisioning::None, |o| o.provisioning);
    view! {
        <div class="field">
            <label for="offer-code">{lang.t(Text::OfferCode)}</label>
            <input id="offer-code" name="offer_code" type="text" required maxlength="64" pattern="\\S+" autocomplete="off" spellcheck="false" value=code/>
            <p class="hint">{lang.t(Text::OrangesCodeEGOfferPro)}</p>
        </div>
        <div class="field">
            <label for="offer-name">{lang.t(Text::Name)}</label>
            <input id="offer-name" name="name" type="text" required maxlength="100" value=name/>
        </div>
        <div class="field">
            <label for="offer-resource">{lang.t(Text::RealizingResource)}</label>
            <select id="offer-resource" name="resource_type">
                {ResourceType::ALL
                    .into_iter()
                    .map(|code| view! { <option value=code.as_str() selected=kind == code>{resource_type_text(code, lang)}</option> })
                    .collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="offer-scope">{lang.t(Text::ResourceScope)}</label>
            <select id="offer-scope" name="resource_scope">
                {ResourceScope::ALL
                    .into_iter()
                    .map(|code| view! { <option value=code.as_str() selected=scope == code>{scope_choice_text(code, lang)}</option> })
                    .collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="offer-login">{lang.t(Text::LoginFormat)}</label>
            <input id="offer-login" name="login_format" type="text" maxlength="64" autocomplete="off" spellcheck="false" placeholder=DEFAULT_LOGIN_FORMAT value=format/>
            <p class="hint">
                {lang.t(Text::PlaceholdersCustomerOfferSeqOrSeq)}
                {DEFAULT_LOGIN_FORMAT} "."
            </p>
        </div>
        <div class="field">
            <label for="offer-provisioning">{lang.t(Text::Provisioning)}</label>
            <select id="offer-provisioning" name="provisioning" aria-describedby="offer-provisioning-hint">
                {Provisioning::ALL
                    .into_iter()
                    .map(|mode| view! { <option value=mode.as_str() selected=provisioning == mode>{mode.label(lang)}</option> })
                    .collect_view()}
            </select>
            <p class="hint" id="offer-provisioning-hint">{lang.t(Text::ProvisioningHint)}</p>
        </div>
    }
}

#[component]
fn AddOfferingForm() -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="panel">
            <h2>{lang.t(Text::AddOffering)}</h2>
            <form method="post" action=posts::CREATE_OFFERING.path() class="grid-form">
                <OfferingFields offering=None/>
                <div class="field actions">
                    <button type="submit" class="button primary">{lang.t(Text::AddOffering)}</button>
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
            <h2>{lang.t(Text::ImportACatalogue)}</h2>
            <p>
                {lang.t(Text::OfferingsImportHelp)}
            </p>
            <Table class="table compact" columns=vec![Text::Column, Text::Content]>
                <tr><td class="mono">"offer_code"</td><td>{lang.t(Text::OrangesOfferCodeWithoutSpacesRequired)}</td></tr>
                <tr><td class="mono">"name"</td><td>{lang.t(Text::TheOfferingsNameRequired)}</td></tr>
                <tr><td class="mono">"resource_type"</td><td>{lang.t(Text::NoneMsisdnImeiEmailOrUrl)}</td></tr>
                <tr><td class="mono">"resource_scope"</td><td>{lang.t(Text::PerLicenceOrPerCustomerEmpty)}</td></tr>
                <tr><td class="mono">"login_format"</td><td>{lang.t(Text::OptionalEmptyMeans)} {DEFAULT_LOGIN_FORMAT} "."</td></tr>
                <tr><td class="mono">"provisioning"</td><td>{lang.t(Text::ProvisioningColumnHelp)}</td></tr>
            </Table>
            <p class="hint">{lang.t(Text::Example)}</p>
            <pre class="code" tabindex="0">
                "offer_code,name,resource_type,resource_scope,login_format\n"
                "OFFER-PRO-M,Pro monthly,msisdn,per_licence,{customer}-{seq:4}\n"
                "OFFER-DOCS,Shared documents,url,per_customer,\n"
            </pre>
            <form method="post" action=posts::IMPORT_OFFERINGS.path() enctype="multipart/form-data" class="grid-form">
                <div class="field">
                    <label for="import-file">{lang.t(Text::CsvFile)}</label>
                    <input id="import-file" name="file" type="file" accept=".csv,text/csv,text/plain" required/>
                </div>
                <div class="field actions">
                    <button type="submit" class="button primary">{lang.t(Text::ImportCsv)}</button>
                </div>
            </form>
        </section>
    }
}
