//! Finishing a generated call: progenitor's result → ours, with the operation named.
//!
//! Every generated builder has `call()` and `call_with_response()` beside `send()` (added by
//! cleeng-codegen); `call_with_response()` passes its operationId and `send()`'s result here, and
//! `call()` keeps only the body.

use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, Error, IntoErrorBody};
use crate::response::Response;

/// Converts the result of a typed call. When the body did not decode, decodes it once more,
/// tracking the path, so the error says which field was wrong (`data[3].status`).
///
/// A success body that does not decode but lists errors (MediaStore's
/// `{"responseData": null, "errors": ["..."], "code": "..."}` sent with `200`) is Cleeng refusing
/// the call, not a malformed answer: it becomes [`Error::Api`] with status 200 and the body.
pub fn finish<T: DeserializeOwned, E: IntoErrorBody>(
    operation: &str,
    result: Result<ResponseValue<T>, progenitor_client::Error<E>>,
) -> Result<Response<T>, Error> {
    result.map(Response::from).map_err(|e| {
        let error = Error::from(e);
        let error = match error {
            Error::Decode {
                operation: None,
                path: None,
                message,
                body,
            } => {
                if lists_errors(&body) {
                    Error::from(ApiError::from_parts(200, http::HeaderMap::new(), body))
                } else {
                    let mut de = serde_json::Deserializer::from_slice(&body);
                    let path = match serde_path_to_error::deserialize::<_, T>(&mut de) {
                        Err(e) => Some(e.path().to_string()).filter(|p| p != "." && !p.is_empty()),
                        Ok(_) => None,
                    };
                    Error::Decode {
                        operation: None,
                        path,
                        message,
                        body,
                    }
                }
            }
            other => other,
        };
        error.with_operation(operation)
    })
}

/// Converts the result of a call whose success body is raw bytes.
pub fn finish_raw<T, E: IntoErrorBody>(
    operation: &str,
    result: Result<ResponseValue<T>, progenitor_client::Error<E>>,
) -> Result<Response<T>, Error> {
    result.map(Response::from).map_err(|e| Error::from(e).with_operation(operation))
}

/// `true` when `body` is a JSON object whose `errors` is a non-empty array.
fn lists_errors(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Errors {
        errors: Vec<serde_json::Value>,
    }
    serde_json::from_slice::<Errors>(body).is_ok_and(|e| !e.errors.is_empty())
}
