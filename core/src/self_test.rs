//! The console's self-test: the last run of Orange's side of the contract against this
//! installation, kept as a setting so that every instance shows the same run, updated step by
//! step while it runs. One run at a time; a run not heard from for [`STALE_AFTER_SECONDS`] (its
//! server stopped) is shown as interrupted and another may start.

use serde::{Deserialize, Serialize};

use crate::audit::Acting;
use crate::clock;
use crate::db::{Db, DbError};
use crate::settings;
use fleetdesk_vocab::{CredentialId, Mode, Operation};

const KEY: &str = "self_test_run";

/// A running run that has not written for this long is taken as interrupted.
pub const STALE_AFTER_SECONDS: i64 = 600;

pub use fleetdesk_vocab::SelfTestState as RunState;

pub use fleetdesk_vocab::SelfTestStep as RunStep;

/// A run of the self-test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub id: String,
    /// `Interrupted` is never stored: [`Run::state_now`] reads it from a silent `Running`.
    #[serde(default = "running")]
    pub state: RunState,
    pub started_at: String,
    pub updated_at: String,
    pub finished_at: Option<String>,
    /// The operator's login.
    pub started_by: String,
    /// `sync` or `async`.
    pub mode: String,
    pub target: String,
    /// The credential issued for the run, revoked when it ends.
    pub credential_id: Option<CredentialId>,
    #[serde(default)]
    pub steps: Vec<RunStep>,
    /// Why the run could not go on, when it stopped before its steps (in English).
    pub problem: Option<String>,
}

fn running() -> RunState {
    RunState::Running
}

impl Run {
    /// A new run, under way from now.
    pub fn new(started_by: &str, mode: &str, target: &str) -> Run {
        let now = clock::now_text();
        Run {
            id: uuid::Uuid::now_v7().to_string(),
            state: RunState::Running,
            started_at: now.clone(),
            updated_at: now,
            finished_at: None,
            started_by: started_by.to_owned(),
            mode: mode.to_owned(),
            target: target.to_owned(),
            credential_id: None,
            steps: Vec::new(),
            problem: None,
        }
    }

    /// The state as shown now: a run that stopped writing long ago is interrupted.
    pub fn state_now(&self) -> RunState {
        if self.state != RunState::Running {
            return self.state;
        }
        let fresh = clock::parse(&self.updated_at)
            .is_ok_and(|at| (clock::now() - at).whole_seconds() < STALE_AFTER_SECONDS);
        if fresh {
            RunState::Running
        } else {
            RunState::Interrupted
        }
    }

    pub fn passed(&self) -> usize {
        self.steps.iter().filter(|s| s.passed).count()
    }

    pub fn failed(&self) -> usize {
        self.steps.len() - self.passed()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SelfTestError {
    /// Another run is under way (on this instance or another).
    #[error("a self-test is already running")]
    AlreadyRunning,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for SelfTestError {
    fn from(error: sqlx::Error) -> Self {
        SelfTestError::Db(error.into())
    }
}

/// The mode every operation of the Orange API has, `None` when they differ: the self-test
/// plays one mode.
pub fn installation_mode(api: &crate::orange::settings::ApiSettings) -> Option<Mode> {
    let first = api.mode(Operation::ALL[0]);
    Operation::ALL
        .iter()
        .all(|op| api.mode(*op) == first)
        .then_some(first)
}

/// The two offer codes the self-test orders, among the catalogue's offerings that Fleetdesk
/// completes by itself (no provisioning): a per-licence offering with a realizing resource first,
/// then another per-licence one for the offering change, one without a resource if there is.
/// Fewer than two: it cannot run.
pub async fn offers(db: &Db) -> Result<Vec<String>, DbError> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT offer_code, resource_type, resource_scope FROM offerings \
         WHERE retired_at IS NULL AND provisioning_mode = 'none' ORDER BY offer_code",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(pick_offers(&rows))
}

/// [`offers`]' choice among `(offer code, resource type, resource scope)`, ordered by code.
fn pick_offers(rows: &[(String, String, String)]) -> Vec<String> {
    let per_licence: Vec<&(String, String, String)> =
        rows.iter().filter(|r| r.2 == "per_licence").collect();
    let first = per_licence
        .iter()
        .copied()
        .find(|r| r.1 != "none")
        .or(per_licence.first().copied())
        .or(rows.first());
    let Some(first) = first else {
        return Vec::new();
    };
    let others = || rows.iter().filter(|r| r.0 != first.0);
    let second = others()
        .find(|r| r.2 == "per_licence" && r.1 == "none")
        .or_else(|| others().find(|r| r.2 == "per_licence"))
        .or_else(|| others().next());
    match second {
        Some(second) => vec![first.0.clone(), second.0.clone()],
        None => Vec::new(),
    }
}

/// The last run, if any.
pub async fn last(db: &Db) -> Result<Option<Run>, DbError> {
    settings::get::<Run>(db, KEY).await
}

/// Records `run` as the one under way, audited as `self_test.run` in the same transaction, unless
/// another is running. Returns the run it replaces (an interrupted one's credential may still need
/// revoking).
pub async fn begin(db: &Db, acting: &Acting, run: &Run) -> Result<Option<Run>, SelfTestError> {
    let mut tx = db.begin_write().await?;
    let before: Option<Run> = settings::read(&mut *tx, KEY).await?;
    if before
        .as_ref()
        .is_some_and(|run| run.state_now() == RunState::Running)
    {
        return Err(SelfTestError::AlreadyRunning);
    }
    settings::write(&mut *tx, KEY, run).await?;
    let entry = acting
        .entry("self_test.run", "settings", Some(KEY))
        .after(serde_json::json!({ "run": run.id, "mode": run.mode }));
    crate::audit::record(&mut *tx, &entry).await?;
    tx.commit().await?;
    Ok(before)
}

/// Writes the run's progress (or its end), unless another run has taken its place.
pub async fn save(db: &Db, run: &Run) -> Result<(), DbError> {
    let mut tx = db.begin_write().await?;
    let current: Option<Run> = settings::read(&mut *tx, KEY).await?;
    if current.is_some_and(|current| current.id == run.id) {
        let mut run = run.clone();
        run.updated_at = clock::now_text();
        settings::write(&mut *tx, KEY, &run).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::on_each_db;

    fn run(id: &str) -> Run {
        Run {
            id: id.to_owned(),
            ..Run::new("admin", "sync", "http://127.0.0.1:3000")
        }
    }

    #[test]
    fn the_offers_are_a_per_licence_one_with_a_resource_then_one_without() {
        let row = |code: &str, kind: &str, scope: &str| {
            (code.to_owned(), kind.to_owned(), scope.to_owned())
        };
        let catalogue = [
            row("OFFER-BASIC", "none", "per_licence"),
            row("OFFER-DOCS", "url", "per_customer"),
            row("OFFER-PRO-M", "msisdn", "per_licence"),
        ];
        assert_eq!(pick_offers(&catalogue), ["OFFER-PRO-M", "OFFER-BASIC"]);
        assert_eq!(pick_offers(&catalogue[1..]), ["OFFER-PRO-M", "OFFER-DOCS"]);
        assert!(pick_offers(&catalogue[2..]).is_empty());
        assert!(pick_offers(&[]).is_empty());
    }

    #[tokio::test]
    async fn one_run_at_a_time_and_a_silent_one_counts_as_interrupted() {
        on_each_db!(|db| async move {
            let acting = Acting::system();
            assert!(last(&db).await.expect("last").is_none());
            assert!(
                begin(&db, &acting, &run("a"))
                    .await
                    .expect("begin")
                    .is_none()
            );
            assert!(matches!(
                begin(&db, &acting, &run("b")).await,
                Err(SelfTestError::AlreadyRunning)
            ));
            let mut a = last(&db).await.expect("last").expect("run");
            a.steps.push(RunStep {
                name: "ping".into(),
                passed: true,
                ..RunStep::default()
            });
            a.state = RunState::Passed;
            save(&db, &a).await.expect("save");
            let read = last(&db).await.expect("last").expect("run");
            assert_eq!(read.state_now(), RunState::Passed);
            assert_eq!((read.passed(), read.failed()), (1, 0));

            // A run whose server stopped writing long ago.
            let mut silent = run("c");
            silent.updated_at = clock::format(clock::now() - time::Duration::hours(1));
            begin(&db, &acting, &silent).await.expect("begin");
            assert_eq!(
                last(&db).await.expect("last").expect("run").state_now(),
                RunState::Interrupted
            );
            let replaced = begin(&db, &acting, &run("d")).await.expect("begin");
            assert_eq!(replaced.map(|r| r.id).as_deref(), Some("c"));
            // The interrupted run's late writes do not overwrite the new one.
            save(&db, &silent).await.expect("save");
            assert_eq!(last(&db).await.expect("last").expect("run").id, "d");
        });
    }
}
