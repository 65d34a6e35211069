//! `/offerings/{id}` (administrators): one offering's edit form, posting to
//! `/console/offerings/{id}`, and its retire or bring-back button.

use fleetdesk_vocab::{Text, say};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::ErrorPanel;
use super::offerings::OfferingFields;
use crate::api::fetch_offering;
use crate::i18n::use_lang;
use crate::model::OfferingView;
use crate::posts;

#[component]
pub fn OfferingEditPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let data = Resource::new(
        move || params.get().get("id").unwrap_or_default(),
        fetch_offering,
    );
    view! {
        <Title text=lang.t(Text::EditOffering)/>
        <p class="breadcrumb"><a href="/offerings">{lang.t(Text::BackToOfferings)}</a></p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t(Text::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(offering) => view! { <EditForm offering/> }.into_any(),
                    Err(error) => view! {
                        <h1>{lang.t(Text::EditOffering)}</h1>
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
    let lang = use_lang();
    let target = posts::UPDATE_OFFERING.to([&offering.id]);
    let (action, label, class, note) = if offering.active {
        (
            posts::RETIRE_OFFERING,
            lang.t(Text::Retire),
            "button danger",
            lang.t(Text::ARetiredOfferingCannotBeOrdered),
        )
    } else {
        (
            posts::RESTORE_OFFERING,
            lang.t(Text::BringBack),
            "button secondary",
            lang.t(Text::ThisOfferingIsRetiredOrangeCannot),
        )
    };
    let state_target = action.to([&offering.id]);
    let heading = say::edit_offering_title(lang, &offering.offer_code);
    view! {
        <h1>{heading}</h1>
        <section class="panel">
            <form method="post" action=target class="grid-form">
                <OfferingFields offering=Some(offering)/>
                <div class="field actions">
                    <button type="submit" class="button primary">{lang.t(Text::SaveChanges)}</button>
                </div>
            </form>
        </section>
        <section class="panel">
            <h2>{lang.t(Text::Availability)}</h2>
            <p class="muted">{note}</p>
            <form method="post" action=state_target>
                <button type="submit" class=class>{label}</button>
            </form>
        </section>
    }
}
