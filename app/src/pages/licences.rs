//! `/licences`: every licence, newest first, for everyone signed in. A GET form filters by state,
//! offering, customer, fleet, end user, placeholder resources and a login or e-mail address; an
//! "Older" link pages by keyset.

use fleetdesk_vocab::{Counted, Text, say};
use leptos::prelude::*;

/// Lists count exactly up to this many licences (`fleetdesk_core::licences::COUNT_CAP`).
const COUNT_CAP: i64 = 10_000;
use fleetdesk_vocab::LicenceState;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{ErrorPanel, query_string};
use crate::api::fetch_licences;
use crate::i18n::{When, use_lang};
use crate::model::{LicenceFilterForm, LicenceRowView, LicencesPage};

/// What the address asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Query {
    filter: LicenceFilterForm,
    before_at: Option<String>,
    before_id: Option<String>,
}

fn filter_of(map: &leptos_router::params::ParamsMap) -> LicenceFilterForm {
    let get = |name: &str| map.get(name).unwrap_or_default().trim().to_owned();
    LicenceFilterForm {
        state: get("state"),
        offering: get("offering"),
        customer: get("customer"),
        fleet: get("fleet"),
        end_user: get("end_user"),
        resource: get("resource"),
        q: get("q"),
    }
}

/// The list's address for a filter.
pub fn list_href(filter: &LicenceFilterForm) -> String {
    format!("/licences{}", query_string(&filter.pairs()))
}

/// A licence's state, coloured.
#[component]
pub fn LicenceStateBadge(state: LicenceState) -> impl IntoView {
    let lang = use_lang();
    view! {
        <span class=format!("badge licence-state state-{state}") data-testid="licence-state">
            {state.label(lang)}
        </span>
    }
}

/// The "placeholder" mark of a realizing resource that is still a fake.
#[component]
pub fn PlaceholderBadge() -> impl IntoView {
    let lang = use_lang();
    view! {
        <span class="badge placeholder" title=lang.t(Text::AWellFormedFakeValueUntil)>
            {lang.t(Text::Placeholder)}
        </span>
    }
}

#[component]
pub fn LicencesPage() -> impl IntoView {
    let lang = use_lang();
    let query_map = use_query_map();
    let query = Memo::new(move |_| {
        let map = query_map.get();
        Query {
            filter: filter_of(&map),
            before_at: map.get("before_at").filter(|v| !v.is_empty()),
            before_id: map.get("before_id").filter(|v| !v.is_empty()),
        }
    });
    let data = Resource::new(
        move || query.get(),
        |query| fetch_licences(query.filter, query.before_at, query.before_id),
    );
    view! {
        <Title text=lang.t(Text::Licences)/>
        <div class="page-head">
            <h1>{lang.t(Text::Licences)}</h1>
            <a href="/licences/bulk" class="button secondary">{lang.t(Text::BulkChangesFromACsvFile)}</a>
        </div>
        <p class="lead muted">
            {lang.t(Text::EveryLicenceOrangeOrderedNewestFirst)}
        </p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t(Text::Loading)}</p> }>
            {move || Suspend::new(async move {
                let query = query.get_untracked();
                match data.await {
                    Ok(page) => view! { <LicencesBody page query/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn LicencesBody(page: LicencesPage, query: Query) -> impl IntoView {
    let filter = query.filter.clone();
    view! {
        {view! { <FilterForm filter offerings=page.offerings/> }.into_any()}
        {page.filter_error.map(|problem| view! { <p class="flash error" role="alert">{problem}</p> })}
        {view! { <LicenceTable rows=page.rows older=page.older total=page.total query/> }.into_any()}
    }
}

#[component]
fn FilterForm(filter: LicenceFilterForm, offerings: Vec<(String, String)>) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let filtered = !filter.is_empty();
    let choice = |value: &'static str, text: &'static str, current: &str| {
        view! { <option value=value selected=current == value>{text}</option> }
    };
    view! {
        <form method="get" action="/licences" class="panel filter-form licence-filter" role="search">
            <div class="field">
                <label for="filter-q">{t(Text::LoginOrEMail)}</label>
                <input id="filter-q" name="q" type="search" autocomplete="off" spellcheck="false" placeholder=t(Text::StartOrWholeOrLic) value=filter.q.clone()/>
            </div>
            <div class="field">
                <label for="filter-state">{t(Text::State)}</label>
                <select id="filter-state" name="state">
                    <option value="" selected=filter.state.is_empty()>{t(Text::AnyState)}</option>
                    {LicenceState::ALL
                        .into_iter()
                        .map(|state| view! {
                            <option value=state.as_str() selected=filter.state == state.as_str()>{state.label(lang)}</option>
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-offering">{t(Text::Offering)}</label>
                <select id="filter-offering" name="offering">
                    <option value="" selected=filter.offering.is_empty()>{t(Text::AnyOffering)}</option>
                    {offerings
                        .into_iter()
                        .map(|(code, name)| {
                            let selected = filter.offering == code;
                            view! { <option value=code.clone() selected=selected>{format!("{name} ({code})")}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-customer">{t(Text::CustomerId)}</label>
                <input id="filter-customer" name="customer" type="search" autocomplete="off" spellcheck="false" placeholder="cus_…" value=filter.customer.clone()/>
            </div>
            <div class="field">
                <label for="filter-fleet">{t(Text::FleetId)}</label>
                <input id="filter-fleet" name="fleet" type="search" autocomplete="off" spellcheck="false" placeholder="flt_…" value=filter.fleet.clone()/>
            </div>
            <div class="field">
                <label for="filter-end-user">{t(Text::EndUser)}</label>
                <select id="filter-end-user" name="end_user">
                    {choice("", t(Text::WithOrWithout), &filter.end_user)}
                    {choice("with", t(Text::WithAnEndUser), &filter.end_user)}
                    {choice("without", t(Text::WithoutAnEndUser), &filter.end_user)}
                </select>
            </div>
            <div class="field">
                <label for="filter-resource">{t(Text::Resources)}</label>
                <select id="filter-resource" name="resource">
                    {choice("", t(Text::PlaceholderOrReal), &filter.resource)}
                    {choice("placeholder", t(Text::APlaceholderLeft), &filter.resource)}
                    {choice("real", t(Text::AllReal), &filter.resource)}
                </select>
            </div>
            <div class="filter-actions">
                <button type="submit" class="button primary">{t(Text::Filter)}</button>
                {filtered.then(|| view! { <a class="button secondary" href="/licences">{t(Text::Clear)}</a> })}
            </div>
        </form>
    }
}

#[component]
fn LicenceTable(
    rows: Vec<LicenceRowView>,
    older: Option<(String, String)>,
    total: i64,
    query: Query,
) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let paged = query.before_at.is_some();
    let filters = query.filter.pairs();
    let older = older.map(|(at, id)| {
        let mut pairs = filters.clone();
        pairs.push(("before_at", at));
        pairs.push(("before_id", id));
        format!("/licences{}", query_string(&pairs))
    });
    let newest = list_href(&query.filter);
    let empty = rows.is_empty();
    let count = if total > COUNT_CAP {
        say::licences_more_than(lang, COUNT_CAP)
    } else {
        say::licences_count(lang, total)
    };
    view! {
        <section class="panel">
            <p class="muted" data-testid="licence-count">{count}</p>
            {if empty {
                let text = if paged {
                    t(Text::NoOlderLicences)
                } else if filters.is_empty() {
                    t(Text::NoLicenceYetOrangeHasOrdered)
                } else {
                    t(Text::NoLicenceMatchesTheseFilters)
                };
                view! { <p class="muted">{text}</p> }.into_any()
            } else {
                view! {
                    <table class="table licences">
                        <thead>
                            <tr>
                                <th scope="col">{t(Text::Login)}</th>
                                <th scope="col">{t(Text::State)}</th>
                                <th scope="col">{t(Text::CustomerAndFleet)}</th>
                                <th scope="col">{t(Text::Offering)}</th>
                                <th scope="col">{t(Text::EndUser)}</th>
                                <th scope="col">{t(Text::LicenceCreated)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|row| view! { <LicenceLine row/> }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
            <nav class="pager" aria-label=t(Text::Pages)>
                {paged.then(|| view! { <a class="button secondary small" href=newest>{t(Text::NewestF)}</a> })}
                {older.map(|href| view! { <a class="button secondary small" rel="next" href=href>{t(Text::OlderLicences)}</a> })}
            </nav>
        </section>
    }
}

#[component]
fn LicenceLine(row: LicenceRowView) -> impl IntoView {
    let lang = use_lang();
    let href = format!("/licences/{}", row.id);
    let login = row
        .login
        .clone()
        .unwrap_or_else(|| lang.t(Text::NoLoginYet).to_owned());
    let end_user = match (row.end_user_name.clone(), row.end_user_email.clone()) {
        (None, None) => view! { <span class="muted">"—"</span> }.into_any(),
        (name, email) => view! {
            {name.unwrap_or_default()}
            {email.map(|email| view! { <span class="cell-sub">{email}</span> })}
        }
        .into_any(),
    };
    view! {
        <tr data-testid=format!("licence-{}", row.id)>
            <td>
                <a href=href class="mono">{login}</a>
                <span class="cell-sub mono">{row.id.to_string()}</span>
            </td>
            <td>
                <LicenceStateBadge state=row.state/>
                {row.has_placeholder.then(|| view! { " " <PlaceholderBadge/> })}
            </td>
            <td>
                <a href=format!("/customers/{}", row.customer_id)>{row.customer_name.clone()}</a>
                <span class="cell-sub"><a href=format!("/fleets/{}", row.fleet_id) class="mono">{row.fleet_id.to_string()}</a></span>
            </td>
            <td>
                {row.offering_name.clone()}
                <span class="cell-sub mono">{row.offer_code.clone()}</span>
            </td>
            <td>{end_user}</td>
            <td class="nowrap"><When at=row.created_at.clone()/></td>
        </tr>
    }
}
