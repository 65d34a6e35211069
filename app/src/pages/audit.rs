//! `/audit`: the audit log, for everyone signed in. A GET form filtering by actor, action, object
//! and dates, the entries newest first with what each changed (old values struck through, new ones
//! underlined), and an "Older" link paging by keyset.

use fleetdesk_vocab::Text;
use leptos::prelude::*;

use super::parts::{
    DateField, FilterForm, KeysetTable, ListQuery, Page, SearchField, Table, load_list, param, rows,
};
use super::query_string;
use crate::api::fetch_audit;
use crate::i18n::{When, use_lang};
use crate::model::audit::{AuditChangeView, AuditEntryView, AuditFilter, AuditPage};

fn filter_of(map: &leptos_router::params::ParamsMap) -> AuditFilter {
    AuditFilter {
        actor: param(map, "actor"),
        action: param(map, "action"),
        object_type: param(map, "object_type"),
        object_id: param(map, "object_id"),
        from: param(map, "from"),
        to: param(map, "to"),
    }
}

fn list_href(filter: &AuditFilter) -> String {
    format!("/audit{}", query_string(&filter.pairs()))
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let (query, data) = load_list(filter_of, |query| {
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
    });
    let body = move |page: AuditPage| view! { <AuditBody page query=query.get_untracked()/> };
    view! { <Page title=Text::AuditLog lead=Text::WhoDidWhatToWhichObject data body/> }
}

#[component]
fn AuditBody(page: AuditPage, query: ListQuery<AuditFilter>) -> impl IntoView {
    view! {
        {view! { <AuditFilterForm filter=query.filter.clone()/> }.into_any()}
        {page.filter_error.map(|problem| view! { <p class="flash error" role="alert">{problem}</p> })}
        {view! {
            <KeysetTable
                base="/audit"
                filter=query.filter.pairs()
                paged=query.paged()
                older=page.older
                empty=[Text::NoOlderEntries, Text::TheAuditLogIsEmpty, Text::NoEntryMatchesTheseFilters]
                class="table audit-log"
                columns=vec![Text::Date, Text::Actor, Text::Action, Text::Object, Text::Changes]
                rows=rows(page.entries, |entry| view! { <EntryLine entry/> })
                pager=[Text::NewestF, Text::OlderEntries]
            />
        }
        .into_any()}
    }
}

#[component]
fn AuditFilterForm(filter: AuditFilter) -> impl IntoView {
    let lang = use_lang();
    let filtered = !filter.pairs().is_empty();
    view! {
        <FilterForm action="/audit" class="panel filter-form event-filter" filtered hint=Text::AuditFilterHelp>
            <SearchField id="audit-actor" name="actor" label=Text::Actor placeholder=lang.t(Text::UsernameIdOrangeCli) value=filter.actor/>
            <SearchField id="audit-action" name="action" label=Text::Action placeholder="operator.create" value=filter.action/>
            <SearchField id="audit-object-type" name="object_type" label=Text::ObjectType placeholder="operator, offering…" value=filter.object_type/>
            <SearchField id="audit-object-id" name="object_id" label=Text::ObjectId value=filter.object_id/>
            <DateField id="audit-from" name="from" label=Text::From value=filter.from/>
            <DateField id="audit-to" name="to" label=Text::To value=filter.to/>
        </FilterForm>
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
        <Table class="table compact audit-diff" columns=vec![Text::Field, Text::Before, Text::After]>
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
        </Table>
    }
}
