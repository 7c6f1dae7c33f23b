"""township.toml and units.yaml as a person writes them: a misspelt key, a key under the wrong table, a
bad value or broken syntax is a Chinese message naming the file, the line and the key — never ignored,
never a traceback; the registry is written by a YAML library, so any name survives a round trip."""
import pytest

from schemas.problems import ContractError
from schemas.registry import Registry, Unit, dump_registry, load_registry
from schemas.settings import DEFAULT_SETTINGS_TOML, load_settings
from tasks.home import init_home, open_home, sample_registry


def settings_error(tmp_path, text: str) -> ContractError:
    path = tmp_path / "township.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContractError) as caught:
        load_settings(path)
    return caught.value


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_a_misspelt_key_is_refused_with_its_line_and_the_key_it_meant(tmp_path):
    text = DEFAULT_SETTINGS_TOML.replace("settle_seconds = 30", "settle_second = 0")
    error = settings_error(tmp_path, text)
    [problem] = error.problems
    assert problem.line == line_of(text, "settle_second = 0") and problem.key == "settle_second"
    assert "settle_seconds" in problem.message
    assert f"township.toml 第 {problem.line} 行" in str(error)


def test_a_key_under_the_wrong_table_names_the_table_it_belongs_to(tmp_path):
    text = DEFAULT_SETTINGS_TOML.replace("read_timeout_s = 5", "read_timeout_s = 5\ntimezone = \"Asia/Urumqi\"")
    [problem] = settings_error(tmp_path, text).problems
    assert problem.line == line_of(text, "Asia/Urumqi") and problem.key == "limits.timezone"
    assert "[limits]" in problem.message and "[schedules]" in problem.message
    top = DEFAULT_SETTINGS_TOML + "\n[delivery]\nsmtp_host = \"127.0.0.1\"\nbatch_size = 50\n"
    [problem] = settings_error(tmp_path, top).problems
    assert problem.line == line_of(top, "batch_size = 50") and "第一个 [表] 之前" in problem.message


@pytest.mark.parametrize(("old", "new", "key", "words"), [
    ("max_cells = 200000", "max_cells = \"many\"", "limits.max_cells", "应为整数"),
    ("settle_seconds = 30", "settle_seconds = -3", "settle_seconds", "不能小于 0"),
    ('timezone = "Asia/Shanghai"', 'timezone = "Mars/Base"', "schedules.timezone", "未知的时区"),
    ("holidays = []", 'holidays = ["五一"]', "calendar.holidays.0", "应为日期"),
    ('database_url = "sqlite:///township.db"', 'database_url = "township.db"', "database_url", "不是数据库地址"),
])
def test_a_bad_value_says_what_is_expected_where(tmp_path, old, new, key, words):
    text = DEFAULT_SETTINGS_TOML.replace(old, new)
    [problem] = settings_error(tmp_path, text).problems
    assert (problem.key, problem.line) == (key, line_of(text, new)) and words in problem.message


@pytest.mark.parametrize(("old", "new", "key", "words"), [
    ("max_file_mb = 20", "max_file_mb = -1", "limits.max_file_mb", "应大于 0"),
    ("read_memory_mb = 300", "read_memory_mb = 0", "limits.read_memory_mb", "不能小于 64"),
    ("read_timeout_s = 5", "read_timeout_s = 0", "limits.read_timeout_s", "不能小于 0.5"),
    ("max_cells = 200000", "max_cells = 10", "limits.max_cells", "不能小于 1000"),
    ("max_inflate_ratio = 200", "max_inflate_ratio = 1", "limits.max_inflate_ratio", "不能小于 10"),
    ("max_folder_depth = 8", "max_folder_depth = 0", "limits.max_folder_depth", "不能小于 1"),
    ("max_file_mb = 20", "max_file_mb = 100000", "limits.max_file_mb", "不能大于 1024"),
    ("max_count = 1000000", "max_count = 0", "max_count", "不能小于 1"),
    ("outlier_factor = 3.0", "outlier_factor = 0.5", "outlier_factor", "不能小于 1"),
])
def test_a_limit_out_of_range_is_the_operators_typo_named_where(tmp_path, old, new, key, words):
    """A bound no return can meet (-1, 0) refused every good return as 文件异常: the operator's slip is
    refused at its line instead, never blamed on the clerks."""
    text = DEFAULT_SETTINGS_TOML.replace(old, new)
    error = settings_error(tmp_path, text)
    [problem] = error.problems
    assert (problem.key, problem.line) == (key, line_of(text, new)) and words in problem.message
    assert f"township.toml 第 {problem.line} 行（{key}）：" in str(error)


def test_broken_toml_syntax_names_its_line(tmp_path):
    text = DEFAULT_SETTINGS_TOML.replace('inbox = "inbox"', "inbox = 收件箱")
    [problem] = settings_error(tmp_path, text).problems
    assert problem.line == line_of(text, "收件箱") and "引号" in problem.message


def test_a_unit_named_with_a_comma_survives_the_round_trip(tmp_path):
    units = (*sample_registry().units, Unit(code="410423105203", name="下汤村, 一组", contact="王: 五"),
             Unit(code="007", name="'引号' \"村\" # 非注释", kind="community"))
    registry = Registry(township=sample_registry().township, units=units)
    home = init_home(tmp_path / "h", registry)
    assert load_registry(home.root / "units.yaml") == registry
    assert open_home(home.root).registry.by_code()["410423105203"].name == "下汤村, 一组"
    assert dump_registry(load_registry(home.root / "units.yaml")) == dump_registry(registry)


def test_an_unknown_field_in_the_registry_is_refused_with_its_line(tmp_path):
    path = tmp_path / "units.yaml"
    text = dump_registry(sample_registry()).replace("kind: village", "kind: village\n  phnoe: \"1380\"", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContractError) as caught:
        load_registry(path)
    [problem] = caught.value.problems
    assert problem.line == line_of(text, "phnoe") and "phnoe" in problem.message and "phone" in problem.message


def test_broken_yaml_and_duplicate_codes_are_chinese_messages(tmp_path):
    path = tmp_path / "units.yaml"
    path.write_text("township: {code: \"1\", name: 镇\nunits: []\n", encoding="utf-8")
    with pytest.raises(ContractError) as caught:
        load_registry(path)
    assert caught.value.problems[0].line and "YAML 格式错误" in str(caught.value)
    twice = Registry.model_construct(township=sample_registry().township, units=sample_registry().units * 2)
    path.write_text(dump_registry(twice), encoding="utf-8")
    with pytest.raises(ContractError, match="单位代码重复"):
        load_registry(path)
