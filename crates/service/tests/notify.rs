//! Reminders that reach people, through a real SMTP listener and a real HTTP receiver bound to
//! 127.0.0.1:0 in this process, on a clock the test moves.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use luoshi_domain::{Action, Cadence, MatterId, Source, Urgency, User};
use luoshi_service::channels::{SmsConfig, SmtpConfig, WebhookConfig, WebhookFormat};
use luoshi_service::matters::NewMatter;
use luoshi_service::notify::{Channels, Delivery};
use luoshi_service::{Luoshi, ManualClock, Rules};
use luoshi_testkit::Scratch;
use luoshi_testkit::smtp::{Smtp, body, subject};
use luoshi_testkit::webhook::{Call, Webhook};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

luoshi_testkit::on_both_backends!(
    an_overdue_matter_is_reminded_once_then_every_two_working_days_then_escalated,
    a_webhook_that_fails_first_gets_the_message_once_on_retry,
    a_daily_digest_waits_for_its_hour_and_comes_as_one_mail,
    an_unreachable_mail_server_and_a_hanging_webhook_are_retried_and_shown_not_lost,
    a_delivery_given_up_goes_out_once_when_an_administrator_retries_it,
    a_unit_added_by_another_process_is_known_from_the_next_sweep,
    reminders_and_escalations_are_texted_once_per_number_under_ids_kept_on_retry,
    a_robot_scoped_to_the_county_hears_of_the_county_only_and_mentions_its_liaisons,
    a_matter_from_an_instruction_unanswered_for_five_working_days_is_chased_for_its_first_reply,
);

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

struct City {
    luoshi: Luoshi,
    clock: Arc<ManualClock>,
    db: Scratch,
}

impl City {
    async fn user(&self, name: &str) -> User {
        self.luoshi
            .users()
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.username == name)
            .unwrap()
    }

    async fn inbox(&self, name: &str, matter: MatterId) -> Vec<String> {
        let (items, _) = self.luoshi.inbox(&self.user(name).await).await.unwrap();
        let mut titles: Vec<String> = items
            .into_iter()
            .filter(|i| i.matter_id == Some(matter))
            .map(|i| i.title)
            .collect();
        titles.sort();
        titles
    }

    /// Gives the person a mobile number.
    async fn phone(&self, name: &str, phone: &str) {
        let store = self.db.store().await;
        let mut account = store
            .account(self.user(name).await.id)
            .await
            .unwrap()
            .unwrap();
        account.phone = Some(phone.into());
        store.save_account(&account).await.unwrap();
    }

    async fn sweep_at(&self, t: &str) {
        self.clock.set(at(t));
        self.luoshi.sweep().await.unwrap();
    }
}

async fn city(channels: Channels) -> City {
    let db = Scratch::new().await;
    let store = db.store().await;
    let clock = Arc::new(ManualClock::new(at("2026-05-25T09:00:00+08:00")));
    let luoshi = Luoshi::new(
        store,
        clock.clone(),
        luoshi_domain::Calendar::official(),
        Rules::default(),
    )
    .await
    .unwrap()
    .with_channels(channels);
    luoshi_service::demo::build(&luoshi).await.unwrap();
    City { luoshi, clock, db }
}

const OVERDUE_TITLE: &str = "编制城东片区控制性详细规划";

/// A matter for 市发改委 with the mayor responsible, due Friday 29 May 2026, signed.
async fn overdue_matter(c: &City) -> MatterId {
    let mayor = c.user("shizhang").await;
    signed_instruction(c, OVERDUE_TITLE, (2026, 5, 29), Some(mayor)).await
}

/// A matter from a leader's 批示 for 市发改委, registered, assigned and signed on Monday 25 May
/// 2026.
async fn signed_instruction(
    c: &City,
    title: &str,
    (y, m, d): (i32, u32, u32),
    leader: Option<User>,
) -> MatterId {
    let ducha = c.user("ducha").await;
    let fgw = c.user("fgw").await;
    c.clock.set(at("2026-05-25T09:30:00+08:00"));
    let view = c
        .luoshi
        .create_matter(
            &ducha,
            NewMatter {
                title: title.into(),
                content: "完成规划编制并报批。".into(),
                source: Source::Instruction,
                urgency: Urgency::Normal,
                origin: "市长批示".into(),
                origin_id: None,
                lead_unit_id: fgw.unit_id,
                co_unit_ids: vec![],
                leader_id: leader.map(|l| l.id),
                deadline: NaiveDate::from_ymd_opt(y, m, d),
                cadence: Cadence::Once,
                report_rule: None,
                milestones: vec![],
                tags: vec![],
                public: false,
                parent_id: None,
            },
        )
        .await
        .unwrap();
    let id = view.matter.id;
    c.luoshi.act(&ducha, id, Action::Assign).await.unwrap();
    c.luoshi.act(&fgw, id, Action::Sign).await.unwrap();
    id
}

async fn an_overdue_matter_is_reminded_once_then_every_two_working_days_then_escalated() {
    let smtp = Smtp::start().await;
    let c = city(Channels {
        smtp: Some(SmtpConfig {
            url: smtp.url.clone(),
            from: "督查室 <ducha@example.gov.cn>".into(),
        }),
        ..Channels::default()
    })
    .await;
    let id = overdue_matter(&c).await;

    // Monday 1 June, 10:00: overdue since Saturday.
    c.sweep_at("2026-06-01T10:00:00+08:00").await;
    let first = vec!["催办(第1次):编制城东片区控制性详细规划".to_string()];
    assert_eq!(c.inbox("fgw", id).await, first);
    c.sweep_at("2026-06-01T10:00:00+08:00").await;
    c.sweep_at("2026-06-01T12:00:00+08:00").await;
    assert_eq!(
        c.inbox("fgw", id).await,
        first,
        "nothing twice, nothing two hours on"
    );
    assert!(c.inbox("shizhang", id).await.is_empty());

    // Two working days on: the second reminder.
    c.sweep_at("2026-06-03T10:00:00+08:00").await;
    assert_eq!(c.inbox("fgw", id).await.len(), 2);
    assert!(c.inbox("shizhang", id).await.is_empty());

    // Four working days on: the mayor and the supervisors are told.
    c.sweep_at("2026-06-05T10:00:00+08:00").await;
    assert_eq!(c.inbox("fgw", id).await.len(), 3);
    let mayor = c.inbox("shizhang", id).await;
    assert_eq!(mayor.len(), 1);
    assert!(mayor[0].starts_with("预警升级"), "{mayor:?}");
    assert_eq!(c.inbox("ducha", id).await.len(), 1);

    // The escalation proposes holding the unit to account, once; the supervisor decides it and
    // the matter's timeline says so.
    let ducha = c.user("ducha").await;
    let proposals: Vec<_> = c
        .luoshi
        .accountability(&ducha)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.matter_ids == [id])
        .collect();
    assert_eq!(proposals.len(), 1);
    c.sweep_at("2026-06-05T10:00:00+08:00").await;
    c.luoshi
        .decide_accountability(
            &ducha,
            proposals[0].id,
            Some(luoshi_domain::accountability::Measure::Talk),
            "约谈市发改委分管负责同志",
        )
        .await
        .unwrap();
    let detail = c.luoshi.matter_detail(&ducha, id).await.unwrap();
    assert!(
        detail
            .events
            .iter()
            .any(|e| e.data.kind == luoshi_domain::EventKind::Accountability
                && e.data.comment.contains("约谈"))
    );
    assert!(
        c.luoshi
            .decide_accountability(&ducha, proposals[0].id, None, "")
            .await
            .is_err(),
        "decided once"
    );

    let mut subjects: Vec<String> = smtp
        .mail()
        .iter()
        .filter(|m| m.contains("To: fgw@demo.luoshi.example") && body(m).contains("编制城东片区"))
        .inspect(|m| assert!(m.contains("Message-ID: <")))
        .map(|m| subject(m))
        .collect();
    subjects.sort();
    let title = "编制城东片区控制性详细规划";
    let mut expected = vec![
        format!("催办(第1次):{title}"),
        format!("催办(第2次):{title}"),
        format!("催办(第3次):{title}"),
        // Nobody confirmed: each reminder goes again after a day, and no sooner.
        format!("再次提醒:催办(第1次):{title}"),
        format!("再次提醒:催办(第1次):{title}"),
        format!("再次提醒:催办(第2次):{title}"),
    ];
    expected.sort();
    assert_eq!(subjects, expected);
}

async fn a_webhook_that_fails_first_gets_the_message_once_on_retry() {
    let hook = Webhook::failing_first(OVERDUE_TITLE).await;
    let c = city(Channels {
        webhook: vec![WebhookConfig {
            url: hook.url.clone(),
            format: WebhookFormat::Generic,
            secret: None,
            unit: None,
        }],
        delivery: Delivery {
            first_retry_seconds: 60,
            ..Delivery::default()
        },
        ..Channels::default()
    })
    .await;
    let id = overdue_matter(&c).await;
    c.sweep_at("2026-06-01T10:00:00+08:00").await;
    // Other matters of the demo are overdue too; the receiver failed only the first call
    // about this one.
    let failed_id = hook
        .calls()
        .into_iter()
        .find(|call| call.status == 500)
        .expect("a call about the overdue matter")
        .delivery;
    assert!(
        !failed_id.is_empty(),
        "the delivery id travels in X-Luoshi-Delivery"
    );
    let attempts = || -> Vec<u16> {
        hook.calls()
            .iter()
            .filter(|call| call.delivery == failed_id)
            .map(|call| call.status)
            .collect()
    };

    c.sweep_at("2026-06-01T10:00:30+08:00").await;
    assert_eq!(attempts(), [500], "not retried before its time");
    c.sweep_at("2026-06-01T12:00:00+08:00").await;
    assert_eq!(attempts(), [500, 200], "delivered once, on retry");
    c.sweep_at("2026-06-01T14:00:00+08:00").await;
    let about_it: Vec<Call> = hook
        .calls()
        .into_iter()
        .filter(|call| call.body.contains(&format!("\"matter_id\":{}", id.0)))
        .collect();
    assert_eq!(
        about_it.iter().filter(|call| call.status == 200).count(),
        1,
        "{about_it:?}"
    );
}

async fn a_daily_digest_waits_for_its_hour_and_comes_as_one_mail() {
    let smtp = Smtp::start().await;
    let c = city(Channels {
        smtp: Some(SmtpConfig {
            url: smtp.url.clone(),
            from: "督查室 <ducha@example.gov.cn>".into(),
        }),
        ..Channels::default()
    })
    .await;
    overdue_matter(&c).await;
    let fgw = c.user("fgw").await;
    c.luoshi
        .save_prefs(
            &fgw,
            luoshi_service::notify::Prefs {
                email: true,
                digest: true,
            },
        )
        .await
        .unwrap();
    // What the demo's history sent before fgw chose the digest went as it came.
    let to_fgw = || {
        smtp.mail()
            .into_iter()
            .filter(|m| {
                m.contains("To: fgw@demo.luoshi.example") && body(m).contains(OVERDUE_TITLE)
            })
            .collect::<Vec<_>>()
    };
    c.sweep_at("2026-06-01T10:00:00+08:00").await;
    assert!(to_fgw().is_empty(), "held for the digest");
    assert!(
        !c.luoshi.inbox(&fgw).await.unwrap().0.is_empty(),
        "the inbox has it at once"
    );
    c.sweep_at("2026-06-02T08:00:00+08:00").await;
    let mails = to_fgw();
    assert_eq!(mails.len(), 1, "one mail for everything");
    assert!(
        subject(&mails[0]).starts_with("督办消息汇总"),
        "{}",
        subject(&mails[0])
    );
}

async fn an_unreachable_mail_server_and_a_hanging_webhook_are_retried_and_shown_not_lost() {
    // A port nobody listens on, and a receiver that accepts and never answers.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let closed_url = format!("smtp://{}", closed.local_addr().unwrap());
    drop(closed);
    let hanging = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hanging_url = format!("http://{}/hook", hanging.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = hanging.accept().await {
            held.push(socket);
        }
    });
    let c = city(Channels {
        smtp: Some(SmtpConfig {
            url: closed_url,
            from: "督查室 <ducha@example.gov.cn>".into(),
        }),
        webhook: vec![WebhookConfig {
            url: hanging_url,
            format: WebhookFormat::Generic,
            secret: None,
            unit: None,
        }],
        delivery: Delivery {
            timeout_seconds: 1,
            give_up_after_hours: 1,
            ..Delivery::default()
        },
        sms: None,
    })
    .await;
    overdue_matter(&c).await;
    c.clock.set(at("2026-06-01T10:00:00+08:00"));
    let first = c.luoshi.sweep().await.unwrap();
    assert!(first.retrying > 0 && first.delivered == 0, "{first:?}");
    let admin = c.user("admin").await;
    let problems = c.luoshi.delivery_problems(&admin).await.unwrap();
    assert!(
        problems.iter().any(|p| p.last_error.contains("SMTP")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.last_error.contains("webhook")),
        "{problems:?}"
    );

    // Past the horizon the messages are given up and stay listed; the inbox had them all along.
    c.clock.set(at("2026-06-01T11:30:00+08:00"));
    let later = c.luoshi.sweep().await.unwrap();
    assert_eq!(later.failed, first.retrying, "{later:?}");
    let problems = c.luoshi.delivery_problems(&admin).await.unwrap();
    assert!(
        problems
            .iter()
            .all(|p| p.state == luoshi_service::notify::DeliveryState::Failed)
    );
    let fgw = c.user("fgw").await;
    assert!(!c.luoshi.inbox(&fgw).await.unwrap().0.is_empty());
}

async fn a_delivery_given_up_goes_out_once_when_an_administrator_retries_it() {
    // The receiver's port is closed until the office has fixed it.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let c = city(Channels {
        smtp: None,
        webhook: vec![WebhookConfig {
            url: format!("http://{addr}/hook"),
            format: WebhookFormat::Generic,
            secret: None,
            unit: None,
        }],
        delivery: Delivery {
            timeout_seconds: 1,
            give_up_after_hours: 1,
            ..Delivery::default()
        },
        sms: None,
    })
    .await;
    overdue_matter(&c).await;
    c.clock.set(at("2026-06-01T10:00:00+08:00"));
    c.luoshi.sweep().await.unwrap();
    c.clock.set(at("2026-06-01T11:30:00+08:00"));
    c.luoshi.sweep().await.unwrap();
    let admin = c.user("admin").await;
    let given_up = c
        .luoshi
        .delivery_problems(&admin)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.state == luoshi_service::notify::DeliveryState::Failed)
        .expect("a delivery given up")
        .notice
        .id;

    let fgw = c.user("fgw").await;
    assert!(c.luoshi.retry_delivery(&fgw, &given_up).await.is_err());

    let listener = TcpListener::bind(addr).await.unwrap();
    let calls = Arc::new(Mutex::new(0));
    let counted = calls.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            *counted.lock().unwrap() += 1;
            let mut request = vec![0; 64 * 1024];
            let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut request).await;
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .await;
        }
    });
    c.luoshi.retry_delivery(&admin, &given_up).await.unwrap();
    c.luoshi.deliver().await.unwrap();
    let mut sent = false;
    for _ in 0..100 {
        let problems = c.luoshi.delivery_problems(&admin).await.unwrap();
        if !problems.iter().any(|p| p.notice.id == given_up) {
            sent = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(sent, "the retried delivery went out");
    assert!(*calls.lock().unwrap() >= 1);
    assert!(
        c.luoshi.retry_delivery(&admin, &given_up).await.is_err(),
        "a delivery sent is not sent again"
    );
}

async fn a_unit_added_by_another_process_is_known_from_the_next_sweep() {
    let c = city(Channels::default()).await;
    let other = c.db.store().await;
    let county = c
        .luoshi
        .tree()
        .units()
        .find(|u| u.code == "county")
        .unwrap()
        .id;
    let id = other
        .insert_unit(&luoshi_storage::NewUnit {
            code: "county-new".into(),
            name: "青山县新设局".into(),
            short_names: vec![],
            kind: luoshi_domain::UnitKind::Department,
            parent_id: Some(county),
        })
        .await
        .unwrap();
    assert!(c.luoshi.tree().get(id).is_none());
    c.luoshi.sweep().await.unwrap();
    assert_eq!(c.luoshi.tree().get(id).unwrap().name, "青山县新设局");
}

async fn reminders_and_escalations_are_texted_once_per_number_under_ids_kept_on_retry() {
    let gateway = Webhook::failing_first(OVERDUE_TITLE).await;
    let c = city(Channels {
        sms: Some(SmsConfig {
            url: gateway.url.clone(),
            secret: Some("gateway-secret".into()),
        }),
        delivery: Delivery {
            first_retry_seconds: 60,
            ..Delivery::default()
        },
        ..Channels::default()
    })
    .await;
    let id = overdue_matter(&c).await;
    let (liaison, office) = ("13800000001", "13900000009");
    c.phone("fgw", liaison).await;
    // The mayor and the supervisor share the office's number: one text reaches both.
    c.phone("shizhang", office).await;
    c.phone("ducha", office).await;

    c.sweep_at("2026-06-01T10:00:00+08:00").await;
    c.sweep_at("2026-06-01T10:00:30+08:00").await;
    c.sweep_at("2026-06-01T12:00:00+08:00").await;
    c.sweep_at("2026-06-03T10:00:00+08:00").await;
    c.sweep_at("2026-06-05T10:00:00+08:00").await;
    c.sweep_at("2026-06-05T10:00:00+08:00").await;
    let ducha = c.user("ducha").await;
    c.clock.set(at("2026-06-05T15:00:00+08:00"));
    c.luoshi
        .act(
            &ducha,
            id,
            Action::Remind {
                message: "请于下周一前报送规划初稿。".into(),
                unit: None,
            },
        )
        .await
        .unwrap();
    c.luoshi.deliver().await.unwrap();

    let calls: Vec<Call> = gateway
        .calls()
        .into_iter()
        .filter(|call| call.body.contains("编制城东片区"))
        .collect();
    let mut texts: Vec<(String, String, u16)> = Vec::new();
    for call in &calls {
        let sent: serde_json::Value = serde_json::from_str(&call.body).unwrap();
        assert_eq!(
            sent["id"],
            call.delivery.as_str(),
            "the id in the body and the header"
        );
        assert_eq!(
            call.signature,
            luoshi_service::channels::sms_signature("gateway-secret", call.body.as_bytes())
        );
        let text = sent["text"].as_str().unwrap().to_string();
        assert!(text.chars().count() <= 70, "one segment: {text}");
        texts.push((sent["phone"].as_str().unwrap().into(), text, call.status));
    }
    // The first text failed and went again under its id; every text arrived once.
    assert_eq!(calls[0].status, 500, "{calls:?}");
    let retried: Vec<u16> = calls
        .iter()
        .filter(|call| call.delivery == calls[0].delivery)
        .map(|call| call.status)
        .collect();
    assert_eq!(retried, [500, 200]);
    let delivered: Vec<&Call> = calls.iter().filter(|call| call.status == 200).collect();
    let mut ids: Vec<&str> = delivered
        .iter()
        .map(|call| call.delivery.as_str())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), delivered.len(), "no text twice: {texts:?}");
    let to = |phone: &str| -> Vec<&str> {
        let mut got: Vec<&str> = texts
            .iter()
            .filter(|(p, _, status)| p == phone && *status == 200)
            .map(|(_, text, _)| text.as_str())
            .collect();
        got.sort();
        got
    };
    let liaison_texts = to(liaison);
    assert_eq!(
        liaison_texts.len(),
        4,
        "three reminders and one by hand: {texts:?}"
    );
    for n in 1..=3 {
        assert!(
            liaison_texts
                .iter()
                .any(|t| t.starts_with(&format!("催办(第{n}次):"))
                    && t.contains("《编制城东片区控制性详细规划》已超期(时限5月29日)")),
            "{liaison_texts:?}"
        );
    }
    assert!(
        liaison_texts
            .iter()
            .any(|t| t.starts_with("催办:") && t.contains("请于下周一前报送规划初稿")),
        "{liaison_texts:?}"
    );
    let office_texts = to(office);
    assert_eq!(
        office_texts.len(),
        1,
        "the escalation, once for the shared number"
    );
    assert!(office_texts[0].starts_with("预警升级:"), "{office_texts:?}");
}

async fn a_robot_scoped_to_the_county_hears_of_the_county_only_and_mentions_its_liaisons() {
    let (county_group, city_group, county_robot) = (
        Webhook::start().await,
        Webhook::start().await,
        Webhook::start().await,
    );
    let hook = |url: &str, format, unit: Option<&str>| WebhookConfig {
        url: url.into(),
        format,
        secret: None,
        unit: unit.map(str::to_string),
    };
    let c = city(Channels {
        webhook: vec![
            hook(&county_group.url, WebhookFormat::Generic, Some("county")),
            hook(&city_group.url, WebhookFormat::Generic, None),
            hook(&county_robot.url, WebhookFormat::Dingtalk, Some("county")),
        ],
        ..Channels::default()
    })
    .await;
    c.luoshi.check_channels().unwrap();
    let tree = c.luoshi.tree();
    let county = tree.units().find(|u| u.code == "county").unwrap().id;
    // Every liaison a number: those inside the county are the ones its robot may mention.
    let mut county_phones = Vec::new();
    for (i, u) in c.luoshi.users().await.unwrap().iter().enumerate() {
        if u.role == luoshi_domain::Role::Liaison {
            let phone = format!("1370000{i:04}");
            c.phone(&u.username, &phone).await;
            if tree.is_within(u.unit_id, county) {
                county_phones.push(phone);
            }
        }
    }
    c.sweep_at("2026-06-01T10:00:00+08:00").await;

    let store = c.db.store().await;
    let about_county = async |call: &Call| {
        let body: serde_json::Value = serde_json::from_str(&call.body).unwrap();
        let m = MatterId(body["matter_id"].as_i64().unwrap());
        let m = store.matter(m).await.unwrap().unwrap();
        tree.is_within(m.org_id, county)
            || m.assignments
                .iter()
                .any(|a| tree.is_within(a.unit_id, county))
    };
    let mut inside = 0;
    for call in city_group.calls() {
        if about_county(&call).await {
            inside += 1;
        }
    }
    let heard = county_group.calls();
    assert!(
        !heard.is_empty() && heard.len() <= inside && inside < city_group.calls().len(),
        "the county's group hears of some of the county's messages ({} of {inside}), the city's of all {}",
        heard.len(),
        city_group.calls().len()
    );
    for call in &heard {
        assert!(
            about_county(call).await,
            "the county's group hears only of the county: {}",
            call.body
        );
    }

    let mentioned: Vec<serde_json::Value> = county_robot
        .calls()
        .iter()
        .map(|call| serde_json::from_str::<serde_json::Value>(&call.body).unwrap())
        .filter(|b| !b["at"]["atMobiles"].as_array().unwrap().is_empty())
        .collect();
    assert!(!mentioned.is_empty(), "a liaison is mentioned");
    for body in &mentioned {
        for phone in body["at"]["atMobiles"].as_array().unwrap() {
            let phone = phone.as_str().unwrap();
            assert!(county_phones.iter().any(|p| p == phone), "{body}");
            assert!(
                body["text"]["content"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("@{phone}")),
                "{body}"
            );
        }
    }
}

async fn a_matter_from_an_instruction_unanswered_for_five_working_days_is_chased_for_its_first_reply()
 {
    let c = city(Channels::default()).await;
    let ducha = c.user("ducha").await;
    let fgw = c.user("fgw").await;
    // Assigned on Monday 25 May, due at the end of September: only the first reply is pressing,
    // owed by Monday 1 June.
    let id = signed_instruction(&c, "研究解决城区停车难问题", (2026, 9, 30), None).await;

    c.sweep_at("2026-05-26T10:00:00+08:00").await;
    assert!(
        c.inbox("fgw", id).await.is_empty(),
        "green while time is ample"
    );
    c.sweep_at("2026-05-27T10:00:00+08:00").await;
    assert_eq!(
        c.inbox("fgw", id).await,
        ["临近提醒:研究解决城区停车难问题"]
    );

    c.sweep_at("2026-06-02T10:00:00+08:00").await;
    let detail = c.luoshi.matter_detail(&ducha, id).await.unwrap();
    assert_eq!(detail.view.light, luoshi_domain::Light::Red);
    assert_eq!(
        detail.view.assignment_causes[0],
        [luoshi_domain::Cause::FirstReplyOverdue(
            NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
        )]
    );
    let told = c.luoshi.inbox(&fgw).await.unwrap().0;
    let chase = told
        .iter()
        .find(|i| i.matter_id == Some(id) && i.title.starts_with("催办(第1次)"))
        .expect("chased once it is late");
    assert!(chase.body.contains("首次反馈,尚未反馈"), "{}", chase.body);

    // The first reply ends it: green again, and nothing more is sent.
    c.luoshi
        .act(
            &fgw,
            id,
            Action::Feedback {
                text: "已召开专题会研究,正在起草方案".into(),
                percent: 10,
                problems: String::new(),
                next_steps: String::new(),
                values: Vec::new(),
            },
        )
        .await
        .unwrap();
    c.sweep_at("2026-06-04T10:00:00+08:00").await;
    let detail = c.luoshi.matter_detail(&ducha, id).await.unwrap();
    assert_eq!(detail.view.light, luoshi_domain::Light::Green);
    assert_eq!(c.inbox("fgw", id).await.len(), 2);
}
