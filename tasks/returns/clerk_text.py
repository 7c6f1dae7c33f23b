"""Text a clerk wrote — cells, file names — made safe for each place it is shown (issue 16). Stored as
typed; cleaned at every sink, for that sink:

- XML (.docx, .xlsx) cannot hold most control characters: a `_x0001_` in a cell (Excel's escape, which
  the reader decodes to U+0001) or a BEL in a file name would make the year's draft or summary fail.
- Markdown (Prefect artifacts) would turn it into links, images, headings or raw HTML.
- A terminal obeys escape sequences (colours, OSC-8 links, cursor moves); rich reads [brackets] as
  markup (a cell `[/]` raised MarkupError).
"""
from __future__ import annotations

import re

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# ESC sequences: OSC (…BEL or ST), CSI (ESC [ … final), and the two-byte ones; their 8-bit forms too.
ESCAPES = re.compile(r"(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
                     r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?|\x1b[@-Z\\-_]?")
# What is left that a terminal or a reader would act on: C0/C1 controls, bidi overrides and isolates.
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation: CommonMark escapes them


def for_xml(text: str) -> str:
    """Without the characters XML 1.0 cannot hold (tab, line feed and carriage return stay)."""
    return XML_ILLEGAL.sub("", text)


def for_terminal(text: str, lines: bool = False) -> str:
    """Escape sequences removed, other controls shown as '?': what the clerk typed, never obeyed.
    lines: line breaks kept (text of several lines we joined)."""
    if lines:
        return "\n".join(for_terminal(line) for line in text.split("\n"))
    return CONTROLS.sub("?", ESCAPES.sub("", text))


def for_markdown(text: str) -> str:
    """One line of literal text: every ASCII punctuation backslash-escaped (no link, image, heading,
    code span, emphasis or HTML can start), controls and line breaks made spaces."""
    return MARKDOWN_PUNCTUATION.sub(r"\\\1", CONTROLS.sub(" ", ESCAPES.sub("", text)))
