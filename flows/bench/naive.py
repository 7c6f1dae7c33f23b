"""The naive rival for the benchmark: what a user would write first — pandas.read_excel with openpyxl,
one Prefect task per file, an openpyxl receipt, a row per value into SQLite."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pandas as pd
from prefect import flow, task
from prefect.cache_policies import NO_CACHE


@task(cache_policy=NO_CACHE)
def naive_one(path: str, db: str, receipts: str, archive: str) -> str:
    frame = pd.read_excel(path, engine="openpyxl", header=None, sheet_name="报表")
    header = frame.index[frame.iloc[:, 1].astype(str).eq("指标代码")][0]
    table = frame.iloc[header + 1:, [1, 4]].dropna(subset=[1])
    values = pd.to_numeric(table[4], errors="coerce")
    status = "rejected" if values.isna().any() and table[4].notna().any() and values[table[4].notna()].isna().any() \
        else "accepted"
    with sqlite3.connect(db) as conn:
        conn.execute("create table if not exists v (file text, indicator text, value real)")
        if status == "accepted":
            conn.executemany("insert into v values (?, ?, ?)",
                             [(path, str(k), float(v)) for k, v in zip(table[1], values.fillna(0))])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["处理结果", "已接收" if status == "accepted" else "已退回"])
    for row in frame.itertuples(index=False):
        ws.append([None if pd.isna(v) else v for v in row])
    wb.save(Path(receipts) / (Path(path).name + ".回执.xlsx"))
    shutil.move(path, Path(archive) / f"{Path(path).parent.name}-{Path(path).name}")
    return status


@flow(name="naive-ingest")
def naive_ingest(inbox: str, work: str) -> int:
    root = Path(work)
    for sub in ("receipts", "archive"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    paths = sorted(str(p) for p in Path(inbox).rglob("*.xlsx"))
    for p in paths:
        naive_one(p, str(root / "naive.db"), str(root / "receipts"), str(root / "archive"))
    return len(paths)
