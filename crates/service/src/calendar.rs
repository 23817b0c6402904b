//! Calendar upkeep: the years a State Council notice adds, kept in the database and laid over
//! the official calendar shipped with Luoshi.

use chrono::Datelike;
use luoshi_domain::notice::{self, NoticeKind};
use luoshi_domain::{Calendar, DayKind, Power, User};
use std::sync::Arc;

use crate::{Luoshi, Result, ServiceError};

impl Luoshi {
    /// Saves a notice's days for someone holding the administration power.
    pub async fn import_calendar(
        &self,
        user: &User,
        text: &str,
        year: Option<i32>,
    ) -> Result<usize> {
        self.authorize(user, Power::Administer)?;
        self.save_calendar(Some(user), text, year).await
    }

    /// Reads a notice (or `date,kind,name` lines) and saves its year; returns how many days.
    /// For the operator of the machine (the command line).
    pub async fn import_calendar_file(&self, text: &str, year: Option<i32>) -> Result<usize> {
        self.save_calendar(None, text, year).await
    }

    async fn save_calendar(
        &self,
        by: Option<&User>,
        text: &str,
        year: Option<i32>,
    ) -> Result<usize> {
        let days: Vec<(chrono::NaiveDate, DayKind, String)> =
            if text.trim_start().starts_with("date,")
                || text
                    .lines()
                    .any(|l| l.starts_with("20") && l.matches(',').count() == 2)
            {
                let cal = Calendar::from_csv(text)
                    .map_err(|e| ServiceError::invalid("file", format!("日历文件有误:{e}")))?;
                cal.days().map(|(d, k, n)| (d, k, n.to_string())).collect()
            } else {
                notice::parse_notice(text, year)
                    .map_err(|e| ServiceError::invalid("file", e.to_string()))?
                    .into_iter()
                    .map(|d| {
                        let kind = match d.kind {
                            NoticeKind::Holiday => DayKind::Holiday,
                            NoticeKind::Workday => DayKind::AdjustedWorkday,
                        };
                        (d.date, kind, d.name)
                    })
                    .collect()
            };
        if days.is_empty() {
            return Err(ServiceError::invalid(
                "file",
                "没有读到任何放假或调休的日期",
            ));
        }
        self.store.save_calendar_days(&days).await?;
        self.reload_calendar().await?;
        let years: std::collections::BTreeSet<i32> = days.iter().map(|d| d.0.year()).collect();
        let detail = format!("{} days of {years:?}", days.len());
        self.audit_admin(by, "calendar.save", detail).await?;
        Ok(days.len())
    }

    pub(crate) async fn reload_calendar(&self) -> Result<()> {
        let stored = self.store.calendar_days().await?;
        let calendar = Calendar::official().with_days(&stored);
        let basis = crate::lights::basis(&calendar, &self.rules.lights);
        *self.calendar.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(calendar);
        *self.lights_basis.write().unwrap_or_else(|e| e.into_inner()) = Arc::from(basis);
        self.check_lights_basis().await
    }
}
