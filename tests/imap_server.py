"""A real IMAP server for tests: Debian's Dovecot on loopback, in a temp folder.

``DovecotServer`` writes its own config (base_dir, state_dir, log, mail and
TLS certificate all under one temp folder; free loopback ports, never 143 or
993, so a system Dovecot is neither used nor disturbed) and runs
``dovecot -F -c <config>`` as a child process. It listens for implicit TLS
(IMAPS) and for plain IMAP with STARTTLS, with ``ssl = required`` and a
self-signed certificate made with ``cryptography``.

Each test gets a fresh :class:`ImapAccount` (one of the users the passwd-file
was written with), so one server serves the whole session without tests
seeing each other's mail.

Dovecot pitfalls this config works around:

* It refuses to run mail processes as root: the mail (and its folder) belong
  to the package's ``dovecot`` user, and ``first_valid_uid`` is lowered to let
  that system uid through.
* Its unprivileged processes must reach the passwd-file and the mail folder,
  so the temp folder is world-traversable (pytest's own temp root is 0700).
* The default maildir++ layout uses ``.`` as the hierarchy separator and
  rejects ``/`` in names; ``LAYOUT=fs`` with a ``/`` separator allows dotted,
  nested names such as ``Projects.2001/Ünïcode``.
* A failed login is answered after ``auth_failure_delay`` (2 s by default),
  and every later login from that IP is delayed more (anvil's auth penalty, up
  to 15 s): the delay is set to 0 and the penalty socket disabled (mode 0), or
  the tests after the wrong-password one would take seconds each.
* Run as a normal user (not root), it cannot chroot its login and anvil
  processes: chroot is off for both, and every process runs as that user.
* After SIGTERM the master takes a moment to exit and keeps its pid file until
  then: we wait for it, so a restart on the same base_dir does not refuse.
"""

from __future__ import annotations

import datetime
import grp
import ipaddress
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from imapclient import IMAPClient

DOVECOT = Path("/usr/sbin/dovecot")
NOT_INSTALLED = "Debian's dovecot-imapd is not installed; `make imap-server` installs it"
START_TIMEOUT_S = 15.0
#: Users in the passwd-file, all written before start: users appended while
#: Dovecot ran were refused (it re-reads the file lazily).
ACCOUNTS = 40
HOST = "127.0.0.1"


@dataclass(frozen=True)
class ImapAccount:
    """One mailbox on the test server, and helpers that change it behind the connector's back."""

    host: str
    port: int  # implicit TLS (IMAPS)
    starttls_port: int  # plain IMAP; STARTTLS offered
    user: str
    password: str
    ca_file: Path

    @property
    def address(self) -> str:
        return f"{self.user}@example.com"

    def options(self, **extra: str) -> dict[str, str]:
        """Connector options for this account over IMAPS; ``extra`` adds or overrides."""
        base = {
            "host": self.host,
            "port": str(self.port),
            "username": self.user,
            "ca_file": str(self.ca_file),
            "address": self.address,
        }
        return {**base, **extra}

    def client(self) -> IMAPClient:
        """A logged-in IMAPClient (use it as a context manager: it logs out on exit)."""
        context = ssl.create_default_context(cafile=str(self.ca_file))
        client = IMAPClient(self.host, self.port, ssl_context=context, timeout=10)
        try:
            client.plain_login(self.user, self.password)  # SASL PLAIN: UTF-8 passwords too
        except BaseException:
            client.shutdown()
            raise
        return client

    def append(self, folder: str, *messages: bytes, flags: tuple[bytes, ...] = ()) -> list[int]:
        """APPEND each message to ``folder`` (created when missing); their UIDs."""
        with self.client() as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            return [_appended_uid(client.append(folder, data, flags=flags)) for data in messages]

    def expunge(self, folder: str, uids: list[int]) -> None:
        with self.client() as client:
            client.select_folder(folder)
            client.delete_messages(uids)
            client.uid_expunge(uids)

    def flags(self, folder: str) -> dict[int, tuple[bytes, ...]]:
        with self.client() as client:
            client.select_folder(folder, readonly=True)
            return {uid: tuple(flags) for uid, flags in client.get_flags(client.search("ALL")).items()}

    def uidvalidity(self, folder: str) -> int:
        with self.client() as client:
            return int(client.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"])

    def recreate_folder(self, folder: str) -> int:
        """Delete ``folder`` and create it again with the same messages: a new UIDVALIDITY."""
        with self.client() as client:
            client.select_folder(folder, readonly=True)
            bodies = client.fetch(client.search("ALL"), ["BODY.PEEK[]"])
            client.close_folder()
            client.delete_folder(folder)
            client.create_folder(folder)
            for uid in sorted(bodies):
                client.append(folder, bodies[uid][b"BODY[]"])
            return int(client.folder_status(folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"])


class DovecotServer:
    """``dovecot -F`` with a generated config under ``root``; ``stop()`` ends it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.starttls_port = free_port()
        self.ca_file = root / "cert.pem"
        self.log_path = root / "dovecot.log"
        self.passwd = root / "passwd"
        self._unused = [(f"user{n}", f"pw-{os.urandom(6).hex()}") for n in range(1, ACCOUNTS + 1)]
        self._unused_utf8 = [(f"utf8user{n}", f"pässwörd-{os.urandom(6).hex()}") for n in range(1, 4)]
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        mail_user = _mail_user()
        for name in ("run", "state"):
            (self.root / name).mkdir()
        mail = self.root / "mail"
        mail.mkdir()
        shutil.chown(mail, mail_user.pw_uid, mail_user.pw_gid)
        write_self_signed(self.ca_file, self.root / "key.pem")
        users = self._unused + self._unused_utf8
        self.passwd.write_text("".join(f"{user}:{{PLAIN}}{password}\n" for user, password in users), "utf-8")
        config = self.root / "dovecot.conf"
        config.write_text(self._config(mail_user))
        with (self.root / "stderr.log").open("wb") as log:
            self._process = subprocess.Popen(
                [str(DOVECOT), "-F", "-c", str(config)], stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_listening()

    def new_account(self, *, non_ascii_password: bool = False) -> ImapAccount:
        """A user no test has had yet, so with an empty mailbox."""
        pool = self._unused_utf8 if non_ascii_password else self._unused
        if not pool:
            raise RuntimeError("all test accounts of that kind are used; add more in tests/imap_server.py")
        user, password = pool.pop(0)
        return ImapAccount(HOST, self.port, self.starttls_port, user, password, self.ca_file)

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def log_tail(self, lines: int = 20) -> str:
        text = ""
        for path in (self.root / "stderr.log", self.log_path):
            if path.exists():
                text += path.read_text("utf-8", "replace")
        return "\n".join(text.splitlines()[-lines:])

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                break
            if all(_accepts(port) for port in (self.port, self.starttls_port)):
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(
            f"dovecot did not start listening on {HOST}:{self.port} within {START_TIMEOUT_S:.0f} s; "
            f"its log ends:\n{self.log_tail()}"
        )

    def _config(self, mail_user: pwd.struct_passwd) -> str:
        root = self.root
        login_user = "dovenull" if os.geteuid() == 0 else mail_user.pw_name
        return f"""\
base_dir = {root}/run
state_dir = {root}/state
log_path = {self.log_path}
protocols = imap
listen = {HOST}
default_internal_user = {mail_user.pw_name}
default_internal_group = {grp.getgrgid(mail_user.pw_gid).gr_name}
default_login_user = {login_user}
first_valid_uid = 1
ssl = required
ssl_cert = <{self.ca_file}
ssl_key = <{root}/key.pem
ssl_min_protocol = TLSv1.2
auth_mechanisms = plain
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {self.passwd}
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={root}/mail/%u
}}
mail_location = maildir:~/Maildir:LAYOUT=fs
namespace inbox {{
  inbox = yes
  separator = /
}}
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {self.starttls_port}
  }}
  inet_listener imaps {{
    port = {self.port}
    ssl = yes
  }}
}}
"""


@pytest.fixture(scope="session", name="imap_server")
def imap_server_fixture() -> Iterator[DovecotServer]:
    """Dovecot for the session, in a world-traversable temp folder removed afterwards."""
    if not DOVECOT.exists():
        pytest.skip(NOT_INSTALLED)
    with tempfile.TemporaryDirectory(prefix="backchannel-dovecot-") as tmp:
        root = Path(tmp)
        root.chmod(0o755)
        server = DovecotServer(root)
        try:
            server.start()
            yield server
        finally:
            server.stop()


@pytest.fixture(name="imap_account")
def imap_account_fixture(imap_server: DovecotServer) -> ImapAccount:
    """A fresh, empty mailbox on the session's Dovecot."""
    return imap_server.new_account()


def write_self_signed(cert_path: Path, key_path: Path) -> None:
    """A self-signed certificate for 127.0.0.1/localhost that is also its own CA (the client's ca_file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "backchannel test IMAP")])
    now = datetime.datetime.now(datetime.UTC)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_path.chmod(0o600)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.2):
            return True
    except OSError:
        return False


def _mail_user() -> pwd.struct_passwd:
    """The user Dovecot's mail processes run as: never root (Dovecot refuses); the package's user."""
    if os.geteuid() == 0:
        return pwd.getpwnam("dovecot")
    return pwd.getpwuid(os.geteuid())


def _appended_uid(response: bytes) -> int:
    """The UID from an ``[APPENDUID <uidvalidity> <uid>]`` response (Dovecot sends UIDPLUS)."""
    return int(response.split(b"]")[0].split()[-1])
