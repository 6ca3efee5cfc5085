"""Demo applications of the historical and open calls.

- Maatschappelijke tegengeluiden mobiliseren 2017: the 29 applications, with the 11 awarded ones and
  their real organisations and amounts (together 437.995 euro, DOMAIN.md), and 18 plausible others
  (rejected, a few inadmissible or withdrawn), all with the agency's advice.
- Lokale regierol 2015: the 9 funded municipalities (Maaseik with Dilsen-Stokkem as a partnership),
  together 568.311 euro.
- Lokaal actieplan polarisatie 2022: municipalities at 25.000 euro with equal co-financing.
- The calls open now: drafts and submitted applications (Gent's draft for gent@gemeente.demo,
  Antwerpen's submitted one, a partnership draft for Vilvoorde).

Idempotent: an application is looked up by call and organisation before it is created; when a call
of the calls demo is missing, its applications are skipped with a message.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal as D

import sqlalchemy as sa
from flask import current_app

from ..accounts.models import User
from ..applications.models import (
    Application, ApplicationKpi, Attachment, AttachmentKind, BudgetLine, Contribution, ContributionKind,
    InformationRequest,
)
from ..applications.states import ApplicationStatus as S
from ..audit.models import AuditEvent
from ..awards.models import Decision, DecisionOutcome
from ..calls.models import Call
from ..calls.rules import WaiverStatus, format_dossier_number
from ..extensions import db
from ..organisations.models import Organisation, OrganisationKind, Partnership, PartnershipMember
from ..timeutil import from_local, to_local, utcnow

COUNTER_VOICES_2017 = "Maatschappelijke tegengeluiden mobiliseren 2017"
REGIE_ROLE_2015 = "Lokale regierol 2015"
ACTION_PLAN_2022 = "Lokaal actieplan polarisatie 2022"
ACTION_PLAN_2027 = "Lokaal actieplan polarisatie 2027"
COUNTER_VOICES_2027 = "Maatschappelijke tegengeluiden 2027"
REGIE_ROLE_2027 = "Lokale regierol 2027"


def belgian_iban(seed: int) -> str:
    """A Belgian IBAN with valid check digits (made up for the demo)."""
    base = 1000000000 + (seed * 7919) % 8999999999
    account = f"{base:010d}{(base % 97) or 97:02d}"
    check = 98 - int(account + "111400") % 97  # 'BE00' moved to the end, B=11 E=14
    return f"BE{check:02d}{account}"


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return from_local(datetime.combine(day, time(hour, minute)))


# --------------------------------------------------------------------------- what an application says


@dataclass
class Spec:
    """One demo application: who, what, how much, and where it ended."""

    organisation: str  # REFNIS code, or the name of a non-municipal demo organisation
    title: str
    requested: D
    status: S
    theme: str  # a few words that make the texts specific
    place: str = ""
    submitted: date | None = None
    own_financial: D = D("0.00")
    own_staff: D = D("0.00")
    third_party: tuple[tuple[str, D], ...] = ()
    awarded: D | None = None
    reason: str = ""  # inadmissible / withdrawn / rejected motivation
    advice: str = ""
    start: date | None = None
    end: date | None = None
    partners: tuple[str, ...] = ()
    waiver: str = ""
    complete: bool = True
    submitter: str | None = None  # e-mail of a demo account
    kpis: tuple[D, ...] = ()
    info_request: str = ""
    extra_lines: list = field(default_factory=list)


def _texts(spec: Spec) -> dict[str, str]:
    place = spec.place or "de gemeente"
    return {
        "summary": (f"{spec.title}. Met dit project werken we in {place} aan {spec.theme}. We bundelen de krachten "
                    "van lokale partners en bereiken de doelgroep zowel in de wijk als online."),
        "problem_analysis": (
            f"In {place} zien jeugdwerkers, leerkrachten en de lokale politie dat spanningen tussen groepen "
            "toenemen. Online circuleren berichten die jongeren tegen elkaar opzetten; na internationale "
            "gebeurtenissen merken we een stijging van haatboodschappen. Uit gesprekken met sleutelfiguren "
            f"blijkt dat een positief tegengeluid ontbreekt rond {spec.theme}."),
        "objectives": (
            "1. Jongeren en hun omgeving herkennen polariserende boodschappen en kunnen ze weerleggen.\n"
            "2. Er ontstaat een netwerk van ankerfiguren dat signalen tijdig opvangt.\n"
            f"3. Het tegengeluid rond {spec.theme} bereikt ook wie online in een echokamer zit."),
        "target_groups": (
            "Jongeren van 14 tot 25 jaar, hun ouders en de professionals die met hen werken (jeugdwerk, "
            "onderwijs, welzijn). We mikken op een bereik van enkele honderden deelnemers."),
        "activities": (
            "Fase 1 (maand 1-3): verkenning en vorming van de kerngroep.\n"
            f"Fase 2 (maand 4-12): workshops, ontmoetingen en een campagne rond {spec.theme}.\n"
            "Fase 3: verankering bij de partners, evaluatie en verspreiding van het materiaal."),
    }


def _budget(spec: Spec, total: D, categories: list[str]) -> list[BudgetLine]:
    """Staff about 60%, the rest over the other eligible categories; exact to the cent."""
    staff = (total * D("0.60")).quantize(D("1"))
    months = 12 if spec.start is None or spec.end is None else max(
        (spec.end.year - spec.start.year) * 12 + spec.end.month - spec.start.month + 1, 1)
    lines = [BudgetLine(position=1, category="staff", description="Projectcoördinator (pro rata bestede tijd)",
                        fte=D("0.50") if total < D("60000") else D("0.80"), months=months, amount=staff)]
    rest = total - staff
    others = [c for c in ("operating", "communication", "external_services") if c in categories] or ["operating"]
    descriptions = {"operating": "Zaalhuur, materiaal en verplaatsingen",
                    "communication": "Campagne op sociale media en drukwerk",
                    "external_services": "Begeleiding door een externe vormingsorganisatie"}
    share = (rest / len(others)).quantize(D("0.01"))
    for index, category in enumerate(others):
        amount = share if index < len(others) - 1 else rest - share * (len(others) - 1)
        lines.append(BudgetLine(position=index + 2, category=category, description=descriptions[category],
                                amount=amount))
    return lines


# --------------------------------------------------------------------------- the calls' applications

def _counter_voices_2017() -> list[Spec]:
    start, end = date(2018, 3, 1), date(2020, 2, 29)
    awarded = [
        ("CIBO", "Tegenstem: jongeren weerleggen haatboodschappen online", "42464", "Antwerpen",
         "jongeren die online tegenspraak bieden"),
        ("36015", "Roeselare verbindt: buurtgesprekken tegen polarisatie", "49146", "Roeselare",
         "ontmoeting tussen buurtbewoners"),
        ("KU Leuven", "Tegenverhalen in de klas: onderzoek en vorming", "49000", "Leuven",
         "tegenverhalen in het secundair onderwijs"),
        ("Samo pravo", "Samen sterk: peer educators in Bissegem", "30575", "Bissegem",
         "jongeren die hun leeftijdsgenoten aanspreken"),
        ("Ceapire", "Ankerfiguren in de wijk", "50000", "Antwerpen", "sleutelfiguren in de wijk"),
        ("Gemeente Molenbeek", "Molenbeek spreekt: lokale stemmen tegen extremisme", "14810",
         "Sint-Jans-Molenbeek", "lokale stemmen tegen extremisme"),
        ("Vroemvroem", "Videoverhalen van Gentse jongeren", "35000", "Gent", "videoverhalen van jongeren"),
        ("Partage en couleurs", "Kleurrijk delen: theater tegen vooroordelen", "50000", "Sint-Jans-Molenbeek",
         "theater tegen vooroordelen"),
        ("Averroes", "Het andere verhaal: moslimjongeren nemen het woord", "50000", "Gent",
         "moslimjongeren die het woord nemen"),
        ("23088", "Vilvoorde, stad van verbinding", "17000", "Vilvoorde", "verbinding tussen gemeenschappen"),
        ("PAJ", "Jongeren in actie tegen haat", "50000", "Antwerpen", "jongeren in actie tegen haat"),
    ]
    others = [
        ("Jongerenwerking De Brug", "Bruggenbouwers in Mechelen", "38500", "Mechelen", S.REJECTED,
         "vriendschap over de grenzen van wijken heen", ""),
        ("Vormingplus Limburg", "Dialoogtafels Limburg", "27400", "Hasselt", S.REJECTED,
         "dialoog tussen levensbeschouwingen", ""),
        ("Atheneum Brussel-Noord", "Klas tegen haat", "19800", "Brussel", S.REJECTED, "een schoolbrede campagne", ""),
        ("Hogeschool Gent", "Meten is weten: effect van tegengeluiden", "50000", "Gent", S.REJECTED,
         "onderzoek naar de impact van tegenverhalen", ""),
        ("Buurtwerk Oost", "Genk kleurt samen", "33250", "Genk", S.REJECTED, "buurtfeesten en gesprekken", ""),
        ("Dialoog en Samenleven", "Kortrijk in gesprek", "41000", "Kortrijk", S.REJECTED,
         "gespreksavonden met getuigen", ""),
        ("Sportclub Verbinding", "Sport verbindt Oostende", "22750", "Oostende", S.REJECTED,
         "sport als ontmoetingsplaats", ""),
        ("Mediawerkplaats Tegenstem", "Podcast Tegenstem", "29900", "Leuven", S.REJECTED,
         "een podcastreeks met jonge makers", ""),
        ("Vrouwenplatform Samen", "Moeders als bruggenbouwers", "24600", "Antwerpen", S.REJECTED,
         "moeders die signalen opvangen", ""),
        ("Sint-Jozefscollege", "Debatclub tegen polarisatie", "18300", "Aalst", S.WITHDRAWN,
         "een debatclub voor leerlingen", "De school trekt de aanvraag in: de projectcoördinator vertrekt."),
        ("Theater Tussenruimte", "Het gesprek na de voorstelling", "47500", "Brussel", S.REJECTED,
         "nagesprekken bij theatervoorstellingen", ""),
        ("Online Respect", "Moderatoren van het goede voorbeeld", "36800", "Mechelen", S.INADMISSIBLE,
         "vrijwillige moderatoren op sociale media",
         "Het engagement van de partnerorganisaties ontbreekt, ook na de vraag om aanvullende informatie."),
        ("Moskee-overleg Vlaanderen", "Imams en jongeren in dialoog", "45000", "Gent", S.REJECTED,
         "dialoog tussen imams en jongeren", ""),
        ("12025", "Mechelen tegen haat", "40000", "Mechelen", S.REJECTED, "een stedelijke campagne", ""),
        ("71016", "Genk zegt het anders", "48500", "Genk", S.REJECTED, "lokale rolmodellen", ""),
        ("46021", "Sint-Niklaas verbindt online", "31000", "Sint-Niklaas", S.INADMISSIBLE,
         "een online campagne", "Het project duurt 36 maanden; de oproep laat hoogstens 24 maanden toe."),
        ("24062", "Leuven luistert", "26500", "Leuven", S.WITHDRAWN, "luistersessies in de wijken",
         "De stad dient het project in via een ander subsidiekanaal."),
        ("13040", "Turnhout, één stad", "65000", "Turnhout", S.INADMISSIBLE, "een stadsbrede campagne",
         "De gevraagde subsidie (65.000,00 EUR) is hoger dan het maximum van 50.000,00 EUR per project."),
    ]
    specs = []
    for org, title, amount, place, theme in awarded:
        requested = D(amount)
        specs.append(Spec(org, title, requested, S.AWARDED, theme, place, awarded=requested,
                          own_financial=(requested * D("0.10")).quantize(D("100")), start=start, end=end,
                          kpis=(D(400), D(24), D(50000)),
                          advice=("Positief advies. Het project sluit sterk aan bij de doelstelling van de oproep: "
                                  f"{theme}. De aanpak is concreet en de begroting is realistisch.")))
    for org, title, amount, place, status, theme, reason in others:
        requested = D(amount)
        spec = Spec(org, title, requested, status, theme, place, reason=reason,
                    own_financial=(requested * D("0.05")).quantize(D("100")), start=start,
                    end=date(2021, 2, 28) if "36 maanden" in reason else end, kpis=(D(150), D(10), D(8000)),
                    advice=("Voorbehoud. Het idee is sympathiek, maar de link met het ondermijnen van het "
                            "extremistische discours is beperkt en de doelgroep is vaag omschreven."
                            if status == S.REJECTED else f"Niet verder onderzocht: {reason}"))
        if "aanvullende informatie" in reason:
            spec.info_request = "Bezorg de engagementsverklaringen van de partnerorganisaties."
        if status == S.REJECTED:
            spec.reason = "Niet weerhouden door de jury: lagere score dan de geselecteerde projecten."
        specs.append(spec)
    # Submitted between 4 and 29 September 2017; the dossier numbers follow the order of submission.
    order = [0, 11, 1, 12, 2, 13, 3, 14, 15, 4, 16, 5, 17, 6, 18, 7, 19, 8, 20, 21, 9, 22, 23, 10, 24, 25, 26,
             27, 28]
    for rank, index in enumerate(order):
        specs[index].submitted = date(2017, 9, 4) + timedelta(days=rank * 25 // 28)
    return specs


def _regie_role_2015() -> list[Spec]:
    rows = [("23088", "Vilvoorde", "85000", "Vilvoorde",
             "een stedelijke aanpak met een preventiewerker radicalisering", "vilvoorde@gemeente.demo"),
            ("72021", "Maaseik en Dilsen-Stokkem", "60295", "Maaseik en Dilsen-Stokkem",
             "een intergemeentelijke preventiewerker", None),
            ("41002", "Aalst", "61400", "Aalst", "een lokale integrale veiligheidscel", None),
            ("11002", "Antwerpen", "82300", "Antwerpen", "het versterken van het netwerk van eerstelijnswerkers",
             "antwerpen@gemeente.demo"),
            ("44021", "Gent", "71041", "Gent", "een netwerk van sleutelfiguren en een meldpunt",
             "gent@gemeente.demo"),
            ("42028", "Zele", "56775", "Zele", "vorming voor eerstelijnswerkers", None),
            ("35013", "Oostende", "38000", "Oostende", "de samenwerking tussen stad, politie en scholen", None),
            ("34027", "Menen", "58500", "Menen", "jongerenwerk in risicowijken", None),
            ("12025", "Mechelen", "55000", "Mechelen", "de regierol van de stad in het preventiebeleid", None)]
    specs = []
    for rank, (code, name, amount, place, theme, submitter) in enumerate(rows):
        requested = D(amount)
        specs.append(Spec(code, f"Regierol preventie radicalisering {name}", requested, S.AWARDED, theme, place,
                          submitted=date(2015, 9, 14) + timedelta(days=rank * 2), awarded=requested,
                          own_staff=(requested * D("0.15")).quantize(D("1")), start=date(2016, 3, 1),
                          end=date(2017, 2, 28), partners=("72041",) if code == "72021" else (),
                          submitter=submitter, kpis=(D(12), D(10), D(6)),
                          advice="Positief advies: duidelijke probleemanalyse en een bestuur dat de regie opneemt."))
    return specs


def _action_plan_2022() -> list[Spec]:
    rows = [("11002", "Antwerpen", "antwerpen@gemeente.demo"), ("44021", "Gent", "gent@gemeente.demo"),
            ("12025", "Mechelen", None), ("23088", "Vilvoorde", "vilvoorde@gemeente.demo"), ("71016", "Genk", None),
            ("46021", "Sint-Niklaas", None), ("24062", "Leuven", None), ("34022", "Kortrijk", None),
            ("VGC", "Brussel", None)]
    return [Spec(code, f"Lokaal actieplan polarisatie {name}", D("25000.00"), S.AWARDED,
                 "een lokaal actieplan tegen polarisatie", name, submitted=date(2022, 6, 1) + timedelta(days=3 * n),
                 own_financial=D("10000.00"), own_staff=D("15000.00"), awarded=D("25000.00"),
                 start=date(2022, 10, 1), end=date(2025, 9, 30), submitter=submitter, kpis=(D(1), D(100)),
                 advice="Volledig en gecofinancierd: toekennen volgens de intekening.")
            for n, (code, name, submitter) in enumerate(rows)]


def _open_calls(now: datetime) -> dict[str, list[Spec]]:
    today = to_local(now).date()
    return {
        ACTION_PLAN_2027: [
            Spec("44021", "Gent verbindt: lokaal actieplan polarisatie 2027-2030", D("25000.00"), S.DRAFT,
                 "een lokaal actieplan tegen polarisatie", "Gent", own_financial=D("12500.00"),
                 start=date(2027, 6, 1), end=date(2030, 5, 31), complete=False, submitter="gent@gemeente.demo"),
            Spec("11002", "Antwerpen, stad van iedereen: actieplan polarisatie 2027", D("25000.00"), S.SUBMITTED,
                 "een lokaal actieplan tegen polarisatie", "Antwerpen", submitted=today - timedelta(days=3),
                 own_financial=D("10000.00"), own_staff=D("15000.00"), start=date(2027, 6, 1),
                 end=date(2030, 5, 31), submitter="antwerpen@gemeente.demo", kpis=(D(1), D(100))),
        ],
        COUNTER_VOICES_2027: [
            Spec("CIBO", "Tegenstem 2.0: jongeren als online rolmodellen", D("45000.00"), S.SUBMITTED,
                 "jongeren als online rolmodellen", "Antwerpen", submitted=today - timedelta(days=6),
                 own_financial=D("4500.00"), start=date(2027, 9, 1), end=date(2029, 8, 31),
                 kpis=(D(500), D(30), D(120000))),
            Spec("Averroes", "Het andere verhaal, tweede reeks", D("38000.00"), S.DRAFT,
                 "moslimjongeren die het woord nemen", "Gent", own_financial=D("2000.00"),
                 start=date(2027, 9, 1), end=date(2028, 8, 31), complete=False),
        ],
        REGIE_ROLE_2027: [
            Spec("23088", "Regio Vilvoorde-Machelen: samen de regie", D("60000.00"), S.DRAFT,
                 "een gedeelde preventiewerker voor twee gemeenten", "Vilvoorde en Machelen",
                 own_staff=D("15000.00"), start=date(2027, 7, 1), end=date(2028, 6, 30), partners=("23047",),
                 submitter="vilvoorde@gemeente.demo", kpis=(D(15), D(10), D(8))),
            Spec("12025", "Mechelen: regie op online haat", D("60000.00"), S.SUBMITTED,
                 "een aanpak van online haatspraak", "Mechelen", submitted=today - timedelta(days=2),
                 own_financial=D("8000.00"), start=date(2027, 7, 1), end=date(2028, 6, 30),
                 waiver="De stad staat onder een meerjarig besparingsplan en kan slechts 8.000 euro eigen middelen "
                        "inbrengen; de personeelsinzet van de preventiedienst (niet in de begroting) komt daar bovenop.",
                 kpis=(D(20), D(12), D(10))),
        ],
    }


# --------------------------------------------------------------------------- building


class _Seeder:
    def __init__(self, echo):
        self.echo = echo
        self.added = 0
        self.decisions = 0
        self.admin = self._user("admin@abb.demo")
        self._orgs: dict[str, Organisation | None] = {}
        self._seed = 0

    @staticmethod
    def _user(email: str | None) -> User | None:
        return db.session.scalar(sa.select(User).where(User.email == email)) if email else None

    def org(self, key: str) -> Organisation | None:
        if key not in self._orgs:
            if key == "VGC":
                query = sa.select(Organisation).where(Organisation.kind == OrganisationKind.VGC)
            elif key.isdigit():
                query = sa.select(Organisation).where(Organisation.refnis == key)
            else:
                query = sa.select(Organisation).where(Organisation.name == key, Organisation.refnis.is_(None))
            self._orgs[key] = db.session.scalars(query.limit(1)).first()
        return self._orgs[key]

    def _event(self, app: Application, when: datetime, action: str, status: tuple, actor: User | None,
               reason: str | None = None, **extra) -> None:
        changes = {"status": [status[0].value if status[0] else None, status[1].value], **extra}
        db.session.add(AuditEvent(created_at=when, actor_id=actor.id if actor else None, action=action,
                                  object_type=Application.__tablename__, object_id=app.id, changes=changes,
                                  reason=reason))

    def build(self, call: Call, specs: list[Spec], *, decided_at: datetime | None = None) -> int:
        existing = set(db.session.scalars(sa.select(Application.organisation_id)
                                          .where(Application.call_id == call.id)))
        next_sequence = (db.session.scalar(sa.select(sa.func.max(Application.dossier_sequence))
                                           .where(Application.call_id == call.id)) or 0) + 1
        year = to_local(call.closes_at).year
        created = 0
        ordered = sorted(specs, key=lambda s: (s.submitted is None, s.submitted or date.max))
        for spec in ordered:
            org = self.org(spec.organisation)
            if org is None:
                self.echo(f"  {call.title}: organisation {spec.organisation} not found, skipped.")
                continue
            if org.id in existing:
                continue
            number = None
            if spec.submitted is not None:
                number = format_dossier_number(call.dossier_prefix, year, next_sequence)
                while db.session.scalar(sa.select(Application.id).where(Application.dossier_number == number)):
                    next_sequence += 1
                    number = format_dossier_number(call.dossier_prefix, year, next_sequence)
            self._application(call, org, spec, number, next_sequence if number else None, decided_at)
            if number:
                next_sequence += 1
            existing.add(org.id)
            created += 1
        return created

    def _application(self, call: Call, org: Organisation, spec: Spec, number: str | None, sequence: int | None,
                     decided_at: datetime | None) -> Application:
        self._seed += 1
        submitter = self._user(spec.submitter)
        if org.usual_iban is None:
            org.usual_iban = belgian_iban(org.id)
        own = spec.own_financial + spec.own_staff + sum((a for _, a in spec.third_party), D("0.00"))
        total = spec.requested + own
        texts = _texts(spec)
        if not spec.complete:  # a draft in progress: the later sections are still empty
            texts["target_groups"] = texts["activities"] = ""
        submitted_at = _at(spec.submitted, 9 + self._seed % 8, (self._seed * 7) % 60) if spec.submitted else None
        created_at = (submitted_at - timedelta(days=12)) if submitted_at else max(call.opens_at, utcnow() -
                                                                                  timedelta(days=5))
        app = Application(
            call=call, call_id=call.id, organisation=org, organisation_id=org.id, status=spec.status,
            dossier_number=number, dossier_sequence=sequence, title=spec.title, **texts,
            start_date=spec.start, end_date=spec.end, requested_amount=spec.requested,
            priority=1 if call.selection_mode.value == "sign_up" and spec.complete else None,
            contact_name=submitter.name.split(" (")[0] if submitter else "Projectverantwoordelijke",
            contact_email=submitter.email if submitter else f"projecten.{org.id}@organisatie.demo",
            contact_phone="02 553 40 00", iban=org.usual_iban,
            waiver=WaiverStatus.REQUESTED if spec.waiver else WaiverStatus.NONE, waiver_motivation=spec.waiver,
            created_at=created_at, updated_at=submitted_at or created_at,
            created_by_id=submitter.id if submitter else None, updated_by_id=submitter.id if submitter else None,
            submitted_at=submitted_at, submitted_by_id=submitter.id if submitter and submitted_at else None,
            agency_advice=spec.advice if spec.status not in (S.DRAFT, S.SUBMITTED) else "",
        )
        categories = list(call.eligible_cost_categories or ["staff", "operating"])
        app.budget_lines = _budget(spec, total, categories) if spec.complete or spec.requested else []
        contributions = []
        if spec.own_financial:
            contributions.append(Contribution(kind=ContributionKind.OWN_FINANCIAL, source="",
                                              amount=spec.own_financial))
        if spec.own_staff:
            contributions.append(Contribution(kind=ContributionKind.OWN_STAFF, source="", amount=spec.own_staff))
        contributions += [Contribution(kind=ContributionKind.THIRD_PARTY, source=source, amount=amount)
                          for source, amount in spec.third_party]
        app.contributions = contributions
        if spec.complete:
            app.kpi_values = [ApplicationKpi(kpi_id=kpi.id, planned_value=value,
                                             confirmed_value=value if spec.status == S.AWARDED else None)
                              for kpi, value in zip(call.kpis, spec.kpis)]
        db.session.add(app)
        db.session.flush()
        self._partnership(call, app, spec)
        self._lifecycle(app, spec, created_at, submitted_at, submitter, decided_at)
        if spec.status == S.SUBMITTED and spec.complete:
            self._attachment(app, submitter)
        self.added += 1
        return app

    def _partnership(self, call: Call, app: Application, spec: Spec) -> None:
        partners = [o for o in (self.org(code) for code in spec.partners) if o is not None]
        if not partners:
            return
        taken = set(db.session.scalars(sa.select(PartnershipMember.organisation_id)
                                       .where(PartnershipMember.call_id == call.id)))
        if app.organisation_id in taken or any(p.id in taken for p in partners):
            return
        partnership = Partnership(call_id=call.id, name=f"Samenwerkingsverband {app.organisation.name}",
                                  lead_organisation_id=app.organisation_id)
        partnership.members = [PartnershipMember(call_id=call.id, organisation_id=app.organisation_id)] + [
            PartnershipMember(call_id=call.id, organisation_id=p.id) for p in partners]
        db.session.add(partnership)
        app.partnership = partnership
        db.session.flush()

    def _lifecycle(self, app: Application, spec: Spec, created_at: datetime, submitted_at: datetime | None,
                   submitter: User | None, decided_at: datetime | None) -> None:
        self._event(app, created_at, "application.create", (None, S.DRAFT), submitter)
        if submitted_at is None:
            return
        self._event(app, submitted_at, "application.submit", (S.DRAFT, S.SUBMITTED), submitter,
                    dossier_number=[None, app.dossier_number])
        if spec.status == S.SUBMITTED:
            return
        screened = submitted_at + timedelta(days=21)
        if spec.status == S.WITHDRAWN:
            app.withdrawn_at = submitted_at + timedelta(days=15)
            self._event(app, app.withdrawn_at, "application.withdraw", (S.SUBMITTED, S.WITHDRAWN), submitter,
                        reason=spec.reason)
            return
        if spec.info_request:
            asked = submitted_at + timedelta(days=10)
            due = _at(to_local(asked).date() + timedelta(days=14), 23, 59)
            db.session.add(InformationRequest(application=app, message=spec.info_request, requested_at=asked,
                                              requested_by_id=self.admin.id if self.admin else None, due_at=due))
            self._event(app, asked, "application.request_information", (S.SUBMITTED, S.INFO_REQUESTED), self.admin,
                        reason=spec.info_request)
            self._event(app, due + timedelta(days=2), "application.screen", (S.INFO_REQUESTED, S.INADMISSIBLE),
                        self.admin, reason=spec.reason)
            app.screening_reason, app.screened_at = spec.reason, due + timedelta(days=2)
            return
        if spec.status == S.INADMISSIBLE:
            app.screening_reason, app.screened_at = spec.reason, screened
            self._event(app, screened, "application.screen", (S.SUBMITTED, S.INADMISSIBLE), self.admin,
                        reason=spec.reason)
            return
        app.screened_at = screened
        app.screened_by_id = self.admin.id if self.admin else None
        self._event(app, screened, "application.screen", (S.SUBMITTED, S.ADMISSIBLE), self.admin)
        if spec.status == S.ADMISSIBLE:  # screened, not decided yet (regie-role 2021: the proposal to try)
            return
        decided = decided_at or screened + timedelta(days=30)
        outcome = DecisionOutcome.AWARDED if spec.status == S.AWARDED else DecisionOutcome.REJECTED
        db.session.add(Decision(application_id=app.id, outcome=outcome,
                                amount=spec.awarded if outcome == DecisionOutcome.AWARDED else None,
                                motivation=spec.reason or "Toegekend op voorstel van de jury.", decided_at=decided,
                                decided_by_id=self.admin.id if self.admin else None))
        self.decisions += 1
        self._event(app, decided, "application.decide", (S.ADMISSIBLE, spec.status), self.admin,
                    reason=spec.reason or None)

    def _attachment(self, app: Application, submitter: User | None) -> None:
        from ..applications.storage import save_upload
        stored = save_upload(io.BytesIO(_demo_pdf(app.title)), "projectplan.pdf",
                             upload_dir=current_app.config["UPLOAD_DIR"],
                             max_bytes=current_app.config["MAX_ATTACHMENT_BYTES"])
        db.session.add(Attachment(application=app, kind=AttachmentKind.GENERAL, original_name=stored.original_name,
                                  stored_name=stored.stored_name, content_type=stored.content_type, size=stored.size,
                                  sha256=stored.sha256, uploaded_at=app.submitted_at or utcnow(),
                                  uploaded_by_id=submitter.id if submitter else None))


def _demo_pdf(title: str) -> bytes:
    """A one-page PDF with the project title (built by hand: no PDF library needed)."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 16 Tf 72 760 Td (Projectplan) Tj 0 -28 Td /F1 12 Tf (" + text + b") Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def seed_applications(echo=lambda _msg: None) -> dict[str, int]:
    titles = [COUNTER_VOICES_2017, REGIE_ROLE_2015, ACTION_PLAN_2022, ACTION_PLAN_2027, COUNTER_VOICES_2027,
              REGIE_ROLE_2027]
    calls = {c.title: c for c in db.session.scalars(sa.select(Call).where(Call.title.in_(titles)))}
    seeder = _Seeder(echo)
    plan = [
        (COUNTER_VOICES_2017, _counter_voices_2017(), _at(date(2017, 12, 15))),
        (REGIE_ROLE_2015, _regie_role_2015(), _at(date(2015, 12, 11))),
        (ACTION_PLAN_2022, _action_plan_2022(), _at(date(2022, 9, 16))),
    ] + [(title, specs, None) for title, specs in _open_calls(utcnow()).items()]
    for title, specs, decided_at in plan:
        call = calls.get(title)
        if call is None:
            echo(f"Applications: call '{title}' not found (calls demo missing?), skipped.")
            continue
        created = seeder.build(call, specs, decided_at=decided_at)
        if created:
            echo(f"Applications: {created} added to '{title}'.")
    db.session.flush()
    demo_call_ids = [c.id for c in calls.values()]
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Application)
                              .where(Application.call_id.in_(demo_call_ids))) if demo_call_ids else 0
    echo(f"Applications: {seeder.added} added, {total} in the demo calls.")
    return {"applications": total or 0}
