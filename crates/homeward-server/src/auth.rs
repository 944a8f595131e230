//! Who is asking: session cookies for browsers, bearer tokens for programs, and the throttle
//! that slows down password guessing.
//!
//! [`SignedIn`] accepts any authenticated user; [`CurrentUser`] additionally refuses a user who
//! still has to replace their one-time password. What an authenticated user may then do is
//! decided by the one policy in `homeward_domain::policy`, asked by every store command.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use homeward_domain::org::{Actor, User};
use homeward_store::Credential;

use crate::AppState;
use crate::error::AppError;

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "homeward_session";

/// An authenticated user, who may have to change their password before anything else.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    pub actor: Actor,
    /// The session secret, when the request came with a cookie (needed to log out).
    pub session: Option<String>,
}

/// An authenticated user who may work.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub SignedIn);

impl std::ops::Deref for CurrentUser {
    type Target = SignedIn;
    fn deref(&self) -> &SignedIn {
        &self.0
    }
}

/// The remote address, as the audit log records it.
pub fn origin(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

pub(crate) fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_owned());
        let session = cookie(parts, SESSION_COOKIE).map(str::to_owned);
        // On the blocking pool like every store call: a PostgreSQL read blocks on the network,
        // and its client may not block a runtime thread at all.
        let user = match (&bearer, &session) {
            (Some(token), _) => {
                let token = token.clone();
                state.run(move |store| store.authenticate(Credential::Token(&token))).await?
            }
            (None, Some(secret)) => {
                let secret = secret.clone();
                state.run(move |store| store.authenticate(Credential::Session(&secret))).await?
            }
            (None, None) => {
                return Err(AppError::unauthorized(
                    "Log in first: send the session cookie, or an API token as `Authorization: Bearer …`.",
                ));
            }
        };
        let user = user.ok_or_else(|| {
            AppError::unauthorized("Your session has expired or the token is not valid. Log in again.")
        })?;
        let actor = Actor::user(&user, origin(parts));
        Ok(SignedIn { user, actor, session: if bearer.is_some() { None } else { session } })
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        if signed_in.user.must_change_password {
            return Err(AppError::forbidden("Replace your one-time password first: POST /api/v1/me/password."));
        }
        Ok(CurrentUser(signed_in))
    }
}

/// Counts failed logins per e-mail address and per remote address over a sliding window.
#[derive(Debug)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
    window: Duration,
    per_account: u32,
    per_origin: u32,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self::new(Duration::from_secs(15 * 60), 5, 50)
    }
}

impl LoginThrottle {
    pub fn new(window: Duration, per_account: u32, per_origin: u32) -> Self {
        Self { failures: Mutex::new(HashMap::new()), window, per_account, per_origin }
    }

    fn keys(email: &str, origin: &str) -> [(String, bool); 2] {
        [(format!("account:{}", email.trim().to_lowercase()), true), (format!("origin:{origin}"), false)]
    }

    /// Reserves one login attempt, or says how many seconds to wait when too many attempts
    /// failed lately. The attempt counts as failed until [`LoginThrottle::succeeded`] says
    /// otherwise, so parallel guesses cannot all slip past the check before any is counted.
    pub fn begin(&self, email: &str, origin: &str) -> Option<u64> {
        let now = Instant::now();
        let Ok(mut map) = self.failures.lock() else { return Some(self.window.as_secs()) };
        if map.len() > 100_000 {
            map.retain(|_, (_, since)| now.duration_since(*since) < self.window);
        }
        let keys = Self::keys(email, origin);
        for (key, account) in &keys {
            let limit = if *account { self.per_account } else { self.per_origin };
            if let Some((count, since)) = map.get(key)
                && *count >= limit
                && now.duration_since(*since) < self.window
            {
                return Some((self.window - now.duration_since(*since)).as_secs().max(1));
            }
        }
        for (key, _) in keys {
            let entry = map.entry(key).or_insert((0, now));
            if now.duration_since(entry.1) >= self.window {
                *entry = (0, now);
            }
            entry.0 += 1;
        }
        None
    }

    /// The reserved attempt succeeded: the account starts afresh and the address gets its
    /// attempt back.
    pub fn succeeded(&self, email: &str, origin: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&format!("account:{}", email.trim().to_lowercase()));
            if let Some(entry) = map.get_mut(&format!("origin:{origin}")) {
                entry.0 = entry.0.saturating_sub(1);
            }
        }
    }
}
