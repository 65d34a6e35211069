//! `/exchanges`: the raw Orange exchanges, newest first, for everyone signed in (support
//! included). A GET form filters by object id and failures; an "Older" link pages by keyset.

use fleetdesk_vocab::Text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{ErrorPanel, query_string};
use crate::api::fetch_exchanges;
use crate::i18n::{When, use_lang};
use crate::model::{ExchangeRow, ExchangesPage};

/// What the address asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Query {
    object_id: String,
    errors_only: bool,
    before_at: Option<String>,
    before_id: Option<String>,
}

#[component]
pub fn ExchangesPage() -> impl IntoView {
    let lang = use_lang();
    let query_map = use_query_map();
    let query = Memo::new(move |_| {
        let map = query_map.get();
        Query {
            object_id: map.get("object_id").unwrap_or_default().trim().to_owned(),
            errors_only: map.get("errors").is_some_and(|v| v == "1" || v == "on"),
            before_at: map.get("before_at").filter(|v| !v.is_empty()),
            before_id: map.get("before_id").filter(|v| !v.is_empty()),
        }
    });
    let data = Resource::new(
        move || query.get(),
        |query| {
            fetch_exchanges(
                Some(query.object_id).filter(|id| !id.is_empty()),
                query.errors_only,
                query.before_at,
                query.before_id,
            )
        },
    );
    view! {
        <Title text=lang.t(Text::OrangeExchanges)/>
        <h1>{lang.t(Text::OrangeExchanges)}</h1>
        <p class="lead muted">
            {lang.t(Text::EveryCallOrangeMadeOnThe)}
        </p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t(Text::Loading)}</p> }>
            {move || Suspend::new(async move {
                let query = query.get_untracked();
                match data.await {
                    Ok(page) => view! {
                        <FilterForm query=query.clone()/>
                        <ExchangeTable page query/>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FilterForm(query: Query) -> impl IntoView {
    let lang = use_lang();
    let filtered = !query.object_id.is_empty() || query.errors_only;
    view! {
        <form method="get" action="/exchanges" class="panel filter-form" role="search">
            <div class="field">
                <label for="filter-object">{lang.t(Text::ObjectId)}</label>
                <input id="filter-object" name="object_id" type="search" autocomplete="off" spellcheck="false" placeholder="ord_…, lic_…, tsk_…" value=query.object_id/>
            </div>
            <div class="choice inline">
                <input id="filter-errors" name="errors" type="checkbox" value="1" checked=query.errors_only/>
                <label for="filter-errors">{lang.t(Text::ErrorsOnly)}</label>
            </div>
            <div class="filter-actions">
                <button type="submit" class="button primary">{lang.t(Text::Filter)}</button>
                {filtered.then(|| view! { <a class="button secondary" href="/exchanges">{lang.t(Text::Clear)}</a> })}
            </div>
        </form>
    }
}

#[component]
fn ExchangeTable(page: ExchangesPage, query: Query) -> impl IntoView {
    let lang = use_lang();
    let paged = query.before_at.is_some();
    let filters = {
        let mut pairs = Vec::new();
        if !query.object_id.is_empty() {
            pairs.push(("object_id", query.object_id.clone()));
        }
        if query.errors_only {
            pairs.push(("errors", "1".to_owned()));
        }
        pairs
    };
    let older = page.older.map(|(at, id)| {
        let mut pairs = filters.clone();
        pairs.push(("before_at", at));
        pairs.push(("before_id", id));
        format!("/exchanges{}", query_string(&pairs))
    });
    let newest = format!("/exchanges{}", query_string(&filters));
    let empty = page.rows.is_empty();
    view! {
        <section class="panel">
            {if empty {
                let text = if paged {
                    lang.t(Text::NoOlderExchanges)
                } else if filters.is_empty() {
                    lang.t(Text::NoExchangeRecordedYetOrangeHas)
                } else {
                    lang.t(Text::NoExchangeMatchesTheseFilters)
                };
                view! { <p class="muted">{text}</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">{lang.t(Text::Date)}</th>
                                <th scope="col">{lang.t(Text::RequestTechnical)}</th>
                                <th scope="col">{lang.t(Text::Status)}</th>
                                <th scope="col">{lang.t(Text::ClientId)}</th>
                                <th scope="col">{lang.t(Text::Duration)}</th>
                                <th scope="col">{lang.t(Text::Object)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {page.rows.into_iter().map(|row| view! { <ExchangeLine row/> }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
            <nav class="pager" aria-label=lang.t(Text::Pages)>
                {paged.then(|| view! { <a class="button secondary small" href=newest>{lang.t(Text::NewestM)}</a> })}
                {older.map(|href| view! { <a class="button secondary small" rel="next" href=href>{lang.t(Text::OlderExchanges)}</a> })}
            </nav>
        </section>
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
