//! Which database the running test is on.

use luoshi_storage::postgres::ScratchDatabase;

/// The backend a test runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    /// The server's URL; each [`Scratch`](crate::Scratch) makes a database of its own there.
    Postgres(String),
}

tokio::task_local! {
    static BACKEND: Backend;
}

impl Backend {
    /// The backend of the running test; SQLite outside [`on_sqlite`] and [`on_postgres`].
    pub fn current() -> Backend {
        BACKEND.try_with(Backend::clone).unwrap_or(Backend::Sqlite)
    }

    pub fn is_sqlite(&self) -> bool {
        *self == Backend::Sqlite
    }
}

/// Runs `test` on SQLite.
pub async fn on_sqlite(test: impl Future<Output = ()>) {
    BACKEND.scope(Backend::Sqlite, test).await
}

/// Runs `test` on the PostgreSQL server `LUOSHI_TEST_POSTGRES` names. Without one it prints
/// that `name` was skipped: `.ci/run` always names one, so CI never skips.
pub async fn on_postgres(name: &str, test: impl Future<Output = ()>) {
    let Some(server) = std::env::var(ScratchDatabase::ENV)
        .ok()
        .filter(|s| !s.is_empty())
    else {
        println!(
            "{name}: skipped (set {}=postgres://… to run it)",
            ScratchDatabase::ENV
        );
        return;
    };
    BACKEND.scope(Backend::Postgres(server), test).await
}
