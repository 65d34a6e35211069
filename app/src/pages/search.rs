//! `/search?q=…`: the global search's results, grouped by what they are, each linking to its
//! page. The box itself sits in the top bar (`/` focuses it).

use fleetdesk_vocab::{Text, say};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::parts::Page;
use crate::api::fetch_search;
use crate::i18n::{Lang, use_lang};
use crate::model::SearchHitView;

fn kind_text(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "customer" => lang.t(Text::Customer),
        "fleet" => lang.t(Text::Fleet),
        "licence" => lang.t(Text::Licence),
        "order" => lang.t(Text::Order),
        "task" => lang.t(Text::Task),
        _ => lang.t(Text::Event),
    }
}

fn matched_text(lang: Lang, matched: &str) -> &'static str {
    match matched {
        "id" => lang.t(Text::Id),
        "reference" => lang.t(Text::OrangeReferenceLower),
        "name" => lang.t(Text::NameLower),
        "login" => lang.t(Text::LoginLower),
        "end_user" => lang.t(Text::EndUserLower),
        _ => lang.t(Text::RealizingResourceLower),
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let q = Memo::new(move |_| query.get().get("q").unwrap_or_default().trim().to_owned());
    let data = Resource::new(move || q.get(), fetch_search);
    let body = move |hits: Vec<SearchHitView>| view! { <Results text=q.get_untracked() hits/> };
    view! {
        <Page title=Text::SearchPageTitle loading=Text::Searching data body>
            <h1>{lang.t(Text::SearchPageTitle)}</h1>
            <form method="get" action="/search" role="search" class="panel filter-form">
                <label for="search-page-q">{lang.t(Text::Find)}</label>
                <input
                    id="search-page-q"
                    name="q"
                    type="search"
                    value=move || q.get()
                    placeholder=lang.t(Text::IdOrangeReferenceNameLoginE)
                />
                <button type="submit" class="button primary">{lang.t(Text::Search)}</button>
            </form>
        </Page>
    }
}

#[component]
fn Results(text: String, hits: Vec<SearchHitView>) -> impl IntoView {
    let lang = use_lang();
    if text.chars().count() < 2 {
        return view! {
            <p class="muted">
                {lang.t(Text::TypeAtLeastTwoCharactersAn)}
            </p>
        }
        .into_any();
    }
    if hits.is_empty() {
        let none = say::nothing_matches(lang, &text);
        return view! { <p class="muted" role="status">{none}</p> }.into_any();
    }
    let count = say::search_results_count(lang, hits.len());
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
