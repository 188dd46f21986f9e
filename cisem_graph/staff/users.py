"""Staff accounts: named users with scrypt password hashes, in one JSON file (``staff_users_file``).

The file is managed by ``cisem-graph user add|remove`` and read by the server at each sign-in and
each request of the staff area, so a user removed (or a password changed) is signed out at once:
a session carries a fingerprint of the hash it signed in with. No password is ever stored or
logged; a hash is ``scrypt$N$r$p$salt$key`` (``hashlib.scrypt``, parameters kept with it so they
can be raised later without invalidating old hashes).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from ..errors import ConfigError

#: scrypt's cost (16 MiB, about 0.1 s here): what Django's scrypt hasher uses
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES, KEY_BYTES = 16, 32
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")


@dataclass(frozen=True)
class User:
    name: str
    password: str  #: the scrypt hash, never the password
    full_name: str = ""
    email: str = ""

    @property
    def fingerprint(self) -> str:
        """Changes with the password: a session signed in with another hash is over."""
        return hashlib.sha256(self.password.encode()).hexdigest()[:16]

    @property
    def shown(self) -> str:
        return self.full_name or self.name

    @property
    def author(self) -> tuple[str, str]:
        """Name and e-mail for a git commit (``.invalid`` when the account has no address)."""
        return self.shown, self.email or f"{self.name}@staff.invalid"


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, n, r, p)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, encoded: str) -> bool:
    try:
        scheme, n, r, p, salt, key = encoded.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        found = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p), len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, size: int = KEY_BYTES) -> bytes:
    if len(password) > MAX_PASSWORD:
        raise ValueError("password too long")
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=256 * r * (n + p + 2), dklen=size)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@cache
def _dummy() -> str:
    """A hash to check against when the user does not exist, so that a wrong name takes as long as
    a wrong password (no telling names apart by their timing)."""
    return hash_password(secrets.token_hex(16))


class Users:
    """The users file, read again whenever it changed on disk."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._seen: tuple[int, int] | None = None
        self._users: dict[str, User] = {}

    def get(self, name: str) -> User | None:
        return self.all().get(name)

    def all(self) -> dict[str, User]:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise ConfigError(f"staff_users_file cannot be read ({exc.strerror})") from exc
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._seen:
            self._users, self._seen = read_users(self.path), stamp
        return self._users

    def authenticate(self, name: str, password: str) -> User | None:
        """The user, when ``password`` is theirs; ``None`` otherwise (in the same time)."""
        user = self.get(name)
        ok = verify_password(password, user.password if user else _dummy())
        return user if ok and user is not None else None


def read_users(path: Path) -> dict[str, User]:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        return {name: User(name=name, **fields) for name, fields in raw["users"].items()}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"staff_users_file is not a users file of cisem-graph ({exc}); manage it "
                          "with `cisem-graph user add|remove`") from exc


def write_users(path: Path, users: dict[str, User]) -> None:
    """Atomically, readable by its owner only (it holds hashes)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"users": {name: {k: v for k, v in asdict(user).items() if k != "name"}
                      for name, user in sorted(users.items())}}
    handle, temporary = tempfile.mkstemp(prefix=".users-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(body, out, indent=2, ensure_ascii=False)
            out.write("\n")
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def check_new_user(name: str, password: str, email: str = "") -> None:
    """``ValueError`` saying what to change, for ``user add``."""
    if not NAME.match(name):
        raise ValueError("a user name is lower-case letters, digits, '.', '_' or '-' (up to 64), "
                         "starting with a letter or digit")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"the password needs {MIN_PASSWORD} characters or more")
    if len(password) > MAX_PASSWORD:
        raise ValueError(f"the password is longer than {MAX_PASSWORD} characters")
    if email and not EMAIL.match(email):
        raise ValueError(f"not an e-mail address: {email!r}")


def add_user(path: Path, name: str, password: str, full_name: str = "", email: str = "") -> bool:
    """Add (or replace: returns ``True``) a user."""
    check_new_user(name, password, email)
    users = read_users(path)
    replaced = name in users
    users[name] = User(name, hash_password(password), full_name.strip(), email.strip())
    write_users(path, users)
    return replaced


def remove_user(path: Path, name: str) -> bool:
    users = read_users(path)
    if name not in users:
        return False
    del users[name]
    write_users(path, users)
    return True
