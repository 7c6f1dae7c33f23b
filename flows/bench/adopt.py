"""`township adopt` of a report with N distinct figures (issue 22: 1,000 / 2,000 / 4,000 figures took
28 / 76 / 188 s when every figure was compared with every indicator made so far). Each size is a fresh
home and a whole `township adopt` process, timed from outside with the peak memory of its children.

    python -m flows.bench.adopt [--figures 1000 2000 4000]     # prints JSON: seconds and MB per size
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from itertools import product
from pathlib import Path

import docx

# Names no figure's words contain of another: two characters from each pool make 28 × 28 × 28 prefixes.
FIRST = "东西南北上下前后左右红黄蓝绿金银铜铁春夏秋冬梅兰竹菊松柏"
SECOND = "山水田林湖海河江云雨风雪花草桥路村庄城乡街巷园台亭阁楼"
THIRD = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄黄宇宙"
COUNT_FIRST = "组织开展{n}次{name}宣传活动。"       # the name follows the figure
NOUN_FIRST = "发放{name}宣传资料{n}份。"            # the name stands before it
FIGURES_A_PARAGRAPH = 10


def names(count: int) -> list[str]:
    """`count` distinct three-character names (up to 21,952)."""
    out = ["".join(p) for p in product(FIRST, SECOND, THIRD)][:count]
    if len(out) < count:
        raise ValueError(f"at most {len(FIRST) * len(SECOND) * len(THIRD)} distinct names")
    return out


def many_figures_report(count: int, path: Path) -> Path:
    """A .docx whose body states `count` figures of distinct indicators, half count-first (组织开展12次…),
    half noun-first (发放…宣传资料7000份), ten a paragraph, under a title with the year."""
    doc = docx.Document()
    doc.add_paragraph("某县某镇人民政府")
    doc.add_paragraph("关于2024年度法治建设工作情况的报告")
    sentences = [(COUNT_FIRST if i % 2 else NOUN_FIRST).format(name=name, n=12 + i % 80)
                 for i, name in enumerate(names(count))]
    for at in range(0, count, FIGURES_A_PARAGRAPH):
        doc.add_paragraph("".join(sentences[at:at + FIGURES_A_PARAGRAPH]))
    doc.save(str(path))
    return path


def township() -> str:
    return str(Path(sys.executable).with_name("township"))


def adopt_once(count: int, work: Path) -> dict[str, float]:
    """A fresh home, the report, one `township adopt --json` process: its seconds (and CPU seconds, its
    reading child's included: steadier on a shared machine) and the peak RSS of the largest process so far."""
    home = work / f"home-{count}"
    subprocess.run([township(), "init", str(home)], check=True, capture_output=True)
    report = many_figures_report(count, work / f"report-{count}.docx")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([township(), "adopt", str(report), "--home", str(home), "--json"],
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"adopt of {count} figures: exit {done.returncode}: {done.stderr[-2000:]}")
    figures = len(json.loads(done.stdout)["figures"])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    peak = after.ru_maxrss
    return {"figures": figures, "seconds": round(elapsed, 2), "cpu_s": round(cpu, 2),
            "peak_mb": round(peak / 1024, 1)}  # the largest child so far


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", type=int, nargs="+", default=[1000, 2000, 4000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="adopt-bench-") as tmp:
        result = {str(n): adopt_once(n, Path(tmp)) for n in args.figures}
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
