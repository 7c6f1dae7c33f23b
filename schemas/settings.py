"""The settings file of a home (township.toml) as a typed model with sane defaults."""
from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class Schedules(BaseModel):
    model_config = ConfigDict(frozen=True)
    timezone: str = "Asia/Shanghai"
    ingest: str = "*/10 * * * *"
    period_summary: str = "0 8 5 * *"
    annual_report: str = "0 8 20 12 *"


class CalendarSettings(BaseModel):
    """Holidays and 调休 workdays the township declares for years the calendar library lacks."""
    model_config = ConfigDict(frozen=True)
    holidays: tuple[dt.date, ...] = ()
    workdays: tuple[dt.date, ...] = ()


class Limits(BaseModel):
    """Bounds on any one dropped file, so a hostile file cannot hang or exhaust a run."""
    model_config = ConfigDict(frozen=True)
    max_file_mb: float = 20.0
    max_inflated_mb: float = 100.0
    max_inflate_ratio: float = 200.0
    max_cells: int = 200_000
    read_timeout_s: float = 5.0
    read_memory_mb: int = 300


class Delivery(BaseModel):
    model_config = ConfigDict(frozen=True)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    starttls: bool = False
    username: str = ""
    password_env: str = ""  # the NAME of an environment variable holding the password, never the password
    sender: str = ""
    recipients: tuple[str, ...] = ()


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)
    database_url: str = "sqlite:///township.db"  # a relative SQLite path is relative to the home
    catalog: str = "indicators.yaml"              # relative to the home; the packaged default if absent
    inbox: str = "inbox"
    archive: str = "archive"
    outbox: str = "outbox"
    settle_seconds: float = Field(default=30.0, ge=0)
    due_working_days: int = Field(default=5, ge=0)
    outlier_factor: float = 3.0
    outlier_floor: int = 20
    max_count: int = 1_000_000
    batch_size: int = 1000  # files per Prefect task: each task starts its reading children (~0.1 s)
    fault_wait_s: float = Field(default=60.0, ge=0)  # a fault of ours (database away, disk full) waited out
    schedules: Schedules = Schedules()
    calendar: CalendarSettings = CalendarSettings()
    limits: Limits = Limits()
    delivery: Delivery | None = None


def load_settings(path: Path) -> Settings:
    if not path.exists():
        return Settings()
    return Settings(**tomllib.loads(path.read_text(encoding="utf-8")))


DEFAULT_SETTINGS_TOML = """\
# township.toml — settings of one township home (DESIGN §6). Paths are relative to this folder.
database_url = "sqlite:///township.db"   # or postgresql+psycopg://user@host/dbname
catalog = "indicators.yaml"              # the indicator catalog; edit it to add indicators
inbox = "inbox"
archive = "archive"
outbox = "outbox"
settle_seconds = 30        # a file must be unchanged this long before it is read (still copying?)
due_working_days = 5       # a month's return is due this many PRC working days after the month ends
outlier_factor = 3.0       # warn when a value > factor × the unit's median of earlier months …
outlier_floor = 20         # … and above this floor
max_count = 1000000        # larger counts are refused as absurd
fault_wait_s = 60          # a run waits out a fault of ours (database away or locked, disk full) this long,
                           # then stops with a message; the files wait in the inbox for the next run

[schedules]                # cron expressions, in this time zone
timezone = "Asia/Shanghai"
ingest = "*/10 * * * *"
period_summary = "0 8 5 * *"
annual_report = "0 8 20 12 *"

[calendar]                 # for years the calendar library does not know yet (it knows 2004–2026)
holidays = []              # e.g. [2027-01-01, 2027-02-05]
workdays = []              # 调休 working weekends, e.g. [2027-02-14]

[limits]                   # bounds on one dropped file
max_file_mb = 20
max_inflated_mb = 100
max_inflate_ratio = 200
max_cells = 200000
read_timeout_s = 5
read_memory_mb = 300

# [delivery]               # e-mail drafts and workbooks to leaders
# smtp_host = "smtp.example.gov.cn"
# smtp_port = 465
# starttls = true
# username = "township@example.gov.cn"
# password_env = "TOWNSHIP_SMTP_PASSWORD"   # the name of an environment variable, never the password
# sender = "township@example.gov.cn"
# recipients = ["leader@example.gov.cn"]
"""
