"""People's names in every form Enron-style headers write them."""

from __future__ import annotations

import random
import string

import pytest

from ingest.names import address_fits_name, display_name, name_key

X500 = "/O=ENRON/OU=NA/CN=RECIPIENTS/CN=PALLEN"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Phillip K Allen", "Phillip K Allen"),
        ('"Allen, Phillip K."', "Phillip K. Allen"),
        ("Allen, Phillip K.", "Phillip K. Allen"),
        (f"Phillip K Allen <{X500}>", "Phillip K Allen"),
        (f"Allen, Phillip K <{X500}>", "Phillip K Allen"),
        (X500, ""),
        (f"<{X500}>", ""),
        ("phillip.allen@enron.com", ""),
        ("k..allen@enron.com", ""),
        ("<pallen@enron.com>", ""),
        ("Phillip K Allen/HOU/ECT@ECT", "Phillip K Allen"),
        ("Steven J Kean/NA/Enron@Enron", "Steven J Kean"),
        ("Jeff Dasovich@ENRON", "Jeff Dasovich"),
        ("Kim Ward/ENRON@enronXgate", "Kim Ward"),
        ("""\"'phillip.allen@enron.com'" <phillip.allen@enron.com>""", ""),
        ('"Maria Gonzalez" <maria.gonzalez@gmail.com>@ENRON', "Maria Gonzalez"),
        ("Chase Belew <cbelew@e-steel.com> @ ENRON", "Chase Belew"),
        ("Hunter S Shively/HOU/ECT@ENRON <??SHunter S Shively/HOU/ECT@ENRON>", "Hunter S Shively"),
        ("'Mike Grigsby'", "Mike Grigsby"),
        ("Brian Pigott (E-mail)", "Brian Pigott"),
        (
            '"Norb D. Mizwicki" <ndm@maininc.org> (by way of "Donna J. Polhill" <djp@maininc.org>)@ENRON',
            "Norb D. Mizwicki",
        ),
        ('"mike" <mgrigsby@swbell.net>@sfgate.com>', "mike"),
        ("Editorconsensus@aol.com@ENRON <IMCEANOTES-Editorconsensus+40aol+2Ecom+40ENRON@ENRON.com>", ""),
        ("O'Rourke, Ryan </O=ENRON/OU=NA/CN=RECIPIENTS/CN=Rorourke>", "Ryan O'Rourke"),
        ("Smith, Jr.", "Smith, Jr."),
        ("Enron Announcements@ENRON", "Enron Announcements"),
        ("Office of the Chairman-@ENRON", "Office of the Chairman"),
        ("José García", "José García"),
        ("  Ann\t\x07Lee\x00 ", "Ann Lee"),
        ("", ""),
        ("!!! ,,, ---", ""),
        ("Allen K", "Allen K"),
    ],
)
def test_names_display_name(raw: str, expected: str) -> None:
    assert display_name(raw) == expected


def test_names_display_name_never_raises() -> None:
    rng = random.Random(1234)
    alphabet = string.printable + "<>\"'@/=,()\x00\x01\x1b\x7f\u00e9\u4e2d\u202e\ud800"
    odd = [
        "<" * 500,
        "(" * 500 + ")" * 3,
        "@" * 2000,
        "a/" * 3000 + "@b",
        '"' * 999,
        ", " * 800,
        "x" * 100_000,
    ]
    samples = odd + ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80))) for _ in range(2000)]
    for raw in samples:
        shown = display_name(raw)
        assert isinstance(shown, str) and len(shown) <= 1000
        key = name_key(raw)
        assert key is None or (len(key) == 2 and all(key))
        address_fits_name(raw, ("phillip", "allen"))


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Phillip K Allen", ("phillip", "allen")),
        ("Phillip K. Allen", ("phillip", "allen")),
        ("phillip allen", ("phillip", "allen")),
        ("PHILLIP ALLEN", ("phillip", "allen")),
        ("Allen, Phillip K.", ("phillip", "allen")),
        (f"Allen, Phillip K <{X500}>", ("phillip", "allen")),
        ("Phillip K Allen/HOU/ECT@ECT", ("phillip", "allen")),
        ('"Allen, Phillip" <phillip.allen@enron.com>', ("phillip", "allen")),
        ("José García", ("jose", "garcia")),
        ("Dr. John Smith Jr.", ("john", "smith")),
        ("John Smith III", ("john", "smith")),
        ("Mr John Q. Adams", ("john", "adams")),
        ("J. Michael Smith", ("michael", "smith")),
        ("Ryan O'Rourke", ("ryan", "orourke")),
        ("Jean-Marc Dupont", ("jeanmarc", "dupont")),
        ("Mary Ann Smith-Jones", ("mary", "smithjones")),
        ("Gay, Randall L.", ("randall", "gay")),
        ("Cathy Jo Allen", ("cathy", "allen")),
        # not a person's name
        ("Phillip", None),
        ("phillip.allen@enron.com", None),
        (X500, None),
        ("Allen K", None),
        ("K Allen", None),
        ("Enron Announcements", None),
        ("Outlook Migration Team", None),
        ("Office of the Chairman", None),
        ("ENA Public Relations", None),
        ("SmartMoney.com", None),
        ("FREE DEBT RELIEF!", None),
        ("Charles Schwab & Co., Inc.", None),
        ("Agent 007 Bond", None),
        ("Ann Lee3", None),
        ("王 小明", None),
        ("", None),
        ("one two three four five six", None),
    ],
)
def test_names_name_key(name: str, key: tuple[str, str] | None) -> None:
    assert name_key(name) == key


PHILLIP = ("phillip", "allen")


@pytest.mark.parametrize(
    ("address", "key", "fits"),
    [
        ("phillip.allen@enron.com", PHILLIP, True),
        ("Phillip.Allen@ENRON.com", PHILLIP, True),
        ("k..allen@enron.com", PHILLIP, True),
        ("pallen@enron.com", PHILLIP, True),
        ("phillip_allen@enron.com", PHILLIP, True),
        ("allen.phillip@enron.com", PHILLIP, True),
        ("phillip.k.allen@enron.com", PHILLIP, True),
        ("p.allen@enron.com", PHILLIP, True),
        ("phil.allen@enron.com", PHILLIP, True),
        ("phillip-allen@enron.com", PHILLIP, True),
        ("phillipallen@enron.com", PHILLIP, True),
        ("allenp@enron.com", PHILLIP, True),
        ("pkallen@enron.com", PHILLIP, True),
        ("pallen2@enron.com", PHILLIP, True),
        ("phillip.allen+gas@enron.com", PHILLIP, True),
        ("phillip.allen", PHILLIP, True),
        ("mike.grigsby@enron.com", ("michael", "grigsby"), True),
        ("michael.grigsby@enron.com", ("mike", "grigsby"), True),
        ("mary.smith-jones@enron.com", ("mary", "smithjones"), True),
        ("jose.garcia@enron.com", ("jose", "garcia"), True),
        # must not fit
        ("john.smith@enron.com", PHILLIP, False),
        ("john.allen@enron.com", PHILLIP, False),
        ("allen@enron.com", PHILLIP, False),
        ("phillip@enron.com", PHILLIP, False),
        ("kallen@enron.com", PHILLIP, False),
        ("phillip.allenby@enron.com", PHILLIP, False),
        ("allen.jones@enron.com", PHILLIP, False),
        ("ph.allen@enron.com", PHILLIP, False),
        ("pallen@enron.com", ("peter", "keavey"), False),
        ("enron.announcements@enron.com", PHILLIP, False),
        ("", PHILLIP, False),
        ("@enron.com", PHILLIP, False),
        ("phillip.allen@enron.com", ("", "allen"), False),
    ],
)
def test_names_address_fits_name(address: str, key: tuple[str, str], fits: bool) -> None:
    assert address_fits_name(address, key) is fits
