//! Extractors whose rejections are problem details: JSON bodies, query strings, path ids.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// A JSON body. Malformed JSON is a 400, a wrong type or unknown value a 422, a body over the
/// limit a 413, a missing `Content-Type: application/json` a 415 — each with what went wrong.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> AppError {
    let detail = match &rejection {
        JsonRejection::JsonDataError(_) => {
            format!("The request body does not fit: {}", rejection.body_text())
        }
        JsonRejection::JsonSyntaxError(_) => {
            format!("The request body is not valid JSON, or not the JSON expected here: {}", rejection.body_text())
        }
        JsonRejection::MissingJsonContentType(_) => {
            "Send the body as JSON with `Content-Type: application/json`.".into()
        }
        JsonRejection::BytesRejection(_) => format!("The request body could not be read: {}", rejection.body_text()),
        _ => rejection.body_text(),
    };
    AppError::new(rejection.status(), detail)
}

/// A query string.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state).await.map(|Query(v)| ApiQuery(v)).map_err(|r: QueryRejection| {
            AppError::bad_request(format!("The query string does not fit: {}", r.body_text()))
        })
    }
}

/// Path parameters such as a case id.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| ApiPath(v))
            .map_err(|r: PathRejection| AppError::bad_request(format!("The address is not valid: {}", r.body_text())))
    }
}
