//! What the console's handlers share: the operator allowed what the action needs, with their
//! language and request id ([`Console`]), the way back to a page with a flash message
//! (post/redirect/get), and reading an uploaded file. The actions themselves go through
//! [`super::action`].

use fleetdesk_vocab::Text;
use std::marker::PhantomData;

use axum::extract::multipart::MultipartError;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use fleetdesk_app::i18n::Lang;
use fleetdesk_app::model::FlashKind;
use fleetdesk_core::access::Needs;
use fleetdesk_core::audit::Actor;
use fleetdesk_core::licences::Acting;
use fleetdesk_core::operators::{CurrentOperator, Operator};

/// The operator behind a console form, allowed what the action needs (`P`, see
/// `fleetdesk_core::access`), with what every form handler uses: the session (for the message on
/// the next page), the reader's language and the request id. A role without the permission is
/// refused with 403 in the reader's language before the form is read.
pub struct Console<P> {
    pub operator: Operator,
    pub session: Session,
    pub lang: Lang,
    pub request_id: Option<String>,
    needs: PhantomData<P>,
}

impl<P> Console<P> {
    /// The operator as the audit log names them.
    pub fn actor(&self) -> Actor {
        Actor::operator(self.operator.id.as_str(), &self.operator.login)
    }

    /// Who acts and the request that carried it, for the domain services.
    pub fn acting(&self) -> Acting {
        Acting {
            actor: self.actor(),
            request_id: self.request_id.clone(),
        }
    }

    /// Back to `page`, with a message for it.
    pub async fn back(&self, page: &str, kind: FlashKind, text: impl Into<String>) -> Response {
        back(&self.session, page, kind, text).await
    }
}

impl<P: Needs, S: Send + Sync> FromRequestParts<S> for Console<P> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let lang = lang_of(&parts.headers);
        // The authentication layer puts the operator there for every signed-in request.
        let Some(CurrentOperator(operator)) = parts.extensions.get::<CurrentOperator>().cloned()
        else {
            return Err((StatusCode::UNAUTHORIZED, lang.t(Text::SignInFirst)).into_response());
        };
        if !P::PERMISSION.allows(operator.role) {
            tracing::warn!(
                operator.id = %operator.id,
                path = %parts.uri.path(),
                needs = ?P::PERMISSION,
                "refused a console action the operator's role does not allow"
            );
            let refusal = lang.t(P::PERMISSION.refusal());
            return Err((StatusCode::FORBIDDEN, refusal).into_response());
        }
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let request_id = super::request_id_in(&parts.extensions);
        Ok(Console {
            operator,
            session,
            lang,
            request_id,
            needs: PhantomData,
        })
    }
}

use super::set_flash;

/// The language of the operator sending a form, for the message they will read next.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    let header = |name| headers.get(name).and_then(|value| value.to_str().ok());
    Lang::of_headers(header(header::COOKIE), header(header::ACCEPT_LANGUAGE))
}

/// The message for a change that failed on the server's side.
pub fn not_saved(lang: Lang) -> &'static str {
    lang.t(Text::TheChangeCouldNotBeSaved)
}

/// The message for a form body that could not be read.
pub fn unreadable(lang: Lang) -> &'static str {
    lang.t(Text::TheFormCouldNotBeRead)
}

/// Back to `page`, with a message for it.
pub async fn back(
    session: &Session,
    page: &str,
    kind: FlashKind,
    text: impl Into<String>,
) -> Response {
    set_flash(session, kind, text).await;
    Redirect::to(page).into_response()
}

/// Back to `page` with a message and lines under it.
pub async fn back_with_details(
    session: &Session,
    page: &str,
    kind: FlashKind,
    text: impl Into<String>,
    details: Vec<String>,
) -> Response {
    super::auth::set_flash_with_details(session, kind, text, details).await;
    Redirect::to(page).into_response()
}

/// An error message as a sentence: capital first letter, final full stop.
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// A form's fields by name, as a settings form is read: for tests of the forms' parsing.
#[cfg(test)]
pub fn fields(pairs: &[(&str, &str)]) -> std::collections::HashMap<String, String> {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

/// The request body limit of a file upload: the largest bulk file, and room for the form around
/// it (a console form's own limit is `CONSOLE_FORM_LIMIT`).
pub fn upload_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(fleetdesk_core::licences::bulk::MAX_BYTES + 64 * 1024)
}

/// A multipart form with one file: its other fields, and the file's name and text.
#[derive(Debug, Default)]
pub struct Upload {
    pub fields: std::collections::HashMap<String, String>,
    pub file_name: String,
    pub text: String,
}

/// Reads a multipart form whose file field is `file`, or says why it cannot be used: no file, a
/// file that is not UTF-8 text, one larger than the route allows, or an upload cut short.
pub async fn read_upload(request: Request, lang: Lang) -> Result<Upload, &'static str> {
    let unreadable_file = lang.t(Text::TheFileCouldNotBeRead);
    let too_large = lang.t(Text::TheFileIsTooLargeSplit);
    let choose = lang.t(Text::ChooseACsvFile);
    let read_error = |error: MultipartError| {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large
        } else {
            unreadable_file
        }
    };
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|_| unreadable_file)?;
    let mut upload = Upload::default();
    let mut found = false;
    while let Some(field) = multipart.next_field().await.map_err(read_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            upload.file_name = field.file_name().unwrap_or_default().to_owned();
            let bytes = field.bytes().await.map_err(read_error)?;
            if bytes.is_empty() {
                return Err(choose);
            }
            upload.text =
                String::from_utf8(bytes.to_vec()).map_err(|_| lang.t(Text::FileNotUtf8))?;
            found = true;
        } else {
            let value = field.text().await.map_err(read_error)?;
            upload.fields.insert(name, value);
        }
    }
    if found { Ok(upload) } else { Err(choose) }
}

#[cfg(test)]
mod tests {
    use super::sentence;

    #[test]
    fn error_messages_read_as_sentences() {
        assert_eq!(sentence("no such offering"), "No such offering.");
        assert_eq!(sentence(""), "");
    }
}
