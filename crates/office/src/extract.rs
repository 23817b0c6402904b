//! Candidate matters found in the running text of a document: numbered items, the units and deadlines written with them.
//!
//! Paragraphs are read once, top to bottom. An item's depth follows the layout official documents
//! use (一、 above (一) above 1. above (1) above ①) rather than the order numberings first appear,
//! so a notice numbered 一、二、 ahead of a body numbered 一、(一) needs no special telling apart: a
//! numbering that starts again only begins a new run of siblings. Units and deadlines come from
//! field lines under an item, from a bracket closing it, or — in minutes and speeches, which write
//! them into sentences — from clauses such as "由市住建局牵头". Which items are returned is decided
//! at the end, once it is known whether the document names units at all.
//!
//! Punctuation is compared through `plain`, so full-width and ASCII forms are read alike while
//! the text handed back stays as written.

use std::collections::HashSet;

use serde::Serialize;

mod minutes;

/// A task found in a document, with its units and deadline as written; nothing is matched or parsed yet.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Candidate {
    /// The section headings above the item, outermost first (e.g. ["一、经济社会发展的主要预期目标"]).
    pub sections: Vec<String>,
    /// The item's number as written: "1", "(一)", "(3)", "一" …
    pub number: String,
    /// The task text, without its number and without the bracket or lines that name units and deadline.
    pub title: String,
    /// 牵头单位 / 主要责任单位 / "XX牵头" / "由XX负责", as written.
    pub lead: String,
    /// 责任单位 / "XX负责" / "国务院各部门分别负责", as written.
    pub units: String,
    /// 配合单位 / 协办单位 / "YY配合", as written.
    pub co: String,
    /// 责任领导 / 牵头领导 / 分管领导 / 牵头区领导, as written.
    pub leader: String,
    /// 完成时限 / 时间节点 / 完成时间, or the time phrase of a closing bracket ("年内持续推进").
    pub deadline: String,
    /// 0-based index of the paragraph the item starts at, to show it in context.
    pub paragraph: usize,
}

/// The candidate tasks of a document given as its paragraphs: minutes by what the meeting
/// decided, other documents by their numbered items.
pub fn candidates(paragraphs: &[String]) -> Vec<Candidate> {
    if minutes::is_minutes(paragraphs) {
        let decided = minutes::candidates(paragraphs);
        if !decided.is_empty() {
            return decided;
        }
    }
    let mut found = select(read_items(paragraphs));
    // A limit written into the task ("2022年10月底前编制并公布…") when no field or bracket gives one.
    for c in found.iter_mut().filter(|c| c.deadline.is_empty()) {
        if let Some(limit) = minutes::time_limit(&c.title).filter(|l| l.ends_with('前')) {
            c.deadline = limit.to_string();
        }
    }
    found
}

/// Numbering styles, shallowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    Han,
    ParenHan,
    Digit,
    ParenDigit,
    Circled,
    /// 一是……二是…… inside a paragraph.
    Enumerated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Lead,
    Units,
    Co,
    Leader,
    Deadline,
}

/// What an item names, indexed by [`Role`].
#[derive(Debug, Clone, Default)]
struct Roles([String; 5]);

impl Roles {
    fn add(&mut self, role: Role, value: &str) {
        let value = trim_value(value);
        let slot = &mut self.0[role as usize];
        if !value.is_empty() {
            if !slot.is_empty() {
                slot.push(';');
            }
            slot.push_str(value);
        }
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(String::is_empty)
    }

    /// Fills only what is still empty, so a field line outranks a bracket and a bracket a clause.
    fn fill(&mut self, other: Roles) {
        for (mine, theirs) in self.0.iter_mut().zip(other.0) {
            if mine.is_empty() {
                *mine = theirs;
            }
        }
    }
}

struct Item {
    kind: Kind,
    number: String,
    /// The whole line, number included, as shown when the item heads a section.
    line: String,
    text: String,
    /// Unnumbered paragraphs between the item and its field lines.
    body: Vec<String>,
    fields: Roles,
    paragraph: usize,
    sections: Vec<String>,
    inherited_lead: Option<String>,
    /// Siblings share a run; a new parent or a numbering that starts again begins another.
    run: usize,
    has_children: bool,
    /// Minutes and speeches write units into sentences, which are read only there.
    clauses: bool,
}

struct Open {
    item: usize,
    kind: Kind,
    value: u32,
    run: usize,
}

fn read_items(paragraphs: &[String]) -> Vec<Item> {
    let mut reader = Reader::default();
    for (paragraph, text) in paragraphs.iter().enumerate() {
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            reader.read(paragraph, line);
        }
    }
    reader.items
}

#[derive(Default)]
struct Reader {
    items: Vec<Item>,
    /// The items open above the next one, outermost first.
    stack: Vec<Open>,
    /// An unnumbered "XX牵头重点工作" heading and the lead it names.
    group: Option<(String, String)>,
    minutes: bool,
    /// The item that field lines and unnumbered paragraphs belong to.
    current: Option<usize>,
    fields_seen: bool,
    /// A field whose value is on the next line ("牵头单位:").
    pending: Option<Role>,
    runs: usize,
}

impl Reader {
    fn read(&mut self, paragraph: usize, line: &str) {
        let fields = labeled(line);
        if !fields.is_empty() {
            self.pending = None;
            if let Some(c) = self.current {
                for (role, value) in fields {
                    self.pending = trim_value(&value).is_empty().then_some(role);
                    self.items[c].fields.add(role, &value);
                }
                self.fields_seen = true;
            }
            return;
        }
        let number = numbered(line);
        if let (Some(role), Some(c), None) = (self.pending.take(), self.current, &number) {
            self.items[c].fields.add(role, line);
            return;
        }
        let trigger = is_minutes_trigger(line);
        if let Some((kind, number, value, rest)) = number {
            let mut sibling = None;
            while let Some(top) = self.stack.pop_if(|top| top.kind >= kind) {
                sibling = sibling.or(Some(top).filter(|top| top.kind == kind));
            }
            let run = match sibling {
                Some(s) if value > s.value => s.run,
                _ => self.new_run(),
            };
            let item = self.push(kind, number, line, rest, paragraph, run);
            self.stack.push(Open {
                item,
                kind,
                value,
                run,
            });
            self.current = Some(item);
            self.fields_seen = false;
            self.minutes |= trigger;
        } else if trigger {
            self.minutes = true;
            self.close_all();
        } else if let Some(lead) = heading_lead(line) {
            self.group = Some((line.to_string(), lead));
            self.close_all();
        } else if let Some(parts) = enumerated_tasks(line) {
            let run = self.new_run();
            for (number, part) in parts {
                self.push(Kind::Enumerated, &number, &part, &part, paragraph, run);
            }
        } else if let Some(c) = self.current.filter(|_| !self.fields_seen) {
            let item = &mut self.items[c];
            if item.text.is_empty() {
                item.text = line.to_string();
            } else {
                item.body.push(line.to_string());
            }
        }
    }

    /// A heading outside the numbering: what follows is under it, not under the items before.
    fn close_all(&mut self) {
        self.stack.clear();
        self.current = None;
    }

    fn new_run(&mut self) -> usize {
        self.runs += 1;
        self.runs
    }

    /// Adds an item under the open ones and returns its index.
    fn push(
        &mut self,
        kind: Kind,
        number: &str,
        line: &str,
        text: &str,
        paragraph: usize,
        run: usize,
    ) -> usize {
        let items = &mut self.items;
        let above = || self.stack.iter().map(|o| &items[o.item]);
        let heading = self.group.iter().map(|(line, _)| line.clone());
        let sections = heading.chain(above().map(|i| i.line.clone())).collect();
        let inherited_lead = above()
            .filter_map(|i| heading_lead(&i.text))
            .next_back()
            .or_else(|| self.group.as_ref().map(|(_, lead)| lead.clone()));
        if let Some(parent) = self.stack.last() {
            items[parent.item].has_children = true;
        }
        items.push(Item {
            kind,
            number: number.to_string(),
            line: line.to_string(),
            text: text.to_string(),
            body: Vec::new(),
            fields: Roles::default(),
            paragraph,
            sections,
            inherited_lead,
            run,
            has_children: false,
            clauses: self.minutes || kind == Kind::Enumerated,
        });
        items.len() - 1
    }
}

/// An item's roles, from its field lines, closing bracket and (in minutes) clauses, and its title.
fn resolve(item: &Item) -> (Roles, String) {
    let mut roles = item.fields.clone();
    let mut title = if is_heading_over_body(item) {
        item.body.join("\n")
    } else {
        item.text.clone()
    };
    if let Some((rest, found)) = closing_bracket(&item.text).or_else(|| trailing_fields(&item.text))
    {
        title = rest;
        roles.fill(found);
    } else if let Some((_, found)) = item.body.last().and_then(|b| closing_bracket(b)) {
        roles.fill(found);
    }
    if item.clauses {
        let (found, rest) = clause_roles(&title);
        roles.fill(found);
        title = rest;
        for body in &item.body {
            roles.fill(clause_roles(body).0);
        }
    }
    let lead = &mut roles.0[Role::Lead as usize];
    if lead.is_empty()
        && let Some(inherited) = &item.inherited_lead
    {
        lead.clone_from(inherited);
    }
    (roles, title)
}

fn select(items: Vec<Item>) -> Vec<Candidate> {
    let resolved: Vec<(Roles, String)> = items.iter().map(resolve).collect();
    let named = || {
        items
            .iter()
            .zip(&resolved)
            .filter(|(_, (roles, _))| !roles.is_empty())
    };
    let named_runs: HashSet<usize> = named().map(|(item, _)| item.run).collect();
    // The levels at which tasks name units: an item there under a heading is a task even when
    // its own units are missing, cut off or written in a form not read here.
    let task_kinds: HashSet<Kind> = named().map(|(item, _)| item.kind).collect();
    let mut keep: Vec<bool> = items
        .iter()
        .zip(&resolved)
        .map(|(item, (roles, _))| {
            let task_level = task_kinds.contains(&item.kind) && !item.sections.is_empty();
            let among_tasks = item.clauses || named_runs.contains(&item.run) || task_level;
            !roles.is_empty() || !item.has_children && among_tasks
        })
        .collect();
    // Nothing names a unit: the deepest numbered items are offered for review, headings aside.
    if !keep.contains(&true) {
        let deepest = items
            .iter()
            .filter(|i| !i.has_children)
            .map(|i| i.kind)
            .max();
        keep = items
            .iter()
            .zip(&resolved)
            .map(|(i, (_, title))| {
                let heading = looks_like_heading(title) || looks_like_heading(&i.text);
                !i.has_children && Some(i.kind) == deepest && !heading
            })
            .collect();
    }
    let kept = items.into_iter().zip(resolved).zip(keep);
    kept.filter(|((_, (_, title)), keep)| *keep && !title.is_empty())
        .map(|((item, (roles, title)), _)| {
            let [lead, units, co, leader, deadline] = roles.0;
            let mut sections = item.sections.clone();
            if is_heading_over_body(&item) {
                sections.push(item.line.clone());
            }
            Candidate {
                sections,
                number: item.number,
                title,
                lead,
                units,
                co,
                leader,
                deadline,
                paragraph: item.paragraph,
            }
        })
        .collect()
}

// ---- characters and numbers ----

/// Full-width punctuation and digits read as their ASCII forms.
fn plain(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        _ => c,
    }
}

fn is_open(c: char) -> bool {
    matches!(plain(c), '(' | '【')
}

fn is_close(c: char) -> bool {
    matches!(plain(c), ')' | '】')
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || ",;。、".contains(plain(c))
}

fn is_sentence_end(c: char) -> bool {
    "。;!?".contains(plain(c))
}

fn trim_value(s: &str) -> &str {
    s.trim_matches(is_separator)
}

/// Word lists are written as one string, words separated by spaces.
fn ends_with_any(s: &str, words: &str) -> bool {
    words.split(' ').any(|w| s.ends_with(w))
}

fn contains_any(s: &str, words: &str) -> bool {
    words.split(' ').any(|w| s.contains(w))
}

fn starts_with_any(s: &str, words: &str) -> bool {
    words.split(' ').any(|w| s.starts_with(w))
}

fn han_digit(c: char) -> Option<u32> {
    let digit = "〇一二三四五六七八九".chars().position(|d| d == c);
    digit.map(|p| p as u32).or((c == '零').then_some(0))
}

/// 一 … 九十九, 一百零一 …; 两 is left out, no list is numbered with it.
fn han_value(s: &str) -> Option<u32> {
    if s.is_empty() || s.chars().count() > 6 {
        return None;
    }
    let (mut total, mut digit) = (0, 0);
    for c in s.chars() {
        match c {
            '十' => (total, digit) = (total + digit.max(1) * 10, 0),
            '百' => (total, digit) = (total + digit.max(1) * 100, 0),
            _ => digit = han_digit(c)?,
        }
    }
    Some(total + digit).filter(|v| *v > 0)
}

fn digit_value(s: &str) -> Option<u32> {
    if s.is_empty() || s.chars().count() > 3 {
        return None;
    }
    s.chars()
        .try_fold(0, |v, c| Some(v * 10 + plain(c).to_digit(10)?))
}

/// The item number at the start of a line: its kind, as written, its value and the text after it.
fn numbered(line: &str) -> Option<(Kind, &str, u32, &str)> {
    let first = line.chars().next()?;
    let after_first = &line[first.len_utf8()..];
    for (range, kind) in [
        ('①'..='⑳', Kind::Circled),
        ('⑴'..='⒇', Kind::ParenDigit),
        ('⒈'..='⒛', Kind::Digit),
    ] {
        if range.contains(&first) {
            let value = first as u32 - *range.start() as u32 + 1;
            return Some((
                kind,
                &line[..first.len_utf8()],
                value,
                after_first.trim_start(),
            ));
        }
    }
    if is_open(first) {
        let (close, paren) = after_first
            .char_indices()
            .take(5)
            .find(|&(_, c)| is_close(c))?;
        let inner = &after_first[..close];
        let (kind, value) = match (han_value(inner), digit_value(inner)) {
            (Some(v), _) => (Kind::ParenHan, v),
            (None, Some(v)) => (Kind::ParenDigit, v),
            _ => return None,
        };
        let end = first.len_utf8() + close + paren.len_utf8();
        let rest = line[end..].trim_start_matches(|c| matches!(plain(c), '、' | '.'));
        return Some((kind, &line[..end], value, rest.trim_start()));
    }
    let end = line.find(|c: char| {
        plain(c).to_digit(10).is_none() && han_digit(c).is_none() && !matches!(c, '十' | '百')
    })?;
    let (head, tail) = line.split_at(end);
    let sep = tail.chars().next()?;
    let after_sep = &tail[sep.len_utf8()..];
    // "3.8%" is a figure, not item 3.
    let figure = after_sep.starts_with(|c: char| plain(c).is_ascii_digit());
    let (kind, value) = match (han_value(head), digit_value(head), plain(sep)) {
        (Some(v), _, '、' | '.') => (Kind::Han, v),
        (None, Some(v), '、' | '.') if !figure => (Kind::Digit, v),
        (None, Some(v), ')') => (Kind::ParenDigit, v),
        _ => return None,
    };
    let number = if kind == Kind::ParenDigit {
        &line[..end + sep.len_utf8()]
    } else {
        head
    };
    Some((kind, number, value, after_sep.trim_start()))
}

// ---- field lines and brackets ----

/// The role a field label names: 牵头单位, 主要责任单位, 配合单位, 牵头区领导, 完成时限 …
fn label_role(label: &str) -> Option<Role> {
    let n = label.chars().count();
    // "各牵头单位:" addresses units, it does not name them.
    if !(2..=8).contains(&n) || !label.chars().all(is_cjk) || label.starts_with(['各', '有']) {
        return None;
    }
    match label {
        "牵头" | "主办" => return Some(Role::Lead),
        "负责" | "承办" => return Some(Role::Units),
        "配合" | "协办" => return Some(Role::Co),
        _ => {}
    }
    if label.ends_with("领导") {
        Some(Role::Leader)
    } else if label != "时间" && ends_with_any(label, "时限 时间 期限 节点") {
        Some(Role::Deadline)
    } else if !ends_with_any(label, "单位 部门 处室 科室") {
        None
    } else if contains_any(label, "配合 协办 协助 参与 协同") {
        Some(Role::Co)
    } else if contains_any(label, "牵头 主要责任 主责 主办") {
        Some(Role::Lead)
    } else if contains_any(label, "责任 承办 落实 实施") {
        Some(Role::Units)
    } else {
        None
    }
}

/// "牵头单位:区发改局 责任单位:立山经济开发区,各街道" as (role, value) pairs; empty unless it starts with a known label.
fn labeled(s: &str) -> Vec<(Role, String)> {
    // (where the label starts, where its value starts, its role if known)
    let mut marks: Vec<(usize, usize, Option<Role>)> = Vec::new();
    let mut segment = 0;
    for (i, c) in s.char_indices() {
        if plain(c) == ':' {
            let start = if marks.is_empty() { 0 } else { segment };
            // A label is short: a colon deep into a sentence is ruled out without copying it.
            let head = if i - start <= 60 { &s[start..i] } else { "" };
            let label: String = head.chars().filter(|c| !c.is_whitespace()).collect();
            let role = label_role(&label);
            if marks.is_empty() && role.is_none() {
                return Vec::new();
            }
            if (2..=8).contains(&label.chars().count()) && label.chars().all(is_cjk) {
                marks.push((start, i + c.len_utf8(), role));
            }
            segment = i + c.len_utf8();
        } else if is_separator(c) {
            segment = i + c.len_utf8();
        }
    }
    let ends = marks.iter().skip(1).map(|m| m.0).chain([s.len()]);
    marks
        .iter()
        .zip(ends)
        .filter_map(|(&(_, start, role), end)| Some((role?, trim_value(&s[start..end]).into())))
        .collect()
}

/// A bracket closing the text that names units or a deadline: the text without it, and what it names.
fn closing_bracket(text: &str) -> Option<(String, Roles)> {
    let body = text.trim_end_matches(|c: char| c.is_whitespace() || "。.;,".contains(plain(c)));
    let tail = text[body.len()..].trim();
    let inner = body.strip_suffix(is_close)?;
    let mut depth = 0;
    let (open, paren) = inner.char_indices().rev().find(|&(_, c)| {
        if is_close(c) {
            depth += 1;
        } else if is_open(c) {
            if depth == 0 {
                return true;
            }
            depth -= 1;
        }
        false
    })?;
    let roles = bracket_roles(&inner[open + paren.len_utf8()..])?;
    Some((format!("{}{tail}", inner[..open].trim_end()), roles))
}

/// Fields written after the task on its own line: "加快XX。牵头单位:市发改委;完成时限:6月底前".
fn trailing_fields(text: &str) -> Option<(String, Roles)> {
    let mut colons = text.char_indices().filter(|&(_, c)| plain(c) == ':');
    let start = colons.find_map(|(colon, _)| {
        let mut head = text[..colon].char_indices().rev().take(9);
        let (before, c) = head.find(|&(_, c)| !is_cjk(c))?;
        let start = before + c.len_utf8();
        label_role(&text[start..colon]).map(|_| start)
    })?;
    let mut roles = Roles::default();
    for (role, value) in labeled(&text[start..]) {
        roles.add(role, &value);
    }
    (!roles.is_empty()).then(|| (text[..start].trim().to_string(), roles))
}

/// "(市发改委牵头,市财政局配合)", "(责任单位:市财政局;完成时限:6月底前)"; None for "(试行)".
fn bracket_roles(content: &str) -> Option<Roles> {
    let mut roles = Roles::default();
    let mut fields = labeled(content);
    if fields.is_empty() {
        fields = clauses(content)
            .into_iter()
            .filter_map(|(clause, _)| role_clause(clause, false))
            .flat_map(|(found, _)| found)
            .collect();
    }
    for (role, value) in fields {
        roles.add(role, &value);
    }
    (!roles.is_empty()).then_some(roles)
}

// ---- clauses of running text ----

/// Clauses with the punctuation ending each; punctuation inside brackets and 《》 does not count.
fn clauses(text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in text.char_indices() {
        if is_open(c) || c == '《' {
            depth += 1;
        } else if is_close(c) || c == '》' {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && ",;。!?:".contains(plain(c)) {
            let end = i + c.len_utf8();
            out.push((&text[start..i], &text[i..end]));
            start = end;
        }
    }
    if start < text.len() {
        out.push((&text[start..], ""));
    }
    out
}

/// Longer forms first: "牵头负责" is one role word, not 牵头 and then 负责 with no unit before it.
const KEYWORDS: [(&str, Role); 12] = [
    ("牵头负责", Role::Lead),
    ("牵头", Role::Lead),
    ("按照职责分工负责", Role::Units),
    ("按职责分工负责", Role::Units),
    ("按职责负责", Role::Units),
    ("分别负责", Role::Units),
    ("共同负责", Role::Units),
    ("负责", Role::Units),
    ("配合", Role::Co),
    ("协助", Role::Co),
    ("协办", Role::Co),
    ("参与", Role::Co),
];

/// What one clause names — "市发改委牵头", "由市住建局负责", "6月底前完成", "市财政局于3月底前印发" —
/// and whether that is all it says. Strict is for running text, where "是为子孙后代负责" must
/// not pass for a unit; a bracket is loose.
fn role_clause(clause: &str, strict: bool) -> Option<(Vec<(Role, String)>, bool)> {
    let clause = clause.trim();
    let by = ["由", "请", "责成"]
        .iter()
        .find_map(|p| clause.strip_prefix(p))
        .filter(|_| !clause.starts_with("由于"));
    let clause = by.unwrap_or(clause);
    if by.is_none() && is_deadline(clause) {
        return Some((
            vec![(Role::Deadline, without_time_lead(clause).into())],
            true,
        ));
    }
    if let Some(unit) = clause
        .strip_prefix("会同")
        .filter(|u| !strict || looks_like_unit(u))
    {
        return Some((vec![(Role::Co, unit.into())], true));
    }
    let named = |unit: &str, first: bool| {
        let by_name = by.is_some() && first && plausible_name(unit);
        !strict || unit.chars().count() <= 30 && (by_name || looks_like_unit(unit))
    };
    let mut found = Vec::new();
    let (mut cursor, mut i) = (0, 0);
    while let Some(c) = clause[i..].chars().next() {
        let Some(&(word, role)) = KEYWORDS.iter().find(|(w, _)| clause[i..].starts_with(w)) else {
            i += c.len_utf8();
            continue;
        };
        let unit = trim_value(&clause[cursor..i]);
        i += word.len();
        if role == Role::Units && clause[i..].starts_with(['人', '同']) {
            continue; // 负责人, 负责同志
        }
        cursor = i;
        if !named(unit, found.is_empty()) {
            return None;
        }
        // "由市住建局负责" names the lead; "市住建局负责" only a unit.
        let lead = by.is_some() && found.is_empty() && word == "负责";
        if !unit.is_empty() {
            found.push((if lead { Role::Lead } else { role }, unit.to_string()));
        }
    }
    // "市政府办公室于3月底前印发": a unit and its time limit with no role word between.
    if let Some(at) = clause.find('于').filter(|_| found.is_empty()) {
        let unit = &clause[..at];
        if !unit.is_empty() && named(unit, true) && deadline_prefix(&clause[at..]).is_some() {
            let role = if by.is_some() {
                Role::Lead
            } else {
                Role::Units
            };
            found.push((role, unit.into()));
            cursor = at;
        }
    }
    let rest = trim_value(&clause[cursor..]);
    let bare = rest.is_empty() || is_deadline(rest);
    let deadline = if bare {
        Some(without_time_lead(rest))
    } else {
        deadline_prefix(rest)
    };
    if let Some(deadline) = deadline.filter(|d| !d.is_empty()) {
        found.push((Role::Deadline, deadline.into()));
    }
    (!found.is_empty()).then_some((found, bare))
}

/// The roles named by clauses of running text, and the text without the clauses that only name
/// them — or the text unchanged if nothing else would be left.
fn clause_roles(text: &str) -> (Roles, String) {
    let mut roles = Roles::default();
    let mut kept = String::new();
    let is_weak = |c: char| c.is_whitespace() || ",、:".contains(plain(c));
    for (clause, end) in clauses(text) {
        let found = role_clause(clause, true);
        for (role, value) in found.iter().flat_map(|(found, _)| found) {
            roles.add(*role, value);
        }
        if !found.is_some_and(|(_, bare)| bare) {
            kept.push_str(clause);
            kept.push_str(end);
        } else if end.starts_with(is_sentence_end) {
            // The sentence the removed clause ended is still ended.
            kept.truncate(kept.trim_end_matches(is_weak).len());
            if !kept.is_empty() && !kept.ends_with(is_sentence_end) {
                kept.push_str(end);
            }
        }
    }
    let kept = kept.trim_end_matches(is_weak).trim();
    let empty = !kept.chars().any(|c| is_cjk(c) || c.is_alphanumeric());
    (roles, if empty { text } else { kept }.to_string())
}

fn without_time_lead(s: &str) -> &str {
    let leads = ["并于", "并在", "于", "在", "力争", "确保"];
    leads.iter().find_map(|p| s.strip_prefix(p)).unwrap_or(s)
}

/// A time limit as offices write it: "6月底前", "2023年12月底前完成", "年内持续推进", "3个工作日内".
fn is_deadline(s: &str) -> bool {
    let s = without_time_lead(s.trim());
    if s.is_empty() || s.chars().nth(20).is_some() || s.contains('来') {
        return false; // "一年来全面推进" looks back, not ahead
    }
    let open_ended = starts_with_any(s, "持续 长期 常态 立即");
    let numeral = |c: char| plain(c).is_ascii_digit() || han_digit(c).is_some() || c == '十';
    let starts = open_ended
        || s.starts_with(numeral)
        || starts_with_any(s, "年 月 本 今 明 次 上半年 下半年 每 近期 当 到");
    let timed = open_ended || s.contains(['年', '月', '日', '季', '周', '旬', '天']);
    let endings = "前 底 末 内 完成 办结 推进 坚持 开展 实施 落实 为止 旬 完工 建成 到位 整改 见效";
    starts && timed && ends_with_any(s, endings)
}

/// The time limit a clause opens with, when an action follows it: "6月底前" in "6月底前完成规划编制",
/// but not "年底" in "年底要考核".
fn deadline_prefix(clause: &str) -> Option<&str> {
    let s = without_time_lead(clause);
    let led = s.len() < clause.len();
    let ends = s.char_indices().take(16).map(|(i, c)| i + c.len_utf8());
    let limits: Vec<usize> = ends.filter(|&e| is_deadline(&s[..e])).collect();
    let acts = "完成 办结 完工 建成 出台 印发 开工 报送 上报 提交 实现 启动 拿出 形成";
    let before_act = limits
        .iter()
        .rev()
        .find(|&&e| starts_with_any(&s[e..], acts));
    before_act
        .or(limits.last().filter(|_| led))
        .map(|&e| &s[..e])
}

/// Words of a sentence rather than of a name: "要对全市" names no unit.
fn plausible_name(s: &str) -> bool {
    let words = "要 对 为 把 是 将 都 也 不 应 必须 我 的 认真 积极 切实 加强 做好 抓好";
    !s.is_empty() && !contains_any(s, words)
}

fn looks_like_unit(s: &str) -> bool {
    let s = s.trim().trim_end_matches('等');
    // "各县(市、区)" ends like 各县.
    let s = match s.strip_suffix(is_close) {
        Some(inner) => inner.rfind(is_open).map_or(s, |open| &inner[..open]),
        None => s,
    };
    let endings = "局 委 办 厅 部 署 院 会 府 中心 公司 集团 街道 镇 乡 处 科 室 队 所 站 单位 区 县 \
                   市 省 专班 组 行 社 馆 校 司 园";
    plausible_name(s) && ends_with_any(s, endings)
}

// ---- headings, minutes, enumerations ----

/// "市发改委牵头重点工作(共15项)": a heading grouping the items its unit leads.
fn heading_lead(line: &str) -> Option<String> {
    let inner = line.trim_end().strip_suffix(is_close);
    let line = inner
        .and_then(|i| i.rfind(is_open))
        .map_or(line, |open| &line[..open]);
    if line.chars().count() > 30 || line.contains(|c: char| ",;。".contains(plain(c))) {
        return None;
    }
    let (lead, what) = line.split_once("牵头")?;
    let lead = lead.strip_prefix('由').unwrap_or(lead).trim();
    // "牵头推进重点项目" is a sentence; a heading names a kind of work after 牵头.
    let kind = what.trim_start_matches(['的', '负', '责']);
    let what_ok = what.chars().count() <= 8
        && starts_with_any(kind, "重点 主要 工作 任务 事项 项目 年度")
        && ends_with_any(what, "工作 任务 事项 项目");
    (!lead.is_empty() && what_ok).then(|| lead.to_string())
}

/// "会议议定以下事项:", "议定事项", "现纪要如下:": what follows was decided at a meeting.
fn is_minutes_trigger(line: &str) -> bool {
    let n = line.chars().count();
    let colon = n <= 40 && line.ends_with(|c| plain(c) == ':');
    let heading = n <= 30 && line.trim_end_matches('。').ends_with("议定事项");
    heading || colon && contains_any(line, "议定 纪要如下 决定如下")
}

/// Parts of a "一是……;二是……" paragraph that name a unit or a deadline, with their markers;
/// None if no part does, so that a speech does not turn into a list of its sentences.
fn enumerated_tasks(line: &str) -> Option<Vec<(String, String)>> {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    // (marker start, text start, value)
    let mut marks: Vec<(usize, usize, u32)> = Vec::new();
    for (k, pair) in chars.windows(2).enumerate() {
        let [(at, numeral), (_, shi)] = [pair[0], pair[1]];
        let Some(value) = (shi == '是')
            .then(|| han_value(&numeral.to_string()))
            .flatten()
        else {
            continue;
        };
        let boundary = k == 0 || {
            let before = chars[k - 1].1;
            is_separator(before) || ":!?\")”".contains(plain(before))
        };
        let follows = marks.last().is_some_and(|m| m.2 + 1 == value);
        if boundary && (value == 1 || follows) {
            marks.push((at, at + numeral.len_utf8() + shi.len_utf8(), value));
        }
    }
    let mut parts = Vec::new();
    for (k, &(at, start, value)) in marks.iter().enumerate() {
        let next = marks.get(k + 1);
        let end = match next {
            Some(n) if n.2 == value + 1 => n.0,
            // The last part runs to the end of its sentence, not of the paragraph.
            _ => {
                let limit = next.map_or(line.len(), |n| n.0);
                line[start..limit]
                    .find('。')
                    .map_or(limit, |p| start + p + '。'.len_utf8())
            }
        };
        let part = trim_value(&line[start..end]);
        if closing_bracket(part).is_some() || !clause_roles(part).0.is_empty() {
            parts.push((line[at..start].to_string(), part.to_string()));
        }
    }
    (!parts.is_empty()).then_some(parts)
}

/// "(一)加大城市治堵力度" with the work written in a paragraph under it: offices track the work,
/// under the heading.
fn is_heading_over_body(item: &Item) -> bool {
    let text = item.text.trim_end_matches(|c| "。.".contains(plain(c)));
    (1..=2).contains(&item.body.len())
        && text.chars().count() <= 30
        && !text.contains(|c: char| ",;。!?:".contains(plain(c)))
        && closing_bracket(&item.text).is_none()
}

/// "总体情况", "未来五年主要工作任务": a heading left without items, not a task.
fn looks_like_heading(title: &str) -> bool {
    let endings =
        "任务 工作 目标 事项 要求 情况 措施 安排 部署 方案 范围 流程 原则 意见 机制 保障 步骤";
    title.chars().count() <= 25
        && !title.contains(|c: char| ",;。.!?".contains(plain(c)))
        && ends_with_any(title, endings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A collected document: its "# " lines are the collector's notes, not the document's.
    fn document(text: &str) -> Vec<String> {
        text.lines()
            .filter(|l| !l.starts_with("# "))
            .map(str::to_string)
            .collect()
    }

    fn paragraphs(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    /// The same text with the full-width punctuation real documents use.
    fn wide(s: &str) -> String {
        let to_wide = |c: char| char::from_u32(c as u32 + 0xfee0).unwrap_or(c);
        s.chars()
            .map(|c| if "():;,!?".contains(c) { to_wide(c) } else { c })
            .collect()
    }

    fn titled<'a>(found: &'a [Candidate], title: &str) -> &'a Candidate {
        found
            .iter()
            .find(|c| c.title == title)
            .unwrap_or_else(|| panic!("no {title} in {found:#?}"))
    }

    #[test]
    fn lishan_items_take_lead_and_units_from_the_lines_under_them() {
        let found = candidates(&document(include_str!("../tests/data/03_lishan.txt")));
        assert_eq!(found.len(), 7, "{found:#?}");
        let first = &found[0];
        assert_eq!(first.sections, ["一、经济社会发展的主要预期目标"]);
        assert_eq!(first.number, "1");
        assert_eq!(first.title, "努力实现地区生产总值增长6.2%左右。");
        assert_eq!(first.lead, "区发改局");
        assert_eq!(first.units, "立山经济开发区,全区经济运行各专班");
        assert_eq!((first.co.as_str(), first.deadline.as_str()), ("", ""));
        assert_eq!(found[3].units, "各街道,区市场局");
        // Cut off before its fields, item 7 is still one of the section's tasks.
        assert_eq!(found[6].title, "其他主要经济指标不低于全市平均水平。");
        assert_eq!(found[6].lead, "");
    }

    #[test]
    fn daxing_reads_leader_and_main_unit_and_leaves_the_notice_out() {
        let text = document(include_str!("../tests/data/06_daxing.txt"));
        let found = candidates(&text);
        assert_eq!(found.len(), 1, "{found:#?}");
        let first = &found[0];
        assert_eq!(first.title, "地区生产总值比上年增长4.5%以上。");
        assert_eq!(first.leader, "常务副区长");
        assert_eq!(first.lead, "区发展改革委");
        assert_eq!(first.sections, ["一、全区经济社会发展主要预期目标"]);
        assert_eq!(
            text[first.paragraph].trim(),
            "1.地区生产总值比上年增长4.5%以上。"
        );
    }

    #[test]
    fn guowuyuan_closing_bracket_gives_units_and_deadline() {
        let found = candidates(&document(include_str!("../tests/data/08_guowuyuan.txt")));
        assert_eq!(found.len(), 2, "{found:#?}");
        let first = &found[0];
        assert_eq!(
            first.sections,
            [
                "一、落实2020年发展主要目标和下一阶段工作总体部署",
                "(一)总体要求和主要预期目标。"
            ]
        );
        assert!(
            first
                .title
                .starts_with("在以习近平同志为核心的党中央坚强领导下")
        );
        assert!(
            first.title.ends_with("全面建成小康社会。"),
            "{}",
            first.title
        );
        assert_eq!(first.units, "国务院各部门");
        assert_eq!(first.deadline, "年内持续推进");
        // Item 2 is cut before its bracket; it stays, among siblings that name units.
        assert_eq!(found[1].number, "2");
        assert!(found[1].units.is_empty());
    }

    #[test]
    fn caidian_responsibility_line_under_each_item_and_no_notice_items() {
        let found = candidates(&document(include_str!("../tests/data/10_caidian.txt")));
        let numbers: Vec<&str> = found.iter().map(|c| c.number.as_str()).collect();
        assert_eq!(numbers, ["(一)", "(二)", "(三)", "(四)"]);
        let first = titled(&found, "地区生产总值增长7%以上");
        assert_eq!(first.units, "区发展和改革局");
        assert_eq!(first.sections, ["一、2023年全区经济社会发展的主要预期目标"]);
        assert_eq!(found[1].units, "区科技和经信局");
    }

    #[test]
    fn jiaxing_tables_written_cell_by_cell_or_with_pipes_are_not_running_text() {
        let found = candidates(&document(include_str!("../tests/data/01_jiaxing.txt")));
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn bulletins_and_speeches_without_units_give_nothing() {
        for text in [
            include_str!("../tests/data/13_xining_bulletin.txt"),
            include_str!("../tests/data/speech.txt"),
        ] {
            let found = candidates(&document(text));
            assert!(found.is_empty(), "{found:#?}");
        }
    }

    #[test]
    fn rules_naming_no_units_offer_their_deepest_items() {
        let found = candidates(&document(include_str!("../tests/data/17_sanming_rule.txt")));
        assert_eq!(found.len(), 6, "{found:#?}");
        assert!(found.iter().all(|c| c.number == "1" || c.number == "2"));
        assert_eq!(found[2].sections, ["二、等级确定", "(二)橙色督查单"]);
    }

    #[test]
    fn closing_brackets_of_every_form() {
        let text = paragraphs(&[
            "一、重点任务",
            "1.推进老旧小区改造。(责任领导:张三;牵头单位:市发改委;责任单位:市财政局、市住建局;完成时限:6月底前)",
            "2.建设城市书房(市发改委牵头,市财政局、市住建局配合)",
            "3.扩大有效投资。(国务院各部门分别负责,年内持续推进)",
            "4.举办消费季活动(市商务局负责,2026年9月底前完成)。",
            "5.优化营商环境。(市市场监管局、市政务服务局按职责分工负责)",
            "6.办好民生实事。(牵头:市民政局;配合:市财政局)",
        ]);
        let found = candidates(&text);
        assert_eq!(found.len(), 6, "{found:#?}");
        let labeled = &found[0];
        assert_eq!(labeled.title, "推进老旧小区改造。");
        assert_eq!(
            [
                &labeled.leader,
                &labeled.lead,
                &labeled.units,
                &labeled.deadline
            ],
            ["张三", "市发改委", "市财政局、市住建局", "6月底前"]
        );
        assert_eq!(
            (found[1].lead.as_str(), found[1].co.as_str()),
            ("市发改委", "市财政局、市住建局")
        );
        assert_eq!(found[1].title, "建设城市书房");
        assert_eq!(
            (found[2].units.as_str(), found[2].deadline.as_str()),
            ("国务院各部门", "年内持续推进")
        );
        assert_eq!(found[3].title, "举办消费季活动。");
        assert_eq!(
            (found[3].units.as_str(), found[3].deadline.as_str()),
            ("市商务局", "2026年9月底前完成")
        );
        assert_eq!(found[4].units, "市市场监管局、市政务服务局");
        assert_eq!(
            (found[5].lead.as_str(), found[5].co.as_str()),
            ("市民政局", "市财政局")
        );
        assert!(found.iter().all(|c| c.sections == ["一、重点任务"]));
    }

    #[test]
    fn full_width_punctuation_reads_like_ascii() {
        let text: Vec<String> = [
            "(一)推进老旧小区改造。(市发改委牵头,市财政局配合;6月底前)",
            "(二)建设城市书房",
            "牵头单位:市文旅局",
            "完成时限:2023年12月底前",
        ]
        .iter()
        .map(|l| wide(l))
        .collect();
        let found = candidates(&text);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(found[0].number, wide("(一)"));
        assert_eq!(found[0].title, "推进老旧小区改造。");
        assert_eq!(
            [&found[0].lead, &found[0].co, &found[0].deadline],
            ["市发改委", "市财政局", "6月底前"]
        );
        assert_eq!(
            (found[1].lead.as_str(), found[1].deadline.as_str()),
            ("市文旅局", "2023年12月底前")
        );
    }

    #[test]
    fn brackets_that_are_content_stay_in_the_title() {
        let text = paragraphs(&[
            "1.制定人才新政(试行)",
            "责任单位:市委组织部(市委人才办)",
            "2.建设人才公寓(市委人才办)",
            "3.召开人才大会(2023年3月3日)",
        ]);
        let found = candidates(&text);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert_eq!(found[0].title, "制定人才新政(试行)");
        assert_eq!(found[0].units, "市委组织部(市委人才办)");
        assert_eq!(found[1].title, "建设人才公寓(市委人才办)");
        assert_eq!(found[2].title, "召开人才大会(2023年3月3日)");
        assert!(
            found[1..]
                .iter()
                .all(|c| c.units.is_empty() && c.deadline.is_empty())
        );
    }

    #[test]
    fn fields_written_on_the_item_line_after_the_task() {
        let text = paragraphs(&[
            "(一)加快数字政府建设。牵头单位:市大数据局;配合单位:市财政局;完成时限:2024年6月底前",
            "(二)主要目标:新建5G基站1000个。【责任单位:市工信局】",
        ]);
        let found = candidates(&text);
        assert_eq!(found[0].title, "加快数字政府建设。");
        let roles = [&found[0].lead, &found[0].co, &found[0].deadline];
        assert_eq!(roles, ["市大数据局", "市财政局", "2024年6月底前"]);
        assert_eq!(found[1].title, "主要目标:新建5G基站1000个。");
        assert_eq!(found[1].units, "市工信局");
    }

    #[test]
    fn field_lines_with_spaced_labels_or_values_on_the_next_line() {
        let text = paragraphs(&[
            "1.推进数字政府建设。",
            "牵 头 单 位 : 市大数据局  配合单位:市财政局",
            "责任领导:",
            "李副市长",
        ]);
        let found = candidates(&text);
        assert_eq!(
            [&found[0].lead, &found[0].co, &found[0].leader],
            ["市大数据局", "市财政局", "李副市长"]
        );
    }

    #[test]
    fn minutes_decisions_are_tasks_and_their_sentences_name_units() {
        let text = paragraphs(&[
            "市政府常务会议纪要",
            "一、会议听取了市住建局关于老旧小区改造的汇报。",
            "会议议定以下事项:",
            "一、由市住建局牵头,市财政局配合,于6月底前完成。",
            "二、加快推进城市更新,由市自然资源局负责,9月底前完成规划编制。",
            "三、同意市教育局提出的学校布局方案。",
        ]);
        let found = candidates(&text);
        assert_eq!(found.len(), 3, "{found:#?}");
        let first = &found[0];
        assert_eq!(first.title, "由市住建局牵头,市财政局配合,于6月底前完成。");
        assert_eq!(
            [&first.lead, &first.co, &first.deadline],
            ["市住建局", "市财政局", "6月底前完成"]
        );
        assert_eq!(first.paragraph, 3);
        assert_eq!(found[1].title, "加快推进城市更新,9月底前完成规划编制。");
        assert_eq!(found[1].lead, "市自然资源局");
        assert_eq!(found[2].title, "同意市教育局提出的学校布局方案。");
    }

    #[test]
    fn speech_enumerations_give_only_the_parts_that_name_units_or_deadlines() {
        let text = paragraphs(&[
            "二、狠抓工作落实",
            "今年要重点抓好三件事:一是加快老旧小区改造,由市住建局牵头,6月底前完成;二是做好防汛准备(市水务局负责);三是各级干部要对群众负责,转变作风。",
        ]);
        let found = candidates(&text);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(found[0].number, "一是");
        assert_eq!(found[0].title, "加快老旧小区改造");
        assert_eq!(
            (found[0].lead.as_str(), found[0].deadline.as_str()),
            ("市住建局", "6月底前完成")
        );
        assert_eq!(found[1].title, "做好防汛准备");
        assert_eq!(found[1].units, "市水务局");
        assert_eq!(found[1].sections, ["二、狠抓工作落实"]);
    }

    #[test]
    fn a_heading_naming_the_lead_unit_passes_it_to_its_items() {
        let text = paragraphs(&[
            "市发改委牵头重点工作(共2项)",
            "1.扩大有效投资。(市财政局配合)",
            "2.推进项目建设。",
            "由市住建局牵头推进重点项目",
        ]);
        let found = candidates(&text);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found.iter().all(|c| c.lead == "市发改委"));
        assert_eq!(found[0].co, "市财政局");
        assert_eq!(found[0].sections, ["市发改委牵头重点工作(共2项)"]);
    }

    #[test]
    fn numbers_of_every_style_are_read() {
        let cases = [
            ("一、其他", Kind::Han, "一", 1),
            ("十一、其他", Kind::Han, "十一", 11),
            ("二十三、其他", Kind::Han, "二十三", 23),
            ("(十二)其他", Kind::ParenHan, "(十二)", 12),
            ("(3)其他", Kind::ParenDigit, "(3)", 3),
            ("3)其他", Kind::ParenDigit, "3)", 3),
            ("１２．其他", Kind::Digit, "１２", 12),
            ("7、其他", Kind::Digit, "7", 7),
            ("⑤其他", Kind::Circled, "⑤", 5),
        ];
        for (line, kind, number, value) in cases {
            assert_eq!(
                numbered(line),
                Some((kind, number, value, "其他")),
                "{line}"
            );
        }
        for line in [
            "3.8%的增长",
            "2023年",
            "一是加强",
            "十分重要",
            "(试行)",
            "1",
            "(",
            "一、",
        ] {
            assert!(numbered(line).is_none_or(|n| n.3.is_empty()), "{line}");
        }
    }

    #[test]
    fn hostile_input_never_panics_nor_crawls() {
        let odd = [
            "",
            "   ",
            "()",
            "(((",
            ")))",
            "(一",
            "1.(",
            "1.)",
            "一、)牵头(",
            "牵头单位:",
        ];
        let cut = [
            "1.任务(市发改委牵头",
            "2.任务)市发改委牵头)",
            "议定事项",
            "一是(牵头",
        ];
        let long = "牵头单位:".repeat(20_000) + &"(".repeat(50_000) + &")一是".repeat(50_000);
        // Labels with nothing after them, which a careless scan would re-read from each one.
        let empty_labels = format!("1.任务 {}", " 牵头单位:".repeat(20_000));
        for text in [
            vec![],
            paragraphs(&odd),
            paragraphs(&cut),
            vec![
                long.clone(),
                format!("1.{long}"),
                format!("一是{long}"),
                empty_labels,
            ],
        ] {
            let _ = candidates(&text);
        }
    }

    #[test]
    fn a_notice_before_the_body_gives_no_tasks_and_task_level_items_stay() {
        let text = paragraphs(&[
            "各县(市、区)人民政府,市政府各部门:",
            "一、高度重视。各地各部门要把落实政府工作报告作为重要政治任务。",
            "二、加强督查。市政府督查室要定期通报,并于每季度末前报送进展。",
            "2024年政府工作报告重点工作分工方案",
            "一、稳增长",
            "1.一般公共预算收入增长5%。(市财政局负责)",
            "2.推进“高效办成一件事”改革(市政务服务局牵头,市直各部门按职责分工负责,2024年12月底前)",
            "(1)推进企业开办一件事。",
            "二、保民生",
            "3.城镇新增就业5万人(市人社局)",
        ]);
        let found = candidates(&text);
        let titles: Vec<&str> = found.iter().map(|c| c.title.as_str()).collect();
        let expected = [
            "一般公共预算收入增长5%。",
            "推进“高效办成一件事”改革",
            "城镇新增就业5万人(市人社局)",
        ];
        assert_eq!(titles, expected);
        let roles = [&found[1].lead, &found[1].units, &found[1].deadline];
        assert_eq!(roles, ["市政务服务局", "市直各部门", "2024年12月底前"]);
        // A bare unit in brackets is not read as one, but the item is still a task of its level.
        assert!(found[2].units.is_empty());
    }

    #[test]
    fn minutes_decisions_are_the_work_and_the_agenda_item_their_section() {
        let text = paragraphs(&[
            "现纪要如下:",
            "一、会议听取了市住建局关于老旧小区改造工作的汇报",
            "会议要求,由市住建局牵头,市财政局、各区政府配合,于6月底前完成年度改造计划的50%。",
            "二、会议原则通过《城市更新实施办法(试行)》",
            "会议要求,市政府办公室于3月底前印发实施。",
        ]);
        let found = candidates(&text);
        assert_eq!(found.len(), 2, "{found:#?}");
        let roles = [&found[0].lead, &found[0].co, &found[0].deadline];
        assert_eq!(roles, ["市住建局", "市财政局、各区政府", "6月底前"]);
        assert_eq!(
            found[0].title,
            "由市住建局牵头,市财政局、各区政府配合,于6月底前完成年度改造计划的50%。"
        );
        assert_eq!(
            found[0].sections,
            ["一、会议听取了市住建局关于老旧小区改造工作的汇报"]
        );
        let roles = [&found[1].units, &found[1].deadline];
        assert_eq!(roles[0], "市政府办公室");
        assert!(roles[1].starts_with("3月底前"), "{roles:?}");
        assert_eq!(
            found[1].sections,
            ["二、会议原则通过《城市更新实施办法(试行)》"]
        );
    }

    proptest! {
        #[test]
        fn arbitrary_paragraphs_never_panic(text in proptest::collection::vec(
            "[一二十是1２.．、:;,。()()牵头负责配合单位领导时限年月底前由议定①⑴市局 a\n]{0,60}|\\PC{0,80}",
            0..12,
        )) {
            let _ = candidates(&text);
        }
    }
}
