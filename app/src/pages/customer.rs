//! `/customers/{id}`: one customer: its facts, contacts, fleets with their licences by state, its
//! newest orders, operators' notes and its audit timeline.

use fleetdesk_vocab::Text;
use leptos::prelude::*;

use super::order::{StateBadge, Timeline, or_dash};
use super::parts::{DetailPage, TablePanel, rows};
use crate::api::fetch_customer;
use crate::i18n::{When, use_lang};
use crate::model::{ContactView, CustomerDetailView, FleetSummaryView, OrderRowView};
use crate::posts;

#[component]
pub fn CustomerPage() -> impl IntoView {
    view! {
        <DetailPage
            title=Text::Customer
            back=("/customers", Text::BackToCustomers)
            fetch=fetch_customer
            body=|customer| view! { <CustomerBody customer/> }
        />
    }
}

#[component]
fn CustomerBody(customer: CustomerDetailView) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let address = if customer.address.is_empty() {
        "—".to_owned()
    } else {
        customer.address.join(", ")
    };
    // `(heading, test id, words when empty, columns, rows)` of the panels of what the customer has.
    let panels = [
        (
            Text::Contacts,
            "contacts",
            Text::NoContact,
            vec![
                Text::Name,
                Text::Role,
                Text::EMail,
                Text::Mobile,
                Text::Phone,
            ],
            rows(customer.contacts.clone(), contact_row),
        ),
        (
            Text::Fleets,
            "fleets",
            Text::NoFleetYetNoLicenceWas,
            vec![
                Text::FleetProductrefid,
                Text::Policy,
                Text::LicencesByState,
                Text::Created,
            ],
            rows(customer.fleets.clone(), fleet_row),
        ),
        (
            Text::LatestOrders,
            "orders",
            Text::NoOrder,
            vec![
                Text::Received,
                Text::Order,
                Text::OrangeReference,
                Text::State,
            ],
            rows(customer.orders.clone(), order_row),
        ),
    ];
    view! {
        <h1 data-testid="customer-name">{customer.name.clone()}</h1>
        <section class="panel">
            <dl class="facts">
                <dt>{t(Text::CustomerId)}</dt>
                <dd class="mono">{customer.id.to_string()}</dd>
                <dt>{t(Text::OrangeReference)}</dt>
                <dd class="mono">{customer.external_reference.clone()}</dd>
                <dt>{t(Text::LegalId)}</dt>
                <dd class="mono">{or_dash(customer.legal_id.clone())}</dd>
                <dt>{t(Text::Address)}</dt>
                <dd>{address}</dd>
                <dt>{t(Text::LoginPrefix)}</dt>
                <dd class="mono">{or_dash(customer.login_stem.clone())}</dd>
                <dt>{t(Text::Created)}</dt>
                <dd><When at=customer.created_at.clone()/></dd>
                <dt>{t(Text::Updated)}</dt>
                <dd><When at=customer.updated_at.clone()/></dd>
            </dl>
        </section>
        {panels
            .into_iter()
            .map(|(heading, testid, empty, columns, rows)| view! { <TablePanel heading testid empty columns rows/> })
            .collect_view()}
        <section class="panel" data-testid="notes">
            <h2>{t(Text::Notes)}</h2>
            {if customer.notes.is_empty() {
                view! { <p class="muted">{t(Text::NoNote)}</p> }.into_any()
            } else {
                view! {
                    <ul class="stack">
                        {customer.notes.clone().into_iter().map(|note| view! {
                            <li><p>{note.body}</p><p class="hint">{note.author} " · " <When at=note.created_at/></p></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <form method="post" action=posts::ADD_NOTE.to([&customer.id]) class="stack">
                <div class="field">
                    <label for="note-body">{t(Text::AddANote)}</label>
                    <textarea id="note-body" name="body" rows="3" maxlength="4000" required></textarea>
                </div>
                <button type="submit" class="button secondary">{t(Text::AddNote)}</button>
            </form>
        </section>
        {view! { <Timeline items=customer.timeline.clone()/> }.into_any()}
    }
}

fn contact_row(c: ContactView) -> impl IntoView {
    view! {
        <tr>
            <td>{if c.name.is_empty() { "—".to_owned() } else { c.name.clone() }}</td>
            <td>{or_dash(c.role.clone())}</td>
            <td>{or_dash(c.email.clone())}</td>
            <td class="nowrap">{or_dash(c.mobile.clone())}</td>
            <td class="nowrap">{or_dash(c.fixed.clone())}</td>
        </tr>
    }
}

fn fleet_row(f: FleetSummaryView) -> impl IntoView {
    let counts = if f.by_state.is_empty() {
        "—".to_owned()
    } else {
        f.by_state
            .iter()
            .map(|(state, n)| format!("{state} {n}"))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    view! {
        <tr data-testid=format!("fleet-{}", f.id)>
            <td><a class="mono" href=format!("/fleets/{}", f.id)>{f.id.to_string()}</a></td>
            <td><code>{f.policy.clone()}</code>{f.offering_name.clone().map(|name| view! { <span class="cell-sub">{name}</span> })}</td>
            <td>{counts}</td>
            <td class="nowrap"><When at=f.created_at.clone()/></td>
        </tr>
    }
}

fn order_row(o: OrderRowView) -> impl IntoView {
    view! {
        <tr>
            <td class="nowrap"><When at=o.created_at.clone()/></td>
            <td><a class="mono" href=format!("/orders/{}", o.id)>{o.id.to_string()}</a></td>
            <td class="mono">{o.external_reference.clone()}</td>
            <td><StateBadge state=o.state/></td>
        </tr>
    }
}
