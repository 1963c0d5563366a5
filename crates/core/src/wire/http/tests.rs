//! The client against a small server on 127.0.0.1 that answers as each
//! test tells it, and the response reader against answers written by hand.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use flate2::read::GzDecoder;

use super::*;
use crate::wire::transport::test_server::{pki, trusting};
use crate::wire::transport::{
    BackoffPolicy, Connector, Endpoint, Timeouts, TransportConfig, TransportError,
};

/// One request as the server read it.
#[derive(Debug, Clone)]
struct Received {
    connection: usize,
    head: String,
    body: Vec<u8>,
}

/// What the server does after reading a request.
#[derive(Clone, Copy)]
enum Reply {
    Answer(u16),
    /// Answer with `Connection: close`, then close.
    AnswerAndClose(u16),
    /// Answer, then close without saying so (an idle timeout).
    AnswerThenHangUp(u16),
}

struct Server {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
}

/// Serves on 127.0.0.1, one thread per connection; `reply` decides for the
/// request with that index (counted over every connection).
fn serve(reply: impl Fn(usize) -> Reply + Send + Sync + 'static) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let reply = Arc::new(reply);
    {
        let received = received.clone();
        thread::spawn(move || {
            for (connection, stream) in listener.incoming().enumerate() {
                let Ok(stream) = stream else { return };
                let received = received.clone();
                let reply = reply.clone();
                thread::spawn(move || serve_connection(connection, stream, &received, &*reply));
            }
        });
    }
    Server { port, received }
}

fn serve_connection(
    connection: usize,
    mut stream: impl Read + Write,
    received: &Mutex<Vec<Received>>,
    reply: &dyn Fn(usize) -> Reply,
) {
    let mut bytes = Vec::new();
    loop {
        let head_end = loop {
            if let Some(position) = bytes.windows(4).position(|window| window == b"\r\n\r\n") {
                break position + 4;
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(count) => bytes.extend_from_slice(&chunk[..count]),
            }
        };
        let head = String::from_utf8(bytes[..head_end].to_vec()).unwrap();
        let length: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("Content-Length: "))
            .map_or(0, |value| value.trim().parse().unwrap());
        while bytes.len() < head_end + length {
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(count) => bytes.extend_from_slice(&chunk[..count]),
            }
        }
        let body = bytes[head_end..head_end + length].to_vec();
        bytes.drain(..head_end + length);
        let index = {
            let mut received = received.lock().unwrap();
            received.push(Received {
                connection,
                head,
                body,
            });
            received.len() - 1
        };
        let answer = |status: u16, close: bool| {
            let connection = if close { "Connection: close\r\n" } else { "" };
            format!("HTTP/1.1 {status} Status\r\nContent-Length: 2\r\n{connection}\r\nok")
        };
        match reply(index) {
            Reply::Answer(status) => {
                let _ = stream.write_all(answer(status, false).as_bytes());
            }
            Reply::AnswerAndClose(status) => {
                let _ = stream.write_all(answer(status, true).as_bytes());
                return;
            }
            Reply::AnswerThenHangUp(status) => {
                let _ = stream.write_all(answer(status, false).as_bytes());
                return;
            }
        }
    }
}

fn sender(port: u16, max_records: usize, encoding: BodyEncoding) -> BatchSender {
    let endpoint = Endpoint::Tcp {
        host: "127.0.0.1".into(),
        port,
    };
    sender_to(endpoint, port, max_records, encoding)
}

fn sender_to(
    endpoint: Endpoint,
    port: u16,
    max_records: usize,
    encoding: BodyEncoding,
) -> BatchSender {
    let config = TransportConfig::new(endpoint).with_timeouts(Timeouts::default());
    let client = HttpClient::new(Connector::new(config).unwrap(), Duration::from_secs(5));
    BatchSender::new(
        client,
        BatchConfig {
            host: format!("127.0.0.1:{port}"),
            target: "/log".into(),
            headers: vec![("Authorization".into(), "Basic dTpw".into())],
            max_records,
            encoding,
            keep_alive: true,
            backoff: BackoffPolicy {
                base: Duration::from_millis(10),
                cap: Duration::from_millis(50),
                reset_after: Duration::from_secs(30),
                deadline: Some(Duration::from_secs(10)),
            },
        },
        Arc::new(AtomicBool::new(false)),
    )
}

fn lines(count: usize) -> Vec<Vec<u8>> {
    (0..count)
        .map(|index| format!("{{\"n\":{index}}}\n").into_bytes())
        .collect()
}

fn send(sender: &mut BatchSender, lines: &[Vec<u8>]) -> BatchReport {
    let mut report = BatchReport::default();
    sender.send(lines.iter().map(Vec::as_slice), &mut report);
    report
}

fn bodies(server: &Server) -> Vec<u8> {
    let received = server.received.lock().unwrap();
    received
        .iter()
        .flat_map(|request| request.body.clone())
        .collect()
}

#[test]
fn batches_go_as_ndjson_posts_over_one_kept_connection() {
    let server = serve(|_| Reply::Answer(200));
    let mut sender = sender(server.port, 4, BodyEncoding::Identity);
    let all = lines(10);
    for part in all.chunks(5) {
        let report = send(&mut sender, part);
        assert_eq!(report.sent, 5);
        assert_eq!(report.lost, 0);
    }
    let received = server.received.lock().unwrap().clone();
    // 5 + 5 records at most 4 a request: 4, 1, 4, 1.
    assert_eq!(received.len(), 4);
    assert!(received.iter().all(|request| request.connection == 0));
    let head = &received[0].head;
    assert!(head.starts_with("POST /log HTTP/1.1\r\n"), "{head}");
    assert!(head.contains(&format!("Host: 127.0.0.1:{}\r\n", server.port)));
    assert!(head.contains("Content-Type: application/x-ndjson\r\n"));
    assert!(head.contains("Authorization: Basic dTpw\r\n"));
    assert_eq!(bodies(&server), all.concat());
    assert_eq!(sender.client().connections(), 1);
}

#[test]
fn a_gzip_body_decodes_to_the_lines() {
    let server = serve(|_| Reply::Answer(200));
    let mut sender = sender(server.port, 100, BodyEncoding::Gzip);
    let all = lines(50);
    assert_eq!(send(&mut sender, &all).sent, 50);
    let received = server.received.lock().unwrap().clone();
    assert!(received[0].head.contains("Content-Encoding: gzip\r\n"));
    let mut decoded = Vec::new();
    GzDecoder::new(&received[0].body[..])
        .read_to_end(&mut decoded)
        .unwrap();
    assert_eq!(decoded, all.concat());
}

#[test]
fn a_server_that_closes_after_each_answer_gets_every_batch_on_new_connections() {
    for reply in [Reply::AnswerAndClose(200), Reply::AnswerThenHangUp(200)] {
        let server = serve(move |_| reply);
        let mut sender = sender(server.port, 2, BodyEncoding::Identity);
        let all = lines(6);
        for part in all.chunks(2) {
            // Time for a silent hang-up to reach the client.
            thread::sleep(Duration::from_millis(20));
            assert_eq!(send(&mut sender, part).sent, 2);
        }
        assert_eq!(bodies(&server), all.concat());
        let received = server.received.lock().unwrap().clone();
        let connections: Vec<_> = received.iter().map(|request| request.connection).collect();
        assert_eq!(connections, vec![0, 1, 2]);
    }
}

#[test]
fn server_errors_are_retried_until_the_batch_is_taken() {
    let server = serve(|index| Reply::Answer(if index < 2 { 500 } else { 200 }));
    let mut sender = sender(server.port, 10, BodyEncoding::Identity);
    let all = lines(3);
    let report = send(&mut sender, &all);
    assert_eq!(report.sent, 3);
    assert_eq!(report.lost, 0);
    assert_eq!(report.retried, 2);
    assert_eq!(report.retry_reason.as_deref(), Some("HTTP 500 Status"));
    // Three requests with the same body; the last one counted.
    let received = server.received.lock().unwrap().clone();
    assert_eq!(received.len(), 3);
    assert!(received.iter().all(|request| request.body == all.concat()));
}

#[test]
fn a_client_error_loses_the_batch_at_once_and_says_why() {
    let server = serve(|_| Reply::Answer(400));
    let mut sender = sender(server.port, 10, BodyEncoding::Identity);
    let report = send(&mut sender, &lines(4));
    assert_eq!(report.sent, 0);
    assert_eq!(report.lost, 4);
    assert_eq!(report.retried, 0);
    assert_eq!(
        report.lost_reason.as_deref(),
        Some("HTTP 400 Status (not retried)")
    );
    assert_eq!(server.received.lock().unwrap().len(), 1);
}

#[test]
fn a_closing_sender_gives_up_on_a_server_that_is_down() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let mut sender = sender(port, 10, BodyEncoding::Identity);
    sender.begin_closing();
    let report = send(&mut sender, &lines(3));
    assert_eq!(report.lost, 3);
    let reason = report.lost_reason.unwrap();
    assert!(reason.contains("cannot connect"), "{reason}");
    assert!(reason.ends_with("given up at close"), "{reason}");
}

#[test]
fn batches_go_over_one_tls_connection_and_their_answers_are_read() {
    let pki = pki();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    {
        let received = received.clone();
        let config = pki.server.clone();
        thread::spawn(move || {
            for (connection, stream) in listener.incoming().enumerate() {
                let Ok(stream) = stream else { return };
                let session = rustls::ServerConnection::new(config.clone()).unwrap();
                let tls = rustls::StreamOwned::new(session, stream);
                serve_connection(connection, tls, &received, &|_| Reply::Answer(200));
            }
        });
    }
    let endpoint = Endpoint::Tls {
        host: "localhost".into(),
        port,
        tls: trusting(&pki),
    };
    let mut sender = sender_to(endpoint, port, 3, BodyEncoding::Gzip);
    let all = lines(7);
    assert_eq!(send(&mut sender, &all[..4]).sent, 4);
    assert_eq!(send(&mut sender, &all[4..]).sent, 3);
    assert_eq!(sender.client().connections(), 1);
    let received = received.lock().unwrap().clone();
    // 3 + 1, then 3, all on the first connection.
    assert_eq!(received.len(), 3);
    assert!(received.iter().all(|request| request.connection == 0));
    let mut decoded = Vec::new();
    for request in &received {
        GzDecoder::new(&request.body[..])
            .read_to_end(&mut decoded)
            .unwrap();
    }
    assert_eq!(decoded, all.concat());
}

/// Reads `answer` as a response, handed over in pieces of `piece` bytes.
fn parse(answer: &[u8], piece: usize) -> Result<Response, HttpError> {
    let mut offset = 0;
    read_response(|buffer: &mut [u8]| -> Result<usize, TransportError> {
        let count = piece.min(buffer.len()).min(answer.len() - offset);
        buffer[..count].copy_from_slice(&answer[offset..offset + count]);
        offset += count;
        Ok(count)
    })
}

#[test]
fn answers_are_read_to_their_end_however_they_are_delimited() {
    let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\nTrailer: t\r\n\r\n";
    let interim = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n";
    for piece in [1, 3, 4096] {
        let response = parse(chunked, piece).unwrap();
        assert_eq!((response.status, response.keep_alive), (200, true));
        let response = parse(interim, piece).unwrap();
        assert_eq!(
            (response.status, response.reason.as_str()),
            (204, "No Content")
        );
        // No length: the body runs to the end of the stream.
        let response = parse(b"HTTP/1.1 500 Oops\r\n\r\nbody", piece).unwrap();
        assert_eq!((response.status, response.keep_alive), (500, false));
        let response = parse(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", piece).unwrap();
        assert!(!response.keep_alive);
        let response = parse(
            b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx",
            piece,
        )
        .unwrap();
        assert!(response.keep_alive);
    }
}

#[test]
fn broken_answers_are_errors() {
    assert!(matches!(parse(b"", 10), Err(HttpError::ClosedBeforeAnswer)));
    assert!(matches!(
        parse(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 10),
        Err(HttpError::Truncated)
    ));
    assert!(matches!(
        parse(b"SSH-2.0-OpenSSH\r\n\r\n", 10),
        Err(HttpError::Malformed(_))
    ));
    assert!(matches!(
        parse(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", 10),
        Err(HttpError::Malformed(_))
    ));
}

#[test]
fn header_values_with_line_ends_are_refused() {
    assert!(check_header_value("url", "/log?a=1").is_ok());
    assert!(check_header_value("url", "/log\r\nX: y").is_err());
}
