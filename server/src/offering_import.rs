//! Importing the offering catalogue from a CSV file, for the console and the command line alike:
//! the import itself is [`fleetdesk_core::offerings::import_csv`] (all or nothing); this adds
//! the audit entries it owes (one per offering created or changed, one for the import) and the
//! report in words.

use fleetdesk_app::i18n::Lang;
use fleetdesk_core::Db;
use fleetdesk_core::audit::{Actor, Entry};
use fleetdesk_core::offerings::{
    self, ImportProblem, ImportReport, InvalidOffering, LoginFormatError, Offering, OfferingError,
};

/// An import's outcome and the audit entries to write for it (none when nothing was written).
#[derive(Debug)]
pub struct Imported {
    pub report: ImportReport,
    pub audit: Vec<Entry>,
}

/// Imports `text` (CSV) into the catalogue as `actor`.
pub async fn import(db: &Db, text: &str, actor: &Actor) -> Result<Imported, OfferingError> {
    // A byte-order mark, as some spreadsheets write, is not part of the first column's name.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let before = offerings::list(db).await?;
    let report = offerings::import_csv(db, text).await?;
    if !report.errors.is_empty() {
        return Ok(Imported {
            report,
            audit: Vec::new(),
        });
    }
    let after = offerings::list(db).await?;
    let find = |list: &[Offering], code: &str| list.iter().find(|o| o.offer_code == code).cloned();
    let mut audit = Vec::new();
    for code in &report.created {
        if let Some(created) = find(&after, code) {
            audit.push(
                Entry::new(
                    actor.clone(),
                    "offering.create",
                    "offering",
                    Some(&created.id),
                )
                .after(&created),
            );
        }
    }
    for code in &report.updated {
        if let Some(changed) = find(&after, code) {
            let mut entry = Entry::new(
                actor.clone(),
                "offering.update",
                "offering",
                Some(&changed.id),
            );
            if let Some(previous) = find(&before, code) {
                entry = entry.before(&previous);
            }
            audit.push(entry.after(&changed));
        }
    }
    audit.push(
        Entry::new(actor.clone(), "offering.import", "offering", None).after(serde_json::json!({
            "created": report.created,
            "updated": report.updated,
        })),
    );
    Ok(Imported { report, audit })
}

/// Why an offering as typed is refused, in the reader's language (no final full stop).
pub fn invalid_text(problem: &InvalidOffering, lang: Lang) -> String {
    if lang == Lang::En {
        return problem.to_string();
    }
    match problem {
        InvalidOffering::OfferCode => {
            "le code d’offre doit faire de 1 à 64 caractères, sans espace".to_owned()
        }
        InvalidOffering::Name => "le nom doit faire de 1 à 100 caractères".to_owned(),
        InvalidOffering::ResourceType => {
            "le type de ressource doit être none, msisdn, imei, email ou url".to_owned()
        }
        InvalidOffering::ResourceScope => {
            "la portée de la ressource doit être per_licence ou per_customer".to_owned()
        }
        InvalidOffering::SharedWithoutType => {
            "une ressource partagée (per_customer) doit avoir un type, pas none".to_owned()
        }
        InvalidOffering::LoginFormat(format) => match format {
            LoginFormatError::NoSequence => {
                "le format d’identifiant doit contenir {seq} ou {seq:N}".to_owned()
            }
            LoginFormatError::NoCustomer => "le format d’identifiant doit contenir {customer}, pour que les identifiants de deux clients ne se croisent jamais".to_owned(),
            LoginFormatError::UnknownPlaceholder(name) => format!(
                "paramètre {{{name}}} inconnu dans le format d’identifiant (utilisez {{customer}}, {{offer}}, {{seq}}, {{seq:N}})"
            ),
            LoginFormatError::InvalidCharacter => "le format d’identifiant ne peut contenir que a-z, 0-9, « . », « _ » et « - » hors paramètres".to_owned(),
            LoginFormatError::Length => {
                "le format d’identifiant est vide ou dépasse 64 caractères".to_owned()
            }
        },
    }
}

/// Why a line of an imported catalogue is refused, in the reader's language.
fn problem_text(problem: &ImportProblem, lang: Lang) -> String {
    match (problem, lang) {
        (ImportProblem::Invalid(invalid), _) => invalid_text(invalid, lang),
        (_, Lang::En) => problem.to_string(),
        (ImportProblem::Unreadable(detail), Lang::Fr) => {
            format!("la ligne ne peut pas être lue ({detail})")
        }
        (ImportProblem::Duplicate(code), Lang::Fr) => {
            format!("le code d’offre {code} apparaît deux fois")
        }
        (ImportProblem::Empty, Lang::Fr) => "le fichier ne contient aucune offre".to_owned(),
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
            match (lang, *line > 0) {
                (Lang::En, true) => format!("Line {line}: {message}."),
                (Lang::Fr, true) => format!("Ligne {line} : {message}."),
                (_, false) => format!("{message}."),
            }
        })
        .collect()
}

/// A successful import in one sentence.
pub fn summary(report: &ImportReport) -> String {
    format!(
        "Catalogue imported: {} created, {} updated.",
        report.created.len(),
        report.updated.len()
    )
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
            summary(&report),
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
