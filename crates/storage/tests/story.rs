//! One story through every storage method, told to each backend: a fresh SQLite file always,
//! and a fresh PostgreSQL database when `LUOSHI_TEST_POSTGRES` names a server.

use chrono::{DateTime, NaiveDate, Utc};
use luoshi_domain::{
    Action, Actor, Assignment, AssignmentRole, Cadence, Cause, EventKind, ExtensionChain, Light,
    Matter, MatterId, MatterNumber, MatterState, NewEvent, OpenBelow, OrgTree, Role, Source,
    TokenScope, UnitKind, Urgency, UserId, Visibility,
};
use luoshi_storage::{
    AdminAction, Concern, Dispatch, LadderRow, LightStamp, MatterQuery, NewUnit, NewUser, Store,
    StoreError, Token, TokenKind, UnitTally,
};
use luoshi_testkit::{Backend, Scratch, on_postgres};

luoshi_testkit::on_both_backends!(
    every_storage_method,
    deliveries_and_records,
    descendants_to_any_depth,
    stored_lights_hold_for_their_window,
    kept_counts_follow_every_write,
);

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn unit(code: &str, kind: UnitKind, parent: Option<luoshi_domain::UnitId>) -> NewUnit {
    NewUnit {
        code: code.into(),
        name: format!("{code}全称"),
        short_names: vec![format!("{code}简称")],
        kind,
        parent_id: parent,
    }
}

fn draft(
    org: luoshi_domain::UnitId,
    lead: luoshi_domain::UnitId,
    by: UserId,
    title: &str,
) -> Matter {
    Matter {
        id: MatterId(0),
        org_id: org,
        number: MatterNumber { year: 2026, seq: 0 },
        title: title.into(),
        content: "内容".into(),
        source: Source::WorkReport,
        origin: "《政府工作报告》".into(),
        origin_id: None,
        urgency: Urgency::Normal,
        lead_unit_id: lead,
        co_unit_ids: vec![],
        leader_id: None,
        deadline: NaiveDate::from_ymd_opt(2026, 12, 31),
        cadence: Cadence::Monthly,
        report_rule: Some(luoshi_domain::rounds::ReportRule::Monthly(25)),
        milestones: vec![],
        indicators: vec![],
        tags: vec!["民生实事".into()],
        public: true,
        parent_id: None,
        state: MatterState::Draft,
        extension: None,
        created_by: by,
        created_at: at("2026-03-02T09:00:00+08:00"),
        assigned_at: None,
        closed_at: None,
        version: 1,
        assignments: vec![Assignment::new(lead, AssignmentRole::Lead)],
    }
}

async fn every_storage_method() {
    let db = Scratch::new().await;
    let store = db.store().await;
    let store = store.as_ref();
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    assert!(store.is_empty().await.unwrap());

    let city = store
        .insert_unit(&unit("city", UnitKind::Government, None))
        .await
        .unwrap();
    let fgw = store
        .insert_unit(&unit("fgw", UnitKind::Department, Some(city)))
        .await
        .unwrap();
    let czj = store
        .insert_unit(&unit("czj", UnitKind::Department, Some(city)))
        .await
        .unwrap();
    assert!(matches!(
        store
            .insert_unit(&unit("fgw", UnitKind::Department, Some(city)))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(!store.is_empty().await.unwrap());
    let units = store.units().await.unwrap();
    assert_eq!(units.len(), 3);
    assert_eq!(units[1].short_names, vec!["fgw简称".to_string()]);
    assert_eq!(units[1].parent_id, Some(city));

    let new_user = |username: &str, role, unit_id| NewUser {
        username: username.into(),
        display_name: "张三".into(),
        role,
        unit_id,
        email: Some(format!("{username}@example.gov.cn")),
        password_hash: "$argon2id$hash".into(),
        in_charge_of: vec![],
        phone: None,
        must_change_password: false,
    };
    let ducha_id = store
        .insert_user(&new_user("ducha", Role::Supervisor, city))
        .await
        .unwrap();
    let fgw_id = store
        .insert_user(&new_user("fgw", Role::Liaison, fgw))
        .await
        .unwrap();
    assert!(matches!(
        store
            .insert_user(&new_user("fgw", Role::Liaison, fgw))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.users().await.unwrap().len(), 2);
    let (ducha, hash) = store.user_for_login("ducha").await.unwrap().unwrap();
    let ducha = ducha.user;
    assert_eq!(
        (ducha.id, ducha.role, hash.as_str()),
        (ducha_id, Role::Supervisor, "$argon2id$hash")
    );
    assert!(store.user_for_login("nobody").await.unwrap().is_none());
    let fgw_user = store.user(fgw_id).await.unwrap().unwrap();

    let now = at("2026-03-02T09:00:00+08:00");
    let session = Token {
        id: 0,
        hash: "digest".into(),
        user_id: ducha_id,
        kind: TokenKind::Session,
        name: String::new(),
        scope: TokenScope::Write,
        created_at: now,
        expires_at: at("2026-03-02T21:00:00+08:00"),
        last_used_at: None,
    };
    let session_id = store.insert_token(&session).await.unwrap();
    let found = store.user_by_token("digest", now).await.unwrap().unwrap();
    assert_eq!(
        (found.user.id, found.token.kind),
        (ducha_id, TokenKind::Session)
    );
    assert!(!found.must_change_password);
    store.touch_token(session_id, now).await.unwrap();
    let found = store.user_by_token("digest", now).await.unwrap().unwrap();
    assert_eq!(found.token.last_used_at, Some(now));
    assert!(
        store
            .user_by_token("digest", at("2026-03-03T09:00:00+08:00"))
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    // Only its owner can revoke an API token, and ending everything of a person ends it too,
    // naming it.
    let api = Token {
        hash: "api-digest".into(),
        kind: TokenKind::Api,
        name: "报表程序".into(),
        scope: TokenScope::Read,
        expires_at: at("2026-06-02T09:00:00+08:00"),
        ..session.clone()
    };
    let api_id = store.insert_token(&api).await.unwrap();
    let listed = store.tokens_of(ducha_id, TokenKind::Api).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].id, listed[0].scope), (api_id, TokenScope::Read));
    assert!(!store.revoke_token(fgw_id, api_id).await.unwrap());
    assert!(store.revoke_token(ducha_id, api_id).await.unwrap());
    assert!(
        store
            .user_by_token("api-digest", now)
            .await
            .unwrap()
            .is_none()
    );
    store.insert_token(&api).await.unwrap();
    let ended = store.delete_tokens_of(ducha_id).await.unwrap();
    assert_eq!(
        ended,
        ["报表程序"],
        "the program's token is named, the session not"
    );
    for digest in ["digest", "api-digest"] {
        assert!(store.user_by_token(digest, now).await.unwrap().is_none());
    }
    assert!(store.user_by_token("other", now).await.unwrap().is_none());

    let created = || vec![NewEvent::new(EventKind::Created, ducha_id, now, "")];
    let a = store
        .create_matters(&[(draft(city, fgw, ducha_id, "甲"), created())])
        .await
        .unwrap()
        .remove(0);
    let pair = [
        (draft(city, czj, ducha_id, "乙"), created()),
        (draft(city, fgw, ducha_id, "丙"), created()),
    ];
    let mut two = store.create_matters(&pair).await.unwrap();
    assert_eq!(
        two.iter().map(|m| m.number.seq).collect::<Vec<_>>(),
        [2, 3],
        "a batch is numbered in order"
    );
    let b = two.remove(0);
    let mut dangling = draft(city, czj, ducha_id, "丁");
    dangling.parent_id = Some(MatterId(999_999));
    let refused = store
        .create_matters(&[
            (draft(city, czj, ducha_id, "戊"), created()),
            (dangling, created()),
        ])
        .await;
    assert!(refused.is_err(), "a child of no matter is refused");
    assert_eq!((a.number.seq, b.number.seq), (1, 2));
    assert_eq!(a.number.to_string(), "督〔2026〕1号");
    let read = store.matter(a.id).await.unwrap().unwrap();
    assert_eq!(read, a, "a matter reads back exactly as written");

    let tree = OrgTree::new(store.units().await.unwrap());
    let chain = ExtensionChain::default();
    let assigned = luoshi_domain::apply(
        &read,
        &Actor {
            user: &ducha,
            tree: &tree,
        },
        Action::Assign,
        now,
        &chain,
        &OpenBelow::default(),
    )
    .unwrap();
    store
        .save_transition(&read, &assigned, &Dispatch::default())
        .await
        .unwrap();
    let stale = luoshi_domain::apply(
        &read,
        &Actor {
            user: &ducha,
            tree: &tree,
        },
        Action::Cancel { reason: "x".into() },
        now,
        &chain,
        &OpenBelow::default(),
    )
    .unwrap();
    assert!(
        matches!(
            store
                .save_transition(&read, &stale, &Dispatch::default())
                .await,
            Err(StoreError::Conflict(_))
        ),
        "a stale write is refused"
    );
    let signed = luoshi_domain::apply(
        &assigned.matter,
        &Actor {
            user: &fgw_user,
            tree: &tree,
        },
        Action::Sign,
        now,
        &chain,
        &OpenBelow::default(),
    )
    .unwrap();
    let ids = store
        .save_transition(&assigned.matter, &signed, &Dispatch::default())
        .await
        .unwrap();
    assert_eq!(ids.len(), 1);
    assert_eq!(store.matter(a.id).await.unwrap().unwrap(), signed.matter);

    let (_, events) = store.matter_with_events(a.id).await.unwrap().unwrap();
    let kinds: Vec<_> = events.iter().map(|e| e.data.kind).collect();
    assert_eq!(
        kinds,
        [EventKind::Created, EventKind::Assigned, EventKind::Signed]
    );
    assert_eq!(events[2].data.unit_id, Some(fgw));

    let everything = Visibility {
        org_ids: vec![city],
        ..Visibility::default()
    };
    let q = |visibility: Visibility| MatterQuery {
        visibility,
        ..MatterQuery::default()
    };
    let all = store.matters(&q(everything.clone())).await.unwrap().0;
    assert_eq!(all.len(), 3, "nothing of the refused batch was written");
    assert!(all.iter().all(|m| m.title != "戊"));
    let own = Visibility {
        assigned_units: vec![czj],
        ..Visibility::default()
    };
    let seen = store.matters(&q(own)).await.unwrap().0;
    assert_eq!(seen.iter().map(|m| m.id).collect::<Vec<_>>(), vec![b.id]);
    assert!(
        store
            .matters(&q(Visibility::default()))
            .await
            .unwrap()
            .0
            .is_empty(),
        "no visibility, nothing"
    );
    let signed_only = MatterQuery {
        states: vec![MatterState::Signed],
        ..q(everything.clone())
    };
    assert_eq!(store.matters(&signed_only).await.unwrap().0.len(), 1);
    let by_text = MatterQuery {
        text: Some("乙".into()),
        ..q(everything.clone())
    };
    assert_eq!(store.matters(&by_text).await.unwrap().0[0].id, b.id);
    let by_number = MatterQuery {
        text: Some("督〔2026〕1号".into()),
        ..q(everything.clone())
    };
    assert_eq!(store.matters(&by_number).await.unwrap().0[0].id, a.id);
    let wildcard = MatterQuery {
        text: Some("%".into()),
        ..q(everything.clone())
    };
    assert!(
        store.matters(&wildcard).await.unwrap().0.is_empty(),
        "LIKE wildcards are matched literally"
    );
    let paged = MatterQuery {
        page: Some((1, 1)),
        ..q(everything.clone())
    };
    let (page, total) = store.matters(&paged).await.unwrap();
    assert_eq!(
        (page.len(), total, page[0].id),
        (1, 3, b.id),
        "a page knows the total"
    );
    let past = MatterQuery {
        page: Some((10, 5)),
        ..q(everything.clone())
    };
    assert_eq!(
        store.matters(&past).await.unwrap().1,
        3,
        "a page past the end still knows it"
    );
    // 甲 is signed and due 2026-12-31: overdue from the first of January, while it stays open.
    let day = |s: &str| s.parse::<NaiveDate>().unwrap();
    assert_eq!(
        store
            .overdue_counts(
                &q(everything.clone()),
                &[day("2026-12-31"), day("2027-01-01")]
            )
            .await
            .unwrap(),
        [0, 1]
    );
    let overdue = MatterQuery {
        overdue_on: Some(day("2027-01-01")),
        ..q(everything.clone())
    };
    assert_eq!(store.matters(&overdue).await.unwrap().0[0].id, a.id);
    let year = |today| {
        let q = q(everything.clone());
        let store = &store;
        async move {
            store
                .due_by_unit_month(&q, day("2026-01-01"), day("2026-12-31"), day(today))
                .await
                .unwrap()
        }
    };
    let due = |late| {
        vec![luoshi_storage::UnitMonth {
            unit_id: fgw,
            month: day("2026-12-01"),
            due: 1,
            late,
        }]
    };
    assert_eq!(
        year("2026-12-31").await,
        due(0),
        "due today is not late yet"
    );
    assert_eq!(year("2027-01-04").await, due(1));
    let within = MatterQuery {
        within: vec![czj],
        ..q(everything.clone())
    };
    assert_eq!(store.matters(&within).await.unwrap().0[0].id, b.id);
    let by_unit = MatterQuery {
        unit_id: Some(fgw),
        ..q(everything)
    };
    assert_eq!(store.matters(&by_unit).await.unwrap().0[0].id, a.id);

    // An import names each matter by the row it came from; the same rows again add nothing.
    let rows = |titles: &[&str]| -> Vec<_> {
        titles
            .iter()
            .map(|t| (draft(city, fgw, ducha_id, t), created(), format!("key-{t}")))
            .collect()
    };
    let first = store
        .import_matters(&rows(&["己", "庚", "己"]))
        .await
        .unwrap();
    assert_eq!(
        first.iter().map(|m| m.title.as_str()).collect::<Vec<_>>(),
        ["己", "庚"],
        "a row repeated within the file counts once"
    );
    assert!(
        store
            .import_matters(&rows(&["己", "庚"]))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .imported(city, &["key-庚".into(), "key-辛".into()])
            .await
            .unwrap(),
        ["key-庚"]
    );
}

/// A unit, a supervisor and one matter: what the smaller stories below start from.
async fn one_matter(store: &dyn Store) -> (luoshi_domain::UnitId, UserId, Matter) {
    store.migrate().await.unwrap();
    let city = store
        .insert_unit(&unit("c", UnitKind::Government, None))
        .await
        .unwrap();
    let by = store
        .insert_user(&NewUser {
            username: "u".into(),
            display_name: "u".into(),
            role: Role::Supervisor,
            unit_id: city,
            email: None,
            password_hash: "x".into(),
            in_charge_of: vec![],
            phone: None,
            must_change_password: false,
        })
        .await
        .unwrap();
    let m = draft(city, city, by, "甲");
    let created = store
        .create_matters(&[(
            m.clone(),
            vec![NewEvent::new(EventKind::Created, by, m.created_at, "")],
        )])
        .await
        .unwrap()
        .remove(0);
    (city, by, created)
}

/// Messages, records and the audit chain: what the sweep, the pages and `audit verify` rely on.
async fn deliveries_and_records() {
    let db = Scratch::new().await;
    let store = db.store().await;
    let store = store.as_ref();
    use luoshi_domain::accountability::{Accountability, AccountabilityState, Measure};
    use luoshi_storage::{Addressee, Channel, DeliveryState, InboxItem, Notice, Prefs};

    let (city, by, m) = one_matter(store).await;
    let now = at("2026-06-30T09:00:00+08:00");
    let minutes = |n| now + chrono::Duration::minutes(n);

    // Sign-in failures count per key, clear on success, and old ones are pruned.
    let keys = ["user:u".to_string(), "ip:127.0.0.1".to_string()];
    for n in 0..3 {
        store
            .record_login(&keys[..1 + n % 2], minutes(n as i64), true, minutes(-60))
            .await
            .unwrap();
    }
    assert_eq!(store.login_failures(&keys, now).await.unwrap(), [3, 1]);
    assert_eq!(
        store.login_failures(&keys, minutes(1)).await.unwrap(),
        [2, 1]
    );
    store
        .record_login(&keys[..1], minutes(5), false, minutes(-60))
        .await
        .unwrap();
    assert_eq!(store.login_failures(&keys, now).await.unwrap(), [0, 1]);
    store
        .record_login(&keys[..1], minutes(120), true, minutes(100))
        .await
        .unwrap();
    assert_eq!(store.login_failures(&keys, now).await.unwrap(), [1, 0]);

    // A dispatch queues each message once, however often it is written.
    let notice = |id: &str, due| Notice {
        id: id.into(),
        channel: Channel::Webhook,
        target: "0".into(),
        user_id: Some(by),
        matter_id: Some(m.id),
        subject: "催办".into(),
        body: "请尽快办理".into(),
        created_at: now,
        due_at: due,
        mentions: vec![],
    };
    // A text, and the numbers a robot would mention, come back as they went in.
    let text = Notice {
        channel: Channel::Sms,
        target: "13800000001".into(),
        mentions: vec!["13800000001".into(), "13900000002".into()],
        ..notice("a", now)
    };
    let ladder = |red_count| LadderRow {
        key: "k1".into(),
        matter_id: m.id,
        unit_id: city,
        yellow_at: Some(now),
        red_count,
        last_red_at: None,
        escalated_at: None,
    };
    let item = InboxItem {
        id: "i1".into(),
        to: Addressee::Person(by),
        matter_id: Some(m.id),
        title: "催办".into(),
        body: "请确认".into(),
        created_at: now,
        confirm: true,
        read_at: None,
        confirmed_at: None,
    };
    let proposal = Accountability {
        id: 0,
        org_id: city,
        unit_id: city,
        person: String::new(),
        matter_ids: vec![m.id],
        reason: "多次催办仍未办理".into(),
        measure: None,
        state: AccountabilityState::Proposed,
        key: "k1".into(),
        created_at: now,
        decided_by: None,
        decided_at: None,
    };
    let d = Dispatch {
        ladder: vec![ladder(2)],
        outbox: vec![notice("b", now), text.clone(), notice("later", minutes(60))],
        inbox: vec![item.clone()],
        resent: vec![],
        proposals: vec![proposal.clone()],
    };
    assert_eq!(store.dispatch(&d).await.unwrap(), 4);
    assert_eq!(store.dispatch(&d).await.unwrap(), 0, "nothing twice");
    assert_eq!(store.accountability(city).await.unwrap().len(), 1);

    // Claims: a claimed message is nobody else's until its lease runs out.
    let lease = minutes(5);
    let first = store.claim_outbox(now, lease, 10).await.unwrap();
    let mut ids: Vec<_> = first.iter().map(|o| o.notice.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["a", "b"], "only what is due");
    assert_eq!(
        first.iter().find(|o| o.notice.id == "a").unwrap().notice,
        text
    );
    assert!(store.claim_outbox(now, lease, 10).await.unwrap().is_empty());
    store.outbox_sent("a", minutes(1)).await.unwrap();
    store
        .outbox_failed("b", "connection refused", Some(minutes(10)))
        .await
        .unwrap();
    assert!(
        store
            .claim_outbox(minutes(6), minutes(11), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let again = store
        .claim_outbox(minutes(60), minutes(65), 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 2, "the retry and the one due later");
    assert_eq!(
        again.iter().find(|o| o.notice.id == "b").unwrap().attempts,
        1
    );
    store.outbox_failed("b", "gone", None).await.unwrap();
    let failed = store.outbox(true).await.unwrap();
    assert_eq!(
        failed
            .iter()
            .map(|o| (o.notice.id.as_str(), o.state, o.last_error.as_str()))
            .collect::<Vec<_>>(),
        [("b", DeliveryState::Failed, "gone")]
    );
    let all = store.outbox(false).await.unwrap();
    assert_eq!(all.len(), 3);
    let sent = all.iter().find(|o| o.notice.id == "a").unwrap();
    assert_eq!(
        (sent.state, sent.sent_at, &sent.notice),
        (DeliveryState::Sent, Some(minutes(1)), &text)
    );

    // The inbox: unread until read, unconfirmed until confirmed, someone else's not found.
    assert_eq!(store.inbox(by).await.unwrap(), std::slice::from_ref(&item));
    assert_eq!(store.unread(by).await.unwrap(), 1);
    assert_eq!(store.unconfirmed(minutes(1)).await.unwrap().len(), 1);
    assert!(store.unconfirmed(minutes(-1)).await.unwrap().is_empty());
    let resend = Dispatch {
        resent: vec![("i1".into(), minutes(30))],
        ..Dispatch::default()
    };
    store.dispatch(&resend).await.unwrap();
    assert!(store.unconfirmed(minutes(20)).await.unwrap().is_empty());
    assert!(!store.mark_read(UserId(999), "i1", now, true).await.unwrap());
    assert!(store.mark_read(by, "i1", minutes(2), false).await.unwrap());
    assert_eq!(store.unread(by).await.unwrap(), 0);
    assert!(store.mark_read(by, "i1", minutes(3), true).await.unwrap());
    let read = store.inbox(by).await.unwrap().remove(0);
    assert_eq!(
        (read.read_at, read.confirmed_at),
        (Some(minutes(2)), Some(minutes(3)))
    );
    assert!(store.unconfirmed(minutes(60)).await.unwrap().is_empty());

    // A message to a unit's liaisons is kept once and read by each of them apart; one of them
    // confirming answers for the unit, and until then it is sent again to each of them.
    let liaison = |name: &str| NewUser {
        username: name.into(),
        display_name: name.into(),
        role: Role::Liaison,
        unit_id: city,
        email: None,
        password_hash: "x".into(),
        in_charge_of: vec![],
        phone: None,
        must_change_password: false,
    };
    let first = store.insert_user(&liaison("l1")).await.unwrap();
    let second = store.insert_user(&liaison("l2")).await.unwrap();
    let shared = InboxItem {
        id: "u1".into(),
        to: Addressee::Liaisons(city),
        ..item.clone()
    };
    let d = Dispatch {
        inbox: vec![shared.clone()],
        ..Dispatch::default()
    };
    assert_eq!(store.dispatch(&d).await.unwrap(), 1);
    for reader in [first, second] {
        assert_eq!(
            store.inbox(reader).await.unwrap(),
            std::slice::from_ref(&shared)
        );
        assert_eq!(store.unread(reader).await.unwrap(), 1);
    }
    assert!(
        store.inbox(by).await.unwrap().iter().all(|i| i.id != "u1"),
        "not a liaison's"
    );
    assert!(!store.mark_read(by, "u1", now, true).await.unwrap());
    let waiting = store.unconfirmed(minutes(1)).await.unwrap();
    assert_eq!(
        waiting
            .iter()
            .map(|w| (w.id.as_str(), w.user_id))
            .collect::<Vec<_>>(),
        [("u1", first), ("u1", second)]
    );
    assert!(
        store
            .mark_read(first, "u1", minutes(2), false)
            .await
            .unwrap()
    );
    assert_eq!(store.unread(first).await.unwrap(), 0);
    assert_eq!(
        store.unread(second).await.unwrap(),
        1,
        "read by one, not by the other"
    );
    assert_eq!(store.unconfirmed(minutes(3)).await.unwrap().len(), 2);
    assert!(
        store
            .mark_read(second, "u1", minutes(4), true)
            .await
            .unwrap()
    );
    let seen = store.inbox(first).await.unwrap().remove(0);
    assert_eq!(
        (seen.read_at, seen.confirmed_at),
        (Some(minutes(2)), Some(minutes(4)))
    );
    let seen = store.inbox(second).await.unwrap().remove(0);
    assert_eq!(
        (seen.read_at, seen.confirmed_at),
        (Some(minutes(4)), Some(minutes(4)))
    );
    assert!(store.unconfirmed(minutes(60)).await.unwrap().is_empty());

    // Preferences: only those that differ are kept; a second save replaces the first.
    let quiet = Prefs {
        email: false,
        digest: true,
    };
    store.save_prefs(by, Prefs::default()).await.unwrap();
    store.save_prefs(by, quiet).await.unwrap();
    assert_eq!(store.prefs().await.unwrap(), [(by, quiet)]);

    // Calendar days: saving a year replaces that year only.
    let day = |s: &str| s.parse::<NaiveDate>().unwrap();
    let holiday = |d: &str, name: &str| (day(d), luoshi_domain::DayKind::Holiday, name.to_string());
    store
        .save_calendar_days(&[
            holiday("2026-10-01", "国庆节"),
            holiday("2027-01-01", "元旦"),
        ])
        .await
        .unwrap();
    store
        .save_calendar_days(&[
            holiday("2026-10-02", "国庆节"),
            (
                day("2026-10-10"),
                luoshi_domain::DayKind::AdjustedWorkday,
                "国庆节".into(),
            ),
        ])
        .await
        .unwrap();
    let days = store.calendar_days().await.unwrap();
    assert_eq!(
        days.iter()
            .map(|(d, _, _)| d.to_string())
            .collect::<Vec<_>>(),
        ["2026-10-02", "2026-10-10", "2027-01-01"]
    );
    assert_eq!(days[1].1, luoshi_domain::DayKind::AdjustedWorkday);

    // Accountability: a proposal is decided once; a second decision is a conflict.
    let proposed = store.accountability(city).await.unwrap().remove(0);
    let decided = Accountability {
        measure: Some(Measure::Talk),
        state: AccountabilityState::Decided,
        decided_by: Some(by),
        decided_at: Some(minutes(10)),
        ..proposed.clone()
    };
    let event = |kind, comment: &str| NewEvent::new(kind, by, minutes(10), comment);
    store
        .save_accountability(
            &decided,
            &[(m.id, event(EventKind::Accountability, "约谈"))],
        )
        .await
        .unwrap();
    assert!(matches!(
        store.save_accountability(&decided, &[]).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.accountability(city).await.unwrap(), [decided]);

    // Adjustments rest on their events.
    let adjustment = luoshi_domain::assess::Adjustment {
        event_id: luoshi_domain::EventId(0),
        matter_id: m.id,
        unit_id: city,
        points: -0.5,
        reason: "迟报".into(),
        approver: "主任".into(),
    };
    let adjusted = store
        .adjust(m.id, &event(EventKind::Adjusted, "迟报"), &adjustment)
        .await
        .unwrap();
    assert_eq!(
        store.adjustments(&[MatterId(999), m.id]).await.unwrap(),
        [luoshi_domain::assess::Adjustment {
            event_id: adjusted,
            ..adjustment
        }]
    );

    // Bulletins: a draft is changed only from the state it was read in.
    let mut bulletin = luoshi_storage::bulletin::BulletinRow {
        id: 0,
        org_id: city,
        period: "2026-Q2".into(),
        number: String::new(),
        state: "draft".into(),
        cases: vec![luoshi_storage::bulletin::Case {
            matter_id: m.id,
            praise: false,
            comment: "进展缓慢".into(),
        }],
        document: None,
        created_by: by,
        created_at: now,
        published_at: None,
    };
    bulletin.id = store.save_bulletin(&bulletin, None, &[]).await.unwrap();
    let published = luoshi_storage::bulletin::BulletinRow {
        state: "published".into(),
        number: "第1期".into(),
        document: Some(r#"{"title":"通报"}"#.into()),
        published_at: Some(minutes(20)),
        ..bulletin.clone()
    };
    store
        .save_bulletin(
            &published,
            Some("draft"),
            &[(m.id, event(EventKind::Criticized, "通报批评"))],
        )
        .await
        .unwrap();
    assert!(matches!(
        store.save_bulletin(&published, Some("draft"), &[]).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.bulletin(bulletin.id).await.unwrap(),
        Some(published.clone())
    );
    assert_eq!(store.bulletins(city).await.unwrap(), [published]);

    // Letters: the same file twice is kept once, and reads back byte for byte.
    let letter = luoshi_storage::letter::Letter {
        id: 0,
        org_id: city,
        unit_id: city,
        year: 2026,
        file_name: "责任书.pdf".into(),
        content_type: "application/pdf".into(),
        sha256: "ab".repeat(32),
        size: 4,
        matter_ids: vec![m.id],
        uploaded_by: by,
        uploaded_at: now,
    };
    let bytes = [0_u8, 159, 146, 150];
    let one = store.save_letter(&letter, &bytes).await.unwrap();
    let two = store.save_letter(&letter, &bytes).await.unwrap();
    assert_ne!(one, two);
    assert_eq!(store.letters(city, 2026).await.unwrap().len(), 2);
    assert!(store.letters(city, 2025).await.unwrap().is_empty());
    let (read, file) = store.letter_file(two).await.unwrap().unwrap();
    assert_eq!((read.id, file.as_slice()), (two, &bytes[..]));
    assert!(store.letter_file(999).await.unwrap().is_none());

    // Reports and timelines.
    let report = NewEvent {
        percent: Some(30),
        ..event(EventKind::Feedback, "已开工")
    };
    let mut signed = m.clone();
    signed.version += 1;
    store
        .save_transition(
            &m,
            &luoshi_domain::Transition {
                matter: signed,
                events: vec![report],
            },
            &Dispatch::default(),
        )
        .await
        .unwrap();
    let reports = store.latest_reports(&[m.id, MatterId(999)]).await.unwrap();
    assert_eq!(
        reports,
        [(m.id, "已开工".to_string(), minutes(10))],
        "the latest report of each matter that has one"
    );
    let timeline = store.events_of(&[m.id]).await.unwrap();
    assert_eq!(timeline.len(), 5);
    assert_eq!(timeline[4].data.percent, Some(30));

    // A file on a report rests on an event of its own; the letter's bytes are not kept twice.
    let evidence = luoshi_storage::attachment::Attachment {
        id: luoshi_domain::EventId(0),
        matter_id: m.id,
        on_event_id: Some(timeline[4].id),
        file_name: "现场照片.pdf".into(),
        media_type: "application/pdf".into(),
        sha256: letter.sha256.clone(),
        size: bytes.len(),
    };
    let upload = event(EventKind::Attached, "整改前后对比");
    let attached = store
        .save_attachment(&evidence, &upload, &bytes)
        .await
        .unwrap();
    let listed = store.attachments(&[m.id, MatterId(999)]).await.unwrap();
    assert_eq!(
        listed,
        [luoshi_storage::attachment::Attachment {
            id: attached,
            ..evidence
        }]
    );
    let (_, file) = store.attachment_file(attached).await.unwrap().unwrap();
    assert_eq!(file, bytes);
    assert!(
        store
            .attachment_file(timeline[4].id)
            .await
            .unwrap()
            .is_none(),
        "a report is not a file"
    );
    let timeline = store.events_of(&[m.id]).await.unwrap();
    assert_eq!(
        (timeline.len(), timeline[5].id, timeline[5].data.kind),
        (6, attached, EventKind::Attached)
    );

    // The audit chain holds every event written above, and its head is the last of them.
    assert_eq!(store.audit_verify().await.unwrap(), Ok(6));
    let (head, hash) = store.audit_head().await.unwrap().unwrap();
    assert_eq!(head, timeline[5].id.0);
    assert!(store.audit_holds(head, &hash).await.unwrap());
    assert!(!store.audit_holds(head, "0").await.unwrap());

    // One sweep at a time.
    let lease = store.sweep_lease().await.unwrap();
    assert!(lease.is_some());
    assert!(store.sweep_lease().await.unwrap().is_none(), "held");
    drop(lease);
    let mut again = None;
    for _ in 0..50 {
        again = store.sweep_lease().await.unwrap();
        if again.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(again.is_some(), "released when dropped");

    // A session ends on its own; a new password replaces the old.
    for t in ["t1", "t2"] {
        let token = luoshi_storage::Token {
            id: 0,
            hash: t.into(),
            user_id: by,
            kind: luoshi_storage::TokenKind::Session,
            name: String::new(),
            scope: luoshi_domain::TokenScope::Write,
            created_at: now,
            expires_at: minutes(60),
            last_used_at: None,
        };
        store.insert_token(&token).await.unwrap();
    }
    store.delete_token("t1").await.unwrap();
    assert!(store.user_by_token("t1", now).await.unwrap().is_none());
    assert!(store.user_by_token("t2", now).await.unwrap().is_some());
    store
        .set_password(by, "$argon2id$new", false)
        .await
        .unwrap();
    let (_, hash) = store.user_for_login("u").await.unwrap().unwrap();
    assert_eq!(hash, "$argon2id$new");

    // A one-time password is flagged on every live sign-in until it is changed; a disabled
    // account signs nobody in, by password or by token, and keeps everything else.
    store
        .set_password(by, "$argon2id$once", true)
        .await
        .unwrap();
    let signed_in = store.user_by_token("t2", now).await.unwrap().unwrap();
    assert!(signed_in.must_change_password);
    let mut account = store
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.user.id == by)
        .unwrap();
    assert!(account.must_change_password && !account.disabled);
    account.disabled = true;
    account.phone = Some("13800000000".into());
    account.user.display_name = "改名".into();
    store.save_account(&account).await.unwrap();
    assert!(store.user_for_login("u").await.unwrap().is_none());
    assert!(store.user_by_token("t2", now).await.unwrap().is_none());
    let saved = store.accounts().await.unwrap();
    let saved = saved.iter().find(|a| a.user.id == by).unwrap();
    assert_eq!(saved, &account);
}

fn an_admin_action() -> AdminAction {
    AdminAction {
        actor: None,
        at: at("2026-03-02T09:00:00+08:00"),
        action: "calendar.save".into(),
        detail: "16 days of {2026}".into(),
    }
}

#[tokio::test]
async fn the_timeline_refuses_updates_and_deletes_on_sqlite() {
    let db = Scratch::on(&Backend::Sqlite).await;
    let store = db.store().await;
    let (_, _, created) = one_matter(store.as_ref()).await;
    store.record_admin(&an_admin_action()).await.unwrap();
    // Another program with the file open directly, as a careless tool or an attacker would.
    let raw = rusqlite::Connection::open(db.data().join("luoshi.db")).unwrap();
    assert!(
        raw.execute("UPDATE events SET comment = 'changed'", [])
            .is_err()
    );
    assert!(raw.execute("DELETE FROM events", []).is_err());
    for sql in [
        "DELETE FROM audit_links",
        "UPDATE audit_links SET hash = ''",
        "UPDATE admin_actions SET detail = ''",
        "DELETE FROM admin_actions",
    ] {
        let refused = raw.execute(sql, []).unwrap_err().to_string();
        assert!(refused.contains("append-only"), "{sql}: {refused}");
    }
    let (_, events) = store.matter_with_events(created.id).await.unwrap().unwrap();
    assert_eq!((events.len(), events[0].data.comment.as_str()), (1, ""));
}

#[tokio::test]
async fn the_timeline_refuses_updates_and_deletes_on_postgres() {
    on_postgres(
        "the_timeline_refuses_updates_and_deletes_on_postgres",
        async {
            use sqlx::Connection as _;
            let db = Scratch::new().await;
            let store = db.store().await;
            let (_, _, created) = one_matter(store.as_ref()).await;
            store.record_admin(&an_admin_action()).await.unwrap();
            // Another program connected directly, as a careless tool or an attacker would.
            let mut raw = sqlx::PgConnection::connect(&db.url()).await.unwrap();
            for sql in [
                "UPDATE events SET comment = 'changed'",
                "DELETE FROM events",
                "TRUNCATE events CASCADE",
                "UPDATE audit_links SET hash = ''",
                "DELETE FROM audit_links",
                "TRUNCATE audit_links",
                "UPDATE admin_actions SET detail = ''",
                "DELETE FROM admin_actions",
                "TRUNCATE admin_actions CASCADE",
            ] {
                let refused = sqlx::raw_sql(sql).execute(&mut raw).await.unwrap_err();
                assert!(
                    refused.to_string().contains("append-only"),
                    "{sql}: {refused}"
                );
            }
            let (_, events) = store.matter_with_events(created.id).await.unwrap().unwrap();
            assert_eq!((events.len(), events[0].data.comment.as_str()), (1, ""));
            assert_eq!(store.audit_verify().await.unwrap(), Ok(2));
        },
    )
    .await;
}

/// Two stores on one database stand for two app processes: numbers and outbox claims must hold
/// across them, which SQLite's single writer gives for free and PostgreSQL must earn.
#[tokio::test]
async fn two_processes_on_postgres_share_numbers_and_never_claim_a_message_twice() {
    use luoshi_storage::{Channel, Notice};
    use std::sync::Arc;

    on_postgres(
        "two_processes_on_postgres_share_numbers_and_never_claim_a_message_twice",
        async {
            let db = Scratch::new().await;
            let one: Arc<dyn Store> = db.store().await;
            let (city, by, _) = one_matter(one.as_ref()).await;
            let other: Arc<dyn Store> = db.store().await;
            other.migrate().await.unwrap();

            let mut creating = tokio::task::JoinSet::new();
            for i in 0..40 {
                let store = if i % 2 == 0 {
                    one.clone()
                } else {
                    other.clone()
                };
                let m = draft(city, city, by, &format!("事项{i}"));
                creating.spawn(async move {
                    let events = vec![NewEvent::new(EventKind::Created, by, m.created_at, "")];
                    store.create_matters(&[(m, events)]).await.unwrap()[0]
                        .number
                        .seq
                });
            }
            let mut seqs = creating.join_all().await;
            seqs.sort();
            assert_eq!(
                seqs,
                (2..=41).collect::<Vec<_>>(),
                "after 甲, no gaps, no repeats"
            );
            assert_eq!(
                one.audit_verify().await.unwrap(),
                Ok(41),
                "one chain, in order"
            );

            let now = at("2026-06-30T09:00:00+08:00");
            let outbox = (0..300)
                .map(|i| Notice {
                    id: format!("m{i:03}"),
                    channel: Channel::Email,
                    target: "a@example.gov.cn".into(),
                    user_id: Some(by),
                    matter_id: None,
                    subject: "催办".into(),
                    body: String::new(),
                    created_at: now,
                    due_at: now,
                    mentions: vec![],
                })
                .collect();
            let d = Dispatch {
                outbox,
                ..Dispatch::default()
            };
            assert_eq!(one.dispatch(&d).await.unwrap(), 300);
            let mut claiming = tokio::task::JoinSet::new();
            for i in 0..6 {
                let store = if i % 2 == 0 {
                    one.clone()
                } else {
                    other.clone()
                };
                claiming.spawn(async move {
                    let mut mine = Vec::new();
                    loop {
                        let lease = now + chrono::Duration::minutes(5);
                        let batch = store.claim_outbox(now, lease, 7).await.unwrap();
                        if batch.is_empty() {
                            return mine;
                        }
                        mine.extend(batch.into_iter().map(|o| o.notice.id));
                    }
                });
            }
            let mut claimed: Vec<String> = claiming.join_all().await.concat();
            claimed.sort();
            let before = claimed.len();
            claimed.dedup();
            assert_eq!(
                (before, claimed.len()),
                (300, 300),
                "each message claimed once"
            );
        },
    )
    .await;
}

/// A city matter split for the county, split again for a town, and again below it; a second
/// tree beside it that must not leak into the first.
async fn descendants_to_any_depth() {
    let db = Scratch::new().await;
    let store = db.store().await;
    let store = store.as_ref();
    store.migrate().await.unwrap();
    let city = store
        .insert_unit(&unit("city", UnitKind::Government, None))
        .await
        .unwrap();
    let county = store
        .insert_unit(&unit("county", UnitKind::Government, Some(city)))
        .await
        .unwrap();
    let town = store
        .insert_unit(&unit("town", UnitKind::Government, Some(county)))
        .await
        .unwrap();
    let office = store
        .insert_unit(&unit("office", UnitKind::Other, Some(town)))
        .await
        .unwrap();
    let by = store
        .insert_user(&NewUser {
            username: "ducha".into(),
            display_name: "张三".into(),
            role: Role::Supervisor,
            unit_id: city,
            email: None,
            password_hash: "$argon2id$hash".into(),
            in_charge_of: vec![],
            phone: None,
            must_change_password: false,
        })
        .await
        .unwrap();
    let now = at("2026-03-02T09:00:00+08:00");
    let make = async |org, lead, parent: Option<MatterId>, title: &str| {
        let mut m = draft(org, lead, by, title);
        m.parent_id = parent;
        let events = vec![NewEvent::new(EventKind::Created, by, now, "")];
        store
            .create_matters(&[(m, events)])
            .await
            .unwrap()
            .remove(0)
    };
    let root = make(city, county, None, "市级事项").await;
    let county_part = make(county, town, Some(root.id), "县级分解").await;
    let county_other = make(county, town, Some(root.id), "县级另一项").await;
    let town_part = make(town, office, Some(county_part.id), "镇级分解").await;
    let deepest = make(town, office, Some(town_part.id), "再分解").await;
    let beside = make(city, county, None, "另一市级事项").await;
    let beside_child = make(county, town, Some(beside.id), "另一县级分解").await;

    let ids = |ms: Vec<Matter>| {
        let mut ids: Vec<i64> = ms.into_iter().map(|m| m.id.0).collect();
        ids.sort();
        ids
    };
    let below = store.descendants(root.id).await.unwrap();
    assert_eq!(
        ids(below.clone()),
        [
            county_part.id.0,
            county_other.id.0,
            town_part.id.0,
            deepest.id.0
        ]
    );
    let read = below.iter().find(|m| m.id == deepest.id).unwrap();
    assert_eq!(read, &store.matter(deepest.id).await.unwrap().unwrap());
    assert_eq!(read.parent_id, Some(town_part.id));

    assert_eq!(
        ids(store.descendants(county_part.id).await.unwrap()),
        [town_part.id.0, deepest.id.0]
    );
    assert_eq!(
        ids(store.descendants(beside.id).await.unwrap()),
        [beside_child.id.0]
    );
    assert!(store.descendants(deepest.id).await.unwrap().is_empty());
}

/// Stored lights are stale from the moment a matter is written until they are worked out,
/// hold for their window, are only stored over the version they were worked out for, filter
/// lists, and are counted by the tally.
async fn stored_lights_hold_for_their_window() {
    let db = Scratch::new().await;
    let store = db.store().await;
    let store = store.as_ref();
    let (city, by, m) = one_matter(store).await;
    let now = at("2026-03-02T10:00:00+08:00");
    let stale_ids = |(_, list): (Option<String>, Vec<Matter>)| {
        list.into_iter().map(|m| m.id).collect::<Vec<_>>()
    };
    assert_eq!(
        stale_ids(store.stale_lights(now, 10).await.unwrap()),
        vec![m.id]
    );

    let stamp = LightStamp {
        matter_id: m.id,
        version: m.version,
        light: Light::Red,
        units: vec![(city, Some(Cause::Overdue))],
        at: now,
        until: Some(at("2026-03-05T00:00:00+08:00")),
    };
    let wrong_version = LightStamp {
        version: m.version + 1,
        ..stamp.clone()
    };
    assert_eq!(store.save_lights(&[wrong_version]).await.unwrap(), 0);
    assert_eq!(store.stale_lights(now, 10).await.unwrap().1.len(), 1);
    assert_eq!(
        store
            .save_lights(std::slice::from_ref(&stamp))
            .await
            .unwrap(),
        1
    );
    assert!(store.stale_lights(now, 10).await.unwrap().1.is_empty());
    // The window: stale again once it ends, and before it began (a clock set back).
    for moment in ["2026-03-05T00:00:00+08:00", "2026-03-02T09:59:59+08:00"] {
        assert_eq!(
            stale_ids(store.stale_lights(at(moment), 10).await.unwrap()),
            vec![m.id],
            "{moment}"
        );
    }

    let scope = MatterQuery {
        visibility: Visibility {
            org_ids: vec![city],
            ..Visibility::default()
        },
        ..MatterQuery::default()
    };
    let with_light = |l: Light| MatterQuery {
        lights: vec![l],
        ..scope.clone()
    };
    assert_eq!(store.matters(&with_light(Light::Red)).await.unwrap().1, 1);
    assert_eq!(store.matters(&with_light(Light::Green)).await.unwrap().1, 0);
    let tally = store.tally(&scope).await.unwrap();
    assert_eq!(
        tally.matters,
        vec![(MatterState::Draft, Source::WorkReport, Light::Red, 1)]
    );
    assert!(tally.units.is_empty(), "drafts are not counted per unit");

    // Assigning writes the matter: its lights are stale at once, whatever their window said.
    let tree = OrgTree::new(store.units().await.unwrap());
    let user = store.user(by).await.unwrap().unwrap();
    let assigned = luoshi_domain::apply(
        &m,
        &Actor {
            user: &user,
            tree: &tree,
        },
        Action::Assign,
        now,
        &ExtensionChain::default(),
        &OpenBelow::default(),
    )
    .unwrap();
    store
        .save_transition(&m, &assigned, &Dispatch::default())
        .await
        .unwrap();
    assert_eq!(
        stale_ids(store.stale_lights(now, 10).await.unwrap()),
        vec![m.id]
    );
    assert_eq!(
        store
            .save_lights(std::slice::from_ref(&stamp))
            .await
            .unwrap(),
        0,
        "worked out for the draft, not for the assigned matter"
    );
    let forever = LightStamp {
        version: assigned.matter.version,
        light: Light::Yellow,
        units: vec![(city, Some(Cause::Overdue))],
        until: None,
        ..stamp
    };
    assert_eq!(store.save_lights(&[forever]).await.unwrap(), 1);

    // The sweep's reading: the red unit, with its cause and the foot of its ladder, and then
    // with the ladder's row, which never climbs down.
    let concern = |c: &Concern| {
        (
            c.matter_id,
            c.unit_id,
            c.cause,
            c.number.seq,
            c.ladder.clone(),
        )
    };
    let foot = LadderRow {
        key: format!("{}:{}:deadline", m.id, city),
        matter_id: m.id,
        unit_id: city,
        yellow_at: None,
        red_count: 0,
        last_red_at: None,
        escalated_at: None,
    };
    let (found, last) = store.concerns(MatterId(0), 100).await.unwrap();
    assert_eq!(
        found.iter().map(concern).collect::<Vec<_>>(),
        [(m.id, city, Cause::Overdue, m.number.seq, foot.clone())]
    );
    assert_eq!(last, Some(m.id), "the page ends at the last matter read");
    assert_eq!(
        store.concerns(m.id, 100).await.unwrap(),
        (vec![], None),
        "after the last matter there is nothing more"
    );
    let climbed = |red_count| LadderRow {
        red_count,
        last_red_at: Some(now),
        ..foot.clone()
    };
    for step in [2, 1] {
        let d = Dispatch {
            ladder: vec![climbed(step)],
            ..Dispatch::default()
        };
        store.dispatch(&d).await.unwrap();
    }
    assert_eq!(
        store.concerns(MatterId(0), 100).await.unwrap().0[0].ladder,
        climbed(2)
    );
    // A matter's 催办单 reads the same rows, the matter's alone.
    assert_eq!(store.ladder_of(m.id).await.unwrap(), [climbed(2)]);
    assert!(
        store
            .ladder_of(MatterId(m.id.0 + 1000))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .stale_lights(at("2099-01-01T00:00:00Z"), 10)
            .await
            .unwrap()
            .1
            .is_empty()
    );
    let tally = store.tally(&scope).await.unwrap();
    assert_eq!(
        tally.matters,
        vec![(MatterState::Assigned, Source::WorkReport, Light::Yellow, 1)]
    );
    assert_eq!(
        tally.units,
        vec![UnitTally {
            unit_id: city,
            open: 1,
            red: 1,
            closed: 0,
            counted: 1
        }]
    );

    // New rules or a new calendar: every light that can change is worked out again.
    assert_eq!(store.stale_lights(now, 0).await.unwrap().0, None);
    store.reset_lights("basis-2").await.unwrap();
    assert_eq!(
        store.stale_lights(now, 0).await.unwrap().0.as_deref(),
        Some("basis-2")
    );
    assert_eq!(
        stale_ids(store.stale_lights(now, 10).await.unwrap()),
        vec![m.id]
    );
}

/// A small, repeatable stream of choices.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % sides as u64) as usize
    }

    fn pick<T: Copy>(&mut self, of: &[T]) -> T {
        of[self.roll(of.len())]
    }
}

/// Matters in any state, deadline and closing, made, moved, closed, reopened and relit: the
/// dashboard's kept counts of every scope always equal the same counts made from the matters.
async fn kept_counts_follow_every_write() {
    let db = Scratch::new().await;
    let store = db.store().await;
    let store = store.as_ref();
    use luoshi_domain::{AssignmentState, china_instant};
    store.migrate().await.unwrap();
    let gov = UnitKind::Government;
    let dept = UnitKind::Department;
    let add =
        async |code, kind, parent| store.insert_unit(&unit(code, kind, parent)).await.unwrap();
    let province = add("p", gov, None).await;
    let p_dept = add("pd", dept, Some(province)).await;
    let city = add("c", gov, Some(province)).await;
    let c_dept = add("cd", dept, Some(city)).await;
    let county = add("x", gov, Some(city)).await;
    let other_city = add("o", gov, Some(province)).await;
    let by = store
        .insert_user(&NewUser {
            username: "u".into(),
            display_name: "u".into(),
            role: Role::Supervisor,
            unit_id: province,
            email: None,
            password_hash: "x".into(),
            in_charge_of: vec![],
            phone: None,
            must_change_password: false,
        })
        .await
        .unwrap();
    // A department owning matters is not how offices work, but its matters must still be
    // counted where it is seen: in its own scope only.
    let owners = [province, city, county, other_city, c_dept];
    let units = [province, p_dept, city, c_dept, county, other_city];
    let start = NaiveDate::from_ymd_opt(2025, 11, 1).unwrap();
    let a_time = |dice: &mut Dice| {
        chrono::NaiveTime::from_hms_opt(dice.pick(&[0, 8, 15, 16, 23]) as u32, 59, 0).unwrap()
    };
    let mut dice = Dice(0x2545_f491_4f6c_dd1d);

    let mut made = Vec::new();
    for i in 0..150 {
        let mut m = draft(dice.pick(&owners), province, by, &format!("事项{i}"));
        m.source = dice.pick(Source::ALL);
        m.state = dice.pick(MatterState::ALL);
        // Many deadlines around one of the days asked about, the rest over sixteen months.
        let around_june = NaiveDate::from_ymd_opt(2026, 5, 20).unwrap();
        let (from, spread) = [(start, 480), (around_june, 50)][dice.roll(2)];
        m.deadline =
            (dice.roll(10) > 0).then(|| from + chrono::Days::new(dice.roll(spread) as u64));
        // Closed on time, late or long after; sometimes kept after a reopening.
        if m.state == MatterState::Closed || dice.roll(8) == 0 {
            let around = m.deadline.unwrap_or(start) + chrono::Days::new(dice.roll(60) as u64);
            let day = around - chrono::Days::new(30);
            m.closed_at = Some(china_instant(day, a_time(&mut dice)));
        }
        m.assignments = (0..1 + dice.roll(3))
            .map(|_| dice.pick(&units))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|u| {
                let mut a = Assignment::new(u, AssignmentRole::Co);
                a.state = dice.pick(AssignmentState::ALL);
                a
            })
            .collect();
        made.push((m, vec![]));
    }
    let mut matters = store.create_matters(&made).await.unwrap();
    let relight = |matters: &[Matter], dice: &mut Dice| -> Vec<LightStamp> {
        let mut stamps = Vec::new();
        for m in matters {
            if dice.roll(3) == 0 {
                continue;
            }
            stamps.push(LightStamp {
                matter_id: m.id,
                version: m.version,
                light: dice.pick(Light::ALL),
                units: m
                    .assignments
                    .iter()
                    .map(|a| {
                        let cause = [None, Some(Cause::DeadlineNear), Some(Cause::Overdue)];
                        (a.unit_id, dice.pick(&cause))
                    })
                    .collect(),
                at: at("2026-03-02T10:00:00+08:00"),
                until: None,
            });
        }
        stamps
    };
    store
        .save_lights(&relight(&matters, &mut dice))
        .await
        .unwrap();
    counts_agree(store, "as made").await;

    // Transitions: other states, deadlines moved, closings made and undone, units' parts.
    for m in &mut matters {
        if dice.roll(2) == 0 {
            continue;
        }
        let before = store.matter(m.id).await.unwrap().unwrap();
        let mut after = before.clone();
        after.version += 1;
        after.state = dice.pick(MatterState::ALL);
        if dice.roll(2) == 0 {
            after.deadline = after
                .deadline
                .map(|d| d + chrono::Days::new(dice.roll(40) as u64));
        }
        after.closed_at = match dice.roll(3) {
            0 => None,
            1 => Some(china_instant(
                after.deadline.unwrap_or(start) + chrono::Days::new(dice.roll(20) as u64),
                a_time(&mut dice),
            )),
            _ => after.closed_at,
        };
        for a in &mut after.assignments {
            if dice.roll(2) == 0 {
                a.state = dice.pick(AssignmentState::ALL);
            }
        }
        let t = luoshi_domain::Transition {
            matter: after.clone(),
            events: vec![],
        };
        store
            .save_transition(&before, &t, &Dispatch::default())
            .await
            .unwrap();
        *m = after;
    }
    counts_agree(store, "after transitions").await;
    store
        .save_lights(&relight(&matters, &mut dice))
        .await
        .unwrap();
    counts_agree(store, "after relighting").await;

    // A unit added later is counted in the scopes above it.
    let township = add("t", gov, Some(county)).await;
    let mut m = draft(township, township, by, "新乡镇事项");
    m.state = MatterState::InProgress;
    m.deadline = NaiveDate::from_ymd_opt(2026, 6, 10);
    m.assignments = vec![Assignment::new(township, AssignmentRole::Lead)];
    store.create_matters(&[(m, vec![])]).await.unwrap();
    counts_agree(store, "with a new township").await;
}

/// Every unit's kept counts against the counts made from the matters its scope sees, on days
/// either side of a year's turn and inside a month.
async fn counts_agree(store: &dyn Store, when: &str) {
    let units = store.units().await.unwrap();
    let tree = OrgTree::new(units.clone());
    for today in ["2026-01-01", "2026-06-15", "2026-06-30", "2027-01-20"] {
        let today: NaiveDate = today.parse().unwrap();
        // Every day back to the first deadlines, so each day a count turns on is asked about.
        let days: Vec<NaiveDate> = (0..430).map(|d| today - chrono::Days::new(d)).collect();
        let year = |m, d| NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), m, d).unwrap();
        for u in &units {
            let q = MatterQuery {
                visibility: Visibility {
                    org_ids: tree.orgs_within(u.id),
                    ..Visibility::default()
                },
                ..MatterQuery::default()
            };
            // The heat map's few units, and all of them.
            let heat_rows = if u.id.0 % 2 == 0 { 2 } else { 1000 };
            let mut kept = store
                .scope_counts(u.id, &days, today, heat_rows)
                .await
                .unwrap();
            let mut made = store.tally(&q).await.unwrap();
            for t in [&mut kept.tally, &mut made] {
                t.matters.sort();
                t.units.sort_by_key(|u| u.unit_id);
            }
            let at = format!("{when}, {today}, scope {}", u.code);
            assert_eq!(kept.tally, made, "{at}");
            assert_eq!(
                kept.overdue,
                store.overdue_counts(&q, &days).await.unwrap(),
                "{at}"
            );
            let mut months = store
                .due_by_unit_month(&q, year(1, 1), year(12, 31), today)
                .await
                .unwrap();
            let mut totals: std::collections::BTreeMap<_, (usize, usize)> = Default::default();
            for m in &months {
                let t = totals.entry(m.unit_id).or_default();
                *t = (t.0 + m.late, t.1 + m.due);
            }
            let mut ranked: Vec<_> = totals.into_iter().collect();
            ranked.sort_by_key(|(unit, (late, due))| {
                (std::cmp::Reverse(*late), std::cmp::Reverse(*due), *unit)
            });
            ranked.truncate(heat_rows);
            months.retain(|m| ranked.iter().any(|(unit, _)| *unit == m.unit_id));
            months.sort_by_key(|m| (m.unit_id, m.month));
            kept.months.sort_by_key(|m| (m.unit_id, m.month));
            assert_eq!(kept.months, months, "{at}");
        }
    }
    // A whole scope's list reads its orgs, and its count, from what is kept for the scope.
    for u in &units {
        let listed = MatterQuery {
            visibility: Visibility {
                org_ids: tree.orgs_within(u.id),
                ..Visibility::default()
            },
            page: Some((5, 0)),
            ..MatterQuery::default()
        };
        for (states, lights) in [
            (vec![], vec![]),
            (
                vec![MatterState::InProgress],
                vec![Light::Red, Light::Yellow],
            ),
        ] {
            let q = MatterQuery {
                states,
                lights,
                ..listed.clone()
            };
            let scoped = MatterQuery {
                scope: Some(u.id),
                ..q.clone()
            };
            let ids = |(page, n): (Vec<Matter>, usize)| {
                (page.into_iter().map(|m| m.id).collect::<Vec<_>>(), n)
            };
            assert_eq!(
                ids(store.matters(&scoped).await.unwrap()),
                ids(store.matters(&q).await.unwrap()),
                "{when}, the list of scope {}",
                u.code
            );
        }
    }
}
