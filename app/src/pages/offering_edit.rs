//! `/offerings/{id}` (administrators): one offering's edit form, posting to
//! `/console/offerings/{id}`, and its retire or bring-back button.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::ErrorPanel;
use super::offerings::OfferingFields;
use crate::api::fetch_offering;
use crate::i18n::{Lang, use_lang};
use crate::model::OfferingView;

#[component]
pub fn OfferingEditPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let data = Resource::new(
        move || params.get().get("id").unwrap_or_default(),
        fetch_offering,
    );
    view! {
        <Title text=lang.t("Edit offering", "Modifier l’offre")/>
        <p class="breadcrumb"><a href="/offerings">{lang.t("← Offerings", "← Offres")}</a></p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("Loading…", "Chargement…")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(offering) => view! { <EditForm offering/> }.into_any(),
                    Err(error) => view! {
                        <h1>{lang.t("Edit offering", "Modifier l’offre")}</h1>
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
    let target = format!("/console/offerings/{}", offering.id);
    let (action, label, class, note) = if offering.active {
        (
            "retire",
            lang.t("Retire", "Retirer"),
            "button danger",
            lang.t(
                "A retired offering cannot be ordered any more; its licences stay as they are.",
                "Une offre retirée ne peut plus être commandée ; ses licences restent telles quelles.",
            ),
        )
    } else {
        (
            "restore",
            lang.t("Bring back", "Rétablir"),
            "button secondary",
            lang.t(
                "This offering is retired: Orange cannot order it until it is brought back.",
                "Cette offre est retirée : Orange ne peut pas la commander tant qu’elle n’est pas rétablie.",
            ),
        )
    };
    let state_target = format!("/console/offerings/{}/{action}", offering.id);
    let heading = match lang {
        Lang::En => format!("Edit offering {}", offering.offer_code),
        Lang::Fr => format!("Modifier l’offre {}", offering.offer_code),
    };
    view! {
        <h1>{heading}</h1>
        <section class="panel">
            <form method="post" action=target class="grid-form">
                <OfferingFields offering=Some(offering)/>
                <div class="field actions">
                    <button type="submit" class="button primary">{lang.t("Save changes", "Enregistrer")}</button>
                </div>
            </form>
        </section>
        <section class="panel">
            <h2>{lang.t("Availability", "Disponibilité")}</h2>
            <p class="muted">{note}</p>
            <form method="post" action=state_target>
                <button type="submit" class=class>{label}</button>
            </form>
        </section>
    }
}
