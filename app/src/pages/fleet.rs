//! `/fleets/{id}`: one licence fleet (a productRefId): its customer and policy, its licences
//! counted by state and by offering, and its licences newest first with an "Older" link.

use fleetdesk_vocab::Text;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::order::or_dash;
use super::parts::{Breadcrumb, KeysetPager, Page, Table, TablePanel, rows};
use crate::api::fetch_fleet;
use crate::i18n::{When, use_lang};
use crate::model::FleetDetailView;

#[component]
pub fn FleetPage() -> impl IntoView {
    let params = use_params_map();
    let query_map = use_query_map();
    let data = Resource::new(
        move || {
            let map = query_map.get();
            (
                params.get().get("id").unwrap_or_default(),
                map.get("before_at").filter(|v| !v.is_empty()),
                map.get("before_id").filter(|v| !v.is_empty()),
            )
        },
        |(id, before_at, before_id)| fetch_fleet(id.into(), before_at, before_id),
    );
    let body = move |fleet: FleetDetailView| {
        let paged = query_map.get_untracked().get("before_at").is_some();
        view! { <FleetBody fleet paged/> }
    };
    view! {
        <Page title=Text::Fleet data body headed_by_body=true>
            <Breadcrumb href="/customers" text=Text::BackToCustomers/>
        </Page>
    }
}

#[component]
fn FleetBody(fleet: FleetDetailView, paged: bool) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let by_state = fleet.by_state.clone();
    let by_offering = fleet.by_offering.clone();
    let licences = rows(fleet.licences.clone(), |l| {
        view! {
            <tr>
                <td><a class="mono" href=format!("/licences/{}", l.id)>{l.id.to_string()}</a></td>
                <td class="mono">{or_dash(l.login.clone())}</td>
                <td class="mono">{l.offer_code.clone()}</td>
                <td><span class=format!("badge licence-state state-{}", l.state)>{l.state.as_str()}</span></td>
                <td class="nowrap"><When at=l.created_at.clone()/></td>
            </tr>
        }
    });
    view! {
        <h1 class="mono-heading">{fleet.id.to_string()}</h1>
        <section class="panel">
            <dl class="facts">
                <dt>{t(Text::Customer)}</dt>
                <dd><a href=format!("/customers/{}", fleet.customer_id) data-testid="fleet-customer">{fleet.customer_name.clone()}</a></dd>
                <dt>{t(Text::Policy)}</dt>
                <dd><code>{fleet.policy.clone()}</code>{fleet.offering.clone().map(|(code, name)| view! { " · " {name} " " <span class="mono muted">{code}</span> })}</dd>
                <dt>{t(Text::OpenedByOrder)}</dt>
                <dd>{fleet.created_by_order_id.clone().map_or_else(|| view! { "—" }.into_any(), |id| view! { <a class="mono" href=format!("/orders/{id}")>{id.to_string()}</a> }.into_any())}</dd>
                <dt>{t(Text::Created)}</dt>
                <dd><When at=fleet.created_at.clone()/></dd>
                <dt>{t(Text::Licences)}</dt>
                <dd data-testid="fleet-total">{fleet.total}</dd>
            </dl>
        </section>
        <section class="cards" aria-label=t(Text::LicencesByState)>
            {by_state.into_iter().map(|(state, n)| view! {
                <div class=format!("card state-card state-{state}") data-testid=format!("count-{state}")>
                    <span class="card-label">{state.as_str()}</span>
                    <span class="card-value">{n}</span>
                </div>
            }).collect_view()}
        </section>
        <section class="panel" data-testid="by-offering">
            <h2>{t(Text::ByOffering)}</h2>
            <Table columns=vec![Text::Offering, Text::Licences]>
                {by_offering.into_iter().map(|(code, name, n)| view! {
                    <tr><td>{name} " " <span class="mono muted">{code}</span></td><td>{n}</td></tr>
                }).collect_view()}
            </Table>
        </section>
        <TablePanel
            heading=Text::LicencesNewestFirst
            testid="fleet-licences"
            empty=Text::NoLicenceHere
            columns=vec![Text::Licence, Text::Login, Text::Offering, Text::State, Text::LicenceCreated]
            rows=licences
        >
            <KeysetPager base=format!("/fleets/{}", fleet.id) filter=Vec::new() paged older=fleet.older.clone() newest_text=Text::NewestFShort older_text=Text::OlderF/>
        </TablePanel>
    }
}
