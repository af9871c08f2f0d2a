//! The golden fixture crates against an in-process mock server: the exact bytes and
//! headers each way a body can travel (form, text, bytes, JSON media types,
//! multipart), how non-JSON responses come back, and how parameters of every
//! location and style are written.

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn mount(server: &MockServer, verb: &str, p: &str, response: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(p))
        .respond_with(response)
        .mount(server)
        .await;
}

async fn last(server: &MockServer) -> Request {
    server
        .received_requests()
        .await
        .unwrap()
        .pop()
        .expect("a request was sent")
}

fn header<'r>(r: &'r Request, name: &str) -> Option<&'r str> {
    r.headers.get(name).and_then(|v| v.to_str().ok())
}

fn decoded_query(r: &Request) -> Vec<(String, String)> {
    r.url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

mod request_bodies {
    use super::*;
    use fixture_request_bodies::models::*;
    use fixture_request_bodies::{Client, FilePart};

    fn client(s: &MockServer) -> Client {
        Client::builder().base_url(s.uri()).build().unwrap()
    }

    #[tokio::test]
    async fn form_body_uses_brackets_for_objects_and_honours_encoding() {
        let s = MockServer::start().await;
        mount(
            &s,
            "POST",
            "/oauth/token",
            ResponseTemplate::new(200).set_body_json(json!({"access_token": "t"})),
        )
        .await;
        let body = TokenRequest::new(TokenRequestGrantType::ClientCredentials)
            .scope(vec!["read".to_string(), "write all".to_string()])
            .tags(vec!["a".to_string(), "b".to_string()])
            .meta(TokenRequestMeta::new().source("cli"))
            .card(
                TokenRequestCard::new().number("4242").address(
                    TokenRequestCardAddress::new()
                        .city("Paris")
                        .lines(vec!["1 rue".to_string(), "bis".to_string()]),
                ),
            )
            .note_null();
        let token = client(&s).bodies().create_token(body).await.unwrap();
        assert_eq!(token.access_token.as_deref(), Some("t"));
        let r = last(&s).await;
        assert_eq!(
            header(&r, "content-type"),
            Some("application/x-www-form-urlencoded")
        );
        let text = String::from_utf8(r.body.clone()).unwrap();
        // Brackets are percent-encoded like any other reserved character.
        assert!(
            text.contains("&card%5Baddress%5D%5Bcity%5D=Paris&"),
            "{text}"
        );
        let mut decoded = url_pairs(&text);
        decoded.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            decoded,
            pairs(&[
                ("card[address][city]", "Paris"),
                ("card[address][lines][0]", "1 rue"),
                ("card[address][lines][1]", "bis"),
                ("card[number]", "4242"),
                ("grant_type", "client_credentials"),
                ("meta", r#"{"source":"cli"}"#),
                ("note", ""),
                ("scope", "read"),
                ("scope", "write all"),
                ("tags", "a,b"),
            ])
        );
    }

    fn url_pairs(text: &str) -> Vec<(String, String)> {
        reqwest::Url::parse(&format!("http://x/?{text}"))
            .unwrap()
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[tokio::test]
    async fn binary_body_sends_the_bytes_with_the_operation_media_type() {
        let s = MockServer::start().await;
        mount(&s, "POST", "/uploads", ResponseTemplate::new(201)).await;
        let c = client(&s);
        c.bodies()
            .upload_file(vec![0u8, 159, 146, 150])
            .await
            .unwrap();
        let r = last(&s).await;
        assert_eq!(r.body, vec![0u8, 159, 146, 150]);
        assert_eq!(header(&r, "content-type"), Some("application/octet-stream"));

        // A wildcard media type: the file's own type is sent.
        mount(&s, "PUT", "/avatars", ResponseTemplate::new(204)).await;
        let png = FilePart::new(b"\x89PNG".to_vec(), "me.png", "image/png");
        c.bodies().put_avatar().body(png).await.unwrap();
        let r = last(&s).await;
        assert_eq!(r.body, b"\x89PNG".to_vec());
        assert_eq!(header(&r, "content-type"), Some("image/png"));
    }

    #[tokio::test]
    async fn binary_body_from_a_file_is_resent_on_retry() {
        let s = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/uploads"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .mount(&s)
            .await;
        mount(&s, "POST", "/uploads", ResponseTemplate::new(201)).await;
        let dir = std::env::temp_dir().join(format!("sdk-wire-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("audio.mp3");
        std::fs::write(&file, b"ID3 audio").unwrap();
        let part = FilePart::from_path(&file).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        // POST is not idempotent: one attempt only, and the 503 comes back.
        let c = client(&s);
        let err = c.bodies().upload_file(part.clone()).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
        c.bodies().upload_file(part).await.unwrap();
        let all = s.received_requests().await.unwrap();
        assert_eq!(all.len(), 2);
        assert!(all.iter().all(|r| r.body == b"ID3 audio"));
    }

    #[tokio::test]
    async fn text_body_is_sent_as_is() {
        let s = MockServer::start().await;
        mount(&s, "POST", "/notes", ResponseTemplate::new(204)).await;
        client(&s)
            .bodies()
            .create_note("héllo \"world\"\n")
            .await
            .unwrap();
        let r = last(&s).await;
        assert_eq!(r.body, "héllo \"world\"\n".as_bytes());
        assert_eq!(header(&r, "content-type"), Some("text/plain"));
    }

    #[tokio::test]
    async fn json_media_types_and_the_choice_between_several() {
        let s = MockServer::start().await;
        mount(&s, "PATCH", "/items/i1", ResponseTemplate::new(204)).await;
        mount(&s, "POST", "/choices", ResponseTemplate::new(204)).await;
        mount(&s, "POST", "/form-choices", ResponseTemplate::new(204)).await;
        mount(&s, "POST", "/custom", ResponseTemplate::new(204)).await;
        let c = client(&s);
        let item = Item::new().name("x").count(2);
        c.bodies().patch_item("i1", item.clone()).await.unwrap();
        let r = last(&s).await;
        assert_eq!(
            header(&r, "content-type"),
            Some("application/merge-patch+json")
        );
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&r.body).unwrap(),
            json!({"name": "x", "count": 2})
        );
        // XML, form and JSON offered: JSON wins.
        c.bodies().create_choice(item.clone()).await.unwrap();
        let r = last(&s).await;
        assert_eq!(header(&r, "content-type"), Some("application/json"));
        // XML and form offered: form wins over a media type the SDK cannot write.
        c.bodies().create_form_choice(item).await.unwrap();
        let r = last(&s).await;
        assert_eq!(
            header(&r, "content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(r.body, b"name=x&count=2");
        // An unknown media type travels as raw bytes under its own name.
        c.bodies().send_custom(b"<custom/>".to_vec()).await.unwrap();
        let r = last(&s).await;
        assert_eq!(r.body, b"<custom/>");
        assert_eq!(
            header(&r, "content-type"),
            Some("application/vnd.example.custom")
        );
    }

    #[tokio::test]
    async fn multipart_bodies_with_and_without_files() {
        let s = MockServer::start().await;
        mount(&s, "POST", "/documents", ResponseTemplate::new(201)).await;
        mount(&s, "POST", "/labels", ResponseTemplate::new(201)).await;
        let c = client(&s);
        let doc = CreateDocumentRequest::new("Q1")
            .pages(3)
            .labels(vec!["x".to_string(), "y".to_string()])
            .owner(Owner::new().id("u1"))
            .attachments(vec![
                FilePart::new(b"AAA".to_vec(), "a.txt", "text/plain"),
                FilePart::new(b"BBB".to_vec(), "b.pdf", "application/pdf"),
            ])
            .cover(FilePart::new(b"CCC".to_vec(), "c.png", "image/png"));
        c.multipart().create_document(doc).await.unwrap();
        let r = last(&s).await;
        let ct = header(&r, "content-type").unwrap_or_default();
        assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
        let body = String::from_utf8_lossy(&r.body);
        for needle in [
            "name=\"title\"\r\n\r\nQ1\r\n",
            "name=\"pages\"\r\n\r\n3\r\n",
            "name=\"labels\"\r\n\r\n[\"x\",\"y\"]\r\n",
            "name=\"owner\"\r\n\r\n{\"id\":\"u1\"}\r\n",
            "name=\"attachments\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nAAA\r\n",
            "name=\"attachments\"; filename=\"b.pdf\"\r\nContent-Type: application/pdf\r\n\r\nBBB\r\n",
            "name=\"cover\"; filename=\"c.png\"\r\nContent-Type: image/png\r\n\r\nCCC\r\n",
        ] {
            assert!(body.contains(needle), "missing {needle:?} in {body}");
        }
        // A body without any file is multipart too.
        let mut label = CreateLabelRequest::new("urgent");
        label.color = Some("red".into());
        c.multipart().create_label(label).await.unwrap();
        let r = last(&s).await;
        let body = String::from_utf8_lossy(&r.body);
        assert!(body.contains("name=\"name\"\r\n\r\nurgent\r\n"), "{body}");
        assert!(body.contains("name=\"color\"\r\n\r\nred\r\n"), "{body}");
    }

    #[test]
    fn a_struct_with_files_is_serde_too() {
        let doc: CreateDocumentRequest =
            serde_json::from_value(json!({"title": "t", "cover": "inline text"})).unwrap();
        assert_eq!(
            doc.cover.as_ref().map(FilePart::bytes),
            Some(&b"inline text"[..])
        );
        assert_eq!(
            serde_json::to_value(&doc).unwrap(),
            json!({"title": "t", "cover": "inline text"})
        );
        let mut binary = doc;
        binary.cover = Some(FilePart::from_bytes(vec![0xff, 0xfe]));
        assert!(serde_json::to_value(&binary).is_err(), "not UTF-8");
    }
}

mod response_media {
    use super::*;
    use fixture_response_media::Client;
    use fixture_response_media::resources::media::*;

    fn client(s: &MockServer) -> Client {
        Client::builder()
            .base_url(s.uri())
            .max_retries(0)
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn text_responses_are_strings() {
        let s = MockServer::start().await;
        mount(
            &s,
            "GET",
            "/reports/r1",
            ResponseTemplate::new(200).set_body_raw("a,b\n1,2\n", "text/csv"),
        )
        .await;
        let csv: String = client(&s).media().get_report("r1").await.unwrap();
        assert_eq!(csv, "a,b\n1,2\n");
        assert_eq!(header(&last(&s).await, "accept"), Some("text/csv"));
    }

    #[tokio::test]
    async fn invalid_utf8_text_is_a_decode_error_with_the_raw_body() {
        let s = MockServer::start().await;
        mount(
            &s,
            "GET",
            "/reports/r2",
            ResponseTemplate::new(200).set_body_raw(vec![b'a', 0xff], "text/csv"),
        )
        .await;
        let err = client(&s).media().get_report("r2").await.unwrap_err();
        let fixture_response_media::Error::Decode(d) = err else {
            panic!("expected a decode error, got {err:?}")
        };
        assert_eq!(d.body(), &[b'a', 0xff]);
    }

    #[tokio::test]
    async fn binary_responses_are_bytes_with_their_headers() {
        let s = MockServer::start().await;
        mount(
            &s,
            "GET",
            "/files/f1",
            ResponseTemplate::new(200)
                .set_body_raw(vec![0x25, 0x50, 0x00, 0xff], "application/pdf"),
        )
        .await;
        let r = client(&s)
            .media()
            .download_file("f1")
            .send_with_response()
            .await
            .unwrap();
        assert_eq!(&r.inner()[..], &[0x25, 0x50, 0x00, 0xff]);
        assert_eq!(
            r.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/pdf")
        );
        assert_eq!(
            header(&last(&s).await, "accept"),
            Some("application/pdf, image/png, text/plain")
        );
        mount(
            &s,
            "GET",
            "/files/missing",
            ResponseTemplate::new(404).set_body_raw("no such file", "text/plain"),
        )
        .await;
        let err = client(&s)
            .media()
            .download_file("missing")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), Some(&DownloadFileError::NotFound));
        assert_eq!(err.api().map(|a| a.body()), Some(&b"no such file"[..]));
    }

    #[tokio::test]
    async fn vendor_and_problem_json_decode_as_json() {
        let s = MockServer::start().await;
        mount(
            &s,
            "GET",
            "/orders/o1",
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"id":"o1"}"#, "application/vnd.example.order+json"),
        )
        .await;
        mount(
            &s,
            "GET",
            "/orders/bad",
            ResponseTemplate::new(400).set_body_raw(
                r#"{"title":"Bad","status":400}"#,
                "application/problem+json",
            ),
        )
        .await;
        let order = client(&s).media().get_order("o1").await.unwrap();
        assert_eq!(order.id, "o1");
        assert_eq!(
            header(&last(&s).await, "accept"),
            Some("application/vnd.example.order+json, text/html, application/problem+json")
        );
        let err = client(&s).media().get_order("bad").await.unwrap_err();
        let Some(GetOrderError::BadRequest(Some(problem))) = err.kind() else {
            panic!("expected a decoded problem, got {err:?}")
        };
        assert_eq!(problem.title.as_deref(), Some("Bad"));
    }

    #[tokio::test]
    async fn per_status_success_mixes_json_and_text() {
        let s = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/exports"))
            .respond_with(ResponseTemplate::new(202).set_body_raw("retry in 5s", "text/plain"))
            .up_to_n_times(1)
            .mount(&s)
            .await;
        mount(
            &s,
            "POST",
            "/exports",
            ResponseTemplate::new(200).set_body_json(json!({"id": "e1"})),
        )
        .await;
        let c = client(&s);
        assert_eq!(
            c.media().create_export().await.unwrap(),
            CreateExportSuccess::Accepted("retry in 5s".into())
        );
        let CreateExportSuccess::Ok(order) = c.media().create_export().await.unwrap() else {
            panic!("expected the JSON outcome")
        };
        assert_eq!(order.id, "e1");
    }

    #[tokio::test]
    async fn json_only_operations_keep_the_default_accept() {
        let s = MockServer::start().await;
        mount(
            &s,
            "GET",
            "/ping",
            ResponseTemplate::new(200).set_body_json(json!({"ok": true})),
        )
        .await;
        let pong = client(&s).media().ping().await.unwrap();
        assert_eq!(pong.ok, Some(true));
        assert_eq!(header(&last(&s).await, "accept"), Some("application/json"));
    }
}

mod params_styles {
    use super::*;
    use fixture_params_styles::Client;
    use fixture_params_styles::models::*;

    fn client(s: &MockServer) -> Client {
        Client::builder().base_url(s.uri()).build().unwrap()
    }

    #[tokio::test]
    async fn every_style_location_and_type_is_written_as_specified() {
        let s = MockServer::start().await;
        mount(
            &s,
            "GET",
            "/search/closed",
            ResponseTemplate::new(200).set_body_json(json!({"count": 1})),
        )
        .await;
        let r = client(&s)
            .params()
            .search(Kind::Closed, 10, "tenant-1", "s1; x")
            .status(Kind::Open)
            .statuses(vec![Kind::Open, Kind::Unknown("later".into())])
            .ids(vec!["a".to_string(), "b".to_string()])
            .piped(vec![1, 2])
            .filter(Filter::new().name("n").range(FilterRange::new().gte(1)))
            .point(SearchPoint::new().lat(1.5).lng(-2.0))
            .anything(json!({"k": [1, 2]}))
            .where_(Filter::new().name("w"))
            .x_request_count(3)
            .x_flags(vec!["f1".to_string(), "f2".to_string()])
            .theme(Kind::Open)
            .timeout2(5)
            .send2(true)
            .max_retries2(1)
            .into_stream2("no")
            .options2("o")
            .request2("r")
            .decode2(false)
            .deadline2("d")
            .timeout(std::time::Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(r.count, Some(1));
        let req = last(&s).await;
        assert_eq!(
            decoded_query(&req),
            pairs(&[
                ("limit", "10"),
                ("status", "open"),
                ("statuses", "open"),
                ("statuses", "later"),
                ("ids", "a,b"),
                ("piped", "1|2"),
                ("filter[name]", "n"),
                ("filter[range][gte]", "1"),
                ("lat", "1.5"),
                ("lng", "-2.0"),
                ("k[0]", "1"),
                ("k[1]", "2"),
                ("where", r#"{"name":"w"}"#),
                ("timeout", "5"),
                ("send", "true"),
                ("max_retries", "1"),
                ("into_stream", "no"),
                ("options", "o"),
                ("request", "r"),
                ("decode", "false"),
                ("deadline", "d"),
            ])
        );
        // The operation's `x-tenant` replaced the path item's `X-Tenant`: sent once.
        assert_eq!(
            req.headers.get_all("x-tenant").iter().count(),
            1,
            "{:?}",
            req.headers
        );
        assert_eq!(header(&req, "x-tenant"), Some("tenant-1"));
        assert_eq!(header(&req, "x-request-count"), Some("3"));
        assert_eq!(header(&req, "x-flags"), Some("f1,f2"));
        assert_eq!(
            header(&req, "cookie"),
            Some("session=s1%3B%20x; theme=open")
        );
        // Accept and Content-Type parameters are ignored: the SDK's own are sent.
        assert_eq!(header(&req, "accept"), Some("application/json"));
        assert_eq!(header(&req, "content-type"), None);
    }
}
