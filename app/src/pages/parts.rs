//! The pieces the pages are built from, so that each page says only what is its own: the frame
//! of a page that loads its data (title, heading, the loading line, the failure), tables under
//! their header row, the GET filter form of a list and its fields, and the pager of the lists that
//! page by keyset.
//!
//! They take catalogue [`Text`]s, children and type-erased views rather than type parameters, so
//! that the wasm bundle holds one copy of each whatever the page; only [`Page`] and [`DetailPage`],
//! which hold the page's own data type, are generic.

use std::future::Future;

use fleetdesk_vocab::Text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{ErrorPanel, query_string};
use crate::api::ConsoleError;
use crate::i18n::use_lang;

/// What a page loads from its server function: sent from the server to the browser with the page,
/// so that hydration starts from the same data.
pub trait PageData: Clone + Send + Sync + Serialize + DeserializeOwned + 'static {}

impl<T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static> PageData for T {}

/// What the address of a list paged by keyset asks for: its filter, and the row the page starts
/// after (`before_at`, `before_id`), none for the newest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery<F> {
    pub filter: F,
    pub before_at: Option<String>,
    pub before_id: Option<String>,
}

impl<F> ListQuery<F> {
    /// The query of the address's parameters, its filter read by `filter`.
    pub fn of(map: &ParamsMap, filter: fn(&ParamsMap) -> F) -> ListQuery<F> {
        ListQuery {
            filter: filter(map),
            before_at: map.get("before_at").filter(|v| !v.is_empty()),
            before_id: map.get("before_id").filter(|v| !v.is_empty()),
        }
    }

    /// Whether this is a page further than the newest.
    pub fn paged(&self) -> bool {
        self.before_at.is_some()
    }
}

/// The query of a list's address (its filter read by `filter`), and the page of the list that
/// `fetch` loads for it, loaded again whenever the address changes.
pub fn load_list<F, T, Fut>(
    filter: fn(&ParamsMap) -> F,
    fetch: fn(ListQuery<F>) -> Fut,
) -> (Memo<ListQuery<F>>, Resource<Result<T, ConsoleError>>)
where
    F: Clone + PartialEq + Send + Sync + 'static,
    T: PageData,
    Fut: Future<Output = Result<T, ConsoleError>> + Send + 'static,
{
    let query_map = use_query_map();
    let query = Memo::new(move |_| ListQuery::of(&query_map.get(), filter));
    let data = Resource::new(move || query.get(), fetch);
    (query, data)
}

/// A parameter of the address, trimmed; empty when absent.
pub fn param(map: &ParamsMap, name: &str) -> String {
    map.get(name).unwrap_or_default().trim().to_owned()
}

/// A console page that loads `data`: its title, its head (the title as heading, or `children`
/// when the head holds more than that), the `lead` under it, then what `body` shows of the data
/// once loaded, or why it could not be loaded.
/// Keeps this answer out of every cache, the browser's included: for a page that shows a secret
/// once.
pub fn keep_out_of_caches() {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-store"),
        );
    }
}

#[component]
pub fn Page<T, V, F>(
    title: Text,
    /// The introduction under the heading.
    #[prop(optional)]
    lead: Option<Text>,
    data: Resource<Result<T, ConsoleError>>,
    body: F,
    /// The words shown while loading.
    #[prop(default = Text::Loading)]
    loading: Text,
    /// The body writes the page's heading (a page of one thing, headed by its name): the title
    /// heads the page only when the load fails.
    #[prop(optional)]
    headed_by_body: bool,
    /// What stands at the head of the page instead of the title as heading.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView
where
    T: PageData,
    F: Fn(T) -> V + Copy + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let lang = use_lang();
    let head = match children {
        Some(children) => children(),
        None => view! { <h1>{lang.t(title)}</h1> }.into_any(),
    };
    // One view either way rather than an optional one after the head: with erased component
    // types, an absent optional view right after the head did not hydrate.
    let head = match lead {
        Some(lead) => view! { {head} <p class="lead muted">{lang.t(lead)}</p> }.into_any(),
        None => head,
    };
    view! {
        <Title text=lang.t(title)/>
        {head}
        <Suspense fallback=move || view! { <p class="loading">{lang.t(loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(value) => body(value).into_any(),
                    Err(error) if headed_by_body => view! {
                        <h1>{lang.t(title)}</h1>
                        <ErrorPanel error/>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The page of one thing named by the `{id}` of its address: its title, the way back to its
/// list, then what `body` shows of it once `fetch` has loaded it, or why it cannot be shown.
#[component]
pub fn DetailPage<I, T, Fut, V>(
    title: Text,
    /// The list's address and the link's words.
    back: (&'static str, Text),
    fetch: fn(I) -> Fut,
    body: fn(T) -> V,
) -> impl IntoView
where
    I: fleetdesk_vocab::Id + Send + Sync,
    T: PageData,
    Fut: Future<Output = Result<T, ConsoleError>> + Send + 'static,
    V: IntoView + 'static,
{
    let params = use_params_map();
    let data = Resource::new(
        move || I::from(params.get().get("id").unwrap_or_default()),
        fetch,
    );
    let (list, back_text) = back;
    view! {
        <Page title data body headed_by_body=true>
            <Breadcrumb href=list text=back_text/>
        </Page>
    }
}

/// The way back to the list a page belongs to.
#[component]
pub fn Breadcrumb(href: &'static str, text: Text) -> impl IntoView {
    let lang = use_lang();
    view! { <p class="breadcrumb"><a href=href>{lang.t(text)}</a></p> }
}

/// A table: a header row of the `columns` (`#` first when `numbered`, a hidden "Actions" last
/// when `actions`), then `children`, its rows.
#[component]
pub fn Table(
    #[prop(default = "table")] class: &'static str,
    #[prop(optional)] testid: Option<&'static str>,
    columns: Vec<Text>,
    #[prop(optional)] numbered: bool,
    #[prop(optional)] actions: bool,
    children: Children,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <table class=class data-testid=testid>
            <thead><tr>
                {numbered.then(|| view! { <th scope="col">"#"</th> })}
                {columns.into_iter().map(|column| view! { <th scope="col">{lang.t(column)}</th> }).collect_view()}
                {actions.then(|| view! { <th scope="col"><span class="visually-hidden">{lang.t(Text::Actions)}</span></th> })}
            </tr></thead>
            <tbody>{children()}</tbody>
        </table>
    }
}

/// A panel of rows: its heading if any, then a table of the rows under their column names, or the
/// `empty` words when there are none; then `children` (a pager).
#[component]
pub fn TablePanel(
    #[prop(optional)] heading: Option<Text>,
    #[prop(optional)] testid: Option<&'static str>,
    empty: Text,
    #[prop(default = "table")] class: &'static str,
    #[prop(optional)] numbered: bool,
    columns: Vec<Text>,
    #[prop(optional)] actions: bool,
    rows: Vec<AnyView>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="panel" data-testid=testid>
            {heading.map(|heading| view! { <h2>{lang.t(heading)}</h2> })}
            {if rows.is_empty() {
                view! { <p class="muted">{lang.t(empty)}</p> }.into_any()
            } else {
                view! { <Table class numbered columns actions>{rows}</Table> }.into_any()
            }}
            {children.map(|children| children())}
        </section>
    }
}

/// Each of `items` as a table row.
pub fn rows<R, V: IntoView + 'static>(items: Vec<R>, row: impl Fn(R) -> V) -> Vec<AnyView> {
    items.into_iter().map(|item| row(item).into_any()).collect()
}

/// The "Newest" and "Older" links of a list paged by keyset: `base` with the list's `filter`,
/// from the row `older` names on.
#[component]
pub fn KeysetPager(
    #[prop(into)] base: String,
    filter: Vec<(&'static str, String)>,
    /// Whether the page shown is further than the newest.
    paged: bool,
    older: Option<(String, String)>,
    newest_text: Text,
    older_text: Text,
) -> impl IntoView {
    let lang = use_lang();
    let newest = paged.then(|| format!("{base}{}", query_string(&filter)));
    let older = older.map(|(at, id)| {
        let mut pairs = filter;
        pairs.push(("before_at", at));
        pairs.push(("before_id", id));
        format!("{base}{}", query_string(&pairs))
    });
    view! {
        <nav class="pager" aria-label=lang.t(Text::Pages)>
            {newest.map(|href| view! { <a class="button secondary small" href=href>{lang.t(newest_text)}</a> })}
            {older.map(|href| view! { <a class="button secondary small" rel="next" href=href>{lang.t(older_text)}</a> })}
        </nav>
    }
}

/// The panel of a list paged by keyset (`base` with its `filter`): the rows under their columns,
/// or why there are none, then the links to the newest and to older rows.
#[component]
pub fn KeysetTable(
    base: &'static str,
    filter: Vec<(&'static str, String)>,
    /// Whether the page shown is further than the newest.
    paged: bool,
    older: Option<(String, String)>,
    /// Why there is no row: on a further page, with no filter, with a filter.
    empty: [Text; 3],
    class: &'static str,
    columns: Vec<Text>,
    rows: Vec<AnyView>,
    /// The words of the links to the newest and to older rows.
    pager: [Text; 2],
) -> impl IntoView {
    let [no_older, none_yet, none_matching] = empty;
    let empty = if paged {
        no_older
    } else if filter.is_empty() {
        none_yet
    } else {
        none_matching
    };
    let [newest_text, older_text] = pager;
    view! {
        <TablePanel empty class columns rows>
            <KeysetPager base filter paged older newest_text older_text/>
        </TablePanel>
    }
}

/// A list's GET filter form: `children` (its fields), the submit button, "Clear" back to the
/// unfiltered list when `filtered`, the `more` actions, and the `hint` under it all.
#[component]
pub fn FilterForm(
    action: &'static str,
    #[prop(default = "panel filter-form")] class: &'static str,
    #[prop(default = Text::Filter)] submit: Text,
    filtered: bool,
    #[prop(default = None)] more: Option<AnyView>,
    #[prop(optional)] hint: Option<Text>,
    children: Children,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <form method="get" action=action class=class role="search">
            {children()}
            <div class="filter-actions">
                <button type="submit" class="button primary">{lang.t(submit)}</button>
                {filtered.then(|| view! { <a class="button secondary" href=action>{lang.t(Text::Clear)}</a> })}
                {more}
            </div>
            {hint.map(|hint| view! { <p class="hint filter-hint">{lang.t(hint)}</p> })}
        </form>
    }
}

/// A search box of a filter form.
#[component]
pub fn SearchField(
    id: &'static str,
    name: &'static str,
    label: Text,
    #[prop(optional)] placeholder: Option<&'static str>,
    value: String,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="field">
            <label for=id>{lang.t(label)}</label>
            <input id=id name=name type="search" autocomplete="off" spellcheck="false" placeholder=placeholder value=value/>
        </div>
    }
}

/// A date of a filter form.
#[component]
pub fn DateField(
    id: &'static str,
    name: &'static str,
    label: Text,
    value: String,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="field date">
            <label for=id>{lang.t(label)}</label>
            <input id=id name=name type="date" value=value/>
        </div>
    }
}

/// A choice of a filter form: the `options` as `(value, words)`, the one whose value is
/// `selected` chosen.
#[component]
pub fn SelectField(
    id: &'static str,
    name: &'static str,
    label: Text,
    selected: String,
    options: Vec<(String, String)>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="field">
            <label for=id>{lang.t(label)}</label>
            <select id=id name=name>
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let chosen = value == selected;
                        view! { <option value=value selected=chosen>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// A section of a settings form: its `legend`, the `hint` under it, then `children` (its fields).
#[component]
pub fn SettingsSection(
    legend: Text,
    #[prop(optional)] hint: Option<Text>,
    #[prop(optional)] testid: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <fieldset class="panel" data-testid=testid>
            <legend>{lang.t(legend)}</legend>
            {hint.map(|hint| view! { <p class="hint">{lang.t(hint)}</p> })}
            {children()}
        </fieldset>
    }
}

/// A whole number of a settings form, from `min` to `max`, with its `hint`.
#[component]
pub fn NumberField(
    id: &'static str,
    name: &'static str,
    label: Text,
    min: &'static str,
    max: &'static str,
    value: String,
    hint: Text,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="field">
            <label for=id>{lang.t(label)}</label>
            <input id=id name=name type="number" inputmode="numeric" min=min max=max required value=value/>
            <p class="hint">{lang.t(hint)}</p>
        </div>
    }
}

/// A form that is one button posting to `action`: an action that asks for nothing more. It posts
/// as a plain form, so it works without JavaScript.
#[component]
pub fn PostButton(
    #[prop(into)] action: String,
    #[prop(optional)] form_class: Option<&'static str>,
    class: &'static str,
    #[prop(optional, into)] aria_label: Option<String>,
    label: &'static str,
) -> impl IntoView {
    view! {
        <form method="post" action=action class=form_class>
            <button type="submit" class=class aria-label=aria_label>{label}</button>
        </form>
    }
}

/// The box to tick before a form that cannot be undone is sent, and its words; it is `required`,
/// so the form is not sent unticked, with JavaScript or without.
#[component]
pub fn ConfirmTick(text: Text) -> impl IntoView {
    let lang = use_lang();
    view! {
        <label class="confirm-label">
            <input type="checkbox" name="confirm" value="yes" required/>
            " "
            {lang.t(text)}
        </label>
    }
}
