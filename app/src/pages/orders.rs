//! `/orders`: Orange's product orders, newest first, for everyone signed in: tabs by state, an
//! "Older" link paging by keyset, and the way to the tasks (`/tasks`).

use fleetdesk_vocab::WorkState;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::order::{StateBadge, state_text};
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
    let t = move |en, fr| lang.t(en, fr);
    let all_current = active.is_empty().then_some("page");
    view! {
        <nav class="cards state-cards" aria-label=t("By state", "Par état")>
            <a class="card state-card" href=base aria-current=all_current>
                <span class="card-label">{t("All", "Toutes")}</span>
            </a>
            {WorkState::ALL
                .into_iter()
                .map(|state| {
                    let current = (state.as_str() == active).then_some("page");
                    view! {
                        <a class=format!("card state-card state-{state}") href=list_href(base, state.as_str()) aria-current=current data-testid=format!("tab-{state}")>
                            <span class="card-label">{state_text(state, lang)}</span>
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
    let t = move |en, fr| lang.t(en, fr);
    view! {
        <p class="lead">
            {if orders {
                view! { <strong>{t("Orders", "Commandes")}</strong> " · " <a href="/tasks">{t("Tasks", "Tâches")}</a> }.into_any()
            } else {
                view! { <a href="/orders">{t("Orders", "Commandes")}</a> " · " <strong>{t("Tasks", "Tâches")}</strong> }.into_any()
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
        <nav class="pager" aria-label=lang.t("Pages", "Pages")>
            {newest.map(|href| view! { <a class="button secondary small" href=href>{lang.t("Newest", "Plus récentes")}</a> })}
            {older.map(|href| view! { <a class="button secondary small" rel="next" href=href>{lang.t("Older", "Plus anciennes")}</a> })}
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
        <Title text=lang.t("Orders", "Commandes")/>
        <h1>{lang.t("Orders", "Commandes")}</h1>
        <ListSwitch orders=true/>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("Loading…", "Chargement…")}</p> }>
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
    let t = move |en, fr| lang.t(en, fr);
    let empty = page.rows.is_empty();
    view! {
        <StateTabs base="/orders" active=query.state.clone()/>
        {page.filter_error.map(|problem| view! { <p class="flash error" role="alert">{problem}</p> })}
        <section class="panel">
            {if empty {
                view! { <p class="muted">{t("No order here.", "Aucune commande ici.")}</p> }.into_any()
            } else {
                view! {
                    <table class="table orders">
                        <thead><tr>
                            <th scope="col">{t("Received", "Reçue")}</th>
                            <th scope="col">{t("Order", "Commande")}</th>
                            <th scope="col">{t("Customer", "Client")}</th>
                            <th scope="col">{t("State", "État")}</th>
                        </tr></thead>
                        <tbody>
                            {page.rows.into_iter().map(|row| view! {
                                <tr data-testid=format!("order-{}", row.id)>
                                    <td class="nowrap"><When at=row.created_at.clone()/></td>
                                    <td>
                                        <a class="mono" href=format!("/orders/{}", row.id)>{row.id.clone()}</a>
                                        <span class="cell-sub">{t("ref", "réf.")} " " <span class="mono">{row.external_reference.clone()}</span></span>
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
