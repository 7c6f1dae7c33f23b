"""Real Prefect flow runs: a year of generated returns through ingest-returns, then annual-report,
the draft read back with python-docx."""
import datetime as dt
import os
from pathlib import Path

import docx
import pytest
from sqlalchemy import func, select

from flows.annual_report import run_annual_report
from flows.ingest_returns import run_ingest
from tasks.ledger.aggregate import figures_for
from tasks.ledger.engine import make_engine
from tasks.returns.periods import months_of
from tasks.samples.demo import REFERENCE_TOTALS
from tests.helpers import demo_copy

ELEVEN = ("组织开展法律专题培训12次", "调处各类矛盾纠纷70余起", "无偿法律援助20余人次", "防溺亡现场会1场",
          "警示标识牌200余处", "普法宣传活动100余次", "普法宣传版面128块", "宣传彩页7000余份", "法治书籍4000余本",
          "宣传册600余份", "规范性文件整理3件")


@pytest.fixture(scope="module")
def demo_home(demo_year, tmp_path_factory, prefect_server):
    """The session's demo year (conftest), a copy of it ingested by the real `ingest-returns` flow."""
    home, dropped = demo_copy(demo_year, tmp_path_factory.mktemp("demo") / "home")
    summary = run_ingest(home=str(home.root))
    return home, dropped, summary


def test_every_dropped_file_is_answered_once(demo_home):
    home, dropped, summary = demo_home
    assert summary.received == dropped
    assert summary.by_status.get("duplicate") == 1 and summary.by_status.get("rejected") == 1
    assert not [p for p in home.inbox.rglob("*.xlsx") if "回执" not in p.parts]
    assert len(list(home.inbox.glob("*/回执/*.回执.xlsx"))) == dropped


def test_yearly_totals_are_the_reference_reports(demo_home):
    home, _, _ = demo_home
    engine = make_engine(home.database_url)
    figures = figures_for(engine, months_of("2024"), ())
    engine.dispose()
    assert figures.totals == REFERENCE_TOTALS


def test_the_draft_holds_the_eleven_phrases(demo_home, tmp_path):
    home, _, _ = demo_home
    path = run_annual_report(home=str(home.root), year=2024, on=dt.date(2024, 12, 20))
    text = "\n".join(p.text for p in docx.Document(path).paragraphs)
    for phrase in ELEVEN:
        assert phrase in text, phrase
    assert "每月一次组织班子成员" in text
    assert text.splitlines()[:2] == ["鲁山县下汤镇人民政府", "关于2024年法治政府建设情况的报告"]
    assert "2024年12月20日" in text and "{{" not in text


def home_state(home):
    """Every file under inbox/ and archive/ (path, size, mtime) and the row count of every ledger table."""
    from tasks.ledger.tables import metadata

    files = sorted((str(p.relative_to(home.root)), p.stat().st_size, p.stat().st_mtime_ns)
                   for top in (home.inbox, home.archive) for p in top.rglob("*") if p.is_file())
    engine = make_engine(home.database_url)
    with engine.connect() as conn:
        counts = {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                  for t in metadata.sorted_tables}
    engine.dispose()
    return files, counts


def test_a_second_run_changes_nothing(demo_home):
    """The inbox a second run finds is not empty: 180 receipts, a blank return in a unit's 模板/, and real
    returns in a folder no unit owns and loose in inbox/ — each a file a careless run would take (a
    receipt ingested as a return, a template stored, a stray archived). None is taken, nothing moves."""
    from tests.helpers import VILLAGE, return_file

    home, _, _ = demo_home
    unit = home.registry.units[0].code
    return_file(home.template_dir(unit) / "空白月报表.xlsx", home, unit=unit, values={})
    return_file(home.inbox / "999999999999" / "外单位.xlsx", home, unit=VILLAGE, values={"DISPUTE": 9})
    return_file(home.inbox / "放错位置.xlsx", home, unit=VILLAGE, values={"DISPUTE": 9})
    before = home_state(home)
    assert sum("回执" in path for path, _, _ in before[0]) > 100 and before[1]["submissions"] > 100
    summary = run_ingest(home=str(home.root))
    assert summary.received == 0 and len(summary.strays) == 2, summary.line()
    assert home_state(home) == before


def test_drafts_never_overwrite_each_other(demo_home):
    home, _, _ = demo_home
    on = dt.date(2024, 12, 21)
    first = run_annual_report(home=str(home.root), year=2024, on=on)
    second = run_annual_report(home=str(home.root), year=2024, on=on)
    assert first != second and Path(first).exists() and Path(second).exists()


def test_plain_http_prefect_api_gets_a_one_certificate_bundle(monkeypatch, tmp_path):
    """Prefect's clients parse their CA bundle on creation, even for plain HTTP: township points them
    at one certificate then, and leaves an https API or the user's own TLS settings alone."""
    import ssl

    from flows import prefect_env

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))          # no profiles.toml of the machine's
    for key in ("PREFECT_API_URL", "PREFECT_API_SSL_CERT_FILE", "PREFECT_API_TLS_INSECURE_SKIP_VERIFY",
                "PREFECT_PROFILES_PATH"):
        monkeypatch.delenv(key, raising=False)
    prefect_env.configure_prefect()
    bundle = os.environ["PREFECT_API_SSL_CERT_FILE"]
    assert ssl.create_default_context(cafile=bundle).cert_store_stats()["x509_ca"] == 1

    monkeypatch.delenv("PREFECT_API_SSL_CERT_FILE")
    monkeypatch.setenv("PREFECT_API_URL", "https://prefect.example.org/api")
    prefect_env.configure_prefect()
    assert "PREFECT_API_SSL_CERT_FILE" not in os.environ

    monkeypatch.delenv("PREFECT_API_URL")
    (tmp_path / "profiles.toml").write_text(
        'active = "office"\n[profiles.office]\nPREFECT_API_URL = "https://prefect.example.org/api"\n')
    prefect_env.configure_prefect()
    assert "PREFECT_API_SSL_CERT_FILE" not in os.environ


def test_an_https_address_in_a_prefect_settings_file_keeps_prefects_own_tls(monkeypatch, tmp_path):
    from flows import prefect_env

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    for key in ("PREFECT_API_URL", "PREFECT_API_SSL_CERT_FILE", "PREFECT_API_TLS_INSECURE_SKIP_VERIFY",
                "PREFECT_PROFILES_PATH"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "prefect.toml").write_text('[api]\nurl = "https://prefect.example.org/api"\n')
    prefect_env.configure_prefect()
    assert "PREFECT_API_SSL_CERT_FILE" not in os.environ
