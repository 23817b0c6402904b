//! What keeps a matter from being finished: sub-matters still open below it, and co-units that
//! have not reported their part done.

use super::Actor;
use crate::matter::{Matter, MatterState};
use crate::org::OrgTree;

/// What the lifecycle must know about a matter's sub-matters, at every depth: which are still
/// open (neither closed nor cancelled, drafts included). Gathered by the caller, since reading
/// them is I/O.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenBelow {
    /// The numbers of the open ones the actor may see, under their orgs' 字号…
    pub seen: Vec<String>,
    /// …and how many more are open out of the actor's sight, counted but not named so that a
    /// refusal does not reveal what the actor may not read.
    pub unseen: usize,
}

impl OpenBelow {
    /// The open ones among `descendants`, named as far as `actor` may see them.
    pub fn of<'m>(descendants: impl IntoIterator<Item = &'m Matter>, actor: &Actor<'_>) -> Self {
        let mut below = OpenBelow::default();
        for d in descendants {
            if matches!(d.state, MatterState::Closed | MatterState::Cancelled) {
                continue;
            }
            if actor.can_see(d) {
                below.seen.push(actor.tree.number_label(d.org_id, d.number));
            } else {
                below.unseen += 1;
            }
        }
        below
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty() && self.unseen == 0
    }

    pub fn count(&self) -> usize {
        self.seen.len() + self.unseen
    }

    /// "尚有2项下级事项未办结(督〔2026〕16号、督〔2026〕17号)".
    pub fn describe(&self) -> String {
        let mut text = format!("尚有{}项下级事项未办结", self.count());
        if !self.seen.is_empty() {
            text.push_str(&format!("({})", self.seen.join("、")));
        }
        text
    }
}

/// "配合单位尚未完成:市财政局 办理中 40%;市工信局 待签收 未反馈" — what a lead's request to
/// close leaves behind, for the lead before asking and the office before closing; `None` when
/// every co-unit has reported its part done.
pub fn describe_co_units(m: &Matter, tree: &OrgTree) -> Option<String> {
    let parts: Vec<String> = m
        .unfinished_co_units()
        .map(|a| {
            let name = tree.get(a.unit_id).map_or_else(
                || format!("单位{}", a.unit_id),
                |u| u.display_name().to_string(),
            );
            let progress = if a.last_feedback_at.is_none() {
                "未反馈".to_string()
            } else {
                format!("{}%", a.percent)
            };
            format!("{name} {} {progress}", a.state.label())
        })
        .collect();
    (!parts.is_empty()).then(|| format!("配合单位尚未完成:{}", parts.join(";")))
}
