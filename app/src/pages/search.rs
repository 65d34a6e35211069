//! `/search?q=…`: the global search's results, grouped by what they are, each linking to its
//! page. The box itself sits in the top bar (`/` focuses it).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::ErrorPanel;
use crate::api::fetch_search;
use crate::i18n::{Lang, use_lang};
use crate::model::SearchHitView;

fn kind_text(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "customer" => lang.t("Customer", "Client"),
        "fleet" => lang.t("Fleet", "Parc"),
        "licence" => lang.t("Licence", "Licence"),
        "order" => lang.t("Order", "Commande"),
        "task" => lang.t("Task", "Tâche"),
        _ => lang.t("Event", "Événement"),
    }
}

fn matched_text(lang: Lang, matched: &str) -> &'static str {
    match matched {
        "id" => lang.t("id", "identifiant"),
        "reference" => lang.t("Orange reference", "référence Orange"),
        "name" => lang.t("name", "nom"),
        "login" => lang.t("login", "login"),
        "end_user" => lang.t("end user", "utilisateur final"),
        _ => lang.t("realizing resource", "ressource de réalisation"),
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let q = Memo::new(move |_| query.get().get("q").unwrap_or_default().trim().to_owned());
    let data = Resource::new(move || q.get(), fetch_search);
    view! {
        <Title text=lang.t("Search", "Recherche")/>
        <h1>{lang.t("Search", "Recherche")}</h1>
        <form method="get" action="/search" role="search" class="panel filter-form">
            <label for="search-page-q">{lang.t("Find", "Rechercher")}</label>
            <input
                id="search-page-q"
                name="q"
                type="search"
                value=move || q.get()
                placeholder=lang.t(
                    "Id, Orange reference, name, login, e-mail, number…",
                    "Identifiant, référence Orange, nom, login, e-mail, numéro…",
                )
            />
            <button type="submit" class="button primary">{lang.t("Search", "Rechercher")}</button>
        </form>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("Searching…", "Recherche…")}</p> }>
            {move || Suspend::new(async move {
                let text = q.get_untracked();
                match data.await {
                    Ok(hits) => view! { <Results text hits/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Results(text: String, hits: Vec<SearchHitView>) -> impl IntoView {
    let lang = use_lang();
    if text.chars().count() < 2 {
        return view! {
            <p class="muted">
                {lang.t(
                    "Type at least two characters: an id (cus_…, lic_…, ord_…), an Orange reference, a customer name, a login, an end user’s name or e-mail, or a realizing resource such as a phone number.",
                    "Saisissez au moins deux caractères : un identifiant (cus_…, lic_…, ord_…), une référence Orange, un nom de client, un login, le nom ou l’e-mail d’un utilisateur final, ou une ressource de réalisation comme un numéro de téléphone.",
                )}
            </p>
        }
        .into_any();
    }
    if hits.is_empty() {
        let none = match lang {
            Lang::En => format!("Nothing matches “{text}”."),
            Lang::Fr => format!("Aucun résultat pour « {text} »."),
        };
        return view! { <p class="muted" role="status">{none}</p> }.into_any();
    }
    let count = match (lang, hits.len()) {
        (Lang::En, 1) => "1 result".to_owned(),
        (Lang::En, n) => format!("{n} results"),
        (Lang::Fr, 1) => "1 résultat".to_owned(),
        (Lang::Fr, n) => format!("{n} résultats"),
    };
    view! {
        <p role="status" class="muted" data-testid="search-count">{count}</p>
        <ul class="results" data-testid="search-results">
            {hits
                .into_iter()
                .map(|hit| {
                    view! {
                        <li>
                            <span class="badge">{kind_text(lang, &hit.kind)}</span>
                            " "
                            <a href=hit.href class="mono">{hit.id}</a>
                            " "
                            <span>{hit.label}</span>
                            " "
                            <span class="muted">{format!("({})", matched_text(lang, &hit.matched))}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
