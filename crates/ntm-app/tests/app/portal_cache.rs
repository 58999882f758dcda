//! The public commune page and feed are kept between requests while the audit head is
//! unchanged (`ntm_app::portal` `cache.rs`): two servers on one database, one reading, the
//! other writing — every write made through the other server is seen at the next read.

use ntm_app::portal::{self, PostForm, ProgrammeForm, SegmentForm};
use ntm_app::{App, AppConfig};
use ntm_testkit::{Db, TestDb, both_backends};

use crate::{reference, user};

both_backends!(
    portal_pages_see_writes_of_another_server,
    |t: TestDb| async move {
        let writer = App::new(t.db.clone(), AppConfig::default());
        reference(&writer).await;
        let xa = user(&writer, "xa.cache", "commune_officer@29584").await;
        // The reading server has its own connections to the same database.
        let reader = App::new(Db::connect(&t.url).await.unwrap(), AppConfig::default());
        let page = |app: App, category: Option<&'static str>| async move {
            portal::commune_portal(&app, "29584", category)
                .await
                .unwrap()
        };
        let feed = |app: App| async move { portal::feed_posts(&app, "29584").await.unwrap().1 };

        assert!(page(reader.clone(), None).await.posts.is_empty());
        assert!(page(reader.clone(), None).await.posts.is_empty());
        assert!(feed(reader.clone()).await.is_empty());

        let post = portal::new_post(
            &writer,
            &xa,
            "29584",
            PostForm {
                title: "Hướng dẫn cài VNeID".into(),
                body: "Bà con mang căn cước đến nhà văn hóa.".into(),
                category: "chuyen-doi-so".into(),
                photos: Vec::new(),
            },
        )
        .await
        .unwrap();
        // A draft changes nothing on the public page.
        assert!(page(reader.clone(), None).await.posts.is_empty());
        let published = portal::set_published(&writer, &xa, post.id, post.version, true)
            .await
            .unwrap();
        let shown = page(reader.clone(), None).await;
        assert_eq!(shown.posts.len(), 1);
        assert_eq!(shown.figures.months.last().map(|m| m.posts.len()), Some(1));
        assert_eq!(
            page(reader.clone(), Some("chuyen-doi-so"))
                .await
                .posts
                .len(),
            1
        );
        assert!(page(reader.clone(), Some("tin-tuc")).await.posts.is_empty());
        assert_eq!(feed(reader.clone()).await.len(), 1);

        // A programme for today with a DX segment, then marked held.
        let today = ntm_app::today();
        let programme = portal::add_programme(
            &writer,
            &xa,
            "29584",
            ProgrammeForm {
                air_date: today.to_string(),
                air_time: "06:30".into(),
                title: "Bản tin sáng".into(),
                segments: vec![SegmentForm {
                    topic: "Dịch vụ công trực tuyến".into(),
                    dx: true,
                }],
            },
        )
        .await
        .unwrap();
        let shown = page(reader.clone(), None).await;
        assert_eq!(shown.upcoming.len(), 1);
        assert!(shown.upcoming[0].programme.held_at.is_none());
        portal::mark_held(&writer, &xa, programme.programme.id, "Đã phát")
            .await
            .unwrap();
        let shown = page(reader.clone(), None).await;
        assert!(shown.upcoming[0].programme.held_at.is_some());
        assert_eq!(
            shown.figures.weeks.last().map(|w| w.programmes.len()),
            Some(1)
        );

        // Unpublished: gone from the page, its category and the feed at once.
        portal::set_published(&writer, &xa, post.id, published.version, false)
            .await
            .unwrap();
        assert!(page(reader.clone(), None).await.posts.is_empty());
        assert!(
            page(reader.clone(), Some("chuyen-doi-so"))
                .await
                .posts
                .is_empty()
        );
        assert!(feed(reader.clone()).await.is_empty());
        reader.close().await;
    }
);
