//! The demo city's content, kept as data in `city.toml` so that editing a name or a report is
//! editing text; the builder in `super` turns it into real records.

use std::collections::{HashMap, HashSet};

use luoshi_domain::{Cadence, InstructionKind, Rating, Role, Source, UnitKind, Urgency};
use serde::Deserialize;

/// The city's entries, parents before the entries that name them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct City {
    pub units: Vec<DemoUnit>,
    pub users: Vec<DemoUser>,
    pub matters: Vec<DemoMatter>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoUnit {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub short_names: Vec<String>,
    pub kind: UnitKind,
    pub parent: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit: String,
    #[serde(default)]
    pub in_charge_of: Vec<String>,
}

/// Where a demo matter is left in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    Draft,
    Assigned,
    Signed,
    InProgress,
    Returned,
    CompletionRequested,
    Closed,
    Cancelled,
    ExtensionRequested,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoReport {
    pub days_ago: i64,
    pub percent: u8,
    pub text: String,
    #[serde(default)]
    pub problems: String,
    #[serde(default)]
    pub next_steps: String,
    /// The values the report gives the matter's indicators, in their order.
    #[serde(default)]
    pub values: Vec<f64>,
}

/// A quantified indicator of a demo matter, set when it is assigned, over the year it was
/// registered in (to its deadline, if it has one).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoIndicator {
    pub name: String,
    pub unit: String,
    pub baseline: f64,
    pub target: f64,
    pub direction: luoshi_domain::Direction,
}

/// What the responsible leader wrote on a matter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoInstruction {
    pub kind: InstructionKind,
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoMatter {
    pub key: String,
    pub parent: Option<String>,
    pub source: Source,
    pub urgency: Urgency,
    pub title: String,
    pub content: String,
    pub origin: String,
    pub lead: String,
    #[serde(default)]
    pub co: Vec<String>,
    pub leader: Option<String>,
    pub created_days_ago: i64,
    pub deadline_in_days: Option<i64>,
    pub cadence: Cadence,
    #[serde(default)]
    pub report_rule: Option<luoshi_domain::rounds::ReportRule>,
    #[serde(default)]
    pub public: bool,
    pub scenario: Scenario,
    #[serde(default)]
    pub reports: Vec<DemoReport>,
    #[serde(default)]
    pub return_reason: String,
    #[serde(default)]
    pub cancel_reason: String,
    #[serde(default)]
    pub extension_days: i64,
    #[serde(default)]
    pub instructions: Vec<DemoInstruction>,
    #[serde(default)]
    pub indicators: Vec<DemoIndicator>,
    /// The office's 满意度 when it closed the matter.
    #[serde(default)]
    pub rating: Option<Rating>,
}

#[derive(Debug, thiserror::Error)]
pub enum CityError {
    /// Not TOML, or an entry with a missing, unknown or mistyped field; toml names the line.
    #[error("city.toml: {0}")]
    Syntax(#[from] toml::de::Error),
    #[error("city.toml, {entry}: {problem}")]
    Entry { entry: String, problem: String },
}

fn wrong(entry: impl Into<String>, problem: impl Into<String>) -> CityError {
    CityError::Entry {
        entry: entry.into(),
        problem: problem.into(),
    }
}

impl City {
    /// The city compiled into the binary.
    pub fn embedded() -> Result<City, CityError> {
        City::parse(include_str!("city.toml"))
    }

    /// Reads a city and checks that its entries fit together, so a mistake is reported with the
    /// entry that holds it rather than as a failure halfway through building.
    pub fn parse(text: &str) -> Result<City, CityError> {
        let city: City = toml::from_str(text)?;
        city.check_units()?;
        city.check_users()?;
        city.check_matters()?;
        Ok(city)
    }

    fn check_units(&self) -> Result<(), CityError> {
        let mut seen = HashSet::new();
        for (i, u) in self.units.iter().enumerate() {
            let entry = format!("unit {}", u.code);
            match &u.parent {
                None if i > 0 => return Err(wrong(entry, "only the first unit has no parent")),
                Some(p) if !seen.contains(p.as_str()) => {
                    return Err(wrong(
                        entry,
                        format!("parent {p} is not a unit listed before it"),
                    ));
                }
                _ => {}
            }
            if !seen.insert(u.code.as_str()) {
                return Err(wrong(entry, "a second unit with this code"));
            }
        }
        Ok(())
    }

    fn check_users(&self) -> Result<(), CityError> {
        let units: HashSet<&str> = self.units.iter().map(|u| u.code.as_str()).collect();
        let mut seen = HashSet::new();
        for u in &self.users {
            let entry = format!("user {}", u.username);
            if !seen.insert(u.username.as_str()) {
                return Err(wrong(entry, "a second user with this username"));
            }
            if !units.contains(u.unit.as_str()) {
                return Err(wrong(entry, format!("no unit {}", u.unit)));
            }
            if !u.in_charge_of.is_empty() && u.role != Role::Leader {
                return Err(wrong(entry, "only a leader is in charge of units"));
            }
            if let Some(c) = u.in_charge_of.iter().find(|c| !units.contains(c.as_str())) {
                return Err(wrong(entry, format!("in charge of no unit {c}")));
            }
        }
        Ok(())
    }

    fn check_matters(&self) -> Result<(), CityError> {
        let roles: HashMap<&str, Role> = self
            .users
            .iter()
            .map(|u| (u.username.as_str(), u.role))
            .collect();
        // The builder signs and reports as each unit's liaison.
        let with_liaison: HashSet<&str> = self
            .users
            .iter()
            .filter(|u| u.role == Role::Liaison)
            .map(|u| u.unit.as_str())
            .collect();
        let mut seen = HashSet::new();
        for m in &self.matters {
            let entry = format!("matter {}", m.key);
            if let Some(p) = m.parent.as_deref().filter(|p| !seen.contains(p)) {
                return Err(wrong(
                    entry,
                    format!("parent {p} is not a matter listed before it"),
                ));
            }
            if !seen.insert(m.key.as_str()) {
                return Err(wrong(entry, "a second matter with this key"));
            }
            if let Some(u) = std::iter::once(&m.lead)
                .chain(&m.co)
                .find(|u| !with_liaison.contains(u.as_str()))
            {
                return Err(wrong(
                    entry,
                    format!("unit {u} is not a unit with a liaison"),
                ));
            }
            if let Some(l) = &m.leader
                && roles.get(l.as_str()) != Some(&Role::Leader)
            {
                return Err(wrong(
                    entry,
                    format!("leader {l} is not a leader's username"),
                ));
            }
            if m.deadline_in_days.is_none() && m.cadence == Cadence::Once {
                return Err(wrong(
                    entry,
                    "work without a deadline needs a cadence other than once",
                ));
            }
            if !m.instructions.is_empty()
                && (m.leader.is_none()
                    || matches!(m.scenario, Scenario::Draft | Scenario::Cancelled))
            {
                return Err(wrong(
                    entry,
                    "instructions need a leader and a matter assigned and not cancelled",
                ));
            }
            m.check_reports().map_err(|p| wrong(&entry, p))?;
            m.check_scenario().map_err(|p| wrong(&entry, p))?;
        }
        Ok(())
    }
}

impl DemoMatter {
    fn check_reports(&self) -> Result<(), String> {
        let mut before: Option<&DemoReport> = None;
        for r in &self.reports {
            if r.days_ago <= 0 || r.days_ago >= self.created_days_ago {
                return Err(format!(
                    "a report {} days ago, outside the {} days since it was registered",
                    r.days_ago, self.created_days_ago
                ));
            }
            if r.percent > 100 {
                return Err(format!("a report at {}%", r.percent));
            }
            if let Some(b) = before
                && (r.days_ago >= b.days_ago || r.percent < b.percent)
            {
                return Err(format!(
                    "the report {} days ago at {}% does not follow the one {} days ago at {}%",
                    r.days_ago, r.percent, b.days_ago, b.percent
                ));
            }
            before = Some(r);
        }
        Ok(())
    }

    /// Each reason belongs to the one scenario that uses it, so none is written and then ignored.
    fn check_scenario(&self) -> Result<(), String> {
        let s = self.scenario;
        if !self.reports.is_empty()
            && matches!(
                s,
                Scenario::Draft | Scenario::Assigned | Scenario::Signed | Scenario::Cancelled
            )
        {
            return Err(format!("reports in a matter left {s:?}"));
        }
        if self.return_reason.is_empty() == (s == Scenario::Returned) {
            return Err("return_reason goes with, and only with, scenario returned".into());
        }
        if self.rating.is_some() && s != Scenario::Closed {
            return Err("rating goes only with scenario closed".into());
        }
        if self.cancel_reason.is_empty() == (s == Scenario::Cancelled) {
            return Err("cancel_reason goes with, and only with, scenario cancelled".into());
        }
        if (self.extension_days > 0) != (s == Scenario::ExtensionRequested)
            || self.extension_days < 0
        {
            return Err(
                "extension_days, above 0, goes with, and only with, scenario extension_requested"
                    .into(),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_city_loads_and_every_reference_in_it_resolves() {
        let city = City::embedded().unwrap_or_else(|e| panic!("{e}"));
        let accounts: Vec<&str> = city.users.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(
            accounts[..6],
            ["admin", "ducha", "shizhang", "fgw", "czj", "county"],
            "the accounts CONTRACT.md promises come first"
        );
    }

    /// The embedded file with one line replaced.
    fn edited(from: &str, to: &str) -> String {
        let text = include_str!("city.toml");
        assert!(text.contains(from), "{from}");
        text.replacen(from, to, 1)
    }

    fn error(text: &str) -> String {
        City::parse(text).expect_err("a wrong city").to_string()
    }

    #[test]
    fn a_matter_led_by_an_unknown_unit_is_reported_with_its_key() {
        let text = edited("lead = \"fgw\"", "lead = \"nowhere\"");
        assert_eq!(
            error(&text),
            "city.toml, matter dec-yshj: unit nowhere is not a unit with a liaison"
        );
    }

    #[test]
    fn a_misspelt_field_is_reported_with_its_line() {
        let message = error(&edited("created_days_ago = 112", "created_day_ago = 112"));
        assert!(
            message.contains("unknown field `created_day_ago`"),
            "{message}"
        );
        assert!(message.contains("line "), "{message}");
    }

    #[test]
    fn a_user_in_a_unit_that_does_not_exist_is_reported_with_the_username() {
        let text = edited("unit = \"czj\"", "unit = \"cjz\"");
        assert_eq!(error(&text), "city.toml, user czj: no unit cjz");
    }

    #[test]
    fn a_rating_on_a_matter_the_demo_leaves_open_is_reported_with_its_key() {
        let text = edited(
            "scenario = \"closed\"\nrating = \"satisfied\"",
            "scenario = \"completion_requested\"\nrating = \"satisfied\"",
        );
        assert_eq!(
            error(&text),
            "city.toml, matter dec-gjzc: rating goes only with scenario closed"
        );
    }

    #[test]
    fn a_report_that_goes_backwards_is_reported_with_its_matter() {
        let message = error(&edited("percent = 45", "percent = 15"));
        assert!(message.starts_with("city.toml, matter dec-yshj: the report 52 days ago at 15%"));
    }
}
