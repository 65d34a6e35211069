//! `/reference` (administrators): the Orange API's reference, read from its OpenAPI document: each
//! path and method with its summary, parameters, request body and responses, and a link to the raw
//! document.

use leptos::prelude::*;
use leptos_meta::Title;

use super::ErrorPanel;
use crate::api::fetch_api_reference;
use crate::model::{ApiOperation, ApiReferenceView};

/// Where the console serves the raw document for download.
pub const RAW_DOCUMENT: &str = "/reference/openapi.json";

#[component]
pub fn ReferencePage() -> impl IntoView {
    let data = Resource::new(|| (), |()| fetch_api_reference());
    view! {
        <Title text="API reference"/>
        <h1>"API reference"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
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
    let empty = reference.operations.is_empty();
    let count = reference.operations.len();
    view! {
        <section class="panel">
            <h2>{reference.title} " " <span class="badge">{format!("version {}", reference.version)}</span></h2>
            {reference.description.map(|text| view! { <p>{text}</p> })}
            <p>
                <a class="button secondary" href=RAW_DOCUMENT download="fleetdesk-orange-openapi.json" rel="external">"Download the OpenAPI document (JSON)"</a>
            </p>
            {(!empty).then(|| view! {
                <p class="muted">{format!("{count} operation{} documented.", if count == 1 { "" } else { "s" })}</p>
            })}
        </section>
        {if empty {
            view! { <section class="panel"><p class="muted">"No operations documented."</p></section> }.into_any()
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
    let method_class = format!("method method-{}", operation.method.to_ascii_lowercase());
    let parameters = (!operation.parameters.is_empty()).then(|| {
        view! {
            <h3>"Parameters"</h3>
            <table class="table compact">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"In"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Required"</th>
                        <th scope="col">"Description"</th>
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
                                <td>{if parameter.required { "yes" } else { "no" }}</td>
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
            <h3>"Request body"</h3>
            <p>
                <code>{body.schema}</code>
                " "
                <span class="muted">{format!("({}{})", body.content_type, if body.required { ", required" } else { "" })}</span>
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
            <h3>"Responses"</h3>
            <table class="table compact">
                <thead>
                    <tr>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Description"</th>
                        <th scope="col">"Body"</th>
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
