//! The HTTP API end to end: a real server on port 0, a real SQLite file, no mocks.

mod support;

mod audit;
mod authz;
mod cases;
mod input;
mod sessions;
