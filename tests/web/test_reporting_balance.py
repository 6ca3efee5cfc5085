"""The balance payment on the approved final report, through the pages, to the cent: full spending,
under-spending, co-financing short, an advance above what is due, a partnership (the lead repays).
The pure computation is table-tested in tests/unit/test_reporting_rules.py; here the agency approves
the final report on its page and the project page shows the settlement line by line, with the balance
due or the reclaim in the payments."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from grants.extensions import db
from grants.reporting import operations as ops
from grants.reporting.models import Payment
from grants.reporting.states import PaymentKind, PaymentStatus
from tests.support.reporting import funded_call, funded_project, lines, own, regie_call, text_of

CASES = [
    # case, call kind, awarded, (staff, operating) budget, own financial, spent (staff, operating), own realised,
    # due, balance, reclaim, a sentence of the settlement
    ("full spending", "open", "40000.00", ("30000", "15000"), "5000", ("30000", "15000"), "5000",
     "40000.00", "16000.00", "0.00", "niet minder dan de aanvaarde begroting: geen vermindering"),
    ("under-spending", "open", "40000.00", ("30000", "15000"), "5000", ("24000", "12000"), "5000",
     "32000.00", "8000.00", "0.00", "40.000,00 EUR x 36.000,00 / 45.000,00 = 32.000,00 EUR"),
    ("co-financing short", "regie", "48000.00", ("40000", "20000"), "12000", ("40000", "20000"), "9000",
     "36000.00", "7200.00", "0.00", "minder dan de vereiste 12.000,00 EUR"),
    ("advance above what is due", "open", "40000.00", ("30000", "15000"), "5000", ("12000", "6000"), "5000",
     "16000.00", "0.00", "8000.00", "Er werd 8.000,00 EUR te veel betaald (24.000,00 EUR - 16.000,00 EUR)"),
    ("rounding of a proportional reduction", "open", "49146.00", ("35000", "19146"), "5000", ("33333.33", "0"),
     "5000", "30255.23", "767.63", "0.00", "afgerond op de cent: 30.255,23 EUR"),
]


def _approve_final(browser, project, final):
    page = f"/projects/{project.id}/reports/{final.id}"
    preview = text_of(browser.get(page).get_data(as_text=True))
    response = browser.post(f"{page}/review", {"decision": "approve"}, token_from=page)
    assert response.status_code == 302, response.get_data(as_text=True)
    return preview


@pytest.mark.parametrize(("case", "kind", "awarded", "budget", "own_financial", "spent", "own_realised", "due",
                          "balance", "reclaim", "sentence"), CASES, ids=[c[0] for c in CASES])
def test_the_balance_on_the_approved_final_report(factory, logged_in, case, kind, awarded, budget, own_financial,
                                                  spent, own_realised, due, balance, reclaim, sentence):
    call = regie_call(factory) if kind == "regie" else funded_call(factory)
    requested = D(awarded)
    project = funded_project(factory, call, amount=awarded, lines=lines(*budget), contributions=own(own_financial),
                             requested_amount=requested)
    admin = factory.user(role="admin")
    advance = project.payments[0]
    ops.approve_payment(advance, admin)
    ops.mark_paid(advance, admin)
    final = project.reports[-1]
    first, second = call.kpis
    factory.report(project, kind="final", status="submitted", spent=dict(zip(("staff", "operating"), spent)),
                   own=own_realised, kpis={first.id: ("400", ""), second.id: ("24", "")})
    db.session.commit()
    browser, _admin = logged_in("admin")
    preview = _approve_final(browser, project, final)
    assert sentence in preview  # the agency sees the settlement before approving

    db.session.refresh(final)
    assert (D(final.settlement["due"]), D(final.settlement["balance"]), D(final.settlement["reclaim"])) == (
        D(due), D(balance), D(reclaim))
    payments = db.session.scalars(sa.select(Payment).where(Payment.project_id == project.id)
                                  .order_by(Payment.id)).all()
    balance_rows = [p for p in payments if p.kind == PaymentKind.BALANCE]
    if D(balance):
        assert [(p.amount, p.status) for p in balance_rows] == [(D(balance), PaymentStatus.DUE)]
    else:
        assert [p.status for p in balance_rows] == [PaymentStatus.CANCELLED]
    reclaims = [(p.amount, p.status) for p in payments if p.kind == PaymentKind.RECLAIM]
    assert reclaims == ([(D(reclaim), PaymentStatus.DUE)] if D(reclaim) else [])
    page = text_of(browser.get(f"/projects/{project.id}").get_data(as_text=True))
    assert "Afrekening: Eindverslag" in page and sentence in page
    # what was paid plus the balance minus the reclaim is what is due
    paid = sum((p.amount for p in payments if p.kind != PaymentKind.RECLAIM and p.status == PaymentStatus.PAID), D(0))
    assert paid + D(balance) - D(reclaim) == D(due)


def test_in_a_partnership_the_lead_organisation_repays(factory, logged_in):
    lead, partner = factory.organisation("Maaseik"), factory.organisation("Dilsen-Stokkem")
    call = funded_call(factory)
    project = funded_project(factory, call, organisation=lead, partners=(partner,), amount="40000.00")
    admin = factory.user(role="admin")
    ops.approve_payment(project.payments[0], admin)
    ops.mark_paid(project.payments[0], admin)
    first, second = call.kpis
    final = factory.report(project, kind="final", status="submitted", spent={"staff": "6000", "operating": "3000"},
                           own="5000", kpis={first.id: ("400", ""), second.id: ("24", "")})
    db.session.commit()
    browser, _admin = logged_in("admin")
    _approve_final(browser, project, final)
    db.session.refresh(final)
    assert final.settlement["due"] == "8000.00" and final.settlement["reclaim"] == "16000.00"
    assert final.settlement["counterparty"] == "Maaseik"
    assert ("Er werd 16.000,00 EUR te veel betaald (24.000,00 EUR - 8.000,00 EUR). Maaseik betaalt dit als trekker "
            "van het samenwerkingsverband terug.") in final.settlement["lines"]
    # the reclaim is in the register; the agency approves it and records the repayment
    register = text_of(browser.get("/admin/payments?status=due").get_data(as_text=True))
    assert "Maaseik" in register and "16.000,00 EUR" in register
    reclaim = db.session.scalar(sa.select(Payment).where(Payment.kind == PaymentKind.RECLAIM))
    for action, status in (("approve", PaymentStatus.APPROVED), ("reclaim", PaymentStatus.RECLAIMED)):
        response = browser.post(f"/admin/payments/{reclaim.id}/{action}", {"next": "/admin/payments"},
                                token_from="/admin/payments")
        assert response.status_code == 302
        db.session.refresh(reclaim)
        assert reclaim.status == status
    # marking a reclaim as paid is refused with a clear message, not a 500
    refused = browser.post(f"/admin/payments/{reclaim.id}/pay", {}, token_from="/admin/payments")
    assert refused.status_code == 409 and "kan niet naar" in text_of(refused.get_data(as_text=True))
