"""The ranking as a server-rendered SVG chart, readable without colour.

One horizontal bar per application, in ranking order, its length the weighted total (0..100
points). What colour would say is said twice more: bars above the quality threshold are solid,
those below it are hatched (and their value says "onder de drempel"); the spread between the
lowest and the highest sheet is a line with end ticks; the normalised total is a diamond. The
threshold is a dashed vertical line and the point where the envelope runs out a dotted
horizontal line, both with their label in words. The chart has a title, a description and a
legend; each bar has its own <title>. Only presentation attributes are used (no style
attributes), so the page's Content-Security-Policy holds.

Plain values in (the ranking's rows and its lines), a string out; no Flask.
"""
from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup, escape

from ..i18n import _
from ..money import format_eur
from .ranking import RankingRow

MAX_ROWS = 200  # a longer ranking is charted by its first rows; the table has them all

ROW = 22
TOP = 46
LEFT = 250
BAR_AREA = 400
RIGHT = 370  # the value of each bar, then the label of the envelope line
INK, ACCENT, MUTED = "#1d1d1b", "#0b4f8a", "#555555"


def _points(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def _x(points: Decimal | float) -> float:
    return LEFT + float(points) * BAR_AREA / 100


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def ranking_svg(rows: list[RankingRow], *, threshold: Decimal | None, envelope: Decimal, title: str) -> Markup:
    """The chart of `rows` (in ranking order); the envelope line goes above the first row whose
    running total exceeds the envelope."""
    shown = rows[:MAX_ROWS]
    envelope_index = next((i for i, row in enumerate(rows) if not row.within_envelope), None)
    height = TOP + ROW * max(len(shown), 1) + 90
    width = LEFT + BAR_AREA + RIGHT
    parts: list[str] = []
    add = parts.append
    add(f'<svg xmlns="http://www.w3.org/2000/svg" class="ranking-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="chart-title chart-desc">')
    add(f'<title id="chart-title">{escape(title)}</title>')
    description = _("Per aanvraag het gewogen totaal op 100 punten, in volgorde van de rangschikking. Volle balken "
                    "liggen boven de kwaliteitsdrempel, gearceerde eronder. Een lijn met streepjes toont de laagste "
                    "en de hoogste beoordeling, een ruit het genormaliseerde totaal.")
    if len(rows) > len(shown):
        description += " " + _("De grafiek toont de eerste %(n)s van %(total)s aanvragen; de tabel toont ze alle.",
                               n=len(shown), total=len(rows))
    add(f'<desc id="chart-desc">{escape(description)}</desc>')
    add('<defs><pattern id="hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="{INK}" '
        'stroke-width="2.2"/></pattern></defs>')
    # The scale: 0, 25, 50, 75, 100 points.
    for tick in (0, 25, 50, 75, 100):
        x = _x(tick)
        add(f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{TOP + ROW * len(shown)}" stroke="#c9ced6" '
            'stroke-width="1"/>')
        add(f'<text x="{x:.1f}" y="{TOP - 10}" font-size="11" text-anchor="middle" fill="{MUTED}">{tick}</text>')
    add(f'<text x="{LEFT}" y="14" font-size="12" fill="{INK}">{escape(_("Gewogen totaal (punten op 100)"))}</text>')

    for i, row in enumerate(shown):
        y = TOP + i * ROW
        label = f"{row.rank or '-'}. {row.dossier_number or ''} {row.organisation}".strip()
        state = (_("boven de drempel") if row.above_threshold else _("onder de drempel")) if row.scored \
            else _("geen beoordeling")
        tooltip = (f"{label}: {_points(row.weighted_total)} {_('punten')}, {state}; "
                   f"{_('gevraagd')} {format_eur(row.requested)}" if row.scored else f"{label}: {state}")
        add(f'<g><title>{escape(tooltip)}</title>')
        add(f'<text x="{LEFT - 8}" y="{y + 15}" font-size="12" text-anchor="end" fill="{INK}">'
            f'{escape(_short(label))}</text>')
        if row.scored:
            length = max(float(row.weighted_total) * BAR_AREA / 100, 1.0)
            fill = ACCENT if row.above_threshold else "url(#hatch)"
            add(f'<rect x="{LEFT}" y="{y + 4}" width="{length:.1f}" height="{ROW - 8}" fill="{fill}" '
                f'stroke="{INK}" stroke-width="1"/>')
            if row.count > 1:
                low, high, mid = _x(row.min), _x(row.max), y + ROW / 2
                add(f'<line x1="{low:.1f}" y1="{mid:.1f}" x2="{high:.1f}" y2="{mid:.1f}" stroke="{INK}" '
                    'stroke-width="1.5"/>')
                for end in (low, high):
                    add(f'<line x1="{end:.1f}" y1="{y + 3}" x2="{end:.1f}" y2="{y + ROW - 3}" stroke="{INK}" '
                        'stroke-width="1.5"/>')
            if row.normalised_total is not None:
                nx, ny = _x(row.normalised_total), y + ROW / 2
                add(f'<path d="M{nx:.1f} {ny - 5:.1f} L{nx + 5:.1f} {ny:.1f} L{nx:.1f} {ny + 5:.1f} '
                    f'L{nx - 5:.1f} {ny:.1f} Z" fill="#ffffff" stroke="{INK}" stroke-width="1.5"/>')
            text = _points(row.weighted_total) + ("" if row.above_threshold else " " + _("(onder de drempel)"))
        else:
            text = _("geen beoordeling")
        add(f'<text x="{LEFT + BAR_AREA + 8}" y="{y + 15}" font-size="12" fill="{INK}">{escape(text)}</text>')
        add('</g>')

    bottom = TOP + ROW * len(shown)
    if threshold is not None:
        x = _x(threshold)
        add(f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{bottom + 4}" stroke="{INK}" stroke-width="2" '
            'stroke-dasharray="6 4"/>')
        add(f'<text x="{x + 4:.1f}" y="{TOP - 22}" font-size="12" font-weight="bold" fill="{INK}">'
            f'{escape(_("drempel %(points)s", points=_points(threshold)))}</text>')
    if envelope_index is not None and envelope_index < len(shown):
        y = TOP + envelope_index * ROW
        add(f'<line x1="8" y1="{y}" x2="{width - 8}" y2="{y}" stroke="{INK}" stroke-width="2" '
            'stroke-dasharray="2 3"/>')
        add(f'<text x="{width - 8}" y="{y - 3}" font-size="12" font-weight="bold" text-anchor="end" fill="{INK}">'
            f'{escape(_("budget op (%(envelope)s)", envelope=format_eur(envelope)))}</text>')

    # Legend
    y = bottom + 24
    add(f'<rect x="{LEFT}" y="{y}" width="16" height="12" fill="{ACCENT}" stroke="{INK}"/>')
    add(f'<text x="{LEFT + 22}" y="{y + 11}" font-size="12" fill="{INK}">{escape(_("boven de drempel"))}</text>')
    add(f'<rect x="{LEFT + 230}" y="{y}" width="16" height="12" fill="url(#hatch)" stroke="{INK}"/>')
    add(f'<text x="{LEFT + 252}" y="{y + 11}" font-size="12" fill="{INK}">{escape(_("onder de drempel"))}</text>')
    y += 22
    add(f'<line x1="{LEFT}" y1="{y + 6}" x2="{LEFT + 16}" y2="{y + 6}" stroke="{INK}" stroke-width="1.5"/>')
    add(f'<line x1="{LEFT}" y1="{y}" x2="{LEFT}" y2="{y + 12}" stroke="{INK}" stroke-width="1.5"/>')
    add(f'<line x1="{LEFT + 16}" y1="{y}" x2="{LEFT + 16}" y2="{y + 12}" stroke="{INK}" stroke-width="1.5"/>')
    add(f'<text x="{LEFT + 22}" y="{y + 11}" font-size="12" fill="{INK}">'
        f'{escape(_("laagste tot hoogste beoordeling"))}</text>')
    nx, ny = LEFT + 238, y + 6
    add(f'<path d="M{nx} {ny - 5} L{nx + 5} {ny} L{nx} {ny + 5} L{nx - 5} {ny} Z" fill="#ffffff" stroke="{INK}" '
        'stroke-width="1.5"/>')
    add(f'<text x="{LEFT + 252}" y="{y + 11}" font-size="12" fill="{INK}">'
        f'{escape(_("genormaliseerd totaal"))}</text>')
    y += 22
    add(f'<line x1="{LEFT}" y1="{y + 6}" x2="{LEFT + 16}" y2="{y + 6}" stroke="{INK}" stroke-width="2" '
        'stroke-dasharray="6 4"/>')
    add(f'<text x="{LEFT + 22}" y="{y + 11}" font-size="12" fill="{INK}">{escape(_("kwaliteitsdrempel"))}</text>')
    add(f'<line x1="{LEFT + 230}" y1="{y + 6}" x2="{LEFT + 246}" y2="{y + 6}" stroke="{INK}" stroke-width="2" '
        'stroke-dasharray="2 3"/>')
    add(f'<text x="{LEFT + 252}" y="{y + 11}" font-size="12" fill="{INK}">'
        f'{escape(_("hier is het budget op"))}</text>')
    add('</svg>')
    return Markup("".join(parts))
