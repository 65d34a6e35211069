//! The audit log, for everyone signed in: entries newest first, filtered by actor, action, object
//! and dates, paged by keyset, each with what it changed.
#![expect(
    clippy::too_many_arguments,
    reason = "the server function takes one argument per field of the GET filter form, and the \
              lint fires on the code `#[server]` generates, out of reach of an item attribute"
)]

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::ConsoleError;
use crate::model::audit::AuditPage;

/// How many entries one page shows.
#[cfg(feature = "ssr")]
const PAGE_SIZE: i64 = 50;

/// Entries matching the filter's fields (empty ones ignored), older than `before_at`/`before_id`
/// when given.
#[server(prefix = "/console/api", endpoint = "audit", input = GetUrl)]
pub async fn fetch_audit(
    actor: String,
    action: String,
    object_type: String,
    object_id: String,
    from: String,
    to: String,
    before_at: Option<String>,
    before_id: Option<String>,
) -> Result<AuditPage, ConsoleError> {
    use fleetdesk_core::audit;

    use crate::model::audit::AuditFilter;

    super::ssr::current_operator()?;
    let db = super::ssr::db()?;
    let typed = AuditFilter {
        actor,
        action,
        object_type,
        object_id,
        from,
        to,
    };
    let mut filter = match ssr::core_filter(&typed, crate::i18n::detect()) {
        Ok(filter) => filter,
        Err(problem) => {
            return Ok(AuditPage {
                entries: Vec::new(),
                older: None,
                filter_error: Some(problem),
            });
        }
    };
    ssr::resolve_actor(&db, typed.actor.trim(), &mut filter).await?;
    filter.before = before_at.zip(before_id);
    let mut found = audit::list(&db, &filter, PAGE_SIZE + 1)
        .await
        .map_err(super::ssr::internal)?;
    let older = super::ssr::keyset_page(&mut found, PAGE_SIZE as u32, |last| {
        (last.at.clone(), last.id.to_string())
    });
    Ok(AuditPage {
        entries: found.into_iter().map(ssr::entry_view).collect(),
        older,
        filter_error: None,
    })
}

#[cfg(feature = "ssr")]
pub(super) mod ssr {
    use fleetdesk_core::Db;
    use fleetdesk_core::audit::{self, Record};
    use fleetdesk_vocab::Text;

    use super::super::events::ssr::{date_text, day};
    use fleetdesk_vocab::ActorKind;

    use crate::api::ConsoleError;
    use crate::i18n::Lang;
    use crate::model::audit::{AuditChangeView, AuditEntryView, AuditFilter};

    /// The storage filter for the form's filter, or why it cannot be one (in words). The actor is
    /// resolved afterwards, since it may need the database.
    pub fn core_filter(filter: &AuditFilter, lang: Lang) -> Result<audit::Filter, String> {
        let set = |value: &str| {
            let value = value.trim();
            (!value.is_empty()).then(|| value.to_owned())
        };
        let from = match set(&filter.from) {
            Some(text) => Some(day(&text).ok_or(lang.t(Text::TheStartDateIsNotA))?),
            None => None,
        };
        let to = match set(&filter.to) {
            Some(text) => Some(day(&text).ok_or(lang.t(Text::TheEndDateIsNotA))?),
            None => None,
        };
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err(lang.t(Text::TheStartDateIsAfterThe).to_owned());
        }
        Ok(audit::Filter {
            action: set(&filter.action),
            object_type: set(&filter.object_type),
            object_id: set(&filter.object_id),
            // Stored times are fixed-width RFC 3339 text, so a bare date compares as its midnight.
            from: from.map(date_text),
            // "Up to that day included": before the next day's midnight.
            to: to.and_then(time::Date::next_day).map(date_text),
            ..audit::Filter::default()
        })
    }

    /// Narrows `filter` to the actor typed: an operator's username or id (by the actor index), a
    /// kind of actor (`orange`, `cli`…), else any actor with that id (an API credential's).
    pub async fn resolve_actor(
        db: &Db,
        actor: &str,
        filter: &mut audit::Filter,
    ) -> Result<(), ConsoleError> {
        if actor.is_empty() {
            return Ok(());
        }
        if let Some(kind) = ActorKind::parse(&actor.to_ascii_lowercase()) {
            filter.actor_kind = Some(kind);
            return Ok(());
        }
        let operator = match fleetdesk_core::operators::find_by_login(db, actor)
            .await
            .map_err(crate::api::ssr::internal)?
        {
            Some(found) => Some(found),
            None => fleetdesk_core::operators::find_by_id(db, &actor.into())
                .await
                .map_err(crate::api::ssr::internal)?,
        };
        match operator {
            Some(operator) => {
                filter.actor_kind = Some(ActorKind::Operator);
                filter.actor_id = Some(operator.id.into_string());
            }
            None => filter.actor_id = Some(actor.to_owned()),
        }
        Ok(())
    }

    pub fn entry_view(record: Record) -> AuditEntryView {
        let parse = |text: &Option<String>| {
            text.as_deref()
                .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
        };
        let before = parse(&record.before_json);
        let after = parse(&record.after_json);
        let changes = audit::diff::diff(before.as_ref(), after.as_ref())
            .into_iter()
            .map(|change| AuditChangeView {
                path: change.path,
                kind: match change.kind {
                    audit::diff::ChangeKind::Changed => "changed",
                    audit::diff::ChangeKind::Added => "added",
                    audit::diff::ChangeKind::Removed => "removed",
                }
                .to_owned(),
                old: change.old.map(|value| value.to_string()),
                new: change.new.map(|value| value.to_string()),
            })
            .collect();
        AuditEntryView {
            id: record.id,
            at: record.at,
            actor_kind: record.actor_kind,
            actor_id: record.actor_id,
            actor_label: record.actor_label,
            action: record.action,
            object_type: record.object_type,
            object_id: record.object_id,
            request_id: record.request_id,
            changes,
        }
    }
}
