//! The API reference page (administrators): the OpenAPI document of `/orange/v2`, read from the
//! context the server provides and simplified into paths, methods, parameters and responses.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use super::ConsoleError;
use crate::model::ApiReferenceView;

/// The Orange API's reference, one entry per path and method, by path.
#[server(prefix = "/console/api", endpoint = "reference", input = GetUrl)]
pub async fn fetch_api_reference() -> Result<ApiReferenceView, ConsoleError> {
    use crate::model::ApiReference;

    super::ssr::require(fleetdesk_core::access::Permission::Administer)?;
    let document = use_context::<ApiReference>().ok_or(ConsoleError::Internal)?;
    ssr::simplify(&document.0).map_err(super::ssr::internal)
}

#[cfg(feature = "ssr")]
mod ssr {
    use serde_json::{Map, Value};

    use crate::model::{ApiBody, ApiOperation, ApiParameter, ApiReferenceView, ApiResponse};

    /// In the order a reader expects: reads, then writes, then the rest.
    const METHODS: [&str; 8] = [
        "get", "post", "put", "patch", "delete", "head", "options", "trace",
    ];

    fn text(value: &Value, key: &str) -> Option<String> {
        value
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    }

    /// A schema in a few words: its component name, `Name[]` for arrays, else its type.
    fn schema_name(schema: &Value) -> String {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            return reference.rsplit('/').next().unwrap_or(reference).to_owned();
        }
        for combinator in ["oneOf", "anyOf", "allOf"] {
            if let Some(parts) = schema.get(combinator).and_then(Value::as_array) {
                let names: Vec<String> = parts
                    .iter()
                    .map(schema_name)
                    .filter(|name| name != "null")
                    .collect();
                let joiner = if combinator == "allOf" { " & " } else { " | " };
                return names.join(joiner);
            }
        }
        let kind = match schema.get("type") {
            Some(Value::String(kind)) => Some(kind.clone()),
            // OpenAPI 3.1 nullable types: ["string", "null"].
            Some(Value::Array(kinds)) => kinds
                .iter()
                .filter_map(Value::as_str)
                .find(|kind| *kind != "null")
                .map(str::to_owned),
            _ => None,
        };
        match kind.as_deref() {
            Some("array") => format!(
                "{}[]",
                schema
                    .get("items")
                    .map_or_else(|| "any".to_owned(), schema_name)
            ),
            Some(kind) => match text(schema, "format") {
                Some(format) => format!("{kind} ({format})"),
                None => kind.to_owned(),
            },
            None => "object".to_owned(),
        }
    }

    /// The first media type of a `content` map and its schema's name.
    fn content(value: &Value) -> Option<(String, String)> {
        let (media, body) = value.get("content")?.as_object()?.iter().next()?;
        let schema = body
            .get("schema")
            .map_or_else(|| "any".to_owned(), schema_name);
        Some((media.clone(), schema))
    }

    fn parameters(list: Option<&Value>) -> Vec<ApiParameter> {
        list.and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|parameter| {
                Some(ApiParameter {
                    name: text(parameter, "name")?,
                    location: text(parameter, "in").unwrap_or_default(),
                    required: parameter
                        .get("required")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                    schema: parameter
                        .get("schema")
                        .map_or_else(|| "string".to_owned(), schema_name),
                    description: text(parameter, "description"),
                })
            })
            .collect()
    }

    fn operation(method: &str, path: &str, item: &Value, shared: &[ApiParameter]) -> ApiOperation {
        let mut parameters: Vec<ApiParameter> = shared.to_vec();
        for own in self::parameters(item.get("parameters")) {
            // An operation's parameter replaces the path's one of the same name and place.
            parameters.retain(|p| !(p.name == own.name && p.location == own.location));
            parameters.push(own);
        }
        let request_body = item.get("requestBody").map(|body| {
            let (content_type, schema) =
                content(body).unwrap_or_else(|| ("application/json".to_owned(), "any".to_owned()));
            ApiBody {
                content_type,
                schema,
                required: body
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            }
        });
        let responses = item
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(status, response)| ApiResponse {
                status: status.clone(),
                description: text(response, "description").unwrap_or_default(),
                schema: content(response).map(|(_, schema)| schema),
            })
            .collect();
        ApiOperation {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            summary: text(item, "summary"),
            description: text(item, "description"),
            parameters,
            request_body,
            responses,
        }
    }

    /// Reads an OpenAPI 3 document into the reference page's model.
    pub fn simplify(document: &str) -> Result<ApiReferenceView, serde_json::Error> {
        let document: Value = serde_json::from_str(document)?;
        let info = document.get("info").cloned().unwrap_or(Value::Null);
        let empty = Map::new();
        let paths = document
            .get("paths")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let mut operations = Vec::new();
        // By path, whatever order the JSON map keeps; methods in the usual order within a path.
        let mut sorted: Vec<(&String, &Value)> = paths.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        for (path, item) in sorted {
            let shared = parameters(item.get("parameters"));
            for method in METHODS {
                if let Some(found) = item.get(method) {
                    operations.push(operation(method, path, found, &shared));
                }
            }
        }
        Ok(ApiReferenceView {
            title: text(&info, "title").unwrap_or_else(|| "API".to_owned()),
            version: text(&info, "version").unwrap_or_default(),
            description: text(&info, "description"),
            operations,
        })
    }

    #[cfg(test)]
    mod tests {
        use super::simplify;

        #[test]
        fn a_document_without_paths_has_no_operations() {
            let view = simplify(
                r#"{"openapi":"3.1.0","info":{"title":"T","version":"1.4.0"},"paths":{}}"#,
            )
            .expect("valid JSON");
            assert_eq!(view.title, "T");
            assert_eq!(view.version, "1.4.0");
            assert!(view.operations.is_empty());
        }

        #[test]
        fn operations_read_with_parameters_bodies_and_responses() {
            let document = serde_json::json!({
                "openapi": "3.1.0",
                "info": {"title": "Orange", "version": "1"},
                "paths": {
                    "/orange/v2/userService/{id}": {
                        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                        "get": {
                            "summary": "Read a licence",
                            "responses": {
                                "200": {"description": "The licence", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UserService"}}}},
                                "404": {"description": "Unknown"}
                            }
                        },
                        "patch": {
                            "summary": "Change a licence",
                            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UserServicePatch"}}}},
                            "responses": {"200": {"description": "Changed"}}
                        }
                    },
                    "/orange/v2/userService": {
                        "get": {
                            "parameters": [
                                {"name": "productRefId", "in": "query", "required": true, "schema": {"type": "string"}, "description": "The fleet"},
                                {"name": "limit", "in": "query", "schema": {"type": ["integer", "null"], "format": "int64"}}
                            ],
                            "responses": {"200": {"description": "The fleet", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/UserService"}}}}}}
                        }
                    }
                }
            });
            let view = simplify(&document.to_string()).expect("valid JSON");
            let summary: Vec<(String, String)> = view
                .operations
                .iter()
                .map(|op| (op.method.clone(), op.path.clone()))
                .collect();
            assert_eq!(
                summary,
                [
                    ("GET".to_owned(), "/orange/v2/userService".to_owned()),
                    ("GET".to_owned(), "/orange/v2/userService/{id}".to_owned()),
                    ("PATCH".to_owned(), "/orange/v2/userService/{id}".to_owned()),
                ]
            );
            let read = &view.operations[1];
            assert_eq!(read.summary.as_deref(), Some("Read a licence"));
            assert_eq!(read.parameters[0].name, "id");
            assert!(read.parameters[0].required);
            assert_eq!(read.responses[0].schema.as_deref(), Some("UserService"));
            assert_eq!(read.responses[1].schema, None);
            let patch = &view.operations[2];
            let body = patch.request_body.as_ref().expect("a body");
            assert_eq!(body.schema, "UserServicePatch");
            assert!(body.required);
            let list = &view.operations[0];
            assert_eq!(list.parameters[1].schema, "integer (int64)");
            assert_eq!(list.responses[0].schema.as_deref(), Some("UserService[]"));
        }
    }
}
