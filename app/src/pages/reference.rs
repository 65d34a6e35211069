//! `/reference` (administrators): the Orange API's reference, read from its OpenAPI document: each
//! path and method with its summary, parameters, request body and responses, and a link to the raw
//! document.

use leptos::prelude::*;
use leptos_meta::Title;

use super::ErrorPanel;
use crate::api::fetch_api_reference;
use crate::i18n::{Lang, use_lang};
use crate::model::{ApiOperation, ApiReferenceView};

/// Where the console serves the raw document for download.
pub const RAW_DOCUMENT: &str = "/reference/openapi.json";

#[component]
pub fn ReferencePage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |()| fetch_api_reference());
    view! {
        <Title text=lang.t("API reference", "Référence de l’API")/>
        <h1>{lang.t("API reference", "Référence de l’API")}</h1>
        <Suspense fallback=move || view! { <p class="loading">{lang.t("Loading…", "Chargement…")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(reference) => view! { <ReferenceBody reference/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReferenceBody(reference: ApiReferenceView) -> impl IntoView {
    let lang = use_lang();
    let empty = reference.operations.is_empty();
    let count = reference.operations.len();
    view! {
        <section class="panel">
            <h2>{reference.title} " " <span class="badge">{format!("{} {}", lang.t("version", "version"), reference.version)}</span></h2>
            {reference.description.map(|text| view! { <p>{text}</p> })}
            <p>
                <a class="button secondary" href=RAW_DOCUMENT download="fleetdesk-orange-openapi.json" rel="external">{lang.t("Download the OpenAPI document (JSON)", "Télécharger le document OpenAPI (JSON)")}</a>
            </p>
            {(!empty).then(|| view! {
                <p class="muted">{match lang {
                    Lang::En => format!("{count} operation{} documented.", if count == 1 { "" } else { "s" }),
                    Lang::Fr => format!("{count} opération{plural} documentée{plural}.", plural = if count == 1 { "" } else { "s" }),
                }}</p>
            })}
        </section>
        {if empty {
            view! { <section class="panel"><p class="muted">{lang.t("No operations documented.", "Aucune opération documentée.")}</p></section> }.into_any()
        } else {
            reference
                .operations
                .into_iter()
                .map(|operation| view! { <OperationDoc operation/> })
                .collect_view()
                .into_any()
        }}
    }
}

#[component]
fn OperationDoc(operation: ApiOperation) -> impl IntoView {
    let lang = use_lang();
    let method_class = format!("method method-{}", operation.method.to_ascii_lowercase());
    let parameters = (!operation.parameters.is_empty()).then(|| {
        view! {
            <h3>{lang.t("Parameters", "Paramètres")}</h3>
            <table class="table compact">
                <thead>
                    <tr>
                        <th scope="col">{lang.t("Name", "Nom")}</th>
                        <th scope="col">{lang.t("In", "Emplacement")}</th>
                        <th scope="col">{lang.t("Type", "Type")}</th>
                        <th scope="col">{lang.t("Required", "Obligatoire")}</th>
                        <th scope="col">{lang.t("Description", "Description")}</th>
                    </tr>
                </thead>
                <tbody>
                    {operation
                        .parameters
                        .into_iter()
                        .map(|parameter| view! {
                            <tr>
                                <td class="mono">{parameter.name}</td>
                                <td>{parameter.location}</td>
                                <td class="mono">{parameter.schema}</td>
                                <td>{if parameter.required { lang.t("yes", "oui") } else { lang.t("no", "non") }}</td>
                                <td>{parameter.description.unwrap_or_default()}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
    });
    let body = operation.request_body.map(|body| {
        view! {
            <h3>{lang.t("Request body", "Corps de la requête")}</h3>
            <p>
                <code>{body.schema}</code>
                " "
                <span class="muted">{format!("({}{})", body.content_type, if body.required { lang.t(", required", ", obligatoire") } else { "" })}</span>
            </p>
        }
    });
    view! {
        <section class="panel operation">
            <h2 class="operation-title">
                <span class=method_class>{operation.method}</span>
                " "
                <code>{operation.path}</code>
            </h2>
            {operation.summary.map(|text| view! { <p class="operation-summary">{text}</p> })}
            {operation.description.map(|text| view! { <p class="muted">{text}</p> })}
            {parameters}
            {body}
            <h3>{lang.t("Responses", "Réponses")}</h3>
            <table class="table compact">
                <thead>
                    <tr>
                        <th scope="col">{lang.t("Status", "Statut")}</th>
                        <th scope="col">{lang.t("Description", "Description")}</th>
                        <th scope="col">{lang.t("Body", "Corps")}</th>
                    </tr>
                </thead>
                <tbody>
                    {operation
                        .responses
                        .into_iter()
                        .map(|response| view! {
                            <tr>
                                <td class="mono">{response.status}</td>
                                <td>{response.description}</td>
                                <td class="mono">{response.schema.unwrap_or_default()}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}
