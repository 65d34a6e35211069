//! The one way a console form reaches core. An [`Action`] names where its form posts, what the
//! operator must be allowed, the page the reader comes back to, and runs one core command;
//! [`handle`] does the rest, the same for every action: the permission (checked before the form
//! is read, refused with 403 in the reader's language), the form, the acting party for the audit
//! log, and the answer, a redirect with a message (post/redirect/get), so that every form works
//! the same with and without JavaScript. A route is one line: `.action::<licences::SetEndUser>()`.
//!
//! Why typed handlers and not Leptos server actions: every form already posts as a plain form and
//! works without JavaScript; keeping plain posts changes no page and no browser flow, and the
//! extractor refuses a role before anything is read.

use std::future::Future;

use axum::Form;
use axum::Router;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::header;
use axum::response::Response;
use axum::routing::{MethodRouter, post};
use fleetdesk_vocab::Text;
use serde::de::{self, DeserializeOwned, Deserializer};

use fleetdesk_app::i18n::Lang;
use fleetdesk_app::model::FlashKind;
use fleetdesk_core::access::Needs;
use fleetdesk_core::audit::Acting;
use fleetdesk_core::operators::Operator;

use super::forms::{Console, Upload, back_with_details, read_upload, unreadable};
use crate::state::AppState;

/// A console action: a form and the core command it runs.
pub trait Action: Send + 'static {
    /// Where the form posts: an axum path whose `{parameters}` are read into [`Self::Target`].
    const PATH: &'static str;
    /// What the operator must be allowed (`fleetdesk_core::access`).
    type Needs: Needs;
    /// The address's parameters: `()`, the id of what it acts on (`LicenceId`), or a tuple.
    type Target: DeserializeOwned + Send + 'static;
    /// What the form carries: [`Fields`] of a plain form, or an [`Upload`].
    type Form: Body;
    /// The page the reader goes back to, unless the answer names another.
    fn page(target: &Self::Target) -> String;
    /// Runs the command: what the reader reads next, `Ok` for done, `Err` for refused or failed.
    fn run(cx: Cx, target: Self::Target, form: Self::Form) -> impl Future<Output = Reply> + Send;
    /// The route's own layers, such as a larger body limit for a file.
    fn layer(route: MethodRouter<AppState>) -> MethodRouter<AppState> {
        route
    }
}

/// What an action has to work with besides its form.
pub struct Cx {
    pub state: AppState,
    pub lang: Lang,
    /// Who acts and the request that carried it, for the audit log.
    pub acting: Acting,
    pub operator: Operator,
    /// The asking session, for the actions that end sessions.
    pub session_id: Option<String>,
}

impl Cx {
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
}

impl From<String> for Note {
    fn from(text: String) -> Note {
        Note {
            text,
            page: None,
            details: Vec::new(),
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
}

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

/// Every action's handler: the permission, the form, the command, the way back with a message.
pub async fn handle<A: Action>(
    State(state): State<AppState>,
    console: Console<A::Needs>,
    Path(target): Path<A::Target>,
    request: Request,
) -> Response {
    let page = A::page(&target);
    let lang = console.lang;
    let form = match A::Form::read(request, lang).await {
        Ok(form) => form,
        Err(text) => return console.back(&page, FlashKind::Error, text).await,
    };
    let cx = Cx {
        state,
        lang,
        acting: console.acting(),
        operator: console.operator.clone(),
        session_id: console.session.id().map(|id| id.to_string()),
    };
    let (kind, note) = match A::run(cx, target, form).await {
        Ok(note) => (FlashKind::Success, note),
        Err(note) => (FlashKind::Error, note),
    };
    let to = note.page.unwrap_or(page);
    back_with_details(&console.session, &to, kind, note.text, note.details).await
}

/// Registers actions on the console's router.
pub trait Actions {
    /// The route of `A`: its path, posted to its handler.
    fn action<A: Action>(self) -> Self;
}

impl Actions for Router<AppState> {
    fn action<A: Action>(self) -> Self {
        self.route(A::PATH, A::layer(post(handle::<A>)))
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
}
