//! Bulk files: reading, checking each line, applying through the worker, discarding, and the
//! placeholder download, on both databases.

use fleetdesk_vocab::{BulkFileId, LicenceId};
use futures_util::StreamExt;

use super::*;
use crate::licences::tests::{Seeded, acting, audit_actions, events_of, seed};
use crate::on_each_db;

const ATTR_EVENTS: usize = 1;

fn olga() -> Actor {
    Actor::operator("opr_test", "olga")
}

async fn login_of(db: &Db, licence: &LicenceId) -> String {
    sqlx::query_scalar("SELECT login FROM licences WHERE id = $1")
        .bind(licence)
        .fetch_one(db.pool())
        .await
        .expect("login")
}

async fn all_rows(db: &Db, id: &BulkFileId) -> Vec<KeptLine> {
    rows(db, id, &[], 0, 1000).await.expect("rows")
}

fn by_line(rows: &[KeptLine], line: i64) -> &KeptLine {
    rows.iter().find(|r| r.line == line).expect("line")
}

async fn apply_all(db: &Db) {
    let mut turns = 0;
    while run_pending(db).await.expect("worker") {
        turns += 1;
        assert!(turns < 100, "the worker never finishes");
    }
}

#[test]
fn a_file_is_read_by_its_header_whatever_the_separator() {
    let text = "\u{feff}Licence;Type;Value;Comment\nlic_1;msisdn;+33612345678;x\n;;;\n\"lic_2\";;\"+33 6\";\n";
    let lines = read_file(BulkKind::Resources, text).expect("read");
    assert_eq!(lines.len(), 2, "the blank line is skipped");
    assert_eq!(lines[0].line, 2);
    assert_eq!(lines[0].cell("licence"), "lic_1");
    assert_eq!(lines[0].cell("type"), "msisdn");
    assert_eq!(lines[1].line, 4);
    assert_eq!(lines[1].cell("value"), "+33 6");

    // `login` names the licence when there is no `licence` column.
    let lines = read_file(
        BulkKind::EndUsers,
        "login,given name,family-name,EMAIL\nacme-0001,A,B,a@b.fr\n",
    )
    .expect("read");
    assert_eq!(lines[0].cell("licence"), "acme-0001");
    assert_eq!(lines[0].cell("given_name"), "A");
    assert_eq!(lines[0].cell("family_name"), "B");

    match read_file(BulkKind::EndUsers, "licence,email\nlic_1,a@b.fr\n") {
        Err(FileError::MissingColumns(missing)) => {
            assert_eq!(missing, vec!["given_name", "family_name"]);
        }
        other => panic!("expected missing columns, got {other:?}"),
    }
    assert!(matches!(
        read_file(BulkKind::Resources, ""),
        Err(FileError::Empty)
    ));
    assert!(matches!(
        read_file(BulkKind::Resources, "licence,value\n\n"),
        Err(FileError::Empty)
    ));
    assert!(matches!(
        read_file(BulkKind::Resources, "licence,value\nlic_1,\"unclosed\n"),
        Err(FileError::Unreadable(_)) | Ok(_)
    ));
    let many = format!(
        "licence,value\n{}",
        "lic_1,+33612345678\n".repeat(MAX_ROWS + 1)
    );
    assert!(matches!(
        read_file(BulkKind::Resources, &many),
        Err(FileError::TooManyRows)
    ));
}

#[tokio::test]
async fn a_resource_file_is_checked_line_by_line_then_applied_with_an_event_per_licence() {
    on_each_db!(|db| async move {
        let Seeded { pro, docs, .. } = seed(&db).await;
        let login = login_of(&db, &pro[2]).await;
        let text = format!(
            "licence,type,value\n\
             {p0},msisdn,+33 6 12 34 56 78\n\
             {p1},msisdn,12\n\
             {p0},msisdn,+33612345679\n\
             lic_nothing,msisdn,+33612345670\n\
             {d0},,https://docs.example.fr/acme\n\
             {d1},url,https://docs.example.fr/acme\n\
             {login},,+33611111111\n\
             {p1},imei,490154203237518\n\
             {p1},fax,123\n",
            p0 = pro[0],
            p1 = pro[1],
            d0 = docs[0],
            d1 = docs[1],
        );
        let id = preview(
            &db,
            BulkKind::Resources,
            "march.csv",
            &text,
            &Acting::alone(olga()),
        )
        .await
        .expect("previewed");
        let summary = get(&db, &id).await.expect("get").expect("kept");
        assert_eq!(summary.state, BulkFileState::Previewed);
        assert_eq!((summary.rows_total, summary.rows_ready), (9, 3));
        let lines = all_rows(&db, &id).await;
        let status = |line: i64| by_line(&lines, line).status;
        let problem = |line: i64| by_line(&lines, line).problem.clone();
        assert_eq!(status(2), BulkLineStatus::Ready);
        match &by_line(&lines, 2).change {
            Change::Resource {
                value,
                placeholder,
                resource_type,
                ..
            } => {
                assert_eq!(value, "+33612345678", "kept as it will be stored");
                assert!(*placeholder);
                assert_eq!(resource_type.as_deref(), Some("msisdn"));
            }
            other => panic!("unexpected change {other:?}"),
        }
        assert_eq!(
            problem(3),
            Some(BulkProblem::InvalidValue {
                kind: fleetdesk_vocab::ResourceType::Msisdn
            })
        );
        assert_eq!(problem(4), Some(BulkProblem::DuplicateLicence { line: 2 }));
        assert_eq!(problem(5), Some(BulkProblem::UnknownLicence));
        assert_eq!(status(6), BulkLineStatus::Ready);
        assert_eq!(status(7), BulkLineStatus::Unchanged);
        assert_eq!(problem(7), Some(BulkProblem::SharedSame { line: 6 }));
        assert_eq!(
            status(8),
            BulkLineStatus::Ready,
            "a login names its licence"
        );
        assert_eq!(problem(9), Some(BulkProblem::DuplicateLicence { line: 3 }));
        assert_eq!(problem(10), Some(BulkProblem::DuplicateLicence { line: 3 }));
        // Nothing changed yet.
        assert!(events_of(&db, &pro[0]).await.is_empty());

        let applying = start_apply(&db, &id, &acting()).await.expect("started");
        assert_eq!(applying.rows_ready, 3);
        assert!(matches!(
            start_apply(&db, &id, &acting()).await,
            Err(ApplyError::NotPreview(_))
        ));
        apply_all(&db).await;
        let summary = get(&db, &id).await.expect("get").expect("kept");
        assert_eq!(summary.state, BulkFileState::Applied);
        assert!(summary.finished_at.is_some());
        assert_eq!(summary.count(BulkLineStatus::Applied), 3);
        assert_eq!(summary.count(BulkLineStatus::Ready), 0);
        let lines = all_rows(&db, &id).await;
        assert_eq!(by_line(&lines, 2).events, 1);
        assert_eq!(
            by_line(&lines, 6).events,
            2,
            "the shared URL changes on both licences"
        );
        assert_eq!(events_of(&db, &pro[0]).await.len(), ATTR_EVENTS);
        assert_eq!(events_of(&db, &docs[1]).await.len(), ATTR_EVENTS);
        assert_eq!(events_of(&db, &pro[1]).await.len(), 0);
        assert!(
            audit_actions(&db, &pro[0])
                .await
                .contains(&"licence.resource.replace".to_owned())
        );
        let applied_by: Vec<String> = audit::list(
            &db,
            &audit::Filter {
                object_id: Some(id.to_string()),
                ..audit::Filter::default()
            },
            10,
        )
        .await
        .expect("audit")
        .into_iter()
        .map(|r| r.action)
        .collect();
        assert_eq!(applied_by, vec!["licence.bulk.apply".to_owned()]);
    })
}

#[tokio::test]
async fn an_end_user_file_assigns_and_refuses_what_changed_since_the_preview() {
    on_each_db!(|db| async move {
        let Seeded { pro, .. } = seed(&db).await;
        let text = format!(
            "licence;given_name;family_name;email;mobile_cc;mobile_sn\n\
             {};Claire;Lefebvre;claire.lefebvre@example.fr;33;612345678\n\
             {};Marc;;marc@example.fr;;\n\
             {};Inès;Durand;ines.durand@example.fr;;\n",
            pro[0], pro[1], pro[2]
        );
        let id = preview(
            &db,
            BulkKind::EndUsers,
            "users.csv",
            &text,
            &Acting::alone(olga()),
        )
        .await
        .expect("previewed");
        let lines = all_rows(&db, &id).await;
        assert_eq!(by_line(&lines, 2).status, BulkLineStatus::Ready);
        assert_eq!(by_line(&lines, 3).problem, Some(BulkProblem::FamilyName));
        assert_eq!(by_line(&lines, 4).status, BulkLineStatus::Ready);

        // Between the preview and the apply, Orange starts an operation on the third licence.
        sqlx::query(
            "UPDATE licences SET pending_operation = 'add', pending_since = $2 WHERE id = $1",
        )
        .bind(&pro[2])
        .bind(clock::now_text())
        .execute(db.pool())
        .await
        .expect("pending");
        start_apply(&db, &id, &acting()).await.expect("started");
        apply_all(&db).await;
        let lines = all_rows(&db, &id).await;
        assert_eq!(by_line(&lines, 2).status, BulkLineStatus::Applied);
        assert_eq!(by_line(&lines, 4).status, BulkLineStatus::Refused);
        assert_eq!(
            by_line(&lines, 4).problem,
            Some(BulkProblem::OperationInProgress)
        );
        let detail = crate::licences::detail(&db, &pro[0])
            .await
            .expect("detail")
            .expect("found");
        assert_eq!(
            detail.end_user.map(|u| u.family_name().to_owned()),
            Some("Lefebvre".to_owned())
        );

        // The same file again: the first line needs nothing now.
        let again = preview(
            &db,
            BulkKind::EndUsers,
            "users.csv",
            &text,
            &Acting::alone(olga()),
        )
        .await
        .expect("previewed");
        let lines = all_rows(&db, &again).await;
        assert_eq!(by_line(&lines, 2).status, BulkLineStatus::Unchanged);
        assert_eq!(
            by_line(&lines, 4).problem,
            Some(BulkProblem::OperationInProgress)
        );
        discard(&db, &again, &acting()).await.expect("discarded");
        assert_eq!(
            get(&db, &again).await.expect("get").expect("kept").state,
            BulkFileState::Discarded
        );
        assert!(matches!(
            start_apply(&db, &again, &acting()).await,
            Err(ApplyError::NotPreview(Some(BulkFileState::Discarded)))
        ));
        assert!(matches!(
            start_apply(&db, &"blk_nothing".into(), &acting()).await,
            Err(ApplyError::NotFound)
        ));
        let recent = recent(&db, 10).await.expect("recent");
        assert_eq!(recent.len(), 2);
        assert_eq!(recent[0].id, again, "newest first");
    })
}

#[tokio::test]
async fn a_file_with_nothing_ready_cannot_be_applied() {
    on_each_db!(|db| async move {
        let Seeded { pro, .. } = seed(&db).await;
        let text = format!(
            "licence,type,value\nlic_x,,+33612345678\n{},imei,490154203237518\n{},fax,1\n,,\n",
            pro[0], pro[1]
        );
        let id = preview(
            &db,
            BulkKind::Resources,
            "x.csv",
            &text,
            &Acting::alone(olga()),
        )
        .await
        .expect("previewed");
        let lines = all_rows(&db, &id).await;
        assert_eq!(
            by_line(&lines, 2).problem,
            Some(BulkProblem::UnknownLicence)
        );
        assert_eq!(by_line(&lines, 3).problem, Some(BulkProblem::NoResource));
        assert_eq!(by_line(&lines, 4).problem, Some(BulkProblem::UnknownType));
        assert!(matches!(
            start_apply(&db, &id, &acting()).await,
            Err(ApplyError::NothingReady)
        ));
    })
}

#[tokio::test]
async fn the_placeholder_download_lists_each_licence_to_fill_in() {
    on_each_db!(|db| async move {
        let Seeded {
            pro,
            docs,
            customer,
            ..
        } = seed(&db).await;
        let mut body = Vec::new();
        let mut stream = Box::pin(placeholders_csv(db.clone(), Some(customer.clone())));
        while let Some(chunk) = stream.next().await {
            body.extend(chunk.expect("chunk"));
        }
        let text = String::from_utf8(body).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], PLACEHOLDERS_HEADER.join(","));
        assert_eq!(lines.len(), 1 + pro.len() + docs.len());
        for id in pro.iter().chain(&docs) {
            assert!(text.contains(id.as_str()), "{id} is listed");
        }
        // Filled in and sent back as it is, it reads as a resource file.
        let read = read_file(BulkKind::Resources, &text).expect("read");
        assert_eq!(read.len(), pro.len() + docs.len());
        assert_eq!(read[0].cell("value"), "");
        // Sent back untouched, every line is skipped: nothing to apply.
        let id = preview(
            &db,
            BulkKind::Resources,
            "p.csv",
            &text,
            &Acting::alone(olga()),
        )
        .await
        .expect("previewed");
        let summary = get(&db, &id).await.expect("get").expect("kept");
        assert_eq!(
            summary.count(BulkLineStatus::Unchanged) as usize,
            pro.len() + docs.len()
        );
        assert!(
            all_rows(&db, &id)
                .await
                .iter()
                .all(|row| row.problem == Some(BulkProblem::NoValue))
        );

        let mut stream = Box::pin(placeholders_csv(db.clone(), Some("cus_other".into())));
        let mut other = Vec::new();
        while let Some(chunk) = stream.next().await {
            other.extend(chunk.expect("chunk"));
        }
        assert_eq!(String::from_utf8(other).expect("utf-8").lines().count(), 1);
    })
}
