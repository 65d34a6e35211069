//! The TMF630 error vocabulary of the Orange API (contract section 2): a code, its HTTP status, a
//! short reason and a message for a human that names the field by its path.

use serde::Serialize;

/// Every error code the contract lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    Unauthorized,
    Forbidden,
    NotFound,
    InvalidBody,
    MissingField,
    InvalidValue,
    UnknownCustomer,
    UnknownProductRef,
    UnknownUserService,
    UnknownOrder,
    UnknownTask,
    UnknownOffer,
    ProductRefMismatch,
    InvalidStateTransition,
    OperationInProgress,
    IdempotencyMismatch,
    PayloadTooLarge,
    UnsupportedMediaType,
    TooManyRequests,
    ServiceUnavailable,
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 21] = [
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::InvalidBody,
        ErrorCode::MissingField,
        ErrorCode::InvalidValue,
        ErrorCode::UnknownCustomer,
        ErrorCode::UnknownProductRef,
        ErrorCode::UnknownUserService,
        ErrorCode::UnknownOrder,
        ErrorCode::UnknownTask,
        ErrorCode::UnknownOffer,
        ErrorCode::ProductRefMismatch,
        ErrorCode::InvalidStateTransition,
        ErrorCode::OperationInProgress,
        ErrorCode::IdempotencyMismatch,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::TooManyRequests,
        ErrorCode::ServiceUnavailable,
        ErrorCode::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthorized => "UNAUTHORIZED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::InvalidBody => "INVALID_BODY",
            ErrorCode::MissingField => "MISSING_FIELD",
            ErrorCode::InvalidValue => "INVALID_VALUE",
            ErrorCode::UnknownCustomer => "UNKNOWN_CUSTOMER",
            ErrorCode::UnknownProductRef => "UNKNOWN_PRODUCT_REF",
            ErrorCode::UnknownUserService => "UNKNOWN_USER_SERVICE",
            ErrorCode::UnknownOrder => "UNKNOWN_ORDER",
            ErrorCode::UnknownTask => "UNKNOWN_TASK",
            ErrorCode::UnknownOffer => "UNKNOWN_OFFER",
            ErrorCode::ProductRefMismatch => "PRODUCT_REF_MISMATCH",
            ErrorCode::InvalidStateTransition => "INVALID_STATE_TRANSITION",
            ErrorCode::OperationInProgress => "OPERATION_IN_PROGRESS",
            ErrorCode::IdempotencyMismatch => "IDEMPOTENCY_MISMATCH",
            ErrorCode::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            ErrorCode::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            ErrorCode::TooManyRequests => "TOO_MANY_REQUESTS",
            ErrorCode::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            ErrorCode::Internal => "INTERNAL",
        }
    }

    pub fn parse(text: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// The HTTP status the contract gives this code.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound
            | ErrorCode::UnknownCustomer
            | ErrorCode::UnknownProductRef
            | ErrorCode::UnknownUserService
            | ErrorCode::UnknownOrder
            | ErrorCode::UnknownTask => 404,
            ErrorCode::InvalidBody | ErrorCode::MissingField | ErrorCode::InvalidValue => 400,
            ErrorCode::UnknownOffer | ErrorCode::ProductRefMismatch => 422,
            ErrorCode::InvalidStateTransition
            | ErrorCode::OperationInProgress
            | ErrorCode::IdempotencyMismatch => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::TooManyRequests => 429,
            ErrorCode::ServiceUnavailable => 503,
            ErrorCode::Internal => 500,
        }
    }

    /// The short reason sent with the code.
    pub fn reason(self) -> &'static str {
        match self {
            ErrorCode::Unauthorized => "Missing or invalid credential",
            ErrorCode::Forbidden => "Not allowed",
            ErrorCode::NotFound => "No such route",
            ErrorCode::InvalidBody => "The body is not valid JSON of the expected shape",
            ErrorCode::MissingField => "A required field is missing",
            ErrorCode::InvalidValue => "A field has a value outside its rules",
            ErrorCode::UnknownCustomer => "Unknown customer",
            ErrorCode::UnknownProductRef => "Unknown productRefId",
            ErrorCode::UnknownUserService => "Unknown userService",
            ErrorCode::UnknownOrder => "Unknown productOrder",
            ErrorCode::UnknownTask => "Unknown userServiceTask",
            ErrorCode::UnknownOffer => "Unknown product offering",
            ErrorCode::ProductRefMismatch => "The productRefId belongs to another customer",
            ErrorCode::InvalidStateTransition => "This state change is not allowed",
            ErrorCode::OperationInProgress => "Another operation on this licence is not finished",
            ErrorCode::IdempotencyMismatch => {
                "This externalReference was already used with another body"
            }
            ErrorCode::PayloadTooLarge => "The body is too large",
            ErrorCode::UnsupportedMediaType => "The body must be application/json",
            ErrorCode::TooManyRequests => "Too many calls with this credential",
            ErrorCode::ServiceUnavailable => "The service is temporarily unavailable",
            ErrorCode::Internal => "Internal error",
        }
    }
}

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
