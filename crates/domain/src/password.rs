//! The password rule for accounts (等保 level 2, GB/T 22239-2019 8.1.4.1: passwords complex
//! enough and changed from time to time): at least 8 characters of at least three kinds, not the
//! username, not a password everyone tries first, no long runs of one character.

/// The shortest password accepted.
pub const MIN_LEN: usize = 8;

/// Passwords that guessing tries first; matched without case and ignoring a trailing run of
/// digits and symbols (Password123!, admin@2026).
const COMMON: &[&str] = &[
    "password",
    "passw0rd",
    "admin",
    "administrator",
    "qwerty",
    "qwertyuiop",
    "abc",
    "abcd",
    "abcdef",
    "iloveyou",
    "welcome",
    "letmein",
    "root",
    "test",
    "guest",
    "user",
    "luoshi",
    "zhengfu",
    "ducha",
    "china",
    "woaini",
    "asdf",
    "asdfgh",
    "zxcvbn",
    "1qaz2wsx",
    "p@ssw0rd",
];

/// What is wrong with a new password, each reason in Chinese; empty when it is acceptable.
pub fn problems(password: &str, username: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    if password.chars().count() < MIN_LEN {
        found.push("密码至少8位");
    }
    let kinds = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if kinds.iter().filter(|k| **k).count() < 3 {
        found.push("密码须包含大写字母、小写字母、数字和符号中的至少三类");
    }
    let lower = password.to_lowercase();
    let user = username.trim().to_lowercase();
    if !user.is_empty()
        && (lower.contains(&user) || lower.chars().rev().collect::<String>().contains(&user))
    {
        found.push("密码不能包含用户名");
    }
    let stem = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    if COMMON.contains(&stem) || COMMON.contains(&lower.as_str()) {
        found.push("密码过于常见,容易被猜中");
    }
    let chars: Vec<char> = password.chars().collect();
    if chars.windows(4).any(|w| w.iter().all(|c| *c == w[0])) {
        found.push("密码不能有4个以上连续相同的字符");
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_password_of_three_kinds_is_accepted() {
        assert!(problems("Yunzhou-2026", "fgw").is_empty());
        assert!(problems("kaifa#qu9park", "fgw").is_empty());
    }

    #[test]
    fn short_simple_common_or_personal_passwords_are_refused_with_reasons() {
        assert!(problems("Ab1!", "x").contains(&"密码至少8位"));
        assert!(
            problems("luoshi-demo", "x")
                .contains(&"密码须包含大写字母、小写字母、数字和符号中的至少三类")
        );
        assert!(problems("Fgw-2026-ok", "fgw").contains(&"密码不能包含用户名"));
        assert!(problems("Password123!", "x").contains(&"密码过于常见,容易被猜中"));
        assert!(problems("Aaaaa-2026", "x").contains(&"密码不能有4个以上连续相同的字符"));
    }
}
