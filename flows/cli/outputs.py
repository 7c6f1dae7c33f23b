"""What the CLI does with a file it made, on the operator's request: a PDF preview through LibreOffice,
and e-mail now. Messages are the operator's, in Chinese; the return value is the command's exit code."""
from __future__ import annotations

import smtplib
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from flows.mailing import deliver_files
from tasks.delivery.mail import DeliveryError
from tasks.delivery.pdf import ConversionError, convert, find_soffice
from tasks.home import Home

NO_SOFFICE = ("未找到 LibreOffice（soffice），无法生成 PDF 预览；Word 草稿已生成。"
              "安装：apt-get install libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk")


def pdf_preview(path: Path, out: Console, err: Console) -> int:
    soffice = find_soffice()
    if soffice is None:
        err.print(f"[yellow]{escape(NO_SOFFICE)}[/yellow]")
        return 1
    try:
        pdf = _converted(path, soffice)
    except ConversionError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        return 1
    out.print(str(pdf), soft_wrap=True, highlight=False, markup=False)
    return 0


def _converted(path: Path, soffice: str) -> Path:
    """A draft's PDF opens with its 待完善事项 (a PDF shows no comments); other files as they are."""
    if path.suffix.lower() != ".docx":
        return convert(path, "pdf", soffice)
    import tempfile

    from tasks.delivery.preview import with_todo_page

    with tempfile.TemporaryDirectory(prefix="township-preview-") as tmp:
        copy = with_todo_page(path, Path(tmp) / path.name)
        return convert(copy, "pdf", soffice, out=path.with_suffix(".pdf"))


def deliver_now(home: Home, what: str, files: list[Path], err: Console,
                send: Callable[[], list[str]] | None = None) -> int:
    """E-mail `files` now (or do the caller's own `send`, e.g. the final copy's); errors in words."""
    try:
        sent = send() if send else deliver_files(home, what, [str(f) for f in files])
    except DeliveryError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]")
        return 1
    except smtplib.SMTPAuthenticationError:
        err.print("[red]邮件服务器拒绝登录：请核对 township.toml 的 username 和密码环境变量[/red]")
        return 1
    except (smtplib.SMTPException, OSError) as exc:
        err.print(f"[red]邮件发送失败（{escape(f'{type(exc).__name__}: {exc}')}）；文件已在 outbox/ 中，可稍后重试[/red]")
        return 1
    err.print(f"[green]已发送给 {escape(', '.join(sent))}[/green]")
    return 0
