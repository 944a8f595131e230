//! Notifications that could not be delivered: the supervisors' to follow up (call the colleague
//! the e-mail did not reach, mend the webhook).

use axum::Json;
use axum::extract::State;
use homeward_domain::notification::NotificationView;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, Problem};

/// The notifications of the caller's organisation that every attempt failed to deliver in the
/// last seven days, latest first, with the last error. Supervisors only.
#[utoipa::path(get, path = "/api/v1/notifications/failed", tag = "notifications",
    responses((status = 200, body = Vec<NotificationView>), (status = 403, body = Problem)))]
pub async fn failed(State(state): State<AppState>, who: CurrentUser) -> Result<Json<Vec<NotificationView>>, AppError> {
    Ok(Json(state.run(move |store| store.failed_notifications(&who.actor)).await?))
}
