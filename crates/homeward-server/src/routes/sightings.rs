//! Sightings over HTTP. `POST /api/v1/public/sightings` takes one from anyone (JSON, or
//! `multipart/form-data` with a photo); the public form (`ui::sightings`) sends through the same
//! [`receive`]. The inbox, one sighting, its photo, attaching and dismissing are for staff.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use axum::Json;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use homeward_domain::sighting::{NewSighting, Photo, PhotoError, SightingContact, SightingReceipt, SightingView};
use homeward_domain::{CaseId, DomainError, Problem as FieldProblem, SightingId};
use serde::Deserialize;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, Problem};
use crate::extract::{ApiJson, ApiPath};
use crate::sightings::{MAX_BODY_BYTES, client_address, parse_multipart};

/// Why a sighting from the public was not kept. Each says what to do about it; none has
/// written anything.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// Too many sightings from this address lately; try again in so many seconds.
    Throttled(u64),
    /// The body, or the photo, is over the limit.
    TooLarge,
    /// The photo is not a JPEG, PNG or WebP image, whatever its name says.
    NotAnImage,
    /// The body is not JSON or a form as its content type says, or has no content type we take.
    Unreadable(StatusCode, String),
    /// A field is missing or wrong (problem details with every field).
    Invalid(Box<AppError>),
    /// Something failed on our side.
    Failed(Box<AppError>),
}

impl Refusal {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Refusal::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            Refusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::NotAnImage => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Refusal::Unreadable(status, _) => *status,
            Refusal::Invalid(e) | Refusal::Failed(e) => e.status,
        }
    }
}

impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        let mb = homeward_domain::sighting::MAX_PHOTO_BYTES / 1024 / 1024;
        match refusal {
            Refusal::Throttled(wait) => {
                let mut e = AppError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!(
                        "Too many sightings were sent from your address lately. Try again in {wait} seconds, or call 116000."
                    ),
                );
                e.retry_after = Some(wait);
                e
            }
            Refusal::TooLarge => AppError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("The sighting is too large: a photo may have at most {mb} MB. Send a smaller photo, or none."),
            ),
            Refusal::NotAnImage => AppError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "The photo is not a JPEG, PNG or WebP image (its contents were checked, not its name). Send one of those, or none.",
            ),
            Refusal::Unreadable(status, detail) => AppError::new(status, detail),
            Refusal::Invalid(e) | Refusal::Failed(e) => *e,
        }
    }
}

/// The text fields a sighting was sent with, to show them again on a form sent back.
pub(crate) type Fields = HashMap<String, String>;

/// The peer's address, as the server's connection info has it.
pub(crate) fn peer(request: &Request) -> SocketAddr {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| *addr)
        .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)))
}

/// Takes a sighting from the public: the throttle first (before the body is read), then the
/// body's size, its form, the photo's type and the fields; the store checks the rest. Answers
/// the receipt, or why nothing was kept, with the text fields that were sent.
pub(crate) async fn receive(state: &AppState, request: Request) -> (Result<SightingReceipt, Refusal>, Fields) {
    let limits = &state.config.sightings;
    let address = client_address(peer(&request), request.headers(), limits.trusted_proxy);
    let (parts, body) = request.into_parts();
    if let Err(wait) = state.sighting_throttle.begin(address) {
        return (Err(Refusal::Throttled(wait)), throttled_fields(&parts.headers, body).await);
    }
    let (fields, new, photo) = match read(&parts.headers, body).await {
        Ok(read) => read,
        Err((refusal, fields)) => return (Err(refusal), fields),
    };
    // A sender who mistyped a field gets the attempt back, and the check costs the writer
    // nothing; what only the store can refuse (an alert never published) counts against the
    // limit, so that nobody can keep the writer busy with refusals.
    if let Err(e) = new.clone().validate(time::OffsetDateTime::now_utc()) {
        give_back(state, address);
        return (Err(Refusal::Invalid(Box::new(AppError::from(homeward_store::StoreError::Domain(e))))), fields);
    }
    let origin = address.to_string();
    match state.run(move |store| store.submit_sighting(&origin, new, photo)).await {
        Ok(receipt) => (Ok(receipt), fields),
        Err(e) if e.status.is_client_error() => (Err(Refusal::Invalid(Box::new(e))), fields),
        Err(e) => (Err(Refusal::Failed(Box::new(e))), fields),
    }
}

/// The text a throttled form carried, to show it again: read only from a small body (no photo),
/// which costs next to nothing; a larger one is not read at all.
async fn throttled_fields(headers: &HeaderMap, body: Body) -> Fields {
    const SMALL: usize = 64 * 1024;
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    if declared.is_none_or(|length: usize| length > SMALL) {
        return Fields::new();
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    match axum::body::to_bytes(body, SMALL).await {
        Ok(bytes) => parse_multipart(content_type, &bytes).map(|parts| text_fields(&parts)).unwrap_or_default(),
        Err(_) => Fields::new(),
    }
}

/// The form came back to be corrected: that sending does not count.
fn give_back(state: &AppState, address: IpAddr) {
    state.sighting_throttle.give_back(address);
}

type Read = (Fields, NewSighting, Option<Photo>);

/// The body as a sighting and its photo.
async fn read(headers: &HeaderMap, body: Body) -> Result<Read, (Refusal, Fields)> {
    // A body somewhat over the limit is read to its end before it is refused: a browser still
    // sending a photo when the connection closes shows its own error, not the page saying why.
    // One far over the limit is refused at once (the throttle has counted it either way).
    let drain = 4 * MAX_BODY_BYTES;
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    if declared.is_some_and(|length: usize| length > drain) {
        return Err((Refusal::TooLarge, Fields::new()));
    }
    let bytes = axum::body::to_bytes(body, drain).await.map_err(|_| (Refusal::TooLarge, Fields::new()))?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if bytes.len() > MAX_BODY_BYTES {
        // What was typed goes back on the form, if it can be read.
        let fields = parse_multipart(content_type, &bytes).map(|parts| text_fields(&parts)).unwrap_or_default();
        return Err((Refusal::TooLarge, fields));
    }
    let media_type = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match media_type.as_str() {
        "application/json" => {
            let new: NewSighting = serde_json::from_slice(&bytes).map_err(|e| {
                // As for every JSON body: malformed is a 400, well-formed but not a sighting a 422.
                let status = if e.is_syntax() || e.is_eof() {
                    StatusCode::BAD_REQUEST
                } else {
                    StatusCode::UNPROCESSABLE_ENTITY
                };
                let detail = format!("The request body is not the JSON of a sighting: {e}");
                (Refusal::Unreadable(status, detail), Fields::new())
            })?;
            Ok((Fields::new(), new, None))
        }
        "multipart/form-data" => form(content_type, &bytes),
        _ => {
            let detail = "Send the sighting as `multipart/form-data` (with a photo) or as `application/json`.";
            Err((Refusal::Unreadable(StatusCode::UNSUPPORTED_MEDIA_TYPE, detail.into()), Fields::new()))
        }
    }
}

/// The fields of the public form.
const FIELDS: [&str; 10] = [
    "alert",
    "place",
    "lat",
    "lon",
    "seen_at",
    "utc_offset_minutes",
    "description",
    "contact_name",
    "contact_phone",
    "contact_email",
];

/// The text fields of the form's parts (those it has; others are ignored).
fn text_fields(parts: &[crate::sightings::Part<'_>]) -> Fields {
    parts
        .iter()
        .filter(|p| FIELDS.contains(&p.name.as_str()))
        .map(|p| (p.name.clone(), String::from_utf8_lossy(p.data).into_owned()))
        .collect()
}

fn form(content_type: &str, bytes: &[u8]) -> Result<Read, (Refusal, Fields)> {
    let parts = parse_multipart(content_type, bytes).map_err(|e| {
        (Refusal::Unreadable(StatusCode::BAD_REQUEST, format!("The form could not be read: {e}.")), Fields::new())
    })?;
    let fields = text_fields(&parts);
    let photo = parts.iter().find(|p| p.name == "photo" && !p.data.is_empty()).map(|p| p.data.to_vec());
    let photo = match photo.map(Photo::check).transpose() {
        Ok(photo) => photo,
        Err(PhotoError::TooLarge) => return Err((Refusal::TooLarge, fields)),
        Err(PhotoError::NotAnImage) => return Err((Refusal::NotAnImage, fields)),
    };
    let text = |name: &str| fields.get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let mut problems = homeward_domain::Validation::new();
    let mut number = |name: &str, problem: FieldProblem| -> Option<f64> {
        let value = text(name)?;
        match value.replace(',', ".").parse::<f64>() {
            Ok(n) if n.is_finite() => Some(n),
            _ => {
                problems.push(name, problem, "is not a number");
                None
            }
        }
    };
    let lat = number("lat", FieldProblem::Latitude);
    let lon = number("lon", FieldProblem::Longitude);
    let offset = number("utc_offset_minutes", FieldProblem::TimeZone);
    if let Err(DomainError::Invalid(errors)) = problems.finish() {
        let mut e = AppError::new(StatusCode::UNPROCESSABLE_ENTITY, DomainError::Invalid(errors.clone()).to_string());
        e.errors = errors;
        return Err((Refusal::Invalid(Box::new(e)), fields));
    }
    let new = NewSighting {
        alert: text("alert"),
        place: text("place").unwrap_or_default(),
        lat,
        lon,
        seen_at: text("seen_at").unwrap_or_default(),
        // Whole minutes east of UTC, as the page's script wrote them; anything else is not one.
        utc_offset_minutes: offset.map(|m| if m.fract() == 0.0 && m.abs() <= 1440.0 { m as i32 } else { i32::MAX }),
        description: text("description").unwrap_or_default(),
        contact: SightingContact {
            name: text("contact_name"),
            phone: text("contact_phone"),
            email: text("contact_email"),
        },
    };
    Ok((fields, new, photo))
}

/// Sends a sighting, with no login: `application/json` (a [`NewSighting`]), or
/// `multipart/form-data` with the same fields flat (`contact_name`, `contact_phone`,
/// `contact_email`) and an optional `photo` (JPEG, PNG or WebP by its contents, at most 5 MB).
/// Each client address may send a few per ten minutes (429 with `Retry-After` after that).
#[utoipa::path(post, path = "/api/v1/public/sightings", request_body = NewSighting, tag = "sightings",
    responses((status = 201, body = SightingReceipt), (status = 400, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn submit(
    State(state): State<AppState>,
    request: Request,
) -> Result<(StatusCode, Json<SightingReceipt>), AppError> {
    match receive(&state, request).await.0 {
        Ok(receipt) => Ok((StatusCode::CREATED, Json(receipt))),
        Err(refusal) => Err(refusal.into()),
    }
}

/// The inbox: sightings from the public nobody has attached or dismissed yet, newest first.
/// Operators, case managers and supervisors of organisations that take reports.
#[utoipa::path(get, path = "/api/v1/sightings", tag = "sightings",
    responses((status = 200, body = Vec<SightingView>), (status = 403, body = Problem)))]
pub async fn list(State(state): State<AppState>, who: CurrentUser) -> Result<Json<Vec<SightingView>>, AppError> {
    Ok(Json(state.run(move |store| store.list_sightings(&who.actor)).await?))
}

/// One sighting.
#[utoipa::path(get, path = "/api/v1/sightings/{id}", params(("id" = SightingId, Path)), tag = "sightings",
    responses((status = 200, body = SightingView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<SightingId>,
) -> Result<Json<SightingView>, AppError> {
    Ok(Json(state.run(move |store| store.get_sighting(&who.actor, id)).await?))
}

/// The photo sent with a sighting, as it was sent (its type told from its contents).
#[utoipa::path(get, path = "/api/v1/sightings/{id}/photo", params(("id" = SightingId, Path)), tag = "sightings",
    responses((status = 200, description = "The photo: image/jpeg, image/png or image/webp"),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn photo(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<SightingId>,
) -> Result<Response, AppError> {
    let photo = state.run(move |store| store.sighting_photo(&who.actor, id)).await?;
    Ok(photo_response(photo))
}

/// A photo as an answer. `Content-Disposition: inline` with no name the sender chose, and the
/// type told from its contents (with `nosniff` on every answer).
pub(crate) fn photo_response(photo: Photo) -> Response {
    let mut response = photo.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(photo.kind.media_type()));
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("inline"));
    response
}

/// The case a sighting is attached to.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachRequest {
    pub case_id: CaseId,
}

/// Attaches a sighting from the inbox to a case of the caller's organisation: the case's
/// timeline gets `sighting_attached`, and its page shows the sighting beside the last-seen
/// point. Once only (409).
#[utoipa::path(post, path = "/api/v1/sightings/{id}/attachment", params(("id" = SightingId, Path)),
    request_body = AttachRequest, tag = "sightings",
    responses((status = 200, body = SightingView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn attach(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<SightingId>,
    ApiJson(body): ApiJson<AttachRequest>,
) -> Result<Json<SightingView>, AppError> {
    Ok(Json(state.run(move |store| store.attach_sighting(&who.actor, id, body.case_id)).await?))
}

/// Why a sighting is dismissed.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DismissRequest {
    /// Required, at most 2,000 characters.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Dismisses a sighting from the inbox with a reason. Once only (409).
#[utoipa::path(post, path = "/api/v1/sightings/{id}/dismissal", params(("id" = SightingId, Path)),
    request_body = DismissRequest, tag = "sightings",
    responses((status = 200, body = SightingView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn dismiss(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<SightingId>,
    ApiJson(body): ApiJson<DismissRequest>,
) -> Result<Json<SightingView>, AppError> {
    Ok(Json(state.run(move |store| store.dismiss_sighting(&who.actor, id, body.reason)).await?))
}

/// The sightings attached to a case, for those who read it in full.
#[utoipa::path(get, path = "/api/v1/cases/{id}/sightings", params(("id" = CaseId, Path)), tag = "sightings",
    responses((status = 200, body = Vec<SightingView>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn of_case(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<CaseId>,
) -> Result<Json<Vec<SightingView>>, AppError> {
    Ok(Json(state.run(move |store| store.case_sightings(&who.actor, id)).await?))
}
