//! `/exchanges`: the raw Orange exchanges, newest first, for everyone signed in (support
//! included). A GET form filters by object id and failures; an "Older" link pages by keyset.

use fleetdesk_vocab::Text;
use leptos::prelude::*;

use super::parts::{FilterForm, KeysetTable, Page, SearchField, load_list, param, rows};
use crate::api::fetch_exchanges;
use crate::i18n::{When, use_lang};
use crate::model::{ExchangeRow, ExchangesPage};

/// What the list is filtered on: an object's id, failures only.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Filter {
    object_id: String,
    errors_only: bool,
}

impl Filter {
    fn of(map: &leptos_router::params::ParamsMap) -> Filter {
        Filter {
            object_id: param(map, "object_id"),
            errors_only: map.get("errors").is_some_and(|v| v == "1" || v == "on"),
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if !self.object_id.is_empty() {
            pairs.push(("object_id", self.object_id.clone()));
        }
        if self.errors_only {
            pairs.push(("errors", "1".to_owned()));
        }
        pairs
    }
}

#[component]
pub fn ExchangesPage() -> impl IntoView {
    let (query, data) = load_list(Filter::of, |query| {
        fetch_exchanges(
            Some(query.filter.object_id).filter(|id| !id.is_empty()),
            query.filter.errors_only,
            query.before_at,
            query.before_id,
        )
    });
    let body = move |page: ExchangesPage| {
        let query = query.get_untracked();
        view! {
            <ExchangeFilterForm filter=query.filter.clone()/>
            <KeysetTable
                base="/exchanges"
                filter=query.filter.pairs()
                paged=query.paged()
                older=page.older
                empty=[Text::NoOlderExchanges, Text::NoExchangeRecordedYetOrangeHas, Text::NoExchangeMatchesTheseFilters]
                class="table"
                columns=vec![Text::Date, Text::RequestTechnical, Text::Status, Text::ClientId, Text::Duration, Text::Object]
                rows=rows(page.rows, |row| view! { <ExchangeLine row/> })
                pager=[Text::NewestM, Text::OlderExchanges]
            />
        }
    };
    view! { <Page title=Text::OrangeExchanges lead=Text::EveryCallOrangeMadeOnThe data body/> }
}

#[component]
fn ExchangeFilterForm(filter: Filter) -> impl IntoView {
    let lang = use_lang();
    let filtered = !filter.pairs().is_empty();
    view! {
        <FilterForm action="/exchanges" filtered>
            <SearchField id="filter-object" name="object_id" label=Text::ObjectId placeholder="ord_…, lic_…, tsk_…" value=filter.object_id/>
            <div class="choice inline">
                <input id="filter-errors" name="errors" type="checkbox" value="1" checked=filter.errors_only/>
                <label for="filter-errors">{lang.t(Text::ErrorsOnly)}</label>
            </div>
        </FilterForm>
    }
}

#[component]
fn ExchangeLine(row: ExchangeRow) -> impl IntoView {
    let href = format!("/exchanges/{}", row.id);
    view! {
        <tr>
            <td class="nowrap"><a href=href><When at=row.at.clone()/></a></td>
            <td><span class="method">{row.method}</span> " " <span class="mono">{row.path}</span></td>
            <td><StatusBadge status=row.status/></td>
            <td class="mono">{row.client_id.unwrap_or_else(|| "—".to_owned())}</td>
            <td class="nowrap">{row.duration_ms.map_or_else(|| "—".to_owned(), |ms| format!("{ms} ms"))}</td>
            <td class="mono">{row.object_id.unwrap_or_default()}</td>
        </tr>
    }
}

/// An HTTP status, coloured by class.
#[component]
pub fn StatusBadge(status: i64) -> impl IntoView {
    let class = if status >= 500 {
        "badge status-error"
    } else if status >= 400 {
        "badge status-refused"
    } else {
        "badge status-ok"
    };
    view! { <span class=class>{status}</span> }
}
