"""The English catalogue is complete and up to date with the code.

Every message the code and the templates send through gettext (the Dutch source text) has an
English translation in grants/translations/en/LC_MESSAGES/messages.po: none empty, none fuzzy,
plural messages in both forms, and each translation keeps exactly the placeholders of its Dutch
source, so that formatting it with the same values works. The sources are extracted in process with
babel.cfg, as `pybabel extract` does: a new `_()` without a translation, or a translation left
behind by a message that is gone, fails here. To fix: run the commands in the README
(Development, Translations) and translate what is new.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "grants" / "translations" / "en" / "LC_MESSAGES" / "messages.po"

# %(name)s (and its d/i/f/r kin), a bare %s and an escaped %%: what formatting reads.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|%%")


@cache
def _catalogue():
    with CATALOGUE.open("rb") as f:
        return read_po(f, locale="en")


def _messages():
    return [m for m in _catalogue() if m.id]


def _singular(message_id) -> str:
    return message_id[0] if isinstance(message_id, tuple) else message_id


def _placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text))


@cache
def _extracted() -> dict[str, tuple[str, str | tuple]]:
    """msgid (singular) -> ('file:line', message) for every message the sources send through gettext.

    The message is the text, or (singular, plural) for ngettext; babel.cfg is read as pybabel reads it.
    """
    with (ROOT / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[str, tuple[str, str | tuple]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS):
        msgid = _singular(message)
        if msgid:
            found.setdefault(msgid, (f"{filename}:{lineno}", message))
    return found


def test_the_catalogue_has_the_english_plural_rule():
    catalogue = _catalogue()
    assert catalogue.num_plurals == 2
    assert len(_messages()) > 500  # the real catalogue, not an empty file


def test_every_message_has_an_english_translation_that_is_not_fuzzy():
    empty = [_singular(m.id) for m in _messages()
             if not (all(m.string) if isinstance(m.string, (tuple, list)) else m.string)]
    fuzzy = [_singular(m.id) for m in _messages() if m.fuzzy]
    assert not empty, f"{len(empty)} messages without English, e.g. {empty[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy translations to check, e.g. {fuzzy[:5]}"


def test_plural_messages_have_a_singular_and_a_plural_form():
    plurals = [m for m in _messages() if m.pluralizable]
    assert plurals, "the catalogue has ngettext messages (days left, users, applications)"
    for m in plurals:
        assert isinstance(m.string, (tuple, list)) and len(m.string) == 2 and all(m.string), m.id
        assert m.string[0] != m.string[1] or m.id[0] == m.id[1], (m.id, m.string)


def test_every_translation_keeps_exactly_the_placeholders_of_its_source():
    problems = []
    for m in _messages():
        if m.pluralizable:
            pairs = [(m.id[0], m.string[0]), (m.id[1], m.string[1])]
        else:
            pairs = [(m.id, m.string)]
        for source, english in pairs:
            if _placeholders(source) != _placeholders(english):
                problems.append(f"{source!r} -> {english!r}")
    assert not problems, "\n".join(problems)


def test_every_translation_formats_with_the_values_of_its_source():
    """What the code passes (the names of the Dutch text) fills the English text without an error."""
    for m in _messages():
        sources = m.id if m.pluralizable else (m.id,)
        englishes = m.string if m.pluralizable else (m.string,)
        names = {n for s in sources for n in re.findall(r"%\((\w+)\)", s)}
        if not names and not m.python_format:
            continue
        values = {n: "x" for n in names} | {"num": 2}
        for source, english in zip(sources, englishes):
            source % values  # the test's own values fit the source
            assert "%(" not in english % values, (m.id, english)


def test_every_message_in_the_sources_is_in_the_catalogue():
    in_catalogue = {_singular(m.id) for m in _messages()}
    missing = {msgid: where for msgid, (where, _message) in _extracted().items() if msgid not in in_catalogue}
    assert not missing, ("messages in the code without a translation (update the catalogue, see the README):\n"
                         + "\n".join(f"{where}: {msgid!r}" for msgid, where in sorted(missing.items(),
                                                                                      key=lambda i: i[1])))


def test_the_catalogue_holds_no_message_the_sources_no_longer_have():
    extracted = _extracted()
    stale = sorted(_singular(m.id) for m in _messages() if _singular(m.id) not in extracted)
    assert not stale, f"translations of messages that are gone (update with --ignore-obsolete): {stale[:10]}"


def test_the_plural_forms_of_the_sources_match_the_catalogue():
    """An ngettext in the code is a plural entry in the catalogue with the same plural text, and back."""
    catalogue = {_singular(m.id): m for m in _messages()}
    for msgid, (where, message) in _extracted().items():
        if msgid in catalogue:
            entry = catalogue[msgid]
            expected = tuple(entry.id) if entry.pluralizable else entry.id
            assert (tuple(message) if isinstance(message, tuple) else message) == expected, where
