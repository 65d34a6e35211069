//! `/orders`: Orange's product orders, newest first, for everyone signed in: tabs by state, an
//! "Older" link paging by keyset, and the way to the tasks (`/tasks`).

use std::future::Future;

use fleetdesk_vocab::WorkState;
use fleetdesk_vocab::{Counted, Text};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::order::StateBadge;
use super::parts::{KeysetPager, ListQuery, Page, PageData, TablePanel, param, rows};
use super::query_string;
use crate::api::{ConsoleError, fetch_orders};
use crate::i18n::{When, use_lang};
use crate::model::OrdersPage;

/// The state tab and cursor of a list's address.
pub type StateQuery = ListQuery<String>;

fn state_of(map: &leptos_router::params::ParamsMap) -> String {
    param(map, "state")
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

/// The Orders or Tasks list (`orders` says which): its heading, the Orders / Tasks switch, then
/// what `body` shows of the page `fetch` loads for the address's state tab and cursor.
#[component]
pub fn WorkListPage<T, Fut, V>(
    orders: bool,
    fetch: fn(String, Option<String>, Option<String>) -> Fut,
    body: fn(T, StateQuery) -> V,
) -> impl IntoView
where
    T: PageData,
    Fut: Future<Output = Result<T, ConsoleError>> + Send + 'static,
    V: IntoView + 'static,
{
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let query_map = use_query_map();
    let query = Memo::new(move |_| ListQuery::of(&query_map.get(), state_of));
    let data = Resource::new(
        move || query.get(),
        move |q| fetch(q.filter, q.before_at, q.before_id),
    );
    let title = if orders { Text::Orders } else { Text::Tasks };
    let switch = if orders {
        view! { <strong>{t(Text::Orders)}</strong> " · " <a href="/tasks">{t(Text::Tasks)}</a> }
            .into_any()
    } else {
        view! { <a href="/orders">{t(Text::Orders)}</a> " · " <strong>{t(Text::Tasks)}</strong> }
            .into_any()
    };
    view! {
        <Page title data body=move |page| body(page, query.get_untracked())>
            <h1>{t(title)}</h1>
            <p class="lead">{switch}</p>
        </Page>
    }
}

/// The body of the Orders or Tasks list at `base`: the state tabs, then the `rows` under their
/// `columns` (or the `empty` words) and the pager.
#[component]
pub fn WorkList(
    base: &'static str,
    query: StateQuery,
    filter_error: Option<String>,
    empty: Text,
    class: &'static str,
    columns: Vec<Text>,
    rows: Vec<AnyView>,
    older: Option<(String, String)>,
) -> impl IntoView {
    let paged = query.paged();
    let state = query.filter;
    let filter = if state.is_empty() {
        Vec::new()
    } else {
        vec![("state", state.clone())]
    };
    view! {
        <StateTabs base active=state/>
        {filter_error.map(|problem| view! { <p class="flash error" role="alert">{problem}</p> })}
        <TablePanel empty class columns rows>
            <KeysetPager base filter paged older newest_text=Text::NewestFShort older_text=Text::OlderF/>
        </TablePanel>
    }
}

#[component]
pub fn OrdersPage() -> impl IntoView {
    view! { <WorkListPage orders=true fetch=fetch_orders body=|page, query| view! { <OrdersBody page query/> }/> }
}

#[component]
fn OrdersBody(page: OrdersPage, query: StateQuery) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let lines = rows(page.rows, |row| {
        view! {
            <tr data-testid=format!("order-{}", row.id)>
                <td class="nowrap"><When at=row.created_at.clone()/></td>
                <td>
                    <a class="mono" href=format!("/orders/{}", row.id)>{row.id.to_string()}</a>
                    <span class="cell-sub">{t(Text::Ref)} " " <span class="mono">{row.external_reference.clone()}</span></span>
                </td>
                <td><a href=format!("/customers/{}", row.customer_id)>{row.customer_name.clone()}</a></td>
                <td><StateBadge state=row.state/></td>
            </tr>
        }
    });
    view! {
        <WorkList
            base="/orders"
            query
            filter_error=page.filter_error
            empty=Text::NoOrderHere
            class="table orders"
            columns=vec![Text::Received, Text::Order, Text::Customer, Text::State]
            rows=lines
            older=page.older
        />
    }
}
