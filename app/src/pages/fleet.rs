//! `/fleets/{id}`: one licence fleet (a productRefId): its customer and policy, its licences
//! counted by state and by offering, and its licences newest first with an "Older" link.

use fleetdesk_vocab::Text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::order::or_dash;
use super::{ErrorPanel, query_string};
use crate::api::fetch_fleet;
use crate::i18n::{When, use_lang};
use crate::model::FleetDetailView;

#[component]
pub fn FleetPage() -> impl IntoView {
    let lang = use_lang();
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
    view! {
        <Title text=lang.t(Text::Fleet)/>
        <p class="breadcrumb"><a href="/customers">{lang.t(Text::BackToCustomers)}</a></p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t(Text::Loading)}</p> }>
            {move || Suspend::new(async move {
                let paged = query_map.get_untracked().get("before_at").is_some();
                match data.await {
                    Ok(fleet) => view! { <FleetBody fleet paged/> }.into_any(),
                    Err(error) => view! {
                        <h1>{lang.t(Text::Fleet)}</h1>
                        <ErrorPanel error/>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FleetBody(fleet: FleetDetailView, paged: bool) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let base = format!("/fleets/{}", fleet.id);
    let older = fleet.older.clone().map(|(at, id)| {
        format!(
            "{base}{}",
            query_string(&[("before_at", at), ("before_id", id)])
        )
    });
    let by_state = fleet.by_state.clone();
    let by_offering = fleet.by_offering.clone();
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
            <table class="table">
                <thead><tr>
                    <th scope="col">{t(Text::Offering)}</th>
                    <th scope="col">{t(Text::Licences)}</th>
                </tr></thead>
                <tbody>
                    {by_offering.into_iter().map(|(code, name, n)| view! {
                        <tr><td>{name} " " <span class="mono muted">{code}</span></td><td>{n}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <section class="panel" data-testid="fleet-licences">
            <h2>{t(Text::LicencesNewestFirst)}</h2>
            {if fleet.licences.is_empty() {
                view! { <p class="muted">{t(Text::NoLicenceHere)}</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr>
                            <th scope="col">{t(Text::Licence)}</th>
                            <th scope="col">{t(Text::Login)}</th>
                            <th scope="col">{t(Text::Offering)}</th>
                            <th scope="col">{t(Text::State)}</th>
                            <th scope="col">{t(Text::LicenceCreated)}</th>
                        </tr></thead>
                        <tbody>
                            {fleet.licences.clone().into_iter().map(|l| view! {
                                <tr>
                                    <td><a class="mono" href=format!("/licences/{}", l.id)>{l.id.to_string()}</a></td>
                                    <td class="mono">{or_dash(l.login.clone())}</td>
                                    <td class="mono">{l.offer_code.clone()}</td>
                                    <td><span class=format!("badge licence-state state-{}", l.state)>{l.state.as_str()}</span></td>
                                    <td class="nowrap"><When at=l.created_at.clone()/></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <nav class="pager" aria-label=t(Text::Pages)>
                {paged.then(|| view! { <a class="button secondary small" href=base.clone()>{t(Text::NewestFShort)}</a> })}
                {older.map(|href| view! { <a class="button secondary small" rel="next" href=href>{t(Text::OlderF)}</a> })}
            </nav>
        </section>
    }
}
