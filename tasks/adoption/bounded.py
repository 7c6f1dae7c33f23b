"""A report's .docx (given to `township adopt`, or a 修改稿 uploaded at sign-off) read within the bounds
the ingest holds a return to: its size judged before a byte is read; its zip's parts, inflated size and
inflate ratio (tasks/returns/guard.py) and any DTD refused before a parser sees it; then read in a child
process with a memory cap and a timeout (tasks/intake: child_limits, forked, isolate), so a file that
would take minutes or gigabytes (an 86 KB .docx took 228 s and 1.86 GB, issue 22) is refused with the
reason in Chinese, never this process's end. Bounds: [limits] in township.toml (max_report_mb …)."""
from __future__ import annotations

import io
import os
import stat
import traceback
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from schemas.settings import Limits
from tasks.adoption.source import ReportUnreadable
from tasks.intake.child_limits import Failed
from tasks.returns.guard import MB, _zip_bounds, dtd_in_any_part

T = TypeVar("T")
# Office XML never declares a DTD; a part that does is an entity-expansion or external-entity attack, or
# leaves an entity python-docx keeps unexpanded in what it saves (a 定稿 nobody can open). Looked for in
# the encodings an XML parser detects by itself, in every part (a part's name does not say it is XML).
MAKE_IT_AGAIN = "请在 Word 或 WPS 中打开后“另存为” .docx 再试"


class ReportRefused(ReportUnreadable):
    """A report (or 修改稿) refused by a bound: `reason` in a few Chinese words, `advice` what to do."""

    def __init__(self, name: str, reason: str, advice: str = MAKE_IT_AGAIN) -> None:
        self.name, self.reason, self.advice = name, reason, advice
        super().__init__(f"{name} 不能读取：{reason}。{advice}")

    def said(self, what: str) -> str:
        """The message naming the file as what it is: 修改稿“x.docx”不能读取：…"""
        return f"{what}“{self.name}”不能读取：{self.reason}。{self.advice}"


def raise_limit(key: str) -> str:
    return f"如确是正常文件，可在 township.toml 的 [limits] 中调高 {key}"


def read_bounded(path: Path, limits: Limits) -> bytes:
    """The file's bytes, its size judged on the open file before a byte is read (a FIFO or a folder is
    never opened for reading: it could hang or mislead)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise ReportUnreadable(f"找不到报告文件 {path}") from exc
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ReportUnreadable(f"找不到报告文件 {path}（不是普通文件）")
        if info.st_size > limits.max_report_mb * MB:
            raise ReportRefused(path.name, f"文件过大（{info.st_size / MB:.1f} MB，上限 {limits.max_report_mb:g} MB）",
                                "请删去或压缩其中的图片后另存；" + raise_limit("max_report_mb"))
        data = fh.read(int(limits.max_report_mb * MB) + 1)  # a file grown since: still bounded
    if len(data) > limits.max_report_mb * MB:
        raise ReportRefused(path.name, f"文件过大（上限 {limits.max_report_mb:g} MB）", raise_limit("max_report_mb"))
    return data


def docx_problem(data: bytes, limits: Limits) -> str | None:
    """Why no parser may open this .docx (its zip, before inflating it), or None. Not a zip: None (the
    reader says what it is instead)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            parts = len(zf.infolist())
            if parts > limits.max_report_parts:
                return f"压缩包内部件过多（{parts} 个，上限 {limits.max_report_parts} 个）"
            return _zip_bounds(zf, limits) or _declared(zf)
    except zlib.error:
        return "压缩结构损坏（数据无法解压）"
    except zipfile.BadZipFile:
        return None
    except (zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        return f"压缩结构损坏（{type(exc).__name__}）"


def _declared(zf: zipfile.ZipFile) -> str | None:
    part = dtd_in_any_part(zf)  # after _zip_bounds: what it inflates is bounded
    return None if part is None else (f"含有不允许的 XML 声明（{part} 中有 <!DOCTYPE 或 <!ENTITY）：Word/WPS "
                                      "保存的文件不会有这种内容，可能是构造的恶意文件")


def checked(path: Path, limits: Limits) -> bytes:
    """The file's bytes once every pre-check passed; ReportRefused naming the first that did not."""
    data = read_bounded(path, limits)
    if path.suffix.lower() != ".txt" and (problem := docx_problem(data, limits)):
        raise ReportRefused(path.name, problem)
    return data


def in_child(fn: Callable[..., T], args: tuple[Any, ...], limits: Limits, name: str) -> T:
    """fn(*args) in a child process held to the report bounds. What the child raised comes back raised
    here (ReportUnreadable, ReportRefused and ValueError: the reasons its callers say; anything else as
    RuntimeError, an internal error); a child that outgrew its memory or its time, or died, is
    ReportRefused too."""
    bounds = limits.model_copy(update={"read_timeout_s": limits.report_timeout_s,
                                       "read_memory_mb": limits.report_memory_mb})
    from tasks.intake import forked

    if forked._threads() > 1:  # a fork copies one thread: a process running others uses the fork server
        from tasks.intake.isolate import Isolated, outcome

        with Isolated(bounds, workers=1, preload=(fn.__module__,)) as pool:
            result = outcome(pool.submit(guarded, fn, args))
    else:
        result = forked.run_forked(guarded, (fn, args), bounds)
    if isinstance(result, Failed):
        if result.kind in ("alarm", "timeout"):
            raise ReportRefused(name, f"读取超时（超过 {limits.report_timeout_s:g} 秒）",
                                raise_limit("report_timeout_s"))
        if result.kind == "memory":
            raise ReportRefused(name, f"内存超限（超过 {limits.report_memory_mb} MB）",
                                raise_limit("report_memory_mb"))
        if result.kind == "crash":
            raise ReportRefused(name, result.reason)
        raise RuntimeError(f"读取 {name} 的子进程出错：{result.reason}")
    if isinstance(result, Raised):
        raise result.exception()
    return result


class Raised:
    """An exception of the child, carried back as a value (a traceback does not cross processes)."""

    def __init__(self, kind: str, message: str, name: str = "", advice: str = "") -> None:
        self.kind, self.message, self.name, self.advice = kind, message, name, advice

    def exception(self) -> Exception:
        if self.kind == "refused":
            return ReportRefused(self.name, self.message, self.advice)
        kind = {"unreadable": ReportUnreadable, "value": ValueError}.get(self.kind, RuntimeError)
        return kind(self.message)


def guarded(fn: Callable[..., T], args: tuple[Any, ...]) -> T | Raised:
    """In the child: fn's result, or what it raised as a value. A MemoryError ends the child (its
    runner words it)."""
    try:
        return fn(*args)
    except MemoryError:
        raise
    except ReportRefused as exc:
        return Raised("refused", exc.reason, exc.name, exc.advice)
    except ReportUnreadable as exc:
        return Raised("unreadable", str(exc))
    except ValueError as exc:  # the merged catalog would not load: the caller says so
        return Raised("value", str(exc))
    except Exception:  # noqa: BLE001 — a fault of ours: said in full, by the caller, as an internal error
        return Raised("error", traceback.format_exc(limit=-8))


@contextmanager
def xml_errors(source: Path | bytes, name: str) -> Iterator[None]:
    """A part a parser refused, as ReportRefused naming the part and its line (exit 2, not 内部错误)."""
    from lxml.etree import ErrorTypes, XMLSyntaxError

    try:
        yield
    except XMLSyntaxError as exc:
        no_memory = ErrorTypes.ERR_NO_MEMORY
        if exc.code == no_memory or any(e.type == no_memory for e in exc.error_log):
            raise MemoryError(str(exc)) from exc  # libxml2 under the child's memory cap: "unknown error"
        raise ReportRefused(name, xml_reason(source, exc)) from exc


def xml_reason(source: Path | bytes, exc: Exception) -> str:
    """Which part of the .docx is not well-formed XML, and where: a damaged file the office can mend."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as zf:
            for info in zf.infolist():
                if info.filename.lower().endswith((".xml", ".rels")):
                    try:
                        etree.fromstring(zf.read(info), parser)
                    except etree.XMLSyntaxError as bad:
                        if bad.code == etree.ErrorTypes.ERR_NO_MEMORY:
                            raise MemoryError(str(bad)) from exc
                        return f"XML 格式错误（{info.filename} 第 {bad.lineno} 行）"
    except (OSError, zipfile.BadZipFile):
        pass
    return f"XML 格式错误（{getattr(exc, 'msg', exc)}）"


def no_dtd(doc, name: str) -> None:
    """Every part python-docx parsed, whatever its encoding, declares no DTD (the pre-check looks for
    the words in the usual encodings; a parser knows them all)."""
    for part in doc.part.package.iter_parts():
        element = getattr(part, "_element", None)
        if element is not None:
            info = element.getroottree().docinfo
            if info.internalDTD is not None or info.doctype:
                raise ReportRefused(name, f"含 DTD 声明（{str(part.partname).lstrip('/')}）：Word 文档从不含 DTD")


def open_docx(path: Path, limits: Limits):
    """A .docx (a 修改稿, a draft) as a python-docx Document, once pre-checked and read by a limited
    child: the same bytes are parsed here only after the child parsed them within the bounds."""
    data = checked(path, limits)
    in_child(parses, (data, path.name), limits, path.name)
    import docx

    return docx.Document(io.BytesIO(data))


def parses(data: bytes, name: str) -> None:
    """In the child: the .docx opens, and declares no DTD."""
    import docx

    with xml_errors(data, name):
        try:
            doc = docx.Document(io.BytesIO(data))
        except (KeyError, ValueError, TypeError, AttributeError, zipfile.BadZipFile) as exc:
            raise ReportRefused(name, f"无法作为 Word 文档打开（{type(exc).__name__}）") from exc
    no_dtd(doc, name)
