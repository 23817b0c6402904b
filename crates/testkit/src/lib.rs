//! What Luoshi's tests share. A test written once runs on both databases
//! ([`on_both_backends!`]), each on databases of its own ([`Scratch`]); the server runs on a
//! random port against one ([`app`]), the `luoshi` binary against one ([`cli`]); reminders
//! reach real listeners ([`smtp`], [`webhook`]) and Word documents are read back by another
//! program's reader ([`docx`]).

pub mod backend;
pub mod cli;
pub mod docx;
pub mod scratch;
pub mod smtp;
pub mod webhook;

#[cfg(feature = "http")]
pub mod app;
#[cfg(feature = "http")]
pub mod browser;

pub use backend::{Backend, on_postgres, on_sqlite};
pub use scratch::Scratch;

/// Makes `NAME::sqlite` and `NAME::postgres` tests of each async fn named: the same test on a
/// SQLite file and on a PostgreSQL database, each made fresh for it. The PostgreSQL variant
/// needs `LUOSHI_TEST_POSTGRES` to name a server; without it, it says it was skipped and passes.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    $crate::on_sqlite(super::$name()).await;
                }

                #[tokio::test]
                async fn postgres() {
                    $crate::on_postgres(
                        concat!(module_path!(), "::postgres"),
                        super::$name(),
                    )
                    .await;
                }
            }
        )*
    };
}
