"""Cell values in people's forms: dates in Europe/Rome with the right offset, impossible dates and
non-existent wall times refused, slugs, codes, choices, languages."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib.namespace import XSD

from cisem_graph.importer.kinds import ATTENDANCE, KINDS
from cisem_graph.importer.read import Cell
from cisem_graph.importer.values import (
    BadValue,
    check_excel_error,
    norm,
    parse_choice,
    parse_code,
    parse_date,
    parse_datetime,
    parse_language,
    parse_slug,
    parse_source,
    parse_url,
    slugify,
    split_multi,
)


def text(value: str) -> Cell:
    return Cell(value, value)


@pytest.mark.parametrize("typed, expected", [
    ("14/06/2021 18:00", "2021-06-14T18:00:00+02:00"),  # summer time
    ("14/01/2021 18:00", "2021-01-14T18:00:00+01:00"),  # winter time
    ("1/6/2021 9:05", "2021-06-01T09:05:00+02:00"),
    ("14/06/2021 18.00", "2021-06-14T18:00:00+02:00"),  # the Italian dot
    ("14/06/2021, ore 18:00", "2021-06-14T18:00:00+02:00"),
    ("14.06.2021 18:00:30", "2021-06-14T18:00:30+02:00"),
    ("2021-06-14T18:00", "2021-06-14T18:00:00+02:00"),
    ("2021-06-14 18:00:00", "2021-06-14T18:00:00+02:00"),
    ("2021-06-14T16:00:00Z", "2021-06-14T16:00:00+00:00"),
    ("2021-06-14T18:00:00+02:00", "2021-06-14T18:00:00+02:00"),
    ("31/10/2021 02:30", "2021-10-31T02:30:00+02:00"),  # the repeated hour: the first (summer) one
    ("31/10/2021 03:30", "2021-10-31T03:30:00+01:00"),
])
def test_a_local_date_and_time_gets_the_rome_offset(typed, expected):
    literal = parse_datetime(text(typed))
    assert literal.datatype == XSD.dateTime and str(literal) == expected


@pytest.mark.parametrize("value, fmt, expected", [
    (dt.datetime(2021, 6, 14, 18, 0), "dd/mm/yyyy hh:mm", "2021-06-14T18:00:00+02:00"),
    (dt.datetime(2021, 12, 14, 18, 0), "dd/mm/yyyy hh:mm", "2021-12-14T18:00:00+01:00"),
    (dt.datetime(2021, 6, 14, 0, 0), "dd/mm/yyyy h:mm", "2021-06-14T00:00:00+02:00"),
])
def test_an_excel_datetime_cell_is_rome_time(value, fmt, expected):
    has_time = value.time() != dt.time(0) or "h" in fmt
    assert str(parse_datetime(Cell(value, "", has_time))) == expected


@pytest.mark.parametrize("typed", [
    "31/02/2021 18:00",  # no 31 February
    "29/02/2021",  # 2021 is no leap year
    "14/13/2021 18:00",  # no month 13
    "14/06/2021 24:30",  # no hour 24
    "28/03/2021 02:30",  # clocks jump from 02:00 to 03:00 in Rome
    "14/06/21 18:00",  # a two-digit year is refused, not guessed
    "domani",
    "14 giugno 2021",
    "",
])
def test_impossible_or_unreadable_dates_are_refused(typed):
    with pytest.raises(BadValue) as bad:
        parse_datetime(text(typed))
    assert bad.value.rule == "type" and bad.value.messages["it"] and bad.value.messages["en"]


def test_an_event_start_needs_a_time():
    with pytest.raises(BadValue, match="time"):
        parse_datetime(text("14/06/2021"))
    with pytest.raises(BadValue, match="time"):
        parse_datetime(Cell(dt.datetime(2021, 6, 14), "14/06/2021", has_time=False))


@pytest.mark.parametrize("typed, datatype, expected", [
    ("14/06/2021", XSD.date, "2021-06-14"),
    ("2021-06-14", XSD.date, "2021-06-14"),
    ("06/2021", XSD.gYearMonth, "2021-06"),
    ("2021-06", XSD.gYearMonth, "2021-06"),
    ("1991", XSD.gYear, "1991"),
    ("14/06/2021 18:00", XSD.dateTime, "2021-06-14T18:00:00+02:00"),
])
def test_dates_of_roles_and_foundings_keep_their_precision(typed, datatype, expected):
    literal = parse_date(text(typed))
    assert (literal.datatype, str(literal)) == (datatype, expected)


def test_a_year_typed_as_a_number_in_excel_is_a_year():
    literal = parse_date(Cell(1991, "1991"))
    assert (literal.datatype, str(literal)) == (XSD.gYear, "1991")


def test_an_excel_date_cell_without_time_is_a_day():
    literal = parse_date(Cell(dt.datetime(2021, 6, 14), "14/06/2021", has_time=False))
    assert (literal.datatype, str(literal)) == (XSD.date, "2021-06-14")


@pytest.mark.parametrize("name, slug", [
    ("Cooperativa Esempio (fittizia)", "cooperativa-esempio-fittizia"),
    ("L’impresa sociale: opportunità", "l-impresa-sociale-opportunita"),
    ("  Società Cooperativa  Agricola ", "societa-cooperativa-agricola"),
    ("???", ""),
])
def test_slugs_are_lower_case_ascii_and_hyphens(name, slug):
    assert slugify(name) == slug


@pytest.mark.parametrize("typed, kind, expected", [
    ("webinar-2031", "event", "webinar-2031"),
    ("event/webinar-2031", "event", "webinar-2031"),
])
def test_a_slug_column_takes_a_slug_or_kind_slash_slug(typed, kind, expected):
    assert parse_slug(typed, kind) == expected


@pytest.mark.parametrize("typed", ["Webinar 2031", "webinar_2031", "città", "-x", "person/x"])
def test_a_malformed_slug_is_refused_with_a_suggestion(typed):
    with pytest.raises(BadValue):
        parse_slug(typed, "event")


def test_a_bad_slug_suggests_the_right_form():
    with pytest.raises(BadValue) as bad:
        parse_slug("Webinar 2031", "event")
    assert '"webinar-2031"' in bad.value.messages["en"]


def test_several_values_in_one_cell():
    assert split_multi("a; b |c\nd ;") == ["a", "b", "c", "d"]


@pytest.mark.parametrize("cell, expected", [
    (Cell(4078, "4078"), "004078"),  # Excel dropped the zeros: put back
    (Cell("004078", "004078"), "004078"),
])
def test_codes_keep_their_leading_zeros(cell, expected):
    assert parse_code(cell, r"^[0-9]{6}$", 6, "004078", "codice ISTAT", "ISTAT code") == expected


def test_a_malformed_code_is_refused():
    with pytest.raises(BadValue, match="ISTAT"):
        parse_code(text("4078"), r"^[0-9]{6}$", 6, "004078", "codice ISTAT", "ISTAT code")


@pytest.mark.parametrize("typed", ["online", "Online", "ON-LINE", "on line"])
def test_choices_are_matched_loosely(typed):
    assert parse_choice(text(typed), ATTENDANCE) == ATTENDANCE["online"]


def test_a_wrong_choice_lists_the_allowed_values():
    with pytest.raises(BadValue) as bad:
        parse_choice(text("via radio"), ATTENDANCE)
    assert "in presenza" in bad.value.messages["it"] and "mixed" in bad.value.messages["en"]


@pytest.mark.parametrize("typed, expected", [("it", "it"), ("Italiano", "it"), ("inglese", "en"),
                                             ("en-GB", "en-GB")])
def test_languages(typed, expected):
    assert parse_language(text(typed)) == expected


def test_urls_need_a_scheme_and_sources_may_be_text():
    assert str(parse_url(text("https://example.org/x"))) == "https://example.org/x"
    with pytest.raises(BadValue):
        parse_url(text("www.example.org"))
    assert parse_source(text("Verbale della riunione (fittizio)")).datatype is None


def test_excel_error_cells_are_refused():
    with pytest.raises(BadValue, match="Excel"):
        check_excel_error(text("#N/A"))


def test_headers_match_in_italian_and_english_whatever_the_case_or_accents():
    events = KINDS["events"]
    for header in ("Modalità", "modalita", "MODALITÀ", "attendance mode", "Attendance_Mode"):
        assert events.match(header).key == "attendance", header
    assert norm("Data di fondazione") == "data di fondazione"
    assert KINDS["people"].match("Nome").key == "given_name"  # for a person, "nome" is the first name
    assert KINDS["organizations"].match("Nome").key == "name"


@pytest.mark.parametrize("kind", list(KINDS))
def test_no_header_names_two_columns(kind):
    seen: dict[str, str] = {}
    for column in KINDS[kind].columns:
        for name in column.names():
            assert seen.setdefault(name, column.key) == column.key, (name, column.key)
