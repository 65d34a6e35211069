//! `/customers/{id}`: one customer: its facts, contacts, fleets with their licences by state, its
//! newest orders, operators' notes and its audit timeline.

use fleetdesk_vocab::Text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::ErrorPanel;
use super::order::{StateBadge, Timeline, or_dash};
use crate::api::fetch_customer;
use crate::i18n::{When, use_lang};
use crate::model::{ContactView, CustomerDetailView, FleetSummaryView, OrderRowView};
use crate::posts;

#[component]
pub fn CustomerPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let data = Resource::new(
        move || params.get().get("id").unwrap_or_default(),
        fetch_customer,
    );
    view! {
        <Title text=lang.t(Text::Customer)/>
        <p class="breadcrumb"><a href="/customers">{lang.t(Text::BackToCustomers)}</a></p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t(Text::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(customer) => view! { <CustomerBody customer/> }.into_any(),
                    Err(error) => view! {
                        <h1>{lang.t(Text::Customer)}</h1>
                        <ErrorPanel error/>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
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
    view! {
        <h1 data-testid="customer-name">{customer.name.clone()}</h1>
        <section class="panel">
            <dl class="facts">
                <dt>{t(Text::CustomerId)}</dt>
                <dd class="mono">{customer.id.clone()}</dd>
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
        {view! { <Contacts contacts=customer.contacts.clone()/> }.into_any()}
        {view! { <Fleets fleets=customer.fleets.clone()/> }.into_any()}
        {view! { <Orders orders=customer.orders.clone()/> }.into_any()}
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

#[component]
fn Contacts(contacts: Vec<ContactView>) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    view! {
        <section class="panel" data-testid="contacts">
            <h2>{t(Text::Contacts)}</h2>
            {if contacts.is_empty() {
                view! { <p class="muted">{t(Text::NoContact)}</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr>
                            <th scope="col">{t(Text::Name)}</th>
                            <th scope="col">{t(Text::Role)}</th>
                            <th scope="col">{t(Text::EMail)}</th>
                            <th scope="col">{t(Text::Mobile)}</th>
                            <th scope="col">{t(Text::Phone)}</th>
                        </tr></thead>
                        <tbody>
                            {contacts.into_iter().map(|c| view! {
                                <tr>
                                    <td>{if c.name.is_empty() { "—".to_owned() } else { c.name.clone() }}</td>
                                    <td>{or_dash(c.role.clone())}</td>
                                    <td>{or_dash(c.email.clone())}</td>
                                    <td class="nowrap">{or_dash(c.mobile.clone())}</td>
                                    <td class="nowrap">{or_dash(c.fixed.clone())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Fleets(fleets: Vec<FleetSummaryView>) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    view! {
        <section class="panel" data-testid="fleets">
            <h2>{t(Text::Fleets)}</h2>
            {if fleets.is_empty() {
                view! { <p class="muted">{t(Text::NoFleetYetNoLicenceWas)}</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr>
                            <th scope="col">{t(Text::FleetProductrefid)}</th>
                            <th scope="col">{t(Text::Policy)}</th>
                            <th scope="col">{t(Text::LicencesByState)}</th>
                            <th scope="col">{t(Text::Created)}</th>
                        </tr></thead>
                        <tbody>
                            {fleets.into_iter().map(|f| {
                                let counts = if f.by_state.is_empty() {
                                    "—".to_owned()
                                } else {
                                    f.by_state.iter().map(|(state, n)| format!("{state} {n}")).collect::<Vec<_>>().join(" · ")
                                };
                                view! {
                                    <tr data-testid=format!("fleet-{}", f.id)>
                                        <td><a class="mono" href=format!("/fleets/{}", f.id)>{f.id.clone()}</a></td>
                                        <td><code>{f.policy.clone()}</code>{f.offering_name.clone().map(|name| view! { <span class="cell-sub">{name}</span> })}</td>
                                        <td>{counts}</td>
                                        <td class="nowrap"><When at=f.created_at.clone()/></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Orders(orders: Vec<OrderRowView>) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    view! {
        <section class="panel" data-testid="orders">
            <h2>{t(Text::LatestOrders)}</h2>
            {if orders.is_empty() {
                view! { <p class="muted">{t(Text::NoOrder)}</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr>
                            <th scope="col">{t(Text::Received)}</th>
                            <th scope="col">{t(Text::Order)}</th>
                            <th scope="col">{t(Text::OrangeReference)}</th>
                            <th scope="col">{t(Text::State)}</th>
                        </tr></thead>
                        <tbody>
                            {orders.into_iter().map(|o| view! {
                                <tr>
                                    <td class="nowrap"><When at=o.created_at.clone()/></td>
                                    <td><a class="mono" href=format!("/orders/{}", o.id)>{o.id.clone()}</a></td>
                                    <td class="mono">{o.external_reference.clone()}</td>
                                    <td><StateBadge state=o.state/></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
