//! `POST /auth/lang`: remembers the console language a reader chose (a cookie kept a year) and goes
//! back to the page they were on. Open to everyone, signed in or not, so the sign-in page has it too.

use axum::extract::{Form, State};
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use fleetdesk_app::i18n::Lang;

use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct LangForm {
    lang: String,
    #[serde(default)]
    back: String,
}

const YEAR_SECONDS: u32 = 365 * 24 * 3600;

pub async fn choose(State(state): State<AppState>, Form(form): Form<LangForm>) -> Response {
    let back = super::redirect::local_or_default(&form.back, &state.config.public_url);
    let Some(lang) = Lang::parse(&form.lang) else {
        return Redirect::to(&back).into_response();
    };
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{}={}; Path=/; Max-Age={YEAR_SECONDS}; SameSite=Lax; HttpOnly{secure}",
        Lang::COOKIE,
        lang.code()
    );
    ([(SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}
