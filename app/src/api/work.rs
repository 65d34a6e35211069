//! The dashboard's numbers, the global search and the stuck-work queue, for every signed-in
//! operator, and the activation queue. Acting on stuck or waiting work (complete, fail, approve,
//! reject) is a plain form post (`server/src/http/stuck.rs`, `server/src/http/activation.rs`).

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::ConsoleError;
use crate::model::{ActivationPage, SearchHitView, StuckPage};

/// Licence, order and task states in the order the dashboard lists them (events: as they go).
#[cfg(feature = "ssr")]
const LICENCE_STATES: [fleetdesk_vocab::LicenceState; 4] = {
    use fleetdesk_vocab::LicenceState::*;
    [Active, Suspended, Pending, Terminated]
};
#[cfg(feature = "ssr")]
const WORK_STATES: [fleetdesk_vocab::WorkState; 5] = {
    use fleetdesk_vocab::WorkState::*;
    [Acknowledged, InProgress, Completed, Partial, Failed]
};

/// Where a search hit's page is.
#[cfg(feature = "ssr")]
pub fn href_of(kind: &str, id: &str) -> String {
    match kind {
        "customer" => format!("/customers/{id}"),
        "fleet" => format!("/fleets/{id}"),
        "licence" => format!("/licences/{id}"),
        "order" => format!("/orders/{id}"),
        "task" => format!("/tasks/{id}"),
        _ => format!("/events/{id}"),
    }
}

#[cfg(feature = "ssr")]
pub async fn dashboard(
    db: &fleetdesk_core::Db,
) -> Result<crate::model::DashboardView, ConsoleError> {
    use fleetdesk_core::{dashboard, stuck};

    let thresholds = stuck::load(db).await.map_err(super::ssr::internal)?;
    let dashboard::Reading { counts, kept } = dashboard::read(db, &thresholds)
        .await
        .map_err(super::ssr::internal)?;
    fn every<W: Copy + PartialEq>(states: &[W], found: &[(W, i64)]) -> Vec<(W, i64)> {
        states
            .iter()
            .map(|&state| {
                let n = found
                    .iter()
                    .find(|(s, _)| *s == state)
                    .map_or(0, |(_, n)| *n);
                (state, n)
            })
            .collect()
    }
    Ok(crate::model::DashboardView {
        customers: counts.customers,
        fleets: counts.fleets,
        licences: every(&LICENCE_STATES, &counts.licences),
        placeholders: counts.placeholders,
        orders: every(&WORK_STATES, &counts.orders),
        tasks: every(&WORK_STATES, &counts.tasks),
        events: every(&fleetdesk_vocab::EventState::ALL, &counts.events),
        stuck: counts.stuck_orders + counts.stuck_tasks + counts.stuck_events,
        success_rate: counts.success_rate(),
        attempts_last_day: counts.attempts_last_day.1,
        counted_in_background: kept,
    })
}

/// Everything matching `q`: ids, Orange references, names, logins, end users, resource values.
#[server(prefix = "/console/api", endpoint = "search", input = GetUrl)]
pub async fn fetch_search(q: String) -> Result<Vec<SearchHitView>, ConsoleError> {
    super::ssr::current_operator()?;
    let db = super::ssr::db()?;
    let hits = fleetdesk_core::search::search(&db, &q)
        .await
        .map_err(super::ssr::internal)?;
    Ok(hits
        .into_iter()
        .map(|hit| SearchHitView {
            href: href_of(hit.kind, &hit.id),
            kind: hit.kind.to_owned(),
            id: hit.id,
            label: hit.label,
            matched: hit.matched.to_owned(),
        })
        .collect())
}

/// Stuck orders, tasks and events, oldest first, and the thresholds that make them stuck.
#[server(prefix = "/console/api", endpoint = "stuck", input = GetUrl)]
pub async fn fetch_stuck() -> Result<StuckPage, ConsoleError> {
    use fleetdesk_core::stuck;

    use crate::model::{StuckItemView, ThresholdsView};

    let operator = super::ssr::current_operator()?;
    let db = super::ssr::db()?;
    let thresholds = stuck::load(&db).await.map_err(super::ssr::internal)?;
    let items = stuck::list(&db, &thresholds)
        .await
        .map_err(super::ssr::internal)?;
    Ok(StuckPage {
        items: items
            .into_iter()
            .map(|item| StuckItemView {
                what: item.what,
                id: item.id,
                label: item.label,
                since: item.since,
                reason: item.reason,
                awaits_approval: item.awaits_approval,
            })
            .collect(),
        thresholds: ThresholdsView {
            order_minutes: thresholds.order_minutes,
            task_minutes: thresholds.task_minutes,
            event_minutes: thresholds.event_minutes,
        },
        can_configure: fleetdesk_core::access::Permission::Administer.allows(operator.role),
        failure_codes: stuck::FAILURE_CODES.to_vec(),
    })
}

/// The activation queue, filtered by an offer code, a customer id and a least waiting time in
/// minutes (each empty for all).
#[server(prefix = "/console/api", endpoint = "activation", input = GetUrl)]
pub async fn fetch_activation(
    offer_code: String,
    customer_id: String,
    older_than: String,
) -> Result<ActivationPage, ConsoleError> {
    use fleetdesk_core::provisioning::{self, QueueFilter};
    use fleetdesk_core::stuck;

    use crate::model::WaitingView;

    let operator = super::ssr::current_operator()?;
    let db = super::ssr::db()?;
    let given = |text: &str| Some(text.trim().to_owned()).filter(|text| !text.is_empty());
    let filter = QueueFilter {
        offer_code: given(&offer_code),
        customer_id: given(&customer_id),
        older_than_minutes: older_than.trim().parse().ok(),
    };
    let waiting = provisioning::queue(&db, &filter)
        .await
        .map_err(super::ssr::internal)?;
    let offer_codes = provisioning::manual_offerings(&db)
        .await
        .map_err(super::ssr::internal)?;
    Ok(ActivationPage {
        rows: waiting
            .into_iter()
            .map(|waiting| WaitingView {
                work: waiting.work,
                id: waiting.id,
                reference: waiting.reference,
                action: waiting.action,
                customer_id: waiting.customer_id,
                customer_name: waiting.customer_name,
                offer_codes: waiting.offer_codes,
                licences: waiting.licences,
                since: waiting.since,
            })
            .collect(),
        offer_codes,
        offer_code,
        customer_id,
        older_than,
        failure_codes: stuck::FAILURE_CODES.to_vec(),
        can_decide: fleetdesk_core::access::Permission::ChangeData.allows(operator.role),
    })
}
