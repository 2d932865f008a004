//! The catalogue of spec changes `cargo xtask diff` recognises: one stable id and one level each.
//!
//! Ids follow oasdiff's checker vocabulary where a counterpart exists (`api-removed`,
//! `new-required-request-property`, `response-property-became-nullable`, ...), so a reviewer who
//! knows oasdiff reads them at once. Levels are direction-aware: the same edit (an enum value
//! added, a property made optional) breaks a caller on the response side and is harmless on the
//! request side, or the other way round. Levels also count the generated Rust: a removed
//! parameter or response property removes a setter or a field, so it breaks compilation even
//! where oasdiff only warns. Ids never change once published: ignore files and tools key on them.

use serde::Serialize;

/// How much a change can hurt an existing user of the generated client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Cannot break a caller (additions, documentation).
    NonBreaking,
    /// May break some callers (a response enum value added, a default changed).
    PossiblyBreaking,
    /// Breaks callers: code stops compiling or requests/responses stop matching.
    Breaking,
}

impl Level {
    /// Every level, most severe first (the order reports use).
    pub const ALL: [Level; 3] = [Level::Breaking, Level::PossiblyBreaking, Level::NonBreaking];

    /// The name used in reports and in `--fail-on` (`breaking`, `possibly-breaking`, `non-breaking`).
    pub fn name(self) -> &'static str {
        match self {
            Level::Breaking => "breaking",
            Level::PossiblyBreaking => "possibly-breaking",
            Level::NonBreaking => "non-breaking",
        }
    }

    /// Parses a `--fail-on` value: `breaking`, `warn` (= possibly breaking and above) or `info`.
    pub fn from_fail_on(value: &str) -> Option<Level> {
        match value {
            "breaking" | "err" | "error" => Some(Level::Breaking),
            "warn" | "possibly-breaking" => Some(Level::PossiblyBreaking),
            "info" | "non-breaking" => Some(Level::NonBreaking),
            _ => None,
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

macro_rules! rules {
    ($($variant:ident => $id:literal, $level:ident, $summary:literal;)*) => {
        /// One kind of spec change. See [`Rule::ALL`] for the full catalogue.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        impl Rule {
            /// Every rule, in catalogue order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            /// The stable id (kebab-case), used in reports and ignore files.
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            /// How severe this kind of change is.
            pub fn level(self) -> Level {
                match self { $(Rule::$variant => Level::$level,)* }
            }

            /// One line describing the change.
            pub fn summary(self) -> &'static str {
                match self { $(Rule::$variant => $summary,)* }
            }
        }
    };
}

rules! {
    // ---- operations
    ApiRemoved => "api-removed", Breaking, "operation removed";
    ApiPathChanged => "api-path-changed", Breaking, "operation moved to another path";
    ApiMethodChanged => "api-method-changed", Breaking, "operation uses another HTTP method";
    ApiOperationIdChanged => "api-operation-id-changed", Breaking, "operationId renamed (the Rust method is renamed)";
    ApiSecurityChanged => "api-security-changed", Breaking, "security requirement changed (a credential added or an accepted one removed)";
    ApiAdded => "api-added", NonBreaking, "operation added";
    ApiSecurityAlternativeAdded => "api-security-alternative-added", NonBreaking, "another credential is accepted as well";
    ApiTagChanged => "api-tag-changed", PossiblyBreaking, "operation tag changed (the method moves to another Client...Ext trait)";
    ApiIdempotencyChanged => "api-idempotency-changed", PossiblyBreaking, "x-idempotent changed (retry behaviour changes)";
    ApiServerChanged => "api-server-changed", PossiblyBreaking, "a server (production or sandbox host) changed";
    ApiDeprecated => "api-deprecated", NonBreaking, "operation deprecated";
    ApiReactivated => "api-reactivated", NonBreaking, "operation no longer deprecated";
    ApiSummaryChanged => "api-summary-changed", NonBreaking, "operation summary changed";
    ApiDescriptionChanged => "api-description-changed", NonBreaking, "operation description changed";
    ApiDocLinkChanged => "api-doc-link-changed", NonBreaking, "operation reference link (externalDocs.url) changed";
    ApiConfidenceChanged => "api-confidence-changed", NonBreaking, "x-confidence changed";
    // ---- request parameters
    NewRequiredRequestParameter => "new-required-request-parameter", Breaking, "required request parameter added";
    RequestParameterRemoved => "request-parameter-removed", Breaking, "request parameter removed (its builder setter disappears)";
    RequestParameterBecameRequired => "request-parameter-became-required", Breaking, "request parameter became required";
    RequestParameterTypeChanged => "request-parameter-type-changed", Breaking, "request parameter type changed";
    RequestParameterFormatChanged => "request-parameter-format-changed", Breaking, "request parameter format changed";
    RequestParameterEnumValueRemoved => "request-parameter-enum-value-removed", Breaking, "enum value removed from a request parameter";
    RequestParameterDefaultValueChanged => "request-parameter-default-value-changed", PossiblyBreaking, "request parameter default changed";
    NewOptionalRequestParameter => "new-optional-request-parameter", NonBreaking, "optional request parameter added";
    RequestParameterBecameOptional => "request-parameter-became-optional", NonBreaking, "request parameter became optional";
    RequestParameterEnumValueAdded => "request-parameter-enum-value-added", NonBreaking, "enum value added to a request parameter";
    // ---- request body
    RequestBodyAddedRequired => "request-body-added-required", Breaking, "required request body added";
    RequestBodyRemoved => "request-body-removed", Breaking, "request body removed";
    RequestBodyBecameRequired => "request-body-became-required", Breaking, "request body became required";
    RequestBodyMediaTypeChanged => "request-body-media-type-changed", Breaking, "request body media type changed";
    RequestBodyAddedOptional => "request-body-added-optional", NonBreaking, "optional request body added";
    RequestBodyBecameOptional => "request-body-became-optional", NonBreaking, "request body became optional";
    NewRequiredRequestProperty => "new-required-request-property", Breaking, "required request property added";
    RequestPropertyRemoved => "request-property-removed", Breaking, "request property removed";
    RequestPropertyBecameRequired => "request-property-became-required", Breaking, "request property became required";
    RequestPropertyTypeChanged => "request-property-type-changed", Breaking, "request property type changed";
    RequestPropertyFormatChanged => "request-property-format-changed", Breaking, "request property format changed";
    RequestPropertyEnumValueRemoved => "request-property-enum-value-removed", Breaking, "enum value removed from a request property";
    RequestPropertyBecameNotNullable => "request-property-became-not-nullable", Breaking, "request property no longer accepts null";
    RequestPropertyOneOfRemoved => "request-property-one-of-removed", Breaking, "oneOf/anyOf alternative removed from a request property";
    RequestPropertyConstraintTightened => "request-property-constraint-tightened", Breaking, "request maxLength/minLength/pattern/maximum/minimum/maxItems/minItems tightened";
    RequestPropertyConstraintLoosened => "request-property-constraint-loosened", PossiblyBreaking, "request constraint loosened or removed (typify wraps constrained strings in a newtype, so the Rust type may change)";
    RequestPropertyDefaultValueChanged => "request-property-default-value-changed", PossiblyBreaking, "request property default changed";
    NewOptionalRequestProperty => "new-optional-request-property", NonBreaking, "optional request property added";
    RequestPropertyBecameOptional => "request-property-became-optional", NonBreaking, "request property became optional";
    RequestPropertyEnumValueAdded => "request-property-enum-value-added", NonBreaking, "enum value added to a request property";
    RequestPropertyBecameNullable => "request-property-became-nullable", NonBreaking, "request property accepts null";
    RequestPropertyOneOfAdded => "request-property-one-of-added", NonBreaking, "oneOf/anyOf alternative added to a request property";
    // ---- responses
    ResponseSuccessStatusRemoved => "response-success-status-removed", Breaking, "success (2xx) response status removed";
    ResponseMediaTypeChanged => "response-media-type-changed", Breaking, "response media type changed";
    ResponsePropertyRemoved => "response-property-removed", Breaking, "response property removed (its field disappears)";
    ResponsePropertyBecameOptional => "response-property-became-optional", Breaking, "response property became optional";
    ResponsePropertyBecameNullable => "response-property-became-nullable", Breaking, "response property may now be null";
    ResponsePropertyTypeChanged => "response-property-type-changed", Breaking, "response property type changed";
    ResponsePropertyFormatChanged => "response-property-format-changed", Breaking, "response property format changed";
    ResponseSuccessStatusAdded => "response-success-status-added", PossiblyBreaking, "success (2xx) response status added (bodies of several 2xx merge into a oneOf)";
    ResponseNonSuccessStatusAdded => "response-non-success-status-added", PossiblyBreaking, "error response status added";
    ResponsePropertyEnumValueAdded => "response-property-enum-value-added", PossiblyBreaking, "enum value added to a response property";
    ResponsePropertyOneOfAdded => "response-property-one-of-added", PossiblyBreaking, "oneOf/anyOf alternative added to a response property";
    ResponsePropertyConstraintLoosened => "response-property-constraint-loosened", PossiblyBreaking, "response constraint loosened or removed (values a caller never saw may arrive; the Rust type may change)";
    ResponsePropertyConstraintTightened => "response-property-constraint-tightened", PossiblyBreaking, "response constraint tightened or added (the Rust type may become a validating newtype)";
    ResponseHeaderRemoved => "response-header-removed", PossiblyBreaking, "response header removed";
    ResponseNonSuccessStatusRemoved => "response-non-success-status-removed", NonBreaking, "error response status removed";
    ResponsePropertyAdded => "response-property-added", NonBreaking, "response property added";
    ResponsePropertyBecameRequired => "response-property-became-required", NonBreaking, "response property became required";
    ResponsePropertyBecameNotNullable => "response-property-became-not-nullable", NonBreaking, "response property is never null any more";
    ResponsePropertyEnumValueRemoved => "response-property-enum-value-removed", NonBreaking, "enum value removed from a response property";
    ResponsePropertyOneOfRemoved => "response-property-one-of-removed", NonBreaking, "oneOf/anyOf alternative removed from a response property";
    ResponseHeaderAdded => "response-header-added", NonBreaking, "response header added";
    // ---- documentation
    SchemaDescriptionChanged => "schema-description-changed", NonBreaking, "description of a parameter or property changed";
}

impl Rule {
    /// Looks a rule up by its id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}
