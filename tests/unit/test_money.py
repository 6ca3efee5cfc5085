"""Amounts as people type them, and as the app shows them: exact Decimal, Dutch format."""
from decimal import Decimal

import pytest

from grants.money import MAX_AMOUNT, AmountError, api_amount, format_eur, parse_amount, split_cumulative, to_cents

FORMAT_HINT = "Geef een bedrag in euro, bijvoorbeeld 25.000,00 (hoogstens twee cijfers na de komma)."


@pytest.mark.parametrize(("text", "expected"), [
    # a dot followed by three digits groups thousands (Dutch habit)
    ("25.000", "25000.00"),
    ("25.000,50", "25000.50"),
    ("25.000,5", "25000.50"),
    ("1.606.641,63", "1606641.63"),
    ("1.204.985,71", "1204985.71"),
    # a comma or dot with one or two digits is the decimal sign
    ("25000,5", "25000.50"),
    ("25000,50", "25000.50"),
    ("25000.50", "25000.50"),
    ("25000.5", "25000.50"),
    ("25.00", "25.00"),
    ("0,01", "0.01"),
    # English grouping
    ("25,000", "25000.00"),
    ("1,606,641.63", "1606641.63"),
    # plain and decorated
    ("25000", "25000.00"),
    ("0", "0.00"),
    ("  25000  ", "25000.00"),
    ("25 000", "25000.00"),
    ("25\u00a0000,00", "25000.00"),
    ("\u20ac 25.000,00", "25000.00"),
    ("25.000,00 EUR", "25000.00"),
    ("9999999999.99", "9999999999.99"),  # the largest amount Numeric(12, 2) holds
])
def test_parse_amount_reads_usual_spellings(text, expected):
    amount = parse_amount(text)
    assert isinstance(amount, Decimal)
    assert amount == Decimal(expected)
    assert amount.as_tuple().exponent == -2  # always whole cents


@pytest.mark.parametrize("text", [
    "abc",
    "25k",
    "25.000,505",  # too many decimals
    "25000,505",
    "25000.505",
    "25.0000",  # neither a thousands group nor two decimals
    "12.34.56",
    "25,000.000",
    "1e5",  # no scientific notation
    "25.",
    ".5",
    ",5",
    "25,-",
    "2\u00b2",  # superscript digit is not a digit of an amount
    "\u00bd",  # vulgar fraction one half
    "NaN",
    "Infinity",
    "--5",
    "+5",
    "9999999999.999",
])
def test_parse_amount_refuses_what_is_not_an_amount(text):
    with pytest.raises(AmountError) as excinfo:
        parse_amount(text)
    assert str(excinfo.value) == FORMAT_HINT


@pytest.mark.parametrize("text", [None, "", "   ", "\u20ac", "EUR"])
def test_parse_amount_asks_for_an_amount_when_empty(text):
    with pytest.raises(AmountError, match="^Vul een bedrag in.$"):
        parse_amount(text)


@pytest.mark.parametrize("text", ["-5", "-25.000,00", "- 1", "-0"])
def test_parse_amount_refuses_negative_by_default(text):
    with pytest.raises(AmountError, match="^Een bedrag mag niet negatief zijn.$"):
        parse_amount(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("-5", "-5.00"),
    ("-182,00", "-182.00"),
    ("-1.606.641,63", "-1606641.63"),
])
def test_parse_amount_allows_negative_when_asked(text, expected):
    assert parse_amount(text, allow_negative=True) == Decimal(expected)


@pytest.mark.parametrize("text", ["10000000000", "10.000.000.000,00", "1" * 40, "-10000000000"])
def test_parse_amount_says_too_large(text):
    with pytest.raises(AmountError, match="^Dit bedrag is te groot.$"):
        parse_amount(text, allow_negative=True)


@pytest.mark.parametrize("text", [
    "\uff12\uff15\uff10\uff10\uff10",  # full-width 25000: no bank or form uses these
    "\u0662\u0665",  # Arabic-Indic 25
])
def test_parse_amount_refuses_non_ascii_digits(text):
    with pytest.raises(AmountError):
        parse_amount(text)


@pytest.mark.parametrize("text", ["0,001", "0.001", "0.001,50", "012,345"])
def test_parse_amount_refuses_a_leading_zero_thousands_group(text):
    with pytest.raises(AmountError):
        parse_amount(text)


def test_parse_amount_never_returns_a_float_rounding_error():
    # 0.1 + 0.2 as float is 0.30000000000000004; the parsed amounts add up exactly.
    assert parse_amount("0,10") + parse_amount("0,20") == Decimal("0.30")


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("25000"), "25.000,00 EUR"),
    (Decimal("25000.5"), "25.000,50 EUR"),
    (Decimal("1606647.63"), "1.606.647,63 EUR"),
    (Decimal("437995"), "437.995,00 EUR"),
    (Decimal("999.99"), "999,99 EUR"),
    (Decimal("1000"), "1.000,00 EUR"),
    (Decimal("0"), "0,00 EUR"),
    (Decimal("0.005"), "0,01 EUR"),  # half up, as the agency counts
    (Decimal("0.004"), "0,00 EUR"),
    (Decimal("-182"), "-182,00 EUR"),
    (Decimal("-1234567.891"), "-1.234.567,89 EUR"),
    (Decimal("-0.004"), "0,00 EUR"),  # no '-0,00'
    (Decimal("9999999999.99"), "9.999.999.999,99 EUR"),
    (25000, "25.000,00 EUR"),
    (None, ""),
])
def test_format_eur(value, expected):
    assert format_eur(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("25000"), "25.000,00"),
    (Decimal("-6"), "-6,00"),
])
def test_format_eur_without_unit(value, expected):
    assert format_eur(value, unit=False) == expected


@pytest.mark.parametrize("text", ["25.000,50", "1.606.641,63", "0,01", "9.999.999.999,99"])
def test_format_and_parse_round_trip(text):
    assert format_eur(parse_amount(text), unit=False) == text


@pytest.mark.parametrize(("value", "expected"), [
    ("1.005", "1.01"),
    ("1.004", "1.00"),
    ("2.675", "2.68"),  # as float this would become 2.67
    ("-1.005", "-1.01"),
    (7, "7.00"),
])
def test_to_cents_rounds_half_up(value, expected):
    assert to_cents(value) == Decimal(expected)
    assert str(to_cents(value)) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("25000"), "25000.00"),
    (Decimal("1606647.625"), "1606647.63"),
    (None, None),
])
def test_api_amount(value, expected):
    assert api_amount(value) == expected


def test_max_amount_is_what_numeric_12_2_holds():
    assert MAX_AMOUNT == Decimal("9999999999.99")


@pytest.mark.parametrize(("value", "mark", "expected"), [
    (Decimal("0.50"), ",", "0,5"), (Decimal("20.0000"), ",", "20"), (Decimal("100"), ",", "100"),
    (Decimal("12.25"), ",", "12,25"), (Decimal("1E+2"), ",", "100"), (Decimal("0.5000"), ".", "0.5"),
    (None, ",", ""),
])
def test_format_decimal_has_no_trailing_zeros_and_no_exponent(value, mark, expected):
    from grants.money import format_decimal
    assert format_decimal(value, decimal_mark=mark) == expected


@pytest.mark.parametrize(("total", "weights", "expected"), [
    ("49146.00", ["60", "40"], ["29487.60", "19658.40"]),  # the regie-role advance and balance
    ("100.00", ["1", "1", "1"], ["33.33", "33.34", "33.33"]),  # the remainder carried on, not piled on the last
    ("0.01", ["1", "1"], ["0.01", "0.00"]),
    ("437995.00", ["100"], ["437995.00"]),
    ("10.00", ["0", "3", "1"], ["0.00", "7.50", "2.50"]),
])
def test_split_cumulative_adds_up_to_the_cent_with_each_share_within_a_cent(total, weights, expected):
    shares = split_cumulative(Decimal(total), [Decimal(w) for w in weights])
    assert [str(s) for s in shares] == expected
    assert sum(shares, Decimal(0)) == Decimal(total)
