//! Console form handlers for the offering catalogue (administrators): add, edit, retire, bring
//! back, and import a CSV file (multipart upload). Each redirects with a flash message.

use fleetdesk_vocab::OfferingId;
use fleetdesk_vocab::{Text, say};
use serde::Deserialize;

use fleetdesk_app::i18n::Lang;
use fleetdesk_core::access::Administer;
use fleetdesk_core::offerings::{self, OfferingError, OfferingInput};

use super::action::{Cx, Fields, NoFields, Note, Reply};
use super::forms::{Upload, not_saved, sentence};
use crate::offering_import;

const PAGE: &str = "/offerings";

/// The fields of the add and edit forms; absent ones read as empty, so the domain's checks
/// name what is missing.
#[derive(Debug, Deserialize)]
pub struct OfferingForm {
    #[serde(default)]
    offer_code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    resource_type: String,
    #[serde(default)]
    resource_scope: String,
    #[serde(default)]
    login_format: String,
    #[serde(default)]
    provisioning: String,
}

impl From<OfferingForm> for OfferingInput {
    fn from(form: OfferingForm) -> Self {
        OfferingInput {
            offer_code: form.offer_code,
            name: form.name,
            resource_type: form.resource_type,
            resource_scope: form.resource_scope,
            login_format: form.login_format,
            provisioning: form.provisioning,
        }
    }
}

/// The message for a refused change; server-side failures are logged, not shown. The catalogue's
/// own checks speak English (they also serve the command line and the import report).
fn refusal(error: &OfferingError, lang: Lang) -> Note {
    match error {
        OfferingError::Db(error) => {
            tracing::error!(error = %error, "failed to change the offering catalogue");
            not_saved(lang).into()
        }
        OfferingError::Invalid(invalid) => {
            sentence(&offering_import::invalid_text(invalid, lang)).into()
        }
        OfferingError::CodeTaken => lang.t(Text::AnOfferingWithThisOfferCode).into(),
        OfferingError::NotFound => lang.t(Text::NoSuchOffering).into(),
    }
}

/// `POST /console/offerings`: adds an offering.
pub async fn create(cx: Cx<Administer>, _: (), Fields(form): Fields<OfferingForm>) -> Reply {
    let created = offerings::create(&cx.state.db, &cx.acting, &form.into())
        .await
        .map_err(|error| refusal(&error, cx.lang))?;
    Ok(say::offering_added(cx.lang, &created.offer_code).into())
}

/// `POST /console/offerings/{id}`: changes an offering.
pub async fn update(
    cx: Cx<Administer>,
    id: OfferingId,
    Fields(form): Fields<OfferingForm>,
) -> Reply {
    match offerings::update(&cx.state.db, &cx.acting, &id, &form.into()).await {
        Ok(after) => Ok(Note::from(say::offering_saved(cx.lang, &after.offer_code)).at(PAGE)),
        // Gone meanwhile: back to the list, which no longer shows it.
        Err(error @ OfferingError::NotFound) => Err(refusal(&error, cx.lang).at(PAGE)),
        Err(error) => Err(refusal(&error, cx.lang)),
    }
}

/// `POST /console/offerings/{id}/retire` (`RETIRED`): no new licence of it can be ordered;
/// `POST /console/offerings/{id}/restore`: a retired offering can be ordered again.
pub async fn set_retired<const RETIRED: bool>(
    cx: Cx<Administer>,
    id: OfferingId,
    _: Fields<NoFields>,
) -> Reply {
    let after = offerings::set_retired(&cx.state.db, &cx.acting, &id, RETIRED)
        .await
        .map_err(|error| refusal(&error, cx.lang))?;
    let code = &after.offer_code;
    Ok(if RETIRED {
        say::offering_retired(cx.lang, code)
    } else {
        say::offering_brought_back(cx.lang, code)
    }
    .into())
}

/// `POST /console/offerings/import` (multipart, field `file`): imports a CSV catalogue, all or
/// nothing.
pub async fn import(cx: Cx<Administer>, _: (), upload: Upload) -> Reply {
    let lang = cx.lang;
    let report = offering_import::import(&cx.state.db, &upload.text, &cx.acting)
        .await
        .map_err(|error| refusal(&error, lang))?;
    if !report.errors.is_empty() {
        let count = report.errors.len();
        let note = Note::from(say::import_nothing_imported(lang, count));
        return Err(note.with_details(offering_import::error_lines(&report, lang)));
    }
    let mut details = Vec::new();
    if !report.created.is_empty() {
        let label = lang.t(Text::OfferingsCreated);
        details.push(format!("{label} {}", report.created.join(", ")));
    }
    if !report.updated.is_empty() {
        let label = lang.t(Text::OfferingsUpdated);
        details.push(format!("{label} {}", report.updated.join(", ")));
    }
    let summary = offering_import::summary(&report, lang);
    Ok(Note::from(summary).with_details(details))
}
