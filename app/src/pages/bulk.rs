//! `/licences/bulk`: bulk changes to licences from a CSV file. Operators and administrators upload
//! a file of realizing resources to replace or of end users to assign; the file is checked line by
//! line and kept as a preview (`/licences/bulk/{id}`), where every line shows what it changes and
//! any problem. Applying it hands the ready lines to the bulk worker; the page then shows the
//! progress (it reloads itself until the work is done, with or without JavaScript) and each
//! line's outcome. Support staff see the files but no forms.

use fleetdesk_vocab::{BulkFileState, BulkKind, BulkLineStatus, BulkProblem};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::licence::expected_format;
use super::{ErrorPanel, query_string};
use crate::api::{fetch_bulk_file, fetch_bulk_files};
use crate::i18n::{Lang, When, use_lang};
use crate::model::{BulkFileDetail, BulkFileView, BulkLineView};

/// What a file changes, in words.
fn kind_text(kind: BulkKind, lang: Lang) -> &'static str {
    match kind {
        BulkKind::Resources => lang.t("Realizing resources", "Ressources"),
        BulkKind::EndUsers => lang.t("End users", "Utilisateurs finaux"),
    }
}

/// A file's state, in words.
fn file_state_text(state: BulkFileState, lang: Lang) -> &'static str {
    match state {
        BulkFileState::Previewed => lang.t("Preview", "Aperçu"),
        BulkFileState::Applying => lang.t("Applying", "En cours"),
        BulkFileState::Applied => lang.t("Applied", "Appliqué"),
        BulkFileState::Discarded => lang.t("Discarded", "Abandonné"),
    }
}

/// A line's status, in words.
fn line_status_text(status: BulkLineStatus, lang: Lang) -> &'static str {
    match status {
        BulkLineStatus::Ready => lang.t("Ready", "Prête"),
        BulkLineStatus::Unchanged => lang.t("Nothing to do", "Rien à faire"),
        BulkLineStatus::Invalid => lang.t("Problem", "Problème"),
        BulkLineStatus::Applied => lang.t("Applied", "Appliquée"),
        BulkLineStatus::Refused => lang.t("Refused", "Refusée"),
    }
}

/// Why a line is not applied, or needs nothing, in words.
pub fn problem_text(problem: &BulkProblem, lang: Lang) -> String {
    match (problem, lang) {
        (BulkProblem::DuplicateLicence { line }, Lang::En) => {
            format!("This licence is already on line {line}; only that line counts.")
        }
        (BulkProblem::DuplicateLicence { line }, Lang::Fr) => {
            format!("Cette licence figure déjà ligne {line} ; seule cette ligne compte.")
        }
        (BulkProblem::SharedConflict { line }, Lang::En) => format!(
            "This resource is shared by the customer's licences, and line {line} already gives it another value."
        ),
        (BulkProblem::SharedConflict { line }, Lang::Fr) => format!(
            "Cette ressource est partagée par les licences du client, et la ligne {line} lui donne déjà une autre valeur."
        ),
        (BulkProblem::SharedSame { line }, Lang::En) => format!(
            "Shared resource: line {line} sets this value for every licence of the customer."
        ),
        (BulkProblem::SharedSame { line }, Lang::Fr) => format!(
            "Ressource partagée : la ligne {line} donne cette valeur à toutes les licences du client."
        ),
        (BulkProblem::InvalidValue { kind }, _) => format!(
            "{} {}",
            lang.t("Not a valid value.", "Valeur non valide."),
            expected_format(*kind, lang)
        ),
        (BulkProblem::MissingLicence, _) => lang
            .t(
                "No licence given: the licence column is empty.",
                "Aucune licence : la colonne licence est vide.",
            )
            .to_owned(),
        (BulkProblem::UnknownLicence, _) => lang
            .t(
                "No licence has this id or login.",
                "Aucune licence n’a cet identifiant technique ni cet identifiant de connexion.",
            )
            .to_owned(),
        (BulkProblem::Terminated, _) => lang
            .t(
                "The licence is terminated and can no longer change.",
                "La licence est résiliée et ne peut plus changer.",
            )
            .to_owned(),
        (BulkProblem::OperationInProgress, _) => lang
            .t(
                "An operation from Orange is in progress on this licence; send this line again once it is done.",
                "Une opération d’Orange est en cours sur cette licence ; renvoyez cette ligne une fois terminée.",
            )
            .to_owned(),
        (BulkProblem::UnknownType, _) => lang
            .t(
                "Unknown resource type: use msisdn, imei, email or url.",
                "Type de ressource inconnu : utilisez msisdn, imei, email ou url.",
            )
            .to_owned(),
        (BulkProblem::NoResource, _) => lang
            .t(
                "The licence has no realizing resource of this type.",
                "La licence n’a pas de ressource de ce type.",
            )
            .to_owned(),
        (BulkProblem::TypeNeeded, _) => lang
            .t(
                "The licence has several realizing resources: say which in the type column.",
                "La licence a plusieurs ressources : indiquez laquelle dans la colonne type.",
            )
            .to_owned(),
        (BulkProblem::GivenName, _) => lang
            .t("The given name is required.", "Le prénom est obligatoire.")
            .to_owned(),
        (BulkProblem::FamilyName, _) => lang
            .t(
                "The family name is required.",
                "Le nom de famille est obligatoire.",
            )
            .to_owned(),
        (BulkProblem::Email, _) => lang
            .t(
                "The e-mail address is not valid.",
                "L’adresse e-mail n’est pas valide.",
            )
            .to_owned(),
        (BulkProblem::Mobile, _) => lang
            .t(
                "The mobile number needs both a country code (1 to 3 digits) and a number (up to 14 digits), or neither.",
                "Le mobile demande un indicatif (1 à 3 chiffres) et un numéro (14 chiffres au plus), ou aucun des deux.",
            )
            .to_owned(),
        (BulkProblem::Unchanged, _) => lang
            .t(
                "Nothing to change: that is already the current value.",
                "Rien à changer : c’est déjà la valeur actuelle.",
            )
            .to_owned(),
        (BulkProblem::NoValue, _) => lang
            .t(
                "No value given: the line is skipped.",
                "Aucune valeur : la ligne est ignorée.",
            )
            .to_owned(),
    }
}

#[component]
pub fn BulkChangesPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |()| fetch_bulk_files());
    view! {
        <Title text=lang.t("Bulk changes", "Modifications en masse")/>
        <p class="breadcrumb"><a href="/licences">{lang.t("← Licences", "← Licences")}</a></p>
        <h1>{lang.t("Bulk changes", "Modifications en masse")}</h1>
        <p class="lead muted">
            {lang.t(
                "Replace realizing resources or assign end users for many licences at once, from a CSV file. The file is checked first and nothing changes until you apply it; each change then reaches Orange as its own event.",
                "Remplacez des ressources ou affectez des utilisateurs finaux à de nombreuses licences d’un coup, depuis un fichier CSV. Le fichier est d’abord vérifié et rien ne change avant que vous ne l’appliquiez ; chaque modification part ensuite vers Orange dans son propre événement.",
            )}
        </p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("Loading…", "Chargement…")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! {
                        {page.can_act.then(|| view! { <UploadForms/> })}
                        {(!page.can_act).then(|| view! {
                            <p class="banner notice" role="note">
                                {lang.t(
                                    "Your role lets you look at the files, not upload or apply them.",
                                    "Votre rôle permet de consulter les fichiers, pas de les envoyer ni de les appliquer.",
                                )}
                            </p>
                        })}
                        <FileList files=page.files/>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn UploadForms() -> impl IntoView {
    let lang = use_lang();
    let t = move |en, fr| lang.t(en, fr);
    view! {
        <div class="bulk-uploads">
            <section class="panel" aria-labelledby="bulk-resources-title">
                <h2 id="bulk-resources-title">{t("Replace realizing resources", "Remplacer des ressources")}</h2>
                <p>
                    {t("Columns: ", "Colonnes : ")}
                    <code>"licence"</code> ", " <code>"type"</code> ", " <code>"value"</code> ". "
                    {t(
                        "The licence is its id (lic_…) or its login; the type (msisdn, imei, email, url) may stay empty when the licence has one resource. Commas or semicolons; other columns are ignored.",
                        "La licence est son identifiant technique (lic_…) ou son identifiant de connexion ; le type (msisdn, imei, email, url) peut rester vide si la licence n’a qu’une ressource. Virgules ou points-virgules ; les autres colonnes sont ignorées.",
                    )}
                </p>
                <p>
                    <a href="/console/licences/placeholders.csv" download data-testid="placeholders-download">
                        {t("Download the licences still waiting for a real value", "Télécharger les licences qui attendent encore une vraie valeur")}
                    </a>
                    {t(" (fill in the value column and upload it here).", " (remplissez la colonne value et envoyez-le ici).")}
                </p>
                <UploadForm kind="resources"/>
            </section>
            <section class="panel" aria-labelledby="bulk-end-users-title">
                <h2 id="bulk-end-users-title">{t("Assign end users", "Affecter des utilisateurs finaux")}</h2>
                <p>
                    {t("Columns: ", "Colonnes : ")}
                    <code>"licence"</code> ", " <code>"given_name"</code> ", " <code>"family_name"</code> ", " <code>"email"</code>
                    {t(", and optionally ", ", et en option ")}
                    <code>"mobile_cc"</code> ", " <code>"mobile_sn"</code> ". "
                    {t(
                        "A licence that already has an end user gets the new one.",
                        "Une licence qui a déjà un utilisateur final reçoit le nouveau.",
                    )}
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
        <form method="post" action="/console/licences/bulk" enctype="multipart/form-data" class="grid-form" data-testid=format!("upload-{slug}")>
            <input type="hidden" name="kind" value=kind/>
            <div class="field">
                <label for=input_id.clone()>{lang.t("CSV file", "Fichier CSV")}</label>
                <input id=input_id name="file" type="file" accept=".csv,text/csv" required/>
            </div>
            <div class="field actions">
                <button type="submit" class="button primary">{lang.t("Check the file", "Vérifier le fichier")}</button>
            </div>
        </form>
    }
}

#[component]
fn FileStateBadge(state: BulkFileState) -> impl IntoView {
    let lang = use_lang();
    view! {
        <span class=format!("badge bulk-{state}") data-testid="bulk-state">{file_state_text(state, lang)}</span>
    }
}

#[component]
fn FileList(files: Vec<BulkFileView>) -> impl IntoView {
    let lang = use_lang();
    let t = move |en, fr| lang.t(en, fr);
    view! {
        <section class="panel" aria-labelledby="bulk-files-title">
            <h2 id="bulk-files-title">{t("Recent files", "Fichiers récents")}</h2>
            {if files.is_empty() {
                view! { <p class="muted" role="status">{t("No file uploaded yet.", "Aucun fichier envoyé pour l’instant.")}</p> }.into_any()
            } else {
                view! {
                    <table class="table" data-testid="bulk-files">
                        <thead>
                            <tr>
                                <th scope="col">{t("File", "Fichier")}</th>
                                <th scope="col">{t("Changes", "Modifie")}</th>
                                <th scope="col">{t("State", "État")}</th>
                                <th scope="col">{t("Lines", "Lignes")}</th>
                                <th scope="col">{t("Uploaded", "Envoyé")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {files.into_iter().map(|file| {
                                let counts = counts_text(&file, lang);
                                view! {
                                    <tr>
                                        <td><a href=format!("/licences/bulk/{}", file.id)>{file.file_name.clone()}</a></td>
                                        <td>{kind_text(file.kind, lang)}</td>
                                        <td><FileStateBadge state=file.state/></td>
                                        <td>{counts}</td>
                                        <td class="nowrap">
                                            <When at=file.created_at.clone()/>
                                            <span class="cell-sub">{file.uploaded_by.clone()}</span>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
    }
}

/// "12 lines: 10 ready, 2 with a problem", or after the apply, what became of them.
fn counts_text(file: &BulkFileView, lang: Lang) -> String {
    let mut parts = Vec::new();
    let mut part = |n: i64, en: &'static str, fr: &'static str| {
        if n > 0 {
            parts.push(format!("{n} {}", lang.t(en, fr)));
        }
    };
    part(file.applied, "applied", "appliquée(s)");
    part(file.ready, "ready", "prête(s)");
    part(file.unchanged, "with nothing to do", "sans rien à faire");
    part(file.invalid, "with a problem", "avec un problème");
    part(file.refused, "refused", "refusée(s)");
    let total = match lang {
        Lang::En => format!(
            "{} line{}",
            file.rows_total,
            if file.rows_total == 1 { "" } else { "s" }
        ),
        Lang::Fr => format!(
            "{} ligne{}",
            file.rows_total,
            if file.rows_total == 1 { "" } else { "s" }
        ),
    };
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
    let lang = use_lang();
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
        |query| fetch_bulk_file(query.id, query.show, query.after),
    );
    view! {
        <Title text=lang.t("Bulk file", "Fichier de modifications")/>
        <p class="breadcrumb"><a href="/licences/bulk">{lang.t("← Bulk changes", "← Modifications en masse")}</a></p>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("Loading…", "Chargement…")}</p> }>
            {move || Suspend::new(async move {
                let query = query.get_untracked();
                match data.await {
                    Ok(page) => view! { <FileBody page show=query.show/> }.into_any(),
                    Err(error) => view! {
                        <h1>{lang.t("Bulk file", "Fichier de modifications")}</h1>
                        <ErrorPanel error/>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FileBody(page: BulkFileDetail, show: String) -> impl IntoView {
    let lang = use_lang();
    let t = move |en, fr| lang.t(en, fr);
    let file = page.file.clone();
    let subtitle = match lang {
        Lang::En => format!(
            "{} · uploaded by {}",
            kind_text(file.kind, lang),
            file.uploaded_by
        ),
        Lang::Fr => format!(
            "{} · envoyé par {}",
            kind_text(file.kind, lang),
            file.uploaded_by
        ),
    };
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
                <h2 id="bulk-lines-title">{t("Lines", "Lignes")}</h2>
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
                {lang.t(
                    "Preview: nothing has changed yet. Check the lines below, then apply the ready ones or discard the file.",
                    "Aperçu : rien n’a encore changé. Vérifiez les lignes ci-dessous, puis appliquez celles qui sont prêtes ou abandonnez le fichier.",
                )}
            </p>
        }
        .into_any(),
        BulkFileState::Applying => {
            let done = (file.rows_ready - file.ready).max(0);
            let text = match lang {
                Lang::En => format!("Applying: {done} of {} lines done. This page refreshes by itself.", file.rows_ready),
                Lang::Fr => format!("Application en cours : {done} lignes sur {} traitées. Cette page se met à jour seule.", file.rows_ready),
            };
            view! {
                <Meta http_equiv="refresh" content="2"/>
                <div class="banner running" role="status" data-testid="bulk-banner">
                    <p>{text}</p>
                    <progress max=file.rows_ready.to_string() value=done.to_string() aria-label=lang.t("Progress", "Avancement")></progress>
                </div>
            }
            .into_any()
        }
        BulkFileState::Applied => {
            let by = file.applied_by.clone().unwrap_or_default();
            let text = match lang {
                Lang::En => format!("Applied by {by}: {} changed, {} refused, {} with nothing to do. Orange is told of each change.", file.applied, file.refused, file.unchanged),
                Lang::Fr => format!("Appliqué par {by} : {} modifiée(s), {} refusée(s), {} sans rien à faire. Orange est informé de chaque modification.", file.applied, file.refused, file.unchanged),
            };
            view! {
                <p class="banner running" role="status" data-testid="bulk-banner">
                    {text} " " {file.finished_at.clone().map(|at| view! { <When at/> })}
                </p>
            }
            .into_any()
        }
        BulkFileState::Discarded => {
            let by = file.applied_by.clone().unwrap_or_default();
            let text = match lang {
                Lang::En => format!("Discarded by {by}: none of its lines was applied."),
                Lang::Fr => format!("Abandonné par {by} : aucune de ses lignes n’a été appliquée."),
            };
            view! { <p class="banner paused" role="status" data-testid="bulk-banner">{text}</p> }.into_any()
        }
    }
}

#[component]
fn FileActions(file: BulkFileView) -> impl IntoView {
    let lang = use_lang();
    let t = move |en, fr| lang.t(en, fr);
    let n = file.rows_ready;
    let understand = match lang {
        Lang::En => format!(
            "I understand {n} licence{} will change and Orange is told of each",
            if n == 1 { "" } else { "s" }
        ),
        Lang::Fr => format!(
            "Je comprends que {n} licence{} vont changer et qu’Orange sera informé de chacune",
            if n == 1 { "" } else { "s" }
        ),
    };
    let apply_label = match lang {
        Lang::En => format!("Apply {n} ready line{}", if n == 1 { "" } else { "s" }),
        Lang::Fr => format!(
            "Appliquer {n} ligne{} prête{}",
            if n == 1 { "" } else { "s" },
            if n == 1 { "" } else { "s" }
        ),
    };
    view! {
        <div class="row-actions bulk-actions">
            {(n > 0).then(|| view! {
                <form method="post" action=format!("/console/licences/bulk/{}/apply", file.id) class="action-form" data-testid="bulk-apply">
                    <div class="choice">
                        <input id="confirm-apply" type="checkbox" name="confirm" value="yes" required/>
                        <label for="confirm-apply" class="confirm-label">{understand}</label>
                    </div>
                    <button type="submit" class="button primary">{apply_label}</button>
                </form>
            })}
            <form method="post" action=format!("/console/licences/bulk/{}/discard", file.id) class="action-form" data-testid="bulk-discard">
                <div class="choice">
                    <input id="confirm-discard" type="checkbox" name="confirm" value="yes" required/>
                    <label for="confirm-discard" class="confirm-label">{t("I understand nothing of this file will be applied", "Je comprends que rien de ce fichier ne sera appliqué")}</label>
                </div>
                <button type="submit" class="button danger">{t("Discard the file", "Abandonner le fichier")}</button>
            </form>
        </div>
        {(n == 0).then(|| view! {
            <p class="muted">{t("No line is ready: correct the file and upload it again.", "Aucune ligne n’est prête : corrigez le fichier et envoyez-le à nouveau.")}</p>
        })}
    }
}

#[component]
fn LineFilter(id: String, show: String) -> impl IntoView {
    let lang = use_lang();
    let link = |value: &'static str, en: &'static str, fr: &'static str| {
        let href = if value.is_empty() {
            format!("/licences/bulk/{id}")
        } else {
            format!("/licences/bulk/{id}?show={value}")
        };
        let current = show == value;
        view! {
            <a href=href class=if current { "button secondary small current" } else { "button secondary small" } aria-current=current.then_some("page")>
                {lang.t(en, fr)}
            </a>
        }
    };
    view! {
        <nav class="row-actions line-filter" aria-label=lang.t("Which lines", "Quelles lignes")>
            {link("", "All lines", "Toutes les lignes")}
            {link("problems", "Problems only", "Problèmes seulement")}
            {link("ready", "Ready", "Prêtes")}
        </nav>
    }
}

#[component]
fn LineTable(file: BulkFileView, page: BulkFileDetail, show: String) -> impl IntoView {
    let lang = use_lang();
    let t = move |en, fr| lang.t(en, fr);
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
            view! { <p class="muted" role="status">{t("No line to show here.", "Aucune ligne à afficher ici.")}</p> }.into_any()
        } else {
            view! {
                <table class="table bulk-lines" data-testid="bulk-lines">
                    <thead>
                        <tr>
                            <th scope="col">{t("Line", "Ligne")}</th>
                            <th scope="col">{t("Licence", "Licence")}</th>
                            <th scope="col">{if resources { t("Resource", "Ressource") } else { t("End user", "Utilisateur final") }}</th>
                            <th scope="col">{t("Status", "Statut")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {page.lines.into_iter().map(|line| view! { <LineRow line/> }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        }}
        <nav class="pager" aria-label=t("Pages", "Pages")>
            {more.map(|href| view! { <a class="button secondary small" rel="next" href=href>{t("Next lines", "Lignes suivantes")}</a> })}
        </nav>
    }
}

#[component]
fn LineRow(line: BulkLineView) -> impl IntoView {
    let lang = use_lang();
    let licence = match line.licence_id.clone() {
        Some(id) => view! {
            <a href=format!("/licences/{id}") class="mono">{line.licence_ref.clone()}</a>
            {(id != line.licence_ref).then(|| view! { <span class="cell-sub mono">{id.clone()}</span> })}
        }
        .into_any(),
        None => view! { <span class="mono">{line.licence_ref.clone()}</span> }.into_any(),
    };
    let before = line.current.clone().map(|current| {
        let placeholder = line.placeholder.then(|| view! { " " <span class="badge placeholder">{lang.t("placeholder", "provisoire")}</span> });
        view! { <span class="cell-sub"><s class="mono">{current}</s>{placeholder}</span> }
    });
    let status_class = match line.status {
        BulkLineStatus::Ready | BulkLineStatus::Applied => "status-ok",
        BulkLineStatus::Invalid | BulkLineStatus::Refused => "status-error",
        BulkLineStatus::Unchanged => "state-retired",
    };
    let problem = line.problem.as_ref().map(|p| problem_text(p, lang));
    let events = (line.events > 0).then(|| match lang {
        Lang::En => format!(
            "{} event{} to Orange",
            line.events,
            if line.events == 1 { "" } else { "s" }
        ),
        Lang::Fr => format!(
            "{} événement{} vers Orange",
            line.events,
            if line.events == 1 { "" } else { "s" }
        ),
    });
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
                <span class=format!("badge {status_class}")>{line_status_text(line.status, lang)}</span>
                {problem.map(|text| view! { <span class="cell-sub" data-testid="bulk-problem">{text}</span> })}
                {events.map(|text| view! { <span class="cell-sub">{text}</span> })}
            </td>
        </tr>
    }
}
