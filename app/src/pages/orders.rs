//! `/orders`: Orange's product orders, newest first, for everyone signed in: tabs by state, an
//! "Older" link paging by keyset, and the way to the tasks (`/tasks`).

use fleetdesk_vocab::WorkState;
use fleetdesk_vocab::{Counted, Text};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::order::StateBadge;
use super::{ErrorPanel, query_string};
use crate::api::fetch_orders;
use crate::i18n::{When, use_lang};
use crate::model::OrdersPage;

/// The state and cursor of a list's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub state: String,
    pub before_at: Option<String>,
    pub before_id: Option<String>,
}

impl ListQuery {
    pub fn of(map: &leptos_router::params::ParamsMap) -> ListQuery {
        ListQuery {
            state: map.get("state").unwrap_or_default().trim().to_owned(),
            before_at: map.get("before_at").filter(|v| !v.is_empty()),
            before_id: map.get("before_id").filter(|v| !v.is_empty()),
        }
    }
}

/// `base`, filtered on `state` when set.
pub fn list_href(base: &str, state: &str) -> String {
    if state.is_empty() {
        base.to_owned()
    } else {
        format!("{base}{}", query_string(&[("state", state.to_owned())]))
    }
}

/// Orders and Tasks, then a tab per state.
#[component]
pub fn StateTabs(base: &'static str, active: String) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let all_current = active.is_empty().then_some("page");
    view! {
        <nav class="cards state-cards" aria-label=t(Text::ByState)>
            <a class="card state-card" href=base aria-current=all_current>
                <span class="card-label">{t(Text::All)}</span>
            </a>
            {WorkState::ALL
                .into_iter()
                .map(|state| {
                    let current = (state.as_str() == active).then_some("page");
                    view! {
                        <a class=format!("card state-card state-{state}") href=list_href(base, state.as_str()) aria-current=current data-testid=format!("tab-{state}")>
                            <span class="card-label">{state.label(lang)}</span>
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// The Orders / Tasks switch.
#[component]
pub fn ListSwitch(orders: bool) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    view! {
        <p class="lead">
            {if orders {
                view! { <strong>{t(Text::Orders)}</strong> " · " <a href="/tasks">{t(Text::Tasks)}</a> }.into_any()
            } else {
                view! { <a href="/orders">{t(Text::Orders)}</a> " · " <strong>{t(Text::Tasks)}</strong> }.into_any()
            }}
        </p>
    }
}

/// "Newest" and "Older" links of a list.
pub fn pager(
    base: &str,
    query: ListQuery,
    older: Option<(String, String)>,
    lang: crate::i18n::Lang,
) -> impl IntoView + use<> {
    let newest = (query.before_at.is_some()).then(|| list_href(base, &query.state));
    let older = older.map(|(at, id)| {
        let mut pairs = Vec::new();
        if !query.state.is_empty() {
            pairs.push(("state", query.state.clone()));
        }
        pairs.push(("before_at", at));
        pairs.push(("before_id", id));
        format!("{base}{}", query_string(&pairs))
    });
    view! {
        <nav class="pager" aria-label=lang.t(Text::Pages)>
            {newest.map(|href| view! { <a class="button secondary small" href=href>{lang.t(Text::NewestFShort)}</a> })}
            {older.map(|href| view! { <a class="button secondary small" rel="next" href=href>{lang.t(Text::OlderF)}</a> })}
        </nav>
    }
}

#[component]
pub fn OrdersPage() -> impl IntoView {
    let lang = use_lang();
    let query_map = use_query_map();
    let query = Memo::new(move |_| ListQuery::of(&query_map.get()));
    let data = Resource::new(
        move || query.get(),
        |q| fetch_orders(q.state, q.before_at, q.before_id),
    );
    view! {
        <Title text=lang.t(Text::Orders)/>
        <h1>{lang.t(Text::Orders)}</h1>
        <ListSwitch orders=true/>
        <Suspense fallback=move || view! { <p class="loading">{lang.t(Text::Loading)}</p> }>
            {move || Suspend::new(async move {
                let query = query.get_untracked();
                match data.await {
                    Ok(page) => view! { <OrdersBody page query/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OrdersBody(page: OrdersPage, query: ListQuery) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let empty = page.rows.is_empty();
    view! {
        <StateTabs base="/orders" active=query.state.clone()/>
        {page.filter_error.map(|problem| view! { <p class="flash error" role="alert">{problem}</p> })}
        <section class="panel">
            {if empty {
                view! { <p class="muted">{t(Text::NoOrderHere)}</p> }.into_any()
            } else {
                view! {
                    <table class="table orders">
                        <thead><tr>
                            <th scope="col">{t(Text::Received)}</th>
                            <th scope="col">{t(Text::Order)}</th>
                            <th scope="col">{t(Text::Customer)}</th>
                            <th scope="col">{t(Text::State)}</th>
                        </tr></thead>
                        <tbody>
                            {page.rows.into_iter().map(|row| view! {
                                <tr data-testid=format!("order-{}", row.id)>
                                    <td class="nowrap"><When at=row.created_at.clone()/></td>
                                    <td>
                                        <a class="mono" href=format!("/orders/{}", row.id)>{row.id.to_string()}</a>
                                        <span class="cell-sub">{t(Text::Ref)} " " <span class="mono">{row.external_reference.clone()}</span></span>
                                    </td>
                                    <td><a href=format!("/customers/{}", row.customer_id)>{row.customer_name.clone()}</a></td>
                                    <td><StateBadge state=row.state/></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {pager("/orders", query.clone(), page.older, lang)}
        </section>
    }
}
