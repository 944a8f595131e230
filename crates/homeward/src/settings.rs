//! The one typed settings tree: defaults, then the optional TOML file, then the environment
//! and the command line. Validated once at start-up; passed down, never global.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, bail};
use serde::Deserialize;

/// The default database: a SQLite file in `homeward-data/` below the working directory.
pub const DEFAULT_DATABASE: &str = "sqlite://homeward-data/homeward.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// What a settings file may hold (`homeward.toml`). Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub database: Option<String>,
    pub bind: Option<SocketAddr>,
    pub secure_cookies: Option<bool>,
    /// The largest request body accepted, in KiB.
    pub max_body_kib: Option<usize>,
    /// How many sightings the public form takes from one client address per ten minutes.
    pub sightings_per_10_minutes: Option<u32>,
    /// Take a client's address from `X-Forwarded-For` (behind a reverse proxy that sets it).
    pub trusted_proxy: Option<bool>,
    /// An organisation's own trafficking indicator catalogue (TOML); the built-in one otherwise.
    pub risk_catalogue: Option<std::path::PathBuf>,
    /// An organisation's own response plan (TOML: targets and task templates); the built-in one
    /// otherwise.
    pub response_plan: Option<std::path::PathBuf>,
    /// E-mail through an SMTP relay and each organisation's signed webhooks; none: off.
    pub notifications: Option<crate::notifications::NotificationSettings>,
}

impl FileSettings {
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the settings file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("the settings file {} is not valid", path.display()))
    }
}

/// The settings in force.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database: String,
    pub bind: SocketAddr,
    pub secure_cookies: bool,
    pub max_body_bytes: usize,
    pub sightings_per_10_minutes: u32,
    pub trusted_proxy: bool,
    pub risk_catalogue: Option<std::path::PathBuf>,
    pub response_plan: Option<std::path::PathBuf>,
    pub notifications: Option<std::sync::Arc<crate::notifications::NotificationSettings>>,
}

/// What the command line and the environment said; `None` where they said nothing.
#[derive(Debug, Default)]
pub struct Overrides {
    pub database: Option<String>,
    pub bind: Option<SocketAddr>,
    pub secure_cookies: bool,
}

impl Settings {
    pub fn resolve(file: FileSettings, over: Overrides) -> anyhow::Result<Self> {
        let bind = match over.bind.or(file.bind) {
            Some(bind) => bind,
            None => DEFAULT_BIND.parse().context("the default address")?,
        };
        let settings = Settings {
            database: over.database.or(file.database).unwrap_or_else(|| DEFAULT_DATABASE.to_owned()),
            bind,
            secure_cookies: over.secure_cookies || file.secure_cookies.unwrap_or(false),
            max_body_bytes: file.max_body_kib.unwrap_or(64) * 1024,
            sightings_per_10_minutes: file.sightings_per_10_minutes.unwrap_or(5),
            trusted_proxy: file.trusted_proxy.unwrap_or(false),
            risk_catalogue: file.risk_catalogue,
            response_plan: file.response_plan,
            notifications: file.notifications.map(std::sync::Arc::new),
        };
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> anyhow::Result<()> {
        if !(1024..=16 * 1024 * 1024).contains(&self.max_body_bytes) {
            bail!("max_body_kib must be between 1 and 16384");
        }
        if !(1..=1000).contains(&self.sightings_per_10_minutes) {
            bail!("sightings_per_10_minutes must be between 1 and 1000");
        }
        if let Some(notifications) = &self.notifications {
            notifications.validate()?;
        }
        if !self.database.contains("://") {
            bail!("the database must be a URL such as {DEFAULT_DATABASE}, not `{}`", redact(&self.database));
        }
        Ok(())
    }
}

/// The response plan in force: the organisation's own when the settings name one (read and
/// checked now, so that a bad file stops the start), else the built-in one.
pub fn response_plan(settings: &Settings) -> anyhow::Result<homeward_risk::response::ResponsePlan> {
    let Some(path) = &settings.response_plan else {
        return homeward_risk::response::ResponsePlan::builtin().context("the built-in response plan");
    };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read the response plan {}", path.display()))?;
    let plan = homeward_risk::response::ResponsePlan::parse(&text)
        .with_context(|| format!("the response plan {} is not valid", path.display()))?;
    tracing::info!(version = %plan.version, "using the response plan {}", path.display());
    Ok(plan)
}

/// A database URL fit for logs and errors: any password is replaced by `***`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    match rest.split_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_beats_the_file_which_beats_the_defaults() {
        let file: FileSettings =
            toml::from_str("database = \"sqlite:///srv/h.db\"\nbind = \"0.0.0.0:9000\"\nmax_body_kib = 128").unwrap();
        let s =
            Settings::resolve(file, Overrides { bind: Some("127.0.0.1:1".parse().unwrap()), ..Overrides::default() })
                .unwrap();
        assert_eq!(s.database, "sqlite:///srv/h.db");
        assert_eq!(s.bind.to_string(), "127.0.0.1:1");
        assert_eq!(s.max_body_bytes, 128 * 1024);
        assert!(!s.secure_cookies);
        let defaults = Settings::resolve(FileSettings::default(), Overrides::default()).unwrap();
        assert_eq!(defaults.database, DEFAULT_DATABASE);
        assert_eq!(defaults.bind.to_string(), DEFAULT_BIND);
    }

    #[test]
    fn bad_settings_are_refused_at_start() {
        assert!(toml::from_str::<FileSettings>("colour = \"red\"").is_err());
        let err =
            Settings::resolve(FileSettings { max_body_kib: Some(0), ..FileSettings::default() }, Overrides::default())
                .unwrap_err();
        assert!(err.to_string().contains("max_body_kib"));
    }

    #[test]
    fn the_response_targets_come_from_the_settings_file() {
        let dir = tempfile::tempdir().unwrap();
        let plan = dir.path().join("response.toml");
        std::fs::write(
            &plan,
            r#"version = "ours-1"
            [[target]]
            id = "police_within_5"
            name = { en = "Police within 5 minutes", el = "Αστυνομία εντός 5 λεπτών" }
            met_by = "police_handover"
            from = "report"
            within_minutes = 5"#,
        )
        .unwrap();
        let file: FileSettings = toml::from_str(&format!("response_plan = {:?}", plan.display().to_string())).unwrap();
        let settings = Settings::resolve(file, Overrides::default()).unwrap();
        let plan = response_plan(&settings).unwrap();
        assert_eq!(plan.version, "ours-1");
        assert_eq!(
            plan.targets.iter().map(|t| (t.id.as_str(), t.within_minutes)).collect::<Vec<_>>(),
            [("police_within_5", 5)]
        );
        // Without one, the built-in plan.
        let builtin =
            response_plan(&Settings::resolve(FileSettings::default(), Overrides::default()).unwrap()).unwrap();
        assert!(builtin.target("police_handover_high").is_some());
        // A bad file stops the start, naming the file and the problem.
        std::fs::write(dir.path().join("bad.toml"), "version = \"x\"\nrepeat_minutes = 0").unwrap();
        let bad = Settings {
            response_plan: Some(dir.path().join("bad.toml")),
            ..Settings::resolve(FileSettings::default(), Overrides::default()).unwrap()
        };
        let e = format!("{:#}", response_plan(&bad).unwrap_err());
        assert!(e.contains("bad.toml") && e.contains("repeat_minutes"), "{e}");
    }

    #[test]
    fn passwords_never_reach_the_logs() {
        assert_eq!(redact("postgres://hw:s3cret@db:5432/hw"), "postgres://hw:***@db:5432/hw");
        assert_eq!(redact("sqlite://homeward-data/homeward.db"), "sqlite://homeward-data/homeward.db");
    }

    #[test]
    fn the_sighting_forms_throttle_and_the_proxy_come_from_the_settings_file() {
        let defaults = Settings::resolve(FileSettings::default(), Overrides::default()).unwrap();
        assert_eq!((defaults.sightings_per_10_minutes, defaults.trusted_proxy), (5, false));
        let file: FileSettings = toml::from_str("sightings_per_10_minutes = 20\ntrusted_proxy = true").unwrap();
        let s = Settings::resolve(file, Overrides::default()).unwrap();
        assert_eq!((s.sightings_per_10_minutes, s.trusted_proxy), (20, true));
        let none = FileSettings { sightings_per_10_minutes: Some(0), ..FileSettings::default() };
        let err = Settings::resolve(none, Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("sightings_per_10_minutes"), "{err}");
    }
}
