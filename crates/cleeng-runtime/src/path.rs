//! Path parameters cannot change which operation is called.
//!
//! The generated code puts path parameters into the URL percent-encoded, but `.` is not encoded
//! and the URL parser resolves dot segments: `country_code("..")` on
//! `/offers/{offerId}/localizations/{countryCode}/activate` becomes `/offers/{offerId}/activate`,
//! a different operation. Before anything is sent, the final URL's path is matched against the
//! operation's path template; a parameter that is empty, `.` or `..` (in any encoded form), or a
//! path that no longer has the template's shape, is refused with [`Error::InvalidRequest`].

use crate::error::Error;

/// Checks that `url_path` (the request's path, base path included) is `base_path` followed by
/// `template` with each `{param}` replaced by one harmless segment.
pub(crate) fn check(operation: &str, template: &str, base_path: &str, url_path: &str) -> Result<(), Error> {
    let base_path = base_path.trim_end_matches('/');
    let template_segments: Vec<&str> = template.trim_start_matches('/').split('/').collect();
    let params = || {
        template_segments
            .iter()
            .filter_map(|s| param_name(s))
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(" or ")
    };
    let refuse = |detail: String| {
        Error::InvalidRequest {
            operation: Some(operation.to_string()),
            message: format!(
                "{detail}; a path parameter must not be empty, `.` or `..` (it would change the \
                 request's path away from {template})"
            ),
        }
    };
    let Some(rest) = url_path.strip_prefix(base_path) else {
        return Err(refuse(format!("a dot segment in {} climbed above the base path", params())));
    };
    let segments: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
    if segments.len() != template_segments.len() {
        return Err(refuse(format!("a dot segment in {} removed part of the path", params())));
    }
    for (expected, actual) in template_segments.iter().zip(&segments) {
        match param_name(expected) {
            Some(name) => {
                if is_dot_or_empty(actual) {
                    return Err(refuse(format!("path parameter `{name}` is {actual:?}")));
                }
            }
            None if expected.contains('{') => {}
            None => {
                if expected != actual {
                    return Err(refuse(format!(
                        "a dot segment in {} changed the path segment `{expected}`",
                        params()
                    )));
                }
            }
        }
    }
    Ok(())
}

/// `name` for a segment that is exactly `{name}`.
fn param_name(segment: &str) -> Option<&str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}

/// Empty, `.` or `..`, also when (partly) percent-encoded as `%2e`.
fn is_dot_or_empty(segment: &str) -> bool {
    let decoded = segment.replace("%2e", ".").replace("%2E", ".");
    matches!(decoded.as_str(), "" | "." | "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "/offers/{offerId}/localizations/{countryCode}/activate";

    #[test]
    fn accepts_ordinary_values() {
        check("op", T, "/3.1", "/3.1/offers/S1_US/localizations/US/activate").unwrap();
        check("op", T, "", "/offers/S1_US/localizations/a.b/activate").unwrap();
        check("op", "/gifts/{code}/redeem", "/", "/gifts/AB%2FCD/redeem").unwrap();
    }

    #[test]
    fn refuses_dot_segments_in_every_form() {
        for path in [
            "/3.1/offers/S1_US/activate",                         // `..` resolved by the parser
            "/3.1/offers/S1_US/localizations/activate",           // `.` resolved
            "/3.1/offers/S1_US/localizations/%2e%2e/activate",    // encoded
            "/3.1/offers/S1_US/localizations/.%2E/activate",      // half encoded
            "/3.1/offers/S1_US/localizations//activate",          // empty
            "/activate",                                          // climbed above the base
        ] {
            let err = check("activateOfferLocalization", T, "/3.1", path).unwrap_err();
            let text = err.to_string();
            assert!(matches!(err, Error::InvalidRequest { .. }), "{path}: {err:?}");
            assert!(text.contains("activateOfferLocalization"), "{text}");
            assert!(text.contains("countryCode"), "{text}");
        }
    }
}
