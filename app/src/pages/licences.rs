//! `/licences`: every licence, newest first, for everyone signed in. A GET form filters by state,
//! offering, customer, fleet, end user, placeholder resources and a login or e-mail address; an
//! "Older" link pages by keyset.

use fleetdesk_vocab::{Counted, Text, say};
use leptos::prelude::*;

/// Lists count exactly up to this many licences (`fleetdesk_core::licences::COUNT_CAP`).
const COUNT_CAP: i64 = 10_000;
use fleetdesk_vocab::LicenceState;

use super::parts::{
    FilterForm, KeysetPager, ListQuery, Page, SearchField, SelectField, Table, load_list, param,
};
use crate::api::fetch_licences;
use crate::i18n::{When, use_lang};
use crate::model::{LicenceFilterForm, LicenceRowView, LicencesPage};

fn filter_of(map: &leptos_router::params::ParamsMap) -> LicenceFilterForm {
    LicenceFilterForm {
        state: param(map, "state"),
        offering: param(map, "offering"),
        customer: param(map, "customer"),
        fleet: param(map, "fleet"),
        end_user: param(map, "end_user"),
        resource: param(map, "resource"),
        q: param(map, "q"),
    }
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
    let (query, data) = load_list(filter_of, |query| {
        fetch_licences(query.filter, query.before_at, query.before_id)
    });
    let body = move |page: LicencesPage| view! { <LicencesBody page query=query.get_untracked()/> };
    view! {
        <Page title=Text::Licences lead=Text::EveryLicenceOrangeOrderedNewestFirst data body>
            <div class="page-head">
                <h1>{lang.t(Text::Licences)}</h1>
                <a href="/licences/bulk" class="button secondary">{lang.t(Text::BulkChangesFromACsvFile)}</a>
            </div>
        </Page>
    }
}

#[component]
fn LicencesBody(page: LicencesPage, query: ListQuery<LicenceFilterForm>) -> impl IntoView {
    let filter = query.filter.clone();
    view! {
        {view! { <LicenceFilterForm filter offerings=page.offerings/> }.into_any()}
        {page.filter_error.map(|problem| view! { <p class="flash error" role="alert">{problem}</p> })}
        {view! { <LicenceTable rows=page.rows older=page.older total=page.total query/> }.into_any()}
    }
}

#[component]
fn LicenceFilterForm(filter: LicenceFilterForm, offerings: Vec<(String, String)>) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let filtered = !filter.is_empty();
    let choices = |options: [(&str, Text); 3]| {
        options
            .map(|(value, text)| (value.to_owned(), t(text).to_owned()))
            .to_vec()
    };
    let states = std::iter::once((String::new(), t(Text::AnyState).to_owned()))
        .chain(
            LicenceState::ALL
                .map(|state| (state.as_str().to_owned(), state.label(lang).to_owned())),
        )
        .collect();
    let offerings = std::iter::once((String::new(), t(Text::AnyOffering).to_owned()))
        .chain(
            offerings
                .into_iter()
                .map(|(code, name)| (code.clone(), format!("{name} ({code})"))),
        )
        .collect();
    let end_users = choices([
        ("", Text::WithOrWithout),
        ("with", Text::WithAnEndUser),
        ("without", Text::WithoutAnEndUser),
    ]);
    let resources = choices([
        ("", Text::PlaceholderOrReal),
        ("placeholder", Text::APlaceholderLeft),
        ("real", Text::AllReal),
    ]);
    view! {
        <FilterForm action="/licences" class="panel filter-form licence-filter" filtered>
            <SearchField id="filter-q" name="q" label=Text::LoginOrEMail placeholder=t(Text::StartOrWholeOrLic) value=filter.q/>
            <SelectField id="filter-state" name="state" label=Text::State selected=filter.state options=states/>
            <SelectField id="filter-offering" name="offering" label=Text::Offering selected=filter.offering options=offerings/>
            <SearchField id="filter-customer" name="customer" label=Text::CustomerId placeholder="cus_…" value=filter.customer/>
            <SearchField id="filter-fleet" name="fleet" label=Text::FleetId placeholder="flt_…" value=filter.fleet/>
            <SelectField id="filter-end-user" name="end_user" label=Text::EndUser selected=filter.end_user options=end_users/>
            <SelectField id="filter-resource" name="resource" label=Text::Resources selected=filter.resource options=resources/>
        </FilterForm>
    }
}

#[component]
fn LicenceTable(
    rows: Vec<LicenceRowView>,
    older: Option<(String, String)>,
    total: i64,
    query: ListQuery<LicenceFilterForm>,
) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let filter = query.filter.pairs();
    let count = if total > COUNT_CAP {
        say::licences_more_than(lang, COUNT_CAP)
    } else {
        say::licences_count(lang, total)
    };
    view! {
        <section class="panel">
            <p class="muted" data-testid="licence-count">{count}</p>
            {if rows.is_empty() {
                let text = if query.paged() {
                    t(Text::NoOlderLicences)
                } else if filter.is_empty() {
                    t(Text::NoLicenceYetOrangeHasOrdered)
                } else {
                    t(Text::NoLicenceMatchesTheseFilters)
                };
                view! { <p class="muted">{text}</p> }.into_any()
            } else {
                view! {
                    <Table class="table licences" columns=vec![Text::Login, Text::State, Text::CustomerAndFleet, Text::Offering, Text::EndUser, Text::LicenceCreated]>
                        {rows.into_iter().map(|row| view! { <LicenceLine row/> }).collect_view()}
                    </Table>
                }
                .into_any()
            }}
            <KeysetPager base="/licences" filter paged=query.paged() older newest_text=Text::NewestF older_text=Text::OlderLicences/>
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
