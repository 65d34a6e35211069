//! Reading an uploaded CSV file into lines, by the columns its kind needs.

use super::*;

/// A line of the file, as read: its number and its cells by column name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub line: i64,
    pub(super) cells: HashMap<&'static str, String>,
}

impl Line {
    pub(super) fn cell(&self, name: &str) -> &str {
        self.cells.get(name).map_or("", |value| value.trim())
    }
}

/// The column a header cell names, for this kind (spaces, dashes and case ignored; `license`,
/// `licence_id` and `login` stand for `licence`).
pub(super) fn column_of(kind: BulkKind, header: &str) -> Option<&'static str> {
    let name: String = header
        .trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect();
    let name = match name.as_str() {
        "license" | "licence_id" | "license_id" => "licence",
        other => other,
    };
    kind.required_columns()
        .iter()
        .chain(kind.optional_columns())
        .copied()
        .find(|column| *column == name)
}

/// Reads the file: a header line naming the columns (comma- or semicolon-separated, as
/// spreadsheets save CSV in French), then one line per licence. Blank lines are skipped and
/// unknown columns ignored, so an exported file can be filled in and sent back as it is.
pub fn read_file(kind: BulkKind, text: &str) -> Result<Vec<Line>, FileError> {
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => return Err(FileError::Empty),
        Some(Err(_)) => return Err(FileError::Unreadable(1)),
        Some(Ok(header)) => header,
    };
    let columns: Vec<Option<&'static str>> = header.iter().map(|h| column_of(kind, h)).collect();
    // A file may name the licence by `login` rather than `licence`; `licence` wins when both are
    // there.
    let login_column = header
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case("login"));
    let has_licence = columns.contains(&Some("licence"));
    let missing: Vec<&'static str> = kind
        .required_columns()
        .iter()
        .copied()
        .filter(|column| {
            !columns.contains(&Some(column)) && !(*column == "licence" && login_column.is_some())
        })
        .collect();
    if !missing.is_empty() {
        return Err(FileError::MissingColumns(missing));
    }
    let mut lines = Vec::new();
    for record in records {
        let record = record
            .map_err(|error| FileError::Unreadable(error.position().map_or(0, |p| p.line())))?;
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if lines.len() == MAX_ROWS {
            return Err(FileError::TooManyRows);
        }
        let mut cells = HashMap::new();
        for (index, cell) in record.iter().enumerate() {
            if let Some(Some(column)) = columns.get(index) {
                cells.insert(*column, cell.to_owned());
            } else if !has_licence && Some(index) == login_column {
                cells.insert("licence", cell.to_owned());
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        lines.push(Line {
            line: i64::try_from(line).unwrap_or(i64::MAX),
            cells,
        });
    }
    if lines.is_empty() {
        return Err(FileError::Empty);
    }
    Ok(lines)
}
