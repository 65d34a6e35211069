//! The TMF630 error vocabulary of the Orange API (contract section 2): a code, its HTTP status, a
//! short reason and a message for a human that names the field by its path.

pub use fleetdesk_vocab::ErrorCode;

/// An error answered to Orange: the code and a message naming what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
        }
    }

    pub fn missing(path: &str) -> ApiError {
        ApiError::new(ErrorCode::MissingField, format!("{path} is required"))
    }

    pub fn invalid(path: &str, rule: &str) -> ApiError {
        ApiError::new(ErrorCode::InvalidValue, format!("{path} {rule}"))
    }

    /// The database cannot be reached (or cannot write) right now: nothing was changed, and the
    /// same request may be sent again shortly.
    pub fn unavailable() -> ApiError {
        ApiError::new(
            ErrorCode::ServiceUnavailable,
            "the service cannot use its database right now (unreachable, or its disk full or \
             read-only); the request changed nothing; try again shortly",
        )
    }

    /// An internal failure: the detail is logged by the caller, never sent.
    pub fn internal() -> ApiError {
        ApiError::new(
            ErrorCode::Internal,
            "The request could not be completed; it changed nothing. Try again later.",
        )
    }

    pub fn status(&self) -> u16 {
        self.code.status()
    }
}

impl From<crate::db::DbError> for ApiError {
    fn from(error: crate::db::DbError) -> Self {
        if error.is_unavailable() {
            tracing::warn!(error = %error, "the database is not available to the Orange API");
            return ApiError::unavailable();
        }
        tracing::error!(error = %error, "database error in the Orange API");
        ApiError::internal()
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        ApiError::from(crate::db::DbError::Query(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::DbError;

    #[test]
    fn a_database_away_in_the_middle_of_a_call_is_503_and_a_defect_is_500() {
        for away in [
            DbError::Query(sqlx::Error::PoolTimedOut),
            DbError::Query(sqlx::Error::Io(std::io::Error::other("connection reset"))),
        ] {
            let error = ApiError::from(away);
            assert_eq!(
                (error.code, error.status()),
                (ErrorCode::ServiceUnavailable, 503)
            );
            assert!(
                error.message.contains("changed nothing"),
                "{}",
                error.message
            );
        }
        let defect = ApiError::from(DbError::Corrupt("a licence without a fleet".into()));
        assert_eq!((defect.code, defect.status()), (ErrorCode::Internal, 500));
        assert!(
            !defect.message.contains("fleet"),
            "no internal detail leaks"
        );
    }
}
