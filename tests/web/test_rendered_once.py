"""Work done once instead of on every view: a call's description is rendered and sanitised when it is
saved (and by the migration for calls that existed before), and templates translate through the
request's catalogue with Jinja's newstyle gettext rules (the same output as before)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from grants import create_app
from grants.calls.models import Call
from grants.extensions import db

DANGEROUS = "Een **oproep** met <script>alert(1)</script> en [een link](javascript:alert(2))."


def test_the_description_html_is_stored_when_set(factory):
    call = factory.call(description=DANGEROUS)
    assert "<strong>oproep</strong>" in call.description_html
    assert "<script" not in call.description_html and "javascript:" not in call.description_html
    call.description = "Nu *anders*."
    assert call.description_html == "<p>Nu <em>anders</em>.</p>"


def test_the_pages_show_the_stored_html_without_rendering_it_again(factory, browser, logged_in):
    call = factory.call(description="Tekst")
    db.session.commit()
    # Stored HTML that the Markdown of the description would never give: the page shows what is stored.
    db.session.execute(sa.update(Call).where(Call.id == call.id).values(description_html="<p>Opgeslagen</p>"))
    db.session.commit()
    assert "<p>Opgeslagen</p>" in browser.get(f"/calls/{call.id}").get_data(as_text=True)
    admin, _ = logged_in("admin")
    assert "<p>Opgeslagen</p>" in admin.get(f"/admin/calls/{call.id}").get_data(as_text=True)


def test_the_migration_fills_the_html_of_existing_calls_and_comes_down_again(empty_database_url):
    app = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="20374d0facc4")  # the schema before description_html
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO calls (title, description, kind, status, selection_mode, dossier_prefix, opens_at, "
                "closes_at, envelope, max_amount, renewable_times, allowed_kinds, partnerships_allowed, "
                "one_application_per_organisation, cofinancing_kind, waiver_allowed, eligible_cost_categories, "
                "jurors_per_application, jurors_see_other_scores, report_months, created_at, updated_at, version) "
                "VALUES ('Oud', :description, 'counter_voices', 'published', 'competitive', 'TG', "
                "'2027-01-01 00:00:00', '2027-02-01 00:00:00', 500000, 50000, 0, '[]', true, true, 'none', false, "
                "'[]', 3, false, '[]', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"),
                {"description": DANGEROUS})
        upgrade(revision="b7d41e9c3a52")
        with db.engine.connect() as conn:
            html = conn.scalar(sa.text("SELECT description_html FROM calls WHERE title = 'Oud'"))
        assert "<strong>oproep</strong>" in html and "<script" not in html and "javascript:" not in html
        downgrade(revision="20374d0facc4")
        with db.engine.connect() as conn:
            assert "description_html" not in {c["name"] for c in sa.inspect(conn).get_columns("calls")}
            assert conn.scalar(sa.text("SELECT description FROM calls WHERE title = 'Oud'")) == DANGEROUS
        db.engine.dispose()


# --------------------------------------------------------------------------- translations in templates


@pytest.mark.parametrize("source, html, text", [
    ("{{ _('Samen 100%%.') }}", "Samen 100%.", "Samen 100%."),  # a literal % is written %% (newstyle)
    ("{{ _('Voor %(name)s', name='<b>x</b>') }}", "Voor &lt;b&gt;x&lt;/b&gt;", "Voor <b>x</b>"),
    ("{{ ngettext('%(num)s dag', '%(num)s dagen', 1) }}", "1 dag", "1 dag"),
    ("{{ ngettext('%(num)s dag', '%(num)s dagen', 3) }}", "3 dagen", "3 dagen"),
    ("{% trans n=2 %}{{ n }} ding{% pluralize %}{{ n }} dingen{% endtrans %}", "2 dingen", "2 dingen"),
])
def test_template_gettext_keeps_the_newstyle_rules(app, source, html, text):
    with app.test_request_context("/"):
        assert app.jinja_env.from_string(source).render() == html  # autoescaped like an .html template
        plain = app.jinja_env.overlay(autoescape=False)  # like a mail template (.txt)
        assert plain.from_string(source).render() == text


def test_templates_translate_in_the_language_of_each_request(client):
    """The texts kept per catalogue never leak from one language into the next request's."""
    def menu() -> str:
        html = client.get("/calls").get_data(as_text=True)
        return "en" if ">Log in</a>" in html else "nl" if ">Aanmelden</a>" in html else "?"
    assert menu() == "nl"
    for language in ("en", "nl", "en"):
        with client.session_transaction() as session:
            session["lang"] = language
        assert menu() == language
    with client.session_transaction() as session:
        session.pop("lang")
    assert menu() == "nl"


def test_compiled_templates_are_kept_on_disk_for_the_next_worker(tmp_path):
    """A worker that starts cold (after a restart, or the next one gunicorn forks) loads the templates
    another worker compiled, instead of compiling them again."""
    cache = tmp_path / "template-cache"
    first = create_app({"GRANTS_ENV": "testing", "TEMPLATE_CACHE_DIR": str(cache)})
    first.jinja_env.get_template("base.html")
    assert list(cache.glob("*.cache")), "the compiled template is written to the cache folder"

    second = create_app({"GRANTS_ENV": "testing", "TEMPLATE_CACHE_DIR": str(cache)})

    def compile_again(*args, **kwargs):
        raise AssertionError("compiled a template the cache holds")
    second.jinja_env.compile = compile_again
    assert second.jinja_env.get_template("base.html").name == "base.html"


def test_the_suite_and_an_empty_setting_keep_no_template_cache_on_disk():
    assert create_app({"GRANTS_ENV": "testing"}).config["TEMPLATE_CACHE_DIR"] == ""
    assert create_app({"GRANTS_ENV": "testing", "TEMPLATE_CACHE_DIR": ""}).jinja_env.bytecode_cache is None
