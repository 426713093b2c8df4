//! Files a hostile or careless sender makes to break the import: a workbook claiming the whole
//! grid, cell references no sheet has, zip bombs, too many rows or columns, a file large enough to
//! fill memory. Each is refused as a whole (422 naming the limit, a field error on `file`) before
//! anything is built, and the server goes on answering. The files are made here, byte by byte.

use crate::support::*;
use reqwest::{Client, StatusCode};
use serde_json::Value;
use std::io::Write;

const HEADER: &str = "first_name;last_name;birth_date;health_category;situation;reached_at";

async fn dry_run(app: &TestApp, client: &Client, body: Vec<u8>, content_type: &str) -> (StatusCode, Value) {
    let response = client
        .post(app.url("/api/v1/imports/participants?dry_run=true"))
        // A cookie upload says it comes from this site (docs/security.md).
        .header("x-requested-with", "onramp-tests")
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    status_and_json(response).await
}

/// A file the import refuses whole, with this code on `file`; the real run too.
async fn refused(app: &TestApp, client: &Client, body: Vec<u8>, code: &str) {
    let (status, problem) = dry_run(app, client, body.clone(), onramp_web::download::XLSX).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(
        field_errors(&problem),
        [("file".to_owned(), code.to_owned())],
        "{problem}"
    );
    let response = client
        .post(app.url("/api/v1/imports/participants"))
        // A cookie upload says it comes from this site (docs/security.md).
        .header("x-requested-with", "onramp-tests")
        .header("content-type", onramp_web::download::XLSX)
        .body(body)
        .send()
        .await
        .unwrap();
    let (status, problem) = status_and_json(response).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(has_error(&problem, "file", code), "{problem}");
}

/// The server still imports a good file.
async fn still_answers(app: &TestApp, client: &Client) {
    let file = format!("{HEADER}\nNog;Altijd;1980-01-01;chronic_pain;inactive;Revalidatieziekenhuis Maasland\n");
    let (status, report) = dry_run(app, client, file.into_bytes(), "text/csv").await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["errors"], Value::Array(vec![]), "{report}");
    let health = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

/// A zip of these parts: (name, content, compressed).
fn zip(parts: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content, compressed) in parts {
        let method = if *compressed {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        zip.start_file(*name, options).unwrap();
        zip.write_all(content).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A workbook of one sheet, whose `<worksheet>` content is `sheet`, in the parts Excel writes.
pub fn workbook(sheet: &str, compressed: bool) -> Vec<u8> {
    workbook_with(sheet, compressed, &[])
}

fn workbook_with(sheet: &str, compressed: bool, more: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let book = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="participants" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let book_rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sheet}</worksheet>"#
    );
    let mut parts: Vec<(&str, &[u8], bool)> = vec![
        ("[Content_Types].xml", types.as_bytes(), true),
        ("_rels/.rels", rels.as_bytes(), true),
        ("xl/workbook.xml", book.as_bytes(), true),
        ("xl/_rels/workbook.xml.rels", book_rels.as_bytes(), true),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes(), compressed),
    ];
    parts.extend_from_slice(more);
    zip(&parts)
}

/// A row of text cells, as `<row>` XML (row numbers from 1).
pub fn row(number: usize, cells: &[&str]) -> String {
    let mut xml = format!(r#"<row r="{number}">"#);
    for (i, text) in cells.iter().enumerate() {
        let column = char::from(b'A' + i as u8);
        xml.push_str(&format!(
            r#"<c r="{column}{number}" t="inlineStr"><is><t>{text}</t></is></c>"#
        ));
    }
    xml.push_str("</row>");
    xml
}

fn good_rows() -> String {
    row(1, &HEADER.split(';').collect::<Vec<_>>())
        + &row(
            2,
            &[
                "Goed",
                "Gevormd",
                "1980-01-01",
                "chronic_pain",
                "inactive",
                "Revalidatieziekenhuis Maasland",
            ],
        )
}

/// Sets the uncompressed size a zip claims for the part `name`, in its local header and in the
/// central directory.
fn claim_size(zip: &mut [u8], name: &str, size: u32) {
    let mut patched = 0;
    for at in 0..zip.len().saturating_sub(46) {
        let (offset, name_at) = match &zip[at..at + 4] {
            b"PK\x03\x04" => (22, 30),
            b"PK\x01\x02" => (24, 46),
            _ => continue,
        };
        if zip[at + name_at..].starts_with(name.as_bytes()) {
            zip[at + offset..at + offset + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "the part's two headers");
}

#[tokio::test]
async fn a_workbook_made_here_imports() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    for compressed in [true, false] {
        let sheet = format!(r#"<dimension ref="A1:F2"/><sheetData>{}</sheetData>"#, good_rows());
        let (status, report) = dry_run(&app, &coach, workbook(&sheet, compressed), onramp_web::download::XLSX).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["rows"], 1, "{report}");
        assert_eq!(report["errors"], Value::Array(vec![]), "{report}");
    }
}

/// 1.8 KB whose sheet has a cell at A1 and one at XFD1048576: read as a range, 17 billion cells
/// (the process ended on an allocation of 549 755 813 888 bytes, in a dry run too).
#[tokio::test]
async fn a_sheet_claiming_the_whole_grid_is_refused_before_it_is_read() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "first_name").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    assert!(bytes.len() < 8_000, "a small file: {} bytes", bytes.len());
    refused(&app, &coach, bytes, "too-many-rows").await;
    // The same two cells without the sheet's dimension: found by their references.
    let far = r#"<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>"#;
    let sheet = format!(
        r#"<sheetData>{}<row r="1048576">{far}</row></sheetData>"#,
        row(1, &["first_name"])
    );
    refused(&app, &coach, workbook(&sheet, true), "too-many-rows").await;
    // A cell far to the right on the first row.
    let wide = r#"<c r="XFD1" t="inlineStr"><is><t>x</t></is></c>"#;
    let sheet = format!(r#"<sheetData><row r="1">{wide}</row></sheetData>"#);
    refused(&app, &coach, workbook(&sheet, true), "too-many-columns").await;
    let sheet = format!(r#"<dimension ref="A1:BM2"/><sheetData>{}</sheetData>"#, good_rows());
    refused(&app, &coach, workbook(&sheet, true), "too-many-columns").await;
    still_answers(&app, &coach).await;
}

/// A reference no sheet can have (`ZZZZZZZ99999999999` answered 500 and left 335 MB allocated).
#[tokio::test]
async fn cell_references_beyond_any_sheet_are_refused() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let bogus = |cell: &str, row: &str| {
        format!(
            r#"<sheetData>{}<row r="{row}"><c r="{cell}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>"#,
            good_rows()
        )
    };
    for sheet in [
        bogus("ZZZZZZZ99999999999", "3"),
        bogus("A99999999999", "3"),
        bogus("A3", "99999999999"),
        bogus("A0", "3"),
        format!(
            r#"<dimension ref="ZZZZZZZ99999999999"/><sheetData>{}</sheetData>"#,
            good_rows()
        ),
        format!(r#"<dimension ref="C3:A1"/><sheetData>{}</sheetData>"#, good_rows()),
    ] {
        refused(&app, &coach, workbook(&sheet, true), "unreadable-file").await;
    }
    // A shared-strings table claiming four billion strings: reserved before they are read.
    let strings = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>first_name</t></si></sst>"#;
    let sheet = r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>"#;
    let more = [("xl/sharedStrings.xml", strings.as_bytes(), true)];
    refused(&app, &coach, workbook_with(sheet, true, &more), "unreadable-file").await;
    still_answers(&app, &coach).await;
}

/// Parts that unpack to far more than onramp reads: one that says so, one that compresses a
/// thousand times (4 MiB of spaces in 4 KB), one that claims a few bytes and unpacks to megabytes.
#[tokio::test]
async fn zip_bombs_are_refused_before_they_are_unpacked() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let sheet = format!(r#"<sheetData>{}</sheetData>"#, good_rows());

    let mut claims = workbook(&sheet, true);
    claim_size(&mut claims, "xl/worksheets/sheet1.xml", 600 * 1024 * 1024);
    refused(&app, &coach, claims, "file-too-large").await;

    let spaces = " ".repeat(4 * 1024 * 1024);
    let padded = format!(r#"<sheetData>{}</sheetData>{spaces}"#, good_rows());
    let bomb = workbook(&padded, true);
    assert!(bomb.len() < 64 * 1024, "{} bytes", bomb.len());
    refused(&app, &coach, bomb, "file-too-large").await;

    let extra = [("xl/media/padding.bin", spaces.as_bytes(), true)];
    let mut lies = workbook_with(&sheet, true, &extra);
    claim_size(&mut lies, "xl/media/padding.bin", 1_000);
    refused(&app, &coach, lies, "file-too-large").await;
    still_answers(&app, &coach).await;
}

/// A sheet of a million rows (a 45 MB part, stored), and files just over the limits.
#[tokio::test]
async fn too_many_rows_or_columns_are_refused_whole() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let mut sheet = String::from("<sheetData>");
    sheet.push_str(&row(1, &["first_name"]));
    for n in 2..=1_000_001 {
        sheet.push_str(&format!(r#"<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>"#));
    }
    sheet.push_str("</sheetData>");
    refused(&app, &coach, workbook(&sheet, false), "too-many-rows").await;

    let max = onramp_web::exchange::MAX_ROWS;
    let line = "Veel;Rijen;1980-01-01;chronic_pain;inactive;Revalidatieziekenhuis Maasland\n";
    let mut csv = format!("{HEADER}\n");
    for _ in 0..=max {
        csv.push_str(line);
    }
    let (status, problem) = dry_run(&app, &coach, csv.into_bytes(), "text/csv").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(has_error(&problem, "file", "too-many-rows"), "{problem}");
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("200 000"), "the error names the limit: {message}");

    let wide = format!("{HEADER}{}\n", ";extra".repeat(onramp_web::exchange::MAX_COLUMNS));
    let (status, problem) = dry_run(&app, &coach, wide.into_bytes(), "text/csv").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(has_error(&problem, "file", "too-many-columns"), "{problem}");
    still_answers(&app, &coach).await;
}

/// The server's resident memory, as Linux counts it: now, and its peak since the last reset.
fn memory_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// A 16 MB file is read a row at a time: the server (this process) grows by a few times the file,
/// not by fifty (a 16 MB dry run took it from 51 to 832 MB; a table of every cell as text, and
/// every problem kept). Its 190 000 rows are each wrong, and only the first 1 000 problems listed.
#[tokio::test]
async fn a_large_file_is_read_in_bounded_memory() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let mut csv = format!("{HEADER};referrer;phone\n");
    for n in 0..190_000 {
        csv.push_str(&format!(
            ";Zonder{n};1980-01-01;chronic_pain;inactive;Revalidatieziekenhuis Maasland;Dr. Janssens;0475 12 34 56\n"
        ));
    }
    assert!(csv.len() > 16_000_000, "{} bytes", csv.len());
    let body = csv.into_bytes();
    let before = memory_kb("VmRSS:");
    std::fs::write("/proc/self/clear_refs", "5").expect("the peak can be reset");
    let (status, report) = dry_run(&app, &coach, body, "text/csv").await;
    let peak = memory_kb("VmHWM:");
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["rows"], 190_000);
    assert_eq!(report["error_count"], 190_000);
    assert_eq!(report["errors"].as_array().unwrap().len(), 1_000);
    let grown_mb = peak.saturating_sub(before) / 1024;
    eprintln!("resident memory before {} MB, peak {} MB", before / 1024, peak / 1024);
    assert!(grown_mb < 80, "the server grew by {grown_mb} MB for a 16 MB file");
    still_answers(&app, &coach).await;
}

/// One byte more than the largest body onramp reads (64 MiB).
fn over_the_limit() -> Vec<u8> {
    let mut body = format!("{HEADER}\n").into_bytes();
    body.resize(64 * 1024 * 1024 + 1, b'x');
    body
}

/// A body over 64 MiB that says its length is refused before it is read: the API answers a
/// problem document naming the limit, the import page its error page in the user's language
/// (they were plain text, and the page upload a `malformed-body` 400 when the length was not said).
#[tokio::test]
async fn a_body_over_the_limit_is_refused_naming_the_limit() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let response = coach
        .post(app.url("/api/v1/imports/participants?dry_run=true"))
        .header("x-requested-with", "onramp-tests")
        .header("content-type", "text/csv")
        .body(over_the_limit())
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let (status, problem) = status_and_json(response).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{problem}");
    assert_eq!(problem["type"], "urn:onramp:problem:body-too-large");
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("64 MiB") && detail.contains("200 000 rows"), "{detail}");

    let browser = app.english_browser_as(COACH_LIMBURG).await;
    let html = browser
        .get(app.url("/import"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = html
        .split("action=\"/import?csrf=")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(over_the_limit())
            .file_name("people.csv")
            .mime_str("text/csv")
            .unwrap(),
    );
    let response = browser
        .post(app.url(&format!("/import?csrf={token}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = response.text().await.unwrap();
    assert!(html.contains("larger than 64 MiB"), "{html}");
    still_answers(&app, &coach).await;
}

/// The same body sent in chunks, its length unsaid, is cut off at the limit while it is read,
/// and refused alike.
#[tokio::test]
async fn a_chunked_body_over_the_limit_is_refused_naming_the_limit() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (status, created) = app
        .send_json(
            &coach,
            "POST",
            "/api/v1/me/tokens",
            serde_json::json!({"name": "chunks"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let secret = created["secret"].as_str().unwrap();
    let address = app
        .url("")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/v1/imports/participants?dry_run=true HTTP/1.1\r\nHost: {address}\r\n\
         Authorization: Bearer {secret}\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\
         Connection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'x'; 1024 * 1024];
    for _ in 0..65 {
        let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
        framed.extend_from_slice(&chunk);
        framed.extend_from_slice(b"\r\n");
        if stream.write_all(&framed).await.is_err() {
            break; // the server answered and closed: the rest is not read
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("content-type: application/problem+json"),
        "{answer}"
    );
    assert!(answer.contains("64 MiB"), "{answer}");
}
