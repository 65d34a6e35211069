//! The provisioning webhook from the console (administrators): its settings, and a new signing
//! secret. Rotating answers with the settings page itself, showing the new secret once, uncached:
//! the secret is stored sealed, never parked in the session, logged nor written to the audit log.

use std::collections::HashMap;

use fleetdesk_vocab::{Text, listed, say};
use serde::Deserialize;

use fleetdesk_app::i18n::Lang;
use fleetdesk_app::model::GeneratedSecret;
use fleetdesk_core::access::Administer;
use fleetdesk_core::provisioning::webhook::{self, WebhookInput, WebhookSettingsError};

use super::action::{Cx, Fields, Named, Note, Reply};
use super::forms::not_saved;

/// A refusal in the reader's words; `None` for a failure of the server's (logged by the caller).
fn refusal(error: &WebhookSettingsError, lang: Lang) -> Option<String> {
    Some(
        lang.t(match error {
            WebhookSettingsError::NotAUrl => Text::TheWebhookUrlIsNotA,
            WebhookSettingsError::NotHttps => Text::TheWebhookUrlMustStartWith,
            WebhookSettingsError::Timeout => Text::TheWebhookTimeoutMustBe1,
            WebhookSettingsError::Overlap => Text::TheOverlapMustBe0To,
            WebhookSettingsError::NoSecretKey => Text::NoFleetdeskSecretKeyIsConfigured,
            WebhookSettingsError::CallbackNeedsAsync(operations) => {
                return Some(say::callback_needs_async(lang, listed(operations, lang)));
            }
            WebhookSettingsError::Db(_) => return None,
        })
        .to_owned(),
    )
}

/// The settings form: the URL, the timeout and whether the product calls back (`yes`/`no`); the
/// problems in words when it cannot be read as such.
fn parse(form: &HashMap<String, String>, lang: Lang) -> Result<WebhookInput, Vec<String>> {
    let field = |name: &str| form.get(name).map_or("", |v| v.trim());
    let mut problems = Vec::new();
    let timeout_seconds = field("timeout_seconds").parse::<u64>().unwrap_or_else(|_| {
        problems.push(lang.t(Text::TheWebhookTimeoutMustBe1).to_owned());
        0
    });
    let await_callback = match field("await_callback") {
        "yes" => true,
        "no" | "" => false,
        _ => {
            problems.push(lang.t(Text::TheFormCouldNotBeRead).to_owned());
            false
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(WebhookInput {
        url: field("url").to_owned(),
        timeout_seconds,
        await_callback,
    })
}

/// `POST /console/settings/provisioning`: the webhook's URL, timeout and variant.
pub async fn save(cx: Cx<Administer>, _: (), Fields(form): Fields<Named>) -> Reply {
    let lang = cx.lang;
    let heading = || Note::from(lang.t(Text::TheProvisioningSettingsWereNotSaved));
    let input = parse(&form, lang).map_err(|problems| heading().with_details(problems))?;
    match webhook::save(&cx.state.db, &input, &cx.acting).await {
        Ok(()) => {
            // Webhooks that waited for a URL may go now.
            cx.state.delivery.notify_one();
            let configured = webhook::load(&cx.state.db)
                .await
                .is_ok_and(|settings| settings.is_configured());
            Ok(if configured {
                cx.t(Text::ProvisioningSettingsSaved)
            } else {
                cx.t(Text::ProvisioningSettingsSavedWebhooksWait)
            }
            .into())
        }
        Err(error) => match refusal(&error, lang) {
            Some(problem) => Err(heading().with_details(vec![problem])),
            None => {
                tracing::error!(error = %error, "failed to save the provisioning settings");
                Err(not_saved(lang).into())
            }
        },
    }
}

#[derive(Debug, Deserialize)]
pub struct RotateForm {
    #[serde(default)]
    overlap_minutes: String,
}

/// `POST /settings/provisioning`: a new signing secret, the previous one signing beside it for the
/// overlap asked; answered with the settings page showing the new secret once.
pub async fn rotate(cx: Cx<Administer>, _: (), Fields(form): Fields<RotateForm>) -> Reply {
    let lang = cx.lang;
    let Ok(overlap_minutes) = form.overlap_minutes.trim().parse::<u32>() else {
        return Err(lang.t(Text::TheOverlapMustBe0To).into());
    };
    let secret = webhook::rotate_secret(&cx.state.db, overlap_minutes, &cx.acting)
        .await
        .map_err(|error| {
            if matches!(
                error,
                WebhookSettingsError::Db(_) | WebhookSettingsError::NoSecretKey
            ) {
                tracing::error!(error = %error, "failed to rotate the webhook signing secret");
            }
            refusal(&error, lang).unwrap_or_else(|| not_saved(lang).to_owned())
        })?;
    tracing::info!(overlap_minutes, "webhook signing secret rotated");
    let text = cx.t(Text::ANewSigningSecretWasGenerated);
    Ok(Note::from(text).showing(GeneratedSecret { secret }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::forms::fields as form;

    #[test]
    fn the_form_reads_as_the_webhook_input() {
        let read = parse(
            &form(&[
                ("url", " https://product.example/hook "),
                ("timeout_seconds", "15"),
                ("await_callback", "yes"),
            ]),
            Lang::En,
        )
        .expect("valid");
        assert_eq!(
            read,
            WebhookInput {
                url: "https://product.example/hook".into(),
                timeout_seconds: 15,
                await_callback: true,
            }
        );
        let plain = parse(&form(&[("timeout_seconds", "10")]), Lang::En).expect("valid");
        assert!(!plain.await_callback);
    }

    #[test]
    fn a_timeout_that_is_not_a_number_is_named() {
        let problems = parse(&form(&[("timeout_seconds", "ten")]), Lang::En).expect_err("invalid");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("timeout"), "{problems:?}");
    }

    #[test]
    fn every_refusal_has_words_in_both_languages() {
        for lang in [Lang::En, Lang::Fr] {
            for error in [
                WebhookSettingsError::NotAUrl,
                WebhookSettingsError::NotHttps,
                WebhookSettingsError::Timeout,
                WebhookSettingsError::Overlap,
                WebhookSettingsError::NoSecretKey,
                WebhookSettingsError::CallbackNeedsAsync(vec![
                    fleetdesk_vocab::Operation::Deletion,
                ]),
            ] {
                assert!(refusal(&error, lang).is_some_and(|text| !text.is_empty()));
            }
        }
    }
}
