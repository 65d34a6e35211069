//! The TMF630 error codes of the Orange API (contract section 2), with their HTTP status and short
//! reason.

crate::vocabulary! {
    /// Every error code the contract lists.
    "SCREAMING_SNAKE_CASE" ErrorCode {
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
}

impl ErrorCode {
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
