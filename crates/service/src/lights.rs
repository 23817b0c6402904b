//! Stored lights. A light is what the clock, the calendar and the rules make of a matter; each
//! matter keeps the lights last worked out with the window in which they hold, so lists filter
//! by light and dashboards count lights in SQL. Before anything reads them, whatever no longer
//! holds — the matter was written, its window passed, the rules or the calendar changed — is
//! worked out again here.

use luoshi_domain::{Calendar, LightContext, Matter};
use luoshi_storage::LightStamp;
use sha2::{Digest, Sha256};

use crate::{Luoshi, Result};

/// Matters worked out per round trip: large enough to make the first refresh of a province
/// quick, small enough to keep each write transaction short.
const BATCH: usize = 2_000;

/// Raised when what a light means, or what is kept with it, changes in code, so stored lights
/// are worked out again.
const LIGHTS_VERSION: u32 = 2;

impl Luoshi {
    /// Works out again every stored light that no longer holds; returns how many matters.
    pub async fn refresh_lights(&self) -> Result<usize> {
        if self.lights_hold().await? {
            return Ok(0);
        }
        // Readers arriving while lights are worked out wait for that and then find them done:
        // when each worked out the same stale lights, 16 dashboards of a province opened
        // together after a rules change took 62 s on PostgreSQL until the last was answered;
        // one refreshing while the others wait, 7.3 s.
        let _one = self.refreshing.lock().await;
        let mut refreshed = 0;
        let mut reloaded = false;
        loop {
            let calendar = self.calendar();
            let lights = self.lights(&calendar);
            let (stored, stale) = self.store.stale_lights(lights.now, BATCH).await?;
            if !reloaded && stored.as_deref() != Some(&*self.basis()) {
                // Another process saved a holiday notice, or runs with other rules: take the
                // calendar as the database has it now before working anything out.
                self.reload_calendar().await?;
                reloaded = true;
                continue;
            }
            if stale.is_empty() {
                break;
            }
            let stamps: Vec<LightStamp> = stale.iter().map(|m| stamp(&lights, m)).collect();
            let saved = self.store.save_lights(&stamps).await?;
            refreshed += saved;
            if saved == 0 {
                // Every one of them was written meanwhile; the next reader works them out.
                break;
            }
        }
        if refreshed > 0 {
            tracing::debug!(refreshed, "lights worked out again");
        }
        Ok(refreshed)
    }

    /// Whether every stored light holds now and was worked out under this process's basis:
    /// what nearly every read finds, asked without waiting for a refresh under way.
    async fn lights_hold(&self) -> Result<bool> {
        let (stored, stale) = self.store.stale_lights(self.now(), 1).await?;
        Ok(stale.is_empty() && stored.as_deref() == Some(&*self.basis()))
    }

    /// Marks every stored light stale when the rules or the calendar they were worked out
    /// under are not the ones this process runs with.
    pub(crate) async fn check_lights_basis(&self) -> Result<()> {
        let basis = self.basis();
        let (stored, _) = self.store.stale_lights(self.now(), 0).await?;
        match stored {
            Some(stored) if *stored == *basis => return Ok(()),
            // Processes on one database with different light rules undo each other's work
            // here at every read: this warning, repeated, is the sign of it.
            Some(_) => tracing::warn!("light rules or calendar changed; working lights out again"),
            None => {}
        }
        self.store.reset_lights(&basis).await?;
        Ok(())
    }

    fn basis(&self) -> std::sync::Arc<str> {
        self.lights_basis
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

fn stamp(lights: &LightContext<'_>, m: &Matter) -> LightStamp {
    LightStamp {
        matter_id: m.id,
        version: m.version,
        light: lights.matter(m),
        units: m
            .assignments
            .iter()
            .map(|a| (a.unit_id, lights.cause(m, a)))
            .collect(),
        at: lights.now,
        until: lights.until(m),
    }
}

/// A fingerprint of everything besides the matter and the clock that a light depends on.
pub(crate) fn basis(calendar: &Calendar, rules: &luoshi_domain::LightRules) -> String {
    let mut hash = Sha256::new();
    hash.update(format!("lights {LIGHTS_VERSION}\n{rules:?}\n"));
    for year in calendar.years() {
        hash.update(format!("year {year}\n"));
    }
    for (day, kind, _) in calendar.days() {
        hash.update(format!("{day} {kind:?}\n"));
    }
    crate::auth::to_hex(&hash.finalize())
}
