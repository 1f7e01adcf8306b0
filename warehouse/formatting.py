"""Vietnamese display formats: 3.781; 86,6 %; 18/11/2025. Display only: data keeps full precision."""

from __future__ import annotations

import math
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


def day(value: object) -> str:
    """A date as dd/mm/yyyy."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, str):
        value = pd.Timestamp(value)
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return value.strftime("%d/%m/%Y")
    return str(value)


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
