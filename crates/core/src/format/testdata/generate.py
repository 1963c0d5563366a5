"""Regenerate the differential test tables of the template engine.

Usage: python3 generate.py PYTHON [PYTHON ...]

Each interpreter (3.11, 3.12, 3.13, ...) renders the same deterministic set of cases;
where they disagree the expectation is written as "?" and the Rust side must then leave
the work to the host. Output: values.txt and templates.txt next to this file.

Line formats (fields separated by tabs, each escaped with \\\\, \\t, \\n, \\r):
  values.txt     style template value expected
  templates.txt  style template validation uses_time rendering
style is P, B or D; a value is s:<text>, i:<int>, f:<16 hex digits of the IEEE bits>,
b:<0|1> or n:; an expectation is =<text>, !<ExceptionType>:<message>, ? or ~ (a
rendering too long to be worth storing).
"""

import json
import os
import random
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

STRINGS = ["", "a", "hello", "héllo wörld", "x" * 20, "日本語", "it's", "tab\there", "emoji 😀"]
INTEGERS = [0, 1, -1, 7, 42, -42, 255, 1234567, -1234567, 2**31, 2**63 - 1, -(2**63), 10**15]
FLOATS = [
    0.0, -0.0, 1.0, -1.5, 0.1, 1e16, 1e-5, 1.5e-5, 0.0001, 123456.789, -9.9995, 2.5,
    0.125, 1e300, 5e-324, float("inf"), float("-inf"), float("nan"), -float("nan"),
    1234.5678, 1e22, 999999.5, 0.5, 1.7976931348623157e308, 12345678901234567890.0,
    -1e-10, 100.0, 1e15, 3.14159, 9.5, 0.05, 1e-4, 99999.99, 0.000123456,
    # Halfway between two shortest candidates: repr rounds to even.
    1090717427626941.25, -757595431882958.25, 562949953421312.75,
]

RECORD = {
    "name": "root", "msg": "hello %s", "levelname": "INFO", "levelno": 20, "lineno": 42,
    "created": 1700000000.123456, "msecs": 123.0, "message": "hello world",
    "asctime": "2023-11-14 22:13:20,123", "exc_info": None, "a": 1, "b": 2.5, "c": "text",
    "r": True, "s": "é", "x": -7, "ab": "AB", "_": "under", "zz": 0.1,
}


LONGEST_RENDERING = 120


def encode_value(value):
    if isinstance(value, bool):
        return "b:%d" % value
    if isinstance(value, int):
        return "i:%d" % value
    if isinstance(value, float):
        return "f:%016x" % struct.unpack("<Q", struct.pack("<d", value))[0]
    if value is None:
        return "n:"
    return "s:" + value


def decode_value(text):
    kind, payload = text[0], text[2:]
    if kind == "b":
        return payload == "1"
    if kind == "i":
        return int(payload)
    if kind == "f":
        return struct.unpack("<d", struct.pack("<Q", int(payload, 16)))[0]
    if kind == "n":
        return None
    return payload


def escape(text):
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def random_floats(generator):
    floats = []
    for _ in range(150):
        bits = generator.getrandbits(64)
        value = struct.unpack("<d", struct.pack("<Q", bits))[0]
        if value == value:
            floats.append(value)
    for _ in range(100):
        floats.append(round(generator.uniform(-1e6, 1e6), generator.randint(0, 8)))
    for _ in range(50):
        floats.append(generator.uniform(-1, 1) * 10.0 ** generator.randint(-20, 25))
    for exponent in range(-8, 24):
        floats.append(10.0**exponent)
        floats.append(-(10.0**exponent) * 1.5)
    return floats


def percent_directive(generator):
    flags = "".join(generator.sample("-0+ #", generator.randint(0, 3)))
    width = generator.choice(["", "", "1", "5", "12"])
    precision = generator.choice(["", "", ".", ".0", ".1", ".3", ".10", ".20"])
    length = generator.choice(["", "", "", "", "l", "h"])
    kind = generator.choice("sssdiuxXoeEfFgGrac")
    return "%(v)" + flags + width + precision + length + kind


def brace_spec(generator):
    align = generator.choice(["", "", "<", ">", "^", "=", "*<", "*>", "*^", "0=", "é^", "x="])
    sign = generator.choice(["", "", "+", "-", " "])
    zero_coercion = generator.choice(["", "", "", "z"])
    alternate = generator.choice(["", "", "#"])
    zero = generator.choice(["", "", "0"])
    width = generator.choice(["", "", "1", "7", "15"])
    grouping = generator.choice(["", "", "", ",", "_"])
    precision = generator.choice(["", "", ".0", ".2", ".6", ".17"])
    kind = generator.choice(["", "", "", "s", "d", "b", "o", "x", "X", "e", "E", "f", "F", "g", "G", "%", "n", "c"])
    conversion = generator.choice(["", "", "", "", "", "!r", "!s", "!a"])
    spec = align + sign + zero_coercion + alternate + zero + width + grouping + precision + kind
    return "{v" + conversion + (":" + spec if spec or generator.random() < 0.1 else "") + "}"


def value_cases():
    generator = random.Random(20240601)
    values = STRINGS + INTEGERS + FLOATS + [True, False, None]
    cases = []
    for value in values:
        for _ in range(30):
            cases.append(("P", percent_directive(generator), value))
        for _ in range(30):
            cases.append(("B", brace_spec(generator), value))
        cases.append(("D", "$v", value))
        cases.append(("D", "<${v}>", value))
    for value in random_floats(generator):
        cases.append(("P", "%(v)s", value))
        cases.append(("P", percent_directive(generator), value))
        cases.append(("B", brace_spec(generator), value))
    return deduplicated((style, template, encode_value(value)) for style, template, value in cases)


def random_template(generator, tokens, length):
    return "".join(generator.choice(tokens) for _ in range(generator.randint(1, length)))


def template_cases():
    generator = random.Random(99)
    cases = [
        ("P", "%(asctime)s %(levelname)s %(name)s: %(message)s"),
        ("P", "%(levelname)-8s|%(lineno)5d|%(created)f|%(msecs)03d"),
        ("P", "%(asctime)s"), ("P", "no fields"), ("P", "%%(asctime)s"), ("P", "%(asctime)"),
        ("P", "%(a)*d"), ("P", "%s"), ("P", "%(a)s %"), ("P", "%(missing)s %(a)s"),
        ("P", "%(é)s"), ("P", "%(a)ſ"), ("P", "%(a)5٣d"), ("P", "%(a(b))s"),
        ("B", "{asctime} {levelname} {name}: {message}"), ("B", "{}"), ("B", "{0}"),
        ("B", "{a.b}"), ("B", "{a[0]}"), ("B", "{a:{b}}"), ("B", "{a!x}"), ("B", "{a:z.2f}"),
        ("B", "{asctime"), ("B", "{{asctime}}"), ("B", "{a:>5\n}"), ("B", "{a\n}"),
        ("B", "{é}"), ("B", "{a:é<5}"), ("B", "{a:5é}"), ("B", "{a!é}"), ("B", "{a:ſ}"),
        ("B", "{missing} {a}"), ("B", "{ a }"), ("B", "{a]}"), ("B", "{٣}"),
        ("D", "${asctime} ${levelname} ${name}: ${message}"), ("D", "$asctime"),
        ("D", "$$asctime"), ("D", "$"), ("D", "$1"), ("D", "${a"), ("D", "text"),
        ("D", "$missing $"), ("D", "$ $missing"), ("D", "$a$b$c"), ("D", "${_}x"),
        ("D", "$ab_c"), ("D", "$é"),
    ]
    percent_tokens = ["%", "(", ")", "a", "b", "s", "d", "f", "-", "0", "5", ".", "*", "l",
                      "x", " ", "#", "r", "%(a)", "%(b)", "%(c)", "%(zz)", "%(asctime)", "c"]
    brace_tokens = ["{", "}", "a", "b", "c", "!", "r", "s", ":", ">", "5", ".", "[", "]",
                    "0", "{a}", "{b:", "{c!r}", "x", ",", "\n", "d", "z", "{{", "}}", "f",
                    "{asctime", "#", "=", "^"]
    dollar_tokens = ["$", "{", "}", "a", "b", "_", "1", "c", " ", "$a", "${b}", "asctime",
                     "$asctime", "${asctime}"]
    for _ in range(800):
        cases.append(("P", random_template(generator, percent_tokens, 6)))
    for _ in range(1500):
        cases.append(("B", random_template(generator, brace_tokens, 6)))
    for _ in range(300):
        cases.append(("D", random_template(generator, dollar_tokens, 5)))
    return deduplicated(cases)


def deduplicated(cases):
    return list(dict.fromkeys(cases))


def outcome(function):
    try:
        return "=" + function()
    except Exception as error:  # noqa: BLE001 - every exception is an expected outcome
        return "!%s:%s" % (type(error).__name__, error)


def work(request):
    import logging
    import string

    class Record:
        pass

    record = Record()
    record.__dict__.update(RECORD)
    results = {"values": [], "templates": []}
    for style, template, value in request["values"]:
        mapping = {"v": decode_value(value)}
        if style == "P":
            results["values"].append(outcome(lambda: template % mapping))
        elif style == "B":
            results["values"].append(outcome(lambda: template.format(**mapping)))
        else:
            results["values"].append(outcome(lambda: string.Template(template).substitute(**mapping)))
    symbols = {"P": "%", "B": "{", "D": "$"}
    for style, template in request["templates"]:
        style_object = logging._STYLES[symbols[style]][0](template)
        try:
            style_object.validate()
            validation = "ok"
        except ValueError as error:
            validation = "!" + str(error)
        uses_time = "1" if style_object.usesTime() else "0"
        rendering = outcome(lambda: style_object.format(record))
        if len(rendering) > LONGEST_RENDERING:
            # Positional directives dump the whole record: not worth storing.
            rendering = "~"
        results["templates"].append([validation, uses_time, rendering])
    return results


def main():
    if sys.argv[1:] == ["--work"]:
        json.dump(work(json.load(sys.stdin)), sys.stdout)
        return
    request = {"values": value_cases(), "templates": template_cases()}
    answers = []
    for interpreter in sys.argv[1:]:
        completed = subprocess.run(
            [interpreter, os.path.abspath(__file__), "--work"],
            input=json.dumps(request), capture_output=True, text=True, check=True,
        )
        answers.append(json.loads(completed.stdout))

    def agreed(per_version):
        return per_version[0] if all(answer == per_version[0] for answer in per_version) else "?"

    with open(os.path.join(HERE, "values.txt"), "w", encoding="utf-8") as output:
        for index, (style, template, value) in enumerate(request["values"]):
            expected = agreed([answer["values"][index] for answer in answers])
            output.write("\t".join(escape(field) for field in (style, template, value, expected)) + "\n")
    with open(os.path.join(HERE, "templates.txt"), "w", encoding="utf-8") as output:
        for index, (style, template) in enumerate(request["templates"]):
            columns = [agreed([answer["templates"][index][column] for answer in answers]) for column in range(3)]
            output.write("\t".join(escape(field) for field in (style, template, *columns)) + "\n")


if __name__ == "__main__":
    main()
