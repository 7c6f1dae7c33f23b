"""A home: the folder holding one township's settings, registry, inbox, archive, outbox and database."""
from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from schemas import default_file
from schemas.catalog import Catalog, load_catalog
from schemas.registry import Registry, Township, Unit, dump_registry, load_registry
from schemas.settings import DEFAULT_SETTINGS_TOML, Settings, load_settings

RECEIPT_DIR = "回执"      # receipts back to the clerk
TEMPLATE_DIR = "模板"     # blank templates for the clerk; never ingested


@dataclass(frozen=True)
class Home:
    root: Path
    settings: Settings
    registry: Registry
    catalog: Catalog

    @property
    def inbox(self) -> Path:
        return self.root / self.settings.inbox

    @property
    def archive(self) -> Path:
        return self.root / self.settings.archive

    @property
    def outbox(self) -> Path:
        return self.root / self.settings.outbox

    @property
    def database_url(self) -> str:
        url = self.settings.database_url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str((self.root / url[len(prefix):]).resolve())
        return url

    def unit_inbox(self, code: str) -> Path:
        return self.inbox / code

    def receipt_dir(self, code: str) -> Path:
        return self.inbox / code / RECEIPT_DIR

    def template_dir(self, code: str) -> Path:
        return self.inbox / code / TEMPLATE_DIR


def resolve_home(home: str | os.PathLike | None) -> Path:
    """--home, else $TOWNSHIP_HOME, else the current directory (DESIGN §6)."""
    if home:
        return Path(home).expanduser().resolve()
    env = os.environ.get("TOWNSHIP_HOME")
    return Path(env).expanduser().resolve() if env else Path.cwd().resolve()


class HomeError(Exception):
    """A home that cannot be used (missing files, invalid settings); terminal."""


def open_home(root: Path) -> Home:
    registry_path = root / "units.yaml"
    if not registry_path.exists():
        raise HomeError(f"{root} 不是 township 实例目录（没有 units.yaml）：请用 --home 指向实例目录，"
                        f"或先创建一个：township init {root}")
    settings = load_settings(root / "township.toml")
    catalog_path = root / settings.catalog
    catalog = load_catalog(catalog_path if catalog_path.exists() else default_file("indicators.yaml"))
    return Home(root=root, settings=settings, registry=load_registry(registry_path), catalog=catalog)


def township_today(home: Home) -> dt.date:
    """Today where the township is (its schedules' time zone), not where the machine's clock is set."""
    return dt.datetime.now(ZoneInfo(home.settings.schedules.timezone)).date()




def sample_registry() -> Registry:
    """The reference township's units, for `township init` without a registry of one's own. Built when
    asked: a model built at import would build pydantic's validators in every process (snapshots.py)."""
    return Registry(
        township=Township(code="410423105", name="下汤镇", county="鲁山县"),
        units=(
            Unit(code="410423105001", name="下汤镇司法所", kind="office", contact="李娜", phone="0375-5012001"),
            Unit(code="410423105201", name="下汤村", kind="village", contact="王建军", phone="13803750201"),
            Unit(code="410423105202", name="松垛村", kind="village", contact="张秀英", phone="13803750202"),
        ),
    )


def init_home(root: Path, registry: Registry | None = None) -> Home:
    """Create a home: settings, registry (the reference township's without one), an editable copy of the
    catalog and one inbox folder per unit.

    Existing files are kept (re-running init is safe); missing folders are created.
    """
    root.mkdir(parents=True, exist_ok=True)
    _write_if_absent(root / "township.toml", DEFAULT_SETTINGS_TOML)
    _write_if_absent(root / "units.yaml", dump_registry(registry or sample_registry()))
    if not (root / "indicators.yaml").exists():
        shutil.copyfile(default_file("indicators.yaml"), root / "indicators.yaml")
    home = open_home(root)
    for sub in (home.inbox, home.archive, home.outbox):
        sub.mkdir(parents=True, exist_ok=True)
    for unit in home.registry.units:
        home.receipt_dir(unit.code).mkdir(parents=True, exist_ok=True)
    return home


def _write_if_absent(path: Path, text: str) -> None:
    if not path.exists():
        path.write_text(text, encoding="utf-8")
