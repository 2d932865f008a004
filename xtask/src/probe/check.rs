//! One answer against its operation: documented status, body schema, undocumented fields,
//! promised headers.

use serde_json::Value;

use super::findings::{Finding, Kind};
use super::run::Answer;
use super::schema;
use super::spec::{resolve, Operation};

/// Every disagreement between `answer` and the spec of `op`.
pub fn answer(doc: &Value, op: &Operation, answer: &Answer) -> Vec<Finding> {
    let mut out = Vec::new();
    let responses = op.op.get("responses").and_then(Value::as_object);
    let documented = responses.and_then(|r| {
        r.get(&answer.status.to_string())
            .or_else(|| r.get(&format!("{}XX", answer.status / 100)))
            .or_else(|| r.get("default"))
    });
    let Some(response) = documented.map(|r| resolve(doc, r)) else {
        let listed: Vec<&String> = responses.map(|r| r.keys().collect()).unwrap_or_default();
        out.push(Finding::new(
            Kind::UndocumentedStatus,
            "status".into(),
            format!(
                "status {} is not documented (documented: {})",
                answer.status,
                listed
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Some(Value::from(answer.status)),
        ));
        return out;
    };

    if let Some(schema) = response.pointer("/content/application~1json/schema") {
        if answer.body.iter().all(u8::is_ascii_whitespace) {
            out.push(Finding::new(
                Kind::NotJson,
                String::new(),
                "empty body where the spec documents a JSON body".into(),
                None,
            ));
        } else {
            match serde_json::from_slice::<Value>(&answer.body) {
                Ok(body) => {
                    match schema::validate(doc, schema, &body, &op.operation_id) {
                        Ok(found) => out.extend(found),
                        Err(e) => {
                            out.push(Finding::new(Kind::SchemaViolation, String::new(), e, None))
                        }
                    }
                    out.extend(schema::undocumented(doc, schema, &body));
                }
                Err(e) => out.push(Finding::new(
                    Kind::NotJson,
                    String::new(),
                    format!("body is not JSON: {e}"),
                    None,
                )),
            }
        }
    }

    for (name, header) in response
        .get("headers")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let lower = name.to_ascii_lowercase();
        // ETag is promised only on conditional requests (spec: "sent only when the request
        // carried If-Match or If-None-Match"); the probe sends a never-matching If-None-Match.
        if lower == "etag" && !answer.sent_if_none_match {
            continue;
        }
        let header = resolve(doc, header);
        match answer.headers.get(&lower) {
            None => out.push(Finding::new(
                Kind::MissingHeader,
                format!("header:{name}"),
                format!("promised header `{name}` is absent"),
                None,
            )),
            Some(value) => {
                let ty = resolve(doc, header.get("schema").unwrap_or(&Value::Null))
                    .get("type")
                    .and_then(Value::as_str);
                if ty == Some("integer") && value.trim().parse::<i64>().is_err() {
                    out.push(Finding::new(
                        Kind::MissingHeader,
                        format!("header:{name}"),
                        format!("header `{name}` is not an integer"),
                        Some(Value::String(value.clone())),
                    ));
                }
            }
        }
    }
    out
}
