//! One story through every storage method. It runs on a fresh SQLite file; each backend added
//! later runs the same story.

use chrono::{DateTime, NaiveDate, Utc};
use luoshi_domain::{
    Action, Actor, Assignment, AssignmentRole, Cadence, EventKind, ExtensionChain, Matter,
    MatterId, MatterNumber, MatterState, NewEvent, OrgTree, Role, Source, TokenScope, UnitKind,
    Urgency, UserId, Visibility,
};
use luoshi_storage::sqlite::SqliteStore;
use luoshi_storage::{
    Dispatch, MatterQuery, NewUnit, NewUser, Store, StoreError, Token, TokenKind,
};

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
        urgency: Urgency::Normal,
        lead_unit_id: lead,
        co_unit_ids: vec![],
        leader_id: None,
        deadline: NaiveDate::from_ymd_opt(2026, 12, 31),
        cadence: Cadence::Monthly,
        milestones: vec![],
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

#[tokio::test]
async fn every_storage_method_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_dir(dir.path()).await.unwrap();
    story(&store).await;
}

async fn story(store: &dyn Store) {
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
    assert_eq!((found.0.id, found.1.kind), (ducha_id, TokenKind::Session));
    store.touch_token(session_id, now).await.unwrap();
    let found = store.user_by_token("digest", now).await.unwrap().unwrap();
    assert_eq!(found.1.last_used_at, Some(now));
    assert!(
        store
            .user_by_token("digest", at("2026-03-03T09:00:00+08:00"))
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    // An API token outlives "sign out everywhere", and only its owner can revoke it.
    let api = Token {
        hash: "api-digest".into(),
        kind: TokenKind::Api,
        name: "报表程序".into(),
        scope: TokenScope::Read,
        expires_at: at("2026-06-02T09:00:00+08:00"),
        ..session.clone()
    };
    let api_id = store.insert_token(&api).await.unwrap();
    store.delete_tokens_of(ducha_id).await.unwrap();
    assert!(store.user_by_token("digest", now).await.unwrap().is_none());
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

#[tokio::test]
async fn the_timeline_refuses_updates_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_dir(dir.path()).await.unwrap();
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
    // Another program with the file open directly, as a careless tool or an attacker would.
    let raw = rusqlite::Connection::open(dir.path().join("luoshi.db")).unwrap();
    assert!(
        raw.execute("UPDATE events SET comment = 'changed'", [])
            .is_err()
    );
    assert!(raw.execute("DELETE FROM events", []).is_err());
    let (_, events) = store.matter_with_events(created.id).await.unwrap().unwrap();
    assert_eq!((events.len(), events[0].data.comment.as_str()), (1, ""));
}
