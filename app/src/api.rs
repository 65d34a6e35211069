//! The console's server functions (under `/console/api`). Each checks the signed-in operator and
//! their role on the server; the pages only decide what to show.
//!
//! The Orange API's administration has one file per page: [`orange_settings`], [`credentials`],
//! [`offerings`], [`exchanges`] and [`reference`]; the events owed to Orange have [`events`] and
//! [`delivery_settings`]; the webhooks to the partner's product have [`provisioning_settings`].

mod audit;
mod bulk;
mod credentials;
mod customers;
mod delivery_settings;
mod events;
mod exchanges;
mod fleets;
mod licences;
mod offerings;
mod orange_settings;
mod orders;
mod provisioning_settings;
mod reference;
mod self_test;
mod work;

use fleetdesk_vocab::{Text, say};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, JsonEncoding};
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::model::{ConsoleContext, OperatorView, Overview};

pub use audit::fetch_audit;
pub use bulk::{fetch_bulk_file, fetch_bulk_files};
pub use credentials::fetch_credentials;
#[cfg(feature = "ssr")]
pub use customers::core_filter as customer_filter;
pub use customers::{fetch_customer, fetch_customers};
pub use delivery_settings::fetch_delivery_settings;
#[cfg(feature = "ssr")]
pub use events::core_filter;
pub use events::{fetch_bulk_resend, fetch_event, fetch_events};
pub use exchanges::{fetch_exchange, fetch_exchanges};
pub use fleets::fetch_fleet;
pub use licences::{fetch_licence, fetch_licences};
pub use offerings::{fetch_offering, fetch_offerings};
pub use orange_settings::fetch_orange_settings;
pub use orders::{fetch_order, fetch_orders, fetch_task, fetch_tasks};
pub use provisioning_settings::fetch_provisioning_settings;
pub use reference::fetch_api_reference;
pub use self_test::fetch_self_test;
pub use work::{fetch_activation, fetch_search, fetch_stuck};

/// Why a console request was refused or failed, in words for the operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ConsoleError {
    #[error("Your session has ended: please sign in again.")]
    NotSignedIn,
    #[error("You do not have permission to see this page.")]
    Forbidden,
    #[error("There is nothing at this address.")]
    NotFound,
    #[error("Something went wrong on the server; please try again.")]
    Internal,
    #[error("The server could not be reached ({0}).")]
    Transport(String),
}

impl ConsoleError {
    /// The explanation in the reader's language (the `Display` text is the English one, for logs).
    pub fn text(&self, lang: crate::i18n::Lang) -> String {
        match self {
            ConsoleError::NotSignedIn => lang.t(Text::YourSessionHasEndedPleaseSign),
            ConsoleError::Forbidden => lang.t(Text::YouDoNotHavePermissionTo),
            ConsoleError::NotFound => lang.t(Text::ThereIsNothingAtThisAddress),
            ConsoleError::Internal => lang.t(Text::SomethingWentWrongOnTheServer),
            ConsoleError::Transport(detail) => {
                return say::server_unreachable(lang, detail);
            }
        }
        .to_owned()
    }
}

impl FromServerFnError for ConsoleError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        ConsoleError::Transport(value.to_string())
    }
}

/// The signed-in operator and any flash message.
#[server(prefix = "/console/api", endpoint = "context", input = GetUrl)]
pub async fn fetch_console_context() -> Result<ConsoleContext, ConsoleError> {
    let operator = ssr::current_operator()?;
    let db = ssr::db()?;
    let sandbox = fleetdesk_core::outbox::sandbox::state(&db)
        .await
        .map_err(ssr::internal)?;
    Ok(ConsoleContext {
        operator: ssr::view_of(&operator),
        flash: ssr::flash(),
        sandbox_since: sandbox.on.then_some(sandbox.since),
    })
}

/// Counts and recent activity for the overview page.
#[server(prefix = "/console/api", endpoint = "overview", input = GetUrl)]
pub async fn fetch_overview() -> Result<Overview, ConsoleError> {
    use fleetdesk_core::audit;
    use fleetdesk_core::operators;
    ssr::current_operator()?;
    let db = ssr::db()?;
    let all = operators::list(&db).await.map_err(ssr::internal)?;
    let active = all.iter().filter(|o| o.is_active()).count();
    let recent = audit::list(&db, &audit::Filter::default(), 15)
        .await
        .map_err(ssr::internal)?;
    let dashboard = work::dashboard(&db).await?;
    Ok(Overview {
        operators_active: i64::try_from(active).unwrap_or(i64::MAX),
        operators_disabled: i64::try_from(all.len() - active).unwrap_or(i64::MAX),
        dashboard,
        recent_activity: recent.into_iter().map(ssr::activity_of).collect(),
    })
}

/// Every operator (administrators only).
#[server(prefix = "/console/api", endpoint = "operators", input = GetUrl)]
pub async fn fetch_operators() -> Result<Vec<OperatorView>, ConsoleError> {
    ssr::require(fleetdesk_core::access::Permission::Administer)?;
    let db = ssr::db()?;
    let all = fleetdesk_core::operators::list(&db)
        .await
        .map_err(ssr::internal)?;
    Ok(all.iter().map(ssr::view_of).collect())
}

#[cfg(feature = "ssr")]
mod ssr {
    use leptos::prelude::use_context;

    use fleetdesk_core::Db;
    use fleetdesk_core::access::Permission;
    use fleetdesk_core::audit::Record;
    use fleetdesk_core::operators::{CurrentOperator, Operator};

    use super::ConsoleError;
    use crate::model::{ActivityItem, Flash, IssuedCredential, OperatorView};

    fn parts() -> Result<http::request::Parts, ConsoleError> {
        use_context::<http::request::Parts>().ok_or(ConsoleError::Internal)
    }

    /// The operator the server's authentication layer found for this request.
    pub fn current_operator() -> Result<Operator, ConsoleError> {
        parts()?
            .extensions
            .get::<CurrentOperator>()
            .map(|current| current.0.clone())
            .ok_or(ConsoleError::NotSignedIn)
    }

    /// The signed-in operator, refused unless their role has `permission` (the rules of
    /// `fleetdesk_core::access`, the same the form handlers apply).
    pub fn require(permission: Permission) -> Result<Operator, ConsoleError> {
        let operator = current_operator()?;
        if permission.allows(operator.role) {
            Ok(operator)
        } else {
            Err(ConsoleError::Forbidden)
        }
    }

    pub fn flash() -> Option<Flash> {
        parts().ok()?.extensions.get::<Flash>().cloned()
    }

    /// The credential issued just before this page, if any (shown once).
    pub fn issued_credential() -> Option<IssuedCredential> {
        extension::<IssuedCredential>()
    }

    /// What the answer to a form post put in the request for this page to show once (a new
    /// secret), if any.
    pub fn extension<T: Clone + Send + Sync + 'static>() -> Option<T> {
        parts().ok()?.extensions.get::<T>().cloned()
    }

    pub fn db() -> Result<Db, ConsoleError> {
        use_context::<Db>().ok_or(ConsoleError::Internal)
    }

    /// Keeps the first `size` of `rows`, read as `size + 1` so as to know whether more follow, and
    /// gives the key of the last row kept when they do: where the "Older" link starts.
    pub fn keyset_page<T, K>(rows: &mut Vec<T>, size: u32, key: impl Fn(&T) -> K) -> Option<K> {
        let more = rows.len() > size as usize;
        rows.truncate(size as usize);
        if more { rows.last().map(key) } else { None }
    }

    /// Logs the cause once, here, and tells the browser nothing more than that it failed.
    pub fn internal(error: impl std::fmt::Display) -> ConsoleError {
        tracing::error!(error = %error, "console request failed");
        ConsoleError::Internal
    }

    pub fn view_of(operator: &Operator) -> OperatorView {
        OperatorView {
            id: operator.id.clone(),
            login: operator.login.clone(),
            display_name: operator.display_name.clone(),
            role: operator.role,
            active: operator.is_active(),
            last_login_at: operator.last_login_at.clone(),
            created_at: operator.created_at.clone(),
        }
    }

    pub fn activity_of(record: Record) -> ActivityItem {
        ActivityItem {
            at: record.at,
            actor: record.actor_label,
            action: record.action,
            object_type: record.object_type,
            object_id: record.object_id,
        }
    }
}
