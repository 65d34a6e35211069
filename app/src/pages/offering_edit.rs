//! `/offerings/{id}` (administrators): one offering's edit form, posting to
//! `/console/offerings/{id}`, and its retire or bring-back button.

use fleetdesk_vocab::{Text, say};
use leptos::prelude::*;

use super::offerings::OfferingFields;
use super::parts::{DetailPage, PostButton};
use crate::api::fetch_offering;
use crate::i18n::use_lang;
use crate::model::OfferingView;
use crate::posts;

#[component]
pub fn OfferingEditPage() -> impl IntoView {
    view! {
        <DetailPage
            title=Text::EditOffering
            back=("/offerings", Text::BackToOfferings)
            fetch=fetch_offering
            body=|offering| view! { <EditForm offering/> }
        />
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
            <PostButton action=state_target class label/>
        </section>
    }
}
