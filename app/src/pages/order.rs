//! `/orders/{id}`: one Orange product order: its facts, items, the licences it created, what the
//! partner's product was asked to do for it, Orange's raw request and Fleetdesk's answer, its
//! audit timeline and the events it caused. Also the pieces the other browsing pages share (state
//! badge, provisioning, raw request, timeline, events).

use fleetdesk_vocab::Text;
use fleetdesk_vocab::{Mode, WorkState};
use leptos::prelude::*;

use super::events::EventStateBadge;
use super::parts::{DetailPage, TablePanel, rows};
use crate::api::fetch_order;
use crate::i18n::{When, use_lang};
use crate::model::{
    ActivityItem, ByHandView, EventRowView, FillableLicenceView, LicenceLinkView, OrderDetailView,
    OrderItemView, ProvisioningTaskState, ProvisioningTaskView, RawExchangeView,
};
use crate::posts;

#[component]
pub fn OrderPage() -> impl IntoView {
    view! {
        <DetailPage
            title=Text::Order
            back=("/orders", Text::BackToOrders)
            fetch=fetch_order
            body=|detail| view! { <OrderBody detail/> }
        />
    }
}

/// An order's, item's or task's state, coloured.
#[component]
pub fn StateBadge(state: WorkState) -> impl IntoView {
    view! { <span class=format!("badge order-state state-{state}")>{state.as_str()}</span> }
}

/// A value, or a dash.
pub fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "—".to_owned())
}

/// A stored time, or a dash.
pub fn when_or_dash(value: Option<String>) -> AnyView {
    match value {
        Some(at) => view! { <When at/> }.into_any(),
        None => view! { "—" }.into_any(),
    }
}

#[component]
fn OrderBody(detail: OrderDetailView) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let order = detail.order.clone();
    let customer_href = format!("/customers/{}", order.customer_id);
    view! {
        <h1 class="mono-heading">{order.id.to_string()}</h1>
        <p class="event-subtitle">
            <StateBadge state=order.state/>
            " " {t(Text::OrangeReference)} " "
            <span class="mono" data-testid="order-reference">{order.external_reference.clone()}</span>
        </p>
        <section class="panel">
            <dl class="facts">
                <dt>{t(Text::Customer)}</dt>
                <dd><a href=customer_href>{order.customer_name.clone()}</a> " " <span class="muted mono">{order.customer_id.to_string()}</span></dd>
                <dt>{t(Text::Answered)}</dt>
                <dd>{if order.mode == Mode::Sync { t(Text::AtOnceSynchronous) } else { t(Text::LaterByAnEventAsynchronous) }}</dd>
                <dt>{t(Text::Category)}</dt>
                <dd>{or_dash(detail.category.clone())}</dd>
                <dt>{t(Text::OrderDate)}</dt>
                <dd>{or_dash(detail.order_date.clone())}</dd>
                <dt>{t(Text::RequestedStart)}</dt>
                <dd>{or_dash(detail.requested_start_date.clone())}</dd>
                <dt>{t(Text::Received)}</dt>
                <dd><When at=order.created_at.clone()/></dd>
                <dt>{t(Text::Completed)}</dt>
                <dd>{when_or_dash(order.completed_at.clone())}</dd>
                <dt>{t(Text::Failure)}</dt>
                <dd class=if detail.failure.is_some() { "error-text" } else { "" }>{or_dash(detail.failure.clone())}</dd>
                <dt>{t(Text::RequestId)}</dt>
                <dd class="mono">{or_dash(detail.request_id.clone())}</dd>
            </dl>
        </section>
        {view! { <OrderItems items=detail.items.clone()/> }.into_any()}
        {view! { <LicenceLinks licences=detail.licences.clone()/> }.into_any()}
        {view! { <ProvisioningTasks tasks=detail.provisioning.clone()/> }.into_any()}
        {detail.by_hand.clone().map(|form| view! { <ByHand id=order.id.clone() form/> }.into_any())}
        {view! { <RawExchange raw=detail.raw.clone()/> }.into_any()}
        {view! { <RelatedEvents events=detail.events.clone()/> }.into_any()}
        {view! { <Timeline items=detail.timeline.clone()/> }.into_any()}
    }
}

/// Completing the order by hand with the logins and realizing resource values the partner's
/// product made: one field per login and resource, blank keeps what the licence has.
#[component]
fn ByHand(id: fleetdesk_vocab::OrderId, form: ByHandView) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let button = if form.approve {
        t(Text::ApproveWithTheseValues)
    } else {
        t(Text::CompleteWithTheseValues)
    };
    let more = form
        .more_than
        .map(|count| view! { <p class="hint">{fleetdesk_vocab::say::values_more_licences(lang, count)}</p> });
    view! {
        <section class="panel" id="by-hand" data-testid="by-hand">
            <h2>{t(Text::ValuesFromTheProduct)}</h2>
            <p class="hint">{t(Text::ValuesFromTheProductLead)}</p>
            {more}
            <form method="post" action=posts::COMPLETE_WITH_VALUES.to([&id]) class="stack">
                {form.licences.into_iter().map(|licence| view! { <FillableLicence licence/> }).collect_view()}
                <div class="row-actions">
                    <button type="submit" class="button primary">{button}</button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn FillableLicence(licence: FillableLicenceView) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let login_id = format!("login-{}", licence.id);
    let login_hint = licence.login.clone().unwrap_or_else(|| "—".to_owned());
    let resources = licence
        .resources
        .into_iter()
        .map(|resource| {
            let field = format!("resource-{}-{}", licence.id, resource.id);
            let name = format!("resource.{}.{}", licence.id, resource.id);
            let hint_id = format!("{field}-hint");
            view! {
                <div class="field">
                    <label for=field.clone()>{super::licence::kind_text(resource.kind, lang)}</label>
                    <input id=field name=name autocomplete="off" spellcheck="false" aria-describedby=hint_id.clone()/>
                    <p class="hint" id=hint_id>
                        <span class="mono">{resource.value}</span>
                        {resource.placeholder.then(|| view! { " " <super::licences::PlaceholderBadge/> })}
                        " · " {super::licence::expected_format(resource.kind, lang)}
                    </p>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="fillable" data-testid=format!("fillable-{}", licence.id)>
            <legend>
                <a class="mono" href=format!("/licences/{}", licence.id)>{licence.id.to_string()}</a>
                " " <span class="muted mono">{licence.offer_code}</span>
            </legend>
            <div class="field">
                <label for=login_id.clone()>{t(Text::Login)}</label>
                <input id=login_id.clone() name=format!("login.{}", licence.id) autocomplete="off" spellcheck="false" aria-describedby=format!("{login_id}-hint")/>
                <p class="hint mono" id=format!("{login_id}-hint")>{login_hint}</p>
            </div>
            {resources}
        </fieldset>
    }
    .into_any()
}

#[component]
fn OrderItems(items: Vec<OrderItemView>) -> impl IntoView {
    view! {
        <TablePanel
            heading=Text::Items
            empty=Text::NoneThisOrderCreatedTheCustomer
            numbered=true
            columns=vec![Text::Offering, Text::Quantity, Text::Fleet, Text::State]
            rows=rows(items, item_row)
        />
    }
}

/// The licences an order created, each linking to its page.
#[component]
pub fn LicenceLinks(licences: Vec<LicenceLinkView>) -> impl IntoView {
    view! {
        <TablePanel
            heading=Text::LicencesCreated
            testid="licences"
            empty=Text::NoneFDot
            columns=vec![Text::Licence, Text::Login, Text::Offering, Text::Fleet, Text::State]
            rows=rows(licences, licence_row)
        />
    }
}

/// What the partner's product was asked to do (its provisioning tasks) and how each ended; nothing
/// when it was asked nothing.
#[component]
pub fn ProvisioningTasks(tasks: Vec<ProvisioningTaskView>) -> impl IntoView {
    (!tasks.is_empty()).then(|| {
        view! {
            <TablePanel
                heading=Text::Provisioning
                testid="provisioning-tasks"
                empty=Text::NoneFDot
                columns=vec![Text::Type, Text::Licence, Text::State, Text::ResolvedBy, Text::Created, Text::Resolved]
                rows=rows(tasks, provisioning_row)
            />
        }
    })
}

/// Orange's request and Fleetdesk's answer, pretty-printed.
#[component]
pub fn RawExchange(raw: RawExchangeView) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let source = match raw.exchange.clone() {
        Some((id, at)) => view! {
            <p class="hint">
                {t(Text::AsRecordedOn)} " " <When at/> " · "
                <a href=format!("/exchanges/{id}") data-testid="exchange-link">{t(Text::TheFullExchange)}</a>
            </p>
        }
        .into_any(),
        None => view! {
            <p class="hint" data-testid="exchange-gone">
                {t(Text::TheRawExchangeIsNoLonger)}
            </p>
        }
        .into_any(),
    };
    let status = raw
        .response_status
        .map(|status| view! { " " <super::exchanges::StatusBadge status/> });
    view! {
        <section class="panel">
            <h2>{t(Text::OrangesRequestAndFleetdesksAnswer)}</h2>
            {source}
            <h3>{t(Text::Request)}</h3>
            <pre class="code" tabindex="0" data-testid="raw-request">{raw.request.clone()}</pre>
            <h3>{t(Text::Answer)} {status}</h3>
            <pre class="code" tabindex="0" data-testid="raw-response">{raw.response.clone().unwrap_or_else(|| t(Text::NoneFParen).to_owned())}</pre>
        </section>
    }
}

/// Events to Orange about the object, each linking to its page.
#[component]
pub fn RelatedEvents(events: Vec<EventRowView>) -> impl IntoView {
    view! {
        <TablePanel
            heading=Text::EventsToOrangeHeading
            testid="related-events"
            empty=Text::NoneMDot
            columns=vec![Text::Created, Text::Event, Text::About, Text::State]
            rows=rows(events, event_row)
        />
    }
}

/// The object's audit entries, newest first.
#[component]
pub fn Timeline(items: Vec<ActivityItem>) -> impl IntoView {
    view! {
        <TablePanel
            heading=Text::Timeline
            testid="timeline"
            empty=Text::NothingRecorded
            columns=vec![Text::When, Text::Who, Text::What]
            rows=rows(items, activity_row)
        />
    }
}

fn item_row(item: OrderItemView) -> impl IntoView {
    view! {
        <tr>
            <td class="mono">{item.orange_item_id.clone().unwrap_or_else(|| item.position.to_string())}</td>
            <td>{item.offering_name.clone()} <span class="cell-sub mono">{item.offer_code.clone()}</span></td>
            <td>{item.quantity}</td>
            <td>{item.fleet_id.clone().map_or_else(|| view! { "—" }.into_any(), |fleet| view! { <a class="mono" href=format!("/fleets/{fleet}")>{fleet.to_string()}</a> }.into_any())}</td>
            <td><StateBadge state=item.state/>{item.failure.clone().map(|f| view! { <span class="cell-sub error-text">{f}</span> })}</td>
        </tr>
    }
}

fn licence_row(l: LicenceLinkView) -> impl IntoView {
    view! {
        <tr>
            <td><a class="mono" href=format!("/licences/{}", l.id)>{l.id.to_string()}</a></td>
            <td class="mono">{or_dash(l.login.clone())}</td>
            <td class="mono">{l.offer_code.clone()}</td>
            <td><a class="mono" href=format!("/fleets/{}", l.fleet_id)>{l.fleet_id.to_string()}</a></td>
            <td><span class=format!("badge licence-state state-{}", l.state)>{l.state.as_str()}</span></td>
        </tr>
    }
}

fn provisioning_row(task: ProvisioningTaskView) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let (class, state) = match task.state {
        ProvisioningTaskState::Pending => ("badge state-inProgress", t(Text::ProvisioningPending)),
        ProvisioningTaskState::Completed => {
            ("badge state-completed", t(Text::ProvisioningCompleted))
        }
        ProvisioningTaskState::Failed => ("badge state-failed", t(Text::ProvisioningFailed)),
    };
    let by = match (&task.state, task.resolved_by_operator) {
        (ProvisioningTaskState::Pending, _) => "—",
        (_, true) => t(Text::ByAnOperator),
        (_, false) => t(Text::ByTheProduct),
    };
    let licence = task.licence_id.clone().map_or_else(
        || view! { "—" }.into_any(),
        |id| {
            view! { <a class="mono" href=format!("/licences/{id}")>{id.to_string()}</a> }.into_any()
        },
    );
    view! {
        <tr data-testid=format!("provisioning-{}", task.id)>
            <td><code>{task.kind.clone()}</code><span class="cell-sub mono muted">{task.id.to_string()}</span></td>
            <td>{licence}</td>
            <td>
                <span class=class>{state}</span>
                {task.failure.clone().map(|failure| view! { <span class="cell-sub error-text">{failure}</span> })}
            </td>
            <td>{by}</td>
            <td class="nowrap"><When at=task.created_at.clone()/></td>
            <td class="nowrap">{when_or_dash(task.resolved_at.clone())}</td>
        </tr>
    }
}

fn event_row(e: EventRowView) -> impl IntoView {
    view! {
        <tr>
            <td class="nowrap"><When at=e.created_at.clone()/></td>
            <td><a class="mono" href=format!("/events/{}", e.id)>{e.id.to_string()}</a><span class="cell-sub"><code>{e.event_type.clone()}</code></span></td>
            <td class="mono">{e.resource_id.to_string()}</td>
            <td><EventStateBadge state=e.state/></td>
        </tr>
    }
}

fn activity_row(item: ActivityItem) -> impl IntoView {
    view! {
        <tr>
            <td class="nowrap"><When at=item.at.clone()/></td>
            <td>{item.actor.clone()}</td>
            <td><code>{item.action.clone()}</code></td>
        </tr>
    }
}
