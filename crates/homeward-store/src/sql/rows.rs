//! Reading typed values out of rows.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Result, StoreError};

/// Parses a stored id or other `FromStr` value.
pub fn parse<T: std::str::FromStr>(text: &str, what: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|e| StoreError::Corrupt(format!("{what} `{text}`: {e}")))
}

pub fn parse_opt<T: std::str::FromStr>(text: Option<String>, what: &str) -> Result<Option<T>>
where
    T::Err: std::fmt::Display,
{
    text.map(|t| parse(&t, what)).transpose()
}

/// Reads a JSON column.
pub fn from_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

pub fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("cannot encode: {e}")))
}

/// The stable name serde gives a unit enum variant (`found_safe`, `high`).
pub fn enum_name<T: Serialize>(value: &T) -> Result<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(StoreError::Corrupt("expected a unit enum".into())),
    }
}

/// The reverse of [`enum_name`].
pub fn enum_from<T: DeserializeOwned>(name: &str, what: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned()))
        .map_err(|e| StoreError::Corrupt(format!("{what} `{name}`: {e}")))
}
