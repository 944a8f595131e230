//! Moving and keeping data: a backup taken while cases are written is one consistent moment, a
//! restore puts it back (and never over a database in use), and a move from SQLite to PostgreSQL
//! copies every table and the audit chain whole.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use homeward_domain::alert::{AlertChange, PublicField};
use homeward_domain::case::{Case, CaseEvent};
use homeward_domain::escalation::{Missed, Subject};
use homeward_domain::notification::{Routes, WebhookRoute};
use homeward_domain::sighting::{NewSighting, Photo, SightingContact};
use homeward_domain::view::CaseChange;
use homeward_store::transfer::{self, TransferError};
use homeward_store::{AuditCode, SqlStore, Store, system_clock};
use serde_json::json;
use time::{Duration, OffsetDateTime};

use super::{Backend, Database, Fixture, fixture, on, report};

fn count(conn: &rusqlite::Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

/// Every case in the SQLite file at `path` is whole: its stored projection is the fold of its
/// events (read through `store`, opened on that file), and it has exactly one `case.created`
/// audit entry. Answers how many cases there are.
fn every_case_is_whole(path: &Path, store: &SqlStore, actor: &homeward_domain::org::Actor) -> usize {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn.prepare("SELECT id, state FROM cases").unwrap();
    let cases: Vec<(String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
    for (id, state) in &cases {
        let stored: Case = serde_json::from_str(state).unwrap();
        let events: Vec<CaseEvent> = store.case_events(actor, id.parse().unwrap()).unwrap();
        assert_eq!(Case::from_events(&events).unwrap(), stored, "case {id}");
        let created: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM audit_log WHERE code = ?1 AND record_id = ?2",
                rusqlite::params![AuditCode::CaseCreated.code(), id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(created, 1, "case {id} has its audit entry");
    }
    cases.len()
}

#[test]
fn a_backup_taken_while_cases_are_written_is_one_consistent_moment() {
    on(Backend::Sqlite, || {
        let f = fixture();
        for _ in 0..10 {
            f.store.create_case(&f.actor, report("2011-04-02")).unwrap();
        }
        let stop = Arc::new(AtomicBool::new(false));
        let written = Arc::new(AtomicUsize::new(10));
        let writer = {
            let (store, actor, stop, written) = (f.store.clone(), f.actor.clone(), stop.clone(), written.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let id = store.create_case(&actor, report("2012-05-06")).unwrap().case.id;
                    store
                        .change_case(
                            &actor,
                            id,
                            CaseChange::AddNote(homeward_domain::records::NewNote { text: "called back".into() }),
                        )
                        .unwrap();
                    written.fetch_add(1, Ordering::Relaxed);
                }
            })
        };
        // The copy starts while the other thread is in full flow.
        while written.load(Ordering::Relaxed) < 15 {
            std::thread::yield_now();
        }
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("backup.db");
        let checked = transfer::backup_sqlite(f.path(), &copy).unwrap();
        let during = written.load(Ordering::Relaxed);
        stop.store(true, Ordering::Relaxed);
        writer.join().unwrap();

        assert!(checked.cases >= 15 && checked.cases as usize <= during + 1, "{checked:?}, {during} written");
        assert!(checked.audit_entries > checked.cases);
        assert_eq!(checked.bytes, std::fs::metadata(&copy).unwrap().len());
        // The copy opens as a database of its own, its chain verifies there too, and every case
        // in it is whole.
        let reopened = SqlStore::open(copy.to_str().unwrap(), system_clock()).unwrap();
        let report = reopened.verify_audit().unwrap();
        assert!(report.is_ok(), "{report:?}");
        assert_eq!(report.entries, checked.audit_entries);
        assert_eq!(every_case_is_whole(&copy, &reopened, &f.actor), checked.cases as usize);

        // A backup never overwrites a file.
        let err = transfer::backup_sqlite(f.path(), &copy).unwrap_err();
        assert!(matches!(err, TransferError::Refused(_)), "{err}");
        assert!(err.to_string().contains("already exists"), "{err}");
    });
}

/// Restores, retrying while the connections of a store just dropped are still closing.
fn restore_when_closed(backup: &Path, target: &Path) -> transfer::Restored {
    for _ in 0..200 {
        match transfer::restore_sqlite(backup, target) {
            Err(TransferError::Refused(why)) if why.contains("in use") => {
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            other => return other.unwrap(),
        }
    }
    panic!("the database stayed in use after its store was dropped");
}

#[test]
fn a_restore_puts_the_backup_back_refuses_a_database_in_use_and_keeps_what_it_replaced() {
    on(Backend::Sqlite, || {
        let Fixture { store, actor, db } = fixture();
        let Database::Sqlite { path, .. } = &db else { unreachable!() };
        for _ in 0..3 {
            store.create_case(&actor, report("2011-04-02")).unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        let backup = dir.path().join("backup.db");
        let taken = transfer::backup_sqlite(path, &backup).unwrap();
        for _ in 0..2 {
            store.create_case(&actor, report("2011-04-02")).unwrap();
        }

        let err = transfer::restore_sqlite(&backup, path).unwrap_err();
        assert!(err.to_string().contains("in use: stop the Homeward server"), "{err}");
        assert_eq!(store.list_cases(&actor, Default::default()).unwrap().total, 5, "the refusal changed nothing");

        drop(store);
        let restored = restore_when_closed(&backup, path);
        assert_eq!(restored.checked.cases, 3);
        assert_eq!(restored.checked.last_hash, taken.last_hash);
        let kept = restored.kept.expect("the replaced database is kept");
        assert!(kept.file_name().unwrap().to_str().unwrap().starts_with("homeward.db.before-restore-"), "{kept:?}");
        assert_eq!(count(&rusqlite::Connection::open(&kept).unwrap(), "cases"), 5, "the kept copy is whole");

        let store = SqlStore::open(path.to_str().unwrap(), system_clock()).unwrap();
        assert_eq!(store.list_cases(&actor, Default::default()).unwrap().total, 3);
        assert!(store.verify_audit().unwrap().is_ok());
        // The restored database takes new commands, chained on to its restored chain.
        store.create_case(&actor, report("2011-04-02")).unwrap();
        assert!(store.verify_audit().unwrap().is_ok());
    });
}

#[test]
fn a_damaged_or_tampered_backup_is_never_restored() {
    on(Backend::Sqlite, || {
        let Fixture { store, actor, db } = fixture();
        let Database::Sqlite { path, .. } = &db else { unreachable!() };
        store.create_case(&actor, report("2011-04-02")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let backup = dir.path().join("backup.db");
        transfer::backup_sqlite(path, &backup).unwrap();
        drop(store);

        let tampered = dir.path().join("tampered.db");
        std::fs::copy(&backup, &tampered).unwrap();
        rusqlite::Connection::open(&tampered)
            .unwrap()
            .execute("UPDATE audit_log SET detail = '{}' WHERE seq = 2", [])
            .unwrap();
        let newer = dir.path().join("newer.db");
        std::fs::copy(&backup, &newer).unwrap();
        rusqlite::Connection::open(&newer)
            .unwrap()
            .execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')", [])
            .unwrap();
        let garbage = dir.path().join("garbage.db");
        std::fs::write(&garbage, b"not a database at all, just some bytes").unwrap();
        settle(path);
        let before = std::fs::read(path).unwrap();

        let err = restore_when_closed_err(&tampered, path);
        assert!(err.contains("audit chain") && err.contains("broken at entry 2"), "{err}");
        let err = restore_when_closed_err(&newer, path);
        assert!(err.contains("schema version 999 but this build knows only up to"), "{err}");
        let err = restore_when_closed_err(&garbage, path);
        assert!(err.contains("not a database") || err.contains("damaged"), "{err}");
        assert_eq!(std::fs::read(path).unwrap(), before, "the target was not touched");
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.contains("restor"))
            .collect();
        assert!(leftovers.is_empty(), "nothing is left behind: {leftovers:?}");
    });
}

/// Waits until the dropped store has closed the database (its threads close their connections
/// after the drop), then folds the log into the main file, as a restore does before it reads
/// anything: the file's bytes are then all of the database, whether or not the store's own
/// checkpoints had got that far. (Read before that, a restore's own fold changed them: a flaky
/// "the target was not touched".)
fn settle(path: &Path) {
    for _ in 0..200 {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.busy_timeout(std::time::Duration::from_millis(50)).unwrap();
        let folded = conn
            .execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;")
            .and_then(|()| conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get::<_, i64>(0)));
        if let Ok(0) = folded {
            return;
        }
        drop(conn);
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("the database stayed in use after its store was dropped");
}

fn restore_when_closed_err(backup: &Path, target: &Path) -> String {
    for _ in 0..200 {
        match transfer::restore_sqlite(backup, target) {
            Err(TransferError::Refused(why)) if why.contains("in use") => {
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            Err(e) => return e.to_string(),
            Ok(r) => panic!("restored {r:?}"),
        }
    }
    panic!("the database stayed in use after its store was dropped");
}

/// A sighting's photo: a JPEG's first bytes, then every byte value (0 to 255 and back), so that
/// backslashes, tabs and newlines in BYTEA travel too.
fn photo() -> Photo {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend((0..=255u8).chain((0..=255u8).rev()).cycle().take(3000));
    Photo::check(bytes).unwrap()
}

/// A note with every character COPY's text format escapes.
const NOTE: &str = "tab\there, newline\nthere, CR\r, backslash \\ and \\N, quote ' and \"";

/// A SQLite store with a little of everything: cases with contacts, notes with characters COPY
/// escapes, a warning, a published alert, a sighting with a photo, an escalation and its
/// notifications.
fn everything(f: &Fixture) -> Vec<homeward_domain::CaseId> {
    let mut cases = Vec::new();
    for phone in ["+30 690 000 1234", "+30 690 000 1234", "+30 690 000 9999"] {
        let mut new = report("2011-04-02");
        new.identifiers = serde_json::from_value(json!([{"kind": "phone", "value": phone}])).unwrap();
        cases.push(f.store.create_case(&f.actor, new).unwrap().case.id);
    }
    f.store
        .change_case(&f.actor, cases[0], CaseChange::AddNote(homeward_domain::records::NewNote { text: NOTE.into() }))
        .unwrap();
    assert!(!f.store.list_warnings(&f.actor, true).unwrap().is_empty(), "the shared phone raised a warning");

    let alert = f
        .store
        .request_alert(&f.actor, cases[1], super::alerts::request(&[PublicField::Age, PublicField::ContactPhone]))
        .unwrap();
    super::alerts::ready(f, alert.id);
    f.store.change_alert(&f.actor, alert.id, AlertChange::Publish { ends_at: None }).unwrap();

    let seen = OffsetDateTime::now_utc() - Duration::hours(1);
    let sighting = NewSighting {
        alert: None,
        place: "Larissa station".into(),
        lat: Some(39.6390),
        lon: Some(22.4191),
        seen_at: homeward_domain::sighting::format_local(time::PrimitiveDateTime::new(seen.date(), seen.time())),
        utc_offset_minutes: Some(0),
        description: "A girl in a red coat".into(),
        contact: SightingContact { name: Some("A passer-by".into()), phone: None, email: None },
    };
    f.store.submit_sighting("198.51.100.7", sighting, Some(photo())).unwrap();

    let org = f.actor.organisation_id.unwrap();
    f.store.use_notification_routes(Arc::new(Routes {
        email: true,
        webhooks: vec![WebhookRoute { organisation_id: org, name: "dispatch".into() }],
    }));
    let now = OffsetDateTime::now_utc();
    let missed = Missed {
        case_id: cases[2],
        organisation_id: org,
        subject: Subject::Target("police_handover_high".into()),
        cycle: 1,
        due_at: now - Duration::minutes(1),
    };
    f.store.record_escalations(vec![missed], now, Duration::minutes(30)).unwrap();
    assert!(!f.store.due_notifications(now, 100).unwrap().is_empty(), "notifications were queued");
    cases
}

/// Runs `body` with an empty PostgreSQL database to move into, the fixtures on SQLite (or says
/// it is skipped, as the conformance suite's PostgreSQL halves do).
fn with_postgres_target(body: fn(Database)) {
    if super::postgres_server().is_none() {
        on(Backend::Postgres, || {});
        return;
    }
    super::BACKEND.with(|b| b.set(Backend::Postgres));
    let target = Database::new();
    super::BACKEND.with(|b| b.set(Backend::Sqlite));
    body(target);
}

#[test]
fn migrate_data_moves_every_table_and_the_audit_chain_to_postgres() {
    with_postgres_target(|target| {
        let f = fixture();
        let cases = everything(&f);
        let source_url = f.db.url();
        let migrated = transfer::migrate_data(&source_url, &target.url()).unwrap();

        // Every table of the schema was copied, each with all its rows.
        let sqlite = rusqlite::Connection::open(f.path()).unwrap();
        let mut stmt = sqlite
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                   AND name <> 'schema_migrations' ORDER BY name",
            )
            .unwrap();
        let tables: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        let mut moved: Vec<String> = migrated.tables.iter().map(|t| t.table.clone()).collect();
        moved.sort();
        assert_eq!(moved, tables, "every table of the SQLite schema, and no other");
        let mut pg = postgres::Client::connect(&target.url(), postgres::NoTls).unwrap();
        for table in &tables {
            let there: i64 = pg.query_one(&format!("SELECT COUNT(*) FROM {table}"), &[]).unwrap().get(0);
            assert_eq!(there, count(&sqlite, table), "{table}");
        }
        for table in ["cases", "contacts", "warnings", "alerts", "sightings", "sighting_photos", "notifications"] {
            assert!(count(&sqlite, table) > 0, "the test data has rows in {table}");
        }
        let photo_in = |bytes: Vec<u8>| assert_eq!(bytes, photo().bytes);
        photo_in(pg.query_one("SELECT bytes FROM sighting_photos", &[]).unwrap().get(0));

        // The chain is whole on the target and ends where the source's does.
        let source_entries = f.store.audit_entries(0, 1_000_000).unwrap();
        assert_eq!(migrated.audit.entries, source_entries.len() as u64);
        assert_eq!(migrated.last_hash, source_entries.last().unwrap().hash);

        // The moved store answers as the original did.
        let moved = SqlStore::open_postgres(&target.url(), system_clock()).unwrap();
        for id in &cases {
            assert_eq!(moved.get_case(&f.actor, *id).unwrap(), f.store.get_case(&f.actor, *id).unwrap());
        }
        let note: String =
            sqlite.query_row("SELECT text FROM notes WHERE text LIKE '%backslash%'", [], |r| r.get(0)).unwrap();
        assert!(note.contains("\\N") && note.contains('\n'), "{note:?}");
        let notes: i64 = pg.query_one("SELECT COUNT(*) FROM notes WHERE text = $1", &[&note]).unwrap().get(0);
        assert_eq!(notes, 1, "the note's escapes travelled as they were");
        assert!(moved.verify_audit().unwrap().is_ok(), "the reads appended to the moved chain");
    });
}

#[test]
fn migrate_data_refuses_a_target_that_is_not_empty_and_other_directions() {
    with_postgres_target(|target| {
        let f = fixture();
        f.store.create_case(&f.actor, report("2011-04-02")).unwrap();
        transfer::migrate_data(&f.db.url(), &target.url()).unwrap();
        let before: i64 = postgres::Client::connect(&target.url(), postgres::NoTls)
            .unwrap()
            .query_one("SELECT COUNT(*) FROM audit_log", &[])
            .unwrap()
            .get(0);
        let err = transfer::migrate_data(&f.db.url(), &target.url()).unwrap_err();
        assert!(matches!(err, TransferError::Refused(_)), "{err}");
        assert!(err.to_string().contains("not empty") && err.to_string().contains("organisations"), "{err}");
        let after: i64 = postgres::Client::connect(&target.url(), postgres::NoTls)
            .unwrap()
            .query_one("SELECT COUNT(*) FROM audit_log", &[])
            .unwrap()
            .get(0);
        assert_eq!(after, before, "the refused move wrote nothing");

        let err = transfer::migrate_data(&target.url(), &f.db.url()).unwrap_err();
        assert!(err.to_string().contains("from SQLite to PostgreSQL only"), "{err}");
    });
}

#[test]
fn migrate_data_refuses_schemas_whose_tables_differ() {
    with_postgres_target(|target| {
        let f = fixture();
        f.store.create_case(&f.actor, report("2011-04-02")).unwrap();
        // A table only one backend has (a migration added to SQLite's list and not PostgreSQL's)
        // is named, never silently left behind.
        f.conn().execute_batch("CREATE TABLE only_here (id TEXT PRIMARY KEY)").unwrap();
        let err = transfer::migrate_data(&f.db.url(), &target.url()).unwrap_err();
        assert!(err.to_string().contains("only in SQLite: [only_here]; only in PostgreSQL: []"), "{err}");
        let mut pg = postgres::Client::connect(&target.url(), postgres::NoTls).unwrap();
        let orgs: i64 = pg.query_one("SELECT COUNT(*) FROM organisations", &[]).unwrap().get(0);
        assert_eq!(orgs, 0, "nothing was copied");
    });
}
