"""Who may apply to a call: kinds, allow-list, exclusions, one application, partnerships."""
import pytest

from grants.calls.rules import (
    ORGANISATION_KIND_LABELS,
    Applicant,
    EligibilityResult,
    EligibilityRule,
    check_eligibility,
    organisation_kind_label,
)

LOCAL_GOVERNMENTS = frozenset({"municipality", "ocmw", "vgc", "vzw_de_rand"})

GENK = Applicant(organisation_id=1, kind="municipality", name="Gemeente Genk")
OCMW_GENT = Applicant(organisation_id=2, kind="ocmw", name="OCMW Gent")
VGC = Applicant(organisation_id=3, kind="vgc", name="Vlaamse Gemeenschapscommissie")
DE_RAND = Applicant(organisation_id=4, kind="vzw_de_rand", name="vzw De Rand")
VZW = Applicant(organisation_id=10, kind="nonprofit", name="vzw Samen Sterk")
SCHOOL = Applicant(organisation_id=11, kind="school", name="Atheneum Mechelen")
UNIVERSITY = Applicant(organisation_id=12, kind="university", name="Universiteit Antwerpen")

ACTION_PLAN = EligibilityRule(allowed_kinds=LOCAL_GOVERNMENTS)
COUNTER_VOICES = EligibilityRule(allowed_kinds=frozenset({"nonprofit", "school", "university", "other"}))
REGIE_ROLE = EligibilityRule(
    allowed_kinds=frozenset({"municipality"}),
    allow_list=frozenset({1, 5, 6}),
    exclusions={5: "al gesubsidieerd in de vorige ronde"},
    partnerships_allowed=False,
)

NOT_ON_LIST = "staat niet op de lijst van organisaties die voor deze oproep mogen indienen."
ALREADY = "heeft al een aanvraag voor deze oproep; per organisatie is maar één aanvraag toegelaten."
NO_PARTNERSHIP = "Deze oproep staat geen aanvragen in samenwerkingsverband toe."


def test_labels_cover_every_kind_in_dutch():
    assert ORGANISATION_KIND_LABELS == {
        "municipality": "gemeente",
        "ocmw": "OCMW",
        "vgc": "Vlaamse Gemeenschapscommissie",
        "vzw_de_rand": "vzw De Rand",
        "other_local_government": "ander lokaal bestuur",
        "nonprofit": "vzw / organisatie zonder winstoogmerk",
        "school": "school",
        "university": "universiteit of hogeschool",
        "other": "andere organisatie",
    }


@pytest.mark.parametrize(("kind", "label"), [
    ("municipality", "gemeente"),
    ("ocmw", "OCMW"),
    ("university", "universiteit of hogeschool"),
    ("bank", "bank"),  # unknown kinds are shown as they are
])
def test_organisation_kind_label(kind, label):
    assert organisation_kind_label(kind) == label


@pytest.mark.parametrize(("rule", "applicant"), [
    (ACTION_PLAN, GENK),
    (ACTION_PLAN, OCMW_GENT),
    (ACTION_PLAN, VGC),
    (ACTION_PLAN, DE_RAND),
    (COUNTER_VOICES, VZW),
    (COUNTER_VOICES, SCHOOL),
    (COUNTER_VOICES, UNIVERSITY),
    (REGIE_ROLE, GENK),
    (REGIE_ROLE, Applicant(6, "municipality", "Gemeente Vilvoorde")),
])
def test_eligible_applicants(rule, applicant):
    assert check_eligibility(rule, applicant) == EligibilityResult(ok=True, reasons=())


@pytest.mark.parametrize(("rule", "applicant", "expected"), [
    (ACTION_PLAN, VZW,
     "Deze oproep staat niet open voor het type organisatie 'vzw / organisatie zonder winstoogmerk'. "
     "Toegelaten: gemeente, OCMW, Vlaamse Gemeenschapscommissie, vzw De Rand."),
    (ACTION_PLAN, Applicant(20, "other_local_government", "Politiezone Kempen"),
     "Deze oproep staat niet open voor het type organisatie 'ander lokaal bestuur'. "
     "Toegelaten: gemeente, OCMW, Vlaamse Gemeenschapscommissie, vzw De Rand."),
    (COUNTER_VOICES, GENK,
     "Deze oproep staat niet open voor het type organisatie 'gemeente'. "
     "Toegelaten: vzw / organisatie zonder winstoogmerk, school, universiteit of hogeschool, "
     "andere organisatie."),
    (COUNTER_VOICES, Applicant(21, "bank", "Bank"),
     "Deze oproep staat niet open voor het type organisatie 'bank'. "
     "Toegelaten: vzw / organisatie zonder winstoogmerk, school, universiteit of hogeschool, "
     "andere organisatie."),
    (EligibilityRule(allowed_kinds=frozenset()), GENK,
     "Deze oproep staat niet open voor het type organisatie 'gemeente'."),
])
def test_kind_not_allowed_names_the_kind_in_dutch(rule, applicant, expected):
    result = check_eligibility(rule, applicant)
    assert result.ok is False
    assert result.reasons == (expected,)


def test_allowed_kinds_not_in_the_label_list_are_named_as_they_are():
    rule = EligibilityRule(allowed_kinds=frozenset({"zeta", "municipality", "alpha"}))
    result = check_eligibility(rule, VZW)
    assert result.reasons[0].endswith("Toegelaten: gemeente, alpha, zeta.")


@pytest.mark.parametrize(("applicant", "expected"), [
    (Applicant(7, "municipality", "Gemeente Aalst"), ("Gemeente Aalst " + NOT_ON_LIST,)),
    (Applicant(5, "municipality", "Gemeente Mechelen"),
     ("Gemeente Mechelen is uitgesloten van deze oproep: al gesubsidieerd in de vorige ronde.",)),
])
def test_allow_list_and_exclusions(applicant, expected):
    result = check_eligibility(REGIE_ROLE, applicant)
    assert result.ok is False
    assert result.reasons == expected


def test_empty_allow_list_means_no_list():
    rule = EligibilityRule(allowed_kinds=frozenset({"municipality"}))
    assert check_eligibility(rule, Applicant(999, "municipality", "Gemeente Zoersel")).ok


@pytest.mark.parametrize(("reason", "expected"), [
    ("al gesubsidieerd in de vorige ronde", "X is uitgesloten van deze oproep: al gesubsidieerd in de vorige ronde."),
    ("dossier 2016 niet afgerekend.", "X is uitgesloten van deze oproep: dossier 2016 niet afgerekend."),
    ("  lopende terugvordering  ", "X is uitgesloten van deze oproep: lopende terugvordering."),
])
def test_exclusion_reason_is_quoted_once_with_one_full_stop(reason, expected):
    rule = EligibilityRule(allowed_kinds=frozenset({"municipality"}), exclusions={8: reason})
    assert check_eligibility(rule, Applicant(8, "municipality", "X")).reasons == (expected,)


@pytest.mark.parametrize(("one_per_organisation", "existing", "ok"), [
    (True, 0, True),
    (True, 1, False),
    (True, 3, False),
    (False, 0, True),
    (False, 1, True),
    (False, 5, True),
])
def test_one_application_per_organisation(one_per_organisation, existing, ok):
    rule = EligibilityRule(allowed_kinds=LOCAL_GOVERNMENTS,
                           one_application_per_organisation=one_per_organisation)
    result = check_eligibility(rule, GENK, existing_applications=existing)
    assert result.ok is ok
    assert result.reasons == (() if ok else ("Gemeente Genk " + ALREADY,))


@pytest.mark.parametrize(("partnerships_allowed", "as_partnership", "ok"), [
    (True, False, True),
    (True, True, True),
    (False, False, True),
    (False, True, False),
])
def test_partnerships(partnerships_allowed, as_partnership, ok):
    rule = EligibilityRule(allowed_kinds=LOCAL_GOVERNMENTS, partnerships_allowed=partnerships_allowed)
    result = check_eligibility(rule, GENK, as_partnership=as_partnership)
    assert result.ok is ok
    assert result.reasons == (() if ok else (NO_PARTNERSHIP,))


def test_every_failing_condition_gives_its_own_reason_in_a_fixed_order():
    rule = EligibilityRule(
        allowed_kinds=frozenset({"municipality"}),
        allow_list=frozenset({1}),
        exclusions={10: "al gesubsidieerd in de vorige ronde"},
        partnerships_allowed=False,
    )
    result = check_eligibility(rule, VZW, existing_applications=1, as_partnership=True)
    assert result.ok is False
    assert result.reasons == (
        "Deze oproep staat niet open voor het type organisatie 'vzw / organisatie zonder winstoogmerk'. "
        "Toegelaten: gemeente.",
        "vzw Samen Sterk " + NOT_ON_LIST,
        "vzw Samen Sterk is uitgesloten van deze oproep: al gesubsidieerd in de vorige ronde.",
        "vzw Samen Sterk " + ALREADY,
        NO_PARTNERSHIP,
    )


def test_negative_number_of_applications_is_a_programming_error():
    with pytest.raises(ValueError):
        check_eligibility(ACTION_PLAN, GENK, existing_applications=-1)


def test_rule_collections_are_frozen_against_later_changes():
    exclusions = {5: "al gesubsidieerd in de vorige ronde"}
    kinds = {"municipality"}
    rule = EligibilityRule(allowed_kinds=kinds, exclusions=exclusions)  # type: ignore[arg-type]
    exclusions[1] = "later toegevoegd"
    kinds.add("nonprofit")
    assert check_eligibility(rule, GENK).ok
    assert not check_eligibility(rule, VZW).ok
    with pytest.raises(TypeError):
        rule.exclusions[2] = "mag niet"  # type: ignore[index]


def test_rules_can_be_hashed_and_compared():
    same = EligibilityRule(allowed_kinds=LOCAL_GOVERNMENTS)
    assert same == ACTION_PLAN
    assert hash(same) == hash(ACTION_PLAN)
    assert same != COUNTER_VOICES
