//! The demo city builds on any day it is started, and only once.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use luoshi_domain::{AssignmentState, Calendar, Light, MatterId, MatterState, UnitId};
use luoshi_service::demo::{self, Built};
use luoshi_service::matters::ListQuery;
use luoshi_service::{FixedClock, Luoshi, ManualClock, Rules};
use luoshi_storage::Store;
use luoshi_testkit::Scratch;

luoshi_testkit::on_both_backends!(
    the_demo_builds_on_a_holiday_a_weekend_and_a_new_year,
    five_wrong_passwords_lock_the_account_for_a_while_and_the_lock_expires,
    a_session_ends_after_half_an_hour_unused_or_twelve_hours_in_all,
    a_new_password_must_meet_the_rule_and_ends_every_session,
    lists_and_dashboards_read_lights_as_they_are_now,
    a_countys_matters_are_numbered_under_its_own_prefix_and_found_by_it,
    readers_arriving_together_after_a_rules_change_work_out_each_light_once,
);

async fn demo_at(now: &str) -> (Luoshi, Scratch) {
    let db = Scratch::new().await;
    let store = db.store().await;
    let clock = Arc::new(FixedClock(
        DateTime::parse_from_rfc3339(now).unwrap().to_utc(),
    ));
    let luoshi = Luoshi::new(store, clock, Calendar::official(), Rules::default())
        .await
        .unwrap();
    let built = demo::build(&luoshi).await.unwrap();
    assert!(
        matches!(built, Built::Created { matters, .. } if matters >= 60),
        "{built:?}"
    );
    (luoshi, db)
}

/// The demo city on a clock the test moves, from 30 June 2026, 9:00 in China.
async fn demo_on_a_manual_clock() -> (
    Luoshi,
    Arc<ManualClock>,
    DateTime<Utc>,
    Arc<dyn Store>,
    Scratch,
) {
    let db = Scratch::new().await;
    let store = db.store().await;
    let start = DateTime::parse_from_rfc3339("2026-06-30T09:00:00+08:00")
        .unwrap()
        .to_utc();
    let clock = Arc::new(ManualClock::new(start));
    let luoshi = process(&store, &clock, Rules::default()).await;
    demo::build(&luoshi).await.unwrap();
    (luoshi, clock, start, store, db)
}

async fn user(luoshi: &Luoshi, name: &str) -> luoshi_domain::User {
    let users = luoshi.users().await.unwrap();
    users.into_iter().find(|u| u.username == name).unwrap()
}

/// One more process on the same database and clock.
async fn process(store: &Arc<dyn Store>, clock: &Arc<ManualClock>, rules: Rules) -> Luoshi {
    Luoshi::new(store.clone(), clock.clone(), Calendar::official(), rules)
        .await
        .unwrap()
}

async fn the_demo_builds_on_a_holiday_a_weekend_and_a_new_year() {
    for now in [
        "2026-10-03T10:00:00+08:00",
        "2026-06-28T22:00:00+08:00",
        "2027-01-01T00:00:01+08:00",
    ] {
        let (luoshi, _db) = demo_at(now).await;
        let ducha = user(&luoshi, "ducha").await;
        let page = luoshi
            .list_matters(
                &ducha,
                &ListQuery {
                    limit: 500,
                    ..ListQuery::default()
                },
            )
            .await
            .unwrap();
        for state in MatterState::ALL {
            assert!(
                page.items.iter().any(|v| v.matter.state == *state),
                "{now}: no {state} matter"
            );
        }
        assert!(
            demo::build(&luoshi).await.unwrap() == Built::AlreadyThere,
            "a second build changes nothing"
        );
    }
}

async fn five_wrong_passwords_lock_the_account_for_a_while_and_the_lock_expires() {
    let (luoshi, clock, start, _store, _db) = demo_on_a_manual_clock().await;
    let from = Some("10.0.0.7".parse().unwrap());
    for _ in 0..5 {
        assert!(matches!(
            luoshi.login("fgw", "wrong", from).await,
            Err(luoshi_service::ServiceError::BadCredentials)
        ));
    }
    assert!(
        matches!(
            luoshi.login("fgw", demo::DEMO_PASSWORD, from).await,
            Err(luoshi_service::ServiceError::Locked(15))
        ),
        "even the right password waits"
    );
    assert!(
        luoshi.login("czj", demo::DEMO_PASSWORD, from).await.is_ok(),
        "another account from the same office is not locked"
    );
    clock.set(start + chrono::Duration::minutes(16));
    assert!(
        luoshi.login("fgw", demo::DEMO_PASSWORD, from).await.is_ok(),
        "the lock expires"
    );

    // An address that fails twenty times is locked for every account.
    for i in 0..20 {
        let _ = luoshi
            .login(
                &format!("nobody{i}"),
                "x",
                Some("10.0.0.9".parse().unwrap()),
            )
            .await;
    }
    assert!(matches!(
        luoshi
            .login(
                "czj",
                demo::DEMO_PASSWORD,
                Some("10.0.0.9".parse().unwrap())
            )
            .await,
        Err(luoshi_service::ServiceError::Locked(_))
    ));
}

async fn a_session_ends_after_half_an_hour_unused_or_twelve_hours_in_all() {
    let (luoshi, clock, start, _store, _db) = demo_on_a_manual_clock().await;
    let minutes = |m| start + chrono::Duration::minutes(m);

    let (idle, _) = luoshi
        .login("fgw", demo::DEMO_PASSWORD, None)
        .await
        .unwrap();
    clock.set(minutes(29));
    assert!(
        luoshi.authenticate(&idle).await.is_ok(),
        "used within 30 minutes"
    );
    clock.set(minutes(29 + 31));
    assert!(
        luoshi.authenticate(&idle).await.is_err(),
        "31 minutes unused"
    );

    // Kept busy, a session still ends 12 hours after sign-in.
    clock.set(start);
    let (busy, _) = luoshi
        .login("czj", demo::DEMO_PASSWORD, None)
        .await
        .unwrap();
    for m in (20..12 * 60).step_by(20) {
        clock.set(minutes(m));
        assert!(luoshi.authenticate(&busy).await.is_ok(), "at minute {m}");
    }
    clock.set(minutes(12 * 60));
    assert!(luoshi.authenticate(&busy).await.is_err(), "after 12 hours");
}

async fn a_new_password_must_meet_the_rule_and_ends_every_session() {
    let db = Scratch::new().await;
    let store = db.store().await;
    let luoshi = Luoshi::new(
        store,
        Arc::new(luoshi_service::SystemClock),
        Calendar::official(),
        Rules::default(),
    )
    .await
    .unwrap();
    demo::build(&luoshi).await.unwrap();
    let (token, fgw) = luoshi
        .login("fgw", demo::DEMO_PASSWORD, None)
        .await
        .unwrap();
    let fgw = fgw.user;
    let refused = |r: luoshi_service::Result<Vec<String>>| match r {
        Err(luoshi_service::ServiceError::Invalid { message, .. }) => message,
        other => panic!("expected a refusal, got {other:?}"),
    };
    let why = refused(luoshi.change_password(&fgw, "wrong", "Yunzhou-2026").await);
    assert!(why.contains("当前密码不正确"), "{why}");
    let why = refused(
        luoshi
            .change_password(&fgw, demo::DEMO_PASSWORD, "short")
            .await,
    );
    assert!(why.contains("至少8位"), "{why}");
    let why = refused(
        luoshi
            .change_password(&fgw, demo::DEMO_PASSWORD, "fgw-Office-1")
            .await,
    );
    assert!(why.contains("用户名"), "{why}");
    assert!(
        luoshi.authenticate(&token).await.is_ok(),
        "refusals change nothing"
    );

    let (program, _) = luoshi
        .create_api_token(&fgw, "报表程序", luoshi_domain::TokenScope::Write, 365)
        .await
        .unwrap();
    let ended = luoshi
        .change_password(&fgw, demo::DEMO_PASSWORD, "Yunzhou-2026")
        .await
        .unwrap();
    assert!(luoshi.authenticate(&token).await.is_err(), "sessions end");
    assert!(
        luoshi.authenticate(&program).await.is_err(),
        "a token a thief made with the session ends too"
    );
    assert_eq!(ended, ["报表程序"]);
    assert!(
        luoshi
            .login("fgw", demo::DEMO_PASSWORD, None)
            .await
            .is_err()
    );
    assert!(luoshi.login("fgw", "Yunzhou-2026", None).await.is_ok());
}

/// What the stored lights say — the light filter of lists, the dashboard's counts — is what
/// working every light out afresh says, as days pass, the clock goes back, the calendar changes
/// and the rules change.
async fn lists_and_dashboards_read_lights_as_they_are_now() {
    let (luoshi, clock, start, store, _db) = demo_on_a_manual_clock().await;
    // A second process on the same database, which will not be told of the new calendar.
    let other = process(&store, &clock, Rules::default()).await;
    let ducha = user(&luoshi, "ducha").await;

    let mut moments: Vec<(i64, u32)> = [0, 1, 2, 3, 5, 8, 13, 21, 34, 60, 100, 200]
        .into_iter()
        .map(|d| (d, 9))
        .collect();
    // Either side of midnight, when dated lights turn.
    moments.extend([(6, 23), (7, 0), (-30, 9)]);
    let mut seen_lights = BTreeSet::new();
    for (days, hour) in moments {
        let day = luoshi_domain::china_date(start) + chrono::Duration::days(days);
        let time = chrono::NaiveTime::from_hms_opt(hour, 0, 0).unwrap();
        clock.set(luoshi_domain::china_instant(day, time));
        seen_lights.extend(agree(&luoshi, &ducha, &format!("day {days} {hour}h")).await);
    }
    assert_eq!(seen_lights.len(), 3, "the moments show every light");

    // A week of July made holidays: the working days before deadlines shrink.
    clock.set(start);
    let holidays: String = (6..=10)
        .map(|d| format!("2026-07-{d:02},holiday,试验假期\n"))
        .collect();
    luoshi
        .import_calendar_file(&format!("date,kind,name\n{holidays}"), None)
        .await
        .unwrap();
    let yellow = ListQuery {
        light: Some(Light::Yellow),
        limit: 500,
        ..ListQuery::default()
    };
    let ids = |page: luoshi_service::matters::Page| -> BTreeSet<MatterId> {
        page.items.iter().map(|v| v.matter.id).collect()
    };
    assert_eq!(
        ids(other.list_matters(&ducha, &yellow).await.unwrap()),
        ids(luoshi.list_matters(&ducha, &yellow).await.unwrap()),
        "the other process works lights out with the calendar the database has now"
    );
    agree(&other, &ducha, "at the other process").await;
    agree(&luoshi, &ducha, "after the calendar changed").await;

    // Another process with other rules on the same database.
    let rules = Rules {
        lights: luoshi_domain::LightRules {
            yellow_working_days: 15,
            ..Default::default()
        },
        ..Rules::default()
    };
    let strict = process(&store, &clock, rules).await;
    agree(&strict, &ducha, "under other rules").await;
}

/// Checks the light filter and the dashboard against lights worked out afresh; returns the
/// lights seen.
async fn agree(luoshi: &Luoshi, user: &luoshi_domain::User, when: &str) -> BTreeSet<Light> {
    let all = luoshi
        .list_matters(
            user,
            &ListQuery {
                limit: 500,
                ..ListQuery::default()
            },
        )
        .await
        .unwrap();
    assert!(all.total < 500);
    let dashboard = luoshi.dashboard(user, None).await.unwrap();
    for light in Light::ALL {
        let expected: BTreeSet<MatterId> = all
            .items
            .iter()
            .filter(|v| v.light == *light)
            .map(|v| v.matter.id)
            .collect();
        let filtered = luoshi
            .list_matters(
                user,
                &ListQuery {
                    light: Some(*light),
                    limit: 500,
                    ..ListQuery::default()
                },
            )
            .await
            .unwrap();
        let got: BTreeSet<MatterId> = filtered.items.iter().map(|v| v.matter.id).collect();
        assert_eq!(got, expected, "{when}: {light} list");
        assert_eq!(filtered.total, expected.len(), "{when}: {light} total");
        assert_eq!(
            dashboard.by_light[light.as_str()],
            expected.len(),
            "{when}: {light} on the dashboard"
        );
    }
    let mut units: BTreeMap<UnitId, (usize, usize)> = BTreeMap::new();
    for v in all.items.iter().filter(|v| v.matter.state.is_counted()) {
        for (a, light) in v.matter.assignments.iter().zip(&v.assignment_lights) {
            let open = v.matter.state.is_open() && a.state != AssignmentState::Closed;
            let e = units.entry(a.unit_id).or_default();
            e.0 += usize::from(open);
            e.1 += usize::from(open && *light == Light::Red);
        }
    }
    let shown: BTreeMap<UnitId, (usize, usize)> = dashboard
        .units
        .iter()
        .map(|u| (u.unit_id, (u.open, u.red)))
        .collect();
    assert_eq!(shown, units, "{when}: units on the dashboard");
    all.items.iter().map(|v| v.light).collect()
}

async fn a_countys_matters_are_numbered_under_its_own_prefix_and_found_by_it() {
    let (luoshi, _db) = demo_at("2026-06-30T09:00:00+08:00").await;
    let ducha = user(&luoshi, "ducha").await;
    let all = luoshi
        .list_matters(
            &ducha,
            &ListQuery {
                limit: 500,
                ..ListQuery::default()
            },
        )
        .await
        .unwrap()
        .items;
    let tree = luoshi.tree();
    let county = all
        .iter()
        .find(|v| tree.get(v.matter.org_id).unwrap().name.contains("青山县"))
        .expect("the county numbers matters of its own");
    let n = county.matter.number;
    assert_eq!(county.number, format!("青督〔{}〕{}号", n.year, n.seq));
    let city = all
        .iter()
        .find(|v| v.matter.org_id == tree.org_of(ducha.unit_id).unwrap() && v.matter.number == n)
        .expect("the city has a matter of the same year and sequence");
    assert_eq!(city.number, format!("督〔{}〕{}号", n.year, n.seq));

    let find = |typed: String| {
        let luoshi = luoshi.clone();
        let ducha = ducha.clone();
        async move {
            luoshi
                .matter_by_number(&ducha, &typed)
                .await
                .unwrap()
                .map(|m| m.id)
        }
    };
    assert_eq!(find(county.number.clone()).await, Some(county.matter.id));
    assert_eq!(
        find(format!("青督[{}]{}号", n.year, n.seq)).await,
        Some(county.matter.id)
    );
    assert_eq!(find(city.number.clone()).await, Some(city.matter.id));
    assert_eq!(
        find(format!("{}号", n.seq)).await,
        Some(city.matter.id),
        "without a prefix, the reader's own org first"
    );
}

async fn readers_arriving_together_after_a_rules_change_work_out_each_light_once() {
    let (luoshi, clock, _start, store, _db) = demo_on_a_manual_clock().await;
    luoshi.refresh_lights().await.unwrap();
    let with_yellow_within = |days| {
        let mut rules = Rules::default();
        rules.lights.yellow_working_days = days;
        rules
    };
    // Each process starting with other rules marks every light stale.
    let alone = process(&store, &clock, with_yellow_within(4)).await;
    let every = alone.refresh_lights().await.unwrap();
    assert!(every >= 60, "every matter's light is worked out: {every}");

    let together = process(&store, &clock, with_yellow_within(5)).await;
    let mut readers = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let reader = together.clone();
        readers.spawn(async move { reader.refresh_lights().await.unwrap() });
    }
    let counts = readers.join_all().await;
    assert_eq!(counts.iter().sum::<usize>(), every, "{counts:?}");
    assert_eq!(together.refresh_lights().await.unwrap(), 0);
}
