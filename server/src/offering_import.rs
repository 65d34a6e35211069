//! Importing the offering catalogue from a CSV file, for the console and the command line alike:
//! the import itself is [`fleetdesk_core::offerings::import_csv`] (all or nothing); this adds
//! the audit entries it owes (one per offering created or changed, one for the import) and the
//! report in words.

use fleetdesk_core::Db;
use fleetdesk_core::audit::{Actor, Entry};
use fleetdesk_core::offerings::{self, ImportReport, Offering, OfferingError};

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

/// The errors of a refused import, one line each: `Line 3: …`.
pub fn error_lines(report: &ImportReport) -> Vec<String> {
    report
        .errors
        .iter()
        .map(|(line, message)| {
            let message = message.trim_end_matches('.');
            if *line > 0 {
                format!("Line {line}: {message}.")
            } else {
                format!("{message}.")
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
                (3, "the name must be 1 to 100 characters".into()),
                (0, "bad file".into()),
            ],
        };
        assert_eq!(
            summary(&report),
            "Catalogue imported: 1 created, 2 updated."
        );
        assert_eq!(
            error_lines(&report),
            ["Line 3: the name must be 1 to 100 characters.", "bad file."]
        );
    }
}
