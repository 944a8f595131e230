//! Logging in and out, passwords, tokens, organisations and users.

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use homeward_domain::org::{ApiToken, NewOrganisation, NewUser, Organisation, Preferences, User};
use homeward_domain::{TokenId, UserId};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{CurrentUser, SESSION_COOKIE, SignedIn};
use crate::error::{AppError, Problem};
use crate::extract::{ApiJson, ApiPath};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    pub user: User,
    /// True when the one-time password must be replaced before anything else.
    pub password_change_required: bool,
}

/// Logs in with e-mail address and password; sets the session cookie.
#[utoipa::path(post, path = "/api/v1/session", request_body = LoginRequest, tag = "session",
    responses((status = 200, body = LoginResponse), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response, AppError> {
    let origin = addr.ip().to_string();
    if let Some(wait) = state.throttle.begin(&body.email, &origin) {
        let mut e = AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("Too many failed logins. Wait {} minute(s) and try again.", wait.div_ceil(60)),
        );
        e.retry_after = Some(wait);
        return Err(e);
    }
    let (email, password, from) = (body.email.clone(), body.password, origin.clone());
    let outcome = state.run(move |store| store.login(&from, &email, &password)).await?;
    let Some((user, secret)) = outcome else {
        return Err(AppError::unauthorized("The e-mail address or the password is not correct."));
    };
    state.throttle.succeeded(&body.email, &origin);
    let cookie = format!(
        "{SESSION_COOKIE}={secret}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}",
        homeward_store::sql::SESSION_HOURS * 3600,
        if state.config.secure_cookies { "; Secure" } else { "" }
    );
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(AppError::internal)?);
    let password_change_required = user.must_change_password;
    Ok((headers, Json(LoginResponse { user, password_change_required })).into_response())
}

/// Ends the session and clears the cookie.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204), (status = 401, body = Problem)))]
pub async fn logout(State(state): State<AppState>, who: SignedIn) -> Result<Response, AppError> {
    if let Some(secret) = who.session.clone() {
        state.run(move |store| store.logout(&who.actor, &secret)).await?;
    }
    let mut headers = HeaderMap::new();
    headers.insert(
        header::SET_COOKIE,
        HeaderValue::from_static("homeward_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}

/// The logged-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "session", responses((status = 200, body = User), (status = 401, body = Problem)))]
pub async fn me(who: SignedIn) -> Json<User> {
    Json(who.user)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    /// At least 12 characters.
    pub new_password: String,
}

/// Replaces the caller's password (required after a one-time password).
#[utoipa::path(post, path = "/api/v1/me/password", request_body = PasswordChange, tag = "session",
    responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn change_password(
    State(state): State<AppState>,
    who: SignedIn,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<StatusCode, AppError> {
    state
        .run(move |store| {
            store.change_password(&who.actor, &body.current_password, &body.new_password, who.session.as_deref())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// What the token is for ("case export script").
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    /// Shown once; send it as `Authorization: Bearer …`.
    pub token: String,
}

/// Issues an API token for the caller.
#[utoipa::path(post, path = "/api/v1/tokens", request_body = TokenRequest, tag = "session",
    responses((status = 201, body = TokenResponse), (status = 401, body = Problem)))]
pub async fn create_token(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiJson(body): ApiJson<TokenRequest>,
) -> Result<(StatusCode, Json<TokenResponse>), AppError> {
    let user = who.user.id;
    let token = state.run(move |store| store.create_api_token(&who.actor, user, &body.name)).await?;
    Ok((StatusCode::CREATED, Json(TokenResponse { token })))
}

/// The caller's API tokens: ids, names and dates, never the secrets.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "session",
    responses((status = 200, body = Vec<ApiToken>), (status = 401, body = Problem)))]
pub async fn list_tokens(State(state): State<AppState>, who: CurrentUser) -> Result<Json<Vec<ApiToken>>, AppError> {
    Ok(Json(state.run(move |store| store.list_api_tokens(&who.actor)).await?))
}

/// Revokes one of the caller's API tokens; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", params(("id" = TokenId, Path)), tag = "session",
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<TokenId>,
) -> Result<StatusCode, AppError> {
    state.run(move |store| store.revoke_api_token(&who.actor, id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// All organisations, for sharing and referrals.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisations",
    responses((status = 200, body = Vec<Organisation>), (status = 401, body = Problem)))]
pub async fn list_organisations(
    State(state): State<AppState>,
    who: CurrentUser,
) -> Result<Json<Vec<Organisation>>, AppError> {
    Ok(Json(state.run(move |store| store.list_organisations(&who.actor)).await?))
}

/// Creates an organisation (admins).
#[utoipa::path(post, path = "/api/v1/organisations", request_body = NewOrganisation, tag = "organisations",
    responses((status = 201, body = Organisation), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_organisation(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiJson(body): ApiJson<NewOrganisation>,
) -> Result<(StatusCode, Json<Organisation>), AppError> {
    let org = state.run(move |store| store.create_organisation(&who.actor, body)).await?;
    Ok((StatusCode::CREATED, Json(org)))
}

/// The users of the caller's organisation (admins and supervisors).
#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    responses((status = 200, body = Vec<User>), (status = 403, body = Problem)))]
pub async fn list_users(State(state): State<AppState>, who: CurrentUser) -> Result<Json<Vec<User>>, AppError> {
    Ok(Json(state.run(move |store| store.list_users(&who.actor)).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedUserResponse {
    pub user: User,
    /// Shown once. The user must replace it at first login.
    pub one_time_password: String,
}

/// Creates a user in the admin's organisation with a one-time password.
#[utoipa::path(post, path = "/api/v1/users", request_body = NewUser, tag = "users",
    responses((status = 201, body = CreatedUserResponse), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_user(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiJson(body): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<CreatedUserResponse>), AppError> {
    let created = state.run(move |store| store.create_user(&who.actor, body)).await?;
    Ok((StatusCode::CREATED, Json(CreatedUserResponse { user: created.user, one_time_password: created.password })))
}

/// Deactivates a user of the admin's organisation: they can no longer log in, and every session
/// and API token of theirs stops working at once.
#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate", params(("id" = UserId, Path)), tag = "users",
    responses((status = 200, body = User), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn deactivate_user(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<UserId>,
) -> Result<Json<User>, AppError> {
    Ok(Json(state.run(move |store| store.set_user_active(&who.actor, id, false)).await?))
}

/// Reactivates a deactivated user.
#[utoipa::path(post, path = "/api/v1/users/{id}/activate", params(("id" = UserId, Path)), tag = "users",
    responses((status = 200, body = User), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn activate_user(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiPath(id): ApiPath<UserId>,
) -> Result<Json<User>, AppError> {
    Ok(Json(state.run(move |store| store.set_user_active(&who.actor, id, true)).await?))
}

/// Changes the caller's own interface language and time zone.
#[utoipa::path(put, path = "/api/v1/me/preferences", request_body = Preferences, tag = "session",
    responses((status = 200, body = User), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn set_preferences(
    State(state): State<AppState>,
    who: CurrentUser,
    ApiJson(body): ApiJson<Preferences>,
) -> Result<Json<User>, AppError> {
    if !state.locales.has(&body.language) {
        return Err(AppError::unprocessable(
            "language",
            homeward_domain::Problem::LanguageTag,
            format!("is not a language of this installation; choose one of {}", state.locales.tags().join(", ")),
        ));
    }
    Ok(Json(state.run(move |store| store.set_preferences(&who.actor, body)).await?))
}
