//! One connection type over SQLite and PostgreSQL, so that every store command is written once.
//!
//! The commands speak a small subset of SQL that both engines read the same way, with SQLite's
//! `?1` placeholders (turned into `$1` for PostgreSQL). Values cross the boundary as five
//! kinds — null, integer, real, text, bytes — the way SQLite stores them; towards PostgreSQL an
//! integer is written as whatever integer, boolean or real type the column has, and every
//! integer, boolean or real column is read back as SQLite would give it. So the schema of each
//! backend may use its own natural types while the commands stay the same.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;

/// Why a statement failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// SQLite refused or failed the statement.
    #[error(transparent)]
    Sqlite(rusqlite::Error),
    /// PostgreSQL refused or failed the statement, or the connection to it broke.
    #[error("{}", postgres_message(.0))]
    Postgres(#[from] postgres::Error),
    /// A statement expected to answer one row answered none.
    #[error("query returned no rows")]
    NoRows,
    /// The runtime a PostgreSQL connection runs on could not be started.
    #[error("cannot start a PostgreSQL connection's runtime: {0}")]
    Runtime(std::io::Error),
    /// A text held the NUL character (U+0000), which PostgreSQL cannot store. Refused on
    /// SQLite too, so that both backends take the same input.
    #[error("text may not contain the NUL character (U+0000)")]
    Nul,
    /// A column held a value the reader could not take (a text where an integer was expected).
    #[error("column {column}: {message}")]
    Conversion { column: usize, message: String },
}

/// A PostgreSQL error with the server's own message (the client's says only "db error").
fn postgres_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("PostgreSQL: {} (SQLSTATE {})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::QueryReturnedNoRows => Error::NoRows,
            e => Error::Sqlite(e),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `Ok(None)` for [`Error::NoRows`].
pub trait OptionalExtension<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(Error::NoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A value as it is bound to a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(Cow<'a, str>),
    Blob(Cow<'a, [u8]>),
}

impl Value<'_> {
    /// The value with its text or bytes copied, to outlive what it was borrowed from.
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Null => Value::Null,
            Value::Integer(i) => Value::Integer(i),
            Value::Real(r) => Value::Real(r),
            Value::Text(t) => Value::Text(Cow::Owned(t.into_owned())),
            Value::Blob(b) => Value::Blob(Cow::Owned(b.into_owned())),
        }
    }
}

/// A Rust value that can be bound to a statement.
pub trait ToValue {
    fn to_value(&self) -> Value<'_>;
}

macro_rules! integer_to_value {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value<'_> {
                // Every integer the store binds fits an i64 (counts, limits, years, sequence
                // numbers); one that did not would be a bug, and is stored as the largest.
                Value::Integer(i64::try_from(*self).unwrap_or(i64::MAX))
            }
        }
    )*};
}
integer_to_value!(i64, i32, u32, u64, usize, u16, u8, i16);

impl ToValue for bool {
    fn to_value(&self) -> Value<'_> {
        Value::Integer(i64::from(*self))
    }
}

impl ToValue for f64 {
    fn to_value(&self) -> Value<'_> {
        Value::Real(*self)
    }
}

impl ToValue for str {
    fn to_value(&self) -> Value<'_> {
        Value::Text(Cow::Borrowed(self))
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value<'_> {
        Value::Text(Cow::Borrowed(self))
    }
}

impl ToValue for [u8] {
    fn to_value(&self) -> Value<'_> {
        Value::Blob(Cow::Borrowed(self))
    }
}

impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value<'_> {
        Value::Blob(Cow::Borrowed(self))
    }
}

impl ToValue for Value<'_> {
    fn to_value(&self) -> Value<'_> {
        match self {
            Value::Null => Value::Null,
            Value::Integer(i) => Value::Integer(*i),
            Value::Real(r) => Value::Real(*r),
            Value::Text(t) => Value::Text(Cow::Borrowed(t)),
            Value::Blob(b) => Value::Blob(Cow::Borrowed(b)),
        }
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value<'_> {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null,
        }
    }
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value<'_> {
        (**self).to_value()
    }
}

/// The parameters of one statement.
pub trait Params {
    fn values(&self) -> Vec<Value<'_>>;
}

/// The values of `params`, refused when a text holds a NUL (see [`Error::Nul`]).
fn checked<P: Params>(params: &P) -> Result<Vec<Value<'_>>> {
    let values = params.values();
    if values.iter().any(|v| matches!(v, Value::Text(t) if t.contains('\0'))) {
        return Err(Error::Nul);
    }
    Ok(values)
}

impl Params for () {
    fn values(&self) -> Vec<Value<'_>> {
        Vec::new()
    }
}

impl<T: ToValue, const N: usize> Params for [T; N] {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(|v| v.to_value()).collect()
    }
}

impl<T: ToValue> Params for [T] {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(|v| v.to_value()).collect()
    }
}

impl<T: ToValue> Params for Vec<T> {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(|v| v.to_value()).collect()
    }
}

impl<P: Params + ?Sized> Params for &P {
    fn values(&self) -> Vec<Value<'_>> {
        (**self).values()
    }
}

/// Parameters of different types, as a slice: `params![id, 3, Some("x")]`.
#[macro_export]
macro_rules! params {
    () => { &[] as &[&dyn $crate::db::ToValue] };
    ($($p:expr),+ $(,)?) => { &[$(&$p as &dyn $crate::db::ToValue),+] as &[&dyn $crate::db::ToValue] };
}
pub use crate::params;

/// The parameters an iterator yields, in order.
pub fn params_from_iter<I>(iter: I) -> Vec<I::Item>
where
    I: IntoIterator,
    I::Item: ToValue,
{
    iter.into_iter().collect()
}

/// A value read from a row, as SQLite would give it.
pub trait FromValue: Sized {
    fn from_value(value: Value<'_>) -> std::result::Result<Self, String>;
}

impl FromValue for i64 {
    fn from_value(value: Value<'_>) -> std::result::Result<Self, String> {
        match value {
            Value::Integer(i) => Ok(i),
            other => Err(format!("expected an integer, found {}", kind(&other))),
        }
    }
}

macro_rules! integer_from_value {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(value: Value<'_>) -> std::result::Result<Self, String> {
                let i = i64::from_value(value)?;
                <$t>::try_from(i).map_err(|_| format!("{i} is out of range for {}", stringify!($t)))
            }
        }
    )*};
}
integer_from_value!(i32, u32, u64, usize, u16, u8, i16);

impl FromValue for bool {
    fn from_value(value: Value<'_>) -> std::result::Result<Self, String> {
        Ok(i64::from_value(value)? != 0)
    }
}

impl FromValue for f64 {
    fn from_value(value: Value<'_>) -> std::result::Result<Self, String> {
        match value {
            Value::Real(r) => Ok(r),
            // SQLite keeps a whole number in a REAL column as an integer.
            Value::Integer(i) => Ok(i as f64),
            other => Err(format!("expected a real number, found {}", kind(&other))),
        }
    }
}

impl FromValue for String {
    fn from_value(value: Value<'_>) -> std::result::Result<Self, String> {
        match value {
            Value::Text(t) => Ok(t.into_owned()),
            other => Err(format!("expected text, found {}", kind(&other))),
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(value: Value<'_>) -> std::result::Result<Self, String> {
        match value {
            Value::Blob(b) => Ok(b.into_owned()),
            other => Err(format!("expected bytes, found {}", kind(&other))),
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: Value<'_>) -> std::result::Result<Self, String> {
        match value {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

fn kind(value: &Value<'_>) -> &'static str {
    match value {
        Value::Null => "NULL",
        Value::Integer(_) => "an integer",
        Value::Real(_) => "a real number",
        Value::Text(_) => "text",
        Value::Blob(_) => "bytes",
    }
}

/// How a column is named: by its place, from 0.
pub trait RowIndex {
    fn index(self) -> usize;
}

impl RowIndex for usize {
    fn index(self) -> usize {
        self
    }
}

/// One row of an answer.
pub enum Row<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Postgres(&'a postgres::Row),
}

impl Row<'_> {
    /// Column `idx` (from 0) as a `T`. The first type parameter is there for the shape of
    /// rusqlite's `get::<_, T>`, which the commands were first written against.
    pub fn get<I: RowIndex, T: FromValue>(&self, idx: I) -> Result<T> {
        let column = idx.index();
        let value = match self {
            Row::Sqlite(row) => sqlite_value(row.get_ref(column)?),
            Row::Postgres(row) => postgres_value(row, column)?,
        };
        T::from_value(value).map_err(|message| Error::Conversion { column, message })
    }
}

fn sqlite_value(value: rusqlite::types::ValueRef<'_>) -> Value<'_> {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(r) => Value::Real(r),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t)),
        ValueRef::Blob(b) => Value::Blob(Cow::Borrowed(b)),
    }
}

fn postgres_value(row: &postgres::Row, column: usize) -> Result<Value<'_>> {
    use postgres::types::Type;
    let ty = row
        .columns()
        .get(column)
        .map(|c| c.type_().clone())
        .ok_or_else(|| Error::Conversion { column, message: "no such column".into() })?;
    let value = match ty {
        Type::INT8 => row.try_get::<_, Option<i64>>(column)?.map(Value::Integer),
        Type::INT4 => row.try_get::<_, Option<i32>>(column)?.map(|i| Value::Integer(i64::from(i))),
        Type::INT2 => row.try_get::<_, Option<i16>>(column)?.map(|i| Value::Integer(i64::from(i))),
        Type::BOOL => row.try_get::<_, Option<bool>>(column)?.map(|b| Value::Integer(i64::from(b))),
        Type::FLOAT8 => row.try_get::<_, Option<f64>>(column)?.map(Value::Real),
        Type::FLOAT4 => row.try_get::<_, Option<f32>>(column)?.map(|r| Value::Real(f64::from(r))),
        Type::BYTEA => row.try_get::<_, Option<&[u8]>>(column)?.map(|b| Value::Blob(Cow::Borrowed(b))),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
            row.try_get::<_, Option<&str>>(column)?.map(|t| Value::Text(Cow::Borrowed(t)))
        }
        other => {
            return Err(Error::Conversion {
                column,
                message: format!("PostgreSQL type {other} is not read by the store; cast it in the query"),
            });
        }
    };
    Ok(value.unwrap_or(Value::Null))
}

impl postgres::types::ToSql for Value<'_> {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::Type;
        match (self, ty) {
            (Value::Null, _) => Ok(postgres::types::IsNull::Yes),
            (Value::Integer(i), &Type::INT8) => i.to_sql(ty, out),
            (Value::Integer(i), &Type::INT4) => i32::try_from(*i)?.to_sql(ty, out),
            (Value::Integer(i), &Type::INT2) => i16::try_from(*i)?.to_sql(ty, out),
            (Value::Integer(i), &Type::BOOL) => (*i != 0).to_sql(ty, out),
            (Value::Integer(i), &Type::FLOAT8) => (*i as f64).to_sql(ty, out),
            (Value::Integer(i), &Type::TEXT | &Type::VARCHAR) => i.to_string().as_str().to_sql(ty, out),
            (Value::Real(r), &Type::FLOAT8) => r.to_sql(ty, out),
            (Value::Real(r), &Type::FLOAT4) => (*r as f32).to_sql(ty, out),
            // Text only to a text parameter: written raw into an integer's place it would be
            // read as some other value.
            (Value::Text(t), &Type::TEXT | &Type::VARCHAR | &Type::BPCHAR | &Type::NAME | &Type::UNKNOWN) => {
                t.as_ref().to_sql(ty, out)
            }
            (Value::Blob(b), &Type::BYTEA) => b.as_ref().to_sql(ty, out),
            (value, ty) => Err(format!("cannot bind {} to a PostgreSQL {ty} parameter", kind(value)).into()),
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Integer(i) => ValueRef::Integer(*i),
            Value::Real(r) => ValueRef::Real(*r),
            Value::Text(t) => ValueRef::Text(t.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

/// A statement on its way to the server: its answer is only whether it succeeded.
type Pending = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), postgres::Error>> + Send>>;

/// A statement sent later, with others.
enum Deferred {
    /// Sent as it is.
    Ready(Pending),
    /// A plain insert (see [`plain_insert`]): a run of them is sent as one statement.
    Insert(Insert),
}

/// A plain insert waiting to be sent: its text as PostgreSQL's, its statement and its values.
struct Insert {
    sql: std::sync::Arc<str>,
    statement: postgres::Statement,
    values: Vec<Value<'static>>,
}

/// A statement prepared on a PostgreSQL connection, with its text when it is a plain insert.
#[derive(Clone)]
pub struct Prepared {
    statement: postgres::Statement,
    insert: Option<std::sync::Arc<str>>,
}

/// Whether a statement's PostgreSQL text is a plain insert, `INSERT INTO t (…) VALUES (…)`,
/// which reads nothing and has no conflict clause: such inserts can run as one statement (each
/// a data-modifying `WITH` of it) and do what they did one by one, as none sees the rows of
/// another (all run on one snapshot) and none needs to. Each row's uniqueness is checked as it
/// is inserted, as before; foreign keys at the statement's end, so a row may refer to one
/// inserted anywhere in the same run (one by one, and on SQLite, only to one inserted before
/// it: the commands insert parents first, so the engines agree).
fn plain_insert(sql: &str) -> bool {
    let upper = sql.to_ascii_uppercase();
    upper.trim_start().starts_with("INSERT INTO")
        && !["SELECT", "ON CONFLICT", "RETURNING", "DEFAULT", "WITH", ";"].iter().any(|word| upper.contains(word))
}

/// Which plain inserts a combined statement runs, in order: their texts. The key of its
/// prepared statement, so that a run finds it without writing the combined text out again.
type Shape = Vec<std::sync::Arc<str>>;

/// Plain inserts sent as one statement at most, and their parameters at most (PostgreSQL takes
/// 65,535).
const COMBINED_MAX: usize = 32;
const COMBINED_MAX_PARAMS: usize = 8_000;
/// Shapes of combined inserts (which inserts, in which order) a connection prepares at most;
/// past it, runs of a new shape are sent one statement each.
const COMBINED_SHAPES: usize = 256;

/// `sql` (PostgreSQL's text) with each parameter `$n` written `$(n + by)`, outside string
/// literals and quoted names.
fn shift_params(sql: &str, by: usize) -> String {
    renumber(sql, '$', |n| n.map(|n| n + by))
}

/// `sql` with each `marker` outside string literals and quoted names, and the digits after it
/// (`None` when there are none), written `$` and the number `number` gives for them; a marker
/// it gives none for stays as it was.
fn renumber(sql: &str, marker: char, mut number: impl FnMut(Option<usize>) -> Option<usize>) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                out.push(c);
            }
            (Some(_), c) => out.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                out.push(c);
            }
            (None, c) if c == marker => {
                let mut digits: Option<usize> = None;
                while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                    digits = Some(digits.unwrap_or(0) * 10 + d as usize);
                    chars.next();
                }
                match number(digits) {
                    Some(n) => {
                        out.push('$');
                        out.push_str(&n.to_string());
                    }
                    None => out.push(c),
                }
            }
            (None, c) => out.push(c),
        }
    }
    out
}

/// The plain inserts of a run as one statement: each but the last a data-modifying `WITH`,
/// parameters numbered on from the one before.
fn combined_sql(run: &[Insert]) -> String {
    let mut offset = 0;
    let mut parts = Vec::with_capacity(run.len());
    for insert in run {
        parts.push(shift_params(&insert.sql, offset));
        offset += insert.statement.params().len();
    }
    let main = parts.pop().unwrap_or_default();
    let with: Vec<String> = parts.iter().enumerate().map(|(i, part)| format!("w{i} AS ({part})")).collect();
    format!("WITH {} {main}", with.join(", "))
}

/// A PostgreSQL connection with its own cache of prepared statements.
///
/// Statements whose answer the command does not need (inserts, updates, savepoints) are not
/// sent one by one: they wait in [`PgConn::deferred`] and go to the server together with the
/// next statement whose answer is needed, in one round trip (the protocol's pipelining). Each
/// still runs on its own and in order, so an error is the same error it would have been; it is
/// reported by that next statement, or by the savepoint's release or the commit, whichever
/// comes first — always before the savepoint or transaction the statement ran in has ended. A
/// case is some fifty statements, and a round trip to the server costs more than most of them.
pub struct PgConn {
    /// The connection's own single-threaded runtime, which drives the connection while a
    /// statement waits (as the synchronous `postgres` client does).
    runtime: tokio::runtime::Runtime,
    client: std::sync::Arc<tokio_postgres::Client>,
    statements: RefCell<HashMap<String, Prepared>>,
    /// Combined plain inserts, by their parts' texts in order (see [`PgConn::sendable`]).
    combined: RefCell<HashMap<Shape, postgres::Statement>>,
    /// Shapes of combined inserts met but not prepared yet, with their text: they are prepared
    /// outside any transaction, before the writer's next batch (see [`Conn::prepare_pending`]).
    new_shapes: RefCell<HashMap<Shape, String>>,
    /// Statements sent with the next one whose answer is needed.
    deferred: RefCell<Vec<Deferred>>,
    /// Savepoints released but not yet told to the server (see [`Conn::release`]).
    pending: RefCell<String>,
    /// When the cached statements are prepared again, and the wait after that.
    replan: std::cell::Cell<(std::time::Instant, std::time::Duration)>,
    /// How many times the deferred statements were sent or dropped: tells whether anything was
    /// sent since a mark was taken.
    sends: std::cell::Cell<u64>,
    /// The savepoint deferred last, while nothing has been sent or deferred after it (see
    /// [`Conn::forget_unused_savepoint`]).
    last_savepoint: RefCell<Option<SavepointMark>>,
    /// Savepoints opened so far: each one's name ends in its number (see [`Conn::savepoint`]).
    savepoints: std::cell::Cell<u64>,
}

/// A savepoint [`Conn::savepoint`] opened, by the name the database knows it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Savepoint(String);

/// A savepoint as it was deferred.
struct SavepointMark {
    name: Savepoint,
    /// [`PgConn::sends`] and the number of deferred statements, the savepoint's own included.
    sends: u64,
    deferred: usize,
    /// The releases that were sent with it.
    pending: String,
}

/// The first wait before the cached statements are prepared again; each wait after is twice the
/// one before, up to [`REPLAN_MAX`].
const REPLAN_FIRST: std::time::Duration = std::time::Duration::from_secs(5);
const REPLAN_MAX: std::time::Duration = std::time::Duration::from_secs(600);

impl PgConn {
    /// Connects to the database `config` names.
    pub fn connect(config: &tokio_postgres::Config) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(Error::Runtime)?;
        let (client, connection) = runtime.block_on(config.connect(tokio_postgres::NoTls))?;
        // Runs whenever the runtime does: while a statement of this connection waits.
        runtime.spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "a PostgreSQL connection ended");
            }
        });
        Ok(Self {
            runtime,
            client: std::sync::Arc::new(client),
            statements: RefCell::new(HashMap::new()),
            combined: RefCell::new(HashMap::new()),
            new_shapes: RefCell::new(HashMap::new()),
            deferred: RefCell::default(),
            pending: RefCell::default(),
            replan: std::cell::Cell::new((std::time::Instant::now() + REPLAN_FIRST, REPLAN_FIRST)),
            sends: std::cell::Cell::new(0),
            last_savepoint: RefCell::default(),
            savepoints: std::cell::Cell::new(0),
        })
    }

    /// Connects to the database a `postgres://` URL names.
    pub fn connect_url(url: &str) -> Result<Self> {
        let config: tokio_postgres::Config = url.parse()?;
        Self::connect(&config)
    }

    /// Sends the deferred statements and then `last`, in one round trip, and waits for all
    /// their answers. The first deferred statement that failed is the error: the ones after
    /// it, `last` included, then fail only because the transaction is aborted.
    fn finish<T>(&self, last: impl std::future::Future<Output = Result<T, postgres::Error>>) -> Result<T> {
        let deferred = self.take_deferred();
        if deferred.is_empty() {
            return Ok(self.runtime.block_on(last)?);
        }
        let (earlier, last) = self.in_order(self.sendable(deferred), last);
        for result in earlier {
            result?;
        }
        Ok(last?)
    }

    /// Runs the deferred statements and then `last`, their requests sent in this order (a
    /// statement's request leaves on its first poll, and each is first polled in turn before
    /// any answer is awaited), and answers every result.
    fn in_order<T>(
        &self,
        deferred: Vec<Pending>,
        last: impl std::future::Future<Output = Result<T, postgres::Error>>,
    ) -> (Vec<Result<(), postgres::Error>>, Result<T, postgres::Error>) {
        use std::task::Poll;
        let mut pending: Vec<Option<Pending>> = deferred.into_iter().map(Some).collect();
        let mut results: Vec<Result<(), postgres::Error>> = Vec::with_capacity(pending.len());
        results.resize_with(pending.len(), || Ok(()));
        let mut last = std::pin::pin!(last);
        let mut last_result: Option<Result<T, postgres::Error>> = None;
        let last = self.runtime.block_on(std::future::poll_fn(|cx| {
            for (slot, out) in pending.iter_mut().zip(results.iter_mut()) {
                if let Some(statement) = slot
                    && let Poll::Ready(result) = statement.as_mut().poll(cx)
                {
                    *out = result;
                    *slot = None;
                }
            }
            // Once answered, `last` is not polled again: its answer is returned as soon as the
            // deferred statements have theirs.
            if last_result.is_none()
                && let Poll::Ready(result) = last.as_mut().poll(cx)
            {
                last_result = Some(result);
            }
            if pending.iter().all(Option::is_none)
                && let Some(result) = last_result.take()
            {
                return Poll::Ready(result);
            }
            Poll::Pending
        }));
        (results, last)
    }

    /// The deferred statements, to be sent (or dropped) now.
    fn take_deferred(&self) -> Vec<Deferred> {
        self.sends.set(self.sends.get() + 1);
        std::mem::take(&mut *self.deferred.borrow_mut())
    }

    /// Sends the deferred statements, if any, and waits for their answers.
    fn flush(&self) -> Result<()> {
        if self.deferred.borrow().is_empty() {
            return Ok(());
        }
        self.finish(async { Ok(()) })
    }

    /// Runs `sql` as a simple query (statements without parameters), after the deferred ones.
    fn simple(&self, sql: &str) -> Result<()> {
        self.finish(self.client.batch_execute(sql))
    }

    /// Queues `sql` as a simple query, to be sent with the next statement that waits.
    fn defer_simple(&self, sql: String) {
        let client = self.client.clone();
        self.deferred.borrow_mut().push(Deferred::Ready(Box::pin(async move { client.batch_execute(&sql).await })));
    }

    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    fn statement(&self, sql: &str) -> Result<Prepared> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let prepared = self.prepare_once(sql)?;
        self.statements.borrow_mut().insert(sql.to_owned(), prepared.clone());
        Ok(prepared)
    }

    /// Prepares `sql`, in a round trip of its own after the statements waiting: never ahead of
    /// them, as a failed preparation aborts the transaction, and must do so inside the savepoint
    /// they are in, not before it is opened.
    fn prepare_once(&self, sql: &str) -> Result<Prepared> {
        self.flush()?;
        let sql = placeholders(sql);
        let statement = self.runtime.block_on(self.client.prepare(&sql))?;
        Ok(Prepared { statement, insert: plain_insert(&sql).then(|| sql.into()) })
    }

    fn query(&self, statement: &postgres::Statement, values: &[Value<'_>]) -> Result<Vec<postgres::Row>> {
        let bound: Vec<&(dyn postgres::types::ToSql + Sync)> =
            values.iter().map(|v| v as &(dyn postgres::types::ToSql + Sync)).collect();
        self.finish(self.client.query(statement, &bound))
    }

    fn execute(&self, statement: &postgres::Statement, values: &[Value<'_>]) -> Result<usize> {
        let bound: Vec<&(dyn postgres::types::ToSql + Sync)> =
            values.iter().map(|v| v as &(dyn postgres::types::ToSql + Sync)).collect();
        let n = self.finish(self.client.execute(statement, &bound))?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    /// Queues a statement whose answer is not needed, to be sent with the next one that is.
    fn defer(&self, prepared: Prepared, values: Vec<Value<'static>>) {
        let deferred = match prepared.insert {
            Some(sql) => Deferred::Insert(Insert { sql, statement: prepared.statement, values }),
            None => Deferred::Ready(self.send(prepared.statement, values)),
        };
        self.deferred.borrow_mut().push(deferred);
    }

    /// A statement with its values, to be sent when first polled.
    fn send(&self, statement: postgres::Statement, values: Vec<Value<'static>>) -> Pending {
        let client = self.client.clone();
        Box::pin(async move {
            let bound: Vec<&(dyn postgres::types::ToSql + Sync)> =
                values.iter().map(|v| v as &(dyn postgres::types::ToSql + Sync)).collect();
            client.execute(&statement, &bound).await.map(drop)
        })
    }

    /// The deferred statements as they are sent: each run of plain inserts as one statement (a
    /// case's dozen inserts cost PostgreSQL one statement's start-up and protocol instead of a
    /// dozen, inside the writer lock), the others as they are.
    fn sendable(&self, deferred: Vec<Deferred>) -> Vec<Pending> {
        let mut out = Vec::with_capacity(deferred.len());
        let mut run: Vec<Insert> = Vec::new();
        // The values the run binds so far.
        let mut params = 0;
        for d in deferred {
            match d {
                Deferred::Insert(insert) => {
                    if run.len() >= COMBINED_MAX || params + insert.values.len() > COMBINED_MAX_PARAMS {
                        self.send_run(std::mem::take(&mut run), &mut out);
                        params = 0;
                    }
                    params += insert.values.len();
                    run.push(insert);
                }
                Deferred::Ready(pending) => {
                    self.send_run(std::mem::take(&mut run), &mut out);
                    params = 0;
                    out.push(pending);
                }
            }
        }
        self.send_run(run, &mut out);
        out
    }

    /// A run of plain inserts as one statement when its shape is prepared, otherwise one
    /// statement each. A new shape is not prepared here: its preparation would reach the server
    /// ahead of the statements waiting before the run (a savepoint among them), and should it
    /// fail it would abort the transaction outside the savepoint that was meant to hold the
    /// failure. It is noted, and prepared before the writer's next transaction.
    fn send_run(&self, run: Vec<Insert>, out: &mut Vec<Pending>) {
        // Each part binds as many values as its statement has parameters (a part that did not
        // would shift the values of the parts after it onto the wrong columns): otherwise one
        // by one, where the statement that is wrong says so.
        let counted = run.iter().all(|i| i.values.len() == i.statement.params().len());
        if run.len() < 2 || !counted {
            out.extend(run.into_iter().map(|i| self.send(i.statement, i.values)));
            return;
        }
        let shape: Shape = run.iter().map(|i| i.sql.clone()).collect();
        let known = self.combined.borrow().get(&shape).cloned();
        match known {
            Some(statement) => {
                let values = run.into_iter().flat_map(|i| i.values).collect();
                out.push(self.send(statement, values));
            }
            None => {
                let room = self.combined.borrow().len() + self.new_shapes.borrow().len() < COMBINED_SHAPES;
                if room {
                    self.new_shapes.borrow_mut().entry(shape).or_insert_with(|| combined_sql(&run));
                }
                out.extend(run.into_iter().map(|i| self.send(i.statement, i.values)));
            }
        }
    }

    /// Prepares what the connection will need, in one round trip and outside any transaction
    /// (a preparation that fails then aborts nothing, and none is made while the writer lock is
    /// held): the shapes of combined inserts met since the last call (one that fails is dropped,
    /// and its runs go one statement each) and, when it is time, every statement kept, again.
    ///
    /// PostgreSQL keeps a prepared statement's plan, and a plan made while the tables were
    /// nearly empty (a new database) stays a scan of every row as they grow, until the tables
    /// are analysed again, which a server without autovacuum never does. Prepared again, a
    /// statement is planned for the tables as they are: often at first, when they grow
    /// fastest, then every ten minutes. (Forgetting them instead, to be prepared at their next
    /// use, made the writer prepare a dozen statements one round trip each inside the writer
    /// lock: every instance's reports waited, a stall of a few hundred milliseconds.)
    fn prepare_pending(&self) {
        let now = std::time::Instant::now();
        let (due, wait) = self.replan.get();
        let again: Vec<String> = if now >= due {
            let next = (wait * 2).min(REPLAN_MAX);
            self.replan.set((now + next, next));
            // The combined shapes are met again, and prepared before the next batch but one.
            self.combined.borrow_mut().clear();
            self.statements.borrow().keys().cloned().collect()
        } else {
            Vec::new()
        };
        let shapes: Vec<(Shape, String)> = std::mem::take(&mut *self.new_shapes.borrow_mut()).into_iter().collect();
        if again.is_empty() && shapes.is_empty() {
            return;
        }
        let texts: Vec<String> =
            again.iter().map(|sql| placeholders(sql)).chain(shapes.iter().map(|(_, sql)| sql.clone())).collect();
        // Each preparation's request leaves on its first poll, all before any answer is awaited.
        let prepared =
            self.runtime.block_on(futures_util::future::join_all(texts.iter().map(|sql| self.client.prepare(sql))));
        let mut prepared = prepared.into_iter();
        for (sql, done) in again.iter().zip(prepared.by_ref()) {
            match done {
                Ok(statement) => {
                    let insert = self.statements.borrow().get(sql).and_then(|p| p.insert.clone());
                    self.statements.borrow_mut().insert(sql.clone(), Prepared { statement, insert });
                }
                // Prepared at its next use, where its failure is its caller's.
                Err(_) => {
                    self.statements.borrow_mut().remove(sql);
                }
            }
        }
        for ((shape, _), done) in shapes.into_iter().zip(prepared) {
            match done {
                Ok(statement) => {
                    self.combined.borrow_mut().insert(shape, statement);
                }
                Err(e) => tracing::warn!(error = %e, "cannot prepare inserts as one statement; they go one by one"),
            }
        }
    }
}

/// SQLite's `?1` and `?` placeholders as PostgreSQL's `$1`, outside string literals and quoted
/// names.
pub fn placeholders(sql: &str) -> String {
    let mut next = 0;
    renumber(sql, '?', |n| {
        Some(n.unwrap_or_else(|| {
            next += 1;
            next
        }))
    })
}

/// A connection to either engine.
// Connections live as long as their thread or pool slot; the sizes of the variants do not matter.
#[allow(clippy::large_enum_variant)]
pub enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres(PgConn),
}

impl Conn {
    pub fn is_postgres(&self) -> bool {
        matches!(self, Conn::Postgres(_))
    }

    /// The SQLite connection, for what only SQLite has (pragmas, checkpoints, backups).
    pub fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match self {
            Conn::Sqlite(c) => Some(c),
            Conn::Postgres(_) => None,
        }
    }

    /// Runs a statement without parameters or rows (a transaction's or savepoint's begin and
    /// end): through SQLite's statement cache, as it comes several times a command, and as a
    /// simple query on PostgreSQL.
    pub fn run(&self, sql: &str) -> Result<()> {
        match self {
            Conn::Sqlite(c) => c.prepare_cached(sql)?.execute([]).map(drop).map_err(Error::from),
            Conn::Postgres(c) => c.simple(sql),
        }
    }

    /// Opens a savepoint; `name` says what it is for. On SQLite it is opened at once, by that
    /// name (a rollback finds the innermost savepoint of a name, and callers name nested ones
    /// apart).
    ///
    /// On PostgreSQL it is deferred, sent with the next statement that waits, and named apart
    /// from every other savepoint of the connection (`name` and a number). The statements
    /// waiting before it may fail when they reach the server, after the work inside the
    /// savepoint has been done; the savepoint was then never opened, and a rollback to it
    /// fails rather than finding an earlier savepoint of the same name (whose release may still
    /// be waiting) and passing the failure over.
    pub fn savepoint(&self, name: &str) -> Result<Savepoint> {
        match self {
            Conn::Sqlite(_) => {
                self.run(&format!("SAVEPOINT {name}"))?;
                Ok(Savepoint(name.to_owned()))
            }
            Conn::Postgres(c) => {
                let number = c.savepoints.get() + 1;
                c.savepoints.set(number);
                let savepoint = Savepoint(format!("{name}_{number}"));
                let pending = std::mem::take(&mut *c.pending.borrow_mut());
                c.defer_simple(format!("{pending}SAVEPOINT {}", savepoint.0));
                *c.last_savepoint.borrow_mut() = Some(SavepointMark {
                    name: savepoint.clone(),
                    sends: c.sends.get(),
                    deferred: c.deferred.borrow().len(),
                    pending,
                });
                Ok(savepoint)
            }
        }
    }

    /// Takes back `savepoint` when nothing has been sent or deferred since it was
    /// (PostgreSQL): the block it opened did nothing, and it is as if it had never been opened,
    /// rather than a round trip for a savepoint and its release alone. True when it was taken
    /// back; the block then has nothing to release or roll back. Always false on SQLite, which
    /// opens a savepoint at once.
    pub fn forget_unused_savepoint(&self, savepoint: &Savepoint) -> bool {
        let Conn::Postgres(c) = self else { return false };
        let Some(mark) = c.last_savepoint.borrow_mut().take() else { return false };
        let unused =
            mark.name == *savepoint && mark.sends == c.sends.get() && mark.deferred == c.deferred.borrow().len();
        if unused {
            c.deferred.borrow_mut().pop();
            *c.pending.borrow_mut() = mark.pending;
        }
        unused
    }

    /// Releases a savepoint whose work stands. On PostgreSQL the release is sent with the next
    /// savepoint, rollback or transaction end, in the same round trip: a case takes half a dozen
    /// savepoints, and each round trip to the server costs more than SQLite's whole statement.
    /// Until then the savepoint stays open on the server, which changes nothing: no statement
    /// names it again, and a rollback to an outer savepoint removes it.
    ///
    /// The statements deferred inside the savepoint are sent first, so that a failure among
    /// them is this savepoint's failure: the caller should [`Conn::flush`] before deciding to
    /// release, and roll back instead when that fails.
    pub fn release(&self, savepoint: &Savepoint) -> Result<()> {
        let name = &savepoint.0;
        match self {
            Conn::Sqlite(_) => self.run(&format!("RELEASE {name}")),
            Conn::Postgres(c) => {
                c.flush()?;
                c.pending.borrow_mut().push_str(&format!("RELEASE {name}; "));
                Ok(())
            }
        }
    }

    /// Sends the statements deferred so far (PostgreSQL) and reports the first that failed;
    /// nothing to do on SQLite, which runs every statement at once.
    pub fn flush(&self) -> Result<()> {
        match self {
            Conn::Sqlite(_) => Ok(()),
            Conn::Postgres(c) => c.flush(),
        }
    }

    /// Runs a statement whose answer is not needed (an insert or update whose count nobody
    /// reads). On PostgreSQL it is sent with the next statement that waits for an answer, in
    /// the same round trip; a failure is reported there, or by [`Conn::flush`].
    pub fn defer<P: Params>(&self, sql: &str, params: P) -> Result<()> {
        self.prepare_cached(sql)?.defer(params)
    }

    /// Undoes what was done since a savepoint and releases it. Savepoints whose release was not
    /// sent yet are inside it (they were opened after it) and are removed by the rollback.
    ///
    /// On PostgreSQL the statements still waiting are sent first, in the same round trip. Those
    /// inside the savepoint may have failed or not: the rollback undoes them. Those before it
    /// (it is deferred behind them, see [`Conn::savepoint`]) must not have: if one did, the
    /// savepoint was never opened and the rollback fails, and with it the enclosing work.
    pub fn rollback_to(&self, savepoint: &Savepoint) -> Result<()> {
        let name = &savepoint.0;
        match self {
            Conn::Sqlite(_) => self.execute_batch(&format!("ROLLBACK TO {name}; RELEASE {name}")),
            Conn::Postgres(c) => {
                c.pending.borrow_mut().clear();
                let deferred = c.take_deferred();
                let sql = format!("ROLLBACK TO {name}; RELEASE {name}");
                let (_, undone) = c.in_order(c.sendable(deferred), c.client.batch_execute(&sql));
                Ok(undone?)
            }
        }
    }

    /// Commits the transaction. Releases not sent yet are moot.
    pub fn commit(&self) -> Result<()> {
        self.commit_then("")
    }

    /// Commits the writer's batch and answers once it is on disk. On SQLite the commit syncs
    /// (`synchronous = FULL`). On PostgreSQL the batch runs with `synchronous_commit` off (see
    /// `Writer::begin`), so its `COMMIT` releases the writer lock without waiting for the log's
    /// flush; a logical message then committed synchronously, in the same round trip but a
    /// transaction of its own, flushes the log up to its own commit record and so through the
    /// batch's. (It is the smallest such write: it touches no table and any role may emit one.)
    /// An error after the batch committed, in the message, is answered as an error: the write
    /// is then most likely there, but never acknowledged before it is on disk.
    pub fn commit_durably(&self) -> Result<()> {
        self.commit_then("; SELECT pg_logical_emit_message(true, 'homeward', 'durable')")
    }

    /// Commits, then runs `after` (PostgreSQL only) in the same round trip. On PostgreSQL a
    /// `COMMIT` of a transaction that an error has aborted answers `ROLLBACK` without any error,
    /// so it is sent behind a statement that fails in such a transaction: the commit is then
    /// refused, never reported as done (and `after` not run).
    fn commit_then(&self, after: &str) -> Result<()> {
        match self {
            Conn::Postgres(c) => {
                c.pending.borrow_mut().clear();
                c.simple(&format!("SELECT 1; COMMIT{after}"))
            }
            Conn::Sqlite(_) => self.run("COMMIT"),
        }
    }

    /// Rolls the transaction back. Releases and statements not sent yet are moot.
    pub fn rollback(&self) -> Result<()> {
        if let Conn::Postgres(c) = self {
            c.pending.borrow_mut().clear();
            drop(c.take_deferred());
        }
        self.run("ROLLBACK")
    }

    /// Prepares, outside any transaction and in one round trip, the shapes of combined inserts
    /// the last transactions met (see [`PgConn::sendable`]) and, when it is time, the statements
    /// kept, again (PostgreSQL; see `PgConn::prepare_pending`). Nothing to do on SQLite.
    pub fn prepare_pending(&self) {
        if let Conn::Postgres(c) = self {
            c.prepare_pending();
        }
    }

    /// How many shapes of combined inserts the connection has prepared (PostgreSQL; 0 on
    /// SQLite): for tests and diagnostics.
    pub fn combined_shapes(&self) -> usize {
        match self {
            Conn::Postgres(c) => c.combined.borrow().len(),
            Conn::Sqlite(_) => 0,
        }
    }

    /// Whether the connection can no longer be used (PostgreSQL's went away).
    pub fn is_broken(&self) -> bool {
        match self {
            Conn::Sqlite(_) => false,
            Conn::Postgres(c) => c.is_closed(),
        }
    }

    /// Whether the transaction the writer began is gone: SQLite ended it on its own (a full
    /// disk, an I/O error), or PostgreSQL's connection broke.
    pub fn transaction_lost(&self) -> bool {
        match self {
            Conn::Sqlite(c) => c.is_autocommit(),
            Conn::Postgres(c) => c.is_closed(),
        }
    }

    /// A statement, prepared once per connection and kept.
    pub fn prepare_cached(&self, sql: &str) -> Result<Stmt<'_>> {
        Ok(match self {
            Conn::Sqlite(c) => Stmt::Sqlite(StmtInner::Cached(c.prepare_cached(sql)?)),
            Conn::Postgres(c) => Stmt::Postgres(c, c.statement(sql)?),
        })
    }

    /// A statement prepared for this use only (SQL built at run time, used rarely).
    pub fn prepare(&self, sql: &str) -> Result<Stmt<'_>> {
        Ok(match self {
            Conn::Sqlite(c) => Stmt::Sqlite(StmtInner::Once(c.prepare(sql)?)),
            Conn::Postgres(c) => Stmt::Postgres(c, c.prepare_once(sql)?),
        })
    }

    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        self.prepare(sql)?.execute(params)
    }

    pub fn query_row<T, P: Params>(&self, sql: &str, params: P, f: impl FnOnce(&Row<'_>) -> Result<T>) -> Result<T> {
        self.prepare(sql)?.query_row(params, f)
    }

    /// Runs statements separated by semicolons, with no parameters, for their effect alone: on
    /// PostgreSQL they are sent with the next statement that waits for an answer.
    pub fn defer_batch(&self, sql: &str) -> Result<()> {
        match self {
            Conn::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Conn::Postgres(c) => {
                c.defer_simple(sql.to_owned());
                Ok(())
            }
        }
    }

    /// Runs statements separated by semicolons, with no parameters.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match self {
            Conn::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Conn::Postgres(c) => c.simple(sql),
        }
    }
}

pub enum StmtInner<'a> {
    Cached(rusqlite::CachedStatement<'a>),
    Once(rusqlite::Statement<'a>),
}

impl<'a> std::ops::Deref for StmtInner<'a> {
    type Target = rusqlite::Statement<'a>;
    fn deref(&self) -> &Self::Target {
        match self {
            StmtInner::Cached(s) => s,
            StmtInner::Once(s) => s,
        }
    }
}

impl std::ops::DerefMut for StmtInner<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match self {
            StmtInner::Cached(s) => s,
            StmtInner::Once(s) => s,
        }
    }
}

/// A prepared statement.
pub enum Stmt<'a> {
    Sqlite(StmtInner<'a>),
    Postgres(&'a PgConn, Prepared),
}

impl Stmt<'_> {
    /// Runs the statement for its effect alone: on PostgreSQL it is sent with the next
    /// statement that waits for an answer (see [`Conn::defer`]).
    pub fn defer<P: Params>(&mut self, params: P) -> Result<()> {
        let values = checked(&params)?;
        match self {
            Stmt::Sqlite(s) => {
                s.execute(rusqlite::params_from_iter(values.iter()))?;
                Ok(())
            }
            Stmt::Postgres(c, s) => {
                c.defer(s.clone(), values.into_iter().map(Value::into_owned).collect());
                Ok(())
            }
        }
    }

    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        let values = checked(&params)?;
        match self {
            Stmt::Sqlite(s) => Ok(s.execute(rusqlite::params_from_iter(values.iter()))?),
            Stmt::Postgres(c, s) => c.execute(&s.statement, &values),
        }
    }

    pub fn query_row<T, P: Params>(&mut self, params: P, f: impl FnOnce(&Row<'_>) -> Result<T>) -> Result<T> {
        let values = checked(&params)?;
        match self {
            Stmt::Sqlite(s) => {
                let mut rows = s.query(rusqlite::params_from_iter(values.iter()))?;
                match rows.next()? {
                    Some(row) => f(&Row::Sqlite(row)),
                    None => Err(Error::NoRows),
                }
            }
            Stmt::Postgres(c, s) => {
                let rows = c.query(&s.statement, &values)?;
                match rows.first() {
                    Some(row) => f(&Row::Postgres(row)),
                    None => Err(Error::NoRows),
                }
            }
        }
    }

    /// Every row, each through `f`; read at once.
    pub fn query_map<T, P: Params>(
        &mut self,
        params: P,
        mut f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<std::vec::IntoIter<Result<T>>> {
        let values = checked(&params)?;
        let mut out = Vec::new();
        match self {
            Stmt::Sqlite(s) => {
                let mut rows = s.query(rusqlite::params_from_iter(values.iter()))?;
                while let Some(row) = rows.next()? {
                    out.push(f(&Row::Sqlite(row)));
                }
            }
            Stmt::Postgres(c, s) => {
                for row in c.query(&s.statement, &values)? {
                    out.push(f(&Row::Postgres(&row)));
                }
            }
        }
        Ok(out.into_iter())
    }

    /// Whether the statement answers any row.
    pub fn exists<P: Params>(&mut self, params: P) -> Result<bool> {
        match self.query_row(params, |_| Ok(())) {
            Ok(()) => Ok(true),
            Err(Error::NoRows) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The rows, to walk with [`Rows::next`].
    pub fn query<P: Params>(&mut self, params: P) -> Result<Rows<'_>> {
        let values = checked(&params)?;
        Ok(match self {
            Stmt::Sqlite(s) => Rows::Sqlite(s.query(rusqlite::params_from_iter(values))?),
            Stmt::Postgres(c, s) => Rows::Postgres(c.query(&s.statement, &values)?.into_iter(), None),
        })
    }
}

/// The rows of an answer, one at a time.
pub enum Rows<'a> {
    Sqlite(rusqlite::Rows<'a>),
    Postgres(std::vec::IntoIter<postgres::Row>, Option<postgres::Row>),
}

impl Rows<'_> {
    /// The next row, or `None` after the last. Not an `Iterator`: each row borrows the rows.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Row<'_>>> {
        match self {
            Rows::Sqlite(rows) => Ok(rows.next()?.map(Row::Sqlite)),
            Rows::Postgres(rows, current) => {
                *current = rows.next();
                Ok(current.as_ref().map(Row::Postgres))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::{Conn, Error, placeholders, plain_insert, shift_params};

    /// Whatever field it comes in, a NUL never reaches a table: PostgreSQL could not store it.
    #[test]
    fn a_text_with_a_nul_is_refused_before_the_statement_runs() {
        let conn = Conn::Sqlite(rusqlite::Connection::open_in_memory().unwrap());
        conn.execute_batch("CREATE TABLE t (x TEXT)").unwrap();
        assert!(matches!(conn.execute("INSERT INTO t (x) VALUES (?1)", ["a\0b"]), Err(Error::Nul)));
        assert!(matches!(conn.query_row("SELECT ?1", ["\0"], |r| r.get::<_, String>(0)), Err(Error::Nul)));
        conn.execute("INSERT INTO t (x) VALUES (?1)", ["ab"]).unwrap();
        let n: i64 = conn.query_row("SELECT COUNT(*) FROM t", (), |r| r.get(0)).unwrap();
        assert_eq!(n, 1);
    }

    /// The kept statements are prepared again when it is time, all at once and only when the
    /// writer (or a reader) asks, outside any transaction — never at a statement's use, which
    /// on the writer is inside the writer lock. One whose preparation now fails is forgotten,
    /// and its next use says why.
    #[test]
    fn kept_statements_are_prepared_again_only_when_asked() {
        let Some(url) = std::env::var("HOMEWARD_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty()) else {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "CI must set HOMEWARD_TEST_POSTGRES_URL");
            eprintln!("SKIPPED on PostgreSQL: HOMEWARD_TEST_POSTGRES_URL is not set");
            return;
        };
        let pg = super::PgConn::connect_url(&url).unwrap();
        let name = |conn: &Conn, sql: &str| match conn.prepare_cached(sql).unwrap() {
            // Its Debug form names it as the server knows it.
            super::Stmt::Postgres(_, prepared) => format!("{:?}", prepared.statement),
            super::Stmt::Sqlite(_) => unreachable!(),
        };
        pg.replan.set((std::time::Instant::now() + std::time::Duration::from_secs(3600), super::REPLAN_FIRST));
        let conn = Conn::Postgres(pg);
        conn.execute_batch("CREATE TEMP TABLE kept (x INTEGER); CREATE TEMP TABLE dropped (y INTEGER)").unwrap();
        let (read_kept, read_dropped) = ("SELECT COUNT(*) FROM kept", "SELECT COUNT(*) FROM dropped");
        let count = |sql: &str| conn.query_row(sql, (), |r| r.get::<_, i64>(0));
        assert_eq!(count(read_kept).unwrap(), 0);
        assert_eq!(count(read_dropped).unwrap(), 0);
        let first = name(&conn, read_kept);
        conn.prepare_pending();
        assert_eq!(name(&conn, read_kept), first, "prepared again before it was time");

        let Conn::Postgres(pg) = &conn else { unreachable!() };
        pg.replan.set((std::time::Instant::now(), super::REPLAN_FIRST));
        assert_eq!(name(&conn, read_kept), first, "prepared again at its use rather than when asked");
        conn.execute_batch("DROP TABLE dropped").unwrap();
        conn.prepare_pending();
        let again = name(&conn, read_kept);
        assert_ne!(again, first, "not prepared again when it was time");
        assert_eq!(count(read_kept).unwrap(), 0, "the statement prepared again works");
        let gone = count(read_dropped).expect_err("a statement on a dropped table");
        assert!(gone.to_string().contains("dropped"), "{gone}");
        let (_, wait) = pg.replan.get();
        assert_eq!(wait, super::REPLAN_FIRST * 2, "the next wait is twice the last");
    }

    #[test]
    fn placeholders_are_numbered_outside_literals() {
        assert_eq!(
            placeholders("SELECT a FROM t WHERE b = ?1 AND c = ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = $12"
        );
        assert_eq!(placeholders("VALUES (?, ?, ?)"), "VALUES ($1, $2, $3)");
        assert_eq!(placeholders("WHERE a = '?' AND b = ?2"), "WHERE a = '?' AND b = $2");
        assert_eq!(placeholders("WHERE \"we?rd\" = ?"), "WHERE \"we?rd\" = $1");
    }

    #[test]
    fn parameters_are_shifted_outside_literals() {
        assert_eq!(shift_params("VALUES ($1, $2, $12)", 7), "VALUES ($8, $9, $19)");
        assert_eq!(shift_params("VALUES ('$1', \"$2\", $3)", 10), "VALUES ('$1', \"$2\", $13)");
        assert_eq!(shift_params("VALUES ($1, '$')", 0), "VALUES ($1, '$')");
    }

    /// Only inserts that read nothing and decide nothing on a conflict run as one statement:
    /// one that reads (a count, a select) would not see the rows inserted beside it.
    #[test]
    fn only_plain_inserts_are_combined() {
        let check = |sql: &str, plain: bool| assert_eq!(plain_insert(sql), plain, "{sql}");
        check("INSERT INTO audit_log (seq, hash) VALUES ($1, $2)", true);
        check("  insert into notes (id) values ($1)", true);
        check("INSERT INTO a (n) VALUES ((SELECT COUNT(*) + 1 FROM a WHERE c = $1))", false);
        check("INSERT INTO child_search (key, child_id) VALUES ($2, $1) ON CONFLICT DO NOTHING", false);
        check("INSERT INTO t (x) SELECT x FROM u", false);
        check("INSERT INTO t (x) VALUES ($1) RETURNING id", false);
        check("INSERT INTO t DEFAULT VALUES", false);
        check("UPDATE t SET x = $1", false);
        check("WITH a AS (DELETE FROM t) INSERT INTO u (x) VALUES ($1)", false);
        check("INSERT INTO t (x) VALUES ($1); DELETE FROM t", false);
    }
}
