"""The decision mails admins edit: checked by rendering them in a sandbox with the values a mail gets."""
from __future__ import annotations

import pytest

from grants.awards.models import DecisionOutcome
from grants.awards.operations import DEFAULT_MAILS, MAIL_VARIABLES, template_problem


@pytest.fixture(autouse=True)
def _context(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize("outcome", list(DecisionOutcome))
def test_the_default_mails_use_only_known_values(outcome):
    subject, body = DEFAULT_MAILS[outcome]
    assert template_problem(subject) is None
    assert template_problem(body) is None


@pytest.mark.parametrize("text", ["{{ " + name + " }}" for name in MAIL_VARIABLES] + ["Geen waarden.", ""])
def test_known_values_and_plain_text_are_fine(text):
    assert template_problem(text) is None


@pytest.mark.parametrize("text, words", [
    ("{{ bedrag }}", "onbekende waarde"),
    ("{% if %}", "fout op regel 1"),
    ("{{ title.__class__.__mro__ }}", ""),  # the sandbox refuses, or the value is unknown: never runs
    ("{{ amount | onbestaand }}", ""),
])
def test_unknown_values_errors_and_escapes_are_refused(text, words):
    problem = template_problem(text)
    assert problem is not None
    assert words in problem
