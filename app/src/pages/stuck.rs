//! `/stuck`: work that should have moved on and has not. Orange orders and tasks acknowledged or
//! in progress longer than their threshold, events that failed for good or waited too long; why
//! (for work waiting on the partner's product: its failing webhook or missing callback),
//! and the actions that fit: complete now or fail with a contract error code (orders and tasks),
//! resend or retry (events). Every role may act here, support staff included: unblocking is their
//! job. Administrators set the thresholds here too.

use fleetdesk_vocab::{Counted, Text, say};
use fleetdesk_vocab::{ErrorCode, Stuck, WorkState};
use leptos::prelude::*;

use super::parts::{Page, PostButton, Table};
use crate::api::fetch_stuck;
use crate::i18n::{Lang, When, use_lang};
use crate::model::{StuckItemView, StuckPage, ThresholdsView};
use crate::posts;

#[component]
pub fn StuckWorkPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| fetch_stuck());
    view! {
        <Page
            title=Text::StuckWork
            lead=Text::OrdersAndTasksFromOrangeThat
            data
            body=|page| view! { <StuckBody page/> }
        />
    }
}

fn minutes_text(lang: Lang, minutes: u32) -> String {
    say::minutes_short(lang, minutes)
}

#[component]
fn StuckBody(page: StuckPage) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let thresholds = page.thresholds.clone();
    let summary = say::stuck_after(
        lang,
        minutes_text(lang, thresholds.order_minutes),
        minutes_text(lang, thresholds.task_minutes),
        minutes_text(lang, thresholds.event_minutes),
    );
    let empty = page.items.is_empty();
    let codes = page.failure_codes.clone();
    view! {
        <p class="muted" data-testid="stuck-thresholds">{summary}</p>
        {if empty {
            view! {
                <p class="flash success" role="status" data-testid="stuck-none">
                    {t(Text::NothingIsStuck)}
                </p>
            }
            .into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <Table testid="stuck-table" columns=vec![Text::What, Text::State, Text::Since, Text::Why, Text::Actions]>
                            {page
                                .items
                                .into_iter()
                                .map(|item| view! { <StuckRow item codes=codes.clone()/> })
                                .collect_view()}
                    </Table>
                </div>
            }
            .into_any()
        }}
        {page.can_configure.then(|| view! { <ThresholdsForm thresholds=page.thresholds/> })}
    }
}

#[component]
fn StuckRow(item: StuckItemView, codes: Vec<ErrorCode>) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let (kind, href, state) = match item.what {
        Stuck::Order(state) => (
            t(Text::Order),
            format!("/orders/{}", item.id),
            state.label(lang),
        ),
        Stuck::Task(state) => (
            t(Text::Task),
            format!("/tasks/{}", item.id),
            state.label(lang),
        ),
        Stuck::Event(state) => (
            t(Text::Event),
            format!("/events/{}", item.id),
            state.label(lang),
        ),
    };
    // The reason is the server's own words (an HTTP status, a time), after a translated prefix.
    let reason = match (item.what, item.reason.clone()) {
        (Stuck::Event(_), Some(reason)) => reason,
        (Stuck::Event(_), None) => t(Text::WaitingToBeSent).to_owned(),
        (Stuck::Order(_) | Stuck::Task(_), Some(reason)) => say::waits_on_the_product(lang, reason),
        (Stuck::Order(_) | Stuck::Task(_), None) if item.awaits_approval => {
            t(Text::WaitsForManualApproval).to_owned()
        }
        (Stuck::Order(_) | Stuck::Task(_), None) => {
            t(Text::AcknowledgedToOrangeButNotCompleted).to_owned()
        }
    };
    // Every role may unblock stuck work, support staff included.
    let actions = match item.what {
        Stuck::Event(state) => {
            let retry = state.can_retry_now();
            view! {
                <div class="row-actions">
                    {retry.then(|| view! {
                        <PostButton action=posts::STUCK_EVENT.to([&item.id, &"retry"]) class="button secondary" label=t(Text::RetryNow)/>
                    })}
                    <form method="post" action=posts::STUCK_EVENT.to([&item.id, &"resend"])>
                        <label class="choice">
                            <input type="checkbox" name="confirm" value="yes" required/>
                            {t(Text::IUnderstand)}
                        </label>
                        <button type="submit" class="button secondary">{t(Text::Resend)}</button>
                    </form>
                </div>
            }
            .into_any()
        }
        Stuck::Order(state) | Stuck::Task(state) => {
            // Work waiting on the partner's product (it has a reason) may be completed by hand once
            // done there, as the provisioning contract says.
            let waits_on_product = state == WorkState::InProgress && item.reason.is_some();
            let kind = format!("{}s", item.what.kind());
            let code_id = format!("code-{}", item.id);
            let message_id = format!("message-{}", item.id);
            view! {
                <div class="row-actions">
                    // Only acknowledged work can be completed at once; other work in progress
                    // belongs to whoever started it, and can only be failed from here.
                    {(state == WorkState::Acknowledged || waits_on_product).then(|| view! {
                        <PostButton action=posts::COMPLETE_STUCK.to([&kind, &item.id]) class="button primary" label=t(Text::CompleteNow)/>
                    })}
                    // An order waiting on the product may be completed with the values it made,
                    // on the order's page.
                    {(waits_on_product && kind == "orders").then(|| view! {
                        <a class="button secondary" href=format!("/orders/{}#by-hand", item.id)>{t(Text::ValuesFromTheProduct)}</a>
                    })}
                    <form method="post" action=posts::FAIL_STUCK.to([&kind, &item.id]) class="inline-form fail-form">
                        <label for=code_id.clone()>{t(Text::ErrorCode)}</label>
                        <select id=code_id name="code">
                            {codes.iter().map(|code| view! { <option value=code.as_str()>{code.as_str()}</option> }).collect_view()}
                        </select>
                        <label for=message_id.clone()>{t(Text::MessageForOrange)}</label>
                        <input id=message_id name="message" type="text" required maxlength="500"/>
                        <label class="choice">
                            <input type="checkbox" name="confirm" value="yes" required/>
                            {t(Text::IUnderstand)}
                        </label>
                        <button type="submit" class="button danger">{t(Text::Fail)}</button>
                    </form>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <tr data-testid=format!("stuck-{}", item.id)>
            <td>
                <span class="badge">{kind}</span>
                " "
                <a class="mono" href=href>{item.id.to_string()}</a>
                {item.label.map(|label| view! { <div class="muted mono">{label}</div> })}
            </td>
            <td>{state}</td>
            <td class="nowrap"><When at=item.since/></td>
            <td>{reason}</td>
            <td>{actions}</td>
        </tr>
    }
}

#[component]
fn ThresholdsForm(thresholds: ThresholdsView) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    view! {
        <section class="panel">
            <h2>{t(Text::WhenIsWorkStuck)}</h2>
            <form method="post" action=posts::STUCK_THRESHOLDS.path() class="stack">
                <label for="order_minutes">{t(Text::OrdersAfterMinutes)}</label>
                <input id="order_minutes" name="order_minutes" type="number" min="1" max="10080" required value=thresholds.order_minutes.to_string()/>
                <label for="task_minutes">{t(Text::TasksAfterMinutes)}</label>
                <input id="task_minutes" name="task_minutes" type="number" min="1" max="10080" required value=thresholds.task_minutes.to_string()/>
                <label for="event_minutes">{t(Text::WaitingEventsAfterMinutes)}</label>
                <input id="event_minutes" name="event_minutes" type="number" min="1" max="10080" required value=thresholds.event_minutes.to_string()/>
                <button type="submit" class="button primary">{t(Text::SaveThresholds)}</button>
            </form>
        </section>
    }
}
