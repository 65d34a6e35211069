//! The raw Orange exchanges (every signed-in operator, support included): a filtered list, newest
//! first, paged by keyset, and one exchange in full.

use fleetdesk_vocab::ExchangeId;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::ConsoleError;
use crate::model::{ExchangeDetail, ExchangesPage};

/// How many exchanges one page of the list shows.
#[cfg(feature = "ssr")]
const PAGE_SIZE: u32 = 50;

/// Exchanges older than `before_at`/`before_id` (when given), about `object_id` (when given),
/// failed ones only when `errors_only`.
#[server(prefix = "/console/api", endpoint = "exchanges", input = GetUrl)]
pub async fn fetch_exchanges(
    object_id: Option<String>,
    errors_only: bool,
    before_at: Option<String>,
    before_id: Option<String>,
) -> Result<ExchangesPage, ConsoleError> {
    use fleetdesk_core::orange::exchanges::{self, Filter};

    use crate::model::ExchangeRow;

    super::ssr::current_operator()?;
    let db = super::ssr::db()?;
    let filter = Filter {
        object_id: object_id
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.is_empty()),
        errors_only,
        before: before_at.zip(before_id),
    };
    let mut found = exchanges::list(&db, &filter, PAGE_SIZE + 1)
        .await
        .map_err(super::ssr::internal)?;
    let older = super::ssr::keyset_page(&mut found, PAGE_SIZE, |last| {
        (last.at.clone(), last.id.to_string())
    });
    Ok(ExchangesPage {
        rows: found
            .into_iter()
            .map(|exchange| ExchangeRow {
                id: exchange.id,
                at: exchange.at,
                method: exchange.method,
                path: exchange.path,
                status: exchange.response_status,
                client_id: exchange.client_id,
                duration_ms: exchange.duration_ms,
                object_id: exchange.object_id,
            })
            .collect(),
        older,
    })
}

/// One exchange, with its (masked) headers and its bodies.
#[server(prefix = "/console/api", endpoint = "exchange", input = GetUrl)]
pub async fn fetch_exchange(id: ExchangeId) -> Result<ExchangeDetail, ConsoleError> {
    super::ssr::current_operator()?;
    let db = super::ssr::db()?;
    let exchange = match fleetdesk_core::orange::exchanges::find(&db, &id).await {
        Ok(Some(exchange)) => exchange,
        Ok(None) => return Err(ConsoleError::NotFound),
        Err(error) => return Err(super::ssr::internal(error)),
    };
    Ok(ExchangeDetail {
        id: exchange.id,
        at: exchange.at,
        method: exchange.method,
        path: exchange.path,
        status: exchange.response_status,
        credential_id: exchange.credential_id,
        client_id: exchange.client_id,
        duration_ms: exchange.duration_ms,
        request_id: exchange.request_id,
        object_type: exchange.object_type,
        object_id: exchange.object_id,
        request_headers: exchange.request_headers,
        request_body: exchange.request_body.as_deref().map(ssr::pretty),
        response_body: exchange.response_body.as_deref().map(ssr::pretty),
    })
}

#[cfg(feature = "ssr")]
pub(super) mod ssr {
    /// A JSON body indented for reading; anything else as it was.
    pub fn pretty(body: &str) -> String {
        serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .filter(|value| value.is_object() || value.is_array())
            .and_then(|value| serde_json::to_string_pretty(&value).ok())
            .unwrap_or_else(|| body.to_owned())
    }

    #[cfg(test)]
    mod tests {
        use super::pretty;

        #[test]
        fn json_bodies_are_indented_and_others_kept_as_they_are() {
            assert_eq!(pretty(r#"{"a":[1]}"#), "{\n  \"a\": [\n    1\n  ]\n}");
            assert_eq!(pretty("not json {"), "not json {");
            assert_eq!(pretty("\"text\""), "\"text\"");
        }
    }
}
