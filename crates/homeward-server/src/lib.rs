//! Homeward's HTTP edge: the axum router, authentication, the one error type, the OpenAPI
//! document, and the operator interface (server-rendered pages in `ui`, words in `i18n`).
//!
//! Handlers are thin. Each extracts who is asking ([`auth::CurrentUser`]), parses the input with
//! extractors whose rejections are problem details, and hands one whole command to the store,
//! which asks the authorisation policy and writes the audit entry in the same transaction. The
//! store is synchronous, so calls run on tokio's blocking pool ([`AppState::run`]).

pub mod alerts;
mod assessment;
pub mod auth;
pub mod error;
pub mod escalation;
pub mod extract;
pub mod i18n;
pub mod linkage;
pub mod notify;
pub mod openapi;
pub(crate) mod routes;
pub mod sightings;
pub(crate) mod ui;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use homeward_store::Store;
use tokio::net::TcpListener;

pub use error::AppError;

/// Settings of the HTTP edge.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Mark the session cookie `Secure`: on whenever Homeward is reached over HTTPS.
    pub secure_cookies: bool,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// The public sighting form's throttle per client address, and whether to trust a proxy's
    /// `X-Forwarded-For`.
    pub sightings: sightings::SightingLimits,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self { secure_cookies: false, max_body_bytes: 64 * 1024, sightings: sightings::SightingLimits::default() }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    /// The trafficking indicator catalogue in use.
    pub catalogue: Arc<homeward_risk::Catalogue>,
    pub throttle: Arc<auth::LoginThrottle>,
    /// Sightings sent from each client address lately (the public form's throttle).
    pub sighting_throttle: Arc<sightings::Throttle>,
    pub config: Arc<ServerConfig>,
    /// The interface's languages.
    pub locales: Arc<i18n::Locales>,
    /// Every child in the store, indexed for the candidate search.
    pub linkage: Arc<linkage::Linkage>,
    /// The response targets the escalation job checks and the templates tasks are made from.
    pub response: Arc<homeward_risk::response::ResponsePlan>,
    /// What the public alert URLs serve, rendered in memory (see [`alerts::PublicAlerts`]).
    pub alerts: Arc<alerts::PublicAlerts>,
}

impl AppState {
    /// State with the catalogue that ships with Homeward.
    pub fn new(store: Arc<dyn Store>, config: ServerConfig) -> Self {
        // The built-in catalogue is checked by the risk crate's tests; should it ever fail to
        // load, the server runs with an empty one rather than not at all.
        let catalogue = homeward_risk::Catalogue::builtin()
            .unwrap_or_else(|_| homeward_risk::Catalogue { version: "none".into(), indicators: Vec::new() });
        // The message files are checked by this crate's tests; should they fail to load, the
        // interface shows message ids rather than not starting.
        let locales = i18n::Locales::embedded().unwrap_or_else(|e| {
            tracing::error!(error = %e, "the interface's message files could not be loaded");
            i18n::Locales::empty()
        });
        // A hotline must take reports even when linkage fails, so the server starts with an
        // empty index; the linkage job loads it again on each run, and links nothing, until the
        // load succeeds.
        let linkage = linkage::Linkage::load(store.as_ref()).unwrap_or_else(|e| {
            tracing::error!(error = %e, "the children could not be indexed for the candidate search; the linkage job will try again");
            linkage::Linkage::default()
        });
        // Likewise the built-in response plan (checked by the risk crate's tests). The store makes
        // tasks from templates only once it is given a plan (`with_response_plan`).
        let response = homeward_risk::response::ResponsePlan::builtin().unwrap_or_else(|e| {
            tracing::error!(error = %e, "the built-in response plan could not be loaded");
            homeward_risk::response::ResponsePlan::none()
        });
        let locales = Arc::new(locales);
        let alerts = alerts::PublicAlerts::new(Arc::clone(&locales));
        // Nothing is public until it can be read; the alert job tries again every minute.
        if let Err(e) = alerts.refresh(store.as_ref(), time::OffsetDateTime::now_utc()) {
            tracing::error!(error = %e, "the public alerts could not be read; the alert job will try again");
        }
        Self {
            alerts: Arc::new(alerts),
            response: Arc::new(response),
            linkage: Arc::new(linkage),
            store,
            catalogue: Arc::new(catalogue),
            throttle: Arc::new(auth::LoginThrottle::default()),
            sighting_throttle: Arc::new(sightings::Throttle::new(&config.sightings)),
            config: Arc::new(config),
            locales,
        }
    }

    /// Uses an organisation's own indicator catalogue instead of the built-in one.
    pub fn with_catalogue(mut self, catalogue: homeward_risk::Catalogue) -> Self {
        self.catalogue = Arc::new(catalogue);
        // The store keeps each assessment with the catalogue it was made with: the same one.
        self.store.use_catalogue(Arc::clone(&self.catalogue));
        self
    }

    /// Holds cases to this response plan: the escalation job checks its targets, and the store
    /// makes tasks from its templates from now on.
    pub fn with_response_plan(mut self, plan: homeward_risk::response::ResponsePlan) -> Self {
        self.response = Arc::new(plan);
        self.store.use_response_plan(Arc::clone(&self.response));
        self
    }

    /// The escalation job, once, as at `now` (see [`escalation::run_once`]).
    pub fn run_escalation_job(
        &self,
        now: time::OffsetDateTime,
    ) -> Result<homeward_store::EscalationReport, homeward_store::StoreError> {
        escalation::run_once(self.store.as_ref(), &self.response, now)
    }

    /// The alert job, once, as at `now` (see [`alerts::run_once`]).
    pub fn run_alert_job(&self, now: time::OffsetDateTime) -> Result<alerts::JobReport, homeward_store::StoreError> {
        alerts::run_once(self.store.as_ref(), &self.alerts, now)
    }

    /// Renders the public alerts again from the store, without expiring any: what an instance
    /// that does not hold the alert job does, so that its public pages follow the others'.
    pub fn refresh_public_alerts(&self, now: time::OffsetDateTime) -> Result<(), homeward_store::StoreError> {
        self.alerts.refresh(self.store.as_ref(), now)
    }

    /// Indexes the children other instances have committed since the last look (see
    /// [`linkage::Linkage::follow`]); answers how many were read.
    pub fn follow_linkage(&self) -> Result<usize, homeward_store::StoreError> {
        self.linkage.follow(self.store.as_ref())
    }

    /// The background linkage job, once (see [`linkage::run_once`]).
    pub fn run_linkage_job(&self) -> Result<linkage::JobReport, homeward_store::StoreError> {
        linkage::run_once(self.store.as_ref(), &self.linkage)
    }

    /// Runs a store command on the blocking pool.
    pub async fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Store) -> homeward_store::Result<R> + Send + 'static,
    ) -> Result<R, AppError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(store.as_ref()))
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::from)
    }
}

/// The whole application as a router.
pub fn router(state: AppState) -> Router {
    routes::router(state)
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
