//! `/customers`: every customer, for everyone signed in: a GET search form (name start, customer
//! id, Orange reference or legal id) with the sort (name or newest), "Previous"/"Next" links paging
//! by keyset both ways, and "Export CSV" of the whole filtered set.

use fleetdesk_vocab::Text;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::parts::{FilterForm, Page, SearchField, SelectField, TablePanel, param, rows};
use super::query_string;
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
    let query_map = use_query_map();
    let query = Memo::new(move |_| {
        let map = query_map.get();
        Query {
            filter: CustomerQuery {
                q: param(&map, "q"),
                sort: param(&map, "sort"),
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
    let body =
        move |page: CustomersPage| view! { <CustomersBody page query=query.get_untracked()/> };
    view! { <Page title=Text::Customers lead=Text::EveryCustomerOrangeHasCreatedThrough data body/> }
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
    let searched = !filter.q.is_empty();
    let sorts = vec![
        ("name".to_owned(), t(Text::Name).to_owned()),
        ("newest".to_owned(), t(Text::NewestFirst).to_owned()),
    ];
    let export = Some(
        view! { <a class="button secondary" href=export data-testid="export-csv" download>{t(Text::ExportCsv)}</a> }
            .into_any(),
    );
    let empty = if searched {
        Text::NoCustomerMatchesThisSearch
    } else {
        Text::NoCustomerYet
    };
    let lines = rows(page.rows, |row| {
        view! {
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
        }
    });
    view! {
        <FilterForm action="/customers" submit=Text::Search filtered=searched more=export hint=Text::TheNameMatchesFromItsStart>
            <SearchField id="customer-q" name="q" label=Text::Search placeholder=t(Text::NameCusOrangeReferenceOrSiren) value=filter.q.clone()/>
            <SelectField id="customer-sort" name="sort" label=Text::Sort selected=(if newest { "newest" } else { "name" }).to_owned() options=sorts/>
        </FilterForm>
        {page.filter_error.map(|problem| view! { <p class="flash error" role="alert">{problem}</p> })}
        <TablePanel
            empty
            class="table customers"
            columns=vec![Text::Customer, Text::OrangeReference, Text::LegalId, Text::Fleets, Text::Licences, Text::Created]
            rows=lines
        >
            <nav class="pager" aria-label=t(Text::Pages)>
                {previous.map(|href| view! { <a class="button secondary small" rel="prev" href=href>{if newest { t(Text::Newer) } else { t(Text::Previous) }}</a> })}
                {next.map(|href| view! { <a class="button secondary small" rel="next" href=href>{if newest { t(Text::OlderM) } else { t(Text::Next) }}</a> })}
            </nav>
        </TablePanel>
    }
}
