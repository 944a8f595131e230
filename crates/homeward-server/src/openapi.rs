//! The OpenAPI 3.1 document, generated from the handlers' annotations and the domain types.

use utoipa::OpenApi;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Homeward API",
        description = "Case management, early warning and cross-border coordination for 116000 hotlines. \
            Errors are RFC 9457 problem details. Authenticate with the session cookie from POST /api/v1/session \
            or with `Authorization: Bearer <token>`.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        routes::healthz,
        routes::accounts::login,
        routes::accounts::logout,
        routes::accounts::me,
        routes::accounts::change_password,
        routes::accounts::set_preferences,
        routes::cases::my_tasks,
        routes::accounts::create_token,
        routes::accounts::list_tokens,
        routes::accounts::revoke_token,
        routes::accounts::list_organisations,
        routes::accounts::create_organisation,
        routes::accounts::list_users,
        routes::accounts::create_user,
        routes::accounts::deactivate_user,
        routes::accounts::activate_user,
        routes::cases::create,
        routes::cases::list,
        routes::cases::get,
        routes::cases::events,
        routes::cases::add_contact,
        routes::cases::add_note,
        routes::cases::change_status,
        routes::cases::recategorise,
        routes::cases::assess_risk,
        routes::cases::assign,
        routes::cases::link_identifier,
        routes::cases::link_person,
        routes::cases::create_task,
        routes::cases::complete_task,
        routes::cases::share,
        routes::cases::observe_indicator,
        routes::cases::answer_risk_questions,
        routes::cases::assessments,
        routes::cases::suggest_risk,
        routes::cases::candidates,
        routes::cases::matches,
        routes::cases::decide_match,
        routes::cases::edit_child,
        routes::warnings::list,
        routes::warnings::get,
        routes::warnings::network,
        routes::warnings::decide,
        routes::cases::police_handover,
        routes::cases::handover,
        routes::escalations::list,
        routes::escalations::acknowledge,
        routes::escalations::duty,
        routes::escalations::set_duty,
        routes::escalations::of_case,
        routes::notifications::failed,
        routes::sightings::submit,
        routes::sightings::list,
        routes::sightings::get,
        routes::sightings::photo,
        routes::sightings::attach,
        routes::sightings::dismiss,
        routes::sightings::of_case,
        routes::alerts::list,
        routes::alerts::get,
        routes::alerts::of_case,
        routes::alerts::request,
        routes::alerts::confirm,
        routes::alerts::approve,
        routes::alerts::set_content,
        routes::alerts::publish,
        routes::alerts::extend,
        routes::alerts::cancel,
    )
)]
struct ApiDoc;

/// The API document served at `/api/v1/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
