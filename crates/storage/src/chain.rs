//! The audit chain's arithmetic, the same on every backend: a link is a hash of the link before
//! it and of its row's fields as text, so a chain copied between backends still verifies.

use sha2::Sha256;
use sm3::{Digest, Sm3};

/// The row a link stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Linked {
    Event(i64),
    Admin(i64),
}

impl Linked {
    /// How `audit verify` names it.
    pub(crate) fn name(self) -> String {
        match self {
            Linked::Event(id) => format!("event {id}"),
            Linked::Admin(id) => format!("admin action {id}"),
        }
    }

    /// The row a link's (event id, admin action id) names; `None` if it names neither.
    pub(crate) fn from_columns(event: Option<i64>, admin: Option<i64>) -> Option<Linked> {
        match (event, admin) {
            (Some(id), _) => Some(Linked::Event(id)),
            (None, Some(id)) => Some(Linked::Admin(id)),
            (None, None) => None,
        }
    }

    /// (event id, admin action id), one of them set, as the links table stores them.
    pub(crate) fn columns(self) -> (Option<i64>, Option<i64>) {
        match self {
            Linked::Event(id) => (Some(id), None),
            Linked::Admin(id) => (None, Some(id)),
        }
    }
}

/// The next link after `prev`, with the hash the link names; `None` for a hash Luoshi does not
/// know.
pub(crate) fn link(algo: &str, prev: &str, fields: &[String]) -> Option<String> {
    fn chain<D: Digest>(mut h: D, prev: &str, fields: &[String]) -> String {
        h.update(prev.as_bytes());
        for f in fields {
            h.update([0x1f]);
            h.update(f.as_bytes());
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
    match algo {
        "sm3" => Some(chain(Sm3::new(), prev, fields)),
        "sha256" => Some(chain(Sha256::new(), prev, fields)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_hash_gives_its_own_link_and_an_unknown_one_none() {
        let fields = vec!["1".to_string(), "created".to_string()];
        let sm3 = link("sm3", "", &fields).unwrap();
        let sha = link("sha256", "", &fields).unwrap();
        assert_eq!((sm3.len(), sha.len()), (64, 64));
        assert_ne!(sm3, sha);
        assert_ne!(
            link("sm3", &sm3, &fields).unwrap(),
            sm3,
            "the previous link counts"
        );
        assert_eq!(link("md5", "", &fields), None);
    }
}
