//! Operator login: password check, a growing delay after each failure and a lock-out after
//! repeated failures. The counters live in the database, so every server instance sees them.

use std::time::Duration;

use time::OffsetDateTime;

use crate::clock;
use crate::db::{Db, DbError};
use crate::operators::{self, Operator};
use crate::password::{self, Secret};

/// Failures in a row (within [`FAILURE_WINDOW`]) that lock a username.
pub const MAX_FAILURES: i64 = 5;
/// How long a locked username stays locked.
pub const LOCK_DURATION: Duration = Duration::from_secs(15 * 60);
/// Failures older than this are forgotten.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// What a login attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    Success(Operator),
    /// Wrong username or password (or a disabled operator): answer after `delay`.
    Invalid {
        delay: Duration,
    },
    /// Too many failures: refused until `until`, whatever the password.
    Locked {
        until: OffsetDateTime,
    },
}

/// The wait before answering the `failures`-th failure in a row: 250 ms, doubling, at most 4 s.
pub fn delay_after(failures: i64) -> Duration {
    let exponent = u32::try_from(failures.clamp(1, 5) - 1).unwrap_or(0);
    Duration::from_millis(250 * 2u64.pow(exponent)).min(Duration::from_secs(4))
}

/// Checks a username and password, keeping the failure counters.
pub async fn attempt(db: &Db, login: &str, password: &Secret) -> Result<LoginOutcome, DbError> {
    let key = throttle_key(login);
    let now = clock::now();
    if let Some(until) = locked_until(db, &key, now).await? {
        return Ok(LoginOutcome::Locked { until });
    }
    let operator = operators::find_by_login(db, login).await?;
    let stored = match &operator {
        Some(op) => operators::password_hash(db, &op.id).await?,
        None => None,
    };
    let password_ok = password::verify(password, stored).await;
    match operator {
        Some(op) if password_ok && op.is_active() => {
            clear(db, &key).await?;
            let mut op = op;
            op.last_login_at = Some(operators::record_login(db, &op.id).await?);
            Ok(LoginOutcome::Success(op))
        }
        _ => {
            let failure = record_failure(db, &key, now).await?;
            Ok(match failure.locked_until {
                Some(until) => LoginOutcome::Locked { until },
                None => LoginOutcome::Invalid {
                    delay: delay_after(failure.failures),
                },
            })
        }
    }
}

/// Usernames are counted as typed, lowercased and trimmed, whether or not they exist.
fn throttle_key(login: &str) -> String {
    login.trim().to_lowercase().chars().take(128).collect()
}

/// The counters after one more failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureState {
    pub failures: i64,
    pub locked_until: Option<OffsetDateTime>,
}

async fn locked_until(
    db: &Db,
    key: &str,
    now: OffsetDateTime,
) -> Result<Option<OffsetDateTime>, DbError> {
    let until: Option<Option<String>> =
        sqlx::query_scalar("SELECT locked_until FROM login_failures WHERE login = $1")
            .bind(key)
            .fetch_optional(db.pool())
            .await?;
    let until = until
        .flatten()
        .map(|text| clock::parse(&text))
        .transpose()
        .map_err(|e| DbError::Corrupt(e.to_string()))?;
    Ok(until.filter(|until| *until > now))
}

/// Counts a failure; the [`MAX_FAILURES`]-th in a row locks the username and restarts the count.
async fn record_failure(db: &Db, key: &str, now: OffsetDateTime) -> Result<FailureState, DbError> {
    let now_text = clock::format(now);
    let window_start = clock::format(now - FAILURE_WINDOW);
    // One statement, so that concurrent failures on several instances all count.
    let failures: i64 = sqlx::query_scalar(
        "INSERT INTO login_failures (login, failures, last_failure_at, locked_until) VALUES ($1, 1, $2, NULL) \
         ON CONFLICT (login) DO UPDATE SET \
           failures = CASE WHEN login_failures.last_failure_at < $3 THEN 1 ELSE login_failures.failures + 1 END, \
           last_failure_at = $2 \
         RETURNING failures",
    )
    .bind(key)
    .bind(&now_text)
    .bind(&window_start)
    .fetch_one(db.pool())
    .await?;
    if failures < MAX_FAILURES {
        return Ok(FailureState {
            failures,
            locked_until: None,
        });
    }
    let until = now + LOCK_DURATION;
    sqlx::query("UPDATE login_failures SET failures = 0, locked_until = $1 WHERE login = $2")
        .bind(clock::format(until))
        .bind(key)
        .execute(db.pool())
        .await?;
    Ok(FailureState {
        failures,
        locked_until: Some(until),
    })
}

async fn clear(db: &Db, key: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM login_failures WHERE login = $1")
        .bind(key)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Lifts a lock-out by hand (the CLI's `set-password` and `enable` do it).
pub async fn unlock(db: &Db, login: &str) -> Result<(), DbError> {
    clear(db, &throttle_key(login)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::on_each_db;
    use crate::operators::{NewOperator, Role};

    async fn operator(db: &Db, login: &str) -> Operator {
        operators::create(
            db,
            NewOperator {
                login: login.to_owned(),
                display_name: "Someone".to_owned(),
                role: Role::Operator,
                password: Secret::new("the right password"),
            },
        )
        .await
        .expect("created")
    }

    #[test]
    fn the_delay_grows_and_is_capped() {
        let delays: Vec<u128> = (1..=7).map(|n| delay_after(n).as_millis()).collect();
        assert_eq!(delays, [250, 500, 1000, 2000, 4000, 4000, 4000]);
    }

    #[tokio::test]
    async fn the_right_password_logs_in_and_a_wrong_one_does_not() {
        on_each_db!(|db| async move {
            let op = operator(&db, "grace").await;
            match attempt(&db, "GRACE", &Secret::new("the right password"))
                .await
                .expect("attempt")
            {
                LoginOutcome::Success(found) => {
                    assert_eq!(found.id, op.id);
                    assert!(found.last_login_at.is_some());
                }
                other => panic!("expected success, got {other:?}"),
            }
            assert_eq!(
                attempt(&db, "grace", &Secret::new("the wrong password"))
                    .await
                    .expect("attempt"),
                LoginOutcome::Invalid {
                    delay: delay_after(1)
                }
            );
            assert!(matches!(
                attempt(&db, "nobody", &Secret::new("the right password"))
                    .await
                    .expect("attempt"),
                LoginOutcome::Invalid { .. }
            ));
        });
    }

    #[tokio::test]
    async fn a_disabled_operator_cannot_log_in() {
        on_each_db!(|db| async move {
            let op = operator(&db, "heidi").await;
            operators::set_disabled(&db, &op.id, true)
                .await
                .expect("disabled");
            assert!(matches!(
                attempt(&db, "heidi", &Secret::new("the right password"))
                    .await
                    .expect("attempt"),
                LoginOutcome::Invalid { .. }
            ));
        });
    }

    #[tokio::test]
    async fn five_failures_lock_the_username_even_for_the_right_password() {
        on_each_db!(|db| async move {
            operator(&db, "ivan").await;
            let wrong = Secret::new("the wrong password");
            for n in 1..MAX_FAILURES {
                assert_eq!(
                    attempt(&db, "ivan", &wrong).await.expect("attempt"),
                    LoginOutcome::Invalid {
                        delay: delay_after(n)
                    }
                );
            }
            assert!(matches!(
                attempt(&db, "ivan", &wrong).await.expect("attempt"),
                LoginOutcome::Locked { .. }
            ));
            assert!(matches!(
                attempt(&db, "ivan", &Secret::new("the right password"))
                    .await
                    .expect("attempt"),
                LoginOutcome::Locked { .. }
            ));
            unlock(&db, "IVAN").await.expect("unlock");
            assert!(matches!(
                attempt(&db, "ivan", &Secret::new("the right password"))
                    .await
                    .expect("attempt"),
                LoginOutcome::Success(_)
            ));
        });
    }

    #[tokio::test]
    async fn a_success_resets_the_failure_count() {
        on_each_db!(|db| async move {
            operator(&db, "judy").await;
            let wrong = Secret::new("the wrong password");
            for _ in 1..MAX_FAILURES {
                attempt(&db, "judy", &wrong).await.expect("attempt");
            }
            assert!(matches!(
                attempt(&db, "judy", &Secret::new("the right password"))
                    .await
                    .expect("attempt"),
                LoginOutcome::Success(_)
            ));
            assert_eq!(
                attempt(&db, "judy", &wrong).await.expect("attempt"),
                LoginOutcome::Invalid {
                    delay: delay_after(1)
                }
            );
        });
    }

    #[tokio::test]
    async fn old_failures_are_forgotten() {
        on_each_db!(|db| async move {
            let long_ago = clock::now() - FAILURE_WINDOW - Duration::from_secs(60);
            for _ in 1..MAX_FAILURES {
                record_failure(&db, "kim", long_ago).await.expect("failure");
            }
            let state = record_failure(&db, "kim", clock::now())
                .await
                .expect("failure");
            assert_eq!(
                state,
                FailureState {
                    failures: 1,
                    locked_until: None
                }
            );
        });
    }
}
