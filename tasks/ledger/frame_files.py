"""The tidy frame (`tasks/ledger/frames.py`) as files the county's analysts open: an .xlsx with its 说明
sheet, a .csv in UTF-8 with BOM (Excel on Windows reads its Chinese), or a .parquet for programs.

Each writer takes the frame and the 说明's lines and writes one path; choosing a path that exists
nowhere (`--out` never overwrites) is `tasks/delivery/new_files.py`'s, at the edge.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from schemas.catalog import KIND_WORDS
from schemas.labels import STATUS_LABELS

# Column → (its header in a file people open, what it means). Order: the tidy frame's.
HEADERS = {
    "unit": ("单位代码", "报送单位的代码（units.yaml 中登记的代码，即收件箱中该单位文件夹的名字）"),
    "unit_name": ("单位名称", "报送单位的名称（units.yaml）；未登记的单位为空"),
    "period": ("报告期", "月报表所属的月份，如 2024-03"),
    "indicator": ("指标代码", "指标目录（indicators.yaml）中的代码，跨年份、跨乡镇不变"),
    "indicator_name": ("指标名称", "指标目录中的名称，即报表上的指标名称"),
    "measure": ("计量单位", "数值的单位：次、起、人次、份……"),
    "kind": ("汇总方式", "按月相加：每月发生的数，一段时间的合计为各月相加；期末数：月末现有的数量，"
                     "一段时间的数为各单位最近一个月填报的数再相加，不逐月相加"),
    "value": ("数值", "单位填报的本期数量；空白表示单位没有填这一格（不是 0）"),
    "status": ("状态", "已接收 / 已接收（有提示）：当前有效的版本；已被更正：被后来的更正版本取代的旧版本"),
    "version": ("版本", "同一单位同一月份第几次被接收的报表：1 为首次报送，2、3……为更正"),
    "late": ("是否逾期", "是：该版本在截止日（月末后第 N 个工作日）之后才报送"),
    "arrived_at": ("报送时间", "文件到达收件箱的时间（本镇时区），逾期与否按此判断"),
    "file": ("原文件名", "单位报送时的文件名：每个数值都可追溯到原始报表"),
    "note": ("备注", "单位在报表“备注”栏写的说明"),
}
NO_PARQUET = ("导出 parquet 格式需要先安装可选组件 pyarrow：在 township 的环境中运行 "
              "pip install 'township[parquet]'（在源码目录中：pip install -e '.[parquet]'）；"
              "或改用 --format xlsx / --format csv")


def explanation(title: str, frame: pd.DataFrame, scope: str, timezone: str) -> list[str]:
    """The 说明: what the table holds, then what each column means (Chinese, for the analyst)."""
    history = "含被更正取代的旧版本（状态“已被更正”），合计时请只取当前有效版本" if frame.attrs.get("all_versions") \
        else "只含当前有效的版本（单位更正后以最新版本为准），与年度报告草稿的数据一致"
    lines = [title, f"范围：{scope}；{len(frame)} 行，每行是一个单位一个月份一项指标的数值。", f"版本：{history}。",
             "合计：按月相加的指标各行直接相加即为草稿的数；期末数指标取各单位最近一个月的数再相加。",
             f"时间：报送时间为 {timezone} 时区。", "", "列名\t字段名（Python：returns_frame）\t含义"]
    lines += [f"{header}\t{column}\t{meaning}" for column, (header, meaning) in HEADERS.items()]
    return lines


def for_people(frame: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """The frame as a person reads it: Chinese headers and words, times in the township's zone."""
    out = frame.copy()
    out["kind"] = out["kind"].map(KIND_WORDS).fillna(out["kind"])
    out["status"] = out["status"].map(STATUS_LABELS).fillna(out["status"])
    out["late"] = out["late"].map({True: "是", False: "否"})
    out["arrived_at"] = out["arrived_at"].dt.tz_convert(timezone).dt.tz_localize(None)
    return out.rename(columns={c: h for c, (h, _m) in HEADERS.items()})


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 with a BOM: Excel on Windows opens it with its Chinese intact (without, it guesses GBK)."""
    frame.to_csv(path, index=False, encoding="utf-8-sig", date_format="%Y-%m-%d %H:%M:%S")


def write_text(lines: list[str], path: Path) -> None:
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")  # Notepad on Windows reads it too


def write_parquet(frame: pd.DataFrame, lines: list[str], path: Path) -> None:
    """The tidy frame as returns_frame gives it (typed, UTC times; a program's file), the 说明 kept in the
    file's own metadata too. Only with the optional extra installed: `parquet_ready()` first."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    fields = [table.schema.field(c).with_metadata({"description": HEADERS[c][1], "header": HEADERS[c][0]})
              if c in HEADERS else table.schema.field(c) for c in table.column_names]
    meta = {**(table.schema.metadata or {}), b"township.explanation": "\n".join(lines).encode("utf-8")}
    pq.write_table(table.cast(pa.schema(fields, metadata=meta)), path)


def parquet_ready() -> bool:
    """Whether pyarrow imports (a missing one and a broken one alike say how to install it)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def summary_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Indicator × month and the period's figure, as the draft makes it (`frames.month_pivot`), with the
    indicator's name, unit and way of adding up: the sheet 汇总 an analyst checks the draft against."""
    from tasks.ledger.frames import month_pivot

    pivot = month_pivot(frame)
    first = frame.drop_duplicates("indicator").set_index("indicator")
    about = pd.DataFrame({"指标代码": pivot.index, "指标名称": first.loc[pivot.index, "indicator_name"].to_numpy(),
                          "计量单位": first.loc[pivot.index, "measure"].to_numpy(),
                          "汇总方式": first.loc[pivot.index, "kind"].map(KIND_WORDS).to_numpy()})
    months = pivot.drop(columns="total").reset_index(drop=True)
    return pd.concat([about, months, pd.DataFrame({"合计（即草稿的数）": pivot["total"].to_numpy()})], axis=1)


def write_xlsx(frame: pd.DataFrame, lines: list[str], path: Path,
               summary: pd.DataFrame | None = None) -> None:
    """The table on sheet 数据 (header frozen, filter on, columns sized to their text); the draft's figures
    by month on 汇总 (when given); the 说明.
    xlsxwriter makes the workbook with the header; the rows are spliced in as XML built by column
    (`sheet_xml.py`): a county's year (~60,000 rows) in well under the seconds write_row takes."""
    import io

    import xlsxwriter

    from tasks.ledger.sheet_xml import column_letter, rows_xml, splice_rows

    memory = io.BytesIO()
    book = xlsxwriter.Workbook(memory, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    data = book.add_worksheet("数据")
    data.freeze_panes(1, 0)
    dates = [pd.api.types.is_datetime64_any_dtype(frame[c]) for c in frame.columns]
    for col, width in enumerate(_widths(frame)):
        data.set_column(col, col, width, when if dates[col] else None)
    data.write_row(0, 0, list(frame.columns), bold)
    data.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
    if summary is not None:
        sums = book.add_worksheet("汇总")
        sums.freeze_panes(1, 4)
        for col, width in enumerate(_widths(summary)):
            sums.set_column(col, col, width)
        sums.write_row(0, 0, list(summary.columns), bold)
        cells = summary.astype(object).where(summary.notna(), None)
        for row, values in enumerate(cells.itertuples(index=False), start=1):
            sums.write_row(row, 0, values)
    notes = book.add_worksheet("说明")
    for col, width in enumerate((14, 34, 100)):
        notes.set_column(col, col, width)
    for row, line in enumerate(lines):
        notes.write_row(row, 0, line.split("\t"), bold if row == 0 or line.startswith("列名") else None)
    book.close()
    last = f"{column_letter(len(frame.columns) - 1)}{len(frame) + 1}"
    splice_rows(memory.getvalue(), path, "xl/worksheets/sheet1.xml", rows_xml(frame, when.xf_index), last)


def _widths(frame: pd.DataFrame) -> list[float]:
    """Each column's width in Excel's characters: its longest text, a Chinese character counting two
    (measured over the column's distinct values: a county's year repeats a few thousand of them)."""
    widths = []
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            longest = len("2024-03-05 08:30")
        else:
            longest = max((_shown(str(v)) for v in frame[column].dropna().unique()), default=0)
        widths.append(min(max(longest, _shown(str(column))) + 2, 60))
    return widths


def _shown(text: str) -> int:
    return sum(2 if ord(ch) > 0x7F else 1 for ch in text)
