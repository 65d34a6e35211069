//! SQLite's writes batched through one writer ([`crate::db::Db::write_grouped`]): a task owns the
//! writer connection's turns for grouped work, runs the jobs queued meanwhile one after another in
//! one transaction, each in a savepoint of its own (a job that fails takes back its own writes
//! only), and commits them together: one commit, and one flush to disk, for the group instead of
//! one each. Each caller is answered once its group's commit is known. The jobs run on the
//! writer's task, so a caller that goes away (its client hung up) never leaves half a job behind.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use sqlx::{AnyConnection, AnyPool, Connection};
use tokio::sync::mpsc;

/// Whether a group's transaction committed.
pub(super) type Committed = Result<(), Arc<sqlx::Error>>;

/// What a job did: whether its writes are kept, and how to answer its caller once the group's
/// commit is known.
pub(super) struct Done {
    pub(super) keep: bool,
    pub(super) answer: Box<dyn FnOnce(Committed) + Send>,
}

pub(super) type Job = Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Done> + Send>;

/// Jobs one group takes at the most, and how long it keeps taking more: every caller in a group
/// waits for its commit, so a group is kept short.
const MOST_JOBS: usize = 32;
const MOST_TIME: Duration = Duration::from_millis(20);

/// The queue of the writer's task, started when first needed (and again if its runtime ended).
#[derive(Default)]
pub(super) struct GroupWriter {
    queue: Mutex<Option<mpsc::UnboundedSender<Job>>>,
}

impl std::fmt::Debug for GroupWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupWriter").finish_non_exhaustive()
    }
}

impl GroupWriter {
    /// Queues `job` for the writer of `pool`.
    pub(super) fn submit(&self, pool: &AnyPool, job: Job) {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let job = match queue.as_ref() {
            Some(sender) => match sender.send(job) {
                Ok(()) => return,
                // The task's runtime ended (a test's, the command line's): a new one is started.
                Err(mpsc::error::SendError(job)) => job,
            },
            None => job,
        };
        let (sender, receiver) = mpsc::unbounded_channel();
        // A new channel: the send cannot fail while its receiver is held here.
        let _ = sender.send(job);
        tokio::spawn(run(pool.clone(), receiver));
        *queue = Some(sender);
    }
}

async fn run(pool: AnyPool, mut jobs: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = jobs.recv().await {
        let mut answers = Vec::new();
        let committed = match pool.acquire().await {
            Ok(mut conn) => group(&mut conn, first, &mut jobs, &mut answers).await,
            // The job is dropped without running (nothing of it was written): its caller hears
            // that it failed.
            Err(error) => Err(Arc::new(error)),
        };
        for answer in answers {
            answer(committed.clone());
        }
    }
}

/// Runs `first` and the jobs queued behind it in one transaction; their answers go to `answers`.
async fn group(
    conn: &mut AnyConnection,
    first: Job,
    jobs: &mut mpsc::UnboundedReceiver<Job>,
    answers: &mut Vec<Box<dyn FnOnce(Committed) + Send>>,
) -> Committed {
    let started = Instant::now();
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query("SAVEPOINT job").execute(&mut *tx).await?;
    let mut next = Some(first);
    while let Some(job) = next.take() {
        let done = job(&mut tx).await;
        answers.push(done.answer);
        if !done.keep {
            sqlx::query("ROLLBACK TO SAVEPOINT job")
                .execute(&mut *tx)
                .await?;
        }
        if answers.len() < MOST_JOBS && started.elapsed() < MOST_TIME {
            next = jobs.try_recv().ok();
        }
        // Each statement is a round trip to sqlx's SQLite thread: the end of one job's savepoint
        // and the start of the next go together.
        let between = if next.is_some() {
            "RELEASE SAVEPOINT job; SAVEPOINT job"
        } else {
            "RELEASE SAVEPOINT job"
        };
        sqlx::query(between).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}
