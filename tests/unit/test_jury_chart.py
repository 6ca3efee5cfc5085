"""The ranking chart (grants/jury/chart.py): what it draws, said in more than colour, valid SVG."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal as D

from grants.jury.chart import MAX_ROWS, ranking_svg
from grants.jury.ranking import ApplicationInput, CriterionInput, SheetInput, build_ranking

SVG = "{http://www.w3.org/2000/svg}"
CRITERIA = [CriterionInput(1, D(60), 0, 10), CriterionInput(2, D(40), 0, 10)]


def _ranking(n: int, threshold=D(50), envelope=D("100000.00")):
    apps = [ApplicationInput(a, f"TG-2027-{a:04d}", f"Organisatie <{a}> & co", D("30000.00")) for a in range(1, n + 1)]
    sheets = [SheetInput(a, j, {1: D((a * 3 + j) % 11), 2: D((a + j) % 11)}) for a in range(1, n) for j in (1, 2)]
    return build_ranking(CRITERIA, apps, sheets, threshold=threshold, envelope=envelope)


def _svg(ranking, title="Rangschikking"):
    return str(ranking_svg(list(ranking.rows), threshold=ranking.threshold, envelope=ranking.envelope, title=title))


def test_the_chart_is_well_formed_svg_with_a_title_a_description_and_a_bar_per_row():
    ranking = _ranking(6)
    root = ET.fromstring(_svg(ranking, title="Oproep <2027>"))
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == "Oproep <2027>"
    assert "Volle balken" in root.find(f"{SVG}desc").text
    groups = root.findall(f"{SVG}g")
    assert len(groups) == 6
    assert groups[-1].find(f"{SVG}title").text.endswith("geen beoordeling")  # the unscored application
    assert "Organisatie <6> & co" in groups[-1].find(f"{SVG}title").text  # names are escaped, not markup


def test_below_the_threshold_is_hatched_and_says_so_and_the_lines_have_words():
    ranking = _ranking(6)
    svg = _svg(ranking)
    below = [r for r in ranking.rows if r.scored and not r.above_threshold]
    above = [r for r in ranking.rows if r.above_threshold]
    assert below and above
    assert svg.count('fill="url(#hatch)"') == len(below) + 1  # the bars and the legend's swatch
    assert svg.count("(onder de drempel)") == len(below)
    assert "drempel 50,00" in svg and 'stroke-dasharray="6 4"' in svg
    assert ranking.envelope_index == 3 and "budget op (100.000,00 EUR)" in svg and 'stroke-dasharray="2 3"' in svg
    assert "style=" not in svg


def test_without_threshold_or_overrun_there_are_no_lines():
    ranking = _ranking(3, threshold=None, envelope=D("1000000.00"))
    svg = _svg(ranking)
    assert "drempel " not in svg.replace("kwaliteitsdrempel", "") and "budget op (" not in svg


def test_a_long_ranking_is_charted_by_its_first_rows_and_says_so():
    ranking = _ranking(MAX_ROWS + 30)
    root = ET.fromstring(_svg(ranking))
    assert len(root.findall(f"{SVG}g")) == MAX_ROWS
    assert f"de eerste {MAX_ROWS} van {MAX_ROWS + 30} aanvragen" in root.find(f"{SVG}desc").text
