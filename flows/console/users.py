"""The console's users: `<home>/.console/users.json`, each a name, a role and an argon2 hash of the
password (never the password). Plain functions over the file; the CLI and the login page call them."""
from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = {"operator": "操作员", "leader": "领导"}
CONSOLE_DIR = ".console"
MIN_PASSWORD = 8
NAME = re.compile(r"^[\w\u4e00-\u9fff.-]{1,32}$")
_hasher = PasswordHasher()
# A hash verified when the name is unknown: an unknown name costs as long as a wrong password.
_DUMMY = _hasher.hash("township-console-no-such-user")


class UserError(ValueError):
    """A user that cannot be added as asked (bad name, role or password): the operator's to mend."""


@dataclass(frozen=True)
class User:
    name: str
    role: str

    @property
    def leader(self) -> bool:
        return self.role == "leader"

    @property
    def role_label(self) -> str:
        return ROLES[self.role]


def console_dir(root: Path) -> Path:
    return root / CONSOLE_DIR


def users_path(root: Path) -> Path:
    return console_dir(root) / "users.json"


def load_users(root: Path) -> dict[str, dict]:
    path = users_path(root)
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8")).get("users", {})


def has_users(root: Path) -> bool:
    return bool(load_users(root))


def add_user(root: Path, name: str, role: str, password: str) -> User:
    """Add or replace a user (a new password for a known name); the file is only the owner's to read."""
    name = name.strip()
    if not NAME.match(name):
        raise UserError(f"用户名“{name}”不合适：请用 1–32 个汉字、字母、数字、点、横线或下划线")
    if role not in ROLES:
        raise UserError(f"角色应为 operator（操作员）或 leader（领导），收到“{role}”")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少 {MIN_PASSWORD} 位")
    users = load_users(root)
    users[name] = {"role": role, "hash": _hasher.hash(password)}
    _write_private(users_path(root), json.dumps({"users": users}, ensure_ascii=False, indent=1))
    return User(name, role)


def check_password(root: Path, name: str, password: str) -> User | None:
    """The user when name and password match; None otherwise (taking as long either way)."""
    entry = load_users(root).get(name)
    try:
        _hasher.verify(entry["hash"] if entry else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    return User(name, entry["role"]) if entry else None


def user_named(root: Path, name: str) -> User | None:
    entry = load_users(root).get(name)
    return User(name, entry["role"]) if entry and entry.get("role") in ROLES else None


def secret_key(root: Path) -> str:
    """The key that signs session cookies: made once per home, readable only by its owner."""
    path = console_dir(root) / "secret"
    if not path.is_file():
        _write_private(path, secrets.token_urlsafe(48))
    return path.read_text(encoding="utf-8").strip()


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
