//! The partner's own changes to a licence (operators and administrators): assign or change the
//! end user, remove it, replace a realizing resource, renew the login. The domain service writes
//! the change, its audit entry and Orange's event in one transaction; here the form is read, the
//! delivery worker woken, and what happened said in the reader's language.

use fleetdesk_vocab::{EndUser, EndUserError, ResourceType, Text, say};
use fleetdesk_vocab::{LicenceId, ResourceId};
use serde::Deserialize;

use fleetdesk_app::i18n::Lang;
use fleetdesk_core::access::ChangeData;
use fleetdesk_core::licences::{self, ChangeError};

use super::action::{Confirmation, Cx, Fields, Note, Reply};

const LIST: &str = "/licences";

/// What a refused or failed change says (a licence gone meanwhile sends the reader to the list).
fn refused(lang: Lang, id: &LicenceId, error: ChangeError) -> Note {
    let text = match &error {
        ChangeError::NotFound => return Note::from(lang.t(Text::NoSuchLicence)).at(LIST),
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
    text.into()
}

pub(super) fn invalid_resource(kind: ResourceType, lang: Lang) -> &'static str {
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
    cx: Cx<ChangeData>,
    id: LicenceId,
    Fields(form): Fields<EndUserForm>,
) -> Reply {
    let lang = cx.lang;
    let end_user = EndUser::parse(
        &form.given_name,
        &form.family_name,
        &form.email,
        &form.mobile_cc,
        &form.mobile_sn,
    )
    .map_err(|error| refused(lang, &id, error.into()))?;
    licences::set_end_user(&cx.state.db, &id, &end_user, &cx.acting)
        .await
        .map_err(|error| refused(lang, &id, error))?;
    cx.state.delivery.notify_one();
    Ok(cx.t(Text::EndUserSavedOrangeWillBe).into())
}

/// `POST /console/licences/{id}/end-user/remove`: removes the end user, once confirmed.
pub async fn remove_end_user(
    cx: Cx<ChangeData>,
    id: LicenceId,
    Fields(form): Fields<Confirmation>,
) -> Reply {
    form.confirm.or(cx.t(Text::TickIUnderstandToRemoveThe))?;
    licences::remove_end_user(&cx.state.db, &id, &cx.acting)
        .await
        .map_err(|error| refused(cx.lang, &id, error))?;
    cx.state.delivery.notify_one();
    Ok(cx.t(Text::EndUserRemovedOrangeWillBe).into())
}

#[derive(Debug, Deserialize)]
pub struct ResourceForm {
    #[serde(default)]
    value: String,
}

/// `POST /console/licences/{id}/resources/{resource_id}`: replaces a realizing resource's value
/// (a shared one changes for every licence it realizes).
pub async fn replace_resource(
    cx: Cx<ChangeData>,
    (id, resource_id): (LicenceId, ResourceId),
    Fields(form): Fields<ResourceForm>,
) -> Reply {
    let changed =
        licences::replace_resource(&cx.state.db, &id, &resource_id, &form.value, &cx.acting)
            .await
            .map_err(|error| refused(cx.lang, &id, error))?;
    cx.state.delivery.notify_one();
    Ok(say::resource_replaced(cx.lang, changed.licences.len()).into())
}

/// `POST /console/licences/{id}/login/renew`: gives the licence a new login, once confirmed.
pub async fn renew_login(
    cx: Cx<ChangeData>,
    id: LicenceId,
    Fields(form): Fields<Confirmation>,
) -> Reply {
    form.confirm.or(cx.t(Text::TickIUnderstandToRenewThe))?;
    let changed = licences::renew_login(&cx.state.db, &id, &cx.acting)
        .await
        .map_err(|error| refused(cx.lang, &id, error))?;
    cx.state.delivery.notify_one();
    let login = changed.login.unwrap_or_default();
    Ok(say::new_login_orange_told(cx.lang, &login).into())
}
