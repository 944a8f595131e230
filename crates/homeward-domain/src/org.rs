//! Organisations, users, roles and the actor behind every command.

use serde::{Deserialize, Serialize};

use crate::{OrganisationId, Problem, UserId, Validation};

/// What kind of organisation this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    Hotline,
    Ngo,
    PoliceUnit,
    ReceptionCentreOperator,
}

/// An organisation as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organisation {
    pub id: OrganisationId,
    pub name: String,
    pub kind: OrganisationKind,
    /// ISO 3166-1 alpha-2 country code, upper case.
    pub country: String,
}

/// What is needed to create an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOrganisation {
    pub name: String,
    #[serde(default = "default_kind")]
    pub kind: OrganisationKind,
    /// ISO 3166-1 alpha-2 country code (`GR`, `RS`, `BE`).
    pub country: String,
}

fn default_kind() -> OrganisationKind {
    OrganisationKind::Hotline
}

impl NewOrganisation {
    /// Checks the name and normalises the country code to upper case.
    pub fn validate(mut self) -> Result<Self, crate::DomainError> {
        let mut v = Validation::new();
        self.name = self.name.trim().to_owned();
        v.required_text("name", &self.name, 200);
        self.country = self.country.trim().to_ascii_uppercase();
        if !is_country_code(&self.country) {
            v.push("country", Problem::CountryCode, "must be a two-letter ISO 3166-1 country code such as GR or RS");
        }
        v.finish().map(|()| self)
    }
}

/// A two-letter upper-case code. The full ISO list is not checked here: codes change, and a
/// wrong-but-well-formed code is caught by a person long before it does harm.
pub fn is_country_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// The one role each user has. What a role may do is decided by [`crate::policy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Operator,
    CaseManager,
    Supervisor,
    PoliceLiaison,
    Analyst,
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::Operator, Role::CaseManager, Role::Supervisor, Role::PoliceLiaison, Role::Analyst, Role::Admin];

    /// The stable name used in the API, the database and the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::CaseManager => "case_manager",
            Role::Supervisor => "supervisor",
            Role::PoliceLiaison => "police_liaison",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user as shown to others: never the password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: UserId,
    pub organisation_id: OrganisationId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// True until the user replaces the one-time password they were given.
    pub must_change_password: bool,
    /// False once an admin has deactivated the user (someone who left the organisation).
    pub active: bool,
    /// The language of the interface, as a BCP 47 tag (`en`, `el`).
    pub language: String,
    /// The time zone times are shown in (an IANA name such as `Europe/Athens`); `None` for the
    /// browser's own.
    pub time_zone: Option<String>,
}

/// A user's own settings for the interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Preferences {
    /// A BCP 47 tag such as `en` or `el`.
    pub language: String,
    /// An IANA time zone such as `Europe/Athens`; leave out for the browser's own.
    #[serde(default)]
    pub time_zone: Option<String>,
}

impl Preferences {
    /// Checks the shape of both settings (which languages exist is the interface's business).
    pub fn validate(mut self) -> Result<Self, crate::DomainError> {
        let mut v = Validation::new();
        self.language = self.language.trim().to_owned();
        let tag_ok = !self.language.is_empty()
            && self.language.len() <= 16
            && self.language.split('-').all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()));
        if !tag_ok {
            v.push("language", Problem::LanguageTag, "must be a language tag such as `en` or `el`");
        }
        self.time_zone = self.time_zone.map(|z| z.trim().to_owned()).filter(|z| !z.is_empty());
        if let Some(zone) = &self.time_zone {
            let zone_ok = zone.len() <= 64
                && zone.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && zone.chars().all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c));
            if !zone_ok {
                v.push("time_zone", Problem::TimeZone, "must be a time zone name such as `Europe/Athens`");
            }
        }
        v.finish().map(|()| self)
    }
}

/// What is needed to create a user; the password is made by the store and shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub email: String,
    #[serde(default)]
    pub display_name: Option<String>,
    pub role: Role,
    /// Defaults to the organisation of the admin who creates the user.
    #[serde(default)]
    pub organisation_id: Option<OrganisationId>,
}

impl NewUser {
    /// Trims and lower-cases the e-mail address and checks its shape.
    pub fn validate(mut self) -> Result<Self, crate::DomainError> {
        let mut v = Validation::new();
        self.email = normalise_email(&self.email);
        if !looks_like_email(&self.email) {
            v.push("email", Problem::Email, "must be an e-mail address such as name@example.org");
        }
        v.text("email", &self.email, 254);
        if let Some(name) = &mut self.display_name {
            *name = name.trim().to_owned();
            v.text("display_name", name, 200);
        }
        v.finish().map(|()| self)
    }
}

/// E-mail addresses are compared case-insensitively.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

/// An API token as its owner sees it: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: crate::TokenId,
    pub name: String,
    /// When it was issued, as stored (RFC 3339, UTC).
    pub created_at: String,
}

/// Who is acting, and from where; passed to every command and written to the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// `None` for the command line run by whoever administers the machine.
    pub user_id: Option<UserId>,
    pub organisation_id: Option<OrganisationId>,
    pub role: Option<Role>,
    /// The remote address for HTTP requests, `cli` for the command line.
    pub origin: String,
}

impl Actor {
    /// The person at the machine's command line, who already holds the database file.
    pub fn command_line() -> Self {
        Self { user_id: None, organisation_id: None, role: None, origin: "cli".into() }
    }

    /// A logged-in user acting from `origin`.
    pub fn user(user: &User, origin: impl Into<String>) -> Self {
        Self {
            user_id: Some(user.id),
            organisation_id: Some(user.organisation_id),
            role: Some(user.role),
            origin: origin.into(),
        }
    }
}
