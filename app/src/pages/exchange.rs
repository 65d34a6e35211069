//! `/exchanges/{id}`: one raw Orange exchange in full: the request line, who sent it, the
//! (masked) request headers and both bodies, JSON pretty-printed.

use fleetdesk_vocab::Text;
use leptos::prelude::*;

use super::exchanges::StatusBadge;
use super::parts::DetailPage;
use super::query_string;
use crate::api::fetch_exchange;
use crate::i18n::{When, use_lang};
use crate::model::ExchangeDetail;

#[component]
pub fn ExchangePage() -> impl IntoView {
    view! {
        <DetailPage
            title=Text::OrangeExchange
            back=("/exchanges", Text::BackToExchanges)
            fetch=fetch_exchange
            body=|exchange| view! { <ExchangeBody exchange/> }
        />
    }
}

fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "—".to_owned())
}

#[component]
fn ExchangeBody(exchange: ExchangeDetail) -> impl IntoView {
    let lang = use_lang();
    let heading = format!("{} {}", exchange.method, exchange.path);
    let object = exchange.object_id.clone().map(|id| {
        let href = format!("/exchanges{}", query_string(&[("object_id", id.clone())]));
        let text = match &exchange.object_type {
            Some(kind) => format!("{kind} {id}"),
            None => id,
        };
        view! { <a href=href class="mono">{text}</a> }
    });
    let headers = exchange
        .request_headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}"))
        .collect::<Vec<_>>()
        .join("\n");
    view! {
        <h1 class="mono-heading">{heading}</h1>
        <section class="panel">
            <dl class="facts">
                <dt>{lang.t(Text::Date)}</dt>
                <dd><When at=exchange.at.clone()/> " " <span class="muted mono">{exchange.at.clone()}</span></dd>
                <dt>{lang.t(Text::Status)}</dt>
                <dd><StatusBadge status=exchange.status/></dd>
                <dt>{lang.t(Text::ClientId)}</dt>
                <dd class="mono">{or_dash(exchange.client_id)}</dd>
                <dt>{lang.t(Text::Credential)}</dt>
                <dd class="mono">{or_dash(exchange.credential_id.map(String::from))}</dd>
                <dt>{lang.t(Text::Duration)}</dt>
                <dd>{exchange.duration_ms.map_or_else(|| "—".to_owned(), |ms| format!("{ms} ms"))}</dd>
                <dt>{lang.t(Text::RequestId)}</dt>
                <dd class="mono">{or_dash(exchange.request_id)}</dd>
                <dt>{lang.t(Text::Object)}</dt>
                <dd>{object.map_or_else(|| view! { "—" }.into_any(), IntoAny::into_any)}</dd>
            </dl>
        </section>
        <section class="panel">
            <h2>{lang.t(Text::RequestHeaders)}</h2>
            <pre class="code" tabindex="0" data-testid="request-headers">{if headers.is_empty() { lang.t(Text::NoneMParen).to_owned() } else { headers }}</pre>
        </section>
        <section class="panel">
            <h2>{lang.t(Text::RequestBody)}</h2>
            <pre class="code" tabindex="0" data-testid="request-body">{exchange.request_body.unwrap_or_else(|| lang.t(Text::Empty).to_owned())}</pre>
        </section>
        <section class="panel">
            <h2>{lang.t(Text::ResponseBody)}</h2>
            <pre class="code" tabindex="0" data-testid="response-body">{exchange.response_body.unwrap_or_else(|| lang.t(Text::Empty).to_owned())}</pre>
        </section>
    }
}
