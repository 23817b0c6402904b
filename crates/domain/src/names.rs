//! Units as documents write them: a cell such as "*市发改委、市财政局" split into names with
//! their marks, and each name found in the org tree — by full name, short name, the name without
//! its place (市财政局 for 云州市财政局) or the usual abbreviation (市发改委 for
//! 市发展和改革委员会) — with a confidence, and never a silent guess.

use std::collections::HashMap;

use crate::ids::UnitId;
use crate::org::OrgTree;

/// How a document marks a unit's role beside its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// `*市发改委`, `市发改委*`, `市发改委(牵头)`.
    Lead,
    /// `市财政局(配合)`.
    Co,
}

/// One unit named in a cell, as written (marks removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub name: String,
    pub mark: Option<Mark>,
}

/// What a name stands for in the org tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// One unit; `confidence` is 1 for a full or short name, less for a derived form.
    Unit {
        id: UnitId,
        confidence: f32,
    },
    /// Several units fit equally well; the reader must choose.
    Ambiguous(Vec<UnitId>),
    /// A collective term (各街道, 市级相关单位): kept as written, not one unit.
    Collective,
    Unknown,
}

const SEPARATORS: &[char] = &[
    '、', ',', '\u{ff0c}', ';', '\u{ff1b}', ' ', '\u{3000}', '\t', '\n', '/', '|',
];

/// Splits a cell into the units it names. Separators inside brackets do not split, so
/// 市委组织部(市委人才办) and 各县(市、区)政府 stay whole.
pub fn split(cell: &str) -> Vec<Mention> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in cell.chars() {
        match c {
            '(' | '\u{ff08}' | '【' | '[' => depth += 1,
            ')' | '\u{ff09}' | '】' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && SEPARATORS.contains(&c) {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    parts.iter().filter_map(|p| mention(p)).collect()
}

fn mention(raw: &str) -> Option<Mention> {
    let mut name = raw.trim().trim_end_matches(['。', '.']).trim();
    let mut mark = None;
    for star in ['*', '\u{ff0a}', '★', '※'] {
        if let Some(rest) = name.strip_prefix(star).or_else(|| name.strip_suffix(star)) {
            name = rest.trim();
            mark = Some(Mark::Lead);
        }
    }
    for (word, m) in [("牵头", Mark::Lead), ("配合", Mark::Co), ("协办", Mark::Co)] {
        for wrapped in [
            format!("({word})"),
            format!("\u{ff08}{word}\u{ff09}"),
            word.to_string(),
        ] {
            if let Some(rest) = name.strip_suffix(wrapped.as_str()) {
                name = rest.trim();
                mark = Some(m);
            }
        }
    }
    (!name.is_empty()).then(|| Mention {
        name: name.to_string(),
        mark,
    })
}

/// The lead and co-units of a task from its cells as written: a lead column and a co column
/// when the table has them (责任单位 beside a 牵头单位 are co-units too); otherwise the marked
/// names lead, and with no marks the first listed leads (the rule "列第一位的为牵头单位").
pub fn roles(lead: &str, units: &str, co: &str) -> (Vec<Mention>, Vec<Mention>) {
    let mut leads = Vec::new();
    let mut cos = Vec::new();
    let listed = split(units);
    if lead.trim().is_empty() {
        let marked = listed.iter().any(|m| m.mark == Some(Mark::Lead));
        for (i, m) in listed.into_iter().enumerate() {
            let leads_it = match m.mark {
                Some(mark) => mark == Mark::Lead,
                None => !marked && i == 0,
            };
            if leads_it { leads.push(m) } else { cos.push(m) }
        }
    } else {
        for m in split(lead) {
            if m.mark == Some(Mark::Co) {
                cos.push(m)
            } else {
                leads.push(m)
            }
        }
        cos.extend(listed);
    }
    cos.extend(split(co));
    let mut seen: Vec<String> = leads.iter().map(|m| m.name.clone()).collect();
    cos.retain(|m| {
        let new = !seen.contains(&m.name);
        seen.push(m.name.clone());
        new
    });
    (leads, cos)
}

/// 各街道, 各县(市、区)政府, 市级相关单位, 区直各部门: words that stand for a group of units.
pub fn is_collective(name: &str) -> bool {
    name.starts_with('各')
        || name.starts_with('全')
        || [
            "相关",
            "有关",
            "各部门",
            "各单位",
            "各成员",
            "各专班",
            "分别",
        ]
        .iter()
        .any(|w| name.contains(w))
}

#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
enum Form {
    Abbreviated = 0,
    Normalised = 1,
    Written = 2,
}

/// The names of the units in one scope, ready to look names up in.
#[derive(Debug, Clone)]
pub struct Directory {
    /// Every full and short name, and the same without the place, to the units they name.
    written: HashMap<String, Vec<(UnitId, Form)>>,
    /// (normalised name, unit) for abbreviation matching.
    normalised: Vec<(String, UnitId)>,
    /// The retired units among them: a name that a live unit shares with a retired one (the
    /// survivor of a merge keeps the merged unit's name) stands for the live one.
    retired: Vec<UnitId>,
}

impl Directory {
    /// The units of `scope`'s subtree (all units when `None`).
    pub fn new(tree: &OrgTree, scope: Option<UnitId>) -> Directory {
        let mut written: HashMap<String, Vec<(UnitId, Form)>> = HashMap::new();
        let mut normalised = Vec::new();
        for unit in tree.units() {
            if scope.is_some_and(|s| !tree.is_within(unit.id, s)) {
                continue;
            }
            let place = place_of(tree, unit.id);
            let mut add = |name: &str, form: Form| {
                let entry = written.entry(name.to_string()).or_default();
                if !entry.iter().any(|(id, _)| *id == unit.id) {
                    entry.push((unit.id, form));
                }
            };
            for name in std::iter::once(&unit.name).chain(&unit.short_names) {
                add(name, Form::Written);
                if let Some((place, level)) = &place
                    && let Some(rest) = name.strip_prefix(place.as_str())
                    && !rest.is_empty()
                {
                    add(&format!("{level}{rest}"), Form::Normalised);
                }
            }
            let base = match &place {
                Some((place, level)) => unit
                    .name
                    .strip_prefix(place.as_str())
                    .map_or(unit.name.clone(), |rest| format!("{level}{rest}")),
                None => unit.name.clone(),
            };
            normalised.push((normalise(&base), unit.id));
            for short in &unit.short_names {
                normalised.push((normalise(short), unit.id));
            }
        }
        let retired = tree
            .units()
            .filter(|u| tree.is_retired(u.id))
            .map(|u| u.id)
            .collect();
        Directory {
            written,
            normalised,
            retired,
        }
    }

    /// The unit a name stands for, how surely, or why none.
    pub fn find(&self, name: &str) -> Found {
        let name = name.trim();
        if let Some(units) = self.written.get(name) {
            let best = units
                .iter()
                .map(|(_, f)| *f)
                .fold(Form::Abbreviated, |a, b| if b > a { b } else { a });
            let mut ids: Vec<UnitId> = units
                .iter()
                .filter(|(_, f)| *f == best)
                .map(|(id, _)| *id)
                .collect();
            self.prefer_live(&mut ids);
            return match ids.as_slice() {
                [id] => Found::Unit {
                    id: *id,
                    confidence: if best == Form::Written { 1.0 } else { 0.95 },
                },
                _ => Found::Ambiguous(ids),
            };
        }
        if is_collective(name) {
            return Found::Collective;
        }
        let wanted = normalise(name);
        let mut ids: Vec<UnitId> = self
            .normalised
            .iter()
            .filter(|(n, _)| *n == wanted)
            .map(|(_, id)| *id)
            .collect();
        let mut confidence = 0.9;
        if ids.is_empty() {
            ids = self
                .normalised
                .iter()
                .filter(|(n, _)| abbreviates(&wanted, n))
                .map(|(_, id)| *id)
                .collect();
            confidence = 0.75;
        }
        ids.sort();
        ids.dedup();
        self.prefer_live(&mut ids);
        match ids.as_slice() {
            [] => Found::Unknown,
            [id] => Found::Unit {
                id: *id,
                confidence,
            },
            _ => Found::Ambiguous(ids),
        }
    }

    /// Of several units a name may stand for, the live ones, if there are any.
    fn prefer_live(&self, ids: &mut Vec<UnitId>) {
        if ids.iter().any(|id| !self.retired.contains(id)) {
            ids.retain(|id| !self.retired.contains(id));
        }
    }

    /// Splits names written together without a separator (市发改委市财政局) into names this
    /// directory knows, if the whole text is made of them.
    pub fn segment(&self, text: &str) -> Option<Vec<String>> {
        let chars: Vec<char> = text.chars().collect();
        // best[i]: the fewest known names that make up chars[..i], and where the last begins.
        let mut best: Vec<Option<(usize, usize)>> = vec![None; chars.len() + 1];
        best[0] = Some((0, 0));
        for end in 1..=chars.len() {
            for start in 0..end {
                let Some((count, _)) = best[start] else {
                    continue;
                };
                let piece: String = chars[start..end].iter().collect();
                if matches!(self.find(&piece), Found::Unit { confidence, .. } if confidence >= 0.9)
                    && best[end].is_none_or(|(c, _)| count + 1 < c)
                {
                    best[end] = Some((count + 1, start));
                }
            }
        }
        let mut names = Vec::new();
        let mut end = chars.len();
        while end > 0 {
            let (_, start) = best[end]?;
            names.push(chars[start..end].iter().collect());
            end = start;
        }
        names.reverse();
        (names.len() > 1).then_some(names)
    }
}

/// How unit names end and begin, for telling where one ends in a run of them.
const NAME_ENDS: [&str; 15] = [
    "局",
    "委",
    "办",
    "中心",
    "政府",
    "管委会",
    "集团",
    "厅",
    "部",
    "部门",
    "单位",
    "院",
    "公司",
    "街道",
    "镇",
];
const NAME_STARTS: [char; 5] = ['市', '区', '县', '省', '各'];

/// Names written together without a separator (市行政审批局市司法局, 市级各有关部门及各县市区政府)
/// split by the shape of unit names: where one ends (…局, …委, …办, …中心, …政府, …管委会,
/// …集团) and the next begins (市, 区, 县, 省, 各), a 及 or 和 between them dropped. For names the
/// org tree cannot split; the reader is asked to check the result.
pub fn split_by_shape(text: &str) -> Option<Vec<String>> {
    let chars: Vec<char> = text.trim().chars().collect();
    let mut names = Vec::new();
    let (mut start, mut depth) = (0, 0usize);
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '(' | '\u{ff08}' => depth += 1,
            ')' | '\u{ff09}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        let so_far: String = chars[start..=i].iter().collect();
        let ends = depth == 0 && NAME_ENDS.iter().any(|e| so_far.ends_with(e));
        let joined = matches!(chars.get(i + 1), Some('及' | '和'));
        let next = chars.get(i + 1 + usize::from(joined));
        if ends && so_far.chars().count() >= 3 && next.is_some_and(|c| NAME_STARTS.contains(c)) {
            names.push(so_far);
            i += 1 + usize::from(joined);
            start = i;
            continue;
        }
        i += 1;
    }
    let last: String = chars[start.min(chars.len())..].iter().collect();
    if names.is_empty() || last.chars().count() < 3 {
        return None;
    }
    names.push(last);
    Some(names)
}

/// The place a unit's full name starts with, and the level word that replaces it in the
/// place-less form: ("云州市", "市") for the departments of 云州市人民政府.
fn place_of(tree: &OrgTree, unit: UnitId) -> Option<(String, char)> {
    let government = tree
        .ancestors_or_self(unit)
        .into_iter()
        .filter_map(|id| tree.get(id))
        .find(|u| u.kind.is_government() && u.id != unit)
        .or_else(|| tree.get(unit))?;
    let place = government
        .name
        .strip_suffix("人民政府")
        .or_else(|| government.name.strip_suffix("政府"))
        .unwrap_or(&government.name);
    let level = place.chars().last()?;
    matches!(level, '省' | '市' | '县' | '区' | '州' | '盟' | '旗')
        .then(|| (place.to_string(), level))
}

/// The forms offices shorten without thinking: 委员会 → 委, 人民政府 → 政府, and the 和 / 与 of
/// 发展和改革.
fn normalise(name: &str) -> String {
    name.replace("委员会", "委")
        .replace("人民政府", "政府")
        .replace("办公室", "办")
        .replace(['和', '与', '及'], "")
        .replace(['(', ')', '\u{ff08}', '\u{ff09}'], "")
}

/// 市发改委 abbreviates 市发展改革委: the same first and last character (the level and the
/// kind of unit), and every character in order.
fn abbreviates(short: &str, full: &str) -> bool {
    let (s, f): (Vec<char>, Vec<char>) = (short.chars().collect(), full.chars().collect());
    if s.len() < 3 || s.len() >= f.len() || s.first() != f.first() || s.last() != f.last() {
        return false;
    }
    let mut rest = f.iter();
    s.iter().all(|c| rest.any(|x| x == c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{Unit, UnitKind};

    fn tree() -> OrgTree {
        let unit = |id, name: &str, short: &[&str], kind, parent: Option<i64>| Unit {
            id: UnitId(id),
            code: format!("u{id}"),
            name: name.into(),
            short_names: short.iter().map(|s| s.to_string()).collect(),
            kind,
            parent_id: parent.map(UnitId),
        };
        OrgTree::new([
            unit(1, "云州市人民政府", &["市政府"], UnitKind::Government, None),
            unit(
                2,
                "云州市发展和改革委员会",
                &[],
                UnitKind::Department,
                Some(1),
            ),
            unit(
                3,
                "云州市财政局",
                &["市财政局"],
                UnitKind::Department,
                Some(1),
            ),
            unit(
                4,
                "云州市经济和信息化局",
                &[],
                UnitKind::Department,
                Some(1),
            ),
            unit(
                5,
                "青山县人民政府",
                &["青山县政府"],
                UnitKind::Government,
                Some(1),
            ),
            unit(6, "青山县财政局", &[], UnitKind::Department, Some(5)),
            unit(
                7,
                "云州市人力资源和社会保障局",
                &[],
                UnitKind::Department,
                Some(1),
            ),
        ])
    }

    #[test]
    fn a_name_shared_by_a_merged_unit_and_its_survivor_stands_for_the_survivor() {
        let mut units: Vec<Unit> = tree().units().cloned().collect();
        let survivor = units.iter_mut().find(|u| u.id == UnitId(4)).unwrap();
        survivor.short_names.push("云州市财政局".into());
        survivor.short_names.push("市财政局".into());
        let merged = OrgTree::new(units.clone()).with_retired([UnitId(3)]);
        let directory = Directory::new(&merged, None);
        for name in ["云州市财政局", "市财政局"] {
            assert!(
                matches!(directory.find(name), Found::Unit { id: UnitId(4), .. }),
                "{name}: {:?}",
                directory.find(name)
            );
        }
        // Until the unit is retired, the shared name is ambiguous, as it should be.
        let both = Directory::new(&OrgTree::new(units), None);
        assert!(matches!(both.find("市财政局"), Found::Ambiguous(_)));
    }

    #[test]
    fn a_cell_splits_on_any_separator_but_not_inside_brackets() {
        let names: Vec<_> =
            split("*市委组织部(市委人才办)、 市人力社保局;各县(市、区)政府,市财政局(配合)")
                .into_iter()
                .map(|m| (m.name, m.mark))
                .collect();
        assert_eq!(
            names,
            [
                ("市委组织部(市委人才办)".to_string(), Some(Mark::Lead)),
                ("市人力社保局".to_string(), None),
                ("各县(市、区)政府".to_string(), None),
                ("市财政局".to_string(), Some(Mark::Co)),
            ]
        );
        assert_eq!(split("市发改委*")[0].mark, Some(Mark::Lead));
        let full_width: Vec<_> = split("\u{ff0a}市发改委\u{ff0c}市财政局\u{ff08}配合\u{ff09}\u{ff1b}各县\u{ff08}市、区\u{ff09}政府")
            .into_iter()
            .map(|m| (m.name, m.mark))
            .collect();
        assert_eq!(
            full_width,
            [
                ("市发改委".to_string(), Some(Mark::Lead)),
                ("市财政局".to_string(), Some(Mark::Co)),
                ("各县\u{ff08}市、区\u{ff09}政府".to_string(), None),
            ]
        );
        assert!(split(" 、,").is_empty());
    }

    #[test]
    fn the_lead_is_the_marked_name_else_the_lead_column_else_the_first_listed() {
        let names = |ms: Vec<Mention>| ms.into_iter().map(|m| m.name).collect::<Vec<_>>();
        let (l, c) = roles("", "市科技局、*市经信局", "");
        assert_eq!(
            (names(l), names(c)),
            (vec!["市经信局".to_string()], vec!["市科技局".to_string()])
        );
        let (l, c) = roles("", "市发改委、市财政局", "");
        assert_eq!(
            (names(l), names(c)),
            (vec!["市发改委".to_string()], vec!["市财政局".to_string()])
        );
        let (l, c) = roles("区发改局", "立山经济开发区,各街道", "区财政局、区发改局");
        assert_eq!(names(l), ["区发改局"]);
        assert_eq!(
            names(c),
            ["立山经济开发区", "各街道", "区财政局"],
            "no unit twice"
        );
    }

    #[test]
    fn names_are_found_written_without_place_or_abbreviated_and_say_how_surely() {
        let d = Directory::new(&tree(), None);
        let found = |n: &str| d.find(n);
        assert_eq!(
            found("云州市财政局"),
            Found::Unit {
                id: UnitId(3),
                confidence: 1.0
            }
        );
        assert_eq!(
            found("市发展和改革委员会"),
            Found::Unit {
                id: UnitId(2),
                confidence: 0.95
            }
        );
        assert_eq!(
            found("市发展改革委"),
            Found::Unit {
                id: UnitId(2),
                confidence: 0.9
            }
        );
        for short in ["市发改委", "市经信局", "市人力社保局"] {
            assert!(
                matches!(found(short), Found::Unit { confidence, .. } if confidence < 0.9),
                "{short}"
            );
        }
        assert_eq!(
            found("县财政局"),
            Found::Unit {
                id: UnitId(6),
                confidence: 0.95
            }
        );
        assert_eq!(found("市委宣传部"), Found::Unknown);
        assert_eq!(found("各街道"), Found::Collective);
        assert_eq!(found("市级相关单位"), Found::Collective);
    }

    #[test]
    fn a_name_that_fits_two_units_is_ambiguous_not_guessed() {
        let d = Directory::new(&tree(), None);
        assert!(matches!(
            d.find("财政局"),
            Found::Unknown | Found::Ambiguous(_)
        ));
        assert!(matches!(d.find("市财局"), Found::Unit { .. }));
        let county = Directory::new(&tree(), Some(UnitId(5)));
        assert_eq!(county.find("市财政局"), Found::Unknown, "outside the scope");
    }

    #[test]
    fn names_run_together_outside_the_tree_are_split_by_their_shape() {
        let split = |t: &str| split_by_shape(t);
        assert_eq!(
            split("市行政审批局市司法局"),
            Some(vec!["市行政审批局".into(), "市司法局".into()])
        );
        assert_eq!(
            split("市级各有关部门及各县市区政府"),
            Some(vec!["市级各有关部门".into(), "各县市区政府".into()])
        );
        for whole in [
            "市发展和改革委员会",
            "市委组织部(市委人才办)",
            "市公安局交警支队",
            "县政府办公室",
            "市委办",
        ] {
            assert_eq!(split(whole), None, "{whole}");
        }
    }

    proptest::proptest! {
        #[test]
        fn a_shape_split_keeps_every_character_but_the_joining_words(
            text in "[市区县局委办中心政府及和各财政司法a]{0,30}"
        ) {
            if let Some(names) = split_by_shape(&text) {
                let joined: String = names.concat();
                let kept: String = text.trim().chars().filter(|c| !"及和".contains(*c)).collect();
                proptest::prop_assert!(names.iter().all(|n| n.chars().count() >= 3));
                proptest::prop_assert!(joined.chars().filter(|c| !"及和".contains(*c)).eq(kept.chars()));
            }
        }
    }

    #[test]
    fn names_run_together_are_split_against_the_tree() {
        let d = Directory::new(&tree(), None);
        assert_eq!(
            d.segment("市财政局市发展和改革委员会"),
            Some(vec!["市财政局".into(), "市发展和改革委员会".into()])
        );
        assert_eq!(d.segment("市财政局"), None, "one name is not a split");
        assert_eq!(d.segment("市财政局某某公司"), None);
    }
}
