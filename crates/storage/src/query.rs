//! Which matters a [`MatterQuery`] asks for, as SQL: the filters every list, count and trend
//! shares, and the order of a list.

use chrono::NaiveDate;
use luoshi_domain::{MatterState, china_day_end};

use crate::sql::{Arg, Dialect, Sql};
use crate::{MatterQuery, Order};

/// The matter states for which `pred` holds, as an SQL list: `('closed', 'cancelled')`.
pub(crate) fn states_where(pred: impl Fn(MatterState) -> bool) -> String {
    let names: Vec<String> = MatterState::ALL
        .iter()
        .copied()
        .filter(|s| pred(*s))
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    format!("({})", names.join(", "))
}

/// Open past its deadline when the day `day` ended at the instant `end` (SQL expressions): the
/// one rule behind the overdue filter and the weekly trend. Cancelled matters count nowhere; a
/// matter counts against the deadline it has now, extensions included.
pub(crate) fn overdue_at(day: &str, end: &str) -> String {
    format!(
        " AND m.state NOT IN ('draft', 'cancelled') AND {}",
        overdue_when(day, end)
    )
}

/// The dated half of [`overdue_at`]: past the deadline and not closed by the day's end.
pub(crate) fn overdue_when(day: &str, end: &str) -> String {
    format!("m.deadline < {day} AND (m.closed_at IS NULL OR m.closed_at >= {end})")
}

/// `$day` and the instant it ends, bound for [`overdue_at`] or [`overdue_when`].
pub(crate) fn day_and_end(sql: &mut Sql, day: NaiveDate) -> (String, String) {
    (sql.placeholder(day), sql.placeholder(china_day_end(day)))
}

/// The list's order, over rows of matters named `t`.
pub(crate) fn order_by(order: Order, t: &str) -> String {
    match order {
        Order::Deadline => format!(" ORDER BY {t}.deadline IS NULL, {t}.deadline, {t}.id"),
        Order::DeadlineLast => {
            format!(" ORDER BY {t}.deadline IS NULL, {t}.deadline DESC, {t}.id DESC")
        }
        Order::Newest => format!(" ORDER BY {t}.created_at DESC, {t}.id DESC"),
        Order::Number => format!(" ORDER BY {t}.org_id, {t}.year, {t}.seq"),
    }
}

/// The query's conditions on matters `m`, each after an `AND`.
pub(crate) fn push_filters(sql: &mut Sql, q: &MatterQuery) {
    push_visibility(sql, q);
    if !q.states.is_empty() {
        sql.push(" AND ")
            .any("m.state", Arg::texts(q.states.iter().map(|s| s.as_str())));
    }
    if q.public_only {
        sql.push(" AND m.public");
    }
    if q.by_rule {
        sql.push(" AND m.report_rule IS NOT NULL");
    }
    if q.with_indicators {
        sql.push(" AND m.indicators <> '[]'");
    }
    if let Some(parent) = q.parent_id {
        sql.push(" AND m.parent_id = ").bind(parent.0);
    }
    if let Some(leader) = q.leader_id {
        sql.push(" AND m.leader_id = ").bind(leader.0);
    }
    if let Some(from) = q.due_from {
        sql.push(" AND m.deadline >= ").bind(from);
    }
    if let Some(to) = q.due_to {
        sql.push(" AND m.deadline <= ").bind(to);
    }
    if let Some(source) = q.source {
        sql.push(" AND m.source = ").bind(source.as_str());
    }
    if !q.within.is_empty() {
        sql.push(" AND m.id IN (SELECT matter_id FROM assignments WHERE ")
            .any("unit_id", Arg::ids(q.within.iter().map(|u| u.0)))
            .push(")");
    }
    if let Some(day) = q.overdue_on {
        let (d, e) = day_and_end(sql, day);
        sql.push(&overdue_at(&d, &e));
    }
    if !q.lights.is_empty() {
        sql.push(" AND ")
            .any("m.light", Arg::texts(q.lights.iter().map(|l| l.as_str())));
    }
    if let Some(unit) = q.unit_id {
        sql.push(" AND m.id IN (SELECT matter_id FROM assignments WHERE unit_id = ")
            .bind(unit.0)
            .push(")");
    }
    // Every word must match: in the title, the content, the number, or a unit's name.
    let like = sql.dialect.ilike();
    let names = match sql.dialect {
        Dialect::Postgres => "u.short_names::text",
        Dialect::Sqlite => "u.short_names",
    };
    for word in q.text.iter().flat_map(|t| t.split_whitespace()) {
        let escaped = word
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = sql.placeholder(format!("%{escaped}%"));
        let number = sql.placeholder(word);
        sql.push(&format!(
            " AND (m.title {like} {pattern} ESCAPE '\\' OR m.content {like} {pattern} ESCAPE '\\'
              OR ('督〔' || m.year || '〕' || m.seq || '号') = {number}
              OR m.id IN (SELECT a.matter_id FROM assignments a JOIN units u ON u.id = a.unit_id
                          WHERE u.name {like} {pattern} ESCAPE '\\'
                             OR {names} {like} {pattern} ESCAPE '\\'))"
        ));
    }
}

/// The kept count of the matters `q` asks for, when it can be read from the counts kept per
/// scope: a whole scope, filtered by nothing but states, sources and lights.
pub(crate) fn kept_total(d: Dialect, q: &MatterQuery) -> Option<Sql> {
    // Every field named: a filter added later is not counted past by mistake.
    let MatterQuery {
        visibility: _,
        scope: Some(scope),
        states,
        source,
        lights,
        order: _,
        page: _,
        unit_id: None,
        text: None,
        public_only: false,
        by_rule: false,
        with_indicators: false,
        parent_id: None,
        leader_id: None,
        due_from: None,
        due_to: None,
        within,
        overdue_on: None,
    } = q
    else {
        return None;
    };
    if !within.is_empty() {
        return None;
    }
    let mut sql = Sql::new(d);
    sql.push("SELECT CAST(coalesce(sum(n), 0) AS BIGINT) FROM tally_matters WHERE scope_id = ")
        .bind(scope.0);
    if !states.is_empty() {
        sql.push(" AND ")
            .any("state", Arg::texts(states.iter().map(|s| s.as_str())));
    }
    if let Some(source) = source {
        sql.push(" AND source = ").bind(source.as_str());
    }
    if !lights.is_empty() {
        sql.push(" AND ")
            .any("light", Arg::texts(lights.iter().map(|l| l.as_str())));
    }
    Some(sql)
}

/// Whom the reader may see: the matters of their orgs, those they are the leader of, and
/// those their units work on. A reader with no scope at all sees nothing.
fn push_visibility(sql: &mut Sql, q: &MatterQuery) {
    if let Some(scope) = q.scope {
        // A lookup per matter considered, by the key of the scope's orgs: cheaper than
        // gathering a province's 958 orgs first for the few dozen matters a page considers.
        // A unary plus keeps SQLite from turning it around into a search by org.
        let org = if sql.in_list_order {
            "+m.org_id"
        } else {
            "m.org_id"
        };
        sql.push(" AND EXISTS (SELECT 1 FROM tally_scopes s WHERE s.scope_id = ")
            .bind(scope.0)
            .push(&format!(" AND s.org_id = {org})"));
        return;
    }
    let v = &q.visibility;
    let mut clauses = 0;
    let mut or = |sql: &mut Sql| {
        sql.push(if clauses == 0 { " AND (" } else { " OR " });
        clauses += 1;
    };
    if !v.org_ids.is_empty() {
        or(sql);
        sql.any("m.org_id", Arg::ids(v.org_ids.iter().map(|u| u.0)));
    }
    if let Some(leader) = v.leader_id {
        or(sql);
        sql.push("m.leader_id = ").bind(leader.0);
    }
    if !v.assigned_units.is_empty() {
        or(sql);
        sql.push("m.id IN (SELECT matter_id FROM assignments WHERE ")
            .any("unit_id", Arg::ids(v.assigned_units.iter().map(|u| u.0)))
            .push(")");
    }
    sql.push(if clauses == 0 { " AND false" } else { ")" });
}
