//! Licences, for every signed-in operator: a filtered list, newest first, paged by keyset, and one
//! licence with its realizing resources and timeline. The partner's changes are plain form posts
//! (`server/src/http/licences.rs`); the page shows their forms to operators and administrators.

use fleetdesk_vocab::LicenceId;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::ConsoleError;
use crate::model::{LicenceDetailView, LicenceFilterForm, LicencesPage};

/// How many licences one page of the list shows.
#[cfg(feature = "ssr")]
const PAGE_SIZE: u32 = 50;

/// Licences matching the filter's fields (empty ones ignored), older than `before_at`/`before_id`
/// when given.
#[server(prefix = "/console/api", endpoint = "licences", input = GetUrl)]
pub async fn fetch_licences(
    filter: LicenceFilterForm,
    before_at: Option<String>,
    before_id: Option<String>,
) -> Result<LicencesPage, ConsoleError> {
    use fleetdesk_core::licences;

    super::ssr::current_operator()?;
    let db = super::ssr::db()?;
    let form = filter;
    let offerings = fleetdesk_core::offerings::list(&db)
        .await
        .map_err(super::ssr::internal)?
        .into_iter()
        .map(|o| (o.offer_code, o.name))
        .collect();
    let lang = crate::i18n::detect();
    let filter = match ssr::core_filter(&form) {
        Ok(filter) => filter,
        Err(problem) => {
            return Ok(LicencesPage {
                rows: Vec::new(),
                older: None,
                total: 0,
                offerings,
                filter_error: Some(lang.t(problem.0).to_owned()),
            });
        }
    };
    let mut found = licences::list(&db, &filter, before_at.zip(before_id), PAGE_SIZE + 1)
        .await
        .map_err(super::ssr::internal)?;
    let older = super::ssr::keyset_page(&mut found, PAGE_SIZE, |last| {
        (last.created_at.clone(), last.id.to_string())
    });
    let total = licences::count(&db, &filter)
        .await
        .map_err(super::ssr::internal)?;
    Ok(LicencesPage {
        rows: found.into_iter().map(ssr::row_view).collect(),
        older,
        total,
        offerings,
        filter_error: None,
    })
}

/// One licence, with its realizing resources and its timeline.
#[server(prefix = "/console/api", endpoint = "licence", input = GetUrl)]
pub async fn fetch_licence(id: LicenceId) -> Result<LicenceDetailView, ConsoleError> {
    use crate::model::{EndUserView, ResourceView, TimelineView};

    let operator = super::ssr::current_operator()?;
    let db = super::ssr::db()?;
    let detail = match fleetdesk_core::licences::detail(&db, &id).await {
        Ok(Some(detail)) => detail,
        Ok(None) => return Err(ConsoleError::NotFound),
        Err(error) => return Err(super::ssr::internal(error)),
    };
    Ok(LicenceDetailView {
        id: detail.id,
        state: detail.state,
        login: detail.login,
        login_created_at: detail.login_created_at,
        customer_id: detail.customer_id,
        customer_name: detail.customer_name,
        customer_ref: detail.customer_ref,
        fleet_id: detail.fleet_id,
        offer_code: detail.offer_code,
        offering_name: detail.offering_name,
        end_user: detail.end_user.map(|user| {
            let (cc, sn) = user
                .mobile()
                .map(|phone| (phone.cc().to_owned(), phone.sn().to_owned()))
                .unzip();
            EndUserView {
                given_name: user.given_name().to_owned(),
                family_name: user.family_name().to_owned(),
                email: user.email().to_owned(),
                mobile_cc: cc,
                mobile_sn: sn,
            }
        }),
        resources: detail
            .resources
            .into_iter()
            .map(|r| ResourceView {
                id: r.id,
                scope: r.scope,
                kind: r.kind,
                value: r.value,
                placeholder_since: r.placeholder_since,
                licences: r.licences,
                updated_at: r.updated_at,
            })
            .collect(),
        pending_operation: detail.pending_operation,
        pending_since: detail.pending_since,
        order_id: detail.order_id,
        created_at: detail.created_at,
        updated_at: detail.updated_at,
        terminated_at: detail.terminated_at,
        timeline: detail
            .timeline
            .into_iter()
            .map(|t| TimelineView {
                at: t.at,
                source: t.source.to_owned(),
                id: t.id,
                what: t.what,
                actor: t.actor,
                state: t.state,
            })
            .collect(),
        can_act: fleetdesk_core::access::Permission::ChangeData.allows(operator.role),
        is_admin: fleetdesk_core::access::Permission::Administer.allows(operator.role),
    })
}

#[cfg(feature = "ssr")]
mod ssr {
    use fleetdesk_core::licences::LicenceState;
    use fleetdesk_core::licences::{LicenceFilter, LicenceRow};
    use fleetdesk_vocab::Text;

    use crate::model::{LicenceFilterForm, LicenceRowView};

    /// Why a filter cannot be read, from the catalogue.
    pub struct Problem(pub Text);

    /// The storage filter for the form's fields; unknown choices are refused rather than ignored,
    /// so a typo never widens the list silently.
    pub fn core_filter(form: &LicenceFilterForm) -> Result<LicenceFilter, Problem> {
        let set = |value: &str| {
            let value = value.trim();
            (!value.is_empty()).then(|| value.to_owned())
        };
        let state = match set(&form.state) {
            None => None,
            Some(text) => {
                Some(LicenceState::parse(&text).ok_or(Problem(Text::UnknownLicenceState))?)
            }
        };
        let end_user = match form.end_user.trim() {
            "" => None,
            "with" => Some(true),
            "without" => Some(false),
            _ => {
                return Err(Problem(Text::UnknownEndUserChoice));
            }
        };
        let placeholder = match form.resource.trim() {
            "" => None,
            "placeholder" => Some(true),
            "real" => Some(false),
            _ => {
                return Err(Problem(Text::UnknownResourceChoice));
            }
        };
        Ok(LicenceFilter {
            state,
            offering: set(&form.offering),
            customer_id: set(&form.customer).map(fleetdesk_vocab::CustomerId::from),
            fleet_id: set(&form.fleet).map(fleetdesk_vocab::FleetId::from),
            end_user,
            placeholder,
            text: set(&form.q),
        })
    }

    pub fn row_view(row: LicenceRow) -> LicenceRowView {
        LicenceRowView {
            id: row.id,
            login: row.login,
            state: row.state,
            customer_id: row.customer_id,
            customer_name: row.customer_name,
            fleet_id: row.fleet_id,
            offer_code: row.offer_code,
            offering_name: row.offering_name,
            end_user_name: row.end_user_name,
            end_user_email: row.end_user_email,
            has_placeholder: row.has_placeholder,
            created_at: row.created_at,
        }
    }
}
