"""Enterprise numbers (KBO) and IBANs: normalising, check digits, Dutch messages."""
import pytest

from grants.organisations.identifiers import (
    IdentifierError,
    format_iban,
    format_kbo,
    is_valid_iban,
    is_valid_kbo,
    normalise_iban,
    normalise_kbo,
    parse_belgian_iban,
    parse_kbo,
)

# Check digits computed by hand: 97 - (first eight digits mod 97).
# 01234567 mod 97 = 48 -> 49; 00000000 mod 97 = 0 -> 97; 10000000 mod 97 = 76 -> 21.
VALID_KBO = ["0123456749", "0203040596", "0403123486", "0876543270", "1000000021", "1234567894",
             "0000000097", "0999999922"]


# --------------------------------------------------------------------------- KBO normalising


@pytest.mark.parametrize(("text", "expected"), [
    ("0123456749", "0123456749"),
    ("0123.456.749", "0123456749"),
    ("0123 456 749", "0123456749"),
    ("  0123.456.749  ", "0123456749"),
    ("BE0123456749", "0123456749"),
    ("BE 0123.456.749", "0123456749"),
    ("be0123.456.749", "0123456749"),
    ("BE-0123-456-749", "0123456749"),
    ("123456749", "0123456749"),  # old 9-digit number: prefix 0
    ("123.456.749", "0123456749"),
    ("BE 123.456.749", "0123456749"),
    ("1234.567.894", "1234567894"),
])
def test_normalise_kbo_accepts_usual_spellings(text, expected):
    assert normalise_kbo(text) == expected


@pytest.mark.parametrize("text", [
    "12345678",  # 8 digits
    "01234567490",  # 11 digits
    "0123.456.74A",
    "NL0123456749",
    "0123,456,749",
    "０１２３４５６７４９",  # full-width digits are not KBO digits
    "٠١٢٣٤٥٦٧٤٩",  # Arabic-Indic digits
    "BE",
])
def test_normalise_kbo_refuses_malformed_text(text):
    with pytest.raises(IdentifierError) as excinfo:
        normalise_kbo(text)
    assert str(excinfo.value) == "Een ondernemingsnummer heeft 10 cijfers, bijvoorbeeld 0123.456.749."


@pytest.mark.parametrize("text", [None, "", "   "])
def test_normalise_kbo_asks_for_a_number_when_empty(text):
    with pytest.raises(IdentifierError, match="^Vul een ondernemingsnummer in.$"):
        normalise_kbo(text)


# --------------------------------------------------------------------------- KBO checking


@pytest.mark.parametrize("number", VALID_KBO)
def test_valid_kbo_numbers_pass(number):
    assert is_valid_kbo(number)
    assert parse_kbo(number) == number


@pytest.mark.parametrize(("text", "expected"), [
    ("0123.456.749", "0123456749"),
    ("BE 0123 456 749", "0123456749"),
    ("123.456.749", "0123456749"),
])
def test_parse_kbo_returns_the_normalised_number(text, expected):
    assert parse_kbo(text) == expected


@pytest.mark.parametrize("number", [
    "0123456748",  # check digits one off
    "0123456750",
    "0123456794",  # check digits swapped
    "0123456479",  # digits swapped in the body
    "0213456749",
    "0000000000",  # remainder 0 must be written 97, not 00
    "1234567895",
])
def test_wrong_check_digits_are_refused(number):
    assert not is_valid_kbo(number)
    with pytest.raises(IdentifierError) as excinfo:
        parse_kbo(number)
    assert str(excinfo.value) == "Dit ondernemingsnummer klopt niet: de controlecijfers zijn fout."


@pytest.mark.parametrize("number", ["2000000042", "5123456757", "9999999917"])
def test_first_digit_must_be_0_or_1(number):
    # Each has correct check digits (20000000 mod 97 = 55 -> 42), so only the first digit is wrong.
    assert not is_valid_kbo(number)
    with pytest.raises(IdentifierError, match="^Een ondernemingsnummer begint met 0 of 1.$"):
        parse_kbo(number)


@pytest.mark.parametrize("text", [None, "", "abc", "12345", "٠١٢٣٤٥٦٧٤٩"])
def test_is_valid_kbo_is_false_for_garbage(text):
    assert is_valid_kbo(text) is False


@pytest.mark.parametrize(("text", "expected"), [
    ("0123456749", "0123.456.749"),
    ("123456749", "0123.456.749"),
    ("BE 0403 123 486", "0403.123.486"),
    ("1234567894", "1234.567.894"),
])
def test_format_kbo(text, expected):
    assert format_kbo(text) == expected


def test_format_kbo_refuses_malformed_text():
    with pytest.raises(IdentifierError):
        format_kbo("12-34")


def test_identifier_error_is_a_value_error():
    assert issubclass(IdentifierError, ValueError)


# --------------------------------------------------------------------------- IBAN, any country


@pytest.mark.parametrize(("text", "expected"), [
    ("BE68 5390 0754 7034", "BE68539007547034"),
    ("be68539007547034", "BE68539007547034"),
    ("  BE68\u00a05390\u00a00754\u00a07034 ", "BE68539007547034"),
    ("BE68-5390-0754-7034", "BE68539007547034"),
    ("", ""),
    (None, ""),
])
def test_normalise_iban(text, expected):
    assert normalise_iban(text) == expected


@pytest.mark.parametrize("iban", [
    "BE68539007547034",
    "BE68 5390 0754 7034",
    "GB82 WEST 1234 5698 7654 32",
    "DE89 3704 0044 0532 0130 00",
    "NL91 ABNA 0417 1643 00",
    "FR14 2004 1010 0505 0001 3M02 606",  # letter inside the account part
    "NO93 8601 1117 947",  # shortest in use: 15 characters
    "MT84 MALT 0110 0001 2345 MTLC AST0 01S",
    "nl91abna0417164300",
])
def test_valid_ibans_of_any_country(iban):
    assert is_valid_iban(iban)


@pytest.mark.parametrize("iban", [
    "BE69539007547034",  # check digits changed
    "BE68539007547035",  # last digit changed
    "BE68539007547043",  # last two digits swapped
    "GB82WEST12345698765433",
    "DE89370400440532013001",
    "NL91ABNA0417164301",
    "XX",
    "",
    None,
    "BE6853900754703",  # too short for a BE number but also fails mod 97
    "1268539007547034",  # country must be letters
    "BEAB539007547034",  # check digits must be digits
    "BE68 5390 0754 703$",
    "NO9386011117",  # shorter than any IBAN
    "BE68５３９００７５４７０３４",  # full-width digits
])
def test_invalid_ibans(iban):
    assert is_valid_iban(iban) is False


# --------------------------------------------------------------------------- Belgian IBAN


@pytest.mark.parametrize(("text", "expected"), [
    ("BE68 5390 0754 7034", "BE68539007547034"),
    ("be68539007547034", "BE68539007547034"),
    ("BE31 0910 0123 4555", "BE31091001234555"),
    # account 9700000000 is a multiple of 97: remainder 0 is written 97
    ("BE54 9700 0000 0097", "BE54970000000097"),
    ("BE54 0000 0000 9797", "BE54000000009797"),
])
def test_parse_belgian_iban_accepts_valid_numbers(text, expected):
    assert parse_belgian_iban(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("", "Vul een rekeningnummer (IBAN) in."),
    (None, "Vul een rekeningnummer (IBAN) in."),
    ("BE68 5390 0754 703!", "Een rekeningnummer bestaat enkel uit letters en cijfers, "
                            "bijvoorbeeld BE68 5390 0754 7034."),
    ("NL91 ABNA 0417 1643 00", "Geef een Belgisch rekeningnummer op: het begint met BE."),
    ("GB82 WEST 1234 5698 7654 32", "Geef een Belgisch rekeningnummer op: het begint met BE."),
    ("539007547034", "Geef een Belgisch rekeningnummer op: het begint met BE."),
])
def test_parse_belgian_iban_format_and_country(text, message):
    with pytest.raises(IdentifierError) as excinfo:
        parse_belgian_iban(text)
    assert str(excinfo.value) == message


@pytest.mark.parametrize("text", [
    "BE68 5390 0754 703",  # 15 characters
    "BE68 5390 0754 7034 5",  # 17 characters
    "BE68 5390 0754 70A4",  # letter in a Belgian account
    "BE",
])
def test_parse_belgian_iban_wrong_length(text):
    with pytest.raises(IdentifierError) as excinfo:
        parse_belgian_iban(text)
    assert "telt 16 tekens" in str(excinfo.value)


@pytest.mark.parametrize("text", [
    "BE69 5390 0754 7034",
    "BE67 5390 0754 7034",
    "BE68 5390 0754 7043",
    "BE68 3590 0754 7034",
])
def test_parse_belgian_iban_wrong_iban_check_digits(text):
    with pytest.raises(IdentifierError) as excinfo:
        parse_belgian_iban(text)
    assert str(excinfo.value) == "Dit rekeningnummer klopt niet: de controlecijfers na BE zijn fout."


@pytest.mark.parametrize("text", [
    # IBAN check digits recomputed so that only the national check fails
    "BE41 5390 0754 7035",
    # remainder 0 written as 00 instead of 97
    "BE54 0000 0000 9700",
])
def test_parse_belgian_iban_wrong_national_check(text):
    assert is_valid_iban(text), "the IBAN check itself must pass for this case"
    with pytest.raises(IdentifierError) as excinfo:
        parse_belgian_iban(text)
    assert str(excinfo.value) == ("Dit rekeningnummer klopt niet: de laatste twee cijfers van het "
                                  "rekeningnummer zijn fout.")


@pytest.mark.parametrize(("text", "expected"), [
    ("BE68539007547034", "BE68 5390 0754 7034"),
    ("be68 5390 0754 7034", "BE68 5390 0754 7034"),
    ("GB82WEST12345698765432", "GB82 WEST 1234 5698 7654 32"),
    ("NO9386011117947", "NO93 8601 1117 947"),
])
def test_format_iban(text, expected):
    assert format_iban(text) == expected
