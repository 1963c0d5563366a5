//! The pickle codec against what CPython 3.11 and 3.13 produce
//! (`testdata/cases.txt`, written by `testdata/generate.py`), and the
//! decoder against hostile input.

use super::*;
use crate::wire::serialize::test_support::hex;
use crate::wire::serialize::value::{BigInt, Text, Value};

struct Case {
    version: &'static str,
    name: &'static str,
    protocol: u8,
    identities: Vec<usize>,
    data: Vec<u8>,
}

fn cases() -> Vec<Case> {
    include_str!("testdata/cases.txt")
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            Case {
                version: fields[0],
                name: fields[1],
                protocol: fields[2].parse().unwrap(),
                identities: fields[3]
                    .split(',')
                    .filter(|field| !field.is_empty())
                    .map(|field| field.parse().unwrap())
                    .collect(),
                data: hex(fields[4]),
            }
        })
        .collect()
}

/// The pickle itself: a record's protocol 1 line holds the whole
/// `SocketHandler` frame, whose length prefix is checked here.
fn pickle_of(case: &Case) -> &[u8] {
    if case.name.starts_with("record-") && case.protocol == 1 {
        let length = u32::from_be_bytes(case.data[..4].try_into().unwrap()) as usize;
        assert_eq!(
            length,
            case.data.len() - 4,
            "{} {}",
            case.version,
            case.name
        );
        &case.data[4..]
    } else {
        &case.data
    }
}

/// Gives every str the identity CPython's object had, in the pickler's order.
fn assign(value: &mut Value, identities: &mut impl Iterator<Item = usize>) {
    let give = |text: &mut Text, identities: &mut dyn Iterator<Item = usize>| {
        text.identity = Some(identities.next().expect("an identity per str"));
    };
    match value {
        Value::Str(text) => give(text, identities),
        Value::Tuple(items) | Value::List(items) => {
            for item in items {
                assign(item, identities);
            }
        }
        Value::Dict(entries) => {
            for (key, item) in entries {
                give(key, identities);
                assign(item, identities);
            }
        }
        _ => {}
    }
}

fn encoded(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    encode(value, &mut out).unwrap();
    out
}

#[test]
fn every_pickle_decodes_and_encodes_back_to_cpythons_protocol_1_bytes() {
    let cases = cases();
    assert!(cases.len() > 40);
    for case in &cases {
        let expected = cases
            .iter()
            .find(|other| {
                other.version == case.version && other.name == case.name && other.protocol == 1
            })
            .unwrap();
        let mut value = decode(pickle_of(case)).unwrap_or_else(|error| {
            panic!("{} {} {}: {error}", case.version, case.name, case.protocol)
        });
        let mut identities = case.identities.iter().copied();
        assign(&mut value, &mut identities);
        assert_eq!(identities.next(), None);
        assert!(
            encoded(&value) == pickle_of(expected),
            "{} {} from protocol {}",
            case.version,
            case.name,
            case.protocol
        );
    }
}

fn record(version: &str, name: &str) -> Value {
    let case = cases()
        .into_iter()
        .find(|case| case.version == version && case.name == name && case.protocol == 1)
        .unwrap();
    decode(pickle_of(&case)).unwrap()
}

#[test]
fn a_record_decodes_to_the_dict_make_pickle_sent() {
    for version in ["3.11", "3.13"] {
        let value = record(version, "record-args");
        let get = |key| value.get(key).unwrap_or_else(|| panic!("{key}")).clone();
        assert_eq!(get("name"), Value::str("app.db"));
        assert_eq!(get("msg"), Value::str("user alice logged in from 10.0.0.1"));
        assert_eq!(get("args"), Value::None);
        assert_eq!(get("exc_info"), Value::None);
        assert_eq!(get("levelno"), Value::Int(30));
        assert_eq!(get("lineno"), Value::Int(217));
        assert_eq!(get("created"), Value::Float(1733333333.123456));
        assert_eq!(get("thread"), Value::Int(140234567890123));
        assert_eq!(get("funcName"), Value::str("run_query"));
        assert_eq!(value.get("message"), None);
        // taskName is an attribute from 3.12 on.
        assert_eq!(value.get("taskName").is_some(), version == "3.13");
    }
}

#[test]
fn extras_keep_their_types() {
    let value = record("3.13", "record-extras");
    let get = |key| value.get(key).unwrap().clone();
    assert_eq!(
        get("googol"),
        BigInt::parse_decimal(&format!("1{}", "0".repeat(100))).unwrap()
    );
    assert_eq!(
        get("beyond64"),
        BigInt::parse_decimal("9223372036854775808").unwrap()
    );
    assert_eq!(get("int32_min"), Value::Int(-(1 << 31)));
    assert_eq!(get("flag"), Value::Bool(true));
    assert_eq!(get("blob"), Value::Bytes(vec![0, 0xff, b'a', b'b', b'c']));
    assert_eq!(get("empty_blob"), Value::Bytes(Vec::new()));
    assert_eq!(
        get("pair"),
        Value::Tuple(vec![Value::str("a"), Value::Int(2)])
    );
    assert_eq!(get("unicode"), Value::str("héllo wörld 日本語 😀"));
    assert_eq!(get("inf"), Value::Float(f64::INFINITY));
    assert_eq!(
        get("nested"),
        Value::Dict(vec![(
            Text::new("k"),
            Value::List(vec![Value::Dict(vec![(
                Text::new("deep"),
                Value::Tuple(vec![Value::None, Value::Bool(true)])
            )])])
        )])
    );
}

#[test]
fn protocol_1_spellings_of_the_atoms() {
    let value = Value::Dict(vec![
        (Text::new("a"), Value::Bool(true)),
        (Text::new("b"), Value::Bool(false)),
        (Text::new("c"), Value::Int(2_147_483_648)),
        (Text::new("d"), Value::Int(-1)),
        (Text::new("h"), Value::Bytes(Vec::new())),
        (Text::new("j"), Value::Tuple(Vec::new())),
        (Text::new("k"), Value::Tuple(vec![Value::Int(1)])),
        (Text::new("m"), Value::List(vec![Value::Int(1)])),
        (Text::new("o"), Value::Float(1.5)),
    ]);
    // pickle.dumps of the same dict on 3.11.
    let expected: &[u8] = b"}q\x00(X\x01\x00\x00\x00aq\x01I01\nX\x01\x00\x00\x00bq\x02I00\n\
        X\x01\x00\x00\x00cq\x03L2147483648L\nX\x01\x00\x00\x00dq\x04J\xff\xff\xff\xff\
        X\x01\x00\x00\x00hq\x05c__builtin__\nbytes\nq\x06)Rq\x07X\x01\x00\x00\x00jq\x08)\
        X\x01\x00\x00\x00kq\t(K\x01tq\nX\x01\x00\x00\x00mq\x0b]q\x0cK\x01a\
        X\x01\x00\x00\x00oq\rG?\xf8\x00\x00\x00\x00\x00\x00u.";
    assert_eq!(encoded(&value), expected);
}

#[test]
fn cpythons_cached_empty_and_single_character_objects_are_memoized() {
    // pickle.dumps([b'', b''], 1) and [bytes([1]), bytes([1])]: one object each.
    let empty = Value::List(vec![Value::Bytes(Vec::new()), Value::Bytes(Vec::new())]);
    assert_eq!(
        encoded(&empty),
        b"]q\x00(c__builtin__\nbytes\nq\x01)Rq\x02h\x02e."
    );
    let single = Value::List(vec![Value::Bytes(vec![1]), Value::Bytes(vec![1])]);
    assert_eq!(
        encoded(&single),
        b"]q\x00(c_codecs\nencode\nq\x01(X\x01\x00\x00\x00\x01q\x02\
          X\x06\x00\x00\x00latin1q\x03tq\x04Rq\x05h\x05e."
    );
    // pickle.dumps(['', '', 'é', 'é', 'ab', 'ab'], 1) with the two 'ab' distinct.
    let texts = Value::List(
        ["", "", "é", "é", "ab", "ab"]
            .iter()
            .map(|text| Value::str(*text))
            .collect(),
    );
    assert_eq!(
        encoded(&texts),
        b"]q\x00(X\x00\x00\x00\x00q\x01h\x01X\x02\x00\x00\x00\xc3\xa9q\x02h\x02\
          X\x02\x00\x00\x00abq\x03X\x02\x00\x00\x00abq\x04e."
    );
}

#[test]
fn code_is_refused_with_its_opcode_and_offset() {
    let attempts: &[(&[u8], &str, usize)] = &[
        (b"cos\nsystem\n(S'true'\ntR.", "GLOBAL", 0),
        (
            b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x8c\x06system\x93.",
            "STACK_GLOBAL",
            23,
        ),
        (
            b"c_codecs\nencode\n(X\x01\x00\x00\x00aX\x05\x00\x00\x00utf-8tR.",
            "REDUCE",
            34,
        ),
        (b"}b.", "BUILD", 1),
        (b"(ios\nsystem\n.", "INST", 1),
        (b"(N)o.", "OBJ", 3),
        (b"\x80\x02N)\x81.", "NEWOBJ", 4),
        (b"Pabc\n.", "PERSID", 0),
        (b"N\x82\x01.", "EXT1", 1),
    ];
    for (data, opcode, offset) in attempts {
        match decode(data) {
            Err(PickleError::Refused {
                opcode: refused,
                offset: at,
                ..
            }) => {
                assert_eq!((refused, at), (*opcode, *offset), "{data:?}");
                let message = decode(data).unwrap_err().to_string();
                assert!(message.contains(opcode), "{message}");
                assert!(message.contains(&format!("offset {offset}")), "{message}");
            }
            other => panic!("{data:?}: {other:?}"),
        }
    }
    assert_eq!(
        decode(b"\x80\x04\x8f."),
        Err(PickleError::Unsupported {
            opcode: "EMPTY_SET",
            offset: 2
        })
    );
    assert_eq!(
        decode(b"\xff."),
        Err(PickleError::UnknownOpcode {
            opcode: 0xff,
            offset: 0
        })
    );
}

#[test]
fn protocol_0_text_opcodes_are_read() {
    // pickle.dumps({'é': [1.5, True, 12345678901234567890]}, 0)
    let data = b"(dp0\nV\xe9\np1\n(lp2\nF1.5\naI01\naL12345678901234567890L\nas.";
    assert_eq!(
        decode(data).unwrap(),
        Value::Dict(vec![(
            Text::new("é"),
            Value::List(vec![
                Value::Float(1.5),
                Value::Bool(true),
                BigInt::parse_decimal("12345678901234567890").unwrap(),
            ])
        )])
    );
    assert_eq!(
        decode(b"V\\u20ac\\U0001f600\n.").unwrap(),
        Value::str("€😀")
    );
}

#[test]
fn bytes_after_stop_are_ignored_as_pickle_loads_ignores_them() {
    assert_eq!(decode(b"K\x07.trailing"), Ok(Value::Int(7)));
    assert_eq!(decode(b"K\x07"), Err(PickleError::Truncated { offset: 2 }));
}

#[test]
fn a_container_met_again_through_the_memo_is_the_filled_one() {
    // l = [1]; pickle.dumps([l, l], 2): the second is a BINGET of the first.
    let data = b"\x80\x02]q\x00(]q\x01K\x01ah\x01e.";
    let inner = Value::List(vec![Value::Int(1)]);
    assert_eq!(
        decode(data).unwrap(),
        Value::List(vec![inner.clone(), inner])
    );
}

#[test]
fn self_reference_and_expansion_bombs_are_errors() {
    assert_eq!(decode(b"]q\x00h\x00a."), Err(PickleError::Recursive));
    // Each level holds the previous one twice: 2^40 leaves from ~200 bytes.
    let mut bomb = b"]q\x00".to_vec();
    for level in 1..=40u8 {
        bomb.extend_from_slice(&[
            b']',
            b'(',
            b'h',
            level - 1,
            b'h',
            level - 1,
            b'e',
            b'q',
            level,
        ]);
    }
    bomb.push(b'.');
    assert_eq!(decode(&bomb), Err(PickleError::TooLarge));
    let mut deep = vec![b']'; 100_000];
    deep.extend(std::iter::repeat_n(b'a', 99_999));
    deep.push(b'.');
    assert_eq!(decode(&deep), Err(PickleError::TooDeep { limit: 900 }));
}

#[test]
fn truncated_and_mutated_pickles_give_errors_not_panics() {
    let cases = cases();
    let samples: Vec<&Case> = cases
        .iter()
        .filter(|case| case.name.starts_with("record-") && case.version == "3.13")
        .collect();
    for case in &samples {
        let data = pickle_of(case);
        for length in 0..data.len() {
            assert!(
                decode(&data[..length]).is_err(),
                "{} cut at {length}",
                case.name
            );
        }
    }
    // A fixed linear congruential sequence: reproducible without a crate.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        (state >> 33) as usize
    };
    for case in &samples {
        let data = pickle_of(case);
        for _ in 0..2000 {
            let mut mutated = data.to_vec();
            for _ in 0..1 + next() % 4 {
                let position = next() % mutated.len();
                mutated[position] = next() as u8;
            }
            let _ = decode(&mutated);
        }
    }
}

#[test]
fn a_python_2_socket_handler_frame_decodes() {
    // SocketHandler.makePickle on Python 2.7: cPickle protocol 1, str as
    // SHORT_BINSTRING, a 64-bit int as the text INT opcode, memo from 1.
    let frame: &[u8] = b"\x00\x00\x01b}q\x01(U\x0frelativeCreatedq\x02G@(\x80\x00\x00\x00\x00\x00\
        U\x07processq\x03K*U\x04argsq\x04NU\x06moduleq\x05U\x01aU\x08funcNameq\x06U\x01f\
        U\x08exc_textq\x07NU\x04nameq\x08U\x03appq\tU\x06threadq\nI140234567890123\n\
        U\x07createdq\x0bGA\xd9\xd4$U`\x00\x00U\nthreadNameq\x0cU\nMainThreadq\r\
        U\x05msecsq\x0eG@\x7f@\x00\x00\x00\x00\x00U\x08filenameq\x0fU\x04a.pyq\x10\
        U\x07levelnoq\x11K\x14U\x0bprocessNameq\x12U\x0bMainProcessq\x13U\x08pathnameq\x14\
        U\t/srv/a.pyq\x15U\x06linenoq\x16K\x03U\x03msgq\x17U\x06hi bobU\x08exc_infoq\x18N\
        U\tlevelnameq\x19U\x04INFOq\x1au.";
    assert_eq!(frame.len() - 4, 0x162);
    let value = decode(&frame[4..]).unwrap();
    assert_eq!(value.get("msg"), Some(&Value::str("hi bob")));
    assert_eq!(value.get("thread"), Some(&Value::Int(140234567890123)));
    assert_eq!(value.get("created"), Some(&Value::Float(1733333333.5)));
    assert_eq!(value.get("levelno"), Some(&Value::Int(20)));
    let Value::Dict(entries) = &value else {
        panic!("{value:?}");
    };
    // Python 2 records have no stack_info.
    assert_eq!(entries.len(), 19);
}

#[test]
fn the_latin1_text_of_a_single_byte_is_the_cached_character() {
    // pickle.dumps(['\x01', b'\x01', '\x01'], 1)
    let value = Value::List(vec![
        Value::str("\u{1}"),
        Value::Bytes(vec![1]),
        Value::str("\u{1}"),
    ]);
    assert_eq!(
        encoded(&value),
        b"]q\x00(X\x01\x00\x00\x00\x01q\x01c_codecs\nencode\nq\x02(h\x01\
          X\x06\x00\x00\x00latin1q\x03tq\x04Rq\x05h\x01e."
    );
}

/// What `DictWriter` writes for `entries`, each str value given as a str
/// entry and any other as a value entry.
fn written(entries: &[(Text, Value)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut writer = DictWriter::new(&mut out);
    for (key, value) in entries {
        match value {
            Value::Str(text) => {
                writer.str_entry(&key.text, key.identity, &text.text, text.identity)
            }
            other => writer.entry(&key.text, key.identity, other).unwrap(),
        }
    }
    writer.finish();
    out
}

#[test]
fn a_dict_written_entry_by_entry_is_the_encoded_dict() {
    let shared = || Text::with_identity("shared text", 0x1000);
    let mut cases: Vec<Vec<(Text, Value)>> = vec![
        vec![],
        vec![(Text::new("only"), Value::Int(1))],
        vec![
            (Text::new("a"), Value::str("x")),
            (Text::new("b"), Value::str("x")),
        ],
        vec![
            (
                Text::with_identity("name", 0x2000),
                Value::Str(Text::with_identity("name", 0x2000)),
            ),
            (Text::new("first"), Value::Str(shared())),
            (Text::new("second"), Value::Str(shared())),
            (Text::new("raw"), Value::Bytes(vec![0, 1, 2])),
            (
                Text::new("items"),
                Value::List(vec![Value::None, Value::Float(0.5)]),
            ),
            (Text::new("empty"), Value::str("")),
        ],
    ];
    for size in [999, 1000, 1001, 2000] {
        cases.push(
            (0..size)
                .map(|index| (Text::new(format!("key_{index}")), Value::Int(index)))
                .collect(),
        );
    }
    for entries in cases {
        let dict = Value::Dict(entries.clone());
        assert_eq!(
            written(&entries),
            encoded(&dict),
            "{} entries",
            entries.len()
        );
    }
}

/// A record-like dict: fixed strs with identities (one met twice), then
/// the varying values given.
fn record_entries(message: Varying<'_>, line: i64, created: f64) -> Vec<u8> {
    let mut out = Vec::new();
    let mut writer = DictWriter::new(&mut out);
    writer.str_entry("name", Some(0x10), "app.db", Some(0x20));
    writer.varying_entry("msg", Some(0x30), &message);
    writer.entry("args", Some(0x40), &Value::None).unwrap();
    writer.varying_entry("lineno", Some(0x50), &Varying::Int(line));
    writer.str_entry("module", Some(0x60), "app.db", Some(0x20));
    writer.varying_entry("created", Some(0x70), &Varying::Float(created));
    writer.str_entry("funcName", Some(0x80), "x", None);
    writer.finish();
    out
}

#[test]
fn a_template_filled_in_is_the_dict_written_afresh() {
    let first = Varying::str("first message", None).unwrap();
    let mut out = Vec::new();
    let mut writer = DictWriter::new(&mut out);
    writer.str_entry("name", Some(0x10), "app.db", Some(0x20));
    let spans = vec![
        writer.varying_entry("msg", Some(0x30), &first),
        {
            writer.entry("args", Some(0x40), &Value::None).unwrap();
            writer.varying_entry("lineno", Some(0x50), &Varying::Int(7))
        },
        {
            writer.str_entry("module", Some(0x60), "app.db", Some(0x20));
            writer.varying_entry("created", Some(0x70), &Varying::Float(1.5))
        },
    ];
    writer.str_entry("funcName", Some(0x80), "x", None);
    writer.finish();
    assert_eq!(out, record_entries(first, 7, 1.5));
    let template = FrameTemplate::cut(&out, &spans);
    assert_eq!(template.varying_count(), 3);
    let long = "long message ".repeat(40);
    let lines = [
        0,
        255,
        256,
        65_535,
        65_536,
        -1,
        i64::from(i32::MAX) + 1,
        i64::MIN,
    ];
    let messages = [
        Varying::str("ab", None).unwrap(),
        Varying::str("", Some(0x999)).unwrap(),
        Varying::str("é", Some(0x998)).unwrap(),
        Varying::str(&long, None).unwrap(),
        Varying::str("ünïcödé → 日本", None).unwrap(),
    ];
    for line in lines {
        for message in messages {
            let mut filled = vec![0xAA];
            let mut writer = template.writer();
            writer.fill(&mut filled, &message);
            writer.fill(&mut filled, &Varying::Int(line));
            writer.fill(&mut filled, &Varying::Float(-0.25));
            writer.finish(&mut filled);
            assert_eq!(filled[0], 0xAA);
            assert_eq!(filled[1..], record_entries(message, line, -0.25)[..]);
        }
    }
}

#[test]
fn a_str_the_interpreter_keeps_one_object_of_only_varies_with_identity() {
    assert_eq!(Varying::str("", None), None);
    assert_eq!(Varying::str("\u{ff}", None), None);
    assert!(Varying::str("\u{100}", None).is_some());
    assert!(Varying::str("a", Some(1)).is_some());
    assert!(Varying::str("ab", None).is_some());
}
