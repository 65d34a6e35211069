//! The one way a console form reaches core. An action is an async function that runs one core
//! command:
//!
//! ```ignore
//! pub async fn set_end_user(cx: Cx<ChangeData>, id: LicenceId, form: Fields<EndUserForm>) -> Reply
//! ```
//!
//! Its arguments say all the rest: the permission the operator needs (`Cx<ChangeData>`, checked
//! before the form is read, refused with 403 in the reader's language), the address's parameters
//! (`LicenceId`, a tuple, or `()`), and what the form carries ([`Fields`] of a plain form, or an
//! [`Upload`]). Where the form posts and the page the reader comes back to are named once, in
//! [`fleetdesk_app::posts`], beside the pages that show the form. [`Actions::action`] registers it
//! in one line, `.action(posts::SET_END_USER, licences::set_end_user)`, and does the rest the same
//! for every action: the permission, the form, the acting party for the audit log, and the answer,
//! a redirect with a message (post/redirect/get), so that every form works the same with and
//! without JavaScript.
//! An answer that shows something once (a new secret) is the page itself instead, rendered
//! uncached: [`Note::showing`].
//!
//! Why typed handlers and not Leptos server actions: every form already posts as a plain form and
//! works without JavaScript; keeping plain posts changes no page and no browser flow, and the
//! extractor refuses a role before anything is read.

use std::future::Future;
use std::marker::PhantomData;

use axum::Form;
use axum::Router;
use axum::extract::{FromRequest, Path, RawPathParams, Request, State};
use axum::http::{Extensions, header};
use axum::response::Response;
use axum::routing::{MethodRouter, post};
use fleetdesk_vocab::Text;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::de::{self, DeserializeOwned, Deserializer};

use fleetdesk_app::i18n::Lang;
use fleetdesk_app::model::{Flash, FlashKind};
use fleetdesk_app::posts::{self, Post, parameters};
use fleetdesk_core::access::Needs;
use fleetdesk_core::audit::Acting;
use fleetdesk_core::operators::{CurrentOperator, Operator};

use super::forms::{Console, Upload, back_with_details, read_upload, unreadable};
use crate::state::AppState;

/// What an action has to work with besides its address and its form. `N` is what the operator
/// must be allowed (`fleetdesk_core::access`): an action taking `Cx<Administer>` only runs for
/// administrators.
pub struct Cx<N> {
    pub state: AppState,
    pub lang: Lang,
    /// Who acts and the request that carried it, for the audit log.
    pub acting: Acting,
    pub operator: Operator,
    /// The asking session, for the actions that end sessions.
    pub session_id: Option<String>,
    needs: PhantomData<N>,
}

impl<N> Cx<N> {
    /// A catalogue text in the reader's language.
    pub fn t(&self, text: Text) -> &'static str {
        self.lang.t(text)
    }
}

/// The answer of an action: `Ok` says it was done, `Err` why not; either way a message.
pub type Reply = Result<Note, Note>;

/// A message for the reader's next page, and which page when it is not the action's own.
#[derive(Debug)]
pub struct Note {
    text: String,
    page: Option<String>,
    details: Vec<String>,
    shown: Option<Shown>,
}

/// What a page shows once, beside the message (a new secret), handed to it as it is rendered.
struct Shown(Box<dyn FnOnce(&mut Extensions) + Send>);

impl std::fmt::Debug for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // What is shown once may be a secret: never printed.
        f.write_str("Shown(..)")
    }
}

impl Note {
    /// The reader goes to `page` instead of the action's own.
    pub fn at(mut self, page: impl Into<String>) -> Note {
        self.page = Some(page.into());
        self
    }

    /// Lines under the message (every problem of a form, what an import did).
    pub fn with_details(mut self, details: Vec<String>) -> Note {
        self.details = details;
        self
    }

    /// The answer is the page itself, rendered with `once` (read by the page from its context),
    /// instead of a redirect: what it shows is kept nowhere, neither in the session nor in a
    /// cache, so that a reload cannot show it again.
    pub fn showing<T: Clone + Send + Sync + 'static>(mut self, once: T) -> Note {
        self.shown = Some(Shown(Box::new(move |extensions| {
            extensions.insert(once);
        })));
        self
    }
}

impl From<String> for Note {
    fn from(text: String) -> Note {
        Note {
            text,
            page: None,
            details: Vec::new(),
            shown: None,
        }
    }
}

impl From<&'static str> for Note {
    fn from(text: &'static str) -> Note {
        Note::from(text.to_owned())
    }
}

/// How a form's body is read.
pub trait Body: Sized + Send + 'static {
    /// The form, or what to tell the reader when it cannot be read.
    fn read(
        request: Request,
        lang: Lang,
    ) -> impl Future<Output = Result<Self, &'static str>> + Send;

    /// The route's own layers, such as a larger body limit for a file.
    fn layer(route: MethodRouter<AppState>) -> MethodRouter<AppState> {
        route
    }
}

/// The fields of a plain (urlencoded) form. A post without a body type (a button alone) reads as
/// a form with no fields, so its `#[serde(default)]` fields are empty.
pub struct Fields<T>(pub T);

impl<T: DeserializeOwned + Send + 'static> Body for Fields<T> {
    async fn read(request: Request, lang: Lang) -> Result<Self, &'static str> {
        if !request.headers().contains_key(header::CONTENT_TYPE) {
            return serde_urlencoded::from_str("")
                .map(Fields)
                .map_err(|_| unreadable(lang));
        }
        match Form::<T>::from_request(request, &()).await {
            Ok(Form(fields)) => Ok(Fields(fields)),
            Err(_) => Err(unreadable(lang)),
        }
    }
}

impl Body for Upload {
    async fn read(request: Request, lang: Lang) -> Result<Self, &'static str> {
        read_upload(request, lang).await
    }

    /// A file is larger than a form: the upload limit instead of the console's form limit.
    fn layer(route: MethodRouter<AppState>) -> MethodRouter<AppState> {
        route.layer(super::forms::upload_limit())
    }
}

/// A form read field by field, by name: the settings pages, whose fields are checked one by one so
/// that every problem is told at once.
pub type Named = std::collections::HashMap<String, String>;

/// A form of a button alone: whatever it sends is not read.
#[derive(Debug, Default, serde::Deserialize)]
pub struct NoFields {}

/// The "I understand" box of a destructive action: ticked when it was sent as `yes`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Ticked(pub bool);

impl<'de> de::Deserialize<'de> for Ticked {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Ticked, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(Ticked(text == "yes"))
    }
}

/// A form whose only field is the "I understand" box.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Confirmation {
    #[serde(default)]
    pub confirm: Ticked,
}

impl Ticked {
    /// `Ok` when ticked, else the refusal `untick` (which asks to tick it).
    pub fn or(self, untick: &'static str) -> Result<(), Note> {
        if self.0 { Ok(()) } else { Err(untick.into()) }
    }
}

/// A console action: an async function of its context, its address's parameters and its form.
/// Every `async fn(Cx<N>, T, F) -> Reply` is one.
pub trait Run<N, T, F>: Clone + Send + Sync + 'static {
    /// Runs the command: what the reader reads next, `Ok` for done, `Err` for refused or failed.
    fn run(&self, cx: Cx<N>, target: T, form: F) -> impl Future<Output = Reply> + Send;
}

impl<R, Fut, N, T, F> Run<N, T, F> for R
where
    R: Fn(Cx<N>, T, F) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Reply> + Send,
{
    fn run(&self, cx: Cx<N>, target: T, form: F) -> impl Future<Output = Reply> + Send {
        self(cx, target, form)
    }
}

/// Every action's handler: the permission, the form, the command, the way back with a message.
async fn handle<N: Needs, T, F: Body, const P: usize>(
    action: impl Run<N, T, F>,
    form_post: Post<P>,
    state: AppState,
    console: Console<N>,
    target: T,
    params: RawPathParams,
    request: Request,
) -> Response {
    let headers = request.headers().clone();
    let page = page_of(form_post.page(), |name| {
        let mut named = params.iter().filter(|(key, _)| *key == name);
        named.next().map(|(_, value)| value)
    });
    let lang = console.lang;
    let form = match F::read(request, lang).await {
        Ok(form) => form,
        Err(text) => return console.back(&page, FlashKind::Error, text).await,
    };
    let cx_state = state.clone();
    let cx = Cx {
        state,
        lang,
        acting: console.acting(),
        operator: console.operator.clone(),
        session_id: console.session.id().map(|id| id.to_string()),
        needs: PhantomData,
    };
    let (kind, note) = match action.run(cx, target, form).await {
        Ok(note) => (FlashKind::Success, note),
        Err(note) => (FlashKind::Error, note),
    };
    let to = note.page.unwrap_or(page);
    if let Some(Shown(shown)) = note.shown {
        let flash = Flash {
            kind,
            text: note.text,
            details: note.details,
        };
        let current = CurrentOperator(console.operator);
        return crate::http::render_page(&cx_state, headers, &to, current, flash, shown).await;
    }
    back_with_details(&console.session, &to, kind, note.text, note.details).await
}

/// What a page address's parameter may hold as it is: the rest is percent-encoded, so that a
/// value sent encoded (`%2F`, a newline) cannot change the page's path or break the redirect.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The page `pattern` with its `{parameters}` filled in from the posted address's, by name.
fn page_of<'a>(pattern: &str, param: impl Fn(&str) -> Option<&'a str>) -> String {
    posts::fill(pattern, |name, page| {
        page.extend(utf8_percent_encode(
            param(name).unwrap_or_default(),
            SEGMENT,
        ));
    })
}

/// Registers actions on the console's router.
pub trait Actions {
    /// The route of `action`: `form_post`'s address, posted to its handler.
    fn action<N, T, F, const P: usize>(self, form_post: Post<P>, action: impl Run<N, T, F>) -> Self
    where
        N: Needs,
        T: DeserializeOwned + Send + 'static,
        F: Body;
}

impl Actions for Router<AppState> {
    fn action<N, T, F, const P: usize>(self, form_post: Post<P>, action: impl Run<N, T, F>) -> Self
    where
        N: Needs,
        T: DeserializeOwned + Send + 'static,
        F: Body,
    {
        // A page that names a parameter the address does not have would send every reader to a
        // broken address: refused when the router is built, which every test does.
        for name in parameters(form_post.page()) {
            assert!(
                parameters(form_post.path()).any(|known| known == name),
                "the page {} names {{{name}}}, which {} does not have",
                form_post.page(),
                form_post.path(),
            );
        }
        let handler = move |State(state): State<AppState>,
                            console: Console<N>,
                            Path(target): Path<T>,
                            params: RawPathParams,
                            request: Request| {
            let action = action.clone();
            async move { handle(action, form_post, state, console, target, params, request).await }
        };
        self.route(form_post.path(), F::layer(post(handler)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_box_is_ticked_only_by_yes() {
        let read = |body: &str| {
            serde_urlencoded::from_str::<Confirmation>(body)
                .expect("readable")
                .confirm
        };
        assert_eq!(read("confirm=yes"), Ticked(true));
        assert_eq!(read("confirm=no"), Ticked(false));
        assert_eq!(read("confirm="), Ticked(false));
        assert_eq!(read(""), Ticked(false));
    }

    #[test]
    fn the_page_is_filled_in_by_name_and_encoded() {
        let params = [("kind", "orders"), ("id", "lic_1")];
        let param = |name: &str| params.iter().find(|(key, _)| *key == name).map(|(_, v)| *v);
        assert_eq!(page_of("/licences/{id}", param), "/licences/lic_1");
        assert_eq!(page_of("/stuck", param), "/stuck");
        assert_eq!(page_of("/{kind}/{id}/x", param), "/orders/lic_1/x");
        let sent = |value: &'static str| move |_: &str| Some(value);
        assert_eq!(
            page_of("/licences/{id}", sent("a/../../x?y#z")),
            "/licences/a%2F..%2F..%2Fx%3Fy%23z"
        );
        assert_eq!(
            page_of("/licences/{id}", sent("a\r\nb")),
            "/licences/a%0D%0Ab"
        );
    }
}
