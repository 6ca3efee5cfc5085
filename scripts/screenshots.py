#!/usr/bin/env python3
"""Full-page screenshots of the main pages of each role, for review.

    .venv/bin/python scripts/screenshots.py                 # into ./screenshots/
    .venv/bin/python scripts/screenshots.py --out /tmp/shots --width 390 --only applicant

It builds a fresh SQLite database with the demo data, serves the app on 127.0.0.1 (werkzeug, in
this process), logs in through the real form as each demo account and saves one PNG per page and
width: `<role>-<name>-<width>.png`. The browser is Debian's Chromium through Playwright, set up as in
the browser tests (tests/browser/conftest.py); nothing is downloaded. Pages that need an object
(a call, an application) take the demo's own: the counter-voices call open now and Gent's
draft application.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

ACCOUNTS = {"admin": "admin@abb.demo", "juror": "jury@abb.demo", "applicant": "gent@gemeente.demo"}

# role -> [(name, path)]; {call_id}, {application_id} and {decided_call_id} come from the demo data.
PAGES: dict[str | None, list[tuple[str, str]]] = {
    None: [("welcome", "/"), ("calls", "/calls"), ("call", "/calls/{call_id}"), ("login", "/login")],
    "applicant": [("home", "/"), ("application", "/applications/{application_id}"),
                  ("section-summary", "/applications/{application_id}/sections/summary"),
                  ("section-budget", "/applications/{application_id}/sections/budget"),
                  ("section-financing", "/applications/{application_id}/sections/financing"),
                  ("partners", "/applications/{application_id}/sections/partners"),
                  ("print", "/applications/{application_id}/print")],
    "juror": [("home", "/")],
    "admin": [("home", "/"), ("calls", "/admin/calls"), ("call", "/admin/calls/{call_id}"),
              ("call-edit", "/admin/calls/{call_id}/edit"), ("new-call", "/admin/calls/new?kind=action_plan"),
              ("screening", "/admin/calls/{call_id}/applications"),
              ("application", "/applications/{application_id}"),
              ("history", "/admin/history/applications/{application_id}"),
              ("decided-call", "/admin/calls/{decided_call_id}"),
              ("users", "/admin/users"), ("organisations", "/admin/organisations/")],
}


def demo_ids(app) -> dict[str, int]:
    import sqlalchemy as sa

    from grants.applications.models import Application
    from grants.applications.states import ApplicationStatus
    from grants.calls.models import Call
    from grants.calls.states import CallKind, CallStatus
    from grants.extensions import db
    from grants.organisations.models import Organisation
    with app.app_context():
        open_call = db.session.scalar(sa.select(Call).where(Call.kind == CallKind.COUNTER_VOICES,
                                                            Call.status == CallStatus.PUBLISHED))
        decided = db.session.scalar(sa.select(Call).where(Call.status == CallStatus.DECIDED).order_by(Call.id))
        gent = db.session.scalar(sa.select(Organisation).where(Organisation.refnis == "44021"))
        application = db.session.scalar(sa.select(Application).where(
            Application.organisation_id == gent.id).order_by((Application.status == ApplicationStatus.DRAFT).desc(), (Application.call_id == open_call.id).desc(), Application.id))
        return {"call_id": open_call.id, "decided_call_id": decided.id if decided else open_call.id,
                "application_id": application.id}


def serve(folder: Path):
    from werkzeug.serving import make_server

    from grants import create_app
    from grants.demo import seed_demo
    from grants.extensions import db
    app = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'shots.db'}",
                      "UPLOAD_DIR": str(folder / "uploads"), "MAIL_SERVER": ""})
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
        db.session.remove()
    import logging
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, server, f"http://127.0.0.1:{server.server_port}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "screenshots"), help="folder for the PNG files")
    parser.add_argument("--width", type=int, action="append", help="viewport width (repeatable; default 1280 and 390)")
    parser.add_argument("--only", choices=["anonymous", *ACCOUNTS], action="append", help="only these roles")
    args = parser.parse_args(argv)
    widths = args.width or [1280, 390]
    roles = [None if r == "anonymous" else r for r in (args.only or ["anonymous", *ACCOUNTS])]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    from grants.demo.accounts import DEMO_PASSWORD
    with tempfile.TemporaryDirectory() as tmp:
        app, server, base = serve(Path(tmp))
        ids = demo_ids(app)
        written = 0
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for role in roles:
                for width in widths:
                    context = browser.new_context(base_url=base, locale="nl-BE", timezone_id="Europe/Brussels",
                                                  viewport={"width": width, "height": 900})
                    page = context.new_page()
                    if role is not None:
                        page.goto(base + "/login")
                        page.get_by_label("E-mailadres").fill(ACCOUNTS[role])
                        page.get_by_label("Wachtwoord", exact=True).fill(DEMO_PASSWORD)
                        with page.expect_navigation():
                            page.get_by_role("button", name="Aanmelden").click()
                    for name, path in PAGES[role]:
                        response = page.goto(base + path.format(**ids))
                        target = out / f"{role or 'anonymous'}-{name}-{width}.png"
                        page.screenshot(path=str(target), full_page=True)
                        status = response.status if response else "?"
                        print(f"{target.name}: {path.format(**ids)} ({status})", file=sys.stderr)
                        written += 1
                    context.close()
            browser.close()
        server.shutdown()
    print(f"{written} screenshots in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
