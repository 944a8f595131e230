//! Synthetic demo data: organisations in several countries, users of every role, and years of
//! cases with the 116000 network's category mix, names in Greek, Serbian Cyrillic, Arabic and
//! Latin scripts, repeat episodes of the same child and identifiers shared across cases.
//!
//! Every name is drawn from lists of common first and family names and combined at random, so
//! no record describes a real person. The output depends only on the seed.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use anyhow::{Context, bail};
use homeward_domain::CaseId;
use homeward_domain::case::{Category, LastSeen, MissingFrom, MissingFromKind, NewCase, RiskLevel, Status};
use homeward_domain::child::{NewChild, Sex};
use homeward_domain::dates::{AgeRange, PartialDate};
use homeward_domain::linkage::MatchDecision::Confirm;
use homeward_domain::org::{Actor, NewOrganisation, NewUser, OrganisationKind, Role, User};
use homeward_domain::records::{CallerRelation, Channel, IdentifierKind, NewContact, NewIdentifier, NewNote};
use homeward_domain::view::CaseChange;
use homeward_store::{SqlStore, Store};
use time::{Duration, OffsetDateTime};

pub const DEFAULT_CASES: u32 = 2000;

/// The password of every demo user. Demo data goes only into an empty database.
pub const DEMO_PASSWORD: &str = "homeward-demo";

/// A small, fast, seedable generator (SplitMix64); demo data needs no more.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

struct Country {
    code: &'static str,
    hotline: &'static str,
    police: &'static str,
    /// Each place with its region, latitude and longitude.
    places: &'static [(&'static str, &'static str, f64, f64)],
    female: &'static [&'static str],
    male: &'static [&'static str],
    family_f: &'static [&'static str],
    family_m: &'static [&'static str],
    phone_prefix: &'static str,
}

const GREECE: Country = Country {
    code: "GR",
    hotline: "116000 Hotline Greece (demo)",
    police: "Missing Persons Unit Attica (demo)",
    places: &[
        ("Athens, Omonia", "Attica", 37.984, 23.728),
        ("Athens, Syntagma metro", "Attica", 37.975, 23.735),
        ("Piraeus, port gate E2", "Attica", 37.942, 23.646),
        ("Thessaloniki, Aristotelous Square", "Central Macedonia", 40.632, 22.941),
        ("Patras, bus station", "Western Greece", 38.246, 21.735),
    ],
    female: &["Ελένη", "Μαρία", "Κατερίνα", "Σοφία", "Αναστασία", "Δέσποινα", "Γεωργία", "Χριστίνα"],
    male: &["Γιώργος", "Δημήτρης", "Νίκος", "Γιάννης", "Κωνσταντίνος", "Παναγιώτης", "Άγγελος", "Στέλιος"],
    family_f: &["Παπαδοπούλου", "Οικονόμου", "Γεωργίου", "Νικολάου", "Καραγιάννη", "Βασιλείου", "Αθανασίου"],
    family_m: &["Παπαδόπουλος", "Οικονόμου", "Γεωργίου", "Νικολάου", "Καραγιάννης", "Βασιλείου", "Αθανασίου"],
    phone_prefix: "+30 690 00",
};

const SERBIA: Country = Country {
    code: "RS",
    hotline: "116000 Hotline Serbia (demo)",
    police: "Belgrade Police Juvenile Unit (demo)",
    places: &[
        ("Belgrade, central bus station", "Belgrade", 44.808, 20.457),
        ("Belgrade, Zemun quay", "Belgrade", 44.846, 20.410),
        ("Novi Sad, railway station", "Vojvodina", 45.265, 19.830),
        ("Niš, fortress park", "Nišava", 43.325, 21.895),
    ],
    female: &["Јована", "Милица", "Ана", "Теодора", "Марија", "Софија", "Катарина"],
    male: &["Марко", "Стефан", "Лука", "Никола", "Душан", "Ђорђе", "Филип"],
    family_f: &["Петровић", "Јовановић", "Николић", "Марковић", "Ђорђевић", "Стојановић", "Илић"],
    family_m: &["Петровић", "Јовановић", "Николић", "Марковић", "Ђорђевић", "Стојановић", "Илић"],
    phone_prefix: "+381 60 000",
};

const BELGIUM: Country = Country {
    code: "BE",
    hotline: "116000 Hotline Belgium (demo)",
    police: "Federal Police Missing Persons Cell (demo)",
    places: &[
        ("Brussels-South station", "Brussels-Capital", 50.836, 4.336),
        ("Antwerp Central station", "Antwerp", 51.217, 4.421),
        ("Liège-Guillemins", "Liège", 50.624, 5.567),
        ("Ghent, Korenmarkt", "East Flanders", 51.054, 3.721),
    ],
    female: &["Emma", "Léa", "Louise", "Olivia", "Nora", "Lina", "Marie"],
    male: &["Lucas", "Noah", "Louis", "Arthur", "Liam", "Adam", "Victor"],
    family_f: &["Peeters", "Janssens", "Maes", "Dubois", "Lambert", "Claes", "Willems"],
    family_m: &["Peeters", "Janssens", "Maes", "Dubois", "Lambert", "Claes", "Willems"],
    phone_prefix: "+32 470 00",
};

/// Names for unaccompanied migrant children, in Arabic script with common Latin renderings.
const ARABIC_F: &[(&str, &str)] =
    &[("فاطمة", "Fatima"), ("مريم", "Maryam"), ("زينب", "Zainab"), ("آمنة", "Amina"), ("نور", "Nour")];
const ARABIC_M: &[(&str, &str)] =
    &[("محمد", "Mohammed"), ("أحمد", "Ahmad"), ("عمر", "Omar"), ("يوسف", "Youssef"), ("علي", "Ali")];
const ARABIC_FAMILY: &[(&str, &str)] =
    &[("الحسن", "Al-Hassan"), ("عبد الرحمن", "Abdul Rahman"), ("خليل", "Khalil"), ("حداد", "Haddad"), ("سعيد", "Said")];
const ARABIC_NATIONALITIES: &[&str] = &["SY", "AF", "IQ", "MA", "DZ", "SD"];

const COUNTRIES: [&Country; 3] = [&GREECE, &SERBIA, &BELGIUM];

/// A clock the generator moves, so that demo cases spread over years.
struct DemoClock(Arc<AtomicI64>);

impl DemoClock {
    fn set(&self, at: OffsetDateTime) {
        self.0.store((at.unix_timestamp_nanos() / 1000) as i64, Ordering::SeqCst);
    }
}

fn demo_store(url: &str) -> anyhow::Result<(SqlStore, DemoClock)> {
    let Some(path) = url.strip_prefix("sqlite://") else {
        bail!("demo data is written to a sqlite:// database; got {}", crate::settings::redact(url));
    };
    let micros = Arc::new(AtomicI64::new(0));
    let read = micros.clone();
    let clock: homeward_store::Clock = Arc::new(move || {
        let at = read.load(Ordering::SeqCst);
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    });
    // Demo data can always be written again, so it is loaded without an fsync per command.
    let store = SqlStore::open_with(path, clock, homeward_store::Durability::Relaxed)
        .with_context(|| format!("cannot open {}", crate::settings::redact(url)))?;
    Ok((store, DemoClock(micros)))
}

/// Fills the database unless it already holds data; prints how to log in either way.
pub fn fill_if_empty(url: &str, cases: u32, seed: u64) -> anyhow::Result<()> {
    let (store, _) = demo_store(url)?;
    if store.is_empty()? {
        drop(store);
        println!("{}", fill(url, cases, seed)?);
    } else {
        println!(
            "The database already holds data; demo users (if it is demo data) log in with password `{DEMO_PASSWORD}`."
        );
    }
    Ok(())
}

struct OrgUsers {
    operator: User,
    case_manager: User,
    supervisor: User,
}

/// What one demo case goes through after it is opened, at times relative to the report.
enum Step {
    Risk(RiskLevel),
    Identifier(IdentifierKind, String),
    Note(&'static str),
    Share,
    Status(Status),
}

/// Writes the demo data into an empty database.
pub fn fill(url: &str, cases: u32, seed: u64) -> anyhow::Result<String> {
    let (store, clock) = demo_store(url)?;
    if !store.is_empty()? {
        bail!("the database at {url} already holds data; demo data goes only into an empty database");
    }
    let now = OffsetDateTime::now_utc();
    let start = now - Duration::days(3 * 365);
    clock.set(start - Duration::days(1));
    let cli = Actor::command_line();
    let mut rng = Rng(seed);

    let mut orgs = Vec::new();
    for country in COUNTRIES {
        let hotline = store.create_organisation(
            &cli,
            NewOrganisation {
                name: country.hotline.into(),
                kind: OrganisationKind::Hotline,
                country: country.code.into(),
            },
        )?;
        let police = store.create_organisation(
            &cli,
            NewOrganisation {
                name: country.police.into(),
                kind: OrganisationKind::PoliceUnit,
                country: country.code.into(),
            },
        )?;
        let cc = country.code.to_lowercase();
        let user = |org: &homeward_domain::org::Organisation, role: Role| {
            let email = format!("{}@{cc}.demo.homeward.example", role.as_str().replace('_', "-"));
            store.create_user_with_password(
                &cli,
                NewUser { email, display_name: None, role, organisation_id: Some(org.id) },
                DEMO_PASSWORD,
            )
        };
        let users = OrgUsers {
            operator: user(&hotline, Role::Operator)?,
            case_manager: user(&hotline, Role::CaseManager)?,
            supervisor: user(&hotline, Role::Supervisor)?,
        };
        user(&hotline, Role::Analyst)?;
        user(&hotline, Role::Admin)?;
        user(&police, Role::PoliceLiaison)?;
        orgs.push((country, hotline, police, users));
    }
    store.create_organisation(
        &cli,
        NewOrganisation {
            name: "Reception Centre Operator Attica (demo)".into(),
            kind: OrganisationKind::ReceptionCentreOperator,
            country: "GR".into(),
        },
    )?;

    // Shared identifiers: a few numbers and handles that turn up in several cases.
    let shared_phones: Vec<String> = (0..12).map(|i| format!("{}{:05}", GREECE.phone_prefix, 1000 + i * 37)).collect();
    let shared_handles = ["@night_rider_ath", "@easy.money.jobs", "@travel_friends_bg", "@model_casting_eu"];

    let mut schedule: Vec<(OffsetDateTime, usize, Step)> = Vec::new();
    let mut reports = Vec::new();
    // Each child reported so far, with the report that first named them.
    let mut children: Vec<(usize, NewChild, usize)> = Vec::new();
    // For a repeat episode: the report of the child's first episode.
    let mut repeat_of: Vec<Option<usize>> = Vec::new();
    let span = (now - start).whole_minutes().max(1) as u64;
    let mut opened: Vec<i64> = (0..cases).map(|_| (rng.next() % span) as i64).collect();
    opened.sort_unstable();
    for (k, minutes) in opened.into_iter().enumerate() {
        let reported = start + Duration::minutes(minutes);
        let org_index = match rng.below(10) {
            0..=4 => 0,
            5..=7 => 1,
            _ => 2,
        };
        let country = orgs[org_index].0;
        let roll = rng.below(100);
        let category = match roll {
            0..=39 => Category::RunawayNational,
            40..=54 => Category::Runaway,
            55..=61 => Category::RunawayInternational,
            62..=72 => Category::ParentalAbductionNational,
            73..=81 => Category::ParentalAbductionInternational,
            82..=84 => Category::CriminalAbduction,
            85..=93 => Category::MissingUnaccompaniedMigrant,
            _ => Category::LostInjuredOtherwiseMissing,
        };
        // One runaway in three is a repeat episode of a child already reported here.
        let day = homeward_domain::dates::utc_date(reported);
        let still_a_child = |c: &NewChild| {
            c.date_of_birth
                .is_none_or(|d| homeward_domain::dates::age_bounds(&d, day).1 < homeward_domain::child::ADULT_AGE - 1)
        };
        let previous: Vec<&(usize, NewChild, usize)> =
            children.iter().filter(|(o, c, _)| *o == org_index && still_a_child(c)).collect();
        let repeat = matches!(category, Category::Runaway | Category::RunawayNational)
            && !previous.is_empty()
            && rng.chance(0.33);
        let child = if repeat {
            let (_, child, first) = previous[rng.below(previous.len())];
            repeat_of.push(Some(*first));
            child.clone()
        } else {
            let child = new_child(&mut rng, country, category, reported);
            children.push((org_index, child.clone(), k));
            repeat_of.push(None);
            child
        };
        let (place, region, lat, lon) = *rng.pick(country.places);
        let jitter = |r: &mut Rng| (r.below(2000) as f64 - 1000.0) / 100_000.0;
        let missing_from = match category {
            Category::MissingUnaccompaniedMigrant => Some(MissingFrom::new(
                MissingFromKind::ReceptionCentre,
                Some(format!("Reception centre {}", 1 + rng.below(4))),
            )),
            _ if rng.chance(0.2) => Some(MissingFrom::new(
                MissingFromKind::Institution,
                Some(format!("Children's home {}", 1 + rng.below(6))),
            )),
            _ if rng.chance(0.05) => Some(MissingFrom::new(MissingFromKind::FosterPlacement, None)),
            _ => Some(MissingFrom::new(MissingFromKind::Home, None)),
        };
        let last_seen_at = reported - Duration::minutes(30 + rng.below(60 * 20) as i64);
        // An unaccompanied child was registered at the centre hours to weeks before.
        let missing_from = missing_from.map(|m| match m.kind {
            MissingFromKind::ReceptionCentre => {
                MissingFrom { registered_at: Some(last_seen_at - Duration::hours(6 + rng.below(24 * 20) as i64)), ..m }
            }
            _ => m,
        });
        let (relation, summary) = match category {
            Category::MissingUnaccompaniedMigrant => (
                CallerRelation::InstitutionStaff,
                "Staff report the child did not return to the centre after the evening meal.",
            ),
            Category::ParentalAbductionNational | Category::ParentalAbductionInternational => {
                (CallerRelation::Parent, "Parent reports the other parent did not bring the child back after a visit.")
            }
            Category::CriminalAbduction => {
                (CallerRelation::Police, "Police ask the hotline to support the family after a witnessed abduction.")
            }
            Category::LostInjuredOtherwiseMissing => (
                CallerRelation::Relative,
                "Relative reports the child has not been seen since the afternoon; reason unknown.",
            ),
            _ => (
                CallerRelation::Parent,
                "Parent reports the child did not come home from school and is not answering the phone.",
            ),
        };
        let new = NewCase {
            category,
            risk_level: None,
            child,
            last_seen: LastSeen {
                at: last_seen_at,
                place: Some(place.into()),
                region: Some(region.into()),
                lat: Some(lat + jitter(&mut rng)),
                lon: Some(lon + jitter(&mut rng)),
                missing_from,
            },
            circumstances: Some(
                "Synthetic demo case. Left without a bag; phone switched off since the evening.".into(),
            ),
            contact: Some(NewContact {
                channel: *rng.pick(&[
                    Channel::Phone,
                    Channel::Phone,
                    Channel::Phone,
                    Channel::Chat,
                    Channel::Email,
                    Channel::Web,
                ]),
                received_at: reported,
                caller_relation: if rng.chance(0.1) { None } else { Some(relation) },
                caller_name: None,
                caller_phone: None,
                summary: summary.into(),
            }),
            assignee: None,
            identifiers: Vec::new(),
        };
        reports.push((reported, org_index, new));

        let risk = match rng.below(10) {
            0..=1 => RiskLevel::High,
            2..=5 => RiskLevel::Medium,
            6..=8 => RiskLevel::Low,
            _ => RiskLevel::VeryLow,
        };
        let mut at = reported + Duration::minutes(5 + rng.below(40) as i64);
        schedule.push((at, k, Step::Risk(risk)));
        if rng.chance(0.08) {
            schedule.push((
                at + Duration::minutes(3),
                k,
                Step::Identifier(IdentifierKind::Phone, rng.pick(&shared_phones).clone()),
            ));
        } else if rng.chance(0.3) {
            let number = format!("{}{:05}", country.phone_prefix, 20_000 + rng.below(70_000));
            schedule.push((at + Duration::minutes(3), k, Step::Identifier(IdentifierKind::Phone, number)));
        }
        if rng.chance(0.04) {
            schedule.push((
                at + Duration::minutes(4),
                k,
                Step::Identifier(IdentifierKind::SocialHandle, (*rng.pick(&shared_handles)).into()),
            ));
        }
        if risk == RiskLevel::High {
            schedule.push((at + Duration::minutes(6), k, Step::Share));
        }
        // Some children are never found while the demo's years pass: half of the unaccompanied
        // migrant children (most of them are never traced) and a few others. Their cases stay
        // open, so the case desk has the long tail a real hotline carries.
        let never_found = (category == Category::MissingUnaccompaniedMigrant && rng.chance(0.5)) || rng.chance(0.03);
        if never_found {
            continue;
        }
        // Most children are found within days; a few cases stay open for a long time.
        let hours_missing = match rng.below(20) {
            0 => 24 * (30 + rng.below(400)),
            1..=3 => 24 * (2 + rng.below(14)),
            _ => 2 + rng.below(46),
        } as i64;
        at = last_seen_at + Duration::hours(hours_missing);
        if at < at.max(reported) + Duration::minutes(1) {
            at = reported + Duration::hours(1);
        }
        schedule.push((at - Duration::minutes(10), k, Step::Note("Family called back with news.")));
        let found = match rng.below(100) {
            0..=93 => Status::FoundSafe,
            94..=98 => Status::FoundHarmed,
            _ => Status::FoundDeceased,
        };
        schedule.push((at, k, Step::Status(found)));
        if found != Status::FoundDeceased && rng.chance(0.6) {
            schedule.push((at + Duration::days(1), k, Step::Status(Status::Support)));
        }
        schedule.push((at + Duration::days(7 + rng.below(60) as i64), k, Step::Status(Status::Closed)));
    }
    schedule.retain(|(at, _, _)| *at < now);
    schedule.sort_by_key(|(at, k, _)| (*at, *k));

    // Open the cases and play every later step in time order, as they would have happened.
    let mut case_ids: Vec<Option<(CaseId, usize)>> = vec![None; reports.len()];
    let mut steps = schedule.into_iter().peekable();
    let mut applied = 0u32;
    for (k, (reported, org_index, new)) in reports.into_iter().enumerate() {
        while let Some((at, case, step)) = steps.next_if(|(at, _, _)| *at <= reported) {
            applied += u32::from(play(&store, &clock, &orgs, &case_ids, at, case, step)?);
        }
        clock.set(reported);
        let users = &orgs[org_index].3;
        let view = store.create_case(&Actor::user(&users.operator, "demo"), new).context("demo case")?;
        case_ids[k] = Some((view.case.id, org_index));
        // Every other repeat episode was confirmed by the case manager as the same child; the
        // rest are left for the linkage job to suggest when the server starts.
        if let Some(Some(first)) = repeat_of.get(k)
            && k % 2 == 0
            && let Some((first_case, _)) = case_ids[*first]
        {
            let reason = Some("The family confirmed on the phone that this is the same child.".to_owned());
            store
                .decide_match(&Actor::user(&users.case_manager, "demo"), view.case.id, first_case, Confirm, reason)
                .context("demo repeat episode")?;
        }
    }
    for (at, case, step) in steps {
        applied += u32::from(play(&store, &clock, &orgs, &case_ids, at, case, step)?);
    }
    let logins = orgs
        .iter()
        .flat_map(|(c, _, _, _)| {
            let cc = c.code.to_lowercase();
            ["operator", "case-manager", "supervisor", "police-liaison", "analyst", "admin"]
                .map(move |r| format!("{r}@{cc}.demo.homeward.example"))
        })
        .collect::<Vec<_>>()
        .join("\n  ");
    Ok(format!(
        "Demo data written: {cases} cases in {} hotlines, {} changes after opening.\n\
         Log in with any of these e-mail addresses and the password `{DEMO_PASSWORD}`:\n  {logins}",
        orgs.len(),
        applied,
    ))
}

/// Plays one step of a case at its time; false when the lifecycle refused it.
#[allow(clippy::too_many_arguments)]
fn play(
    store: &SqlStore,
    clock: &DemoClock,
    orgs: &[(&Country, homeward_domain::org::Organisation, homeward_domain::org::Organisation, OrgUsers)],
    case_ids: &[Option<(CaseId, usize)>],
    at: OffsetDateTime,
    case: usize,
    step: Step,
) -> anyhow::Result<bool> {
    let Some((id, org_index)) = case_ids[case] else {
        return Ok(false);
    };
    let (_, _, police, users) = &orgs[org_index];
    clock.set(at);
    let manager = Actor::user(&users.case_manager, "demo");
    let change = match step {
        Step::Risk(level) => CaseChange::AssessRisk { to: level, reason: None },
        Step::Identifier(kind, value) => {
            CaseChange::LinkIdentifier(NewIdentifier { kind, value, label: Some("given by the caller".into()) })
        }
        Step::Note(text) => CaseChange::AddNote(NewNote { text: text.into() }),
        Step::Share => CaseChange::Share(police.id),
        Step::Status(to) => CaseChange::ChangeStatus { to, reason: None },
    };
    let actor = if matches!(change, CaseChange::Share(_)) { Actor::user(&users.supervisor, "demo") } else { manager };
    // A step the lifecycle refuses (a risk review after the child was found) is simply skipped.
    match store.change_case(&actor, id, change) {
        Ok(_) => Ok(true),
        Err(homeward_store::StoreError::Domain(_)) => Ok(false),
        Err(e) => Err(e).context("demo step"),
    }
}

fn new_child(rng: &mut Rng, country: &Country, category: Category, reported: OffsetDateTime) -> NewChild {
    let female = rng.chance(0.55);
    let age = match category {
        Category::ParentalAbductionNational | Category::ParentalAbductionInternational => 2 + rng.below(10),
        Category::MissingUnaccompaniedMigrant => 13 + rng.below(5),
        _ => 11 + rng.below(7),
    } as i32;
    let year = reported.year() - age;
    let sex = if female { Sex::Female } else { Sex::Male };
    if category == Category::MissingUnaccompaniedMigrant {
        let (given, latin_given) = *rng.pick(if female { ARABIC_F } else { ARABIC_M });
        let (family, latin_family) = *rng.pick(ARABIC_FAMILY);
        let estimated = rng.chance(0.6);
        return NewChild {
            given_name: Some(given.into()),
            family_name: Some(family.into()),
            latin_given_name: Some(latin_given.into()),
            latin_family_name: Some(latin_family.into()),
            sex,
            date_of_birth: if estimated { None } else { PartialDate::new(year, None, None).ok() },
            estimated_age: estimated.then(|| AgeRange { min: (age - 1).max(0) as u8, max: (age + 1).min(17) as u8 }),
            nationalities: vec![(*rng.pick(ARABIC_NATIONALITIES)).into()],
            languages: vec!["ar".into()],
            description: Some("Slim build, dark hair; wore a grey hooded jacket.".into()),
            ..NewChild::default()
        };
    }
    let given = *rng.pick(if female { country.female } else { country.male });
    let family = *rng.pick(if female { country.family_f } else { country.family_m });
    let month = 1 + rng.below(12) as u8;
    let day = 1 + rng.below(28) as u8;
    let date_of_birth = match rng.below(10) {
        0 => PartialDate::new(year, None, None).ok(),
        1 => PartialDate::new(year, Some(month), None).ok(),
        _ => PartialDate::new(year, Some(month), Some(day)).ok(),
    };
    let language = match country.code {
        "GR" => "el",
        "RS" => "sr",
        _ => "fr",
    };
    NewChild {
        given_name: Some(given.into()),
        family_name: Some(family.into()),
        sex,
        date_of_birth,
        nationalities: vec![country.code.into()],
        languages: vec![language.into()],
        description: Some("Medium height, brown hair; wore jeans and a dark jacket.".into()),
        ..NewChild::default()
    }
}
