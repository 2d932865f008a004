//! Finishing a generated call: progenitor's result → ours, with the operation named.
//!
//! Every generated builder has `call()` beside `send()` (added by cleeng-codegen); it passes its
//! operationId and `send()`'s result here.

use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;

use crate::error::{Error, IntoErrorBody};

/// Converts the result of a typed call. When the body did not decode, decodes it once more,
/// tracking the path, so the error says which field was wrong (`data[3].status`).
pub fn finish<T: DeserializeOwned, E: IntoErrorBody>(
    operation: &str,
    result: Result<ResponseValue<T>, progenitor_client::Error<E>>,
) -> Result<ResponseValue<T>, Error> {
    result.map_err(|e| {
        let error = Error::from(e);
        let error = match error {
            Error::Decode {
                operation: None,
                path: None,
                message,
                body,
            } => {
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
            other => other,
        };
        error.with_operation(operation)
    })
}

/// Converts the result of a call whose success body is raw bytes.
pub fn finish_raw<T, E: IntoErrorBody>(
    operation: &str,
    result: Result<ResponseValue<T>, progenitor_client::Error<E>>,
) -> Result<ResponseValue<T>, Error> {
    result.map_err(|e| Error::from(e).with_operation(operation))
}
