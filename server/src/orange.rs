//! The Orange-facing API under `/orange/v2` (contract sections 2 to 5): its own authentication
//! (API credentials, not sessions), its own JSON extractor and TMF630 errors, the raw exchange
//! record, and the OpenAPI document generated from the handlers.

pub mod openapi;
