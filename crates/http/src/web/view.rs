//! What the templates show: plain records with names resolved and dates written the Chinese way.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use luoshi_domain::{
    Cause, EventKind, InstructionKind, MatterState, OrgTree, Rating, Role, UnitId, User, UserId,
};
use luoshi_service::dashboard::{Heat, WeekOverdue};
use luoshi_service::matters::{MatterDetail, MatterView};
use serde::Serialize;

pub use luoshi_office::cn_date;
use luoshi_office::docx::{Block, OfficialDoc};

/// An official document as a page shows it, in the order and with the text of the .docx: the
/// bulletin's page and the forms' print view. Dates stay Chinese, as printed.
pub fn official(doc: &OfficialDoc) -> minijinja::Value {
    use minijinja::context;
    let blocks: Vec<_> = doc
        .body
        .iter()
        .map(|block| match block {
            Block::Heading1(t) => context! { kind => "h1", text => t },
            Block::Heading2(t) => context! { kind => "h2", text => t },
            // Each line of running text is a paragraph of its own, as in the .docx.
            Block::Paragraph(t) => {
                let lines: Vec<&str> = t.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
                context! { kind => "p", lines }
            }
            Block::Table(t) => {
                context! { kind => "table", caption => t.caption, header => t.header, rows => t.rows }
            }
            Block::Band { text, .. } => context! { kind => "band", text },
        })
        .collect();
    context! {
        issuer => doc.issuer, number => doc.number, title => doc.title,
        recipients => doc.recipients, blocks, signature => doc.signature,
        date => cn_date(doc.date),
    }
}

/// A date on a page: 2026年6月30日, or 30 Jun 2026 when the page is in English.
pub fn page_date(d: NaiveDate) -> String {
    match super::i18n::lang() {
        super::i18n::Lang::Zh => cn_date(d),
        super::i18n::Lang::En => d.format("%-d %b %Y").to_string(),
    }
}

/// A moment on a page, in China's time: 2026年6月30日 09:05.
pub fn cn_time(t: DateTime<Utc>) -> String {
    let t = t.with_timezone(&luoshi_domain::china_offset());
    format!(
        "{} {:02}:{:02}",
        page_date(t.date_naive()),
        t.hour(),
        t.minute()
    )
}

/// Why a light is not green, in the page's language, each reason once.
fn why<'c>(causes: impl Iterator<Item = &'c Cause>) -> String {
    let mut said: Vec<String> = Vec::new();
    for cause in causes {
        let text = match super::i18n::lang() {
            super::i18n::Lang::Zh => cause.describe(),
            super::i18n::Lang::En => match *cause {
                Cause::Overdue => "past the deadline".into(),
                Cause::DeadlineNear => "deadline near".into(),
                Cause::ReportOverdue(d) => format!("report was due by {}", d.format("%-d %b")),
                Cause::ReportDue(d) => format!("report due by {}", d.format("%-d %b")),
                Cause::NotSigned => "not signed in time".into(),
                Cause::Behind(p) => format!("{p} points behind plan"),
                Cause::FarBehind(p) => format!("{p} points behind plan, far behind"),
                Cause::FirstReplyDue(d) => {
                    format!(
                        "first reply to the instruction due by {}",
                        d.format("%-d %b")
                    )
                }
                Cause::FirstReplyOverdue(d) => format!(
                    "first reply to the instruction was due by {}",
                    d.format("%-d %b")
                ),
                Cause::IndicatorBehind(p) => {
                    format!("an indicator is behind its trajectory ({p}% of the planned change)")
                }
                Cause::IndicatorFarBehind(p) => format!(
                    "an indicator is far behind its trajectory ({p}% of the planned change)"
                ),
            },
        };
        if !said.contains(&text) {
            said.push(text);
        }
    }
    let separator = if super::i18n::lang() == super::i18n::Lang::En {
        "; "
    } else {
        ";"
    };
    said.join(separator)
}

#[derive(Serialize)]
pub struct ViewerView {
    pub name: String,
    pub role: &'static str,
    pub unit: String,
    pub is_liaison: bool,
    pub is_supervisor: bool,
    pub is_admin: bool,
    pub unread: usize,
}

impl ViewerView {
    pub fn of(viewer: &super::session::Viewer, tree: &OrgTree) -> ViewerView {
        let user = &viewer.user;
        ViewerView {
            is_admin: user.role == Role::Admin,
            unread: viewer.unread,
            name: user.display_name.clone(),
            role: user.role.label(),
            unit: unit_name(tree, user.unit_id),
            is_liaison: user.role == Role::Liaison,
            is_supervisor: user.role == Role::Supervisor,
        }
    }
}

pub fn unit_name(tree: &OrgTree, id: UnitId) -> String {
    tree.get(id)
        .map(|u| u.display_name().to_string())
        .unwrap_or_else(|| format!("单位{id}"))
}

#[derive(Serialize)]
pub struct Row {
    id: i64,
    number: String,
    title: String,
    source: &'static str,
    lead: String,
    deadline: String,
    days_left: Option<i64>,
    light: &'static str,
    light_label: &'static str,
    why: String,
    /// Why the office sent it back, on a returned matter's row.
    returned: Option<String>,
}

impl Row {
    /// The row of a matter sent back, with the reason.
    pub fn returned_because(mut self, reason: Option<&String>) -> Row {
        self.returned = reason.cloned();
        self
    }
}

pub fn rows(
    views: &[MatterView],
    tree: &OrgTree,
    days_left: impl Fn(NaiveDate) -> i64,
) -> Vec<Row> {
    views
        .iter()
        .map(|v| {
            let m = &v.matter;
            Row {
                id: m.id.0,
                number: v.number.clone(),
                title: m.title.clone(),
                source: m.source.label(),
                lead: unit_name(tree, m.lead_unit_id),
                deadline: m.deadline.map_or_else(|| "持续推进".to_string(), page_date),
                days_left: m.deadline.filter(|_| m.state.is_open()).map(&days_left),
                light: v.light.as_str(),
                light_label: v.light.label(),
                why: why(v.assignment_causes.iter().flatten()),
                returned: None,
            }
        })
        .collect()
}

#[derive(Serialize)]
pub struct AssignmentRow {
    unit: String,
    role: &'static str,
    state: &'static str,
    percent: u8,
    /// The percent is rolled up from the sub-matters this unit decomposed its part into.
    derived: bool,
    light: &'static str,
    light_label: &'static str,
    why: String,
}

#[derive(Serialize)]
pub struct EventRow {
    id: i64,
    at: String,
    kind: &'static str,
    actor: String,
    /// The unit the actor acted as.
    unit: Option<String>,
    /// The unit an office's step was about, when it is not the actor's own.
    concerns: Option<String>,
    comment: String,
    percent: Option<u8>,
    problems: String,
    next_steps: String,
    /// A close's 满意度.
    rating: Option<&'static str>,
    /// A report's values for the matter's indicators: 地区生产总值 101亿元;….
    values: String,
    /// A report the office sent back (退回反馈), which no longer counts.
    returned: bool,
    /// The files uploaded by this event, or attached to this report or step.
    files: Vec<FileLink>,
    /// For an upload, the report or step its file is evidence for.
    on_step: Option<StepLink>,
}

#[derive(Serialize)]
pub struct FileLink {
    id: i64,
    name: String,
    size: String,
}

#[derive(Serialize)]
pub struct StepLink {
    /// How the event stands to the step: a file is 附于 it, an instruction 批示于 it.
    relation: &'static str,
    id: i64,
    kind: &'static str,
    at: String,
}

/// The values a report gave, each after its indicator's name.
fn reported_values(m: &luoshi_domain::Matter, values: &[luoshi_domain::IndicatorValue]) -> String {
    values
        .iter()
        .map(|v| {
            let figure = luoshi_domain::indicator::figure(v.value);
            match m.indicators.iter().find(|i| i.id == v.indicator_id) {
                Some(i) => format!("{} {figure}{}", i.name, i.unit),
                None => figure,
            }
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// A file's size as people read it: 356.2 KB, 4.8 MB.
pub fn file_size(bytes: usize) -> String {
    let kb = bytes as f64 / 1024.0;
    if kb < 1024.0 {
        format!("{kb:.1} KB")
    } else {
        format!("{:.1} MB", kb / 1024.0)
    }
}

#[derive(Serialize)]
pub struct MatterPageView {
    id: i64,
    number: String,
    title: String,
    content: String,
    source: &'static str,
    origin: String,
    origin_id: Option<i64>,
    state: &'static str,
    light: &'static str,
    light_label: &'static str,
    deadline: String,
    days_left: Option<i64>,
    leader: Option<String>,
    assignments: Vec<AssignmentRow>,
    progress: u8,
    progress_derived: bool,
    /// Which sub-matters make the light what it is, in the page's language.
    light_reasons: Vec<String>,
    open_below: usize,
    ancestors: Vec<ChainLink>,
    below: Vec<TreeRow>,
    /// The co-units whose part is not done, while the matter is open: shown to the lead before
    /// it asks to close and to the office before it decides.
    co_units_behind: Option<String>,
    /// What the lead wrote when it asked to close, while the request stands.
    completion_summary: Option<String>,
}

#[derive(Serialize)]
pub struct ChainLink {
    id: i64,
    number: String,
    title: String,
}

/// One sub-matter in the tree on a matter's page.
#[derive(Serialize)]
pub struct TreeRow {
    id: i64,
    number: String,
    title: String,
    depth: usize,
    /// The depth as a style class; deeper levels than this share the last indent.
    indent: usize,
    lead: String,
    state: &'static str,
    progress: u8,
    light: &'static str,
    light_label: &'static str,
}

/// Why a sub-matter carries the light it passes up, or that one the reader may not see does.
fn culprit_reason(
    m: Option<&luoshi_domain::Matter>,
    light: luoshi_domain::Light,
    causes: &[Cause],
    tree: &OrgTree,
) -> String {
    use super::i18n::t;
    let light = t(light.label(), &[]);
    match m {
        Some(m) => {
            let why = why(causes.iter());
            let named = t(
                "下级事项{0}“{1}”为{2}",
                &[
                    tree.number_label(m.org_id, m.number),
                    m.title.clone(),
                    light,
                ],
            );
            if why.is_empty() {
                named
            } else {
                t("{0}:{1}", &[named, why])
            }
        }
        None => t("有无权查看的下级事项为{0}", &[light]),
    }
}

pub fn matter_page(
    d: &MatterDetail,
    tree: &OrgTree,
    people: &HashMap<UserId, (String, UnitId)>,
) -> (MatterPageView, Vec<EventRow>) {
    let v = &d.view;
    let m = &v.matter;
    let page = MatterPageView {
        id: m.id.0,
        number: v.number.clone(),
        title: m.title.clone(),
        content: m.content.clone(),
        source: m.source.label(),
        origin: m.origin.clone(),
        origin_id: m.origin_id,
        state: m.state.label(),
        light: v.light.as_str(),
        light_label: v.light.label(),
        deadline: m.deadline.map_or_else(|| "持续推进".to_string(), page_date),
        days_left: d.working_days_left.filter(|_| m.state.is_open()),
        leader: m
            .leader_id
            .and_then(|id| people.get(&id).map(|(name, _)| name.clone())),
        progress: d.chain.progress,
        progress_derived: d.chain.derived,
        light_reasons: d
            .chain
            .culprits
            .iter()
            .map(|(m, light, causes)| culprit_reason(m.as_ref(), *light, causes, tree))
            .collect(),
        open_below: d.chain.open_below,
        ancestors: d
            .chain
            .ancestors
            .iter()
            .map(|a| ChainLink {
                id: a.id.0,
                number: tree.number_label(a.org_id, a.number),
                title: a.title.clone(),
            })
            .collect(),
        below: d
            .chain
            .below
            .iter()
            .map(|n| {
                let m = &n.view.matter;
                TreeRow {
                    id: m.id.0,
                    number: n.view.number.clone(),
                    title: m.title.clone(),
                    depth: n.depth,
                    indent: n.depth.min(5),
                    lead: unit_name(tree, m.lead_unit_id),
                    state: m.state.label(),
                    progress: n.progress,
                    light: n.view.light.as_str(),
                    light_label: n.view.light.label(),
                }
            })
            .collect(),
        assignments: m
            .assignments
            .iter()
            .zip(&v.assignment_lights)
            .zip(&v.assignment_causes)
            .zip(&d.chain.assignment_progress)
            .map(|(((a, light), causes), derived)| AssignmentRow {
                unit: unit_name(tree, a.unit_id),
                role: a.role.label(),
                state: a.state.label(),
                percent: derived.unwrap_or(a.percent),
                derived: derived.is_some(),
                light: light.as_str(),
                light_label: light.label(),
                why: why(causes.iter()),
            })
            .collect(),
        co_units_behind: m
            .state
            .is_open()
            .then(|| luoshi_domain::lifecycle::describe_co_units(m, tree))
            .flatten(),
        completion_summary: (m.state == MatterState::CompletionRequested)
            .then(|| {
                d.events
                    .iter()
                    .rev()
                    .find(|e| e.data.kind == EventKind::CompletionRequested)
                    .map(|e| e.data.comment.clone())
            })
            .flatten(),
    };
    let events = d
        .events
        .iter()
        .map(|e| {
            let (actor, actor_unit) = people
                .get(&e.data.actor_id)
                .map(|(name, unit)| (name.clone(), Some(*unit)))
                .unwrap_or_default();
            // A unit's own step names the unit it acted for; the office's step on a unit
            // (a return, a measure, a reassignment) names the office's person with their own
            // unit, and the unit it concerned after.
            let (unit, concerns) = match e.data.unit_id {
                Some(u) if e.data.kind.concerns_a_unit() => (actor_unit, Some(u)),
                Some(u) => (Some(u), None),
                None => (actor_unit, None),
            };
            // The file an upload put on a report, or the report a leader wrote on.
            let on_step = d
                .attachments
                .iter()
                .find(|a| a.id == e.id)
                .and_then(|a| a.on_event_id)
                .map(|on| ("附于", on))
                .or(e.data.on_event.map(|on| ("批示于", on)))
                .and_then(|(relation, on)| Some((relation, d.events.iter().find(|s| s.id == on)?)))
                .map(|(relation, s)| StepLink {
                    relation,
                    id: s.id.0,
                    kind: s.data.kind.label(),
                    at: cn_time(s.data.at),
                });
            EventRow {
                id: e.id.0,
                at: cn_time(e.data.at),
                kind: match e.data.instruction {
                    Some(InstructionKind::Instruct) => "领导批示",
                    Some(InstructionKind::Read) => "领导圈阅",
                    Some(InstructionKind::Praise) => "领导肯定",
                    None => e.data.kind.label(),
                },
                actor,
                unit: unit.map(|u| unit_name(tree, u)),
                concerns: concerns.map(|u| unit_name(tree, u)),
                comment: e.data.comment.clone(),
                percent: e.data.percent,
                problems: e.data.problems.clone(),
                next_steps: e.data.next_steps.clone(),
                rating: e.data.rating.map(Rating::label),
                values: reported_values(&d.view.matter, &e.data.values),
                returned: e.was_returned(&d.events),
                files: d
                    .attachments
                    .iter()
                    .filter(|a| a.id == e.id || a.on_event_id == Some(e.id))
                    .map(|a| FileLink {
                        id: a.id.0,
                        name: a.file_name.clone(),
                        size: file_size(a.size),
                    })
                    .collect(),
                on_step,
            }
        })
        .collect();
    (page, events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_the_chinese_way() {
        assert_eq!(
            cn_date(NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()),
            "2026年6月30日"
        );
        let t = DateTime::parse_from_rfc3339("2026-06-30T01:05:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(cn_time(t), "2026年6月30日 09:05");
        assert_eq!(
            page_date(NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()),
            "2026年6月30日",
            "Chinese unless asked"
        );
    }
}

/// A public commitment as anyone may read it: no lights, no people, nothing internal.
#[derive(Serialize)]
pub struct PublicRow {
    title: String,
    lead: String,
    deadline: String,
    state: &'static str,
    percent: Option<u8>,
}

#[derive(Serialize)]
pub struct PublicGroup {
    source: &'static str,
    rows: Vec<PublicRow>,
}

/// Public matters grouped by source, in the order of the five sources.
/// A matter's standing in the words a resident reads, and the progress worth showing beside
/// it: never an internal step (签收, 申请办结), never "100 %" for work not yet accepted, and a
/// deadline passed said as such.
fn public_status(m: &luoshi_domain::Matter, today: NaiveDate) -> (&'static str, Option<u8>) {
    let percent = m.lead().map_or(0, |a| a.percent);
    let late = m.deadline.is_some_and(|d| d < today);
    match m.state {
        MatterState::Closed => ("已完成", None),
        MatterState::CompletionRequested => ("已完成,正在核验", None),
        _ if late => ("未按期完成,正在推进", None),
        _ => ("正在推进", Some(percent).filter(|p| (1..100).contains(p))),
    }
}

pub fn public_groups(views: &[MatterView], tree: &OrgTree, today: NaiveDate) -> Vec<PublicGroup> {
    luoshi_domain::Source::ALL
        .iter()
        .map(|source| PublicGroup {
            source: source.label(),
            rows: views
                .iter()
                .map(|v| &v.matter)
                .filter(|m| m.source == *source)
                .map(|m| {
                    let (state, percent) = public_status(m, today);
                    PublicRow {
                        title: m.title.clone(),
                        lead: tree
                            .get(m.lead_unit_id)
                            .map_or_else(String::new, |u| u.name.clone()),
                        deadline: m.deadline.map_or_else(|| "持续推进".to_string(), page_date),
                        state,
                        percent,
                    }
                })
                .collect(),
        })
        .filter(|g| !g.rows.is_empty())
        .collect()
}

/// Percent-encodes a query value.
pub fn url_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Serialize)]
pub struct SelectOption {
    value: String,
    label: String,
}

#[derive(Serialize)]
pub struct Select {
    name: &'static str,
    label: &'static str,
    /// What choosing nothing means.
    empty: &'static str,
    chosen: String,
    options: Vec<SelectOption>,
}

/// The list's drop-downs, with what was chosen kept.
pub fn list_selects(
    f: &std::collections::HashMap<String, String>,
    tree: &OrgTree,
    user: &User,
    leaders: &[User],
) -> Vec<Select> {
    let chosen = |name: &str| f.get(name).cloned().unwrap_or_default();
    let options = |pairs: Vec<(String, String)>| {
        pairs
            .into_iter()
            .map(|(value, label)| SelectOption { value, label })
            .collect()
    };
    let mut units: Vec<_> = match tree.org_of(user.unit_id) {
        Some(org) if user.role != Role::Liaison => tree.subtree(org),
        _ => vec![user.unit_id],
    }
    .into_iter()
    .filter_map(|id| tree.get(id))
    .map(|u| (u.id.0.to_string(), u.display_name().to_string()))
    .collect();
    units.sort_by(|a, b| a.1.cmp(&b.1));
    vec![
        Select {
            name: "state",
            label: "状态",
            empty: "全部",
            chosen: chosen("state"),
            options: options(
                std::iter::once((
                    luoshi_domain::MatterState::COUNTED.into(),
                    "已交办(不含立项、撤销)".into(),
                ))
                .chain(
                    luoshi_domain::MatterState::ALL
                        .iter()
                        .map(|s| (s.as_str().into(), s.label().into())),
                )
                .collect(),
            ),
        },
        Select {
            name: "light",
            label: "预警",
            empty: "全部",
            chosen: chosen("light"),
            options: options(
                luoshi_domain::Light::ALL
                    .iter()
                    .map(|l| (l.as_str().into(), l.label().into()))
                    .collect(),
            ),
        },
        Select {
            name: "source",
            label: "来源",
            empty: "全部",
            chosen: chosen("source"),
            options: options(
                luoshi_domain::Source::ALL
                    .iter()
                    .map(|s| (s.as_str().into(), s.label().into()))
                    .collect(),
            ),
        },
        Select {
            name: "unit_id",
            label: "承办单位",
            empty: "全部",
            chosen: chosen("unit_id"),
            options: options(units),
        },
        Select {
            name: "leader_id",
            label: "责任领导",
            empty: "全部",
            chosen: chosen("leader_id"),
            options: options(
                leaders
                    .iter()
                    .map(|u| (u.id.0.to_string(), u.display_name.clone()))
                    .collect(),
            ),
        },
        Select {
            name: "sort",
            label: "排序",
            empty: "完成时限由近到远",
            chosen: chosen("sort"),
            options: options(
                luoshi_service::matters::Order::ALL
                    .iter()
                    .skip(1)
                    .map(|o| (o.as_str().into(), o.label().into()))
                    .collect(),
            ),
        },
    ]
}

#[derive(Serialize)]
pub struct Bar {
    label: &'static str,
    count: usize,
    width: usize,
    href: String,
    class: &'static str,
}

#[derive(Serialize)]
pub struct Chart {
    title: &'static str,
    bars: Vec<Bar>,
}

/// A bar chart drawn on the server: one bar per value, each linking to the matching list.
pub fn chart(
    title: &'static str,
    filter: &str,
    counts: &std::collections::BTreeMap<&'static str, usize>,
    values: impl Iterator<Item = (&'static str, &'static str)>,
) -> Chart {
    let max = counts.values().copied().max().unwrap_or(0).max(1);
    let bars = values
        .map(|(value, label)| {
            let count = counts.get(value).copied().unwrap_or(0);
            Bar {
                label,
                count,
                width: count * 180 / max,
                href: format!("/matters?{filter}={value}"),
                class: if filter == "light" { value } else { "" },
            }
        })
        .collect();
    Chart { title, bars }
}

#[derive(Serialize)]
pub struct Column {
    x: usize,
    y: usize,
    height: usize,
    count: usize,
    label: String,
    href: String,
    title: String,
}

/// The weekly overdue trend as columns, each linking to the matters overdue on its day.
pub fn trend(weeks: &[WeekOverdue]) -> Vec<Column> {
    let max = weeks.iter().map(|w| w.count).max().unwrap_or(0).max(1);
    weeks
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let height = w.count * TREND_HEIGHT / max;
            Column {
                x: 8 + i * 30,
                y: 20 + TREND_HEIGHT - height,
                height,
                count: w.count,
                label: w.day.format("%-m/%-d").to_string(),
                href: format!("/matters?overdue_on={}", w.day),
                title: super::i18n::t(
                    "{0}日终逾期 {1} 件",
                    &[page_date(w.day), w.count.to_string()],
                ),
            }
        })
        .collect()
}

/// The tallest column of the trend, in SVG units.
pub const TREND_HEIGHT: usize = 100;

#[derive(Serialize)]
pub struct HeatCell {
    text: String,
    href: Option<String>,
    class: &'static str,
    title: String,
}

/// The heat map's rows: each unit's months as cells shaded by the share of late work, each
/// linking to the unit's matters due that month.
pub fn heat_rows(heat: &Heat, tree: &OrgTree) -> Vec<(String, Vec<HeatCell>)> {
    heat.rows
        .iter()
        .map(|r| {
            let cells = r
                .cells
                .iter()
                .zip(&heat.months)
                .map(|(&(due, late), &month)| {
                    if due == 0 {
                        return HeatCell {
                            text: String::new(),
                            href: None,
                            class: "heat-none",
                            title: String::new(),
                        };
                    }
                    let share = late as f64 / due as f64;
                    let last = month
                        .checked_add_months(chrono::Months::new(1))
                        .and_then(|next| next.pred_opt())
                        .unwrap_or(month);
                    HeatCell {
                        text: if late > 0 {
                            format!("{late}/{due}")
                        } else {
                            due.to_string()
                        },
                        href: Some(format!(
                            "/matters?unit_id={}&due_from={month}&due_to={last}&state={}",
                            r.unit_id.0,
                            luoshi_domain::MatterState::COUNTED
                        )),
                        class: match share {
                            _ if late == 0 => "heat-0",
                            s if s <= 0.25 => "heat-1",
                            s if s <= 0.5 => "heat-2",
                            _ => "heat-3",
                        },
                        title: super::i18n::t(
                            "到期 {0} 件,逾期 {1} 件",
                            &[due.to_string(), late.to_string()],
                        ),
                    }
                })
                .collect();
            (unit_name(tree, r.unit_id), cells)
        })
        .collect()
}

/// Month headings: 1月 … 12月, or Jan … Dec.
pub fn month_names(heat: &Heat) -> Vec<String> {
    heat.months
        .iter()
        .map(|m| match super::i18n::lang() {
            super::i18n::Lang::Zh => format!("{}月", m.month()),
            super::i18n::Lang::En => m.format("%b").to_string(),
        })
        .collect()
}

pub fn percent(rate: f64) -> String {
    format!("{:.1}%", rate * 100.0)
}
