"""Write ``pii_eval.jsonl``: the labeled PII set, from templates filled in by code.

    .venv/bin/python bench/pii_data/make_pii_eval.py

Every text is written by us (Enron-style mail, Slack-style chat); every value
(names, numbers, keys) is made up here by a seeded generator, so the offsets
are exact and the output is the same on every run. ``{SLOT}`` marks a
labeled value, ``{_SLOT}`` an unlabeled filler (deal numbers, prices, dates:
the PII-looking things that are not PII); ``{SLOT#k}`` repeats one value
within a record. The split (dev/test) is per template, so no template is
tuned on and then reported on.
"""

from __future__ import annotations

import json
import random
import re
import string
from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).with_name("pii_eval.jsonl")
SEED = 20261124
INSTANCES = 3
DEV_SHARE = 0.3

FIRST = (
    "James Robert Michael David Richard Thomas Daniel Matthew Anthony Steven Brian Gregory Laura Susan "
    "Karen Nancy Lisa Sandra Donna Carol Sharon Michelle Rebecca Kathleen Angela Brenda Pamela Deborah "
    "Heather Diane Julie Teresa Tracy Stacey Kimberly Monica Denise Gloria Rosa Hector Luis Carlos Miguel "
    "Ramon Jeff Greg Doug Phil Beth Cathy Sheila Darrell Wendell Lorraine Marcy Priya Anand Oksana Dmitri "
    "Nkechi Ingrid Soren Thaddeus Yuki Kenji Farah Tariq Leticia Marisol Esperanza Bogdan Siobhan Lars "
    "Annika Ravi Olumide Fatima Ilse Cosmo Delphine Ezra Lucinda Rupert"
).split()
LAST = (
    "Hollister Brennan Kowalski Delgado Whitfield Nakamura Okafor Lindqvist Marchetti Pruitt Castellanos "
    "Haverford Duchesne Abernathy Vasquez Thornbury Gallagher McAllister Szymanski Petrov Ramanathan "
    "Oyelaran Holloway Kessler Fairbanks Ridley Ashworth Montoya Calloway Stroud Baptiste Iverson Lindgren "
    "Nguyen Patel Chen Garza Romero Fischer Huang Boyd Ortega Weller Drummond Quinlan Escobedo Farrow"
).split()
AREA = ["713", "281", "832", "212", "503", "415", "303", "402", "214", "877"]
STREETS = [
    "Smith Street",
    "Westheimer Rd",
    "Louisiana St",
    "Kirby Drive",
    "Bissonnet St",
    "Memorial Dr",
    "Elm Street",
    "Post Oak Blvd",
    "Montrose Blvd",
    "Travis St",
]
CO = [
    "Enron North America",
    "Enron Capital & Trade Resources Corp.",
    "Velocity Gas Marketing",
    "Northbrook Energy LLC",
    "Tejas Pipeline Co.",
    "Bayou Power Partners",
]
WORDS = ["blue", "gas", "desk", "summer", "tiger", "houston", "trade", "river", "falcon", "winter"]


def luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    """A number of ``length`` digits starting with ``prefix`` whose Luhn check passes."""
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    for check in string.digits:
        digits = [int(c) for c in body + check][::-1]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits))
        if total % 10 == 0:
            return body + check
    raise AssertionError("unreachable")


def iban(country: str, bban: str) -> str:
    """An IBAN with correct ISO 13616 check digits."""
    moved = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(moved) % 97:02d}{bban}"


class Filler:
    """Random values for one record; ``#k`` slots repeat their value."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: dict[str, str] = {}

    def d(self, n: int) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(n))

    def an(self, n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def hex(self, n: int) -> str:
        return self.an(n, "0123456789abcdef")

    def first(self) -> str:
        return self.rng.choice(FIRST)

    def last(self) -> str:
        return self.rng.choice(LAST)

    def phone(self) -> str:
        a, x, n = self.rng.choice(AREA), f"{self.rng.randint(2, 9)}{self.d(2)}", self.d(4)
        forms = [
            f"{a}/{x}-{n}",
            f"({a}) {x}-{n}",
            f"{a}-{x}-{n}",
            f"{a}.{x}.{n}",
            f"{a} {x} {n}",
            f"+1 {a} {x} {n}",
            f"1-{a}-{x}-{n}",
            f"{a}-{x}-{n} x{self.d(4)}",
            f"({a}) {x}-{n} ext. {self.d(3)}",
            f"+44 20 {self.rng.randint(7, 8)}{self.d(3)} {self.d(4)}",
            f"{a}{x}{n}",
            f"{x}-{n}",
        ]
        return self.rng.choice(forms)

    def ssn(self) -> str:
        area = self.rng.choice([a for a in range(1, 900) if a != 666])
        g, s = self.rng.randint(1, 99), self.rng.randint(1, 9999)
        sep = self.rng.choice(["-", "-", "-", " ", ""])
        return f"{area:03d}{sep}{g:02d}{sep}{s:04d}"

    def card(self) -> str:
        kind = self.rng.choice(["visa", "mc", "amex", "disc"])
        if kind == "amex":
            n = luhn_complete(self.rng.choice(["34", "37"]), 15, self.rng)
            return self.rng.choice([f"{n[:4]} {n[4:10]} {n[10:]}", n])
        n = luhn_complete(
            {"visa": "4", "mc": f"5{self.rng.randint(1, 5)}", "disc": "6011"}[kind], 16, self.rng
        )
        sep = self.rng.choice([" ", "-", ""])
        return sep.join(n[i : i + 4] for i in range(0, 16, 4))

    def iban(self) -> str:
        country = self.rng.choice(["DE", "GB", "NL", "FR", "ES", "CH"])
        bban = {
            "DE": lambda: self.d(18),
            "GB": lambda: self.rng.choice(["NWBK", "BARC", "MIDL", "LOYD"]) + self.d(14),
            "NL": lambda: self.rng.choice(["ABNA", "INGB", "RABO"]) + self.d(10),
            "FR": lambda: self.d(23),
            "ES": lambda: self.d(20),
            "CH": lambda: self.d(17),
        }[country]()
        code = iban(country, bban)
        if self.rng.random() < 0.6:
            return " ".join(code[i : i + 4] for i in range(0, len(code), 4))
        return code

    def ip(self) -> str:
        r = self.rng.randint
        return self.rng.choice(
            [
                f"10.{r(0, 255)}.{r(0, 255)}.{r(1, 254)}",
                f"192.168.{r(0, 9)}.{r(2, 254)}",
                f"172.{r(16, 31)}.{r(0, 255)}.{r(1, 254)}",
                f"{r(60, 210)}.{r(1, 255)}.{r(0, 255)}.{r(1, 254)}",
                f"2001:db8:{self.an(4, '0123456789abcdef')}::{r(1, 99)}",
                f"fe80::{self.hex(3)}:{self.hex(4)}:fe{self.hex(2)}:{self.hex(4)}",
            ]
        )

    def password(self) -> str:
        w = self.rng.choice(WORDS)
        return self.rng.choice(
            [
                f"{w.capitalize()}{self.d(4)}!",
                f"{w}{self.d(2)}",
                f"Tr{self.d(1)}p{w}#{self.d(2)}",
                f"{self.an(10, string.ascii_letters + string.digits + '!@#$%')}",
            ]
        )

    def token(self) -> str:
        up = string.ascii_uppercase + string.digits
        return self.rng.choice(
            [
                f"xoxb-{self.d(12)}-{self.d(13)}-{self.an(24)}",
                f"xoxp-{self.d(11)}-{self.d(11)}-{self.an(32, '0123456789abcdef')}",
                f"AKIA{self.an(16, up)}",
                f"ghp_{self.an(36)}",
                f"sk_live_{self.an(24)}",
                f"{self.an(32, '0123456789abcdef')}",
            ]
        )

    def street(self) -> str:
        base = f"{self.rng.randint(100, 9999)} {self.rng.choice(STREETS)}"
        return self.rng.choice(
            [
                base,
                f"{base}, Apt {self.rng.randint(1, 40)}{self.rng.choice('ABCD')}",
                f"{base}, EB {self.rng.randint(2000, 4999)}",
                f"{base}, Suite {self.rng.randint(100, 2400)}",
            ]
        )

    def dob(self) -> str:
        y, m, dd = self.rng.randint(1940, 1982), self.rng.randint(1, 12), self.rng.randint(1, 28)
        month = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ][m - 1]
        return self.rng.choice([f"{m:02d}/{dd:02d}/{y}", f"{m}/{dd}/{y % 100:02d}", f"{month} {dd}, {y}"])

    def email(self) -> str:
        first, last = self.first().lower(), self.last().lower()
        dom = self.rng.choice(
            [
                "enron.com",
                "enron.com",
                "ect.enron.com",
                "aol.com",
                "hotmail.com",
                "yahoo.com",
                "velocitygas.com",
                "gmail.com",
                "bayoupower.net",
            ]
        )
        user = self.rng.choice(
            [
                f"{first}.{last}",
                f"{first[0]}{last}",
                f"{first}{self.d(2)}",
                f"{first}_{last}",
                f"{last}{first[0]}",
            ]
        )
        return f"{user}@{dom}"


def _slots(f: Filler) -> dict[str, tuple[str | None, Callable[[], str]]]:
    r = f.rng
    return {
        "NAME": ("PERSON", lambda: f"{f.first()} {f.last()}"),
        "NAMEM": ("PERSON", lambda: f"{f.first()} {r.choice(string.ascii_uppercase)}. {f.last()}"),
        "LASTFIRST": ("PERSON", lambda: f"{f.last()}, {f.first()}"),
        "FIRST": ("PERSON", f.first),
        "first": ("PERSON", lambda: f.first().lower()),
        "name": ("PERSON", lambda: f"{f.first()} {f.last()}".lower()),
        "LAST": ("PERSON", f.last),
        "EMAIL": ("EMAIL_ADDRESS", f.email),
        "PHONE": ("PHONE_NUMBER", f.phone),
        "SSN": ("US_SSN", f.ssn),
        "CARD": ("CREDIT_CARD", f.card),
        "IBAN": ("IBAN_CODE", f.iban),
        "IP": ("IP_ADDRESS", f.ip),
        "PW": ("CREDENTIAL", f.password),
        "TOKEN": ("CREDENTIAL", f.token),
        "BANK": ("US_BANK_NUMBER", lambda: f.d(r.randint(9, 14))),
        "DL": ("US_DRIVER_LICENSE", lambda: f.d(8)),
        "PASSPORT": ("US_PASSPORT", lambda: f.d(9)),
        "ADDR": ("STREET_ADDRESS", f.street),
        "DOB": ("DATE_OF_BIRTH", f.dob),
        "_DEAL": (None, lambda: r.choice([f.d(6), f"QF{f.d(4)}.1", f"{f.d(7)}", f"EOL {f.d(7)}"])),
        "_PRICE": (
            None,
            lambda: r.choice(
                [
                    f"${r.randint(1, 9)}.{f.d(2)}",
                    f"${r.randint(10, 999)},{f.d(3)}.00",
                    f"{r.randint(2, 6)}.{f.d(3)}",
                ]
            ),
        ),
        "_VOL": (
            None,
            lambda: r.choice(
                [
                    f"{r.randint(5, 90)},000 MMBtu",
                    f"{r.randint(10, 900)} MW",
                    f"{r.randint(1, 40)},{f.d(3)} Dth/d",
                ]
            ),
        ),
        "_DATE": (
            None,
            lambda: r.choice(
                [
                    f"{r.randint(1, 12)}/{r.randint(1, 28)}/2001",
                    f"Nov-0{r.randint(0, 2)}",
                    f"October {r.randint(1, 28)}, 2001",
                    f"2001-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
                ]
            ),
        ),
        "_TIME": (
            None,
            lambda: r.choice(
                [
                    f"{r.randint(1, 12):02d}:{f.d(1)}0 AM",
                    f"{r.randint(1, 11)}:{r.randint(0, 5)}5 PM",
                    f"{r.randint(7, 17)}:{r.randint(0, 5)}0",
                ]
            ),
        ),
        "_ORDER": (
            None,
            lambda: r.choice([f"PO {f.d(10)}", f"#A-{f.d(5)}", f"INC{f.d(7)}", f"2001-{f.d(4)}-{f.d(3)}"]),
        ),
        "_VER": (
            None,
            lambda: r.choice([f"{r.randint(1, 9)}.{r.randint(0, 9)}.{r.randint(0, 20)}", f"4.0.1.{f.d(4)}"]),
        ),
        "_ZIP": (None, lambda: f"77{f.d(3)}"),
        "_CO": (None, lambda: r.choice(CO)),
        "_Q": (None, lambda: f"Q{r.randint(1, 4)}"),
        "_N": (None, lambda: str(r.randint(2, 400))),
    }


SLOT = re.compile(r"\{(_?[A-Za-z]+)(#\d+)?\}")


def fill(template: str, filler: Filler) -> tuple[str, list[dict[str, object]]]:
    """The template with every slot filled, and the labeled spans (exact offsets)."""
    slots = _slots(filler)
    out, spans, pos = [], [], 0
    for m in SLOT.finditer(template):
        out.append(template[pos : m.start()])
        kind, make = slots[m.group(1)]
        key = m.group(0)
        value = filler.seen.get(key) if m.group(2) else None
        if value is None:
            value = make()
            if m.group(2):
                filler.seen[key] = value
        start = sum(map(len, out))
        out.append(value)
        if kind is not None:
            spans.append({"start": start, "end": start + len(value), "type": kind})
        pos = m.end()
    out.append(template[pos:])
    return "".join(out), spans


def main() -> None:
    from templates import TEMPLATES  # beside this file

    rng = random.Random(SEED)
    split_rng = random.Random(SEED + 1)
    rows = []
    for t_index, (source, template) in enumerate(TEMPLATES):
        split = "dev" if split_rng.random() < DEV_SHARE else "test"
        for k in range(INSTANCES):
            text, spans = fill(template, Filler(rng))
            rows.append(
                {"id": f"t{t_index:03d}-{k}", "source": source, "split": split, "text": text, "spans": spans}
            )
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} records, {sum(len(r['spans']) for r in rows)} spans to {OUT}")


if __name__ == "__main__":
    main()
