//! Console form handlers for event delivery: the settings (administrators) and pausing and
//! resuming (operators and administrators). The client secret is write-only: an empty field keeps
//! the stored one (unless the token URL moves to another server), and it never reaches the page,
//! the log or the audit log.

use fleetdesk_vocab::Text;
use std::collections::HashMap;

use axum::Form;
use axum::extract::{FromRequest, Request, State};
use axum::response::Response;

use fleetdesk_app::i18n::Lang;
use fleetdesk_app::model::FlashKind;
use fleetdesk_core::access::{Administer, ChangeData};
use fleetdesk_core::audit::Entry;
use fleetdesk_core::outbox::settings::{
    self, DEFAULT_RETRY_DELAYS, DeliverySettings, SecretEntry, SecretNeeded, SettingsError,
    UrlProblem,
};

use super::forms::{Console, back_with_details, not_saved, sentence, unreadable};
use crate::state::AppState;

const PAGE: &str = "/settings/delivery";
const EVENTS: &str = "/events";
/// The audit log's name for the delivery settings.
const OBJECT_ID: &str = "orange_delivery";

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

/// The settings as the audit log keeps them: whether a secret is stored, never the secret.
fn audited(settings: &DeliverySettings) -> serde_json::Value {
    let mut value = serde_json::to_value(settings).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.remove("client_secret");
        map.insert(
            "client_secret_set".to_owned(),
            (!settings.client_secret.is_empty()).into(),
        );
    }
    value
}

/// `POST /console/settings/delivery`.
pub async fn save(
    State(state): State<AppState>,
    console: Console<Administer>,
    request: Request,
) -> Response {
    let lang = console.lang;
    let request_id = console.request_id.clone();
    let Ok(Form(form)) = Form::<HashMap<String, String>>::from_request(request, &state).await
    else {
        return console.back(PAGE, FlashKind::Error, unreadable(lang)).await;
    };
    let before = match settings::load(&state.db).await {
        Ok(before) => before,
        Err(error) => {
            tracing::error!(error = %error, "failed to load the delivery settings");
            return console.back(PAGE, FlashKind::Error, not_saved(lang)).await;
        }
    };
    let new = match parse(&form, &before, lang) {
        Ok(new) => new,
        Err(problems) => {
            return back_with_details(
                &console.session,
                PAGE,
                FlashKind::Error,
                not_saved_heading(lang),
                problems,
            )
            .await;
        }
    };
    let mut after = audited(&new);
    if let Some(map) = after.as_object_mut() {
        map.insert(
            "client_secret_changed".to_owned(),
            (new.client_secret != before.client_secret).into(),
        );
    }
    let entry = Entry::new(
        console.actor(),
        "delivery_settings.update",
        "settings",
        Some(OBJECT_ID),
    )
    .before(audited(&before))
    .after(after)
    .request_id(request_id);
    match settings::save(&state.db, &new, &entry).await {
        Ok(()) => {
            state.delivery.notify_one();
            let text = if new.is_configured() {
                lang.t(Text::DeliverySettingsSaved)
            } else {
                lang.t(Text::DeliverySettingsSavedDeliveryIsNot)
            };
            console.back(PAGE, FlashKind::Success, text).await
        }
        Err(SettingsError::Invalid(problem)) => {
            back_with_details(
                &console.session,
                PAGE,
                FlashKind::Error,
                not_saved_heading(lang),
                // The storage's own check, in English: the form's checks above come first.
                vec![sentence(&problem)],
            )
            .await
        }
        Err(error @ SettingsError::NoSecretKey) => {
            // Only a process started without its key gets here (the server always has one).
            tracing::error!(error = %error, "failed to save the delivery settings");
            console.back(PAGE, FlashKind::Error, not_saved(lang)).await
        }
        Err(SettingsError::Db(error)) => {
            tracing::error!(error = %error, "failed to save the delivery settings");
            console.back(PAGE, FlashKind::Error, not_saved(lang)).await
        }
    }
}

fn not_saved_heading(lang: Lang) -> &'static str {
    lang.t(Text::TheDeliverySettingsWereNotSaved)
}

/// `POST /console/delivery/pause`.
pub async fn pause(State(state): State<AppState>, console: Console<ChangeData>) -> Response {
    set_paused(state, console, true).await
}

/// `POST /console/delivery/resume`.
pub async fn resume(State(state): State<AppState>, console: Console<ChangeData>) -> Response {
    set_paused(state, console, false).await
}

async fn set_paused(state: AppState, console: Console<ChangeData>, paused: bool) -> Response {
    let lang = console.lang;
    let request_id = console.request_id.clone();
    let before = match settings::load(&state.db).await {
        Ok(before) => before,
        Err(error) => {
            tracing::error!(error = %error, "failed to load the delivery settings");
            return console
                .back(EVENTS, FlashKind::Error, not_saved(lang))
                .await;
        }
    };
    let action = if paused {
        "delivery.pause"
    } else {
        "delivery.resume"
    };
    let entry = Entry::new(console.actor(), action, "settings", Some(OBJECT_ID))
        .before(serde_json::json!({ "paused": before.paused }))
        .after(serde_json::json!({ "paused": paused }))
        .request_id(request_id);
    if let Err(error) = settings::set_paused(&state.db, paused, &entry).await {
        tracing::error!(error = %error, "failed to pause or resume delivery");
        return console
            .back(EVENTS, FlashKind::Error, not_saved(lang))
            .await;
    }
    let text = if paused {
        tracing::info!("event delivery paused by an operator");
        lang.t(Text::DeliveryPausedNothingIsSentTo)
    } else {
        state.delivery.notify_one();
        tracing::info!("event delivery resumed by an operator");
        if before.is_configured() {
            lang.t(Text::DeliveryResumedDueEventsGoOut)
        } else {
            lang.t(Text::DeliveryResumedItIsNotConfigured)
        }
    };
    console.back(EVENTS, FlashKind::Success, text).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

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

    #[test]
    fn the_audit_log_learns_whether_a_secret_is_set_never_the_secret() {
        let value = audited(&stored());
        assert!(!value.to_string().contains("kept-secret"));
        assert_eq!(value["client_secret_set"], true);
    }
}
