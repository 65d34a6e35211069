//! Event delivery from the console: the settings (administrators) and pausing and
//! resuming (operators and administrators). The client secret is write-only: an empty field keeps
//! the stored one (unless the token URL moves to another server), and it never reaches the page,
//! the log or the audit log.

use fleetdesk_vocab::Text;
use std::collections::HashMap;

use fleetdesk_app::i18n::Lang;
use fleetdesk_core::access::{Administer, ChangeData};
use fleetdesk_core::outbox::settings::{
    self, DEFAULT_RETRY_DELAYS, DeliverySettings, SecretEntry, SecretNeeded, SettingsError,
    UrlProblem,
};

use super::action::{Cx, Fields, Named, NoFields, Note, Reply};
use super::forms::{not_saved, sentence};

/// Reads the settings form over the stored settings (for the secret); every problem found, in
/// words, when it does not hold valid values.
fn parse(
    form: &HashMap<String, String>,
    stored: &DeliverySettings,
    lang: Lang,
) -> Result<DeliverySettings, Vec<String>> {
    let field = |name: &str| form.get(name).map_or("", |v| v.trim());
    let mut problems = Vec::new();
    for (name, field_name) in [
        ("product_order_url", Text::TheProductorderEventsUrl),
        ("user_service_url", Text::TheUserserviceEventsUrl),
        ("token_url", Text::TheTokenUrl),
    ] {
        match settings::check_url(field(name)) {
            Ok(()) => {}
            Err(UrlProblem::NotAUrl) => problems.push(format!(
                "{} {}",
                lang.t(field_name),
                lang.t(Text::IsNotAUrl)
            )),
            Err(UrlProblem::NotHttps) => problems.push(format!(
                "{} {}",
                lang.t(field_name),
                lang.t(Text::MustStartWithHttpsHttpOnly)
            )),
        }
    }
    let entry = if field("forget_secret") == "yes" {
        SecretEntry::Forget
    } else {
        match form.get("client_secret").map(String::as_str) {
            Some(typed) if !typed.is_empty() => SecretEntry::Replace(typed.to_owned()),
            _ => SecretEntry::Keep,
        }
    };
    let client_secret = match stored.next_secret(field("token_url"), entry) {
        Ok(secret) => secret,
        Err(SecretNeeded) => {
            problems.push(lang.t(Text::TheTokenUrlNowPointsTo).to_owned());
            String::new()
        }
    };
    let timeout_seconds = match field("timeout_seconds").parse::<u64>() {
        Ok(seconds) => seconds,
        Err(_) => {
            problems.push(lang.t(Text::TheTimeoutIsAWholeNumber).to_owned());
            stored.timeout_seconds
        }
    };
    let retry_delays_seconds = match retry_delays(field("retry_delays")) {
        Some(delays) => delays,
        None => {
            problems.push(lang.t(Text::TheRetryScheduleIsAComma).to_owned());
            stored.retry_delays_seconds.clone()
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(DeliverySettings {
        product_order_url: field("product_order_url").to_owned(),
        user_service_url: field("user_service_url").to_owned(),
        token_url: field("token_url").to_owned(),
        client_id: field("client_id").to_owned(),
        client_secret,
        scope: field("scope").to_owned(),
        timeout_seconds,
        retry_delays_seconds,
        paused: {
            // Only a change of the box counts: a pause or resume made elsewhere while this form
            // was open is not undone by saving the other settings.
            let asked = field("paused") == "yes";
            let shown = field("paused_shown") == "yes";
            if asked == shown { stored.paused } else { asked }
        },
    })
}

/// `30, 120 ,600` as seconds; empty for the default schedule.
fn retry_delays(text: &str) -> Option<Vec<u64>> {
    if text.is_empty() {
        return Some(DEFAULT_RETRY_DELAYS.to_vec());
    }
    text.split(',')
        .map(|part| part.trim().parse::<u64>().ok())
        .collect()
}

/// `POST /console/settings/delivery`.
pub async fn save(cx: Cx<Administer>, _: (), Fields(form): Fields<Named>) -> Reply {
    let lang = cx.lang;
    let heading = || Note::from(lang.t(Text::TheDeliverySettingsWereNotSaved));
    let before = settings::load(&cx.state.db).await.map_err(|error| {
        tracing::error!(error = %error, "failed to load the delivery settings");
        Note::from(not_saved(lang))
    })?;
    let new = parse(&form, &before, lang).map_err(|problems| heading().with_details(problems))?;
    match settings::save(&cx.state.db, &new, &cx.acting).await {
        Ok(()) => {
            cx.state.delivery.notify_one();
            Ok(if new.is_configured() {
                cx.t(Text::DeliverySettingsSaved)
            } else {
                cx.t(Text::DeliverySettingsSavedDeliveryIsNot)
            }
            .into())
        }
        // The storage's own check, in English: the form's checks above come first.
        Err(SettingsError::Invalid(problem)) => {
            Err(heading().with_details(vec![sentence(&problem)]))
        }
        // `NoSecretKey`: only a process started without its key gets here (the server always
        // has one).
        Err(error @ (SettingsError::NoSecretKey | SettingsError::Db(_))) => {
            tracing::error!(error = %error, "failed to save the delivery settings");
            Err(not_saved(lang).into())
        }
    }
}

/// `POST /console/delivery/pause` (`PAUSED`): nothing goes out until resumed;
/// `POST /console/delivery/resume`: due events go out again. The other settings stay as they are.
pub async fn set_paused<const PAUSED: bool>(
    cx: Cx<ChangeData>,
    _: (),
    _: Fields<NoFields>,
) -> Reply {
    settings::set_paused(&cx.state.db, PAUSED, &cx.acting)
        .await
        .map_err(|error| {
            tracing::error!(error = %error, "failed to pause or resume delivery");
            Note::from(not_saved(cx.lang))
        })?;
    if PAUSED {
        tracing::info!("event delivery paused by an operator");
        return Ok(cx.t(Text::DeliveryPausedNothingIsSentTo).into());
    }
    cx.state.delivery.notify_one();
    tracing::info!("event delivery resumed by an operator");
    // Read with the secret opened, as delivery reads them: a secret that cannot be opened is
    // not configured.
    let configured = settings::load(&cx.state.db)
        .await
        .is_ok_and(|settings| settings.is_configured());
    Ok(if configured {
        cx.t(Text::DeliveryResumedDueEventsGoOut)
    } else {
        cx.t(Text::DeliveryResumedItIsNotConfigured)
    }
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::forms::fields as form;

    fn stored() -> DeliverySettings {
        DeliverySettings {
            client_secret: "kept-secret".into(),
            ..DeliverySettings::default()
        }
    }

    #[test]
    fn an_empty_secret_field_keeps_the_stored_secret_and_forget_clears_it() {
        let fields = [
            ("product_order_url", " https://orange.example/po "),
            ("client_secret", ""),
            ("timeout_seconds", "15"),
            ("retry_delays", "10, 20 ,30"),
            ("paused", "yes"),
        ];
        let read = parse(&form(&fields), &stored(), Lang::En).expect("valid");
        assert_eq!(read.client_secret, "kept-secret");
        assert_eq!(read.product_order_url, "https://orange.example/po");
        assert_eq!(read.timeout_seconds, 15);
        assert_eq!(read.retry_delays_seconds, [10, 20, 30]);
        assert!(read.paused);

        let mut replaced = form(&fields);
        replaced.insert("client_secret".into(), "new-secret".into());
        assert_eq!(
            parse(&replaced, &stored(), Lang::En)
                .expect("valid")
                .client_secret,
            "new-secret"
        );
        replaced.insert("forget_secret".into(), "yes".into());
        assert_eq!(
            parse(&replaced, &stored(), Lang::En)
                .expect("valid")
                .client_secret,
            ""
        );
    }

    #[test]
    fn saving_keeps_a_pause_made_elsewhere_unless_the_box_changed() {
        let paused_meanwhile = DeliverySettings {
            paused: true,
            ..stored()
        };
        let unchanged = [("timeout_seconds", "10"), ("paused_shown", "no")];
        assert!(
            parse(&form(&unchanged), &paused_meanwhile, Lang::En)
                .expect("valid")
                .paused
        );
        let resumed = [("timeout_seconds", "10"), ("paused_shown", "yes")];
        assert!(
            !parse(&form(&resumed), &paused_meanwhile, Lang::En)
                .expect("valid")
                .paused
        );
    }

    #[test]
    fn an_empty_schedule_is_the_default_and_a_bad_one_is_named() {
        let read = parse(&form(&[("timeout_seconds", "10")]), &stored(), Lang::En).expect("valid");
        assert_eq!(read.retry_delays_seconds, DEFAULT_RETRY_DELAYS);
        assert!(!read.paused);
        let problems = parse(
            &form(&[("timeout_seconds", "ten"), ("retry_delays", "30, 2m")]),
            &stored(),
            Lang::En,
        )
        .expect_err("invalid");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("timeout"));
        assert!(problems[1].contains("retry schedule"));
    }
}
