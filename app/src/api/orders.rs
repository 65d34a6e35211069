//! Orange's product orders and userServiceTasks, for every signed-in operator: lists by state,
//! newest first, paged by keyset; one order or task with its items, licences, raw request and
//! answer, audit timeline and events.

use fleetdesk_vocab::{OrderId, TaskId};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::ConsoleError;
use crate::model::{OrderDetailView, OrdersPage, TaskDetailView, TasksPage};

/// How many orders or tasks one page of a list shows.
#[cfg(feature = "ssr")]
const PAGE_SIZE: u32 = 50;

/// The state to filter on (`None` for any), or why the value is not a state.
#[cfg(feature = "ssr")]
fn state_of(state: &str) -> Result<Option<fleetdesk_vocab::WorkState>, String> {
    let state = state.trim();
    if state.is_empty() {
        return Ok(None);
    }
    fleetdesk_vocab::WorkState::parse(state)
        .map(Some)
        .ok_or_else(|| format!("“{state}” is not an order or task state."))
}

#[server(prefix = "/console/api", endpoint = "orders", input = GetUrl)]
pub async fn fetch_orders(
    state: String,
    before_at: Option<String>,
    before_id: Option<String>,
) -> Result<OrdersPage, ConsoleError> {
    super::ssr::current_operator()?;
    let db = super::ssr::db()?;
    let state = match state_of(&state) {
        Ok(state) => state,
        Err(problem) => {
            return Ok(OrdersPage {
                rows: Vec::new(),
                older: None,
                filter_error: Some(problem),
            });
        }
    };
    let mut rows =
        fleetdesk_core::orders::list(&db, state, before_at.zip(before_id), PAGE_SIZE + 1)
            .await
            .map_err(super::ssr::internal)?;
    let older = super::ssr::keyset_page(&mut rows, PAGE_SIZE, |r| {
        (r.created_at.clone(), r.id.to_string())
    });
    Ok(OrdersPage {
        rows: rows.into_iter().map(ssr::order_view).collect(),
        older,
        filter_error: None,
    })
}

#[server(prefix = "/console/api", endpoint = "tasks", input = GetUrl)]
pub async fn fetch_tasks(
    state: String,
    before_at: Option<String>,
    before_id: Option<String>,
) -> Result<TasksPage, ConsoleError> {
    super::ssr::current_operator()?;
    let db = super::ssr::db()?;
    let state = match state_of(&state) {
        Ok(state) => state,
        Err(problem) => {
            return Ok(TasksPage {
                rows: Vec::new(),
                older: None,
                filter_error: Some(problem),
            });
        }
    };
    let mut rows = fleetdesk_core::tasks::list(&db, state, before_at.zip(before_id), PAGE_SIZE + 1)
        .await
        .map_err(super::ssr::internal)?;
    let older = super::ssr::keyset_page(&mut rows, PAGE_SIZE, |r| {
        (r.created_at.clone(), r.id.to_string())
    });
    Ok(TasksPage {
        rows: rows.into_iter().map(ssr::task_view).collect(),
        older,
        filter_error: None,
    })
}

#[server(prefix = "/console/api", endpoint = "order", input = GetUrl)]
pub async fn fetch_order(id: OrderId) -> Result<OrderDetailView, ConsoleError> {
    use fleetdesk_core::provisioning::tasks::Parent;

    use crate::model::{LicenceLinkView, OrderItemView};

    let operator = super::ssr::current_operator()?;
    let db = super::ssr::db()?;
    let detail = match fleetdesk_core::orders::detail(&db, &id).await {
        Ok(Some(detail)) => detail,
        Ok(None) => return Err(ConsoleError::NotFound),
        Err(error) => return Err(super::ssr::internal(error)),
    };
    let provisioning = ssr::provisioning(&db, Parent::Order(id.clone())).await?;
    let by_hand = ssr::by_hand(&db, &operator, &id, detail.order.state, &provisioning).await?;
    Ok(OrderDetailView {
        order: ssr::order_view(detail.order),
        category: detail.category,
        order_date: detail.order_date,
        requested_start_date: detail.requested_start_date,
        failure: ssr::failure(detail.failure_code, detail.failure_message),
        request_id: detail.request_id,
        items: detail
            .items
            .into_iter()
            .map(|i| OrderItemView {
                position: i.position,
                orange_item_id: i.orange_item_id,
                action: i.action,
                offer_code: i.offer_code,
                offering_name: i.offering_name,
                quantity: i.quantity,
                fleet_id: i.fleet_id,
                state: i.state,
                failure: ssr::failure(i.failure_code, i.failure_message),
            })
            .collect(),
        licences: detail
            .licences
            .into_iter()
            .map(|l| LicenceLinkView {
                id: l.id,
                state: l.state,
                login: l.login,
                offer_code: l.offer_code,
                fleet_id: l.fleet_id,
            })
            .collect(),
        raw: ssr::raw_view(detail.raw),
        timeline: detail
            .timeline
            .into_iter()
            .map(super::ssr::activity_of)
            .collect(),
        events: detail.events.into_iter().map(ssr::event_view).collect(),
        provisioning,
        by_hand,
    })
}

#[server(prefix = "/console/api", endpoint = "task", input = GetUrl)]
pub async fn fetch_task(id: TaskId) -> Result<TaskDetailView, ConsoleError> {
    use fleetdesk_core::provisioning::tasks::Parent;

    use crate::model::TaskItemView;

    super::ssr::current_operator()?;
    let db = super::ssr::db()?;
    let detail = match fleetdesk_core::tasks::detail(&db, &id).await {
        Ok(Some(detail)) => detail,
        Ok(None) => return Err(ConsoleError::NotFound),
        Err(error) => return Err(super::ssr::internal(error)),
    };
    let provisioning = ssr::provisioning(&db, Parent::Task(id)).await?;
    Ok(TaskDetailView {
        task: ssr::task_view(detail.task),
        request_id: detail.request_id,
        items: detail
            .items
            .into_iter()
            .map(|i| TaskItemView {
                position: i.position,
                user_service_id: i.user_service_id,
                licence_id: i.licence_id,
                result: i.result,
                error: ssr::failure(i.error_code, i.error_message),
                completed_at: i.completed_at,
            })
            .collect(),
        item_count: detail.item_count,
        raw: ssr::raw_view(detail.raw),
        timeline: detail
            .timeline
            .into_iter()
            .map(super::ssr::activity_of)
            .collect(),
        events: detail.events.into_iter().map(ssr::event_view).collect(),
        provisioning,
    })
}

#[cfg(feature = "ssr")]
pub(super) mod ssr {
    use fleetdesk_core::Db;
    use fleetdesk_core::orders::OrderRow;
    use fleetdesk_core::outbox::browse::EventRow;
    use fleetdesk_core::provisioning::tasks::{self, Parent, TaskState};
    use fleetdesk_core::tasks::TaskRow;
    use fleetdesk_core::work::RawExchange;

    use crate::api::ConsoleError;
    use crate::api::exchanges::ssr::pretty;
    use crate::model::{
        EventRowView, OrderRowView, ProvisioningTaskState, ProvisioningTaskView, RawExchangeView,
        TaskRowView,
    };

    /// The form for completing the order by hand with the product's values: offered when it
    /// waits for approval (to operators and administrators) or on the partner's product (to them,
    /// and to support staff once it is stuck), as the form's handler allows.
    pub async fn by_hand(
        db: &Db,
        operator: &fleetdesk_core::operators::Operator,
        id: &fleetdesk_vocab::OrderId,
        state: fleetdesk_vocab::WorkState,
        provisioning: &[ProvisioningTaskView],
    ) -> Result<Option<crate::model::ByHandView>, ConsoleError> {
        use fleetdesk_core::access::Permission;
        use fleetdesk_core::provisioning::{self, values};
        use fleetdesk_vocab::{Work, WorkState};

        use crate::model::{ByHandView, FillableLicenceView, FillableResourceView};

        if !matches!(state, WorkState::Acknowledged | WorkState::InProgress) {
            return Ok(None);
        }
        let internal = crate::api::ssr::internal;
        let operator_may = Permission::ChangeData.allows(operator.role);
        let approve = provisioning::waits_for_approval(db, Work::Order, id.as_str())
            .await
            .map_err(internal)?;
        let waits_on_product = !approve
            && state == WorkState::InProgress
            && provisioning
                .iter()
                .any(|task| task.state == ProvisioningTaskState::Pending);
        let allowed = if approve {
            operator_may
        } else if waits_on_product {
            operator_may || {
                let thresholds = fleetdesk_core::stuck::load(db).await.map_err(internal)?;
                fleetdesk_core::stuck::is_stuck(db, &thresholds, "order", id.as_str())
                    .await
                    .map_err(internal)?
                    == Some(true)
            }
        } else {
            false
        };
        if !allowed {
            return Ok(None);
        }
        let mut found = values::fillable(db, id).await.map_err(internal)?;
        if found.is_empty() {
            return Ok(None);
        }
        let shown = usize::try_from(values::FORM_LICENCES).unwrap_or(usize::MAX);
        let more_than = (found.len() > shown).then_some(values::FORM_LICENCES);
        found.truncate(shown);
        Ok(Some(ByHandView {
            approve,
            licences: found
                .into_iter()
                .map(|licence| FillableLicenceView {
                    id: licence.licence_id,
                    offer_code: licence.offer_code,
                    login: licence.login,
                    resources: licence
                        .resources
                        .into_iter()
                        .map(|r| FillableResourceView {
                            id: r.id,
                            kind: r.kind,
                            value: r.value,
                            placeholder: r.placeholder,
                        })
                        .collect(),
                })
                .collect(),
            more_than,
        }))
    }

    /// What the partner's product was asked to do for the order or task, oldest first.
    pub async fn provisioning(
        db: &Db,
        parent: Parent,
    ) -> Result<Vec<ProvisioningTaskView>, ConsoleError> {
        let found = tasks::of_work(db, &parent)
            .await
            .map_err(crate::api::ssr::internal)?;
        Ok(found
            .into_iter()
            .map(|task| ProvisioningTaskView {
                id: task.id,
                kind: task.kind,
                state: match task.state {
                    TaskState::Pending => ProvisioningTaskState::Pending,
                    TaskState::Completed => ProvisioningTaskState::Completed,
                    TaskState::Failed => ProvisioningTaskState::Failed,
                },
                licence_id: task.licence_id.map(Into::into),
                failure: failure(task.failure_code, task.failure_message),
                resolved_by_operator: task.resolved_by_operator,
                created_at: task.created_at,
                resolved_at: task.resolved_at,
            })
            .collect())
    }

    pub fn order_view(row: OrderRow) -> OrderRowView {
        OrderRowView {
            id: row.id,
            external_reference: row.external_reference,
            customer_id: row.customer_id,
            customer_name: row.customer_name,
            mode: row.mode,
            state: row.state,
            created_at: row.created_at,
            completed_at: row.completed_at,
        }
    }

    pub fn task_view(row: TaskRow) -> TaskRowView {
        TaskRowView {
            id: row.id,
            external_reference: row.external_reference,
            origin: row.origin,
            action: row.action,
            target: row.target_state.or(row.target_offer_code),
            mode: row.mode,
            state: row.state,
            created_at: row.created_at,
            completed_at: row.completed_at,
        }
    }

    /// `CODE: message`, when there is a failure.
    pub fn failure(code: Option<String>, message: Option<String>) -> Option<String> {
        code.map(|code| match message {
            Some(message) => format!("{code}: {message}"),
            None => code,
        })
    }

    /// The recorded exchange's bodies while it is kept, else the copy stored with the object.
    pub fn raw_view(raw: RawExchange) -> RawExchangeView {
        match raw.exchange {
            Some(exchange) => RawExchangeView {
                exchange: Some((exchange.id.into_string(), exchange.at)),
                request: pretty(
                    exchange
                        .request_body
                        .as_deref()
                        .unwrap_or(&raw.stored_request),
                ),
                response_status: Some(exchange.response_status),
                response: exchange
                    .response_body
                    .or(raw.stored_response)
                    .as_deref()
                    .map(pretty),
            },
            None => RawExchangeView {
                exchange: None,
                request: pretty(&raw.stored_request),
                response_status: raw.stored_response_status,
                response: raw.stored_response.as_deref().map(pretty),
            },
        }
    }

    pub fn event_view(row: EventRow) -> EventRowView {
        EventRowView {
            id: row.id,
            event_type: row.event_type,
            correlation_id: row.correlation_id,
            resource_kind: row.resource_kind,
            resource_id: row.resource_id,
            state: row.state,
            attempt_count: row.attempt_count,
            next_attempt_at: row.next_attempt_at,
            last_error: row.last_error,
            last_response_status: row.last_response_status,
            created_at: row.created_at,
            delivered_at: row.delivered_at,
            failed_at: row.failed_at,
        }
    }
}
