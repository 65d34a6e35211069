//! `/licences/{id}`: one licence: its login and state, customer, fleet and offering, end user,
//! realizing resources (placeholders marked) and a timeline of what happened to it (audit entries
//! and the events owed to Orange). Operators and administrators set or remove the end user,
//! replace a realizing resource and renew the login, while the licence's state allows; each form
//! posts to `/console/licences/…` and comes back here.

use fleetdesk_vocab::{Counted, Text, say};
use fleetdesk_vocab::{LicenceId, LicenceState, ResourceType};
use leptos::prelude::*;

use super::licences::{LicenceStateBadge, PlaceholderBadge};
use super::parts::DetailPage;
use crate::api::fetch_licence;
use crate::i18n::{Lang, When, use_lang};
use crate::model::{EndUserView, LicenceDetailView, ResourceView, TimelineView};
use crate::posts;

#[component]
pub fn LicencePage() -> impl IntoView {
    view! {
        <DetailPage
            title=Text::Licence
            back=("/licences", Text::BackToLicences)
            fetch=fetch_licence
            body=|detail| view! { <LicenceBody detail/> }
        />
    }
}

/// What a value of this type looks like, for the replace form.
pub fn expected_format(kind: ResourceType, lang: Lang) -> &'static str {
    match kind {
        ResourceType::Msisdn => lang.t(Text::TelephoneFormatHint),
        ResourceType::Imei => lang.t(Text::N15DigitsEndingWithAValid),
        ResourceType::Email => lang.t(Text::AnEMailAddressEG),
        ResourceType::Url => lang.t(Text::AnHttpOrHttpsAddressE),
        ResourceType::None => "",
    }
}

pub fn kind_text(kind: ResourceType, lang: Lang) -> &'static str {
    match kind {
        ResourceType::Msisdn => lang.t(Text::MsisdnMobileNumber),
        ResourceType::Imei => lang.t(Text::ImeiDevice),
        ResourceType::Email => lang.t(Text::EMailAddress),
        ResourceType::Url => lang.t(Text::Url),
        ResourceType::None => lang.t(Text::Resource),
    }
}

#[component]
fn LicenceBody(detail: LicenceDetailView) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let may_act = detail.can_act && detail.changeable();
    let why_not = (detail.can_act && !detail.changeable()).then(|| {
        let text = if detail.state == LicenceState::Terminated {
            t(Text::ThisLicenceIsTerminatedItIs)
        } else {
            t(Text::LicenceChangesWaitForOrange)
        };
        view! { <p class="banner notice" role="note" data-testid="licence-locked">{text}</p> }
    });
    let heading = detail
        .login
        .clone()
        .unwrap_or_else(|| t(Text::NoLoginYet).to_owned());
    view! {
        <h1 class="mono-heading" data-testid="licence-login">{heading}</h1>
        <p class="event-subtitle">
            <LicenceStateBadge state=detail.state/>
            <span class="mono muted">{detail.id.to_string()}</span>
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
    let t = move |text| lang.t(text);
    let maybe_when = |at: Option<String>| match at {
        Some(at) => view! { <When at=at/> }.into_any(),
        None => view! { "—" }.into_any(),
    };
    let pending = detail.pending_operation.clone().map(|operation| {
        view! {
            <dt>{t(Text::OperationInProgress)}</dt>
            <dd>
                <code>{operation}</code>
                {detail.pending_since.clone().map(|at| view! { " · " <When at=at/> })}
            </dd>
        }
    });
    view! {
        <section class="panel">
            <dl class="facts">
                <dt>{t(Text::Customer)}</dt>
                <dd>
                    <a href=format!("/customers/{}", detail.customer_id) data-testid="customer-link">{detail.customer_name.clone()}</a>
                    " " <span class="muted mono">{detail.customer_id.to_string()}</span>
                    " · " {t(Text::OrangeReference)} " " <span class="mono">{detail.customer_ref.clone()}</span>
                </dd>
                <dt>{t(Text::FleetProductrefid)}</dt>
                <dd><a href=format!("/fleets/{}", detail.fleet_id) class="mono" data-testid="fleet-link">{detail.fleet_id.to_string()}</a></dd>
                <dt>{t(Text::Offering)}</dt>
                <dd>{detail.offering_name.clone()} " " <code>{detail.offer_code.clone()}</code></dd>
                <dt>{t(Text::LoginCreated)}</dt>
                <dd>{maybe_when(detail.login_created_at.clone())}</dd>
                <dt>{t(Text::Order)}</dt>
                <dd class="mono">{detail.order_id.as_ref().map_or_else(|| "—".to_owned(), ToString::to_string)}</dd>
                {pending}
                <dt>{t(Text::LicenceCreated)}</dt>
                <dd><When at=detail.created_at.clone()/></dd>
                <dt>{t(Text::LastUpdate)}</dt>
                <dd><When at=detail.updated_at.clone()/></dd>
                <dt>{t(Text::Terminated)}</dt>
                <dd>{maybe_when(detail.terminated_at.clone())}</dd>
            </dl>
        </section>
    }
}

#[component]
fn EndUserPanel(id: LicenceId, end_user: Option<EndUserView>, may_act: bool) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let shown = match end_user.clone() {
        Some(user) => {
            let mobile = user
                .mobile_cc
                .clone()
                .zip(user.mobile_sn.clone())
                .map(|(cc, sn)| format!("+{cc} {sn}"));
            view! {
                <dl class="facts" data-testid="end-user">
                    <dt>{t(Text::Name)}</dt>
                    <dd>{format!("{} {}", user.given_name, user.family_name)}</dd>
                    <dt>{t(Text::EMail)}</dt>
                    <dd>{user.email.clone()}</dd>
                    <dt>{t(Text::Mobile)}</dt>
                    <dd>{mobile.unwrap_or_else(|| "—".to_owned())}</dd>
                </dl>
            }
            .into_any()
        }
        None => view! {
            <p class="muted" data-testid="end-user">{t(Text::NoEndUserYet)}</p>
        }
        .into_any(),
    };
    let forms = may_act.then(|| {
        let user = end_user.clone();
        let value = move |pick: fn(&EndUserView) -> Option<String>| {
            user.as_ref().and_then(pick).unwrap_or_default()
        };
        let submit = if end_user.is_some() {
            t(Text::ChangeTheEndUser)
        } else {
            t(Text::AssignTheEndUser)
        };
        let remove = end_user.is_some().then(|| {
            view! {
                <form method="post" action=posts::REMOVE_END_USER.to([&id]) class="action-form" data-testid="remove-end-user">
                    <div class="choice">
                        <input id="confirm-remove" type="checkbox" name="confirm" value="yes" required/>
                        <label for="confirm-remove" class="confirm-label">{t(Text::IUnderstandTheLicenceWillHave)}</label>
                    </div>
                    <button type="submit" class="button danger">{t(Text::RemoveTheEndUser)}</button>
                </form>
            }
        });
        view! {
            <form method="post" action=posts::SET_END_USER.to([&id]) class="grid-form" data-testid="end-user-form">
                <div class="field">
                    <label for="given-name">{t(Text::GivenName)}</label>
                    <input id="given-name" name="given_name" required autocomplete="off" value=value(|u| Some(u.given_name.clone()))/>
                </div>
                <div class="field">
                    <label for="family-name">{t(Text::FamilyName)}</label>
                    <input id="family-name" name="family_name" required autocomplete="off" value=value(|u| Some(u.family_name.clone()))/>
                </div>
                <div class="field">
                    <label for="end-user-email">{t(Text::EMailAddress)}</label>
                    <input id="end-user-email" name="email" type="email" required autocomplete="off" value=value(|u| Some(u.email.clone()))/>
                </div>
                <div class="field">
                    <label for="mobile-cc">{t(Text::MobileCountryCodeOptional)}</label>
                    <input id="mobile-cc" name="mobile_cc" inputmode="numeric" autocomplete="off" placeholder="33" value=value(|u| u.mobile_cc.clone())/>
                </div>
                <div class="field">
                    <label for="mobile-sn">{t(Text::MobileNumberOptional)}</label>
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
            <h2>{t(Text::EndUser)}</h2>
            {shown}
            {forms}
        </section>
    }
}

/// Administrators only: the end user's personal data on request (GDPR), exported as JSON or
/// erased from the licence and every stored copy. Shown while the licence has an end user, also
/// once it is terminated (erasure does not change the licence itself).
#[component]
fn PersonalData(id: LicenceId, terminated: bool) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let consequence = if terminated {
        t(Text::EraseConsent)
    } else {
        t(Text::EraseConsentNoNotice)
    };
    view! {
        <section class="panel" data-testid="personal-data">
            <h2>{t(Text::PersonalDataGdpr)}</h2>
            <p class="muted">{t(Text::OnTheEndUsersRequestEverything)}</p>
            <p>
                <a class="button" href=format!("/console/licences/{id}/personal-data") download="" data-testid="export-personal-data">
                    {t(Text::ExportAsJson)}
                </a>
            </p>
            <form method="post" action=posts::ERASE_PERSONAL_DATA.to([&id]) class="action-form" data-testid="erase-personal-data">
                <div class="choice">
                    <input id="confirm-erase" type="checkbox" name="confirm" value="yes" required/>
                    <label for="confirm-erase" class="confirm-label">{consequence}</label>
                </div>
                <button type="submit" class="button danger">{t(Text::EraseThePersonalData)}</button>
            </form>
        </section>
    }
}

#[component]
fn ResourcesPanel(id: LicenceId, resources: Vec<ResourceView>, may_act: bool) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let body = if resources.is_empty() {
        view! { <p class="muted">{t(Text::ThisOfferingsLicencesCarryNoRealizing)}</p> }.into_any()
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
            <h2>{t(Text::RealizingResources)}</h2>
            {body}
        </section>
    }
}

#[component]
fn ResourceItem(licence: LicenceId, resource: ResourceView, may_act: bool) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let shared = (resource.scope == fleetdesk_vocab::ResourceScope::PerCustomer).then(|| {
        let text = say::resource_shared_by_licences(lang, resource.licences);
        view! { <span class="cell-sub">{text}</span> }
    });
    let input_id = format!("value-{}", resource.id);
    let hint_id = format!("hint-{}", resource.id);
    let form = may_act.then(|| {
        view! {
            <form method="post" action=posts::REPLACE_RESOURCE.to([&licence, &resource.id]) class="inline-form replace-form" data-testid=format!("replace-{}", resource.kind)>
                <div class="field">
                    <label for=input_id.clone()>{t(Text::NewValue)}</label>
                    <input id=input_id.clone() name="value" required autocomplete="off" spellcheck="false" aria-describedby=hint_id.clone()/>
                    <p class="hint" id=hint_id.clone()>{expected_format(resource.kind, lang)}</p>
                </div>
                <button type="submit" class="button secondary">{t(Text::Replace)}</button>
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
fn RenewLogin(id: LicenceId) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    view! {
        <section class="panel">
            <h2>{t(Text::Login)}</h2>
            <form method="post" action=posts::RENEW_LOGIN.to([&id]) class="action-form" data-testid="renew-login">
                <p class="hint">{t(Text::ANewLoginIsMadeFrom)}</p>
                <div class="choice">
                    <input id="confirm-renew" type="checkbox" name="confirm" value="yes" required/>
                    <label for="confirm-renew" class="confirm-label">{t(Text::IUnderstandTheLoginChangesAnd)}</label>
                </div>
                <button type="submit" class="button primary">{t(Text::RenewTheLogin)}</button>
            </form>
        </section>
    }
}

fn action_text(action: &str, lang: Lang) -> &'static str {
    match action {
        "licence.end_user.assign" => lang.t(Text::EndUserAssigned),
        "licence.end_user.change" => lang.t(Text::EndUserChanged),
        "licence.end_user.remove" => lang.t(Text::EndUserRemoved),
        "licence.resource.replace" => lang.t(Text::RealizingResourceReplaced),
        "licence.login.renew" => lang.t(Text::LoginRenewed),
        "licence.values.by_hand" => lang.t(Text::LicenceValuesEnteredByHand),
        "orange.licence.changeState" => lang.t(Text::StateChangedByOrange),
        "orange.licence.delete" => lang.t(Text::TerminatedByOrange),
        "orange.licence.changeOffering" => lang.t(Text::OfferingChangedByOrange),
        "userServiceAttributeValueChangeEvent" => lang.t(Text::AttributeChangeEventForOrange),
        "userServiceStateChangeEvent" => lang.t(Text::StateChangeEventForOrange),
        "provisioning.complete" => lang.t(Text::ProvisioningStepDone),
        what if what.starts_with("provisioning.start:") => lang.t(Text::ProvisioningStepSent),
        what if what.starts_with("provisioning.fail:") => lang.t(Text::ProvisioningStepFailed),
        what if super::events::is_product_webhook(what) => lang.t(Text::ProvisioningWebhook),
        _ => lang.t(Text::Other),
    }
}

#[component]
fn Timeline(entries: Vec<TimelineView>) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let body = if entries.is_empty() {
        view! { <p class="muted">{t(Text::NothingHasHappenedToThisLicence)}</p> }.into_any()
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
            <h2>{t(Text::Timeline)}</h2>
            {body}
        </section>
    }
}

#[component]
fn TimelineItem(entry: TimelineView) -> impl IntoView {
    let lang = use_lang();
    let detail = if entry.source == "event" {
        let state = entry.state.map(|state| {
            view! { <span class=format!("badge event-{state}")>{state.label(lang)}</span> }
        });
        view! {
            {state}
            " "
            <a href=format!("/events/{}", entry.id) class="mono">{entry.id.to_string()}</a>
        }
        .into_any()
    } else if entry.source == "provisioning" {
        // A step of the partner's product: sent, or resolved by the product or by an operator.
        let by = (!entry.what.starts_with("provisioning.start:")).then(|| {
            let who = entry
                .actor
                .clone()
                .unwrap_or_else(|| lang.t(Text::ByTheProduct).to_owned());
            view! { <span class="muted">{lang.t(Text::By)} " " {who}</span> " " }
        });
        view! { {by} <span class="mono muted">{entry.id.clone()}</span> }.into_any()
    } else {
        view! { <span class="muted">{lang.t(Text::By)} " " {entry.actor.clone().unwrap_or_default()}</span> }.into_any()
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
