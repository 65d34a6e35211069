//! The Orange API settings (administrators): answer mode per
//! operation, fleet policy and retention (raw exchanges, delivery attempts, audit details), saved
//! together.

use fleetdesk_vocab::{Text, listed, say};
use std::collections::HashMap;

use fleetdesk_app::i18n::Lang;
use fleetdesk_core::access::Administer;
use fleetdesk_core::orange::settings::{
    self, ApiSettings, FleetPolicy, Mode, Operation, SettingsError,
};
use fleetdesk_core::retention::{self, Retention};

use super::action::{Cx, Fields, Named, Note, Reply};
use super::forms::not_saved;

/// Reads the retention fields of the form; a field left out keeps the stored value.
fn parse_retention(
    form: &HashMap<String, String>,
    stored: Retention,
    lang: Lang,
) -> Result<Retention, String> {
    let days = |name: &str, stored: u32| match form.get(name).map(|v| v.trim()) {
        None => Ok(stored),
        Some(text) => match text.parse::<u32>() {
            Ok(days) if retention::DAYS.contains(&days) => Ok(days),
            _ => Err(retention_problem(lang).to_owned()),
        },
    };
    Ok(Retention {
        attempt_days: days("attempt_retention_days", stored.attempt_days)?,
        audit_detail_days: days("audit_detail_retention_days", stored.audit_detail_days)?,
    })
}

/// Reads the settings form; every problem found, in words, when it does not hold valid settings.
fn parse(form: &HashMap<String, String>, lang: Lang) -> Result<ApiSettings, Vec<String>> {
    let mut settings = ApiSettings::default();
    let mut problems = Vec::new();
    let field = |name: &str| form.get(name).map_or("", |v| v.trim());
    for operation in Operation::ALL {
        match Mode::parse(field(operation.as_str())) {
            Some(mode) => settings.set_mode(operation, mode),
            None => problems.push(say::choose_mode_for(
                lang,
                match lang {
                    Lang::En => operation.as_str().replace('_', " "),
                    Lang::Fr => operation.as_str().to_owned(),
                },
            )),
        }
    }
    match FleetPolicy::parse(field("fleet_policy")) {
        Some(policy) => settings.fleet_policy = policy,
        None => problems.push(lang.t(Text::ChooseAFleetPolicy).to_owned()),
    }
    match field("exchange_retention_days").parse::<u32>() {
        Ok(days) if (1..=3650).contains(&days) => settings.exchange_retention_days = days,
        _ => problems.push(retention_problem(lang).to_owned()),
    }
    if problems.is_empty() {
        Ok(settings)
    } else {
        Err(problems)
    }
}

/// Operations in words, comma-separated.
fn retention_problem(lang: Lang) -> &'static str {
    lang.t(Text::TheRetentionIsAWholeNumber)
}

fn not_saved_heading(lang: Lang) -> &'static str {
    lang.t(Text::TheSettingsWereNotSaved)
}

/// Logs what failed on the server's side; the reader is told the change was not saved.
fn failed(lang: Lang, what: &str, error: impl std::fmt::Display) -> Note {
    tracing::error!(error = %error, "{what}");
    not_saved(lang).into()
}

/// `POST /console/settings/orange`: the API settings, and the retention periods when they
/// changed, each audited in the transaction that saves it.
pub async fn save(cx: Cx<Administer>, _: (), Fields(form): Fields<Named>) -> Reply {
    let lang = cx.lang;
    let (db, acting) = (&cx.state.db, &cx.acting);
    let heading = || Note::from(not_saved_heading(lang));
    let new = parse(&form, lang).map_err(|problems| heading().with_details(problems))?;
    let kept_before = retention::load(db)
        .await
        .map_err(|error| failed(lang, "failed to load the retention settings", error))?;
    let kept = parse_retention(&form, kept_before, lang)
        .map_err(|problem| heading().with_details(vec![problem]))?;
    if kept != kept_before {
        retention::save(db, &kept, acting)
            .await
            .map_err(|error| failed(lang, "failed to save the retention settings", error))?;
    }
    match settings::save(db, &new, acting).await {
        Ok(()) => Ok(cx.t(Text::OrangeApiSettingsSaved).into()),
        Err(SettingsError::Retention) => {
            Err(heading().with_details(vec![retention_problem(lang).to_owned()]))
        }
        Err(SettingsError::ManualNeedsAsync {
            operations,
            offerings,
        }) => Err(
            heading().with_details(vec![say::sync_refused_manual_offerings(
                lang,
                listed(&operations, lang),
                offerings.join(", "),
            )]),
        ),
        Err(SettingsError::Db(error)) => {
            Err(failed(lang, "failed to save the API settings", error))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::forms::fields as form;

    #[test]
    fn retention_fields_left_out_keep_the_stored_days_and_bad_ones_are_refused() {
        let stored = Retention {
            attempt_days: 20,
            audit_detail_days: 200,
        };
        assert_eq!(parse_retention(&form(&[]), stored, Lang::En), Ok(stored));
        assert_eq!(
            parse_retention(
                &form(&[
                    ("attempt_retention_days", " 7 "),
                    ("audit_detail_retention_days", "3650")
                ]),
                stored,
                Lang::En
            ),
            Ok(Retention {
                attempt_days: 7,
                audit_detail_days: 3650
            })
        );
        for bad in ["0", "3651", "-1", "soon", ""] {
            assert!(
                parse_retention(&form(&[("attempt_retention_days", bad)]), stored, Lang::En)
                    .is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_complete_form_reads_as_settings() {
        let read = parse(
            &form(&[
                ("customer_creation", "sync"),
                ("licence_order", "async"),
                ("state_change", "sync"),
                ("deletion", "async"),
                ("offering_change", "sync"),
                ("fleet_policy", "perOrder"),
                ("exchange_retention_days", " 90 "),
            ]),
            Lang::En,
        )
        .expect("valid");
        assert_eq!(read.mode(Operation::LicenceOrder), Mode::Async);
        assert_eq!(read.mode(Operation::Deletion), Mode::Async);
        assert_eq!(read.mode(Operation::CustomerCreation), Mode::Sync);
        assert_eq!(read.fleet_policy, FleetPolicy::PerOrder);
        assert_eq!(read.exchange_retention_days, 90);
    }

    #[test]
    fn every_problem_of_a_form_is_named() {
        let problems = parse(
            &form(&[
                ("customer_creation", "later"),
                ("licence_order", "async"),
                ("state_change", "sync"),
                ("deletion", "async"),
                ("offering_change", "sync"),
                ("exchange_retention_days", "0"),
            ]),
            Lang::En,
        )
        .expect_err("invalid");
        assert_eq!(
            problems,
            [
                "Choose synchronous or asynchronous for customer creation.",
                "Choose a fleet policy.",
                "The retention is a whole number of days from 1 to 3650.",
            ]
        );
    }
}
