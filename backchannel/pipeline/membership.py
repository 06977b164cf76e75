"""Who is a member of the organisation, and who is an outsider.

Members keep their names in stored text (colleagues talking about each other
is the knowledge); outsiders' names are personal data and are redacted
wherever they appear, even where the NER model misses them.
"""

from __future__ import annotations

import re
import unicodedata

from backchannel.store import Store

#: Mail providers whose domain says nothing about an organisation.
FREE_MAIL = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
        "msn.com", "aol.com", "icloud.com", "me.com", "mail.com", "gmx.com", "gmx.net",
        "protonmail.com", "proton.me", "yandex.com", "comcast.net", "earthlink.net",
    }
)  # fmt: skip


#: Person id -> (display name, identity keys), as ``Store.identity_keys`` gives them.
People = dict[int, tuple[str, list[str]]]


def org_domains(store: Store, configured: str = "", people: People | None = None) -> set[str]:
    """The configured domains, or: those of Slack members plus the one most mail is from."""
    if configured.strip():
        return {d.strip().lower().lstrip("@") for d in configured.split(",") if d.strip()}
    domains: set[str] = set()
    for _name, keys in (store.identity_keys() if people is None else people).values():
        if any(k.startswith("slack:") for k in keys):
            domains.update(k.rsplit("@", 1)[1] for k in keys if "@" in k)
    mail = {d: n for d, n in store.authored_mail_domains().items() if d not in FREE_MAIL}
    if mail:
        domains.add(max(mail, key=lambda d: (mail[d], d)))
    return domains - FREE_MAIL


def split_names(people: People, domains: set[str]) -> tuple[set[str], set[str]]:
    """(members' names, outsiders' names) of every named person.

    An outsider's display name counts only when it looks like a person's: one
    of its words is in their address ("Maria Gonzalez" <maria.gonzalez@…>),
    which "Energy Briefing" <editor@…> is not, so newsletter names stay.
    """
    members: set[str] = set()
    outsiders: set[str] = set()
    for name, keys in people.values():
        if any(k.startswith("slack:") or k.rsplit("@", 1)[-1] in domains for k in keys):
            members.add(name)
        elif _name_in_address(name, keys):
            outsiders.add(name)
    return members, outsiders - members


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def _name_in_address(name: str, keys: list[str]) -> bool:
    words = [w for w in re.findall(r"\w+", _fold(name)) if len(w) >= 3]
    locals_ = [_fold(k.split("@", 1)[0]) for k in keys if "@" in k]
    return any(w in local for w in words for local in locals_)
