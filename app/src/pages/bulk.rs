//! `/licences/bulk`: bulk changes to licences from a CSV file. Operators and administrators upload
//! a file of realizing resources to replace or of end users to assign; the file is checked line by
//! line and kept as a preview (`/licences/bulk/{id}`), where every line shows what it changes and
//! any problem. Applying it hands the ready lines to the bulk worker; the page then shows the
//! progress (it reloads itself until the work is done, with or without JavaScript) and each
//! line's outcome. Support staff see the files but no forms.

use fleetdesk_vocab::{BulkFileId, BulkFileState, BulkKind, BulkLineStatus, BulkProblem};
use fleetdesk_vocab::{Label, Text, say};
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::licence::expected_format;
use super::parts::{Breadcrumb, Page, Table};
use super::query_string;
use crate::api::{fetch_bulk_file, fetch_bulk_files};
use crate::i18n::{Lang, When, use_lang};
use crate::model::{BulkFileDetail, BulkFileView, BulkLineView};
use crate::posts;

/// Why a line is not applied, or needs nothing, in words.
pub fn problem_text(problem: &BulkProblem, lang: Lang) -> String {
    match (problem, lang) {
        (BulkProblem::DuplicateLicence { line }, _) => say::bulk_duplicate_licence(lang, line),
        (BulkProblem::SharedConflict { line }, _) => say::bulk_shared_conflict(lang, line),
        (BulkProblem::SharedSame { line }, _) => say::bulk_shared_same(lang, line),
        (BulkProblem::InvalidValue { kind }, _) => format!(
            "{} {}",
            lang.t(Text::NotAValidValue),
            expected_format(*kind, lang)
        ),
        (BulkProblem::MissingLicence, _) => lang.t(Text::NoLicenceGivenTheLicenceColumn).to_owned(),
        (BulkProblem::UnknownLicence, _) => lang.t(Text::NoLicenceHasThisIdOr).to_owned(),
        (BulkProblem::Terminated, _) => lang.t(Text::TheLicenceIsTerminatedAndCan).to_owned(),
        (BulkProblem::OperationInProgress, _) => lang.t(Text::OrangeOperationInProgress).to_owned(),
        (BulkProblem::UnknownType, _) => lang.t(Text::UnknownResourceTypeUseMsisdnImei).to_owned(),
        (BulkProblem::NoResource, _) => lang.t(Text::TheLicenceHasNoRealizingResource).to_owned(),
        (BulkProblem::TypeNeeded, _) => lang
            .t(Text::TheLicenceHasSeveralRealizingResources)
            .to_owned(),
        (BulkProblem::GivenName, _) => lang.t(Text::TheGivenNameIsRequired).to_owned(),
        (BulkProblem::FamilyName, _) => lang.t(Text::TheFamilyNameIsRequired).to_owned(),
        (BulkProblem::Email, _) => lang.t(Text::TheEMailAddressIsNot).to_owned(),
        (BulkProblem::Mobile, _) => lang.t(Text::TheMobileNumberNeedsBothA).to_owned(),
        (BulkProblem::Unchanged, _) => lang.t(Text::NothingToChangeThatIsAlready).to_owned(),
        (BulkProblem::NoValue, _) => lang.t(Text::NoValueGivenTheLineIs).to_owned(),
    }
}

#[component]
pub fn BulkChangesPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |()| fetch_bulk_files());
    let body = move |page: crate::model::BulkFilesPage| {
        view! {
            {page.can_act.then(|| view! { <UploadForms/> })}
            {(!page.can_act).then(|| view! {
                <p class="banner notice" role="note">
                    {lang.t(Text::YourRoleLetsYouLookAt)}
                </p>
            })}
            <FileList files=page.files/>
        }
    };
    view! {
        <Page title=Text::BulkChanges lead=Text::ReplaceRealizingResourcesOrAssignEnd data body>
            <Breadcrumb href="/licences" text=Text::BackToLicences/>
            <h1>{lang.t(Text::BulkChanges)}</h1>
        </Page>
    }
}

#[component]
fn UploadForms() -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    view! {
        <div class="bulk-uploads">
            <section class="panel" aria-labelledby="bulk-resources-title">
                <h2 id="bulk-resources-title">{t(Text::ReplaceRealizingResources)}</h2>
                <p>
                    {t(Text::Columns)}
                    <code>"licence"</code> ", " <code>"type"</code> ", " <code>"value"</code> ". "
                    {t(Text::TheLicenceIsItsIdLic)}
                </p>
                <p>
                    <a href="/console/licences/placeholders.csv" download data-testid="placeholders-download">
                        {t(Text::DownloadTheLicencesStillWaitingFor)}
                    </a>
                    {t(Text::FillInTheValueColumnAnd)}
                </p>
                <UploadForm kind="resources"/>
            </section>
            <section class="panel" aria-labelledby="bulk-end-users-title">
                <h2 id="bulk-end-users-title">{t(Text::AssignEndUsers)}</h2>
                <p>
                    {t(Text::Columns)}
                    <code>"licence"</code> ", " <code>"given_name"</code> ", " <code>"family_name"</code> ", " <code>"email"</code>
                    {t(Text::AndOptionally)}
                    <code>"mobile_cc"</code> ", " <code>"mobile_sn"</code> ". "
                    {t(Text::ALicenceThatAlreadyHasAn)}
                </p>
                <UploadForm kind="end_users"/>
            </section>
        </div>
    }
}

/// The upload of one kind of file (`resources` or `end_users`): checked, not yet applied.
#[component]
fn UploadForm(kind: &'static str) -> impl IntoView {
    let lang = use_lang();
    let slug = kind.replace('_', "-");
    let input_id = format!("bulk-{slug}-file");
    view! {
        <form method="post" action=posts::CHECK_BULK_FILE.path() enctype="multipart/form-data" class="grid-form" data-testid=format!("upload-{slug}")>
            <input type="hidden" name="kind" value=kind/>
            <div class="field">
                <label for=input_id.clone()>{lang.t(Text::CsvFile)}</label>
                <input id=input_id name="file" type="file" accept=".csv,text/csv" required/>
            </div>
            <div class="field actions">
                <button type="submit" class="button primary">{lang.t(Text::CheckTheFile)}</button>
            </div>
        </form>
    }
}

#[component]
fn FileStateBadge(state: BulkFileState) -> impl IntoView {
    let lang = use_lang();
    view! {
        <span class=format!("badge bulk-{state}") data-testid="bulk-state">{state.label(lang)}</span>
    }
}

#[component]
fn FileList(files: Vec<BulkFileView>) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    view! {
        <section class="panel" aria-labelledby="bulk-files-title">
            <h2 id="bulk-files-title">{t(Text::RecentFiles)}</h2>
            {if files.is_empty() {
                view! { <p class="muted" role="status">{t(Text::NoFileUploadedYet)}</p> }.into_any()
            } else {
                view! {
                    <Table testid="bulk-files" columns=vec![Text::File, Text::BulkLineChanges, Text::State, Text::Lines, Text::Uploaded]>
                            {files.into_iter().map(|file| {
                                let counts = counts_text(&file, lang);
                                view! {
                                    <tr>
                                        <td><a href=format!("/licences/bulk/{}", file.id)>{file.file_name.clone()}</a></td>
                                        <td>{file.kind.label(lang)}</td>
                                        <td><FileStateBadge state=file.state/></td>
                                        <td>{counts}</td>
                                        <td class="nowrap">
                                            <When at=file.created_at.clone()/>
                                            <span class="cell-sub">{file.uploaded_by.clone()}</span>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                    </Table>
                }
                .into_any()
            }}
        </section>
    }
}

/// "12 lines: 10 ready, 2 with a problem", or after the apply, what became of them.
fn counts_text(file: &BulkFileView, lang: Lang) -> String {
    let parts: Vec<String> = [
        (
            file.applied,
            say::bulk_count_applied as fn(Lang, i64) -> String,
        ),
        (file.ready, say::bulk_count_ready),
        (file.unchanged, say::bulk_count_unchanged),
        (file.invalid, say::bulk_count_invalid),
        (file.refused, say::bulk_count_refused),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, text)| text(lang, n))
    .collect();
    let total = say::bulk_lines_count(lang, file.rows_total);
    if parts.is_empty() {
        total
    } else {
        format!("{total}: {}", parts.join(", "))
    }
}

/// What the address asks for on a file's page.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileQuery {
    id: String,
    show: String,
    after: Option<i64>,
}

#[component]
pub fn BulkFilePage() -> impl IntoView {
    let params = use_params_map();
    let query_map = use_query_map();
    let query = Memo::new(move |_| {
        let map = query_map.get();
        FileQuery {
            id: params.get().get("id").unwrap_or_default(),
            show: map.get("show").unwrap_or_default(),
            after: map.get("after").and_then(|a| a.parse().ok()),
        }
    });
    let data = Resource::new(
        move || query.get(),
        |query| fetch_bulk_file(query.id.into(), query.show, query.after),
    );
    let body =
        move |page: BulkFileDetail| view! { <FileBody page show=query.get_untracked().show/> };
    view! {
        <Page title=Text::BulkFile data body headed_by_body=true>
            <Breadcrumb href="/licences/bulk" text=Text::BackToBulkChanges/>
        </Page>
    }
}

#[component]
fn FileBody(page: BulkFileDetail, show: String) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let file = page.file.clone();
    let subtitle = say::bulk_file_subtitle(lang, file.kind.label(lang), &file.uploaded_by);
    view! {
        <h1 data-testid="bulk-file-name">{file.file_name.clone()}</h1>
        <p class="event-subtitle">
            <FileStateBadge state=file.state/> " " {subtitle} " · " <When at=file.created_at.clone()/>
        </p>
        {view! { <StateBanner file=file.clone()/> }.into_any()}
        {view! {
            <section class="panel">
                <p data-testid="bulk-counts">{counts_text(&file, lang)}</p>
                {(page.can_act && file.state == BulkFileState::Previewed).then(|| view! { <FileActions file=file.clone()/> }.into_any())}
            </section>
        }
        .into_any()}
        {view! {
            <section class="panel" aria-labelledby="bulk-lines-title">
                <h2 id="bulk-lines-title">{t(Text::Lines)}</h2>
                {view! { <LineFilter id=file.id.clone() show=show.clone()/> }.into_any()}
                {view! { <LineTable file page show/> }.into_any()}
            </section>
        }
        .into_any()}
    }
}

#[component]
fn StateBanner(file: BulkFileView) -> impl IntoView {
    let lang = use_lang();
    match file.state {
        BulkFileState::Previewed => view! {
            <p class="banner notice" role="note" data-testid="bulk-banner">
                {lang.t(Text::PreviewNothingHasChangedYetCheck)}
            </p>
        }
        .into_any(),
        BulkFileState::Applying => {
            let done = (file.rows_ready - file.ready).max(0);
            let text = say::bulk_applying_progress(lang, done, file.rows_ready);
            view! {
                <Meta http_equiv="refresh" content="2"/>
                <div class="banner running" role="status" data-testid="bulk-banner">
                    <p>{text}</p>
                    <progress max=file.rows_ready.to_string() value=done.to_string() aria-label=lang.t(Text::Progress)></progress>
                </div>
            }
            .into_any()
        }
        BulkFileState::Applied => {
            let by = file.applied_by.clone().unwrap_or_default();
            let text = say::bulk_applied_by(lang, &by, file.applied, file.refused, file.unchanged);
            view! {
                <p class="banner running" role="status" data-testid="bulk-banner">
                    {text} " " {file.finished_at.clone().map(|at| view! { <When at/> })}
                </p>
            }
            .into_any()
        }
        BulkFileState::Discarded => {
            let by = file.applied_by.clone().unwrap_or_default();
            let text = say::bulk_discarded_by(lang, &by);
            view! { <p class="banner paused" role="status" data-testid="bulk-banner">{text}</p> }
                .into_any()
        }
    }
}

#[component]
fn FileActions(file: BulkFileView) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let n = file.rows_ready;
    let understand = say::bulk_apply_consent(lang, n);
    let apply_label = say::bulk_apply_ready(lang, n);
    view! {
        <div class="row-actions bulk-actions">
            {(n > 0).then(|| view! {
                <form method="post" action=posts::APPLY_BULK_FILE.to([&file.id]) class="action-form" data-testid="bulk-apply">
                    <div class="choice">
                        <input id="confirm-apply" type="checkbox" name="confirm" value="yes" required/>
                        <label for="confirm-apply" class="confirm-label">{understand}</label>
                    </div>
                    <button type="submit" class="button primary">{apply_label}</button>
                </form>
            })}
            <form method="post" action=posts::DISCARD_BULK_FILE.to([&file.id]) class="action-form" data-testid="bulk-discard">
                <div class="choice">
                    <input id="confirm-discard" type="checkbox" name="confirm" value="yes" required/>
                    <label for="confirm-discard" class="confirm-label">{t(Text::IUnderstandNothingOfThisFile)}</label>
                </div>
                <button type="submit" class="button danger">{t(Text::DiscardTheFile)}</button>
            </form>
        </div>
        {(n == 0).then(|| view! {
            <p class="muted">{t(Text::NoLineIsReadyCorrectThe)}</p>
        })}
    }
}

#[component]
fn LineFilter(id: BulkFileId, show: String) -> impl IntoView {
    let lang = use_lang();
    let link = |value: &'static str, text: Text| {
        let href = if value.is_empty() {
            format!("/licences/bulk/{id}")
        } else {
            format!("/licences/bulk/{id}?show={value}")
        };
        let current = show == value;
        view! {
            <a href=href class=if current { "button secondary small current" } else { "button secondary small" } aria-current=current.then_some("page")>
                {lang.t(text)}
            </a>
        }
    };
    view! {
        <nav class="row-actions line-filter" aria-label=lang.t(Text::WhichLines)>
            {link("", Text::AllLines)}
            {link("problems", Text::ProblemsOnly)}
            {link("ready", Text::ReadyLines)}
        </nav>
    }
}

#[component]
fn LineTable(file: BulkFileView, page: BulkFileDetail, show: String) -> impl IntoView {
    let lang = use_lang();
    let t = move |text| lang.t(text);
    let more = page.more_after.map(|after| {
        let mut pairs = Vec::new();
        if !show.is_empty() {
            pairs.push(("show", show.clone()));
        }
        pairs.push(("after", after.to_string()));
        format!("/licences/bulk/{}{}", file.id, query_string(&pairs))
    });
    let resources = file.kind == BulkKind::Resources;
    view! {
        {if page.lines.is_empty() {
            view! { <p class="muted" role="status">{t(Text::NoLineToShowHere)}</p> }.into_any()
        } else {
            view! {
                <Table class="table bulk-lines" testid="bulk-lines" columns=vec![Text::Line, Text::Licence, if resources { Text::Resource } else { Text::EndUser }, Text::Status]>
                    {page.lines.into_iter().map(|line| view! { <LineRow line/> }).collect_view()}
                </Table>
            }
            .into_any()
        }}
        <nav class="pager" aria-label=t(Text::Pages)>
            {more.map(|href| view! { <a class="button secondary small" rel="next" href=href>{t(Text::NextLines)}</a> })}
        </nav>
    }
}

#[component]
fn LineRow(line: BulkLineView) -> impl IntoView {
    let lang = use_lang();
    let licence = match line.licence_id.clone() {
        Some(id) => view! {
            <a href=format!("/licences/{id}") class="mono">{line.licence_ref.clone()}</a>
            {(id != line.licence_ref).then(|| view! { <span class="cell-sub mono">{id.to_string()}</span> })}
        }
        .into_any(),
        None => view! { <span class="mono">{line.licence_ref.clone()}</span> }.into_any(),
    };
    let before = line.current.clone().map(|current| {
        let placeholder = line.placeholder.then(
            || view! { " " <span class="badge placeholder">{lang.t(Text::Placeholder)}</span> },
        );
        view! { <span class="cell-sub"><s class="mono">{current}</s>{placeholder}</span> }
    });
    let status_class = match line.status {
        BulkLineStatus::Ready | BulkLineStatus::Applied => "status-ok",
        BulkLineStatus::Invalid | BulkLineStatus::Refused => "status-error",
        BulkLineStatus::Unchanged => "state-retired",
    };
    let problem = line.problem.as_ref().map(|p| problem_text(p, lang));
    let events = (line.events > 0).then(|| say::events_to_orange_count(lang, line.events));
    view! {
        <tr data-testid=format!("bulk-line-{}", line.line) class=format!("line-{}", line.status)>
            <td class="mono">{line.line}</td>
            <td>{licence}</td>
            <td>
                {line.resource_type.clone().map(|kind| view! { <span class="badge">{kind}</span> " " })}
                <span class="mono">{line.wanted.clone()}</span>
                {before}
            </td>
            <td>
                <span class=format!("badge {status_class}")>{line.status.label(lang)}</span>
                {problem.map(|text| view! { <span class="cell-sub" data-testid="bulk-problem">{text}</span> })}
                {events.map(|text| view! { <span class="cell-sub">{text}</span> })}
            </td>
        </tr>
    }
}
