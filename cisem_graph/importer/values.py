"""Cell values in the forms people type them, turned into RDF terms or refused with a reason.

Dates are the hard part: Italian offices write ``14/06/2021 18:00`` and mean the time on the wall
in Cuneo, so a local time is placed in Europe/Rome with zoneinfo (summer time included) and
written with its offset, ``2021-06-14T18:00:00+02:00``, as the shapes and search engines want.
Impossible dates (31/02/2021) and wall times that do not exist (the hour skipped when clocks go
forward) are refused, never adjusted.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from zoneinfo import ZoneInfo

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .read import Cell

ROME = ZoneInfo("Europe/Rome")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_EXCEL_ERRORS = {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!"}
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})(?:(?:\s+|\s*,\s*|T)(?:ore\s+)?"
                  r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$", re.IGNORECASE)
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
                  r"(Z|[+-]\d{2}:?\d{2})?)?$")
_YEAR = re.compile(r"^\d{4}$")
_YEAR_MONTH = re.compile(r"^(?:(\d{1,2})[/.-](\d{4})|(\d{4})-(\d{2}))$")
_SEPARATORS = re.compile(r"\s*[;|\n]\s*")


class BadValue(Exception):
    """A cell that cannot be read as its column's type; carries the reason in both languages."""

    def __init__(self, it: str, en: str, rule: str = "type") -> None:
        super().__init__(en)
        self.messages = {"it": it, "en": en}
        self.rule = rule
        self.value: str | None = None  # the part of a cell at fault, when not the whole cell


def norm(text: str) -> str:
    """Headers and names compared loosely: no accents, case, punctuation or extra spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[’'`_\-./()*:]+", " ", text)
    return " ".join(text.split())


def slugify(text: str) -> str:
    """Lower-case ASCII and hyphens, as the project's slugs are."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def split_multi(text: str) -> list[str]:
    """Several values in one cell: separated by ``;``, ``|`` or a line break (Alt+Enter)."""
    return [part for part in _SEPARATORS.split(text.strip()) if part]


def check_excel_error(cell: Cell) -> None:
    if cell.text.upper() in _EXCEL_ERRORS:
        raise BadValue(f"la cella contiene un errore di Excel ({cell.text}): correggere la formula",
                       f"the cell holds an Excel error ({cell.text}): fix the formula")


def parse_slug(text: str, kind: str) -> str:
    """A bare slug, or ``kind/slug`` of the row's kind."""
    value = text.strip()
    if value.startswith(f"{kind}/"):
        value = value[len(kind) + 1:]
    if not SLUG.match(value):
        raise BadValue(
            f"uno slug è fatto di lettere minuscole senza accenti, cifre e trattini (per esempio "
            f"\"{slugify(value) or 'cooperativa-esempio'}\")",
            f"a slug is lower-case ASCII letters, digits and hyphens (for example "
            f"\"{slugify(value) or 'cooperativa-esempio'}\")")
    return value


def parse_url(cell: Cell) -> URIRef:
    text = cell.text.strip()
    if not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", text):
        raise BadValue("un indirizzo web inizia con http:// o https:// e non contiene spazi "
                       "(per esempio https://www.esempio.it/)",
                       "a web address starts with http:// or https:// and has no spaces "
                       "(for example https://www.example.org/)")
    return URIRef(text)


def parse_source(cell: Cell) -> URIRef | Literal:
    """A URL becomes an IRI (``prov:wasDerivedFrom`` too); any other citation stays text."""
    text = cell.text.strip()
    if re.match(r"^https?://", text):
        return parse_url(cell)
    return Literal(text)


def parse_code(cell: Cell, pattern: str, width: int | None, example: str, name_it: str,
               name_en: str) -> str:
    """A code as a string; a number typed in Excel lost its leading zeros, which are put back."""
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool) and width:
        if float(value).is_integer():
            text = str(int(value)).zfill(width)
        else:
            text = cell.text
    else:
        text = cell.text.strip()
    if not re.match(pattern, text):
        raise BadValue(f"{name_it} non valido: la forma attesa è come \"{example}\"",
                       f"invalid {name_en}: the expected form is like \"{example}\"")
    return text


def parse_choice(cell: Cell, choices: dict[str, object]) -> object:
    """One of a fixed list of values, in Italian or English, compared loosely."""
    lookup = {norm(k): v for k, v in choices.items()}
    if norm(cell.text) in lookup:
        return lookup[norm(cell.text)]
    shown = ", ".join(choices)
    raise BadValue(f"valore non previsto; i valori ammessi sono: {shown}",
                   f"unexpected value; the allowed values are: {shown}")


def parse_language(cell: Cell) -> str:
    names = {"it": "it", "italiano": "it", "italian": "it", "ita": "it",
             "en": "en", "inglese": "en", "english": "en", "eng": "en",
             "fr": "fr", "francese": "fr", "french": "fr", "de": "de", "tedesco": "de", "german": "de",
             "es": "es", "spagnolo": "es", "spanish": "es"}
    key = norm(cell.text)
    if key in names:
        return names[key]
    if re.match(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", cell.text.strip()):  # as the shapes check
        return cell.text.strip()
    raise BadValue("la lingua è un codice come \"it\" o \"en\" (o il nome: italiano, inglese)",
                   "the language is a code such as \"it\" or \"en\" (or its name: Italian, English)")


# -- dates ----------------------------------------------------------------------------------------

def parse_datetime(cell: Cell) -> Literal:
    """A date with a time, as xsd:dateTime with its offset (local times are Europe/Rome)."""
    moment = _moment(cell)
    if not isinstance(moment, dt.datetime):
        raise BadValue("serve anche l’ora (per esempio 14/06/2021 18:00)",
                       "the time is needed too (for example 14/06/2021 18:00)")
    return Literal(moment.isoformat(timespec="seconds"), datatype=XSD.dateTime)


def parse_date(cell: Cell) -> Literal:
    """A day (xsd:date), a month (xsd:gYearMonth), a year (xsd:gYear) or a moment (xsd:dateTime)."""
    text = cell.text.strip()
    if isinstance(cell.value, int) and not isinstance(cell.value, bool) and 1000 <= cell.value <= 9999:
        return Literal(str(cell.value), datatype=XSD.gYear)
    if _YEAR.match(text):
        return Literal(text, datatype=XSD.gYear)
    match = _YEAR_MONTH.match(text)
    if match and not isinstance(cell.value, dt.datetime):
        month, year = (match[1], match[2]) if match[1] else (match[4], match[3])
        if not 1 <= int(month) <= 12:
            raise BadValue(f"il mese {month} non esiste", f"there is no month {month}")
        return Literal(f"{year}-{int(month):02d}", datatype=XSD.gYearMonth)
    moment = _moment(cell)
    if isinstance(moment, dt.datetime):
        return Literal(moment.isoformat(timespec="seconds"), datatype=XSD.dateTime)
    return Literal(moment.isoformat(), datatype=XSD.date)


def _moment(cell: Cell) -> dt.date | dt.datetime:
    """A date, or an aware datetime; naive times are placed in Europe/Rome."""
    value = cell.value
    if isinstance(value, dt.datetime):
        if not cell.has_time:
            return value.date()
        return _localize(value.replace(microsecond=0), cell.text)
    text = cell.text.strip()
    if match := _DMY.match(text):
        day, month, year, hour, minute, second = match.groups()
        if len(year) != 4:
            raise BadValue("scrivere l’anno con quattro cifre (per esempio 14/06/2021)",
                           "write the year with four digits (for example 14/06/2021)")
        return _build(text, int(year), int(month), int(day), hour, minute, second, None)
    if match := _ISO.match(text):
        year, month, day, hour, minute, second, offset = match.groups()
        return _build(text, int(year), int(month), int(day), hour, minute, second, offset)
    raise BadValue("non è una data: usare gg/mm/aaaa, gg/mm/aaaa hh:mm o aaaa-mm-gg",
                   "not a date: use dd/mm/yyyy, dd/mm/yyyy hh:mm or yyyy-mm-dd")


def _build(text: str, year: int, month: int, day: int, hour: str | None, minute: str | None,
           second: str | None, offset: str | None) -> dt.date | dt.datetime:
    try:
        day_value = dt.date(year, month, day)
    except ValueError as exc:
        raise BadValue(f"{text} non è una data del calendario ({_reason_it(year, month, day)})",
                       f"{text} is not a calendar date ({exc})") from exc
    if hour is None:
        return day_value
    try:
        clock = dt.time(int(hour), int(minute or 0), int(second or 0))
    except ValueError as exc:
        raise BadValue(f"{text}: l’ora non esiste (ore 0–23, minuti 0–59)",
                       f"{text}: there is no such time of day ({exc})") from exc
    naive = dt.datetime.combine(day_value, clock)
    if offset:
        if offset == "Z":
            return naive.replace(tzinfo=dt.UTC)
        sign = 1 if offset[0] == "+" else -1
        digits = offset[1:].replace(":", "")
        delta = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if delta >= dt.timedelta(hours=24):
            raise BadValue(f"{text}: scostamento orario non valido", f"{text}: invalid UTC offset")
        return naive.replace(tzinfo=dt.timezone(sign * delta))
    return _localize(naive, text)


def _localize(naive: dt.datetime, text: str) -> dt.datetime:
    """Europe/Rome; the hour skipped when clocks go forward does not exist and is refused."""
    local = naive.replace(tzinfo=ROME)
    back = local.astimezone(dt.UTC).astimezone(ROME).replace(tzinfo=None)
    if back != naive:
        raise BadValue(f"{text}: quest’ora non esiste a Roma (le lancette sono spostate avanti di un’ora)",
                       f"{text}: this time does not exist in Rome (clocks go forward an hour)")
    return local


def _reason_it(year: int, month: int, day: int) -> str:
    if not 1 <= month <= 12:
        return f"il mese {month} non esiste"
    return f"il giorno {day} non esiste nel mese {month}/{year}"
