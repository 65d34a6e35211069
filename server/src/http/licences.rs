//! Console form handlers for the partner's own changes to a licence (operators and
//! administrators): assign or change the end user, remove it, replace a realizing resource, renew
//! the login. The domain service writes the change, its audit entry and Orange's event in one
//! transaction; here the form is read, the delivery worker woken, and the reader sent back to the
//! licence with a message in their language.

use axum::Form;
use axum::extract::{FromRequest, Path, Request, State};
use axum::response::Response;
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
            return back(
                session,
                LIST,
                FlashKind::Error,
                lang.t("No such licence.", "Licence introuvable."),
            )
            .await;
        }
        ChangeError::Terminated => lang.t(
            "This licence is terminated: it is kept for history and can no longer change.",
            "Cette licence est résiliée : elle est conservée pour l’historique et ne peut plus changer.",
        ),
        ChangeError::OperationInProgress => lang.t(
            "An operation from Orange is in progress on this licence; try again once it is done.",
            "Une opération d’Orange est en cours sur cette licence ; réessayez une fois terminée.",
        ),
        ChangeError::EndUser(EndUserError::GivenName) => {
            lang.t("The given name is required.", "Le prénom est obligatoire.")
        }
        ChangeError::EndUser(EndUserError::FamilyName) => lang.t(
            "The family name is required.",
            "Le nom de famille est obligatoire.",
        ),
        ChangeError::EndUser(EndUserError::Email) => lang.t(
            "The e-mail address is not valid.",
            "L’adresse e-mail n’est pas valide.",
        ),
        ChangeError::EndUser(EndUserError::Mobile) => lang.t(
            "The mobile number needs both a country code (1 to 3 digits) and a number (up to 14 digits), or neither.",
            "Le mobile demande un indicatif (1 à 3 chiffres) et un numéro (14 chiffres au plus), ou aucun des deux.",
        ),
        ChangeError::NoEndUser => lang.t(
            "The licence has no end user to remove.",
            "La licence n’a pas d’utilisateur final à retirer.",
        ),
        ChangeError::UnknownResource => lang.t(
            "This realizing resource does not belong to the licence.",
            "Cette ressource n’appartient pas à la licence.",
        ),
        ChangeError::InvalidResource(kind, _) => invalid_resource(*kind, lang),
        ChangeError::Unchanged => lang.t(
            "Nothing changed: that is already the current value.",
            "Rien n’a changé : c’est déjà la valeur actuelle.",
        ),
        ChangeError::Db(_) => {
            tracing::error!(error = %error, licence.id = %id, "failed to change a licence");
            lang.t(
                "The change could not be saved; please try again.",
                "La modification n’a pas pu être enregistrée ; veuillez réessayer.",
            )
        }
    };
    back(session, &page, FlashKind::Error, text).await
}

fn invalid_resource(kind: ResourceType, lang: Lang) -> &'static str {
    match kind {
        ResourceType::Msisdn => lang.t(
            "Not a valid MSISDN: use the international format, + then 8 to 15 digits (e.g. +33612345678). Nothing was changed.",
            "MSISDN non valide : utilisez le format international, + puis 8 à 15 chiffres (par ex. +33612345678). Rien n’a été modifié.",
        ),
        ResourceType::Imei => lang.t(
            "Not a valid IMEI: 15 digits ending with a valid Luhn check digit. Nothing was changed.",
            "IMEI non valide : 15 chiffres terminés par une clé de Luhn valide. Rien n’a été modifié.",
        ),
        ResourceType::Email => lang.t(
            "Not a valid e-mail address. Nothing was changed.",
            "Adresse e-mail non valide. Rien n’a été modifié.",
        ),
        ResourceType::Url => lang.t(
            "Not a valid URL: it starts with http:// or https:// and names a host. Nothing was changed.",
            "URL non valide : elle commence par http:// ou https:// et nomme un hôte. Rien n’a été modifié.",
        ),
        ResourceType::None => lang.t(
            "This offering's licences carry no realizing resource.",
            "Les licences de cette offre n’ont pas de ressource.",
        ),
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
            let text = lang.t(
                "End user saved. Orange will be told.",
                "Utilisateur final enregistré. Orange en sera informé.",
            );
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
    let untick = lang.t(
        "Tick “I understand” to remove the end user.",
        "Cochez « Je comprends » pour retirer l’utilisateur final.",
    );
    if let Some(sent_back) =
        refuse_unconfirmed(request, &console.session, &page, lang, untick).await
    {
        return sent_back;
    }
    match licences::remove_end_user(&state.db, &id, &acting).await {
        Ok(_) => {
            state.delivery.notify_one();
            let text = lang.t(
                "End user removed. Orange will be told.",
                "Utilisateur final retiré. Orange en sera informé.",
            );
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
            let text = match (lang, changed.licences.len()) {
                (Lang::En, 1) => "Realizing resource replaced. Orange will be told.".to_owned(),
                (Lang::Fr, 1) => "Ressource remplacée. Orange en sera informé.".to_owned(),
                (Lang::En, n) => format!(
                    "Shared realizing resource replaced on {n} licences. Orange will be told of each."
                ),
                (Lang::Fr, n) => format!(
                    "Ressource partagée remplacée sur {n} licences. Orange sera informé pour chacune."
                ),
            };
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
    let untick = lang.t(
        "Tick “I understand” to renew the login.",
        "Cochez « Je comprends » pour renouveler l’identifiant.",
    );
    if let Some(sent_back) =
        refuse_unconfirmed(request, &console.session, &page, lang, untick).await
    {
        return sent_back;
    }
    match licences::renew_login(&state.db, &id, &acting).await {
        Ok(changed) => {
            state.delivery.notify_one();
            let login = changed.login.unwrap_or_default();
            let text = match lang {
                Lang::En => format!("New login: {login}. Orange will be told."),
                Lang::Fr => format!("Nouvel identifiant : {login}. Orange en sera informé."),
            };
            console.back(&page, FlashKind::Success, text).await
        }
        Err(error) => refused(&console.session, lang, &id, error).await,
    }
}
