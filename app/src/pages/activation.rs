//! `/activation`: the activation queue. Orders and tasks of offerings with manual provisioning wait
//! here until an operator approves them (they complete, and Orange gets their event) or rejects
//! them with a contract error code (they fail, and Orange's event says why). Filtered by offering,
//! customer and waiting time; one form posts the selection (or one row's own button) as a plain
//! form, so that it works without JavaScript. Support staff see the queue and act on waiting work
//! from the stuck-work page once it is stuck, as they do for other work.

use fleetdesk_vocab::{Text, Work, say};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::parts::Page;
use crate::api::fetch_activation;
use crate::i18n::{When, use_lang};
use crate::model::{ActivationPage, WaitingView};
use crate::posts;

#[component]
pub fn ActivationQueuePage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            query.with(|map| {
                (
                    map.get("offer_code").unwrap_or_default(),
                    map.get("customer_id").unwrap_or_default(),
                    map.get("older_than").unwrap_or_default(),
                )
            })
        },
        |(offer_code, customer_id, older_than)| {
            fetch_activation(offer_code, customer_id, older_than)
        },
    );
    view! {
        <Page
            title=Text::ActivationQueue
            lead=Text::ActivationQueueLead
            data
            body=|page| view! { <ActivationBody page/> }
        />
    }
}

#[component]
fn ActivationBody(page: ActivationPage) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let can_decide = page.can_decide;
    let codes = page.failure_codes.clone();
    view! {
        <QueueFilter page=page.clone()/>
        {if page.rows.is_empty() {
            view! {
                <p class="flash success" role="status" data-testid="activation-none">
                    {t(Text::NothingWaitsForApproval)}
                </p>
            }
            .into_any()
        } else {
            view! {
                <form method="post" action=posts::DECIDE_WAITING.path() data-testid="activation-form">
                    // The form's first submit button is the one Enter presses in a field: this
                    // one, disabled, so that Enter in the message field approves nothing.
                    <button type="submit" disabled hidden></button>
                    <div class="table-scroll">
                        <table class="table" data-testid="activation-table">
                            <thead>
                                <tr>
                                    {can_decide.then(|| view! {
                                        <th scope="col"><span class="visually-hidden">{t(Text::SelectWork)}</span></th>
                                    })}
                                    <th scope="col">{t(Text::What)}</th>
                                    <th scope="col">{t(Text::Customer)}</th>
                                    <th scope="col">{t(Text::Offering)}</th>
                                    <th scope="col">{t(Text::Licences)}</th>
                                    <th scope="col">{t(Text::Since)}</th>
                                    {can_decide.then(|| view! {
                                        <th scope="col"><span class="visually-hidden">{t(Text::Actions)}</span></th>
                                    })}
                                </tr>
                            </thead>
                            <tbody>
                                {page.rows.into_iter().map(|row| view! { <WaitingRow row can_decide/> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    {can_decide.then(|| view! { <Decisions codes/> }.into_any())}
                </form>
            }
            .into_any()
        }}
    }
}

/// The filter: offering, customer, least waiting time.
#[component]
fn QueueFilter(page: ActivationPage) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let chosen = page.offer_code.clone();
    view! {
        <form method="get" action="/activation" class="filters" role="search">
            <div class="field">
                <label for="activation-offer">{t(Text::Offering)}</label>
                <select id="activation-offer" name="offer_code">
                    <option value="">{t(Text::AnyOffering)}</option>
                    {page.offer_codes.into_iter().map(|code| {
                        let selected = code == chosen;
                        view! { <option value=code.clone() selected=selected>{code.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="activation-customer">{t(Text::CustomerId)}</label>
                <input id="activation-customer" name="customer_id" type="text" spellcheck="false" value=page.customer_id/>
            </div>
            <div class="field">
                <label for="activation-older">{t(Text::WaitingAtLeastMinutes)}</label>
                <input id="activation-older" name="older_than" type="number" min="0" max="10080" value=page.older_than/>
            </div>
            <div class="field actions">
                <button type="submit" class="button secondary">{t(Text::Filter)}</button>
                <a class="button secondary" href="/activation">{t(Text::Clear)}</a>
            </div>
        </form>
    }
}

/// The address word and id of one waiting order or task, as the form posts it.
fn pick(work: Work, id: &str) -> String {
    format!("{}/{id}", work.path_word())
}

#[component]
fn WaitingRow(row: WaitingView, can_decide: bool) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let (kind, href) = match row.work {
        Work::Order => (t(Text::Order), format!("/orders/{}", row.id)),
        Work::Task => (t(Text::Task), format!("/tasks/{}", row.id)),
    };
    let value = pick(row.work, &row.id);
    let select_id = format!("pick-{}", row.id);
    let select_label = format!("{} {}", t(Text::SelectWork), row.id);
    let approve_label = format!("{} {}", t(Text::Approve), row.id);
    let customer = row.customer_id.clone().map(|id| {
        let name = row.customer_name.clone().unwrap_or_else(|| id.to_string());
        view! { <a href=format!("/customers/{id}")>{name}</a> }
    });
    view! {
        <tr data-testid=format!("waiting-{}", row.id)>
            {can_decide.then(|| view! {
                <td>
                    <input id=select_id type="checkbox" name="work" value=value.clone() aria-label=select_label/>
                </td>
            })}
            <td>
                <span class="badge">{kind}</span>
                " "
                <a class="mono" href=href>{row.id.to_string()}</a>
                <div class="muted mono">{row.action.clone()} {row.reference.map(|reference| format!(" · {reference}"))}</div>
            </td>
            <td>{customer}</td>
            <td class="mono">{row.offer_codes}</td>
            <td class="num">{say::licences_count(lang, row.licences)}</td>
            <td class="nowrap"><When at=row.since/></td>
            {can_decide.then(|| view! {
                <td class="actions">
                    <button type="submit" name="only" value=value class="button primary small" aria-label=approve_label formnovalidate>
                        {t(Text::Approve)}
                    </button>
                    {(row.work == Work::Order).then(|| view! {
                        " " <a class="button secondary small" href=format!("/orders/{}#by-hand", row.id)>{t(Text::ValuesFromTheProduct)}</a>
                    })}
                </td>
            })}
        </tr>
    }
    // Type-erased: the table's view type stays shallow enough for the browser build.
    .into_any()
}

/// Approve or reject what is selected; a rejection carries a contract error code and a message.
#[component]
fn Decisions(codes: Vec<fleetdesk_vocab::ErrorCode>) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    view! {
        <div class="panel stack">
            <div class="row-actions">
                <button type="submit" name="decision" value="approve" class="button primary" formnovalidate>
                    {t(Text::ApproveSelected)}
                </button>
            </div>
            <h2>{t(Text::RejectTheSelection)}</h2>
            <div class="inline-form fail-form">
                <label for="reject-code">{t(Text::ErrorCode)}</label>
                <select id="reject-code" name="code">
                    {codes.iter().map(|code| view! { <option value=code.as_str()>{code.as_str()}</option> }).collect_view()}
                </select>
                <label for="reject-message">{t(Text::MessageForOrange)}</label>
                <input id="reject-message" name="message" type="text" maxlength="500"/>
                <label class="choice">
                    <input type="checkbox" name="confirm" value="yes"/>
                    {t(Text::IUnderstand)}
                </label>
                <button type="submit" name="decision" value="reject" class="button danger">
                    {t(Text::RejectSelected)}
                </button>
            </div>
        </div>
    }
}
