"""Vietnamese display formats: 3.781; 86,6 %; 18/11/2025. Display only: data keeps full precision.

And md_text: untrusted text (file contents, URL parameters) shown literally under Streamlit's Markdown.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

import pandas as pd


def number(value: object, decimals: int = 0) -> str:
    """3781 → '3.781'; 86.64 with 1 decimal → '86,6'; missing → '–'."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(value: object, decimals: int = 1) -> str:
    """86.64 → '86,6 %'."""
    text = number(value, decimals)
    return text if text == "–" else f"{text} %"


def measure(value: object, decimals: int) -> str:
    """A measure with its catalogue decimals, or with the decimals it was written with when it has more (up to
    2): a reported 99,95 stays '99,95' where the measure shows one decimal; 86.6396 computed reads '86,6'."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    written = next((d for d in range(3) if abs(round(float(value), d) - float(value)) < 1e-9), decimals)
    return number(value, max(decimals, written))


def day(value: object) -> str:
    """A date as dd/mm/yyyy."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, str):
        value = pd.Timestamp(value)
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"  # strftime drops the zeros of year 1
    return str(value)


def day_range(start: object, end: object) -> str:
    """A period from `start` to `end` as every page writes it: '01/07–30/10/2025'; across a new year
    '01/12/2024–30/06/2025'."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    return f"{start:%d/%m}–{day(end)}" if start.year == end.year else f"{day(start)}–{day(end)}"


def moment(value: object) -> str:
    """A timestamp as dd/mm/yyyy HH:MM."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return pd.Timestamp(value).strftime("%d/%m/%Y %H:%M")


def signed(value: object, decimals: int = 0) -> str:
    """+3 / −2 / 0 for changes."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = number(abs(value), decimals)
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else text)


def rank(value: object, of: object) -> str:
    """7 of 96 → '7/96'."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{int(value)}/{int(of)}"


# ---------------------------------------------------------------- untrusted text under Streamlit's Markdown

WORD_JOINER = "\u2060"  # invisible, no width, no line break: splits what Streamlit's plugins look for in text
_JOINS = re.compile(
    r":(?=\S)"              # web addresses (GFM autolinks), :smile: (emoji), :material/x: :material_x: :streamlit: (icons)
    r"|@(?=[-\w])"          # e-mail addresses (GFM autolinks)
    r"|(?i:www)(?=\.)"      # www.example.org (GFM autolinks)
    r"|[-<>~](?=[-<>=])"    # -> <- <-> -- >= <= ~= (Streamlit's typographic replacements)
)
_LINE_BREAKS = re.compile(r"[ \t\n\r\f\v\x85\u2028\u2029]+")
_ESCAPES = str.maketrans({
    **{c: "\\" + c for c in "\\`*_{}()#+-.!|<>~$:=&"},
    # brackets as character references: st.badge backslash-escapes [ and ] in its label itself
    "[": "&#91;", "]": "&#93;",
})


def md_text(value: object) -> str:
    """Any text (a name from an uploaded file, a URL parameter) made literal under Streamlit's Markdown.

    Markdown punctuation is backslash-escaped (links, images, emphasis, code, HTML, `$…$` LaTeX,
    `:red[…]` directives, headings, lists, tables); line breaks become spaces, so a value cannot
    start a block. Backslashes do not reach what Streamlit's plugins find in the parsed text (GFM
    autolinks (web addresses), `www.…`, e-mail addresses; `:smile:` emoji; `:material/x:` icons; `->`
    arrows): an invisible word joiner (U+2060) splits those. The text shown is the value as given.
    """
    text = _LINE_BREAKS.sub(" ", "" if value is None else str(value))
    return _JOINS.sub(lambda m: m.group() + WORD_JOINER, text).translate(_ESCAPES)
