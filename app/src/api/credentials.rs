//! The API credentials page (administrators): Orange's credentials and the partner product's, and,
//! once, a secret just issued.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::ConsoleError;
use crate::model::CredentialsPage;

/// Every credential, Orange's and the product's, newest first, and the one issued just before,
/// with its secret.
#[server(prefix = "/console/api", endpoint = "credentials", input = GetUrl)]
pub async fn fetch_credentials() -> Result<CredentialsPage, ConsoleError> {
    use fleetdesk_core::credentials::{self, CredentialKind};

    use crate::model::CredentialView;

    super::ssr::require(fleetdesk_core::access::Permission::Administer)?;
    let db = super::ssr::db()?;
    let mut all = Vec::new();
    for kind in CredentialKind::ALL {
        all.extend(
            credentials::list(&db, kind)
                .await
                .map_err(super::ssr::internal)?,
        );
    }
    all.sort_by(|a, b| (&b.created_at, &b.id).cmp(&(&a.created_at, &a.id)));
    // `created_by` holds an operator id; the page shows who that is.
    let operators = fleetdesk_core::operators::list(&db)
        .await
        .map_err(super::ssr::internal)?;
    let name_of = |id: &str| {
        operators
            .iter()
            .find(|operator| operator.id == id)
            .map_or_else(|| id.to_owned(), |operator| operator.display_name.clone())
    };
    Ok(CredentialsPage {
        credentials: all
            .into_iter()
            .map(|credential| CredentialView {
                id: credential.id,
                kind: credential.kind,
                label: credential.label,
                client_id: credential.client_id,
                created_at: credential.created_at,
                created_by: credential.created_by.as_deref().map(name_of),
                last_used_at: credential.last_used_at,
                revoked_at: credential.revoked_at,
            })
            .collect(),
        issued: super::ssr::issued_credential(),
    })
}
