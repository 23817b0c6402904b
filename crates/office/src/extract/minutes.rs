//! Meeting minutes (会议纪要 and the reports of 常务会议, 局长办公会, 专题会议) read the way a
//! 督查室 clerk reads them: what the meeting heard or reviewed (审议《…》, 听取…汇报) heads a
//! section, and what it decided is the work — each sentence after 会议要求 / 强调 / 指出 /
//! 决定 / 同意, or after the chair's own 要求, and each point of a 一是……二是…… list.
//!
//! A sentence is work when it obliges someone (要, 须, 确保, 做好, 印发…); under 要求, 强调 or
//! 决定 every sentence is, unless it only states a fact (…是…, …了). The unit is the one the
//! sentence names — by 牵头 / 负责 / 配合, at the head of a clause (市住建局要…, 各单位要…), as
//! the one whose proposal was approved (会议同意县财政局拟草的…) — else the unit whose report
//! the decision answers. Attendance (出席, 列席, 参加会议) is never work.

use super::{Candidate, Role, Roles, clause_roles, clauses, is_close, is_open, numbered, plain};
use super::{ends_with_any, looks_like_unit, starts_with_any, trim_value};

/// What the meeting did, as the sentence opens with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Said {
    /// 要求, 强调, 决定, 明确: whatever follows is asked for.
    Asked,
    /// 指出, 认为: what follows may only state a fact.
    Noted,
    /// 同意, 通过: a proposal approved; the sentence is kept whole.
    Approved,
}

/// Whether the document reads as minutes: some sentence opens with a decision.
pub(super) fn is_minutes(paragraphs: &[String]) -> bool {
    let speech = paragraphs.iter().take(5).any(|p| p.contains("讲话"));
    paragraphs.iter().flat_map(|p| sentences(p)).any(|s| {
        let by_meeting = s
            .char_indices()
            .take(7)
            .any(|(i, _)| s[i..].starts_with("会议"));
        let (_, s) = lead_in(s);
        decision(s).is_some_and(|(said, _)| by_meeting || said != Said::Approved && !speech)
    })
}

/// The work decided in minutes, one candidate per decision.
pub(super) fn candidates(paragraphs: &[String]) -> Vec<Candidate> {
    let mut reader = Minutes::default();
    for (index, paragraph) in paragraphs.iter().enumerate() {
        for line in paragraph.lines().map(str::trim).filter(|l| !l.is_empty()) {
            reader.read(index, line);
        }
    }
    reader.found
}

#[derive(Default)]
struct Minutes {
    found: Vec<Candidate>,
    section: Option<String>,
    /// The section is a numbered agenda item, which the report heard under it does not replace.
    numbered: bool,
    /// The unit whose report the section answers, for decisions that name none.
    reporter: Option<String>,
    /// A decision ending its line with a colon ("会议要求:") goes on over the lines after it.
    open: Option<Said>,
}

impl Minutes {
    fn read(&mut self, paragraph: usize, line: &str) {
        let approves = |rest: &str| {
            matches!(decision(rest), Some((Said::Approved, _))) && !is_work(rest, Said::Approved)
        };
        if let Some((_, number, _, rest)) = numbered(line)
            && (decision(rest).is_none() || approves(rest))
        {
            if is_agenda(rest) || approves(rest) || self.open.is_none() {
                self.section = Some(line.to_string());
                self.numbered = true;
                self.reporter = reporter(rest);
                self.open = None;
            } else {
                self.decide(paragraph, Said::Asked, rest, number);
            }
            return;
        }
        let mut said = self.open.take();
        // A report heard in the same paragraph as its decisions answers only them.
        let mut local_reporter = None;
        let all: Vec<&str> = sentences(line);
        let mut k = 0;
        while k < all.len() {
            let sentence = all[k];
            k += 1;
            if is_attendance(sentence) {
                continue;
            }
            let (lead_in, sentence) = lead_in(sentence);
            if let Some(unit) = lead_in.and_then(reporter) {
                local_reporter = Some(unit);
            }
            if let Some((kind, rest)) = decision(sentence) {
                said = Some(kind);
                let rest = if kind == Said::Approved {
                    sentence
                } else {
                    rest
                };
                if rest.trim_end().ends_with(|c| plain(c) == ':') && k == all.len() {
                    self.open = Some(kind);
                }
                // A list of points runs over the sentences after it.
                let tail = &line[offset(line, rest)..];
                if let Some(parts) = points(tail) {
                    for (number, part) in parts {
                        self.add(paragraph, &part, &number, local_reporter.as_deref());
                    }
                    return;
                }
                if is_work(rest, kind) {
                    self.add(paragraph, rest, "", local_reporter.as_deref());
                } else if kind == Said::Approved && !self.numbered {
                    self.section = Some(trim_value(sentence).to_string());
                }
            } else if is_agenda(sentence) {
                let whole = all.len() == 1;
                if !self.numbered {
                    self.section = Some(trim_value(sentence).to_string());
                }
                let unit = reporter(sentence);
                if whole {
                    self.reporter = unit;
                } else {
                    local_reporter = unit;
                }
                said = None;
            } else if let Some(kind) = said
                && is_work(sentence, kind)
            {
                self.add(paragraph, sentence, "", local_reporter.as_deref());
            }
        }
    }

    fn decide(&mut self, paragraph: usize, said: Said, text: &str, number: &str) {
        if is_work(text, said) {
            self.add(paragraph, text, number, None);
        }
    }

    fn add(&mut self, paragraph: usize, text: &str, number: &str, reporter: Option<&str>) {
        let text = text.trim();
        let (mut roles, _) = clause_roles(text);
        let lead = &roles.0[Role::Lead as usize];
        let units = &roles.0[Role::Units as usize];
        if lead.is_empty() && units.is_empty() {
            let named = subject(text)
                .or_else(|| addressed(text))
                .or_else(|| proposer(text))
                .or_else(|| {
                    reporter
                        .or(self.reporter.as_deref())
                        .map(|u| (u.to_string(), String::new()))
                });
            if let Some((lead, co)) = named {
                roles.add(Role::Lead, &lead);
                roles.add(Role::Co, &co);
            }
        }
        if roles.0[Role::Deadline as usize].is_empty() {
            roles.add(Role::Deadline, time_limit(text).unwrap_or_default());
        }
        let Roles([lead, units, co, leader, deadline]) = roles;
        self.found.push(Candidate {
            sections: self.section.iter().cloned().collect(),
            number: number.to_string(),
            title: text.to_string(),
            lead,
            units,
            co,
            leader,
            deadline,
            paragraph,
        });
    }
}

/// Where `part`, a slice of `whole`, begins in it.
fn offset(whole: &str, part: &str) -> usize {
    part.as_ptr() as usize - whole.as_ptr() as usize
}

/// Sentences with their closing punctuation; punctuation inside brackets, 《》 and quotes does not end one.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in text.char_indices() {
        if is_open(c) || "《“".contains(c) {
            depth += 1;
        } else if is_close(c) || "》”".contains(c) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && "。;!?".contains(plain(c)) {
            let end = i + c.len_utf8();
            out.push(text[start..end].trim());
            start = end;
        }
    }
    if !text[start..].trim().is_empty() {
        out.push(text[start..].trim());
    }
    out.retain(|s| !s.is_empty());
    out
}

/// A clause before the decision that says what it is about: "就涉农资金整合方面," or
/// "在听取完开江生态环境局近期工作情况汇报后,".
fn lead_in(sentence: &str) -> (Option<&str>, &str) {
    let first = clauses(sentence).into_iter().next();
    match first {
        Some((clause, end))
            if !end.is_empty() && starts_with_any(clause, "就 在听取 针对 关于") =>
        {
            let rest = &sentence[clause.len() + end.len()..];
            if decision(rest).is_some() {
                return (Some(clause), rest);
            }
            (None, sentence)
        }
        _ => (None, sentence),
    }
}

const DECIDED: [(&str, Said); 14] = [
    ("要求", Said::Asked),
    ("强调", Said::Asked),
    ("决定", Said::Asked),
    ("明确", Said::Asked),
    ("议定", Said::Asked),
    ("提出", Said::Asked),
    ("指出", Said::Noted),
    ("认为", Said::Noted),
    ("原则同意", Said::Approved),
    ("原则上同意", Said::Approved),
    ("原则通过", Said::Approved),
    ("同意", Said::Approved),
    ("审议通过", Said::Approved),
    ("通过", Said::Approved),
];

/// The decision a sentence opens with, and what follows its verb.
fn decision(sentence: &str) -> Option<(Said, &str)> {
    let s = sentence.trim();
    // "会议要求", "会议还强调", or a page's leftovers before it ("图片附件会议要求").
    let meeting = s
        .char_indices()
        .take(7)
        .find(|&(i, _)| s[i..].starts_with("会议"))
        .filter(|&(i, _)| !s[..i].contains(|c: char| "。,;:".contains(plain(c))))
        .map(|(i, _)| &s[i + "会议".len()..]);
    let after = match meeting {
        Some(rest) => rest.strip_prefix('还').unwrap_or(rest),
        None => chair(s)?,
    };
    let &(word, said) = DECIDED.iter().find(|(w, _)| after.starts_with(w))?;
    let rest = &after[word.len()..];
    // "会议要求,…" and "会议要求各乡镇…" decide; "会议提出的问题" does not.
    let follows = rest.is_empty() || rest.starts_with(|c: char| ",:".contains(plain(c)));
    let addressed =
        said == Said::Approved || rest.starts_with(['各', '有', '由', '县', '市', '区']);
    (follows || addressed && meeting.is_some()).then(|| {
        (
            said,
            rest.trim_start_matches(|c: char| ",:".contains(plain(c))),
        )
    })
}

/// The chair speaking: "王华要求," "县委副书记、代县长王华指出," "同时强调," — the text from
/// the verb on, when what comes before it is short and has no clause of its own.
fn chair(s: &str) -> Option<&str> {
    let (at, _) = s
        .char_indices()
        .take(24)
        .find(|&(i, _)| starts_with_any(&s[i..], "要求 强调 指出"))?;
    let who = &s[..at];
    let spoken = s[at + "要求".len()..].starts_with(|c: char| ",:".contains(plain(c)));
    // A name, with titles (县委副书记、代县长王华) or without (王华), or 同时: not a clause
    // such as "根据通用责任清单要求," or one that quotes someone.
    let titled = ["长", "书记", "主任"].iter().any(|t| who.contains(t));
    let plain_who = (titled && who.chars().count() <= 14 || who.chars().count() <= 4)
        && !starts_with_any(who, "根据 按照 对照 依据 按")
        && !who.contains(|c: char| ",;。:的在中“".contains(plain(c)));
    (spoken && plain_who).then(|| &s[at..])
}

/// 审议《…》, 听取…汇报, 研究…, 关于…问题: what the meeting took up.
fn is_agenda(s: &str) -> bool {
    let s = s.trim_start_matches("会议");
    starts_with_any(s, "审议 听取 审定 研究 讨论 传达 学习 关于 请") && !is_work(s, Said::Noted)
        || s.contains("汇报") && s.chars().count() <= 60
}

fn is_attendance(s: &str) -> bool {
    [
        "参加会议",
        "出席会议",
        "列席会议",
        "参加了",
        "参会人员",
        "参加人员",
        "出席:",
        "列席:",
    ]
    .iter()
    .any(|w| s.contains(w))
        || s.ends_with("出席。")
        || s.ends_with("出席")
}

/// The unit whose report is heard: "听取了区城管执法局局长赵坚华同志关于…的汇报" →
/// 区城管执法局, "请区交警大队同志汇报…" → 区交警大队.
fn reporter(s: &str) -> Option<String> {
    let s = s.trim_start_matches("会议");
    let s = ["在听取完", "听取了", "听取审议了", "听取", "请"]
        .iter()
        .find_map(|p| s.strip_prefix(p))?;
    let end = ["关于", "《", "近期", "汇报", "的"]
        .iter()
        .filter_map(|w| s.find(w))
        .min()?;
    let who = person_free(&s[..end]);
    looks_like_unit(who).then(|| who.to_string())
}

/// A unit name without the person after it: 区城管执法局局长赵坚华同志 → 区城管执法局.
fn person_free(s: &str) -> &str {
    let titles = [
        "全体班子成员",
        "班子成员",
        "主要负责同志",
        "主要负责人",
        "负责同志",
        "负责人",
        "主要领导",
        "局长",
        "主任",
        "书记",
        "同志",
    ];
    let cut = titles.iter().filter_map(|t| s.find(t)).min();
    s[..cut.unwrap_or(s.len())].trim()
}

/// Words that oblige: 要 (not 重要, 主要, 必要, 要求 …), 须, 确保, 做好, 印发 …
fn obliges(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let modal = chars.iter().enumerate().any(|(i, &c)| {
        let before = i.checked_sub(1).map(|b| chars[b]);
        let after = chars.get(i + 1).copied();
        c == '要'
            && !before.is_some_and(|b| "重主必需纲摘紧首只".contains(b))
            && !after.is_some_and(|a| "求素点件闻害".contains(a))
    });
    let words = "须 务必 确保 抓紧 尽快 做好 抓好 负责 牵头 配合 印发 报送 上报 报请 报县 报市 报区 报省 \
                 后报 修改完善 批复实施";
    modal || words.split(' ').any(|w| s.contains(w))
}

fn is_work(s: &str, said: Said) -> bool {
    let statement = s.contains(['了', '是']) || s.contains("取得");
    obliges(s) || said == Said::Asked && !statement && s.chars().any(super::is_cjk)
}

/// Points of a "一是……二是……" or "一要……二要……" list starting the text, each to the next.
fn points(text: &str) -> Option<Vec<(String, String)>> {
    let han = "一二三四五六七八九十";
    let mark = |i: usize, n: usize| -> Option<char> {
        let c = text[i..].chars().next()?;
        let second = text[i + c.len_utf8()..].chars().next()?;
        (han.chars().nth(n) == Some(c) && "是要".contains(second)).then_some(second)
    };
    let first = mark(0, 0)?;
    let mut starts = vec![0];
    for (i, c) in text.char_indices() {
        let before = text[..i].chars().next_back();
        let boundary = before.is_some_and(|b| "。;,:".contains(plain(b)) || b.is_whitespace());
        if boundary && mark(i, starts.len()) == Some(first) && c != '十' {
            starts.push(i);
        }
    }
    if starts.len() < 2 {
        return None;
    }
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    let parts = starts.iter().zip(ends).map(|(&s, e)| {
        let marker_len = text[s..].chars().take(2).map(char::len_utf8).sum::<usize>();
        let part = text[s + marker_len..e].trim();
        let number = text[s..s + marker_len].to_string();
        // "一是要全力以赴" keeps its 要; "一是力度要更大" has it later.
        let part = if first == '要' {
            format!("要{part}")
        } else {
            part.to_string()
        };
        (number, part)
    });
    Some(parts.collect())
}

/// "会议要求各乡镇、各有关部门深刻认识…": the units addressed straight after the decision.
fn addressed(text: &str) -> Option<(String, String)> {
    let (clause, _) = clauses(text).into_iter().next()?;
    if !clause.starts_with('各') {
        return None;
    }
    let names: Vec<&str> = clause.split('、').collect();
    let (last, listed) = names.split_last()?;
    let head = (1..=last.chars().count().min(12))
        .rev()
        .map(|n| &last[..last.char_indices().nth(n).map_or(last.len(), |(i, _)| i)])
        .find(|p| looks_like_unit(p) || ends_with_any(p, "部门 单位"))?;
    if head == *last {
        return None; // the clause is only names: a subject before 要 reads it
    }
    let mut all: Vec<&str> = listed.to_vec();
    all.push(head);
    all.iter()
        .all(|n| is_unit_word(n))
        .then(|| split_lead(&all))
}

/// "区交通运输局、区城管法执法局等单位要…", "县自然资源局全体班子成员要…": the units at the head
/// of a clause before what they must do, first listed leading. "各相关单位要…积极配合区交通运输局"
/// makes the unit they help the lead.
fn subject(text: &str) -> Option<(String, String)> {
    let modals = ["必须", "务必", "要", "须", "应", "负责", "抓紧", "切实"];
    let clauses = clauses(text);
    for (k, (clause, _)) in clauses.iter().enumerate() {
        let Some(at) = clause
            .char_indices()
            .find(|&(i, _)| modals.iter().any(|m| clause[i..].starts_with(m)))
            .map(|(i, _)| i)
        else {
            continue;
        };
        let who = ["同时", "并", "会后", "请"]
            .iter()
            .find_map(|p| clause[..at].strip_prefix(p))
            .unwrap_or(&clause[..at]);
        let who = person_free(who);
        let who = ["等单位", "等部门", "等"]
            .iter()
            .find_map(|s| who.strip_suffix(s))
            .unwrap_or(who);
        let names: Vec<&str> = who.split('、').map(str::trim).collect();
        if who.is_empty() || who.chars().count() > 80 || !names.iter().all(|n| is_unit_word(n)) {
            continue;
        }
        let helped = clauses[k..].iter().find_map(|(c, _)| {
            let after = c.split_once("配合")?.1;
            let end = after.char_indices().map(|(i, c)| i + c.len_utf8());
            end.filter(|&e| after[..e].chars().count() >= 3 && looks_like_unit(&after[..e]))
                .map(|e| &after[..e])
                .min_by_key(|u| u.len())
        });
        return Some(match helped {
            Some(lead) => (lead.to_string(), who.to_string()),
            None => split_lead(&names),
        });
    }
    None
}

/// "会议原则同意县财政局拟草的…": the unit whose proposal was approved carries it out.
fn proposer(text: &str) -> Option<(String, String)> {
    let rest = text.split_once("同意")?.1;
    let end = ["拟草", "拟定", "起草", "提交", "提出", "报送", "关于", "对"]
        .iter()
        .filter_map(|w| rest.find(w))
        .min()?;
    let who = rest[..end].trim();
    looks_like_unit(who).then(|| (who.to_string(), String::new()))
}

fn is_unit_word(name: &str) -> bool {
    let name = name.trim();
    !name.is_empty()
        && (looks_like_unit(name)
            || luoshi_domain::names::is_collective(name) && name.chars().count() <= 12
            || ends_with_any(name, "部门 单位"))
}

fn split_lead(names: &[&str]) -> (String, String) {
    let (first, rest) = names.split_first().map_or(("", &[][..]), |(f, r)| (*f, r));
    (first.to_string(), rest.join("、"))
}

/// The last time limit written in the text (8月底前, 2022年10月底前, 一季度, 年底前). 尽快 is
/// none: the importer says so in a note.
pub(super) fn time_limit(text: &str) -> Option<&str> {
    let mut found = None;
    let mut before = None;
    for (i, c) in text.char_indices() {
        // A phrase starts where a number does, not inside one (the 0月 of 10月).
        let inside = before.is_some_and(|b: char| b.is_ascii_digit() || b == '年');
        if !inside && let Some(len) = time_at(&text[i..]) {
            found = Some(&text[i..i + len]);
        }
        before = Some(c);
    }
    found
}

/// The length of the time limit `s` starts with, if it does.
fn time_at(s: &str) -> Option<usize> {
    let digits = |s: &str| s.chars().take_while(|c| c.is_ascii_digit()).count();
    let mut i = 0;
    let year = digits(s);
    if year == 4 && s[4..].starts_with('年') {
        i = 4 + '年'.len_utf8();
        if let Some(w) = ["底", "末", "内"].iter().find(|w| s[i..].starts_with(**w)) {
            return Some(with_before(s, i + w.len()));
        }
    }
    let month = digits(&s[i..]);
    if (1..=2).contains(&month) && s[i + month..].starts_with('月') {
        let j = i + month + '月'.len_utf8();
        let day = digits(&s[j..]);
        let unit = if day > 0 && s[j + day..].starts_with('日') {
            Some(day + '日'.len_utf8())
        } else {
            ["底", "末", "上旬", "中旬", "下旬"]
                .iter()
                .find(|w| s[j..].starts_with(**w))
                .map(|w| w.len())
        };
        return match unit {
            Some(n) => Some(with_before(s, j + n)),
            None => s[j..].starts_with('前').then(|| j + '前'.len_utf8()),
        };
    }
    if i > 0 || s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let words = ["年底", "年末", "年内", "上半年", "下半年"];
    if let Some(w) = words.iter().find(|w| s.starts_with(**w)) {
        return Some(with_before(s, w.len()));
    }
    let quarter = s.chars().next().filter(|c| "一二三四".contains(*c))?;
    s[quarter.len_utf8()..]
        .starts_with("季度")
        .then(|| with_before(s, quarter.len_utf8() + "季度".len()))
}

/// The phrase with the 前 that may close it.
fn with_before(s: &str, end: usize) -> usize {
    ["之前", "以前", "前"]
        .iter()
        .find(|w| s[end..].starts_with(**w))
        .map_or(end, |w| end + w.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read(lines: &[&str]) -> Vec<Candidate> {
        candidates(&lines.iter().map(|l| l.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn each_decision_sentence_is_a_row_under_its_agenda_item() {
        let found = read(&[
            "县长主持召开县政府常务会议,副县长王某、李某出席会议,县直有关单位负责人列席会议。",
            "一、审议《城市更新实施办法(送审稿)》",
            "会议听取了县住建局局长张某同志关于《城市更新实施办法(送审稿)》的汇报。会议原则同意该办法,修改完善后印发。会议指出,城市更新是重要民生工程。会议强调,县自然资源局要于8月底前完成规划编制;各乡镇要全力配合。",
        ]);
        let titles: Vec<&str> = found.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "会议原则同意该办法,修改完善后印发。",
                "县自然资源局要于8月底前完成规划编制;",
                "各乡镇要全力配合。"
            ]
        );
        assert!(
            found
                .iter()
                .all(|c| c.sections == ["一、审议《城市更新实施办法(送审稿)》"])
        );
        assert_eq!(
            found[0].lead, "县住建局",
            "the unit that reported carries out what names none"
        );
        assert_eq!(
            (found[1].lead.as_str(), found[1].deadline.as_str()),
            ("县自然资源局", "8月底前")
        );
        assert_eq!(found[2].lead, "各乡镇");
    }

    #[test]
    fn the_chairs_points_are_rows_each_with_the_unit_it_names() {
        let found = read(&[
            "钟某要求:一是力度要更大,加速整改;二是县政府督查室要加强督查。三是指导要更细。县自然资源局全体班子成员要吃住在镇村。",
            "县政府办督查室主任、工作专班参加会议。",
        ]);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert_eq!(found[0].number, "一是");
        assert_eq!(found[1].lead, "县政府督查室");
        assert_eq!(found[2].lead, "县自然资源局");
    }

    #[test]
    fn approvals_name_the_proposer_and_helpers_follow_the_unit_they_help() {
        let found = read(&[
            "会议原则同意县财政局拟草的《资金管理办法》,修改完善后,批复实施。",
            "会议要求,各相关单位要积极配合区交通运输局尽快完成人员划转工作。",
            "会议要求各乡镇、各有关部门深刻认识森林资源保护的紧迫性。",
        ]);
        assert_eq!(found[0].lead, "县财政局");
        assert_eq!(
            (found[1].lead.as_str(), found[1].co.as_str()),
            ("区交通运输局", "各相关单位")
        );
        assert_eq!(found[1].deadline, "", "尽快 is no time limit");
        assert_eq!(
            (found[2].lead.as_str(), found[2].co.as_str()),
            ("各乡镇", "各有关部门")
        );
    }

    #[test]
    fn statements_attendance_and_speeches_quoting_others_are_not_work() {
        let found = read(&[
            "会议指出,清洁取暖工作是一项重要的民生工作,很有必要。",
            "会议还研究了其他事项。",
            "县领导雷某、杨某参加会议。",
        ]);
        assert!(found.is_empty(), "{found:#?}");
        let rule = ["根据通用责任清单要求,进一步细化公开各部门的责任事项。".to_string()];
        assert!(!is_minutes(&rule));
    }

    #[test]
    fn time_limits_are_read_inside_sentences_whole() {
        for (text, limit) in [
            (
                "依据清单,2022年10月底前编制并公布清单",
                Some("2022年10月底前"),
            ),
            ("确保8月底完工率大幅提升", Some("8月底")),
            ("6月底前开工、12月底前完工", Some("12月底前")),
            ("努力实现一季度开门红", Some("一季度")),
            ("年底前全面完成", Some("年底前")),
            ("尽快印发实施", None),
            ("6月20日晚6时召开", Some("6月20日")),
        ] {
            assert_eq!(time_limit(text), limit, "{text}");
        }
    }

    proptest! {
        #[test]
        fn any_minutes_read_without_panicking(lines in proptest::collection::vec(
            "[会议要求强调指出同意一二是要局县市各,。;:()《》0-9月底前汇报听取]{0,60}|\\PC{0,60}",
            0..8,
        )) {
            let _ = candidates(&lines);
            let _ = is_minutes(&lines);
        }
    }
}
