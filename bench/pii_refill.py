"""The public PII set's dev templates, refilled with fresh fake values from Faker's many locales.

Presidio's generated set fills about 400 sentence templates with values from a
handful of countries; half of the templates are our dev split. Tuning on them
teaches the recognizers those values' formats, not phone and address formats in
general. This refill keeps each dev template (its wording, layout and which
placeholders make up one gold span) and draws new values from Faker, one locale
per record across every locale Faker has, so that a rule that only fits the
formats seen in dev shows up as missed recall here. The test templates are never
read.

Needs Faker (``pip install -e '.[bench]'``); used by ``pii_eval.py --set
public-refill``.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
#: Share of letters that must be Latin in a locale's sample address for its names and
#: street lines to be drawn (an English workplace corpus holds few others); phone
#: numbers are drawn from every locale.
LATIN_SHARE = 0.9
#: Template placeholders whose Faker provider has another name.
PROVIDER = {
    "person": "name",
    "organization": "company",
    "date_of_birth": "date_of_birth",
    "us_driver_license": "bothify",
    "credit_card_number": "credit_card_number",
    "ip_address": "ipv4",
}
#: Locales Faker keeps only as deprecated aliases of another.
DEPRECATED = frozenset({"fr_QC"})


@dataclass(frozen=True)
class Template:
    """A dev record cut into literal text and placeholders, and which placeholder runs are gold spans."""

    template_id: object
    parts: tuple[tuple[str, str], ...]  # ("text", literal) or ("slot", placeholder name)
    spans: tuple[tuple[int, int, str], ...]  # first part, last part (inclusive), type


def parse(masked: str, full_text: str, spans: Sequence[dict]) -> tuple[tuple, tuple] | None:
    """Cut ``masked`` into parts and map each gold span onto a run of parts; None when they do not line up."""
    parts: list[tuple[str, str]] = []
    pos = 0
    for m in PLACEHOLDER.finditer(masked):
        if m.start() > pos:
            parts.append(("text", masked[pos : m.start()]))
        parts.append(("slot", m.group(1)))
        pos = m.end()
    if pos < len(masked):
        parts.append(("text", masked[pos:]))
    pattern = "".join("(.+?)" if kind == "slot" else f"({re.escape(value)})" for kind, value in parts)
    match = re.fullmatch(pattern, full_text, flags=re.DOTALL)
    if match is None:
        return None
    starts = {match.start(i + 1): i for i in range(len(parts))}
    ends = {match.end(i + 1): i for i in range(len(parts))}
    mapped = []
    for s in spans:
        first, last = starts.get(s["start_position"]), ends.get(s["end_position"])
        if first is None or last is None or last < first:
            return None
        mapped.append((first, last, s["entity_type"]))
    return tuple(parts), tuple(mapped)


def templates(rows: Sequence[dict], keep: Callable[[object], bool]) -> list[Template]:
    """One Template per distinct masked text among the rows whose template id ``keep`` accepts."""
    seen: set[str] = set()
    out = []
    for row in rows:
        if not keep(row["template_id"]) or row["masked"] in seen:
            continue
        parsed = parse(row["masked"], row["full_text"], row["spans"])
        if parsed is not None:
            seen.add(row["masked"])
            out.append(Template(row["template_id"], *parsed))
    return out


def _latin(text: str) -> bool:
    """Whether nearly all letters of ``text`` are Latin."""
    letters = [ch for ch in text if ch.isalpha()]
    latin = sum("LATIN" in unicodedata.name(ch, "") for ch in letters)
    return not letters or latin >= LATIN_SHARE * len(letters)


def _value(fakers: Sequence, name: str) -> str:
    """A fresh value for one placeholder from the first of ``fakers`` that has a provider for it."""
    provider = PROVIDER.get(name, name)
    for fake in fakers:
        method = getattr(fake, provider, None)
        if method is None:
            continue
        try:
            if provider == "bothify":
                return str(method("?#######").upper())
            value = method()
        except (AttributeError, TypeError, ValueError):
            continue
        return str(value)
    raise LookupError(f"no Faker provider for {{{{{name}}}}}")


def refill(
    rows: Sequence[dict], keep: Callable[[object], bool], per_template: int = 16, seed: int = 14
) -> Iterator[tuple[str, str, list[tuple[int, int, str]]]]:
    """(source, text, gold spans) for each refilled record: ``per_template`` records per template."""
    try:
        import faker
    except ImportError as exc:  # pragma: no cover - a clear message beats a traceback
        raise SystemExit("the public-refill set needs Faker: pip install -e '.[bench]'") from exc
    rng = random.Random(seed)
    locales = sorted(set(faker.config.AVAILABLE_LOCALES) - DEPRECATED)
    cache: dict[str, object] = {}

    def fake_for(locale: str):
        if locale not in cache:
            cache[locale] = faker.Faker(locale)
            cache[locale].seed_instance(rng.randrange(1 << 30))
        return cache[locale]

    latin = [loc for loc in locales if _latin(fake_for(loc).address())]
    fallback = fake_for("en_US")
    for template in templates(rows, keep):
        for _ in range(per_template):
            phone_locale = rng.choice(locales)
            locale = rng.choice(latin)
            fakers = (fake_for(locale), fallback)
            text, offsets = "", []
            for kind, value in template.parts:
                start = len(text)
                if kind == "text":
                    text += value
                elif value == "phone_number":
                    text += _value((fake_for(phone_locale), fallback), value)
                else:
                    text += _value(fakers, value)
                offsets.append((start, len(text)))
            spans = [(offsets[first][0], offsets[last][1], kind) for first, last, kind in template.spans]
            yield f"refill:{template.template_id}:{locale}:{phone_locale}", text, spans
