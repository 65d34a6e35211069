//! `/`: the first page after sign-in: the team and what happened lately.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{ErrorPanel, short_time};
use crate::api::fetch_overview;
use crate::model::Overview;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| fetch_overview());
    view! {
        <Title text="Overview"/>
        <h1>"Overview"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(overview) => view! { <OverviewBody overview/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OverviewBody(overview: Overview) -> impl IntoView {
    let empty = overview.recent_activity.is_empty();
    view! {
        <section class="cards" aria-label="Counts">
            <div class="card">
                <p class="card-label">"Active operators"</p>
                <p class="card-value">{overview.operators_active}</p>
            </div>
            <div class="card">
                <p class="card-label">"Disabled operators"</p>
                <p class="card-value">{overview.operators_disabled}</p>
            </div>
        </section>
        <section class="panel">
            <h2>"Recent activity"</h2>
            {if empty {
                view! { <p class="muted">"Nothing has happened yet."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">"When"</th>
                                <th scope="col">"Who"</th>
                                <th scope="col">"What"</th>
                                <th scope="col">"Object"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {overview
                                .recent_activity
                                .into_iter()
                                .map(|item| {
                                    let object = match item.object_id {
                                        Some(id) => format!("{} {id}", item.object_type),
                                        None => item.object_type,
                                    };
                                    view! {
                                        <tr>
                                            <td class="nowrap">{short_time(&item.at)}</td>
                                            <td>{item.actor}</td>
                                            <td><code>{item.action}</code></td>
                                            <td class="mono">{object}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
    }
}
