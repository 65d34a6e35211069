//! `/customers`: every customer, for everyone signed in: a GET search form (name start, customer
//! id, Orange reference or legal id) with the sort (name or newest), "Previous"/"Next" links paging
//! by keyset both ways, and "Export CSV" of the whole filtered set.

use fleetdesk_vocab::Text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{ErrorPanel, query_string};
use crate::api::fetch_customers;
use crate::i18n::{When, use_lang};
use crate::model::{CustomerQuery, CustomersPage};

/// What the address asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Query {
    filter: CustomerQuery,
    after: Option<(String, String)>,
    before: Option<(String, String)>,
}

fn pair(map: &leptos_router::params::ParamsMap, key: &str, id: &str) -> Option<(String, String)> {
    map.get(key).zip(map.get(id).filter(|v| !v.is_empty()))
}

#[component]
pub fn CustomersPage() -> impl IntoView {
    let lang = use_lang();
    let query_map = use_query_map();
    let query = Memo::new(move |_| {
        let map = query_map.get();
        Query {
            filter: CustomerQuery {
                q: map.get("q").unwrap_or_default().trim().to_owned(),
                sort: map.get("sort").unwrap_or_default().trim().to_owned(),
            },
            after: pair(&map, "after_key", "after_id"),
            before: pair(&map, "before_key", "before_id"),
        }
    });
    let data = Resource::new(
        move || query.get(),
        |query| {
            let (after_key, after_id) = query.after.unzip();
            let (before_key, before_id) = query.before.unzip();
            fetch_customers(
                query.filter.q,
                query.filter.sort,
                after_key,
                after_id,
                before_key,
                before_id,
            )
        },
    );
    view! {
        <Title text=lang.t(Text::Customers)/>
        <h1>{lang.t(Text::Customers)}</h1>
        <p class="lead muted">
            {lang.t(Text::EveryCustomerOrangeHasCreatedThrough)}
        </p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t(Text::Loading)}</p> }>
            {move || Suspend::new(async move {
                let query = query.get_untracked();
                match data.await {
                    Ok(page) => view! { <CustomersBody page query/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CustomersBody(page: CustomersPage, query: Query) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let filter = query.filter.clone();
    let export = format!("/console/customers.csv{}", query_string(&filter.pairs()));
    let link = |cursor: Option<(String, String)>, key: &'static str, id: &'static str| {
        cursor.map(|(k, i)| {
            let mut pairs = filter.pairs();
            pairs.push((key, k));
            pairs.push((id, i));
            format!("/customers{}", query_string(&pairs))
        })
    };
    let previous = link(page.previous.clone(), "before_key", "before_id");
    let next = link(page.next.clone(), "after_key", "after_id");
    let newest = filter.sort == "newest";
    let empty = page.rows.is_empty();
    let searched = !filter.q.is_empty();
    view! {
        <form method="get" action="/customers" class="panel filter-form" role="search">
            <div class="field">
                <label for="customer-q">{t(Text::Search)}</label>
                <input id="customer-q" name="q" type="search" autocomplete="off" spellcheck="false"
                    placeholder=t(Text::NameCusOrangeReferenceOrSiren)
                    value=filter.q.clone()/>
            </div>
            <div class="field">
                <label for="customer-sort">{t(Text::Sort)}</label>
                <select id="customer-sort" name="sort">
                    <option value="name" selected=!newest>{t(Text::Name)}</option>
                    <option value="newest" selected=newest>{t(Text::NewestFirst)}</option>
                </select>
            </div>
            <div class="filter-actions">
                <button type="submit" class="button primary">{t(Text::Search)}</button>
                {searched.then(|| view! { <a class="button secondary" href="/customers">{t(Text::Clear)}</a> })}
                <a class="button secondary" href=export data-testid="export-csv" download>{t(Text::ExportCsv)}</a>
            </div>
            <p class="hint filter-hint">{t(Text::TheNameMatchesFromItsStart)}</p>
        </form>
        {page.filter_error.map(|problem| view! { <p class="flash error" role="alert">{problem}</p> })}
        <section class="panel">
            {if empty {
                let text = if searched {
                    t(Text::NoCustomerMatchesThisSearch)
                } else {
                    t(Text::NoCustomerYet)
                };
                view! { <p class="muted">{text}</p> }.into_any()
            } else {
                view! {
                    <table class="table customers">
                        <thead><tr>
                            <th scope="col">{t(Text::Customer)}</th>
                            <th scope="col">{t(Text::OrangeReference)}</th>
                            <th scope="col">{t(Text::LegalId)}</th>
                            <th scope="col">{t(Text::Fleets)}</th>
                            <th scope="col">{t(Text::Licences)}</th>
                            <th scope="col">{t(Text::Created)}</th>
                        </tr></thead>
                        <tbody>
                            {page.rows.into_iter().map(|row| view! {
                                <tr data-testid=format!("customer-{}", row.id)>
                                    <td>
                                        <a href=format!("/customers/{}", row.id)>{row.name.clone()}</a>
                                        <span class="cell-sub mono">{row.id.to_string()}</span>
                                        {row.city.clone().map(|city| view! { <span class="cell-sub">{city}</span> })}
                                    </td>
                                    <td class="mono">{row.external_reference.clone()}</td>
                                    <td class="mono">{row.legal_id.clone().unwrap_or_else(|| "—".to_owned())}</td>
                                    <td>{row.fleets}</td>
                                    <td>{row.licences}</td>
                                    <td class="nowrap"><When at=row.created_at.clone()/></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <nav class="pager" aria-label=t(Text::Pages)>
                {previous.map(|href| view! { <a class="button secondary small" rel="prev" href=href>{if newest { t(Text::Newer) } else { t(Text::Previous) }}</a> })}
                {next.map(|href| view! { <a class="button secondary small" rel="next" href=href>{if newest { t(Text::OlderM) } else { t(Text::Next) }}</a> })}
            </nav>
        </section>
    }
}
