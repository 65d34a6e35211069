//! Console form handlers for the partner's own changes to a licence (operators and
//! administrators): assign or change the end user, remove it, replace a realizing resource, renew
//! the login. The domain service writes the change, its audit entry and Orange's event in one
//! transaction; here the form is read, the delivery worker woken, and the reader sent back to the
//! licence with a message in their language.

use axum::Form;
use axum::extract::{FromRequest, Path, Request, State};
use axum::response::Response;
use fleetdesk_vocab::{Text, say};
use serde::Deserialize;
use tower_sessions::Session;

use fleetdesk_app::i18n::Lang;
use fleetdesk_app::model::FlashKind;
use fleetdesk_core::access::ChangeData;
use fleetdesk_core::licences::{self, ChangeError, EndUser, EndUserError};
use fleetdesk_core::resources::ResourceType;

use super::forms::{Console, back, refuse_unconfirmed, unreadable};
use crate::state::AppState;

const LIST: &str = "/licences";

pub(super) fn licence_page(id: &str) -> String {
    format!("{LIST}/{id}")
}

/// What a refused or failed change says, and where the reader goes.
async fn refused(session: &Session, lang: Lang, id: &str, error: ChangeError) -> Response {
    let page = licence_page(id);
    let text = match &error {
        ChangeError::NotFound => {
            return back(session, LIST, FlashKind::Error, lang.t(Text::NoSuchLicence)).await;
        }
        ChangeError::Terminated => lang.t(Text::ThisLicenceIsTerminatedItIs),
        ChangeError::OperationInProgress => lang.t(Text::LicenceRetryAfterOrange),
        ChangeError::EndUser(EndUserError::GivenName) => lang.t(Text::TheGivenNameIsRequired),
        ChangeError::EndUser(EndUserError::FamilyName) => lang.t(Text::TheFamilyNameIsRequired),
        ChangeError::EndUser(EndUserError::Email) => lang.t(Text::TheEMailAddressIsNot),
        ChangeError::EndUser(EndUserError::Mobile) => lang.t(Text::TheMobileNumberNeedsBothA),
        ChangeError::NoEndUser => lang.t(Text::TheLicenceHasNoEndUser),
        ChangeError::UnknownResource => lang.t(Text::ThisRealizingResourceDoesNotBelong),
        ChangeError::InvalidResource(kind, _) => invalid_resource(*kind, lang),
        ChangeError::Unchanged => lang.t(Text::NothingChangedThatIsAlreadyThe),
        ChangeError::Db(_) => {
            tracing::error!(error = %error, licence.id = %id, "failed to change a licence");
            lang.t(Text::TheChangeCouldNotBeSaved)
        }
    };
    back(session, &page, FlashKind::Error, text).await
}

fn invalid_resource(kind: ResourceType, lang: Lang) -> &'static str {
    match kind {
        ResourceType::Msisdn => lang.t(Text::NotAValidMsisdnUseThe),
        ResourceType::Imei => lang.t(Text::NotAValidImei15Digits),
        ResourceType::Email => lang.t(Text::NotAValidEMailAddress),
        ResourceType::Url => lang.t(Text::NotAValidUrlItStarts),
        ResourceType::None => lang.t(Text::ThisOfferingsLicencesCarryNoRealizing),
    }
}

#[derive(Debug, Deserialize)]
pub struct EndUserForm {
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    mobile_cc: String,
    #[serde(default)]
    mobile_sn: String,
}

/// `POST /console/licences/{id}/end-user`: assigns the end user, or changes it.
pub async fn set_end_user(
    State(state): State<AppState>,
    console: Console<ChangeData>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let acting = console.acting();
    let page = licence_page(&id);
    let Ok(Form(form)) = Form::<EndUserForm>::from_request(request, &state).await else {
        return console
            .back(&page, FlashKind::Error, unreadable(lang))
            .await;
    };
    let end_user = match EndUser::parse(
        &form.given_name,
        &form.family_name,
        &form.email,
        &form.mobile_cc,
        &form.mobile_sn,
    ) {
        Ok(end_user) => end_user,
        Err(error) => return refused(&console.session, lang, &id, error.into()).await,
    };
    match licences::set_end_user(&state.db, &id, &end_user, &acting).await {
        Ok(_) => {
            state.delivery.notify_one();
            let text = lang.t(Text::EndUserSavedOrangeWillBe);
            console.back(&page, FlashKind::Success, text).await
        }
        Err(error) => refused(&console.session, lang, &id, error).await,
    }
}

/// `POST /console/licences/{id}/end-user/remove`: removes the end user, once confirmed.
pub async fn remove_end_user(
    State(state): State<AppState>,
    console: Console<ChangeData>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let acting = console.acting();
    let page = licence_page(&id);
    let untick = lang.t(Text::TickIUnderstandToRemoveThe);
    if let Some(sent_back) =
        refuse_unconfirmed(request, &console.session, &page, lang, untick).await
    {
        return sent_back;
    }
    match licences::remove_end_user(&state.db, &id, &acting).await {
        Ok(_) => {
            state.delivery.notify_one();
            let text = lang.t(Text::EndUserRemovedOrangeWillBe);
            console.back(&page, FlashKind::Success, text).await
        }
        Err(error) => refused(&console.session, lang, &id, error).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct ResourceForm {
    #[serde(default)]
    value: String,
}

/// `POST /console/licences/{id}/resources/{resource_id}`: replaces a realizing resource's value
/// (a shared one changes for every licence it realizes).
pub async fn replace_resource(
    State(state): State<AppState>,
    console: Console<ChangeData>,
    Path((id, resource_id)): Path<(String, String)>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let acting = console.acting();
    let page = licence_page(&id);
    let Ok(Form(form)) = Form::<ResourceForm>::from_request(request, &state).await else {
        return console
            .back(&page, FlashKind::Error, unreadable(lang))
            .await;
    };
    match licences::replace_resource(&state.db, &id, &resource_id, &form.value, &acting).await {
        Ok(changed) => {
            state.delivery.notify_one();
            let text = say::resource_replaced(lang, changed.licences.len());
            console.back(&page, FlashKind::Success, text).await
        }
        Err(error) => refused(&console.session, lang, &id, error).await,
    }
}

/// `POST /console/licences/{id}/login/renew`: gives the licence a new login, once confirmed.
pub async fn renew_login(
    State(state): State<AppState>,
    console: Console<ChangeData>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let acting = console.acting();
    let page = licence_page(&id);
    let untick = lang.t(Text::TickIUnderstandToRenewThe);
    if let Some(sent_back) =
        refuse_unconfirmed(request, &console.session, &page, lang, untick).await
    {
        return sent_back;
    }
    match licences::renew_login(&state.db, &id, &acting).await {
        Ok(changed) => {
            state.delivery.notify_one();
            let login = changed.login.unwrap_or_default();
            let text = say::new_login_orange_told(lang, &login);
            console.back(&page, FlashKind::Success, text).await
        }
        Err(error) => refused(&console.session, lang, &id, error).await,
    }
}
