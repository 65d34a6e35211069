//! Importing the offering catalogue from a CSV file, for the console and the command line alike:
//! the import itself, with its audit entries, is [`fleetdesk_core::offerings::import_csv`] (all or
//! nothing); this reads the file as spreadsheets write it and words the report.

use fleetdesk_app::i18n::Lang;
use fleetdesk_core::Db;
use fleetdesk_core::audit::Acting;
use fleetdesk_core::offerings::{
    self, ImportProblem, ImportReport, InvalidOffering, LoginFormatError, OfferingError,
};
use fleetdesk_vocab::{Text, listed, say};

/// Imports `text` (CSV) into the catalogue as `acting`; the import and its audit entries are one
/// transaction.
pub async fn import(db: &Db, text: &str, acting: &Acting) -> Result<ImportReport, OfferingError> {
    // A byte-order mark, as some spreadsheets write, is not part of the first column's name.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    offerings::import_csv(db, acting, text).await
}

/// Why an offering as typed is refused, in the reader's language (no final full stop).
pub fn invalid_text(problem: &InvalidOffering, lang: Lang) -> String {
    let text = match problem {
        InvalidOffering::OfferCode => Text::OfferingCodeInvalid,
        InvalidOffering::Name => Text::OfferingNameInvalid,
        InvalidOffering::ResourceType => Text::OfferingResourceTypeInvalid,
        InvalidOffering::ResourceScope => Text::OfferingResourceScopeInvalid,
        InvalidOffering::SharedWithoutType => Text::OfferingSharedWithoutType,
        InvalidOffering::Provisioning => Text::OfferingProvisioningInvalid,
        InvalidOffering::ManualNeedsAsync(operations) => {
            return say::manual_needs_async(lang, listed(operations, lang));
        }
        InvalidOffering::LoginFormat(format) => match format {
            LoginFormatError::NoSequence => Text::LoginFormatNoSequence,
            LoginFormatError::NoCustomer => Text::LoginFormatNoCustomer,
            LoginFormatError::UnknownPlaceholder(name) => {
                return say::login_format_unknown_placeholder(lang, name);
            }
            LoginFormatError::InvalidCharacter => Text::LoginFormatInvalidCharacter,
            LoginFormatError::Length => Text::LoginFormatLength,
        },
    };
    lang.t(text).to_owned()
}

/// Why a line of an imported catalogue is refused, in the reader's language.
fn problem_text(problem: &ImportProblem, lang: Lang) -> String {
    match problem {
        ImportProblem::Invalid(invalid) => invalid_text(invalid, lang),
        ImportProblem::Unreadable(detail) => say::import_line_unreadable(lang, detail),
        ImportProblem::Duplicate(code) => say::import_duplicate_code(lang, code),
        ImportProblem::Empty => lang.t(Text::ImportEmpty).to_owned(),
    }
}

/// The errors of a refused import, one line each: `Line 3: …`.
pub fn error_lines(report: &ImportReport, lang: Lang) -> Vec<String> {
    report
        .errors
        .iter()
        .map(|(line, problem)| {
            let message = problem_text(problem, lang);
            let message = message.trim_end_matches('.');
            if *line > 0 {
                say::import_error_line(lang, line, message)
            } else {
                format!("{message}.")
            }
        })
        .collect()
}

/// A successful import in one sentence.
pub fn summary(report: &ImportReport, lang: Lang) -> String {
    say::catalogue_imported(lang, report.created.len(), report.updated.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_read_in_words() {
        let report = ImportReport {
            created: vec!["A".into()],
            updated: vec!["B".into(), "C".into()],
            errors: vec![
                (3, InvalidOffering::Name.into()),
                (4, ImportProblem::Duplicate("PRO".into())),
                (0, ImportProblem::Empty),
            ],
        };
        assert_eq!(
            summary(&report, Lang::En),
            "Catalogue imported: 1 created, 2 updated."
        );
        assert_eq!(
            error_lines(&report, Lang::En),
            [
                "Line 3: the name must be 1 to 100 characters.",
                "Line 4: offer code PRO appears twice.",
                "the file holds no offering."
            ]
        );
        assert_eq!(
            error_lines(&report, Lang::Fr),
            [
                "Ligne 3 : le nom doit faire de 1 à 100 caractères.",
                "Ligne 4 : le code d’offre PRO apparaît deux fois.",
                "le fichier ne contient aucune offre."
            ]
        );
    }
}
