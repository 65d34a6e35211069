//! `/audit`: the audit log, for everyone signed in. A GET form filtering by actor, action, object
//! and dates, the entries newest first with what each changed (old values struck through, new ones
//! underlined), and an "Older" link paging by keyset.

use fleetdesk_vocab::Text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{ErrorPanel, query_string};
use crate::api::fetch_audit;
use crate::i18n::{When, use_lang};
use crate::model::audit::{AuditChangeView, AuditEntryView, AuditFilter, AuditPage};

/// What the address asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Query {
    filter: AuditFilter,
    before_at: Option<String>,
    before_id: Option<String>,
}

fn list_href(filter: &AuditFilter) -> String {
    format!("/audit{}", query_string(&filter.pairs()))
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let lang = use_lang();
    let query_map = use_query_map();
    let query = Memo::new(move |_| {
        let map = query_map.get();
        let get = |name: &str| map.get(name).unwrap_or_default().trim().to_owned();
        Query {
            filter: AuditFilter {
                actor: get("actor"),
                action: get("action"),
                object_type: get("object_type"),
                object_id: get("object_id"),
                from: get("from"),
                to: get("to"),
            },
            before_at: map.get("before_at").filter(|v| !v.is_empty()),
            before_id: map.get("before_id").filter(|v| !v.is_empty()),
        }
    });
    let data = Resource::new(
        move || query.get(),
        |query| {
            let filter = query.filter;
            fetch_audit(
                filter.actor,
                filter.action,
                filter.object_type,
                filter.object_id,
                filter.from,
                filter.to,
                query.before_at,
                query.before_id,
            )
        },
    );
    view! {
        <Title text=lang.t(Text::AuditLog)/>
        <h1>{lang.t(Text::AuditLog)}</h1>
        <p class="lead muted">
            {lang.t(Text::WhoDidWhatToWhichObject)}
        </p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t(Text::Loading)}</p> }>
            {move || Suspend::new(async move {
                let query = query.get_untracked();
                match data.await {
                    Ok(page) => view! { <AuditBody page query/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AuditBody(page: AuditPage, query: Query) -> impl IntoView {
    view! {
        {view! { <FilterForm filter=query.filter.clone()/> }.into_any()}
        {page.filter_error.map(|problem| view! { <p class="flash error" role="alert">{problem}</p> })}
        {view! { <EntryTable entries=page.entries older=page.older query/> }.into_any()}
    }
}

#[component]
fn FilterForm(filter: AuditFilter) -> impl IntoView {
    let lang = use_lang();
    let filtered = !filter.pairs().is_empty();
    view! {
        <form method="get" action="/audit" class="panel filter-form event-filter" role="search">
            <div class="field">
                <label for="audit-actor">{lang.t(Text::Actor)}</label>
                <input id="audit-actor" name="actor" type="search" autocomplete="off" spellcheck="false" placeholder=lang.t(Text::UsernameIdOrangeCli) value=filter.actor.clone()/>
            </div>
            <div class="field">
                <label for="audit-action">{lang.t(Text::Action)}</label>
                <input id="audit-action" name="action" type="search" autocomplete="off" spellcheck="false" placeholder="operator.create" value=filter.action.clone()/>
            </div>
            <div class="field">
                <label for="audit-object-type">{lang.t(Text::ObjectType)}</label>
                <input id="audit-object-type" name="object_type" type="search" autocomplete="off" spellcheck="false" placeholder="operator, offering…" value=filter.object_type.clone()/>
            </div>
            <div class="field">
                <label for="audit-object-id">{lang.t(Text::ObjectId)}</label>
                <input id="audit-object-id" name="object_id" type="search" autocomplete="off" spellcheck="false" value=filter.object_id.clone()/>
            </div>
            <div class="field date">
                <label for="audit-from">{lang.t(Text::From)}</label>
                <input id="audit-from" name="from" type="date" value=filter.from.clone()/>
            </div>
            <div class="field date">
                <label for="audit-to">{lang.t(Text::To)}</label>
                <input id="audit-to" name="to" type="date" value=filter.to.clone()/>
            </div>
            <div class="filter-actions">
                <button type="submit" class="button primary">{lang.t(Text::Filter)}</button>
                {filtered.then(|| view! { <a class="button secondary" href="/audit">{lang.t(Text::Clear)}</a> })}
            </div>
            <p class="hint filter-hint">
                {lang.t(Text::AuditFilterHelp)}
            </p>
        </form>
    }
}

#[component]
fn EntryTable(
    entries: Vec<AuditEntryView>,
    older: Option<(String, String)>,
    query: Query,
) -> impl IntoView {
    let lang = use_lang();
    let paged = query.before_at.is_some();
    let filters = query.filter.pairs();
    let older = older.map(|(at, id)| {
        let mut pairs = filters.clone();
        pairs.push(("before_at", at));
        pairs.push(("before_id", id));
        format!("/audit{}", query_string(&pairs))
    });
    let newest = list_href(&query.filter);
    let empty = entries.is_empty();
    view! {
        <section class="panel">
            {if empty {
                let text = if paged {
                    lang.t(Text::NoOlderEntries)
                } else if filters.is_empty() {
                    lang.t(Text::TheAuditLogIsEmpty)
                } else {
                    lang.t(Text::NoEntryMatchesTheseFilters)
                };
                view! { <p class="muted">{text}</p> }.into_any()
            } else {
                view! {
                    <table class="table audit-log">
                        <thead>
                            <tr>
                                <th scope="col">{lang.t(Text::Date)}</th>
                                <th scope="col">{lang.t(Text::Actor)}</th>
                                <th scope="col">{lang.t(Text::Action)}</th>
                                <th scope="col">{lang.t(Text::Object)}</th>
                                <th scope="col">{lang.t(Text::Changes)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {entries.into_iter().map(|entry| view! { <EntryLine entry/> }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
            <nav class="pager" aria-label=lang.t(Text::Pages)>
                {paged.then(|| view! { <a class="button secondary small" href=newest>{lang.t(Text::NewestF)}</a> })}
                {older.map(|href| view! { <a class="button secondary small" rel="next" href=href>{lang.t(Text::OlderEntries)}</a> })}
            </nav>
        </section>
    }
}

#[component]
fn EntryLine(entry: AuditEntryView) -> impl IntoView {
    let lang = use_lang();
    let actor_href = list_href(&AuditFilter {
        actor: entry
            .actor_id
            .clone()
            .unwrap_or_else(|| entry.actor_kind.as_str().to_owned()),
        ..AuditFilter::default()
    });
    let action_href = list_href(&AuditFilter {
        action: entry.action.clone(),
        ..AuditFilter::default()
    });
    let object = entry.object_id.clone().map(|id| {
        let href = list_href(&AuditFilter {
            object_type: entry.object_type.clone(),
            object_id: id.clone(),
            ..AuditFilter::default()
        });
        view! { <a href=href class="mono">{id}</a> }
    });
    view! {
        <tr data-testid=format!("audit-{}", entry.id)>
            <td class="nowrap"><When at=entry.at.clone()/></td>
            <td>
                <a href=actor_href>{entry.actor_label.clone()}</a>
                <span class="cell-sub">{entry.actor_kind.as_str()}</span>
            </td>
            <td><a href=action_href class="mono">{entry.action.clone()}</a></td>
            <td>
                {entry.object_type.clone()}
                <span class="cell-sub">{object}</span>
            </td>
            <td>
                {if entry.changes.is_empty() {
                    view! { <span class="muted">{lang.t(Text::NoRecordedChange)}</span> }.into_any()
                } else {
                    view! { <ChangeTable changes=entry.changes.clone()/> }.into_any()
                }}
                {entry.request_id.clone().map(|id| view! {
                    <span class="cell-sub">{lang.t(Text::RequestTechnical)} " " <span class="mono">{id}</span></span>
                })}
            </td>
        </tr>
    }
}

/// What an entry changed: one line per value, the old one struck through, the new one underlined.
#[component]
fn ChangeTable(changes: Vec<AuditChangeView>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <table class="table compact audit-diff">
            <thead>
                <tr>
                    <th scope="col">{lang.t(Text::Field)}</th>
                    <th scope="col">{lang.t(Text::Before)}</th>
                    <th scope="col">{lang.t(Text::After)}</th>
                </tr>
            </thead>
            <tbody>
                {changes
                    .into_iter()
                    .map(|change| {
                        let path = if change.path.is_empty() {
                            lang.t(Text::Value).to_owned()
                        } else {
                            change.path
                        };
                        view! {
                            <tr class=format!("change-{}", change.kind) data-testid=format!("change-{path}")>
                                <th scope="row" class="mono">{path.clone()}</th>
                                <td>{change.old.map(|old| view! { <del class="diff-old mono">{old}</del> })}</td>
                                <td>{change.new.map(|new| view! { <ins class="diff-new mono">{new}</ins> })}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
