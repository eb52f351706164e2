"""Cell values in one place: what a typed or RAW value becomes, and how a value is shown.

Input (``valueInputOption``):

* ``RAW`` stores strings as strings, JSON numbers as numbers and JSON booleans as booleans.
* ``USER_ENTERED`` parses strings as the Sheets UI does for the en_US locale: a leading
  ``=`` is a formula, a leading ``'`` forces text, ``TRUE``/``FALSE`` are booleans,
  ``1,234.5``, ``$5``, ``12%`` and ``1e3`` are numbers (with the number format Google sets),
  and ``9/14/2026``, ``2026-09-14``, ``14:30`` or ``9/14/2026 14:30:00`` become serial
  numbers (days since 1899-12-30) carrying a DATE/TIME/DATE_TIME format.

Output (``valueRenderOption``): ``FORMATTED_VALUE`` applies the cell's number format (or
Sheets' automatic format), ``UNFORMATTED_VALUE`` gives numbers as numbers (dates as serials,
or as formatted strings with ``dateTimeRenderOption=FORMATTED_STRING``), and ``FORMULA``
gives formulas as typed (handled by the caller, which knows the formula).
"""

from __future__ import annotations

import math
import re
import struct
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

EPOCH = datetime(1899, 12, 30)
DATE_TYPES = ("DATE", "TIME", "DATE_TIME")

ERROR_CODES = {
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
    "NULL_VALUE": "#NULL!",
    "ERROR": "#ERROR!",
}


@dataclass(frozen=True)
class CellError:
    """A formula error, e.g. ``CellError("NAME", "Unknown function: 'FOO'.")``."""

    type: str
    message: str

    @property
    def code(self) -> str:
        return ERROR_CODES.get(self.type, "#ERROR!")


Scalar = float | str | bool | CellError | None  # None: an empty cell


@dataclass(frozen=True)
class Entered:
    """A parsed input: the ``userEnteredValue`` and the number format it implies."""

    value: dict[str, Any] | None
    number_format: dict[str, str] | None = None


# -- input ------------------------------------------------------------------------------


def parse_input(raw: Any, option: str) -> Entered:
    """One value of a ``ValueRange`` as ``RAW`` or ``USER_ENTERED`` input."""
    if isinstance(raw, bool):
        return Entered({"boolValue": raw})
    if isinstance(raw, int | float):
        return Entered({"numberValue": raw})
    text = "" if raw is None else str(raw)
    if text == "":
        return Entered(None)
    if option == "RAW":
        return Entered({"stringValue": text})
    return parse_user_entered(text)


def parse_user_entered(text: str) -> Entered:
    if text.startswith("'"):
        return Entered({"stringValue": text[1:]}) if len(text) > 1 else Entered(None)
    if text.startswith("=") and len(text) > 1:
        return Entered({"formulaValue": text})
    if text.strip().upper() in ("TRUE", "FALSE"):
        return Entered({"boolValue": text.strip().upper() == "TRUE"})
    return _parse_number(text) or _parse_date_time(text) or Entered({"stringValue": text})


_NUMBER = re.compile(
    r"^\s*(?P<sign>[+-])?\s*(?P<cur>\$)?\s*(?P<sign2>[+-])?"
    r"(?P<int>\d{1,3}(?:,\d{3})+|\d*)(?:\.(?P<dec>\d*))?"
    r"(?:[eE](?P<exp>[+-]?\d+))?\s*(?P<pct>%)?\s*$"
)


def _parse_number(text: str) -> Entered | None:
    found = _NUMBER.match(text)
    if not found or not (found["int"] or found["dec"]):
        return None
    if found["cur"] and found["pct"]:
        return None
    digits = found["int"].replace(",", "") + "." + (found["dec"] or "")
    number = float(digits + (f"e{found['exp']}" if found["exp"] else ""))
    if "-" in (found["sign"] or "", found["sign2"] or ""):
        number = -number
    decimals = bool(found["dec"])
    if found["pct"]:
        return Entered(
            _num(number / 100), {"type": "PERCENT", "pattern": "0.00%" if decimals else "0%"}
        )
    if found["cur"]:
        return Entered(_num(number), {"type": "CURRENCY", "pattern": '"$"#,##0.00'})
    if found["exp"]:
        return Entered(_num(number), {"type": "SCIENTIFIC", "pattern": "0.00E+00"})
    if "," in found["int"]:
        pattern = "#,##0.00" if decimals else "#,##0"
        return Entered(_num(number), {"type": "NUMBER", "pattern": pattern})
    return Entered(_num(number))


def _num(number: float) -> dict[str, Any]:
    return {"numberValue": json_number(number)}


def json_number(number: float) -> float | int:
    """Integral numbers as ints, as Google writes them (``53`` rather than ``53.0``)."""
    number = float(number)
    if math.isfinite(number) and number.is_integer() and abs(number) < 2**53:
        return int(number)
    return number


_DATE_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), "ymd:yyyy-mm-dd"),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), "ymd:yyyy/mm/dd"),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), "mdy:M/d/yyyy"),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2})$"), "mdy:M/d/yy"),
)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*([AaPp][Mm])?$")


def _parse_date_time(text: str) -> Entered | None:
    text = text.strip()
    date_part, _, time_part = text.partition(" ")
    day = _parse_date(date_part)
    if day is not None:
        serial_day, date_pattern = day
        if not time_part:
            return Entered(_num(serial_day), {"type": "DATE", "pattern": date_pattern})
        clock = _parse_time(time_part.strip())
        if clock is None:
            return None
        fraction, time_pattern = clock
        pattern = f"{date_pattern} {time_pattern}"
        return Entered(_num(serial_day + fraction), {"type": "DATE_TIME", "pattern": pattern})
    clock = _parse_time(text)
    if clock is None:
        return None
    return Entered(_num(clock[0]), {"type": "TIME", "pattern": clock[1]})


def _parse_date(text: str) -> tuple[int, str] | None:
    for regex, spec in _DATE_FORMS:
        found = regex.match(text)
        if not found:
            continue
        order, pattern = spec.split(":")
        a, b, c = (int(g) for g in found.groups())
        year, month, day = (a, b, c) if order == "ymd" else (c, a, b)
        if year < 100:
            year += 2000 if year < 30 else 1900
        try:
            return (date(year, month, day) - EPOCH.date()).days, pattern
        except ValueError:
            return None
    return None


def _parse_time(text: str) -> tuple[float, str] | None:
    found = _TIME.match(text)
    if not found:
        return None
    hour, minute = int(found[1]), int(found[2])
    second = int(found[3] or 0) + float("0." + found[4]) if found[4] else int(found[3] or 0)
    meridiem = (found[5] or "").upper()
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "PM" else 0)
    if hour > 23 or minute > 59 or second >= 60:
        return None
    fraction = (hour * 3600 + minute * 60 + second) / 86400
    clock = "h:mm" if meridiem else "H:mm"
    if found[3] is not None:
        clock += ":ss"
    return fraction, clock + (" am/pm" if meridiem else "")


# -- serial numbers ------------------------------------------------------------------------


def to_serial(moment: datetime | date) -> float:
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    delta = moment.replace(tzinfo=None) - EPOCH
    return delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6


def from_serial(serial: float) -> datetime:
    return EPOCH + timedelta(seconds=round(serial * 86400))


# -- scalars and their JSON ------------------------------------------------------------------


def scalar_of(entered: dict[str, Any] | None) -> Scalar:
    """The Python value of a non-formula ``ExtendedValue``."""
    if not entered:
        return None
    if "numberValue" in entered:
        return float(entered["numberValue"])
    if "stringValue" in entered:
        return str(entered["stringValue"])
    if "boolValue" in entered:
        return bool(entered["boolValue"])
    if "errorValue" in entered:
        error = entered["errorValue"]
        return CellError(str(error.get("type", "ERROR")), str(error.get("message", "")))
    return None


def extended_value(value: Scalar) -> dict[str, Any] | None:
    """A scalar as an ``ExtendedValue`` (``effectiveValue``)."""
    if value is None:
        return None
    if isinstance(value, CellError):
        return {"errorValue": {"type": value.type, "message": value.message}}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, float | int):
        return {"numberValue": json_number(float(value))}
    return {"stringValue": value}


# -- output ------------------------------------------------------------------------------------


def render(value: Scalar, number_format: dict[str, Any] | None, option: str, dt_option: str) -> Any:
    """A value as ``values.get`` returns it (never for FORMULA cells' formulas)."""
    if value is None:
        return ""
    if isinstance(value, CellError):
        return value.code
    if option == "FORMATTED_VALUE":
        return format_value(value, number_format)
    if isinstance(value, bool | str):
        return value
    if (
        dt_option == "FORMATTED_STRING"
        and number_format
        and number_format.get("type") in DATE_TYPES
    ):
        return format_value(value, number_format)
    return json_number(value)


def format_value(value: Scalar, number_format: dict[str, Any] | None) -> str:
    """The ``formattedValue`` of a cell."""
    if value is None:
        return ""
    if isinstance(value, CellError):
        return value.code
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    pattern = (number_format or {}).get("pattern") or _default_pattern(number_format)
    if not pattern or (number_format or {}).get("type") == "TEXT":
        return general(value)
    try:
        return format_number(value, pattern)
    except (ValueError, OverflowError):
        return general(value)


def _default_pattern(number_format: dict[str, Any] | None) -> str:
    kind = (number_format or {}).get("type", "")
    return {
        "DATE": "M/d/yyyy",
        "TIME": "h:mm:ss am/pm",
        "DATE_TIME": "M/d/yyyy H:mm:ss",
        "PERCENT": "0.00%",
        "CURRENCY": '"$"#,##0.00',
        "SCIENTIFIC": "0.00E+00",
        "NUMBER": "#,##0.00",
    }.get(kind, "")


def general(number: float) -> str:
    """Sheets' automatic format: up to ten significant digits, scientific when huge or tiny."""
    if number == 0:
        return "0"
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    magnitude = abs(number)
    if magnitude >= 1e15 or magnitude < 1e-9:
        mantissa, _, exponent = f"{number:.2E}".partition("E")
        sign = "-" if exponent.startswith("-") else "+"
        return f"{mantissa}E{sign}{exponent.lstrip('+-').lstrip('0').zfill(2)}"
    if magnitude >= 1e10:
        return str(round(number))
    text = f"{number:.10g}"
    if "e" in text:
        text = f"{number:.12f}".rstrip("0").rstrip(".")
    return text


# -- number format patterns -------------------------------------------------------------------


def format_number(number: float, pattern: str) -> str:
    sections = _sections(pattern)
    if _is_date_pattern(sections[0]):
        return format_date(number, sections[0])
    if number < 0 and len(sections) > 1:
        return _NumberPattern.of(sections[1]).render(-number)
    if number == 0 and len(sections) > 2:
        return _NumberPattern.of(sections[2]).render(0.0)
    spec = _NumberPattern.of(sections[0])
    text = spec.render(abs(number))
    return "-" + text if number < 0 and _has_nonzero_digit(text) else text


def _has_nonzero_digit(text: str) -> bool:
    return any(ch.isdigit() and ch != "0" for ch in text)


def _sections(pattern: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in pattern:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _is_date_pattern(section: str) -> bool:
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", section).lower()
    return bool(re.search(r"[dyhs]|am/pm|a/p", bare)) or (
        "m" in bare and not re.search(r"[0#?]", bare)
    )


@dataclass(frozen=True)
class _NumberPattern:
    prefix: str
    suffix: str
    int_zeros: int
    grouping: bool
    dec_min: int
    dec_max: int
    percent: int
    exponent: int | None  # digits of the exponent in scientific patterns

    @staticmethod
    @lru_cache(maxsize=256)
    def of(section: str) -> _NumberPattern:
        return _parse_number_pattern(section)

    def render(self, number: float) -> str:
        number *= 100**self.percent
        if self.exponent is not None:
            return self.prefix + self._scientific(number) + self.suffix
        text = f"{number:.{self.dec_max}f}"
        whole, _, frac = text.partition(".")
        frac = frac.rstrip("0").ljust(self.dec_min, "0") if self.dec_max else ""
        whole = whole.lstrip("0").rjust(self.int_zeros, "0")
        if self.grouping and whole:
            whole = f"{int(whole):,}"
        body = whole + ("." + frac if frac or self.dec_min else "")
        return self.prefix + (body or "0") + self.suffix

    def _scientific(self, number: float) -> str:
        exponent = 0 if number == 0 else math.floor(math.log10(abs(number)))
        mantissa = number / 10**exponent if number else 0.0
        text = f"{mantissa:.{self.dec_max}f}"
        if float(text) >= 10:
            exponent += 1
            text = f"{mantissa / 10:.{self.dec_max}f}"
        sign = "-" if exponent < 0 else "+"
        return f"{text}E{sign}{str(abs(exponent)).zfill(self.exponent or 1)}"


def _parse_number_pattern(section: str) -> _NumberPattern:
    literal_before: list[str] = []
    literal_after: list[str] = []
    placeholders: list[str] = []
    pos, seen_digit = 0, False
    exponent: int | None = None
    while pos < len(section):
        char = section[pos]
        text, step = _literal_at(section, pos)
        if text is not None:
            (literal_after if seen_digit else literal_before).append(text)
            pos += step
            continue
        if char in "Ee" and section[pos + 1 : pos + 2] in ("+", "-"):
            digits = re.match(r"[0#]+", section[pos + 2 :])
            exponent = len(digits.group(0)) if digits else 1
            pos += 2 + (len(digits.group(0)) if digits else 0)
            continue
        if char in "0#?.,":
            if seen_digit and literal_after:
                placeholders.append("|")  # digits after a literal: keep it simple, stop here
            placeholders.append(char)
            seen_digit = seen_digit or char in "0#?"
        elif char == "%":
            (literal_after if seen_digit else literal_before).append("%")
        else:
            (literal_after if seen_digit else literal_before).append(char)
        pos += 1
    spec = "".join(placeholders).split("|")[0]
    whole, _, frac = spec.partition(".")
    return _NumberPattern(
        prefix="".join(literal_before),
        suffix="".join(literal_after),
        int_zeros=whole.count("0"),
        grouping="," in whole.strip(","),
        dec_min=frac.count("0"),
        dec_max=sum(frac.count(c) for c in "0#?"),
        percent=section.count("%") - len(re.findall(r'"[^"]*%[^"]*"', section)),
        exponent=exponent,
    )


def _literal_at(section: str, pos: int) -> tuple[str | None, int]:
    """A quoted string, an escaped character or a ``[$€-407]`` currency at ``pos``."""
    char = section[pos]
    if char == '"':
        end = section.find('"', pos + 1)
        end = len(section) if end < 0 else end
        return section[pos + 1 : end], end - pos + 1
    if char == "\\" and pos + 1 < len(section):
        return section[pos + 1], 2
    if char == "[":
        end = section.find("]", pos)
        end = len(section) if end < 0 else end
        inner = section[pos + 1 : end]
        symbol = inner[1:].split("-")[0] if inner.startswith("$") else ""
        return symbol, end - pos + 1
    if char in "_*" and pos + 1 < len(section):
        return (" " if char == "_" else ""), 2
    return None, 1


# -- date and time patterns --------------------------------------------------------------------

_DATE_TOKEN = re.compile(
    r'"[^"]*"|\\.|am/pm|AM/PM|a/p|A/P|yyyy|yy|y|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|'
    r"hh|h|ss|s|\.0+|\[h+\]|\[m+\]|\[s+\]",
    re.IGNORECASE,
)
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def format_date(serial: float, pattern: str) -> str:
    moment = from_serial(serial)
    tokens = _date_tokens(pattern)
    twelve = any(t.lower() in ("am/pm", "a/p") for t in tokens)
    out = []
    for index, token in enumerate(tokens):
        out.append(_date_piece(token, moment, twelve, _is_minute(tokens, index), serial))
    return "".join(out)


@lru_cache(maxsize=256)
def _date_tokens(pattern: str) -> tuple[str, ...]:
    tokens, pos = [], 0
    for found in _DATE_TOKEN.finditer(pattern):
        if found.start() > pos:
            tokens.append(pattern[pos : found.start()])
        tokens.append(found.group(0))
        pos = found.end()
    if pos < len(pattern):
        tokens.append(pattern[pos:])
    return tuple(tokens)


def _is_minute(tokens: tuple[str, ...], index: int) -> bool:
    """``m``/``mm`` mean minutes right after an hour or right before seconds."""
    if tokens[index].lower() not in ("m", "mm"):
        return False
    for other in reversed(tokens[:index]):
        if other.lower() in ("h", "hh") or other.lower().startswith("[h"):
            return True
        if _is_field(other):
            break
    for other in tokens[index + 1 :]:
        if other.lower() in ("s", "ss"):
            return True
        if _is_field(other):
            break
    return False


def _is_field(token: str) -> bool:
    return bool(_DATE_TOKEN.fullmatch(token)) and not token.startswith(('"', "\\"))


def _date_piece(token: str, moment: datetime, twelve: bool, minute: bool, serial: float) -> str:
    lower = token.lower()
    if token.startswith('"'):
        return token[1:-1]
    if token.startswith("\\"):
        return token[1:]
    simple = {
        "yyyy": f"{moment.year:04d}",
        "yy": f"{moment.year % 100:02d}",
        "y": f"{moment.year % 100:02d}",
        "mmmmm": _MONTHS[moment.month - 1][0],
        "mmmm": _MONTHS[moment.month - 1],
        "mmm": _MONTHS[moment.month - 1][:3],
        "dddd": _DAYS[moment.weekday()],
        "ddd": _DAYS[moment.weekday()][:3],
        "dd": f"{moment.day:02d}",
        "d": str(moment.day),
        "ss": f"{moment.second:02d}",
        "s": str(moment.second),
        "am/pm": "AM" if moment.hour < 12 else "PM",
        "a/p": "A" if moment.hour < 12 else "P",
    }
    if lower in ("mm", "m"):
        value = moment.minute if minute else moment.month
        return f"{value:02d}" if lower == "mm" else str(value)
    if lower in ("hh", "h"):
        hour = (moment.hour % 12 or 12) if twelve else moment.hour
        return f"{hour:02d}" if lower == "hh" else str(hour)
    if lower.startswith("[h"):
        return str(int(serial * 24))
    if lower.startswith("[m"):
        return str(int(serial * 1440))
    if lower.startswith("[s"):
        return str(int(serial * 86400))
    if lower.startswith(".0"):
        return "." + "0" * (len(lower) - 1)
    return simple.get(lower, token)


# -- colours ---------------------------------------------------------------------------------------


def float32(value: float) -> float:
    """The shortest decimal that reads back as the same 32-bit float, as Google prints."""
    packed = struct.unpack("f", struct.pack("f", value))[0]
    for digits in range(1, 10):
        text = float(f"{packed:.{digits}g}")
        if struct.unpack("f", struct.pack("f", text))[0] == packed:
            return text
    return float(packed)


def normalise_color(color: dict[str, Any] | None) -> dict[str, Any]:
    """Google keeps colours as 8-bit channels (truncated: 0.5 is 127/255) in float32 and
    drops zero channels."""
    out: dict[str, Any] = {}
    for channel in ("red", "green", "blue", "alpha"):
        value = (color or {}).get(channel)
        if value is None:
            continue
        quantised = float32(math.floor(float(value) * 255 + 1e-4) / 255)
        if quantised:
            out[channel] = json_number(quantised)
    return out
