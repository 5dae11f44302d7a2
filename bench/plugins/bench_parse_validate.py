"""Parse -> validate throughput on 100,000 small JSON records, one core.

Cases, measured in the same process and interleaved run by run:

* plain loop: ``orjson.loads`` then a compiled jsonschema-rs validator's
  ``is_valid`` on each record, the floor with the same libraries;
* components: ``json.parse`` then ``validator.schema`` through their
  ``process(data, ctx)`` calls, default options (the validator first checks
  that the value is JSON-representable: no NaN, no non-JSON types);
* components, check_values off: the same with ``check_values=false``, the
  right setting when the data comes straight from ``json.parse``.

Every record is valid (the success path is the throughput path); each sample
is one pass over all records. The table gives records per second.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jsonschema_rs
import orjson
from _harness import Report, Result, time_call

from orchestrion.testing import make_step_context
from orchestrion_json import ParseOptions
from orchestrion_json._parse import JsonParser
from orchestrion_validator import SchemaOptions
from orchestrion_validator._schema import SchemaValidator

RECORDS = 100_000
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "email", "active"],
    "properties": {
        "id": {"type": "integer", "minimum": 0},
        "name": {"type": "string", "maxLength": 64},
        "email": {"type": "string"},
        "age": {"type": "integer", "minimum": 0, "maximum": 150},
        "score": {"type": "number"},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 10},
        "active": {"type": "boolean"},
        "address": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "zip": {"type": "string"}},
        },
    },
    "additionalProperties": False,
}


def make_records(count: int, seed: int = 7) -> list[bytes]:
    """``count`` small valid records (about 150 bytes each), deterministic.

    Each is copied out of the bytes ``orjson.dumps`` returns: those measured
    ≈ 4 KB of RSS each here (an over-allocated buffer), 400 MB for 100,000
    records, which would swamp a process's memory figures (the streams
    benchmark reuses these records and measures memory).
    """
    rng = random.Random(seed)
    cities = ["Paris", "Lyon", "Oslo", "Lima", "Kyiv", "Pune"]
    out = []
    for i in range(count):
        record = {
            "id": i,
            "name": f"user-{i}",
            "email": f"user{i}@example.com",
            "age": rng.randint(18, 90),
            "score": round(rng.random(), 4),
            "tags": rng.sample(["a", "b", "c", "d", "e"], k=rng.randint(0, 3)),
            "active": rng.random() < 0.5,
            "address": {"city": rng.choice(cities), "zip": f"{rng.randint(10000, 99999)}"},
        }
        out.append(bytes(memoryview(orjson.dumps(record))))
    return out


@dataclass(slots=True)
class ThroughputReport(Report):
    """A report whose table is in records per second, with the ratio to the plain loop."""

    def table(self) -> str:
        """Median and best records/s, and each case's median time over the plain loop's."""
        base = next(r for r in self.results if r.name == self.baseline)
        lines = [
            "| what | median records/s | best records/s | µs/record | IQR/median "
            "| time ratio to plain loop |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {r.name} | {RECORDS / r.median:,.0f} | {RECORDS / r.best:,.0f} "
            f"| {r.median / RECORDS * 1e6:.2f} | {r.spread:.0%} | {r.median / base.median:.2f} |"
            for r in self.results
        ]
        return "\n".join(lines)


def run(runs: int) -> Report:
    """Measure the three cases, interleaved, ``runs`` passes each."""
    records = make_records(RECORDS)
    validator = jsonschema_rs.validator_for(SCHEMA)
    parser = JsonParser(ParseOptions())
    checked = SchemaValidator(SchemaOptions(inline=SCHEMA))
    unchecked = SchemaValidator(SchemaOptions(inline=SCHEMA, check_values=False))
    parse_ctx = make_step_context("json.parse")
    validate_ctx = make_step_context("validator.schema")

    def plain() -> None:
        loads, is_valid = orjson.loads, validator.is_valid
        for raw in records:
            if not is_valid(loads(raw)):
                raise AssertionError("a benchmark record is invalid")

    def components(check: SchemaValidator) -> None:
        parse, validate = parser.process, check.process
        for raw in records:
            validate(parse(raw, parse_ctx), validate_ctx)

    cases: dict[str, Callable[[], None]] = {
        "plain loop (orjson + jsonschema-rs)": plain,
        "components: json.parse -> validator.schema": lambda: components(checked),
        "components, check_values=false": lambda: components(unchecked),
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for fn in cases.values():
        fn()  # warm up
    for _ in range(runs):
        for name, fn in cases.items():
            samples[name] += time_call(fn, 1, warmup=0)
    return ThroughputReport(
        title=f"Parse -> validate throughput, {RECORDS:,} records of ~150 bytes, one core",
        results=[Result(name, s) for name, s in samples.items()],
        baseline="plain loop (orjson + jsonschema-rs)",
        notes=[
            "Direct `process()` calls on one thread (no engine, no worker threads). "
            "Budget (DESIGN §10): >= 50,000 records/s through parse -> validate.",
        ],
    )
