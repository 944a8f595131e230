//! Case commands: open, change, read, list. Each runs inside the writer's transaction and
//! writes its events, the case projection and its audit entry together.

use crate::db::{Conn, OptionalExtension, ToValue as _, Value, params, params_from_iter};
use homeward_domain::case::{Case, CaseCommand, CaseEvent, CaseEventKind, LastSeen, NewCase};
use homeward_domain::child::{Child, NewChild};
use homeward_domain::org::Actor;
use homeward_domain::policy::{self, Action, Scope};
use homeward_domain::records::{
    Contact, Identifier, IdentifierKind, NewContact, NewIdentifier, NewNote, NewTask, Note, Person, Task,
};
use homeward_domain::text::{latin_key, normalise_identifier, search_keys, tokens};
use homeward_domain::view::{
    Assignee, COUNT_AT_MOST, CaseChange, CaseFilter, CaseOrder, CaseSummary, CaseView, ChildSkeleton, MAX_PAGE, Page,
    TaskSummary,
};
use homeward_domain::{
    CaseId, ChildId, ContactId, DomainError, EventId, IdentifierId, NoteId, OrganisationId, PersonId, TaskId, UserId,
};
use serde_json::json;
use uuid::Uuid;

use super::accounts::{organisation_by_id, user_by_id};
use super::rows::{enum_from, enum_name, from_json, parse, parse_opt, to_json};
use super::{Tx, authorize, scope_of};
use crate::audit::AuditCode;
use crate::timefmt;
use crate::{Result, StoreError};

fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// Stores a validated identifier with the case and appends its event.
fn link_identifier(tx: &mut Tx<'_>, case: &mut Case, actor: &Actor, identifier: NewIdentifier) -> Result<Identifier> {
    let (identifier, event) = new_identifier(tx, case, actor, identifier)?;
    insert_identifier(tx, &identifier)?;
    insert_event(tx.conn, &event)?;
    Ok(identifier)
}

/// A validated identifier of the case and its event, applied to the case; nothing written.
fn new_identifier(
    tx: &Tx<'_>,
    case: &mut Case,
    actor: &Actor,
    identifier: NewIdentifier,
) -> Result<(Identifier, CaseEvent)> {
    let identifier_id = IdentifierId(new_id());
    let normalised = normalise_identifier(identifier.kind, &identifier.value);
    let event = decided(tx, case, actor, CaseCommand::LinkIdentifier { identifier_id, kind: identifier.kind })?;
    let identifier = Identifier {
        id: identifier_id,
        case_id: case.id,
        kind: identifier.kind,
        value: identifier.value,
        normalised,
        label: identifier.label,
    };
    Ok((identifier, event))
}

fn insert_identifier(tx: &Tx<'_>, identifier: &Identifier) -> Result<()> {
    tx.conn
        .prepare_cached(
            "INSERT INTO identifiers (id, case_id, kind, value, normalised, label) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .defer(params![
            identifier.id.to_string(),
            identifier.case_id.to_string(),
            enum_name(&identifier.kind)?,
            identifier.value,
            identifier.normalised,
            identifier.label
        ])?;
    Ok(())
}

/// Opens a case that the actor's organisation knows by its own reference, unless it opened one
/// by that reference before: then answers that case, and writes nothing.
pub(super) fn import_case(tx: &mut Tx<'_>, actor: &Actor, new: NewCase, case_ref: &str) -> Result<crate::Imported> {
    authorize(actor, Action::CaseCreate, Scope::Own)?;
    let org_id = actor.organisation_id.ok_or_else(|| StoreError::NotFound("the actor's organisation".into()))?;
    let before = tx
        .conn
        .prepare_cached(
            "SELECT r.case_id, c.number FROM case_refs r JOIN cases c ON c.id = r.case_id
             WHERE r.organisation_id = ?1 AND r.case_ref = ?2",
        )?
        .query_row(params![org_id.to_string(), case_ref], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .optional()?;
    if let Some((id, number)) = before {
        return Ok(crate::Imported::Before { case_id: parse(&id, "case id")?, number });
    }
    let view = create_case(tx, actor, new)?;
    tx.conn
        .prepare_cached("INSERT INTO case_refs (organisation_id, case_ref, case_id) VALUES (?1, ?2, ?3)")?
        .defer(params![org_id.to_string(), case_ref, view.case.id.to_string()])?;
    Ok(crate::Imported::Opened(Box::new(view)))
}

pub(super) fn create_case(tx: &mut Tx<'_>, actor: &Actor, new: NewCase) -> Result<CaseView> {
    authorize(actor, Action::CaseCreate, Scope::Own)?;
    let org_id = actor.organisation_id.ok_or_else(|| StoreError::NotFound("the actor's organisation".into()))?;
    let new = new.validate(tx.now)?;
    if let Some(assignee) = new.assignee {
        check_member(tx.conn, assignee, org_id, "assignee")?;
    }
    let number = next_number(tx, org_id)?;

    let child_id = ChildId(new_id());
    insert_child(tx, child_id, &new.child)?;
    let case_id = CaseId(new_id());
    let opened = CaseEventKind::Opened {
        number,
        organisation_id: org_id,
        child_id,
        category: new.category,
        risk_level: new.risk_level,
        last_seen_at: new.last_seen.at,
        missing_from: new.last_seen.missing_from.as_ref().map(|m| m.kind),
        assignee: new.assignee,
    };
    let (mut case, opened) = Case::open(EventId(new_id()), case_id, tx.now, actor.user_id, opened)?;
    // Everything the case is on opening is decided before any of it is written, so that its
    // projection row is inserted once, as the command leaves it (an update would be a new row
    // version in every index of the table), and before the rows that refer to it.
    let contact = match new.contact {
        Some(details) => {
            let id = ContactId(new_id());
            let event = decided(tx, &mut case, actor, CaseCommand::AddContact(id))?;
            Some((Contact { id, case_id, details, recorded_by: actor.user_id }, event))
        }
        None => None,
    };
    let mut identifiers = Vec::with_capacity(new.identifiers.len());
    for identifier in new.identifiers {
        identifiers.push(new_identifier(tx, &mut case, actor, identifier)?);
    }
    // The tasks the response plan's templates give every new case.
    let planned = plan_tasks(tx, &mut case, actor, None)?;

    insert_projection(tx.conn, &case)?;
    insert_event(tx.conn, &opened)?;
    tx.conn.defer(
        "INSERT INTO case_personal (case_id, last_seen, circumstances) VALUES (?1, ?2, ?3)",
        params![case_id.to_string(), to_json(&new.last_seen)?, new.circumstances],
    )?;
    if let Some((contact, event)) = &contact {
        insert_contact(tx, case_id, contact.id, actor, &contact.details)?;
        insert_event(tx.conn, event)?;
    }
    for (identifier, event) in &identifiers {
        insert_identifier(tx, identifier)?;
        insert_event(tx.conn, event)?;
    }
    let contacts: Vec<Contact> = contact.into_iter().map(|(contact, _)| contact).collect();
    let identifiers: Vec<Identifier> = identifiers.into_iter().map(|(identifier, _)| identifier).collect();
    tx.audit(
        actor,
        AuditCode::CaseCreated,
        "case",
        Some(case_id.to_string()),
        json!({"number": case.number, "child_id": child_id, "contact_id": contacts.first().map(|c| c.id)}),
    )?;
    // The tasks after the case's own entry.
    let tasks = write_tasks(tx, actor, planned)?;
    // The early warning's share of the command, timed for the log (`debug`, target
    // `homeward_store::evaluation`): what one new case costs the detectors and the assessment
    // on a store of this size, apart from the insert itself.
    let started = std::time::Instant::now();
    let facts = super::warnings::opened_facts(
        case_id,
        child_id,
        case.last_seen_at,
        new.last_seen.missing_from.as_ref(),
        &identifiers,
    )?;
    super::warnings::new_case_in_savepoint(tx, actor, org_id, case.category, &new.last_seen, facts);
    let detected = started.elapsed();
    super::assessments::assess_opened(tx, &case, &new.child, &new.last_seen);
    let evaluated = started.elapsed();
    tracing::debug!(
        target: "homeward_store::evaluation",
        case = %case_id,
        detectors_us = u64::try_from(detected.as_micros()).unwrap_or(u64::MAX),
        assessment_us = u64::try_from((evaluated - detected).as_micros()).unwrap_or(u64::MAX),
        "evaluated a new case"
    );
    // Everything the answer shows was just written; build it from memory rather than read it
    // back, which keeps the writer's critical section short.
    Ok(CaseView {
        case,
        pseudonymous: false,
        child_skeleton: ChildSkeleton {
            sex: new.child.sex,
            birth_year: new.child.date_of_birth.map(|d| d.year()),
            nationalities: new.child.nationalities.clone(),
        },
        child: Some(Child { id: child_id, details: new.child }),
        last_seen: Some(new.last_seen),
        circumstances: new.circumstances,
        contacts,
        notes: Vec::new(),
        identifiers,
        persons: Vec::new(),
        tasks,
        episodes: Vec::new(),
        risk_answers: Vec::new(),
    })
}

/// Runs the detectors on a case that just changed, in a savepoint of its own: a report is never
/// lost because detection failed (the failure is logged; a full re-evaluation catches up).
pub(super) fn detect_in_savepoint(tx: &mut Tx<'_>, actor: &Actor, case: CaseId) {
    tx.best_effort("run the detectors on a case", case, |tx| super::warnings::detect_case(tx, actor, case));
}

/// Checks that a user may take a case or task: an active member of the case's organisation
/// whose role reads and works on cases (not an admin or an analyst, who never could).
fn check_member(conn: &Conn, user: UserId, org: OrganisationId, field: &str) -> Result<()> {
    let message = match user_by_id(conn, user)? {
        Some(u) if u.organisation_id != org => format!("user {user} is not a member of the case's organisation"),
        Some(u) if !u.active => format!("{} is deactivated", u.email),
        Some(u) if policy::authorize(u.role, Action::CaseAddNote, Scope::Own).is_err() => {
            format!("{} is a {} and cannot work on cases", u.email, u.role)
        }
        Some(_) => return Ok(()),
        None => format!("user {user} does not exist"),
    };
    Err(DomainError::Invalid(vec![homeward_domain::FieldError::new(
        field,
        homeward_domain::Problem::NotAMember,
        message,
    )])
    .into())
}

/// The organisation's next case number, `GR-2026-000042`: the year's count and the country in
/// one statement (on PostgreSQL each is a round trip, inside the writer lock).
fn next_number(tx: &mut Tx<'_>, org: OrganisationId) -> Result<String> {
    let year = tx.now.year();
    // Under the writer lock nobody else numbers cases: the last number of the year was read
    // with the chain's head when the batch began (or given by this transaction), so the next is
    // known here and its update goes with the next statement that waits. Only an organisation's
    // first case of a year (or of a batch begun the year before) inserts its row.
    if let Some((last, country)) = tx.case_numbers().and_then(|n| n.get_mut(&(org, year))) {
        *last += 1;
        let (last, country) = (*last, country.clone());
        tx.conn.defer(
            "UPDATE case_numbers SET last = ?3 WHERE organisation_id = ?1 AND year = ?2",
            params![org.to_string(), year, last],
        )?;
        return Ok(format!("{country}-{year}-{last:06}"));
    }
    let (last, country): (i64, Option<String>) = tx
        .conn
        .prepare_cached(
            "INSERT INTO case_numbers (organisation_id, year, last) VALUES (?1, ?2, 1)
             ON CONFLICT (organisation_id, year) DO UPDATE SET last = case_numbers.last + 1
             RETURNING last, (SELECT country FROM organisations WHERE id = ?1)",
        )?
        .query_row(params![org.to_string(), year], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let country = country.ok_or_else(|| StoreError::NotFound(format!("organisation {org}")))?;
    if let Some(numbers) = tx.case_numbers() {
        numbers.insert((org, year), (last, country.clone()));
    }
    Ok(format!("{country}-{year}-{last:06}"))
}

fn insert_child(tx: &mut Tx<'_>, id: ChildId, child: &NewChild) -> Result<()> {
    // One writer at a time: the next number after the last numbers the children in the order
    // they commit. Given by the writer, so that the insert is a plain one (on PostgreSQL it then
    // goes with the case's other inserts as one statement).
    let linkage_seq = tx.next_linkage_seq()?;
    tx.conn
        .prepare_cached(
            "INSERT INTO children (id, sex, birth_year, nationalities, created_at, identity_id, linkage_seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?1, ?6)",
        )?
        .defer(params![
            id.to_string(),
            child.sex.as_str(),
            child.date_of_birth.map(|d| d.year()),
            to_json(&child.nationalities)?,
            timefmt::format(tx.now),
            linkage_seq
        ])?;
    tx.conn
        .prepare_cached("INSERT INTO child_personal (child_id, details) VALUES (?1, ?2)")?
        .defer(params![id.to_string(), to_json(child)?])?;
    // The child's search keys in one statement: each is a statement's execution on PostgreSQL.
    // A plain insert (the keys come sorted and without repeats, and the child is new), which
    // PostgreSQL then runs as one statement with the case's inserts after it.
    let keys = search_keys(child.names());
    if !keys.is_empty() {
        let rows: Vec<String> = (0..keys.len()).map(|i| format!("(?{}, ?1)", i + 2)).collect();
        let sql = format!("INSERT INTO child_search (key, child_id) VALUES {}", rows.join(", "));
        let mut args = vec![id.to_string()];
        args.extend(keys);
        tx.conn.prepare_cached(&sql)?.defer(args)?;
    }
    Ok(())
}

/// Validates and stores the child as now known, with its `child_edited` event.
fn edit_child(
    tx: &mut Tx<'_>,
    case: &mut Case,
    actor: &Actor,
    child: NewChild,
) -> Result<(AuditCode, serde_json::Value)> {
    let mut v = homeward_domain::Validation::new();
    let child = child.validate(homeward_domain::dates::utc_date(case.last_seen_at), &mut v);
    v.finish()?;
    update_child(tx, case.child_id, &child)?;
    append(tx, case, actor, CaseCommand::EditChild)?;
    Ok((AuditCode::ChildEdited, json!({"child_id": case.child_id})))
}

/// What is known of a child now (nothing for a child whose personal data was erased).
fn child_details(conn: &Conn, id: ChildId) -> Result<NewChild> {
    let details: Option<String> = conn
        .prepare_cached("SELECT details FROM child_personal WHERE child_id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    details.map(|d| from_json(&d, "child")).transpose().map(Option::unwrap_or_default)
}

/// Replaces what is known of a child: the personal record, the search keys and the skeleton.
fn update_child(tx: &mut Tx<'_>, id: ChildId, child: &NewChild) -> Result<()> {
    let id = id.to_string();
    // The old keys, by their own primary key: the table has no index by child.
    let old: Option<String> = tx
        .conn
        .prepare_cached("SELECT details FROM child_personal WHERE child_id = ?1")?
        .query_row([&id], |r| r.get(0))
        .optional()?;
    if let Some(old) = old {
        let old: NewChild = from_json(&old, "child")?;
        let mut stmt = tx.conn.prepare_cached("DELETE FROM child_search WHERE key = ?1 AND child_id = ?2")?;
        for key in search_keys(old.names()) {
            stmt.execute(params![key, id])?;
        }
    }
    tx.conn
        .prepare_cached("UPDATE children SET sex = ?2, birth_year = ?3, nationalities = ?4 WHERE id = ?1")?
        .execute(params![
            id,
            child.sex.as_str(),
            child.date_of_birth.map(|d| d.year()),
            to_json(&child.nationalities)?
        ])?;
    tx.conn
        .prepare_cached("UPDATE child_personal SET details = ?2 WHERE child_id = ?1")?
        .execute(params![id, to_json(child)?])?;
    let mut stmt =
        tx.conn.prepare_cached("INSERT INTO child_search (key, child_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING")?;
    for key in search_keys(child.names()) {
        stmt.execute(params![key, id])?;
    }
    Ok(())
}

fn insert_contact(tx: &mut Tx<'_>, case: CaseId, id: ContactId, actor: &Actor, contact: &NewContact) -> Result<()> {
    tx.conn
        .prepare_cached(
            "INSERT INTO contacts (id, case_id, details, recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .defer(params![
            id.to_string(),
            case.to_string(),
            to_json(contact)?,
            actor.user_id.map(|u| u.to_string()),
            timefmt::format(tx.now)
        ])?;
    Ok(())
}

fn insert_note(tx: &mut Tx<'_>, case: CaseId, actor: &Actor, note: NewNote) -> Result<NoteId> {
    let note = note.validate()?;
    let id = NoteId(new_id());
    tx.conn.prepare_cached("INSERT INTO notes (id, case_id, text, author, at) VALUES (?1, ?2, ?3, ?4, ?5)")?.defer(
        params![
            id.to_string(),
            case.to_string(),
            note.text,
            actor.user_id.map(|u| u.to_string()),
            timefmt::format(tx.now)
        ],
    )?;
    Ok(id)
}

/// A reason given with a change becomes a note on the case.
fn reason_note(tx: &mut Tx<'_>, case: CaseId, actor: &Actor, reason: Option<String>) -> Result<Option<NoteId>> {
    match reason.filter(|r| !r.trim().is_empty()) {
        Some(text) => insert_note(tx, case, actor, NewNote { text }).map(Some),
        None => Ok(None),
    }
}

/// Stores a validated task with its event.
fn insert_task(tx: &mut Tx<'_>, case: &mut Case, actor: &Actor, task: NewTask) -> Result<Task> {
    let (task, event) = new_task(tx, case, actor, task)?;
    insert_task_row(tx, &task)?;
    insert_event(tx.conn, &event)?;
    Ok(task)
}

/// A validated task of the case and its event, applied to the case; nothing written.
fn new_task(tx: &Tx<'_>, case: &mut Case, actor: &Actor, task: NewTask) -> Result<(Task, CaseEvent)> {
    let task_id = TaskId(new_id());
    let command = CaseCommand::CreateTask { task_id, due_at: task.due_at, assignee: task.assignee };
    let event = decided(tx, case, actor, command)?;
    let task = Task {
        id: task_id,
        case_id: case.id,
        title: task.title,
        due_at: task.due_at,
        assignee: task.assignee,
        done: false,
    };
    Ok((task, event))
}

fn insert_task_row(tx: &Tx<'_>, task: &Task) -> Result<()> {
    tx.conn
        .prepare_cached(
            "INSERT INTO tasks (id, case_id, title, due_at, assignee, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .defer(params![
            task.id.to_string(),
            task.case_id.to_string(),
            task.title,
            task.due_at.map(timefmt::format),
            task.assignee.map(|u| u.to_string()),
            timefmt::format(tx.now)
        ])?;
    Ok(())
}

/// Makes the tasks the response plan's templates give a case that has just opened
/// (`changed_to` is `None`) or changed status, each with its event and audit entry, assigned to
/// whoever the case is assigned to. Part of the command: a case never opens without them.
fn tasks_from_templates(
    tx: &mut Tx<'_>,
    case: &mut Case,
    actor: &Actor,
    changed_to: Option<homeward_domain::case::Status>,
) -> Result<Vec<Task>> {
    let planned = plan_tasks(tx, case, actor, changed_to)?;
    write_tasks(tx, actor, planned)
}

/// A task the templates gave, with its event and the template's name.
type PlannedTask = (Task, CaseEvent, String);

/// The tasks of [`tasks_from_templates`], decided and applied to the case; nothing written.
fn plan_tasks(
    tx: &Tx<'_>,
    case: &mut Case,
    actor: &Actor,
    changed_to: Option<homeward_domain::case::Status>,
) -> Result<Vec<PlannedTask>> {
    let planned = homeward_risk::response::templates(tx.plan, case, changed_to, tx.now);
    let mut made = Vec::with_capacity(planned.len());
    for p in planned {
        let new = NewTask { title: p.title, due_at: Some(p.due_at), assignee: case.assignee };
        let (task, event) = new_task(tx, case, actor, new)?;
        made.push((task, event, p.template));
    }
    Ok(made)
}

/// Writes planned tasks, each with its event and audit entry.
fn write_tasks(tx: &mut Tx<'_>, actor: &Actor, planned: Vec<PlannedTask>) -> Result<Vec<Task>> {
    let mut made = Vec::with_capacity(planned.len());
    for (task, event, template) in planned {
        insert_task_row(tx, &task)?;
        insert_event(tx.conn, &event)?;
        let detail = json!({"task_id": task.id, "template": template});
        tx.audit(actor, AuditCode::TaskCreated, "case", Some(task.case_id.to_string()), detail)?;
        made.push(task);
    }
    Ok(made)
}

/// Decides a command on the case, stores the event and folds it in.
pub(super) fn append(tx: &mut Tx<'_>, case: &mut Case, actor: &Actor, command: CaseCommand) -> Result<CaseEvent> {
    let event = decided(tx, case, actor, command)?;
    insert_event(tx.conn, &event)?;
    Ok(event)
}

/// Decides a command on the case and folds its event in; the event is not written.
fn decided(tx: &Tx<'_>, case: &mut Case, actor: &Actor, command: CaseCommand) -> Result<CaseEvent> {
    let kind = case.decide(command)?;
    let event = case.next_event(EventId(new_id()), tx.now, actor.user_id, kind);
    case.apply(&event)?;
    Ok(event)
}

fn insert_event(conn: &Conn, event: &CaseEvent) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO case_events (id, case_id, seq, at, actor, kind, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .defer(params![
        event.id.to_string(),
        event.case_id.to_string(),
        event.seq,
        timefmt::format(event.at),
        event.actor.map(|u| u.to_string()),
        event.kind.name(),
        to_json(&event.kind)?
    ])?;
    Ok(())
}

/// The projection row's values, as `?1`–`?13` of its insert and update: the twelve columns the
/// case sets, then its version.
fn projection_params(case: &Case) -> Result<[Value<'static>; 13]> {
    let text = |t: Option<String>| t.map_or(Value::Null, |t| Value::Text(t.into()));
    Ok([
        text(Some(case.id.to_string())),
        text(Some(case.number.clone())),
        text(Some(case.organisation_id.to_string())),
        text(Some(case.child_id.to_string())),
        text(Some(enum_name(&case.category)?)),
        text(case.risk_level.map(|r| enum_name(&r)).transpose()?),
        text(Some(case.status.as_str().to_owned())),
        text(Some(timefmt::format(case.last_seen_at))),
        text(Some(timefmt::format(case.opened_at))),
        text(Some(timefmt::format(case.updated_at))),
        text(case.assignee.map(|u| u.to_string())),
        text(Some(to_json(case)?)),
        case.version.to_value().into_owned(),
    ])
}

fn insert_projection(conn: &Conn, case: &Case) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO cases (id, number, organisation_id, child_id, category, risk_level, status, last_seen_at,
             opened_at, updated_at, assignee, version, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?13, ?12)",
    )?
    .defer(projection_params(case)?)?;
    Ok(())
}

/// The projection's update: what a change may change, of the row whose fixed columns match.
const SAVE_PROJECTION: &str =
    "UPDATE cases SET category = ?5, risk_level = ?6, status = ?7, last_seen_at = ?8, updated_at = ?10,
         assignee = ?11, state = ?12, version = ?13
     WHERE id = ?1 AND number = ?2 AND organisation_id = ?3 AND child_id = ?4 AND opened_at = ?9";

pub(super) fn save_projection(conn: &Conn, case: &Case) -> Result<()> {
    let changed = conn.prepare_cached(SAVE_PROJECTION)?.execute(projection_params(case)?)?;
    if changed == 1 {
        Ok(())
    } else {
        Err(StoreError::Corrupt(format!("the stored case {} no longer matches its events", case.id)))
    }
}

pub(super) fn load_case(conn: &Conn, id: CaseId) -> Result<Case> {
    let state: String = conn
        .prepare_cached("SELECT state FROM cases WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("case {id}")))?;
    from_json(&state, "case state")
}

/// Loads a case the actor may see; one they may not see is "not found".
pub(super) fn visible_case(conn: &Conn, actor: &Actor, id: CaseId) -> Result<(Case, Scope)> {
    let case = load_case(conn, id)?;
    let scope = scope_of(conn, actor, &case.organisation_id.to_string(), Some(&case.id.to_string()))?;
    let visible = actor.role.is_some_and(|role| policy::may_see_case(role, scope));
    if visible { Ok((case, scope)) } else { Err(StoreError::NotFound(format!("case {id}"))) }
}

/// Whether the actor sees personal data in this scope, or only the pseudonymous skeleton.
fn reads_in_full(actor: &Actor, scope: Scope) -> Result<bool> {
    if authorize(actor, Action::CaseRead, scope).is_ok() {
        return Ok(true);
    }
    authorize(actor, Action::CaseReadPseudonymous, scope)?;
    Ok(false)
}

pub(super) fn get_case(tx: &mut Tx<'_>, actor: &Actor, id: CaseId) -> Result<CaseView> {
    let (case, scope) = visible_case(tx.conn, actor, id)?;
    let full = reads_in_full(actor, scope)?;
    tx.audit(actor, AuditCode::CaseRead, "case", Some(id.to_string()), json!({"pseudonymous": !full}))?;
    load_view(tx.conn, case, full, actor.organisation_id)
}

pub(super) fn case_events(tx: &mut Tx<'_>, actor: &Actor, id: CaseId) -> Result<Vec<CaseEvent>> {
    let (_, scope) = visible_case(tx.conn, actor, id)?;
    reads_in_full(actor, scope)?;
    let events = events_of(tx.conn, id)?;
    tx.audit(actor, AuditCode::CaseEventsRead, "case", Some(id.to_string()), json!({"count": events.len()}))?;
    Ok(events)
}

pub(crate) fn events_of(conn: &Conn, id: CaseId) -> Result<Vec<CaseEvent>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, seq, at, actor, data FROM case_events WHERE case_id = ?1 ORDER BY seq")?;
    let rows = stmt
        .query_map([id.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?
        .collect::<crate::db::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(event_id, seq, at, actor, data)| {
            Ok(CaseEvent {
                id: parse(&event_id, "event id")?,
                case_id: id,
                seq,
                at: timefmt::parse(&at)?,
                actor: parse_opt(actor, "user id")?,
                kind: from_json(&data, "event")?,
            })
        })
        .collect()
}

pub(super) fn change_case(tx: &mut Tx<'_>, actor: &Actor, id: CaseId, change: CaseChange) -> Result<CaseView> {
    let (mut case, scope) = visible_case(tx.conn, actor, id)?;
    authorize(actor, change.action(), scope)?;
    let (code, detail) = match change {
        CaseChange::AddContact(contact) => {
            let mut v = homeward_domain::Validation::new();
            let contact = contact.validate("", tx.now, &mut v);
            v.finish()?;
            let contact_id = ContactId(new_id());
            insert_contact(tx, id, contact_id, actor, &contact)?;
            append(tx, &mut case, actor, CaseCommand::AddContact(contact_id))?;
            (AuditCode::ContactAdded, json!({"contact_id": contact_id}))
        }
        CaseChange::AddNote(note) => {
            let note_id = insert_note(tx, id, actor, note)?;
            append(tx, &mut case, actor, CaseCommand::AddNote(note_id))?;
            (AuditCode::NoteAdded, json!({"note_id": note_id}))
        }
        CaseChange::ChangeStatus { to, reason } => {
            // Decide first, so that a refused transition writes no note.
            case.decide(CaseCommand::ChangeStatus { to, note_id: None })?;
            let from = case.status;
            let note_id = reason_note(tx, id, actor, reason)?;
            append(tx, &mut case, actor, CaseCommand::ChangeStatus { to, note_id })?;
            tasks_from_templates(tx, &mut case, actor, Some(to))?;
            (AuditCode::StatusChanged, json!({"from": from, "to": to}))
        }
        CaseChange::Recategorise { to, reason } => {
            case.decide(CaseCommand::Recategorise { to, note_id: None })?;
            let from = case.category;
            let note_id = reason_note(tx, id, actor, reason)?;
            append(tx, &mut case, actor, CaseCommand::Recategorise { to, note_id })?;
            let (org, at) = (case.organisation_id, case.last_seen_at);
            super::warnings::recategorised_in_savepoint(tx, id, org, (from, to), at);
            (AuditCode::Recategorised, json!({"from": from, "to": to}))
        }
        CaseChange::AssessRisk { to, reason } => {
            case.decide(CaseCommand::AssessRisk { to, note_id: None })?;
            let from = case.risk_level;
            let note_id = reason_note(tx, id, actor, reason)?;
            append(tx, &mut case, actor, CaseCommand::AssessRisk { to, note_id })?;
            (AuditCode::RiskAssessed, json!({"from": from, "to": to}))
        }
        CaseChange::Assign(assignee) => {
            if let Some(user) = assignee {
                check_member(tx.conn, user, case.organisation_id, "assignee")?;
            }
            append(tx, &mut case, actor, CaseCommand::Assign(assignee))?;
            (AuditCode::Assigned, json!({"assignee": assignee}))
        }
        CaseChange::LinkIdentifier(identifier) => {
            let identifier = link_identifier(tx, &mut case, actor, identifier.validate()?)?;
            detect_in_savepoint(tx, actor, id);
            (AuditCode::IdentifierLinked, json!({"identifier_id": identifier.id, "kind": identifier.kind}))
        }
        CaseChange::LinkPerson(person) => {
            let person = person.validate()?;
            let person_id = PersonId(new_id());
            tx.conn
                .prepare_cached("INSERT INTO persons (id, case_id, details) VALUES (?1, ?2, ?3)")?
                .execute(params![person_id.to_string(), id.to_string(), to_json(&person)?])?;
            append(tx, &mut case, actor, CaseCommand::LinkPerson(person_id))?;
            (AuditCode::PersonLinked, json!({"person_id": person_id}))
        }
        CaseChange::CreateTask(task) => {
            let task = task.validate()?;
            if let Some(user) = task.assignee {
                check_member(tx.conn, user, case.organisation_id, "assignee")?;
            }
            let task = insert_task(tx, &mut case, actor, task)?;
            (AuditCode::TaskCreated, json!({"task_id": task.id}))
        }
        CaseChange::CompleteTask(task_id) => {
            append(tx, &mut case, actor, CaseCommand::CompleteTask(task_id))?;
            tx.conn
                .prepare_cached("UPDATE tasks SET done_at = ?1 WHERE id = ?2")?
                .execute(params![timefmt::format(tx.now), task_id.to_string()])?;
            (AuditCode::TaskCompleted, json!({"task_id": task_id}))
        }
        CaseChange::ObserveIndicator { indicator, evidence } => {
            if evidence.is_none() {
                // Without new evidence, a second observation of the same indicator adds nothing.
                case.decide(CaseCommand::ObserveIndicator { indicator: indicator.clone(), note_id: None })?;
            }
            let note_id = reason_note(tx, id, actor, evidence)?;
            append(tx, &mut case, actor, CaseCommand::ObserveIndicator { indicator: indicator.clone(), note_id })?;
            (AuditCode::IndicatorObserved, json!({"indicator": indicator}))
        }
        CaseChange::AnswerRiskQuestions(answers) => {
            let answered = answers.validate()?.answered();
            for (question, answer) in &answered {
                tx.conn
                    .prepare_cached(
                        "INSERT INTO risk_answers (case_id, seq, question, answer, answered_by, answered_at)
                         VALUES (?1, (SELECT COUNT(*) + 1 FROM risk_answers WHERE case_id = ?1), ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![
                        id.to_string(),
                        question,
                        answer,
                        actor.user_id.map(|u| u.to_string()),
                        timefmt::format(tx.now)
                    ])?;
            }
            // The answers are the child's health and circumstances: the event and the entry name
            // only the questions.
            let questions: Vec<String> = answered.iter().map(|(q, _)| (*q).to_owned()).collect();
            append(tx, &mut case, actor, CaseCommand::AnswerRiskQuestions { questions: questions.clone() })?;
            (AuditCode::RiskQuestionsAnswered, json!({"questions": questions}))
        }
        CaseChange::EditChildFields(fields) => {
            // Read and changed in one command, so that fields the form does not show keep what a
            // concurrent edit wrote.
            let known = child_details(tx.conn, case.child_id)?;
            edit_child(tx, &mut case, actor, fields.apply(known))?
        }
        CaseChange::EditChild(child) => edit_child(tx, &mut case, actor, child)?,
        CaseChange::RecordPoliceHandover { to_organisation, reference } => {
            let reference = homeward_domain::escalation::check_reference(reference)?;
            let unit = organisation_by_id(tx.conn, to_organisation)?
                .ok_or_else(|| StoreError::NotFound(format!("organisation {to_organisation}")))?;
            if unit.kind != homeward_domain::org::OrganisationKind::PoliceUnit {
                return Err(homeward_domain::escalation::not_a_police_unit().into());
            }
            let event = append(tx, &mut case, actor, CaseCommand::HandOverToPolice(to_organisation))?;
            tx.conn
                .prepare_cached(
                    "INSERT INTO police_handovers (case_id, event_seq, organisation_id, reference, handed_by, handed_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    id.to_string(),
                    event.seq,
                    to_organisation.to_string(),
                    reference,
                    actor.user_id.map(|u| u.to_string()),
                    timefmt::format(tx.now)
                ])?;
            // The unit's police liaison works on the cases handed to it: it is shared with them
            // in the same command, as a share of its own in the timeline.
            let shared = !case.shared_with.contains(&to_organisation);
            if shared {
                append(tx, &mut case, actor, CaseCommand::Share(to_organisation))?;
                tx.conn
                    .prepare_cached("INSERT INTO case_shares (organisation_id, case_id) VALUES (?1, ?2)")?
                    .execute(params![to_organisation.to_string(), id.to_string()])?;
            }
            (AuditCode::HandedToPolice, json!({"organisation_id": to_organisation, "shared": shared}))
        }
        CaseChange::Share(org) => {
            if organisation_by_id(tx.conn, org)?.is_none() {
                return Err(StoreError::NotFound(format!("organisation {org}")));
            }
            append(tx, &mut case, actor, CaseCommand::Share(org))?;
            tx.conn
                .prepare_cached("INSERT INTO case_shares (organisation_id, case_id) VALUES (?1, ?2)")?
                .execute(params![org.to_string(), id.to_string()])?;
            (AuditCode::CaseShared, json!({"organisation_id": org}))
        }
    };
    save_projection(tx.conn, &case)?;
    super::assessments::assess_in_savepoint(tx, id);
    // The answer shows the case as the actor may read it; the entry says so.
    let full = reads_in_full(actor, scope)?;
    let mut detail = detail;
    detail["answered_with"] = json!(if full { "personal_data" } else { "pseudonymous" });
    tx.audit(actor, code, "case", Some(id.to_string()), detail)?;
    load_view(tx.conn, case, full, actor.organisation_id)
}

fn child_skeleton(conn: &Conn, id: ChildId) -> Result<ChildSkeleton> {
    let (sex, birth_year, nationalities): (String, Option<i32>, String) = conn
        .prepare_cached("SELECT sex, birth_year, nationalities FROM children WHERE id = ?1")?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(ChildSkeleton {
        sex: homeward_domain::child::Sex::parse(&sex).ok_or_else(|| StoreError::Corrupt(format!("sex `{sex}`")))?,
        birth_year,
        nationalities: from_json(&nationalities, "nationalities")?,
    })
}

/// A list of JSON-encoded records of a case, oldest first.
fn records<T>(
    conn: &Conn,
    sql: &str,
    case: CaseId,
    mut decode: impl FnMut(&crate::db::Row<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query([case.to_string()])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(decode(&row)?);
    }
    Ok(out)
}

pub(super) fn load_view(conn: &Conn, case: Case, full: bool, reader: Option<OrganisationId>) -> Result<CaseView> {
    let child_skeleton = child_skeleton(conn, case.child_id)?;
    let episodes = super::linkage::episodes(conn, case.id, case.child_id, reader)?;
    if !full {
        return Ok(CaseView {
            case,
            pseudonymous: true,
            child_skeleton,
            child: None,
            last_seen: None,
            circumstances: None,
            contacts: Vec::new(),
            notes: Vec::new(),
            identifiers: Vec::new(),
            persons: Vec::new(),
            tasks: Vec::new(),
            episodes,
            risk_answers: Vec::new(),
        });
    }
    let id = case.id;
    let child = conn
        .prepare_cached("SELECT details FROM child_personal WHERE child_id = ?1")?
        .query_row([case.child_id.to_string()], |r| r.get::<_, String>(0))
        .optional()?
        .map(|d| from_json::<NewChild>(&d, "child").map(|details| Child { id: case.child_id, details }))
        .transpose()?;
    let personal = conn
        .prepare_cached("SELECT last_seen, circumstances FROM case_personal WHERE case_id = ?1")?
        .query_row([id.to_string()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))
        .optional()?;
    let (last_seen, circumstances) = match personal {
        Some((ls, c)) => (Some(from_json::<LastSeen>(&ls, "last seen")?), c),
        None => (None, None),
    };
    let contacts =
        records(conn, "SELECT id, details, recorded_by FROM contacts WHERE case_id = ?1 ORDER BY id", id, |r| {
            Ok(Contact {
                id: parse(&r.get::<_, String>(0)?, "contact id")?,
                case_id: id,
                details: from_json(&r.get::<_, String>(1)?, "contact")?,
                recorded_by: parse_opt(r.get(2)?, "user id")?,
            })
        })?;
    let notes = records(conn, "SELECT id, text, author, at FROM notes WHERE case_id = ?1 ORDER BY id", id, |r| {
        Ok(Note {
            id: parse(&r.get::<_, String>(0)?, "note id")?,
            case_id: id,
            text: r.get(1)?,
            author: parse_opt(r.get(2)?, "user id")?,
            at: timefmt::parse(&r.get::<_, String>(3)?)?,
        })
    })?;
    let identifiers = records(
        conn,
        "SELECT id, kind, value, normalised, label FROM identifiers WHERE case_id = ?1 ORDER BY id",
        id,
        |r| {
            Ok(Identifier {
                id: parse(&r.get::<_, String>(0)?, "identifier id")?,
                case_id: id,
                kind: enum_from(&r.get::<_, String>(1)?, "identifier kind")?,
                value: r.get(2)?,
                normalised: r.get(3)?,
                label: r.get(4)?,
            })
        },
    )?;
    let persons = records(conn, "SELECT id, details FROM persons WHERE case_id = ?1 ORDER BY id", id, |r| {
        Ok(Person {
            id: parse(&r.get::<_, String>(0)?, "person id")?,
            case_id: id,
            details: from_json(&r.get::<_, String>(1)?, "person")?,
        })
    })?;
    let tasks =
        records(conn, "SELECT id, title, due_at, assignee FROM tasks WHERE case_id = ?1 ORDER BY id", id, |r| {
            let task_id: TaskId = parse(&r.get::<_, String>(0)?, "task id")?;
            Ok(Task {
                id: task_id,
                case_id: id,
                title: r.get(1)?,
                due_at: r.get::<_, Option<String>>(2)?.map(|t| timefmt::parse(&t)).transpose()?,
                assignee: parse_opt(r.get(3)?, "user id")?,
                done: case.tasks.iter().any(|t| t.id == task_id && t.done),
            })
        })?;
    Ok(CaseView {
        case,
        pseudonymous: false,
        child_skeleton,
        child,
        last_seen,
        circumstances,
        contacts,
        notes,
        identifiers,
        persons,
        tasks,
        episodes,
        risk_answers: latest_risk_answers(conn, id)?,
    })
}

/// The latest answer to each risk question, with who gave it and when, in the questions' order.
fn latest_risk_answers(conn: &Conn, case: CaseId) -> Result<Vec<homeward_domain::risk::RiskAnswer>> {
    let all = records(
        conn,
        "SELECT question, answer, answered_by, answered_at FROM risk_answers WHERE case_id = ?1 ORDER BY seq",
        case,
        |r| {
            Ok(homeward_domain::risk::RiskAnswer {
                question: r.get(0)?,
                answer: r.get(1)?,
                answered_by: parse_opt(r.get(2)?, "user id")?,
                answered_at: timefmt::parse(&r.get::<_, String>(3)?)?,
            })
        },
    )?;
    let mut latest = Vec::new();
    for question in homeward_domain::risk::QUESTIONS {
        if let Some(answer) = all.iter().rev().find(|a| a.question == question) {
            latest.push(answer.clone());
        }
    }
    Ok(latest)
}

/// A case's place in the desk's order of urgency: high risk first, then not yet assessed, then
/// the other levels from the highest.
const URGENCY: &str =
    "CASE c.risk_level WHEN 'high' THEN 0 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 WHEN 'very_low' THEN 4 ELSE 1 END";

/// A name search starts from the children its rarest word names when that word has at most so
/// many search keys (in every organisation; see `list_cases`). Past it, testing the
/// organisation's cases one by one in the list's order costs less: on a million cases a word
/// naming 11,111 children is counted in 27 ms from the names and 2.2 s by walking the cases.
const NAMES_TO_START_FROM: u64 = 100_000;

pub(super) fn list_cases(tx: &mut Tx<'_>, actor: &Actor, filter: CaseFilter) -> Result<Page<CaseSummary>> {
    authorize(actor, Action::CaseReadPseudonymous, Scope::Own)?;
    if filter.name.is_some() {
        // Searching by name reads names: a pseudonymous reader may not probe for them.
        authorize(actor, Action::CaseRead, Scope::Own)?;
    }
    let org = actor.organisation_id.ok_or_else(|| StoreError::NotFound("the actor's organisation".into()))?;
    let limit = match filter.limit {
        0 => 50,
        n => n.min(MAX_PAGE),
    };
    // The filter apart from who may read the case; a case is read as the organisation's own or
    // as one shared with it, and the two are chosen apart (below).
    let mut clauses: Vec<String> = Vec::new();
    let mut args: Vec<String> = Vec::new();
    let mut eq = |column: &str, value: Option<String>| {
        if let Some(value) = value {
            clauses.push(format!("c.{column} = ?"));
            args.push(value);
        }
    };
    eq("status", filter.status.map(|s| s.as_str().to_owned()));
    eq("category", filter.category.map(|c| enum_name(&c)).transpose()?);
    eq("risk_level", filter.risk_level.map(|r| enum_name(&r)).transpose()?);
    eq("organisation_id", filter.organisation_id.map(|o| o.to_string()));
    match filter.assignee {
        Some(Assignee::User(user)) => eq("assignee", Some(user.to_string())),
        Some(Assignee::Nobody) => clauses.push("c.assignee IS NULL".into()),
        None => {}
    }
    if let Some(number) = filter.number.as_deref().map(str::trim) {
        clauses.push("c.number = ?".into());
        args.push(number.to_uppercase());
    }
    if let Some(value) = filter.identifier.as_deref() {
        // The searcher does not say what kind of identifier they typed: try each kind's spelling.
        let kinds: Vec<String> = IdentifierKind::ALL
            .iter()
            .map(|kind| {
                args.push(enum_name(kind).unwrap_or_default());
                args.push(normalise_identifier(*kind, value));
                "(i.kind = ? AND i.normalised = ?)".to_owned()
            })
            .collect();
        clauses.push(format!("c.id IN (SELECT i.case_id FROM identifiers i WHERE {})", kinds.join(" OR ")));
    }
    if let Some(from) = filter.opened_from {
        clauses.push("c.opened_at >= ?".into());
        args.push(timefmt::format(from));
    }
    if let Some(to) = filter.opened_to {
        clauses.push("c.opened_at < ?".into());
        args.push(timefmt::format(to));
    }
    // A name search starts from the names, from its rarest word: the children whose search
    // keys match it, then their cases, each checked for the other words through its own
    // child's keys. `|| ''` then keeps the planner off the organisation's index, which would
    // read every case of the organisation and test each one's names (seconds at a million).
    // Starting from every word alike, a word every child has (a common family name) made the
    // start a million children long (8.5 s). Only when every word names a large share of all
    // children does the search walk the organisation's cases in the list's order instead,
    // testing each, as any other filter does.
    let words: Vec<[String; 4]> = filter
        .name
        .as_deref()
        .map(tokens)
        .unwrap_or_default()
        .into_iter()
        .map(|token| {
            let latin = latin_key(&token);
            let (token_end, latin_end) = (format!("{token}\u{10FFFF}"), format!("{latin}\u{10FFFF}"));
            [token, token_end, latin, latin_end]
        })
        .collect();
    // Each word's keys are counted only as far as needed: first up to a few thousand (a rare
    // word is found at once, and a common one costs no more to count), then, only if every
    // word had that many, up to the limit.
    let mut rarest: Option<(usize, u64)> = None;
    for cap in [2_000, NAMES_TO_START_FROM] {
        for (i, word) in words.iter().enumerate() {
            let named: u64 = tx.conn.query_row(
                &format!(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM child_search s
                         WHERE (s.key >= ?1 AND s.key < ?2) OR (s.key >= ?3 AND s.key < ?4) LIMIT {}) AS named",
                    cap + 1
                ),
                params![word[0], word[1], word[2], word[3]],
                |r| r.get(0),
            )?;
            if named <= cap && rarest.is_none_or(|(_, fewest)| named < fewest) {
                rarest = Some((i, named));
            }
        }
        if rarest.is_some() {
            break;
        }
    }
    let own_org = if rarest.is_some() { "c.organisation_id || '' = ?" } else { "c.organisation_id = ?" };
    for (i, word) in words.into_iter().enumerate() {
        clauses.push(if rarest.is_some_and(|(start, _)| start == i) {
            "c.child_id IN (SELECT s.child_id FROM child_search s
                 WHERE (s.key >= ? AND s.key < ?) OR (s.key >= ? AND s.key < ?))"
                .into()
        } else {
            "EXISTS (SELECT 1 FROM child_search s WHERE s.child_id = c.child_id
                 AND ((s.key >= ? AND s.key < ?) OR (s.key >= ? AND s.key < ?)))"
                .into()
        });
        args.extend(word);
    }
    let rest = if clauses.is_empty() { "1 = 1".to_owned() } else { clauses.join(" AND ") };
    // Each part on its own, so that the organisation's own cases are chosen through an index
    // of its own (`organisation = ? OR shared` would read them all): the own cases, and those
    // shared with it (few), each counted, ordered and cut apart, then put together.
    let own = format!("{own_org} AND {rest}");
    let shared = format!("{} AND c.organisation_id <> ? AND {rest}", shared_with("?"));
    let org_text = org.to_string();
    let own_args = || std::iter::once(&org_text).chain(args.iter());
    let shared_args = || [&org_text, &org_text].into_iter().chain(args.iter());
    // Counted up to one more than is told, so that "more" is known without reading every row.
    let cap = COUNT_AT_MOST + 1;
    let counted: u64 = tx.conn.query_row(
        &format!(
            "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM cases c WHERE {own} LIMIT {cap}) AS mine)
                  + (SELECT COUNT(*) FROM (SELECT 1 FROM cases c WHERE {shared} LIMIT {cap}) AS theirs)"
        ),
        params_from_iter(own_args().chain(shared_args())),
        |r| r.get(0),
    )?;
    let (total, more) = (counted.min(COUNT_AT_MOST), counted > COUNT_AT_MOST);
    // Newest first: few matches (the count ended before its cap) are found through the filter's
    // own index and sorted whole; only many are read in the order's index, where the first page
    // comes soon. Read in the order's index, a filter that few cases pass (a rare category) would
    // walk every case of the organisation: 1.2 s on a million. `|| ''` keeps the planner off it.
    let opened = if more { "c.opened_at" } else { "c.opened_at || ''" };
    let urgent_order = format!("{URGENCY}, c.last_seen_at, c.id");
    let order = match filter.order {
        CaseOrder::Newest => "c.opened_at DESC, c.id DESC",
        CaseOrder::Urgent => urgent_order.as_str(),
    };
    // The page's ids are chosen first, from the narrow columns alone (an index holds them for a
    // desk's filters); only the rows shown are then read whole and joined with the child. In one
    // query SQLite would sort thousands of complete, joined rows to keep fifty.
    let wanted = u64::from(limit) + u64::from(filter.offset);
    let (parts, part_args): (Vec<String>, Vec<&String>) = match filter.order {
        CaseOrder::Newest => (
            vec![
                format!(
                    "SELECT * FROM (SELECT c.id, c.opened_at AS at, 0 AS urgency FROM cases c WHERE {own}
                                    ORDER BY {opened} DESC, c.id DESC LIMIT {wanted}) AS mine"
                ),
                format!(
                    "SELECT * FROM (SELECT c.id, c.opened_at AS at, 0 AS urgency FROM cases c WHERE {shared}
                                    ORDER BY c.opened_at DESC, c.id DESC LIMIT {wanted}) AS theirs"
                ),
            ],
            own_args().chain(shared_args()).collect(),
        ),
        // Most urgent first is, for the organisation's own cases, one risk level after the
        // other, each read in the order of the desk's index (organisation, status, risk level,
        // last seen), so that only each level's first rows are read, where sorting every open
        // case by urgency would read them all; the few cases shared with it are sorted whole.
        // Each part orders by its risk level too, constant within it: PostgreSQL does not count
        // `risk_level IS NULL` as fixing the column, and without it sorted every case not yet
        // assessed (0.4 s on a million) instead of reading the index's first rows.
        CaseOrder::Urgent => {
            let levels = [("= 'high'", 0), ("IS NULL", 1), ("= 'medium'", 2), ("= 'low'", 3), ("= 'very_low'", 4)];
            let mut parts: Vec<String> = levels
                .iter()
                .map(|(level, rank)| {
                    format!(
                        "SELECT * FROM (SELECT c.id, c.last_seen_at AS at, {rank} AS urgency FROM cases c
                                        WHERE {own} AND c.risk_level {level}
                                        ORDER BY c.risk_level, c.last_seen_at, c.id LIMIT {wanted}) AS level{rank}"
                    )
                })
                .collect();
            parts.push(format!(
                "SELECT * FROM (SELECT c.id, c.last_seen_at AS at, {URGENCY} AS urgency FROM cases c WHERE {shared}
                                ORDER BY urgency, c.last_seen_at, c.id LIMIT {wanted}) AS theirs"
            ));
            let mut part_args: Vec<&String> = Vec::new();
            for _ in levels {
                part_args.extend(own_args());
            }
            part_args.extend(shared_args());
            (parts, part_args)
        }
    };
    let page_order = match filter.order {
        CaseOrder::Newest => "at DESC, id DESC",
        CaseOrder::Urgent => "urgency, at, id",
    };
    let page_ids = format!(
        "SELECT id FROM ({}) AS candidates ORDER BY {page_order} LIMIT {limit} OFFSET {}",
        parts.join(" UNION ALL "),
        filter.offset
    );
    let sql = format!(
        "WITH page AS MATERIALIZED ({page_ids})
         SELECT c.id, c.number, c.organisation_id, c.category, c.risk_level, c.status, c.last_seen_at, c.opened_at,
                c.updated_at, c.assignee, ch.sex, ch.birth_year, ch.nationalities, cp.details,
                COALESCE(ch.identity_id, ch.id)
         FROM page JOIN cases c ON c.id = page.id JOIN children ch ON ch.id = c.child_id
              LEFT JOIN child_personal cp ON cp.child_id = c.child_id
         ORDER BY {order}",
    );
    let mut stmt = tx.conn.prepare(&sql)?;
    let mut rows = stmt.query(params_from_iter(part_args))?;
    let mut items = Vec::new();
    let mut identities = Vec::new();
    while let Some(r) = rows.next()? {
        identities.push(r.get::<_, String>(14)?);
        let organisation_id: OrganisationId = parse(&r.get::<_, String>(2)?, "organisation id")?;
        let scope = if organisation_id == org { Scope::Own } else { Scope::Shared };
        let full = authorize(actor, Action::CaseRead, scope).is_ok();
        let sex: String = r.get(10)?;
        let child_name = match (full, r.get::<_, Option<String>>(13)?) {
            (true, Some(details)) => Some(from_json::<NewChild>(&details, "child")?.display_name()),
            _ => None,
        };
        items.push(CaseSummary {
            id: parse(&r.get::<_, String>(0)?, "case id")?,
            number: r.get(1)?,
            organisation_id,
            category: enum_from(&r.get::<_, String>(3)?, "category")?,
            risk_level: r.get::<_, Option<String>>(4)?.map(|v| enum_from(&v, "risk level")).transpose()?,
            status: enum_from(&r.get::<_, String>(5)?, "status")?,
            last_seen_at: timefmt::parse(&r.get::<_, String>(6)?)?,
            opened_at: timefmt::parse(&r.get::<_, String>(7)?)?,
            updated_at: timefmt::parse(&r.get::<_, String>(8)?)?,
            assignee: parse_opt(r.get(9)?, "user id")?,
            child_name,
            child_skeleton: ChildSkeleton {
                sex: homeward_domain::child::Sex::parse(&sex)
                    .ok_or_else(|| StoreError::Corrupt(format!("sex `{sex}`")))?,
                birth_year: r.get(11)?,
                nationalities: from_json(&r.get::<_, String>(12)?, "nationalities")?,
            },
            episodes: 1,
        });
    }
    drop(rows);
    drop(stmt);
    let episodes = super::linkage::episode_counts(tx.conn, org, &identities)?;
    for (item, identity) in items.iter_mut().zip(&identities) {
        item.episodes = episodes.get(identity).copied().unwrap_or(1);
    }
    let ids: Vec<String> = items.iter().map(|i| i.id.to_string()).collect();
    tx.audit(actor, AuditCode::CasesListed, "case", None, json!({"case_ids": ids, "total": total}))?;
    Ok(Page { items, total, more, limit, offset: filter.offset })
}

/// The open tasks assigned to the actor, on cases they may see, soonest due first.
/// The condition on a case `c` that the organisation whose id is the SQL parameter `org`
/// (`?`, `?2`) may read it: its own cases and those shared with it. Every query that lists cases
/// for a reader uses it.
pub(super) fn readable_by(org: &str) -> String {
    format!("(c.organisation_id = {org} OR {})", shared_with(org))
}

/// The condition on a case `c` that it is shared with the organisation `org` (a parameter).
fn shared_with(org: &str) -> String {
    format!("c.id IN (SELECT case_id FROM case_shares WHERE organisation_id = {org})")
}

pub(super) fn my_tasks(tx: &mut Tx<'_>, actor: &Actor) -> Result<Vec<TaskSummary>> {
    authorize(actor, Action::CaseRead, Scope::Own)?;
    let (Some(user), Some(org)) = (actor.user_id, actor.organisation_id) else {
        return Ok(Vec::new());
    };
    let mut stmt = tx.conn.prepare_cached(&format!(
        "SELECT t.id, t.case_id, t.title, t.due_at, c.number FROM tasks t JOIN cases c ON c.id = t.case_id
         WHERE t.assignee = ?1 AND t.done_at IS NULL AND {}
         ORDER BY t.due_at IS NULL, t.due_at, t.id LIMIT 100",
        readable_by("?2")
    ))?;
    let rows = stmt
        .query_map(params![user.to_string(), org.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?
        .collect::<crate::db::Result<Vec<_>>>()?;
    drop(stmt);
    let mut tasks = Vec::with_capacity(rows.len());
    for (id, case_id, title, due_at, case_number) in rows {
        tasks.push(TaskSummary {
            task: Task {
                id: parse(&id, "task id")?,
                case_id: parse(&case_id, "case id")?,
                title,
                due_at: due_at.as_deref().map(timefmt::parse).transpose()?,
                assignee: Some(user),
                done: false,
            },
            case_number,
        });
    }
    let ids: Vec<String> = tasks.iter().map(|t| t.task.id.to_string()).collect();
    tx.audit(actor, AuditCode::TasksListed, "task", None, json!({"task_ids": ids}))?;
    Ok(tasks)
}

fn draft_owner(actor: &Actor) -> Result<String> {
    // Only someone who may open a case keeps a report in progress.
    authorize(actor, Action::CaseCreate, Scope::Own)?;
    actor.user_id.map(|u| u.to_string()).ok_or_else(|| StoreError::NotFound("user".into()))
}

pub(super) fn save_draft(
    tx: &mut Tx<'_>,
    actor: &Actor,
    fields: serde_json::Map<String, serde_json::Value>,
) -> Result<()> {
    let user = draft_owner(actor)?;
    let data = serde_json::Value::Object(fields).to_string();
    if data.len() > crate::MAX_DRAFT_BYTES {
        let message = format!("is longer than {} bytes", crate::MAX_DRAFT_BYTES);
        let limit = u32::try_from(crate::MAX_DRAFT_BYTES).unwrap_or(u32::MAX);
        let error =
            homeward_domain::FieldError::new("draft", homeward_domain::Problem::TooLong, message).with_limit(limit);
        return Err(StoreError::Domain(homeward_domain::DomainError::Invalid(vec![error])));
    }
    tx.conn
        .prepare_cached(
            "INSERT INTO drafts (user_id, data, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (user_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
        )?
        .execute(params![user, data, timefmt::format(tx.now)])?;
    tx.audit(actor, AuditCode::DraftSaved, "draft", Some(user), json!({"bytes": data.len()}))
}

pub(super) fn draft(tx: &mut Tx<'_>, actor: &Actor) -> Result<Option<crate::Draft>> {
    let user = draft_owner(actor)?;
    let row: Option<(String, String)> = tx
        .conn
        .prepare_cached("SELECT data, updated_at FROM drafts WHERE user_id = ?1")?
        .query_row([&user], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((data, at)) = row else { return Ok(None) };
    let fields = from_json(&data, "draft")?;
    tx.audit(actor, AuditCode::DraftRead, "draft", Some(user), json!({}))?;
    Ok(Some(crate::Draft { fields, saved_at: timefmt::parse(&at)? }))
}

pub(super) fn discard_draft(tx: &mut Tx<'_>, actor: &Actor) -> Result<()> {
    let user = draft_owner(actor)?;
    let deleted = tx.conn.prepare_cached("DELETE FROM drafts WHERE user_id = ?1")?.execute([&user])?;
    if deleted > 0 {
        tx.audit(actor, AuditCode::DraftDiscarded, "draft", Some(user), json!({}))?;
    }
    Ok(())
}
