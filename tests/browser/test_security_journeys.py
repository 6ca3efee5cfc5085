"""The second factor in a real browser: enrol from the account page with the QR code's key, then log
in with the password and a code from the app."""
from __future__ import annotations

import time

import pyotp
import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_enrol_a_second_factor_and_log_in_with_it(page, live_server, login_as):
    email = login_as("applicant", organisations=["44021"])
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Mijn account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn account")
    page.get_by_role("link", name="Tweestapsverificatie instellen").click()

    expect(page.get_by_role("img", name="QR-code om de tweestapsverificatie in uw app in te stellen")).to_be_visible()
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code uit de app").fill(totp.now())
    page.get_by_role("button", name="Instellen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw herstelcodes")
    expect(page.locator("ul.recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="Ik heb de codes bewaard").click()
    expect(page.locator("main")).to_contain_text("Ingesteld sinds")

    live_server.logout(page)
    live_server.login(page, email, PASSWORD)
    expect(page).to_have_url(live_server.url("/login/code"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie")
    # Not logged in yet: the menu still offers to log in.
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_contain_text("Aanmelden")
    page.get_by_label("Code", exact=True).fill("000000")
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("alert")).to_contain_text("Deze code klopt niet")
    page.get_by_label("Code", exact=True).fill(totp.at(time.time() + 30))  # the next step: not the one used
    page.get_by_role("button", name="Bevestigen").click()
    expect(page).to_have_url(live_server.url("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn aanvragen")
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_contain_text("Afmelden")
