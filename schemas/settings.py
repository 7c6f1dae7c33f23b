"""The settings file of a home (township.toml) as a typed model with sane defaults."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from schemas.problems import ContractError, ContractProblem, model_fields, validation_problems
from schemas.snapshots import snapshotted

# A misspelt key (settle_second) or one under the wrong table is refused, never silently ignored.
# Validators are built on first use: a command that finds its snapshot (schemas/snapshots.py) builds none.
STRICT = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Schedules(BaseModel):
    model_config = STRICT
    timezone: str = "Asia/Shanghai"
    ingest: str = "*/10 * * * *"
    period_summary: str = "0 8 5 * *"
    annual_report: str = "0 8 20 12 *"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"未知的时区“{value}”，应写成如 Asia/Shanghai") from exc
        return value


class CalendarSettings(BaseModel):
    """Holidays and 调休 workdays the township declares for years the calendar library lacks."""
    model_config = STRICT
    holidays: tuple[dt.date, ...] = ()
    workdays: tuple[dt.date, ...] = ()


class Limits(BaseModel):
    """Bounds on any one dropped file, so a hostile file cannot hang or exhaust a run."""
    model_config = STRICT
    # Each bound within a range a return needs (a typo like -1 or 0 refused every good return as 文件异常,
    # the operator's slip blamed on the clerks) and below what would let one file exhaust the machine.
    max_file_mb: float = Field(default=20.0, gt=0, le=1024)
    max_inflated_mb: float = Field(default=100.0, ge=1, le=4096)
    max_inflate_ratio: float = Field(default=200.0, ge=10, le=100_000)  # a part over 1 MB only
    max_cells: int = Field(default=200_000, ge=1000, le=10_000_000)     # a return is a few hundred cells
    read_timeout_s: float = Field(default=5.0, ge=0.5, le=600)
    read_memory_mb: int = Field(default=300, ge=64, le=65_536)         # a reader's own need is ~30 MB
    # Entries in one unit's folder (subfolders included) and its levels of subfolders: beyond, it waits.
    max_folder_files: int = Field(default=5000, ge=10, le=1_000_000)
    max_folder_depth: int = Field(default=8, ge=1, le=64)
    # A report given to `township adopt`, or a 修改稿 at sign-off: its size, the parts of its .docx (Word
    # writes ~15–40, an image one more), and the limited child that reads it (adopt: and finds its figures).
    max_report_mb: float = Field(default=20.0, gt=0, le=1024)
    max_report_parts: int = Field(default=1000, ge=10, le=100_000)
    report_timeout_s: float = Field(default=60.0, ge=0.5, le=3600)
    report_memory_mb: int = Field(default=500, ge=16, le=65_536)


class Wording(BaseModel):
    """How the draft states a figure unless its indicator says otherwise (DESIGN §7)."""
    model_config = STRICT
    style: Literal["exact", "approx"] = "exact"
    digits: int = Field(default=1, ge=1, le=3)
    wan: bool = True  # 300,000 reads 30万余起, never 300000余起


class Delivery(BaseModel):
    model_config = STRICT
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    tls: Literal["implicit", "starttls", "none"] | None = None  # None: 465 implicit, else as `starttls`
    starttls: bool = False
    insecure: bool = False       # a password over an unencrypted connection: only when set explicitly
    send_timeout_s: float = Field(default=120.0, gt=0)  # the whole send, however slowly a server answers
    username: str = ""
    password_env: str = ""  # the NAME of an environment variable holding the password, never the password
    sender: str = ""
    recipients: tuple[str, ...] = ()   # the leaders: drafts, workbooks and the signed report (定稿)
    reviewers: tuple[str, ...] = ()    # who review (审定) a draft before it is signed; none: the leaders


class Settings(BaseModel):
    model_config = STRICT
    database_url: str = "sqlite:///township.db"  # a relative SQLite path is relative to the home
    catalog: str = "indicators.yaml"              # relative to the home; the packaged default if absent
    inbox: str = "inbox"
    archive: str = "archive"
    outbox: str = "outbox"
    settle_seconds: float = Field(default=30.0, ge=0)
    due_working_days: int = Field(default=5, ge=0)
    outlier_factor: float = Field(default=3.0, ge=1)        # below 1, every ordinary month would be an outlier
    outlier_floor: int = Field(default=20, ge=0)
    max_count: int = Field(default=1_000_000, ge=1)         # 0 would refuse every count as absurd
    batch_size: int = Field(default=1000, ge=1, le=100_000)  # files per Prefect task: each starts its reading children
    fault_wait_s: float = Field(default=60.0, ge=0)  # a fault of ours (database away, disk full) waited out
    schedules: Schedules = Field(default_factory=Schedules)
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    limits: Limits = Field(default_factory=Limits)
    wording: Wording = Field(default_factory=Wording)
    delivery: Delivery | None = None

    @field_validator("database_url")
    @classmethod
    def _looks_like_a_url(cls, value: str) -> str:
        if "://" not in value:
            raise ValueError(f"“{value}”不是数据库地址，应写成如 sqlite:///township.db 或 "
                             "postgresql+psycopg://用户@主机:5432/库名")
        return value


# tomllib's messages, in the words an operator editing the file needs.
TOML_TROUBLES = (("Invalid value", "值写法不对：文本要加英文双引号，日期写成 2027-01-01，列表写成 [..]"),
                 ("Expected '=' after a key", "设置项后面缺少“=”"),
                 ("Cannot overwrite a value", "同一项写了两次"), ("Cannot declare", "同一个 [表] 写了两次"),
                 ("Unterminated string", "引号没有配对"), ("Unclosed", "括号没有配对"),
                 ("Invalid initial character for a key", "设置项名称只能用英文字母、数字和下划线"),
                 ("Expected newline", "一行只能写一项，注释以 # 开头"),
                 ("Illegal character", "含有不允许的字符（如全角引号、制表符）"))
AT_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")


@snapshotted
def load_settings(path: Path) -> Settings:
    """township.toml as a model; anything wrong in it a `ContractError` naming the line and the key."""
    if not path.exists():
        return Settings()
    import tomllib  # only when the file is read (a command that finds its snapshot does not)

    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = AT_LINE.search(str(exc))
        what = next((zh for en, zh in TOML_TROUBLES if en in str(exc)), "格式错误，请对照 township init 生成的示例")
        raise ContractError(path.name, [ContractProblem("", int(where[1]) if where else None,
                                                what + (f"（第 {where[2]} 列）" if where else ""))]) from None
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise ContractError(path.name, validation_problems(exc, text, model_fields(Settings))) from None


DEFAULT_SETTINGS_TOML = """\
# township.toml — 本乡镇目录的设置，每项的含义见 docs/operations/config-files.md。路径相对于本文件夹。
database_url = "sqlite:///township.db"   # 或 postgresql+psycopg://用户@主机/库名
catalog = "indicators.yaml"              # 指标目录；增加指标请改这个文件
inbox = "inbox"
archive = "archive"
outbox = "outbox"
settle_seconds = 30        # 文件须这么多秒不再变化才读取（可能还在复制）
due_working_days = 5       # 月报截止：月末后第几个工作日（按国家法定工作日）
outlier_factor = 3.0       # 数值大于本单位往月中位数的这么多倍 …
outlier_floor = 20         # … 且大于这个数时，提示核对
max_count = 1000000        # 更大的数按明显错误退回
fault_wait_s = 60          # 本机故障（数据库连不上或被锁、磁盘满）最多等这么多秒，
                           # 然后停下并说明原因；文件留在收件箱，下次运行再处理

[schedules]                # 定时（cron 表达式），按此时区
timezone = "Asia/Shanghai"
ingest = "*/10 * * * *"
period_summary = "0 8 5 * *"
annual_report = "0 8 20 12 *"

[calendar]                 # 节假日库尚不知道的年份（它知道 2004–2026 年）
holidays = []              # 例如 [2027-01-01, 2027-02-05]
workdays = []              # 调休上班的周末，例如 [2027-02-14]

[limits]                   # 对单个报送文件的限制
max_file_mb = 20
max_inflated_mb = 100
max_inflate_ratio = 200
max_cells = 200000
read_timeout_s = 5
read_memory_mb = 300
max_folder_files = 5000    # 单位文件夹里的条目多于此数，或嵌套更深，则暂不处理（其他单位照常）
max_folder_depth = 8
max_report_mb = 20         # 交给 township adopt 的报告、审定时的修改稿（.docx 或 .txt）…
max_report_parts = 1000    # … 其 .docx 内的部件数 …
report_timeout_s = 60      # … 以及读取它可用的时间和内存
report_memory_mb = 500

[wording]                  # 草稿如何表述全年合计（indicators.yaml 另有规定的除外）
style = "exact"            # exact：12089件；approx：70余起（digits 为保留位数：1 → 1000余件，2 → 1500余件）
digits = 1
wan = true                 # approx 时一万以上用“万”：2万余人次

# [delivery]               # 把草稿和汇总表发邮件给领导
# smtp_host = "smtp.example.gov.cn"
# smtp_port = 465          # 465：一开始就加密（tls = "implicit"）；587：tls = "starttls"
# tls = "implicit"         # 校验证书；密码从不明文发送
# send_timeout_s = 120     # 整个发送的时限，无论服务器回应多慢
# username = "township@example.gov.cn"
# password_env = "TOWNSHIP_SMTP_PASSWORD"   # 环境变量的名字，不是密码本身
# sender = "township@example.gov.cn"
# recipients = ["leader@example.gov.cn"]    # 领导：草稿、汇总表、定稿
# reviewers = ["office@example.gov.cn"]     # 审定年度报告草稿的人；不填则为领导
"""
