//! `/offerings/{id}` (administrators): one offering's edit form, posting to
//! `/console/offerings/{id}`, and its retire or bring-back button.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::ErrorPanel;
use super::offerings::OfferingFields;
use crate::api::fetch_offering;
use crate::model::OfferingView;

#[component]
pub fn OfferingEditPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.get().get("id").unwrap_or_default(),
        fetch_offering,
    );
    view! {
        <Title text="Edit offering"/>
        <p class="breadcrumb"><a href="/offerings">"← Offerings"</a></p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(offering) => view! { <EditForm offering/> }.into_any(),
                    Err(error) => view! {
                        <h1>"Edit offering"</h1>
                        <ErrorPanel error/>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EditForm(offering: OfferingView) -> impl IntoView {
    let target = format!("/console/offerings/{}", offering.id);
    let (action, label, class, note) = if offering.active {
        (
            "retire",
            "Retire",
            "button danger",
            "A retired offering cannot be ordered any more; its licences stay as they are.",
        )
    } else {
        (
            "restore",
            "Bring back",
            "button secondary",
            "This offering is retired: Orange cannot order it until it is brought back.",
        )
    };
    let state_target = format!("/console/offerings/{}/{action}", offering.id);
    let heading = format!("Edit offering {}", offering.offer_code);
    view! {
        <h1>{heading}</h1>
        <section class="panel">
            <form method="post" action=target class="grid-form">
                <OfferingFields offering=Some(offering)/>
                <div class="field actions">
                    <button type="submit" class="button primary">"Save changes"</button>
                </div>
            </form>
        </section>
        <section class="panel">
            <h2>"Availability"</h2>
            <p class="muted">{note}</p>
            <form method="post" action=state_target>
                <button type="submit" class=class>{label}</button>
            </form>
        </section>
    }
}
