"""Input checks: required fields, text, time zones, aware date-times and optional numbers."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from common.validation import (
    DB_INT_MAX,
    InputError,
    aware_datetime,
    is_record_id,
    optional_number,
    require,
    text,
    timezone,
    whole_number,
)


@pytest.mark.parametrize(
    "check",
    [
        pytest.param(require, id="require"),
        pytest.param(text, id="text"),
        pytest.param(timezone, id="timezone"),
        pytest.param(aware_datetime, id="aware_datetime"),
    ],
)
@pytest.mark.parametrize("data", [{}, {"f": None}, {"f": ""}], ids=["absent", "none", "blank"])
def test_a_missing_required_field_is_named(check, data):
    with pytest.raises(InputError, match="f") as info:
        check(data, "f")
    assert info.value.field == "f"


def test_require_refuses_what_is_not_an_object():
    with pytest.raises(InputError):
        require(["f"], "f")


@pytest.mark.parametrize("value", ["x", 0, False, [1]])
def test_require_returns_a_present_value(value):
    assert require({"f": value}, "f") == value


def test_text_is_stripped():
    assert text({"name": "  Gate 3 "}, "name") == "Gate 3"


def test_optional_text_may_be_absent():
    assert text({}, "notes", required=False) == ""
    assert text({"notes": None}, "notes", required=False) == ""


@pytest.mark.parametrize("value", [42, 1.5, True, ["a"], {"a": 1}])
def test_text_refuses_what_is_not_a_string(value):
    with pytest.raises(InputError, match="string") as info:
        text({"name": value}, "name")
    assert info.value.field == "name"


def test_text_refuses_an_overlong_string_and_accepts_the_limit():
    assert text({"name": "a" * 10}, "name", max_len=10) == "a" * 10
    with pytest.raises(InputError, match="10") as info:
        text({"name": "a" * 11}, "name", max_len=10)
    assert info.value.field == "name"


@pytest.mark.parametrize("name", ["America/Chicago", "UTC", "Europe/Berlin"])
def test_timezone_accepts_iana_names(name):
    assert timezone({"timezone": name}) == name


@pytest.mark.parametrize("name", ["Mars/Olympus", "../../etc/passwd", "America/"])
def test_timezone_refuses_unknown_zones(name):
    with pytest.raises(InputError, match="time zone") as info:
        timezone({"timezone": name})
    assert info.value.field == "timezone"


@pytest.mark.parametrize(
    ("local", "offset_hours", "utc"),
    [
        pytest.param("2027-08-21T10:00:00", -5, datetime(2027, 8, 21, 15, 0, tzinfo=UTC), id="CDT"),
        pytest.param("2027-01-21T10:00:00", -6, datetime(2027, 1, 21, 16, 0, tzinfo=UTC), id="CST"),
    ],
)
def test_a_naive_time_is_read_in_the_event_zone_with_daylight_saving(local, offset_hours, utc):
    parsed = aware_datetime({"starts_at": local}, "starts_at", "America/Chicago")
    assert parsed.utcoffset() == timedelta(hours=offset_hours)
    assert parsed.astimezone(UTC) == utc


def test_a_naive_time_without_a_zone_is_refused():
    with pytest.raises(InputError, match="offset") as info:
        aware_datetime({"starts_at": "2027-08-21T10:00:00"}, "starts_at")
    assert info.value.field == "starts_at"


@pytest.mark.parametrize("tz", [None, "America/Chicago"])
def test_a_time_with_an_offset_is_kept(tz):
    parsed = aware_datetime({"starts_at": "2027-08-21T10:00:00+02:00"}, "starts_at", tz)
    assert parsed.utcoffset() == timedelta(hours=2)
    assert parsed.astimezone(UTC) == datetime(2027, 8, 21, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("value", ["next tuesday", "2027-13-01T10:00:00", "21/08/2027 10:00", 42])
def test_a_time_that_is_not_iso_8601_is_refused(value):
    with pytest.raises(InputError, match="ISO 8601") as info:
        aware_datetime({"starts_at": value}, "starts_at", "UTC")
    assert info.value.field == "starts_at"


def test_an_absent_number_is_none():
    assert optional_number({}, "density") is None
    assert optional_number({"density": None}, "density") is None


@pytest.mark.parametrize("value", [0, 2, 2.5, 10_000])
def test_ints_and_floats_at_or_over_the_minimum_are_accepted(value):
    assert optional_number({"density": value}, "density") == value


def test_the_minimum_itself_is_accepted():
    assert optional_number({"interval_s": 10}, "interval_s", minimum=10) == 10


@pytest.mark.parametrize(
    ("value", "minimum"),
    [
        pytest.param(True, 0, id="true"),
        pytest.param(False, 0, id="false"),
        pytest.param("3", 0, id="numeric-string"),
        pytest.param([3], 0, id="list"),
        pytest.param(-1, 0, id="negative"),
        pytest.param(-0.5, 0, id="negative-float"),
        pytest.param(9, 10, id="under-minimum"),
    ],
)
def test_optional_number_refuses_bools_strings_and_small_values(value, minimum):
    with pytest.raises(InputError, match="at least") as info:
        optional_number({"density": value}, "density", minimum=minimum)
    assert info.value.field == "density"


@pytest.mark.parametrize("value", [math.nan, math.inf], ids=["nan", "inf"])
def test_optional_number_refuses_nan_and_infinity(value):
    with pytest.raises(InputError):
        optional_number({"density": value}, "density")


@pytest.mark.parametrize(
    "value", ["Gate\x013", "Gate\x0b3", "Gate\x1f3", "Gate\t3", "A\nB", "\ud800"]
)
def test_a_name_with_control_characters_is_refused(value):
    with pytest.raises(InputError, match="control characters") as info:
        text({"name": value}, "name")
    assert info.value.field == "name"


def test_multiline_text_keeps_tabs_and_line_breaks_but_no_other_control():
    assert text({"notes": "a\tb\r\nc"}, "notes", multiline=True) == "a\tb\r\nc"
    with pytest.raises(InputError, match="control characters"):
        text({"notes": "a\x07b"}, "notes", multiline=True)


@pytest.mark.parametrize("written", ["0", "7", "0042", str(DB_INT_MAX)])
def test_a_whole_number_as_written_in_a_query_or_form(written):
    assert whole_number(written) == int(written)


@pytest.mark.parametrize(
    "written", ["", "-1", "+1", " 1", "1e3", "1.0", "²", "٣", str(DB_INT_MAX + 1), "9" * 5000]
)
def test_what_is_no_whole_number_a_column_holds_is_a_value_error(written):
    with pytest.raises(ValueError):
        whole_number(written)


@pytest.mark.parametrize(
    ("value", "ok"),
    [(1, True), (DB_INT_MAX, True), (0, False), (-1, False), (DB_INT_MAX + 1, False),
     (True, False), (1.0, False), ("1", False), (None, False)],
)  # fmt: skip
def test_a_record_id_is_a_whole_number_an_id_column_holds(value, ok):
    assert is_record_id(value) is ok


def test_a_number_stored_in_a_whole_number_column_has_a_maximum():
    assert optional_number({"n": DB_INT_MAX}, "n", maximum=DB_INT_MAX) == DB_INT_MAX
    with pytest.raises(InputError, match="at most") as info:
        optional_number({"n": 1e308}, "n", maximum=DB_INT_MAX)
    assert info.value.field == "n"


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+05:00"])
def test_a_time_past_what_can_be_stored_is_refused(value):
    with pytest.raises(InputError, match="out of range") as info:
        aware_datetime({"at": value}, "at")
    assert info.value.field == "at"
