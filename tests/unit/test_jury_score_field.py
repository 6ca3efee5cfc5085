"""The score field of the sheet (grants/jury/forms.py ScoreField): what a juror may type, and that
nothing typed can get further than a Dutch message (hypothesis over arbitrary text)."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import Form

from grants.forms_common import clean_line
from grants.jury.forms import ScoreField


class ScaleForm(Form):
    score = ScoreField("Relevantie", low=1, high=5)


def _read(typed: str):
    form = ScaleForm(MultiDict({"score": typed}))
    form.validate()
    return form.score.data, list(form.score.errors)


@pytest.mark.parametrize("typed, value", [
    ("1", D("1")), ("5", D("5")), ("3,5", D("3.5")), ("3.25", D("3.25")), ("  4 ", D("4")), ("", None),
    ("\x00", None),  # control characters are cleaned away: nothing typed
])
def test_scores_on_a_scale_of_one_to_five(typed, value):
    assert _read(typed) == (value, [])


@pytest.mark.parametrize("typed, message", [
    ("0,99", "De score ligt op deze schaal van 1 tot en met 5; 0,99 kan niet."),
    ("-0", "De score ligt op deze schaal van 1 tot en met 5; -0 kan niet."),
    ("5.01", "De score ligt op deze schaal van 1 tot en met 5; 5.01 kan niet."),
    ("3,125", "Hoogstens 2 cijfers na de komma, bijvoorbeeld 7,25."),
    ("drie", "Geef de score als getal van 1 tot en met 5, bijvoorbeeld 7 of 7,5."),
    ("1e309", "Geef de score als getal van 1 tot en met 5, bijvoorbeeld 7 of 7,5."),
    ("nan", "Geef de score als getal van 1 tot en met 5, bijvoorbeeld 7 of 7,5."),
    ("Infinity", "Geef de score als getal van 1 tot en met 5, bijvoorbeeld 7 of 7,5."),
    ("3,5,5", "Geef de score als getal van 1 tot en met 5, bijvoorbeeld 7 of 7,5."),
    ("x" * 51, "Deze waarde is te lang."),
])
def test_what_is_not_a_score_gets_its_message(typed, message):
    assert _read(typed) == (None, [message])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_a_score_on_the_scale_or_a_message(typed):
    value, errors = _read(typed)
    if value is None:
        assert errors or not clean_line(typed)  # a message, or nothing was typed
        assert all(isinstance(e, str) and e for e in errors)
    else:
        assert errors == [] and D(1) <= value <= D(5) and -value.as_tuple().exponent <= 2


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=1, max_value=5, places=2, allow_nan=False, allow_infinity=False))
def test_every_mark_with_two_decimals_is_read_back_exactly(mark):
    for typed in (f"{mark}", f"{mark}".replace(".", ",")):
        assert _read(typed) == (mark, [])
