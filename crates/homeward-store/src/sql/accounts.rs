//! Organisations, users, sessions and API tokens.

use crate::db::{Conn, OptionalExtension, params};
use homeward_domain::org::{Actor, NewOrganisation, NewUser, Organisation, Preferences, Role, User, normalise_email};
use homeward_domain::policy::{Action, Scope};
use homeward_domain::{OrganisationId, UserId};
use serde_json::json;
use uuid::Uuid;

use super::rows::{enum_from, enum_name, parse};
use super::{Tx, authorize};
use crate::audit::AuditCode;
use crate::timefmt;
use crate::{Credential, Result, StoreError};

/// How long a browser session lasts: a night shift and then some.
pub const SESSION_HOURS: i64 = 12;

fn organisation(r: &crate::db::Row<'_>) -> crate::db::Result<(String, String, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn to_organisation((id, name, kind, country): (String, String, String, String)) -> Result<Organisation> {
    Ok(Organisation { id: parse(&id, "organisation id")?, name, kind: enum_from(&kind, "organisation kind")?, country })
}

pub(super) fn create_organisation(tx: &mut Tx<'_>, actor: &Actor, new: NewOrganisation) -> Result<Organisation> {
    authorize(actor, Action::OrganisationCreate, Scope::Own)?;
    let new = new.validate()?;
    if organisation_by_name(tx.conn, &new.name)?.is_some() {
        return Err(StoreError::Conflict(format!("an organisation named `{}` already exists", new.name)));
    }
    let org = Organisation { id: OrganisationId(Uuid::now_v7()), name: new.name, kind: new.kind, country: new.country };
    tx.conn.execute(
        "INSERT INTO organisations (id, name, kind, country, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![org.id.to_string(), org.name, enum_name(&org.kind)?, org.country, timefmt::format(tx.now)],
    )?;
    tx.audit(
        actor,
        AuditCode::OrganisationCreated,
        "organisation",
        Some(org.id.to_string()),
        json!({"name": org.name}),
    )?;
    Ok(org)
}

pub(super) fn list_organisations(conn: &Conn) -> Result<Vec<Organisation>> {
    let mut stmt = conn.prepare("SELECT id, name, kind, country FROM organisations ORDER BY name")?;
    let rows = stmt.query_map((), organisation)?.collect::<crate::db::Result<Vec<_>>>()?;
    rows.into_iter().map(to_organisation).collect()
}

pub(super) fn organisation_by_name(conn: &Conn, name: &str) -> Result<Option<Organisation>> {
    conn.query_row("SELECT id, name, kind, country FROM organisations WHERE name = ?1", [name.trim()], organisation)
        .optional()?
        .map(to_organisation)
        .transpose()
}

pub(super) fn organisation_by_id(conn: &Conn, id: OrganisationId) -> Result<Option<Organisation>> {
    conn.prepare_cached("SELECT id, name, kind, country FROM organisations WHERE id = ?1")?
        .query_row([id.to_string()], organisation)
        .optional()?
        .map(to_organisation)
        .transpose()
}

const USER_COLUMNS: &str =
    "id, organisation_id, email, display_name, role, must_change_password, password_hash, active, language, time_zone";

fn user_row(r: &crate::db::Row<'_>) -> crate::db::Result<UserRow> {
    Ok((
        (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?),
        (r.get(8)?, r.get(9)?),
    ))
}

type UserRow = ((String, String, String, String, String, bool, String, bool), (String, Option<String>));

fn to_user(
    ((id, org, email, display_name, role, must_change_password, hash, active), (language, time_zone)): UserRow,
) -> Result<(User, String)> {
    let role = Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role `{role}`")))?;
    let user = User {
        id: parse(&id, "user id")?,
        organisation_id: parse(&org, "organisation id")?,
        email,
        display_name,
        role,
        must_change_password,
        active,
        language,
        time_zone,
    };
    Ok((user, hash))
}

pub(super) fn create_user(tx: &mut Tx<'_>, actor: &Actor, new: NewUser, hash: &str, must_change: bool) -> Result<User> {
    let new = new.validate()?;
    let organisation_id = match (new.organisation_id, actor.organisation_id) {
        (Some(org), _) | (None, Some(org)) => org,
        (None, None) => {
            return Err(StoreError::NotFound("organisation (name one for the new user)".into()));
        }
    };
    let scope = match actor.organisation_id {
        Some(own) if own == organisation_id => Scope::Own,
        Some(_) => Scope::Other,
        None => Scope::Own,
    };
    authorize(actor, Action::UserCreate, scope)?;
    if organisation_by_id(tx.conn, organisation_id)?.is_none() {
        return Err(StoreError::NotFound(format!("organisation {organisation_id}")));
    }
    if user_by_email(tx.conn, &new.email)?.is_some() {
        return Err(StoreError::Conflict(format!("a user with the e-mail address {} already exists", new.email)));
    }
    let user = User {
        id: UserId(Uuid::now_v7()),
        organisation_id,
        display_name: new.display_name.clone().unwrap_or_else(|| new.email.clone()),
        email: new.email,
        role: new.role,
        must_change_password: must_change,
        active: true,
        language: "en".into(),
        time_zone: None,
    };
    tx.conn.execute(
        "INSERT INTO users (id, organisation_id, email, display_name, role, password_hash, must_change_password, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            user.id.to_string(),
            user.organisation_id.to_string(),
            user.email,
            user.display_name,
            user.role.as_str(),
            hash,
            user.must_change_password,
            timefmt::format(tx.now)
        ],
    )?;
    tx.audit(
        actor,
        AuditCode::UserCreated,
        "user",
        Some(user.id.to_string()),
        json!({"email": user.email, "role": user.role.as_str(), "organisation_id": user.organisation_id}),
    )?;
    Ok(user)
}

pub(super) fn list_users(tx: &mut Tx<'_>, actor: &Actor) -> Result<Vec<User>> {
    authorize(actor, Action::UserList, Scope::Own)?;
    // The command line (no organisation) lists everyone.
    let org = actor.organisation_id.map(|o| o.to_string());
    let mut stmt = tx.conn.prepare(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE CAST(?1 AS TEXT) IS NULL OR organisation_id = ?1 ORDER BY email"
    ))?;
    let rows = stmt.query_map([org], user_row)?.collect::<crate::db::Result<Vec<_>>>()?;
    let users = rows.into_iter().map(|r| to_user(r).map(|(u, _)| u)).collect::<Result<Vec<_>>>()?;
    tx.audit(actor, AuditCode::UsersListed, "user", None, json!({"count": users.len()}))?;
    Ok(users)
}

/// The user with this e-mail address and their password hash.
pub(super) fn user_by_email(conn: &Conn, email: &str) -> Result<Option<(User, String)>> {
    conn.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?1"))?
        .query_row([normalise_email(email)], user_row)
        .optional()?
        .map(to_user)
        .transpose()
}

pub(super) fn user_by_id(conn: &Conn, id: UserId) -> Result<Option<User>> {
    conn.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))?
        .query_row([id.to_string()], user_row)
        .optional()?
        .map(|r| to_user(r).map(|(u, _)| u))
        .transpose()
}

pub(super) fn set_user_active(tx: &mut Tx<'_>, actor: &Actor, user: UserId, active: bool) -> Result<User> {
    let target = user_by_id(tx.conn, user)?.ok_or_else(|| StoreError::NotFound(format!("user {user}")))?;
    let scope = match actor.organisation_id {
        Some(own) if own == target.organisation_id => Scope::Own,
        Some(_) => return Err(StoreError::NotFound(format!("user {user}"))),
        None => Scope::Own,
    };
    authorize(actor, Action::UserManage, scope)?;
    if actor.user_id == Some(user) && !active {
        return Err(StoreError::Conflict("you cannot deactivate yourself; ask another admin".into()));
    }
    if target.active == active {
        return Err(StoreError::Conflict(format!(
            "{} is already {}",
            target.email,
            if active { "active" } else { "deactivated" }
        )));
    }
    tx.conn.execute("UPDATE users SET active = ?1 WHERE id = ?2", params![active, user.to_string()])?;
    if !active {
        tx.conn.execute("DELETE FROM sessions WHERE user_id = ?1", [user.to_string()])?;
        tx.conn.execute("DELETE FROM api_tokens WHERE user_id = ?1", [user.to_string()])?;
    }
    let code = if active { AuditCode::UserReactivated } else { AuditCode::UserDeactivated };
    tx.audit(actor, code, "user", Some(user.to_string()), json!({"email": target.email}))?;
    Ok(User { active, ..target })
}

pub(super) fn record_login(
    tx: &mut Tx<'_>,
    origin: &str,
    email: &str,
    user: Option<User>,
    secret: String,
) -> Result<Option<(User, String)>> {
    let Some(user) = user else {
        let actor = Actor { user_id: None, organisation_id: None, role: None, origin: origin.to_owned() };
        tx.audit(&actor, AuditCode::LoginFailed, "user", None, json!({"email": email}))?;
        return Ok(None);
    };
    let expires = tx.now + time::Duration::hours(SESSION_HOURS);
    tx.conn.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            crate::secrets::hash_secret(&secret),
            user.id.to_string(),
            timefmt::format(tx.now),
            timefmt::format(expires)
        ],
    )?;
    tx.audit(&Actor::user(&user, origin), AuditCode::LoginSucceeded, "user", Some(user.id.to_string()), json!({}))?;
    Ok(Some((user, secret)))
}

pub(super) fn logout(tx: &mut Tx<'_>, actor: &Actor, hash: &str) -> Result<()> {
    tx.conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [hash])?;
    tx.audit(actor, AuditCode::LoggedOut, "user", actor.user_id.map(|u| u.to_string()), json!({}))
}

pub(super) fn password_hash(conn: &Conn, user: UserId) -> Result<String> {
    conn.query_row("SELECT password_hash FROM users WHERE id = ?1", [user.to_string()], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("user {user}")))
}

pub(super) fn set_password(tx: &mut Tx<'_>, actor: &Actor, user: UserId, hash: &str, keep_session: &str) -> Result<()> {
    tx.conn.execute(
        "UPDATE users SET password_hash = ?1, must_change_password = 0 WHERE id = ?2",
        params![hash, user.to_string()],
    )?;
    tx.conn.execute(
        "DELETE FROM sessions WHERE user_id = ?1 AND token_hash <> ?2",
        params![user.to_string(), keep_session],
    )?;
    tx.audit(actor, AuditCode::PasswordChanged, "user", Some(user.to_string()), json!({}))
}

pub(super) fn create_api_token(tx: &mut Tx<'_>, actor: &Actor, user: UserId, name: &str, hash: &str) -> Result<()> {
    let target = user_by_id(tx.conn, user)?.ok_or_else(|| StoreError::NotFound(format!("user {user}")))?;
    // A user may make tokens for themselves; the command line for anyone.
    if actor.user_id.is_some() && actor.user_id != Some(target.id) {
        return Err(StoreError::NotFound(format!("user {user}")));
    }
    let name = if name.is_empty() { "api token" } else { name };
    tx.conn.execute(
        "INSERT INTO api_tokens (token_hash, id, user_id, name, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![hash, Uuid::now_v7().to_string(), target.id.to_string(), name, timefmt::format(tx.now)],
    )?;
    tx.audit(actor, AuditCode::ApiTokenCreated, "user", Some(target.id.to_string()), json!({"name": name}))
}

pub(super) fn list_api_tokens(conn: &Conn, user: UserId) -> Result<Vec<homeward_domain::org::ApiToken>> {
    let mut stmt = conn.prepare("SELECT id, name, created_at FROM api_tokens WHERE user_id = ?1 ORDER BY id")?;
    let rows = stmt
        .query_map([user.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })?
        .collect::<crate::db::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(id, name, created_at)| {
            Ok(homeward_domain::org::ApiToken { id: parse(&id, "token id")?, name, created_at })
        })
        .collect()
}

pub(super) fn revoke_api_token(tx: &mut Tx<'_>, actor: &Actor, id: homeward_domain::TokenId) -> Result<()> {
    let user = actor.user_id.ok_or_else(|| StoreError::NotFound("user".into()))?;
    let removed = tx
        .conn
        .execute("DELETE FROM api_tokens WHERE id = ?1 AND user_id = ?2", params![id.to_string(), user.to_string()])?;
    if removed == 0 {
        return Err(StoreError::NotFound(format!("API token {id}")));
    }
    tx.audit(actor, AuditCode::ApiTokenRevoked, "user", Some(user.to_string()), json!({"token_id": id}))
}

pub(super) fn authenticate(conn: &Conn, credential: Credential<'_>, now: &str) -> Result<Option<User>> {
    // One query per request: the user behind a valid session or token, if still active.
    let row = match credential {
        Credential::Session(secret) => conn
            .prepare_cached(&format!(
                "SELECT {USER_COLUMNS} FROM users WHERE active = 1 AND id =
                     (SELECT user_id FROM sessions WHERE token_hash = ?1 AND expires_at > ?2)"
            ))?
            .query_row(params![crate::secrets::hash_secret(secret), now], user_row),
        Credential::Token(secret) => conn
            .prepare_cached(&format!(
                "SELECT {USER_COLUMNS} FROM users WHERE active = 1 AND id =
                     (SELECT user_id FROM api_tokens WHERE token_hash = ?1)"
            ))?
            .query_row(params![crate::secrets::hash_secret(secret)], user_row),
    };
    row.optional()?.map(|r| to_user(r).map(|(user, _)| user)).transpose()
}

/// Changes the caller's own language and time zone.
pub(super) fn set_preferences(tx: &mut Tx<'_>, actor: &Actor, preferences: Preferences) -> Result<User> {
    let preferences = preferences.validate()?;
    let id = actor.user_id.ok_or_else(|| StoreError::NotFound("user".into()))?;
    tx.conn.execute(
        "UPDATE users SET language = ?1, time_zone = ?2 WHERE id = ?3",
        params![preferences.language, preferences.time_zone, id.to_string()],
    )?;
    let user = user_by_id(tx.conn, id)?.ok_or_else(|| StoreError::NotFound(format!("user {id}")))?;
    tx.audit(
        actor,
        AuditCode::PreferencesChanged,
        "user",
        Some(id.to_string()),
        json!({"language": preferences.language, "time_zone": preferences.time_zone}),
    )?;
    Ok(user)
}

/// Colleagues by display name, everyone else by their organisation's name.
pub(super) fn who_is(
    conn: &Conn,
    actor: &Actor,
    users: &[UserId],
) -> Result<std::collections::HashMap<UserId, String>> {
    let mut names = std::collections::HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT u.display_name, u.organisation_id, o.name FROM users u JOIN organisations o ON o.id = u.organisation_id
         WHERE u.id = ?1",
    )?;
    for user in users {
        if names.contains_key(user) {
            continue;
        }
        let row: Option<(String, String, String)> =
            stmt.query_row([user.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional()?;
        if let Some((name, org, org_name)) = row {
            let colleague = actor.organisation_id.is_some_and(|own| own.to_string() == org);
            names.insert(*user, if colleague { name } else { org_name });
        }
    }
    Ok(names)
}
