//! `/reference` (administrators): the Orange API's reference, read from its OpenAPI document: each
//! path and method with its summary, parameters, request body and responses, and a link to the raw
//! document.

use fleetdesk_vocab::{Text, say};
use leptos::prelude::*;

use super::parts::{Page, Table};
use crate::api::fetch_api_reference;
use crate::i18n::use_lang;
use crate::model::{ApiOperation, ApiReferenceView};

/// Where the console serves the raw document for download.
pub const RAW_DOCUMENT: &str = "/reference/openapi.json";

#[component]
pub fn ReferencePage() -> impl IntoView {
    let data = Resource::new(|| (), |()| fetch_api_reference());
    view! {
        <Page title=Text::ApiReference data body=|reference| view! { <ReferenceBody reference/> }/>
    }
}

#[component]
fn ReferenceBody(reference: ApiReferenceView) -> impl IntoView {
    let lang = use_lang();
    let empty = reference.operations.is_empty();
    let count = reference.operations.len();
    view! {
        <section class="panel">
            <h2>{reference.title} " " <span class="badge">{format!("{} {}", lang.t(Text::Version), reference.version)}</span></h2>
            {reference.description.map(|text| view! { <p>{text}</p> })}
            <p>
                <a class="button secondary" href=RAW_DOCUMENT download="fleetdesk-orange-openapi.json" rel="external">{lang.t(Text::DownloadTheOpenapiDocumentJson)}</a>
            </p>
            {(!empty).then(|| view! {
                <p class="muted">{say::operations_documented(lang, count)}</p>
            })}
        </section>
        {if empty {
            view! { <section class="panel"><p class="muted">{lang.t(Text::NoOperationsDocumented)}</p></section> }.into_any()
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
            <h3>{lang.t(Text::Parameters)}</h3>
            <Table class="table compact" columns=vec![Text::Name, Text::In, Text::Type, Text::Required, Text::Description]>
                    {operation
                        .parameters
                        .into_iter()
                        .map(|parameter| view! {
                            <tr>
                                <td class="mono">{parameter.name}</td>
                                <td>{parameter.location}</td>
                                <td class="mono">{parameter.schema}</td>
                                <td>{if parameter.required { lang.t(Text::Yes) } else { lang.t(Text::No) }}</td>
                                <td>{parameter.description.unwrap_or_default()}</td>
                            </tr>
                        })
                        .collect_view()}
            </Table>
        }
    });
    let body = operation.request_body.map(|body| {
        view! {
            <h3>{lang.t(Text::RequestBody)}</h3>
            <p>
                <code>{body.schema}</code>
                " "
                <span class="muted">{format!("({}{})", body.content_type, if body.required { lang.t(Text::RequiredSuffix) } else { "" })}</span>
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
            <h3>{lang.t(Text::Responses)}</h3>
            <Table class="table compact" columns=vec![Text::Status, Text::Description, Text::Body]>
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
            </Table>
        </section>
    }
}
