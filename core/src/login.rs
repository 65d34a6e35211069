//! Operator login: password check, a growing delay after each failure and lock-outs after
//! repeated failures. The counters live in the database, so every server instance sees them.
//!
//! - Every attempt is counted, in one statement, **before** the password is checked; a success
//!   takes its count back. Requests sent in parallel therefore get no more checks between them
//!   than one after the other: the [`MAX_FAILURES`]-th failure locks, whatever is in flight.
//! - Counters are kept per username **and client address** (the lock), per address over all
//!   usernames ([`MAX_ADDRESS_FAILURES`], then the address is locked), and per username over all
//!   addresses, which only slows the answers ([`delay_after`]) and never locks: an attacker
//!   hammering `admin` from one address locks only themselves out, and the administrator still
//!   signs in from elsewhere.
//! - At most [`MAX_CONCURRENT_CHECKS`] password checks run at once in a process (argon2id takes
//!   19 MiB and tens of milliseconds each); an attempt beyond that is answered at once as
//!   [`LoginOutcome::Busy`], uncounted and unchecked.

use std::time::Duration;

use time::OffsetDateTime;
use tokio::sync::Semaphore;

use crate::clock;
use crate::db::{Db, DbError};
use crate::operators::{self, Operator};
use crate::password::{self, Secret};

/// Failures in a row (within [`FAILURE_WINDOW`]) of one username from one address that lock it
/// there.
pub const MAX_FAILURES: i64 = 5;
/// Failures from one address (within [`FAILURE_WINDOW`], any usernames) that lock the address.
pub const MAX_ADDRESS_FAILURES: i64 = 30;
/// How long a lock lasts.
pub const LOCK_DURATION: Duration = Duration::from_secs(15 * 60);
/// Failures older than this are forgotten.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Password checks running at once in one process, at the most.
pub const MAX_CONCURRENT_CHECKS: usize = 4;

static CHECKS: Semaphore = Semaphore::const_new(MAX_CONCURRENT_CHECKS);

/// What a login attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    Success(Operator),
    /// Wrong username or password (or a disabled operator): answer after `delay`.
    Invalid {
        delay: Duration,
    },
    /// Too many failures for this username from this address, or from this address: refused
    /// until `until`, whatever the password.
    Locked {
        until: OffsetDateTime,
    },
    /// Too many password checks under way: nothing was checked or counted; try again shortly.
    Busy,
}

/// The wait before answering the `failures`-th failure in a row: 250 ms, doubling, at most 4 s.
pub fn delay_after(failures: i64) -> Duration {
    let exponent = u32::try_from(failures.clamp(1, 5) - 1).unwrap_or(0);
    Duration::from_millis(250 * 2u64.pow(exponent)).min(Duration::from_secs(4))
}

/// Checks a username and password typed from `address` (the client's IP address as the server
/// determined it), keeping the failure counters.
pub async fn attempt(
    db: &Db,
    login: &str,
    password: &Secret,
    address: &str,
) -> Result<LoginOutcome, DbError> {
    let Ok(_check) = CHECKS.try_acquire() else {
        return Ok(LoginOutcome::Busy);
    };
    let name = throttle_key(login);
    let keys = Keys::new(&name, address);
    let now = clock::now();
    // Counted first: this attempt is a failure until the password proves otherwise.
    let pair = count(db, &keys.pair, now).await?;
    let from_address = count(db, &keys.address, now).await?;
    let locked = [&pair, &from_address]
        .into_iter()
        .filter_map(|c| c.locked_until)
        .max();
    if let Some(until) = locked {
        return Ok(LoginOutcome::Locked { until });
    }
    if pair.failures > MAX_FAILURES {
        return Ok(LoginOutcome::Locked {
            until: lock(db, &keys.pair, now).await?,
        });
    }
    if from_address.failures > MAX_ADDRESS_FAILURES {
        return Ok(LoginOutcome::Locked {
            until: lock(db, &keys.address, now).await?,
        });
    }
    let operator = operators::find_by_login(db, login).await?;
    let stored = match &operator {
        Some(op) => operators::password_hash(db, &op.id).await?,
        None => None,
    };
    let password_ok = password::verify(password, stored).await;
    match operator {
        Some(op) if password_ok && op.is_active() => {
            forget(db, &keys.pair).await?;
            forget(db, &keys.name).await?;
            take_back(db, &keys.address).await?;
            let mut op = op;
            op.last_login_at = Some(operators::record_login(db, &op.id).await?);
            Ok(LoginOutcome::Success(op))
        }
        _ => {
            let over_all_addresses = count(db, &keys.name, now).await?;
            if pair.failures >= MAX_FAILURES {
                return Ok(LoginOutcome::Locked {
                    until: lock(db, &keys.pair, now).await?,
                });
            }
            if from_address.failures >= MAX_ADDRESS_FAILURES {
                return Ok(LoginOutcome::Locked {
                    until: lock(db, &keys.address, now).await?,
                });
            }
            Ok(LoginOutcome::Invalid {
                delay: delay_after(pair.failures.max(over_all_addresses.failures)),
            })
        }
    }
}

/// Usernames are counted as typed, lowercased and trimmed, whether or not they exist.
fn throttle_key(login: &str) -> String {
    login.trim().to_lowercase().chars().take(128).collect()
}

/// The counters one attempt touches.
struct Keys {
    /// This username from this address: locks.
    pair: String,
    /// This address, any username: locks.
    address: String,
    /// This username, any address: slows.
    name: String,
}

impl Keys {
    fn new(name: &str, address: &str) -> Keys {
        let address: String = address.trim().chars().take(64).collect();
        Keys {
            pair: format!("{}{address}", pair_prefix(name)),
            address: format!("address:{address}"),
            name: format!("name:{name}"),
        }
    }
}

/// Every pair counter of one username starts with this.
fn pair_prefix(name: &str) -> String {
    format!("pair:{}\u{1f}", name)
}

/// A counter after one more attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureState {
    pub failures: i64,
    /// Set while the key is locked.
    pub locked_until: Option<OffsetDateTime>,
}

/// Counts one more attempt under `key` (restarting the count once the last one is older than
/// [`FAILURE_WINDOW`]); one statement, so that concurrent attempts on every instance all count.
async fn count(db: &Db, key: &str, now: OffsetDateTime) -> Result<FailureState, DbError> {
    let now_text = clock::format(now);
    let window_start = clock::format(now - FAILURE_WINDOW);
    let (failures, locked_until): (i64, Option<String>) = sqlx::query_as(
        "INSERT INTO login_failures (login, failures, last_failure_at, locked_until) VALUES ($1, 1, $2, NULL) \
         ON CONFLICT (login) DO UPDATE SET \
           failures = CASE WHEN login_failures.last_failure_at < $3 THEN 1 ELSE login_failures.failures + 1 END, \
           last_failure_at = $2 \
         RETURNING failures, locked_until",
    )
    .bind(key)
    .bind(&now_text)
    .bind(&window_start)
    .fetch_one(db.pool())
    .await?;
    let locked_until = locked_until
        .map(|text| clock::parse(&text))
        .transpose()
        .map_err(|e| DbError::Corrupt(e.to_string()))?
        .filter(|until| *until > now);
    Ok(FailureState {
        failures,
        locked_until,
    })
}

/// Locks `key` for [`LOCK_DURATION`] and restarts its count (attempts during the lock count
/// again, so that one who keeps trying is locked again as soon as the lock ends).
async fn lock(db: &Db, key: &str, now: OffsetDateTime) -> Result<OffsetDateTime, DbError> {
    let until = now + LOCK_DURATION;
    sqlx::query("UPDATE login_failures SET failures = 0, locked_until = $1 WHERE login = $2")
        .bind(clock::format(until))
        .bind(key)
        .execute(db.pool())
        .await?;
    Ok(until)
}

/// A successful attempt was counted as a failure beforehand: its count is taken back.
async fn take_back(db: &Db, key: &str) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE login_failures SET failures = failures - 1 WHERE login = $1 AND failures > 0",
    )
    .bind(key)
    .execute(db.pool())
    .await?;
    Ok(())
}

async fn forget(db: &Db, key: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM login_failures WHERE login = $1")
        .bind(key)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Lifts every lock-out of a username, from every address (the CLI's `set-password` and
/// `enable` do it).
pub async fn unlock(db: &Db, login: &str) -> Result<(), DbError> {
    let name = throttle_key(login);
    let prefix = pair_prefix(&name);
    sqlx::query(
        "DELETE FROM login_failures WHERE login = $1 OR login = $2 \
         OR substr(login, 1, CAST($3 AS INTEGER)) = $4",
    )
    .bind(format!("name:{name}"))
    .bind(&name)
    .bind(i64::try_from(prefix.chars().count()).unwrap_or(i64::MAX))
    .bind(&prefix)
    .execute(db.pool())
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::on_each_db;
    use crate::operators::{NewOperator, Role};

    const HERE: &str = "203.0.113.7";
    const ELSEWHERE: &str = "198.51.100.20";

    async fn operator(db: &Db, login: &str) -> Operator {
        operators::create(
            db,
            &crate::audit::Acting::system(),
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
            match attempt(&db, "GRACE", &Secret::new("the right password"), HERE)
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
                attempt(&db, "grace", &Secret::new("the wrong password"), HERE)
                    .await
                    .expect("attempt"),
                LoginOutcome::Invalid {
                    delay: delay_after(1)
                }
            );
            assert!(matches!(
                attempt(&db, "nobody", &Secret::new("the right password"), HERE)
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
            operators::set_disabled(&db, &crate::audit::Acting::system(), &op.id, true)
                .await
                .expect("disabled");
            assert!(matches!(
                attempt(&db, "heidi", &Secret::new("the right password"), HERE)
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
                    attempt(&db, "ivan", &wrong, HERE).await.expect("attempt"),
                    LoginOutcome::Invalid {
                        delay: delay_after(n)
                    }
                );
            }
            assert!(matches!(
                attempt(&db, "ivan", &wrong, HERE).await.expect("attempt"),
                LoginOutcome::Locked { .. }
            ));
            assert!(matches!(
                attempt(&db, "ivan", &Secret::new("the right password"), HERE)
                    .await
                    .expect("attempt"),
                LoginOutcome::Locked { .. }
            ));
            unlock(&db, "IVAN").await.expect("unlock");
            assert!(matches!(
                attempt(&db, "ivan", &Secret::new("the right password"), HERE)
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
                attempt(&db, "judy", &wrong, HERE).await.expect("attempt");
            }
            assert!(matches!(
                attempt(&db, "judy", &Secret::new("the right password"), HERE)
                    .await
                    .expect("attempt"),
                LoginOutcome::Success(_)
            ));
            assert_eq!(
                attempt(&db, "judy", &wrong, HERE).await.expect("attempt"),
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
                count(&db, "pair:kim", long_ago).await.expect("failure");
            }
            let state = count(&db, "pair:kim", clock::now()).await.expect("failure");
            assert_eq!(
                state,
                FailureState {
                    failures: 1,
                    locked_until: None
                }
            );
        });
    }

    #[tokio::test]
    async fn wrong_passwords_sent_in_parallel_get_no_more_checks_than_one_after_the_other() {
        on_each_db!(|db| async move {
            operator(&db, "mallory-target").await;
            let mut outcomes = Vec::new();
            for _wave in 0..4 {
                let wave: Vec<_> = (0..25)
                    .map(|n| {
                        let db = db.clone();
                        tokio::spawn(async move {
                            attempt(
                                &db,
                                "mallory-target",
                                &Secret::new(format!("guess number {n}")),
                                HERE,
                            )
                            .await
                            .expect("attempt")
                        })
                    })
                    .collect();
                for handle in wave {
                    outcomes.push(handle.await.expect("joined"));
                }
            }
            let checked_and_wrong = outcomes
                .iter()
                .filter(|o| matches!(o, LoginOutcome::Invalid { .. }))
                .count();
            assert!(
                checked_and_wrong < usize::try_from(MAX_FAILURES).unwrap_or(0),
                "{checked_and_wrong} wrong passwords were checked before the lock"
            );
            assert!(
                outcomes
                    .iter()
                    .any(|o| matches!(o, LoginOutcome::Locked { .. }))
            );
            assert!(matches!(
                attempt(
                    &db,
                    "mallory-target",
                    &Secret::new("the right password"),
                    HERE
                )
                .await
                .expect("attempt"),
                LoginOutcome::Locked { .. }
            ));
            assert!(
                matches!(
                    attempt(
                        &db,
                        "mallory-target",
                        &Secret::new("the right password"),
                        ELSEWHERE
                    )
                    .await
                    .expect("attempt"),
                    LoginOutcome::Success(_)
                ),
                "the lock holds only where the failures came from"
            );
        });
    }

    #[tokio::test]
    async fn an_address_trying_many_usernames_is_locked_for_all_of_them() {
        on_each_db!(|db| async move {
            operator(&db, "olivia").await;
            let wrong = Secret::new("the wrong password");
            let mut locked_after = None;
            for n in 1..=MAX_ADDRESS_FAILURES {
                let name = format!("user{n}");
                if let LoginOutcome::Locked { .. } =
                    attempt(&db, &name, &wrong, HERE).await.expect("attempt")
                {
                    locked_after = Some(n);
                    break;
                }
            }
            assert_eq!(locked_after, Some(MAX_ADDRESS_FAILURES));
            assert!(matches!(
                attempt(&db, "olivia", &Secret::new("the right password"), HERE)
                    .await
                    .expect("attempt"),
                LoginOutcome::Locked { .. }
            ));
            assert!(matches!(
                attempt(&db, "olivia", &Secret::new("the right password"), ELSEWHERE)
                    .await
                    .expect("attempt"),
                LoginOutcome::Success(_)
            ));
        });
    }

    #[tokio::test]
    async fn failures_from_many_addresses_slow_a_username_without_locking_it() {
        on_each_db!(|db| async move {
            operator(&db, "peggy").await;
            let wrong = Secret::new("the wrong password");
            let mut last = None;
            for n in 0..12 {
                last = Some(
                    attempt(&db, "peggy", &wrong, &format!("192.0.2.{n}"))
                        .await
                        .expect("attempt"),
                );
            }
            assert_eq!(
                last,
                Some(LoginOutcome::Invalid {
                    delay: delay_after(12)
                }),
                "one failure from each address: slowed, never locked"
            );
            assert!(matches!(
                attempt(&db, "peggy", &Secret::new("the right password"), ELSEWHERE)
                    .await
                    .expect("attempt"),
                LoginOutcome::Success(_)
            ));
        });
    }

    #[tokio::test]
    async fn beyond_the_concurrent_checks_an_attempt_is_refused_at_once_and_not_counted() {
        on_each_db!(|db| async move {
            operator(&db, "quentin").await;
            let all = CHECKS
                .acquire_many(u32::try_from(MAX_CONCURRENT_CHECKS).unwrap_or(1))
                .await
                .expect("every slot");
            for _ in 0..(MAX_FAILURES * 2) {
                assert_eq!(
                    attempt(&db, "quentin", &Secret::new("the wrong password"), HERE)
                        .await
                        .expect("attempt"),
                    LoginOutcome::Busy
                );
            }
            drop(all);
            assert!(matches!(
                attempt(&db, "quentin", &Secret::new("the right password"), HERE)
                    .await
                    .expect("attempt"),
                LoginOutcome::Success(_)
            ));
        });
    }
}
