"""The jury's ranking of a call, computed so the agency can explain every figure in it.

Plain values in (criteria, applications, submitted score sheets, threshold, envelope), one
frozen `Ranking` out. Nothing here touches Flask or the database.

The rules
---------
1. **Points of a sheet.** Every score is first placed on its criterion's scale:
   (score - scale_min) / (scale_max - scale_min), 0 for the lowest and 1 for the highest mark.
   A sheet's *weighted total* is the weighted mean of those, in points out of 100:

       total = 100 * sum(weight * (score - scale_min) / (scale_max - scale_min))
                   / sum(weight of the criteria scored on this sheet)

   With weights that add up to 100 and every criterion scored, a perfect sheet has 100.00
   points and the lowest marks everywhere 0.00. A criterion left empty (an optional one) is
   left out of that sheet only: the remaining weights count proportionally more.
2. **Points of an application.** Only submitted sheets count. The application's weighted
   total is the mean of its sheets' totals. Beside it: median, minimum, maximum, the number
   of sheets, and the sample standard deviation (n - 1 in the denominator), which is
   *undefined* (None) for a single sheet, never 0. An application without a sheet has no
   figures (None) and comes after every scored application.
3. **Normalised per juror** (to see the effect of strict and lenient jurors). For each juror,
   over all their submitted sheets in the call: z = (total - juror's mean) / juror's sample
   standard deviation. A juror with one sheet, or who gave every sheet the same total, gets
   z = 0 on those sheets: they say nothing about the order. The z-score is put back on the
   points scale with the mean and sample standard deviation of all sheet totals in the call:
   mean_all + z * std_all, clipped to 0..100. An application's normalised total is the mean
   of its sheets' normalised values. The normalised ranking is advice beside the ranking,
   not a replacement of it.
4. **Ranks.** Competition ranking on the weighted total, highest first: equal totals share a
   rank and the next rank skips ("1, 2, 2, 4"). The normalised rank is the same on the
   normalised total. rank_change = rank - normalised_rank: positive means the application
   moves up when jurors are normalised. Rows are listed by rank; within a tie by dossier
   number (applications without one last), then by application id. That order only lists
   the tie, it does not break it: tied applications keep the same rank.
5. **Disagreement.** A scored application is flagged when its jurors disagree widely: the
   highest minus the lowest sheet total is at least 25 points, or the standard deviation is
   at least 15 points (`DISAGREEMENT_SPREAD`, `DISAGREEMENT_STD`).
6. **The money line.** Going down the rows in that order, running_requested is the exact
   running total of the requested amounts (Decimal, to the cent). above_threshold means the
   weighted total is at least the quality threshold (every scored application when there is
   no threshold; never an unscored one). within_envelope means the running total is at most
   the envelope. `threshold_index` is the index of the first row below the threshold and
   `envelope_index` the index of the first row whose running total exceeds the envelope
   (None when no row is below, or none exceeds): a table or chart draws its lines there.
7. **Rounding.** Figures are shown rounded half up to 2 decimals, but ranks, ties, the
   threshold and the disagreement flag are decided on the unrounded values. (Computations
   run in floating point; the figures that are compared are first rounded to 9 decimals, far
   below the 2 shown and far above floating-point noise, so that the order in which sheets
   arrive can never split a real tie.)
"""
from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from itertools import chain
from types import MappingProxyType

import numpy as np

from grants.money import CENT

__all__ = [
    "DISAGREEMENT_SPREAD",
    "DISAGREEMENT_STD",
    "ApplicationInput",
    "CriterionInput",
    "JurorStats",
    "Ranking",
    "RankingRow",
    "SheetInput",
    "SheetResult",
    "bench_ranking",
    "build_ranking",
]

DISAGREEMENT_SPREAD = Decimal(25)  # points between the highest and the lowest sheet
DISAGREEMENT_STD = Decimal(15)  # points of sample standard deviation

_DECIMALS = 9  # floating-point noise is far below this; real differences far above
_EPSILON = 1e-9  # a juror's standard deviation below this is "every total the same"


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class CriterionInput:
    """A criterion of the call: its weight (the weights add up to 100) and its scale."""

    id: int
    weight: Decimal
    scale_min: int
    scale_max: int

    def __post_init__(self) -> None:
        if not self.weight > 0:
            raise ValueError(f"criterion {self.id}: weight must be positive, got {self.weight}")
        if not self.scale_max > self.scale_min:
            raise ValueError(f"criterion {self.id}: scale_max must exceed scale_min")


@dataclass(frozen=True)
class ApplicationInput:
    """An application to rank."""

    application_id: int
    dossier_number: str | None
    organisation: str
    requested: Decimal

    def __post_init__(self) -> None:
        if self.requested < 0:
            raise ValueError(f"application {self.application_id}: requested amount is negative")


@dataclass(frozen=True)
class SheetInput:
    """A submitted score sheet: criterion id -> score. A criterion that is missing (or None)
    was left empty: it is left out of this sheet's total."""

    application_id: int
    juror_id: int
    scores: Mapping[int, Decimal] = field(hash=False)

    def __post_init__(self) -> None:
        kept = {criterion_id: score for criterion_id, score in self.scores.items() if score is not None}
        object.__setattr__(self, "scores", MappingProxyType(kept))


# --------------------------------------------------------------------------- outputs


@dataclass(frozen=True)
class RankingRow:
    """One application in the ranking. Points are rounded to 2 decimals for display."""

    application_id: int
    dossier_number: str | None
    organisation: str
    requested: Decimal
    count: int  # submitted sheets
    weighted_total: Decimal | None  # mean of the sheets' totals
    median: Decimal | None
    std: Decimal | None  # None with fewer than two sheets
    min: Decimal | None
    max: Decimal | None
    normalised_total: Decimal | None
    rank: int | None  # None for an application without a sheet
    normalised_rank: int | None
    rank_change: int | None  # rank - normalised_rank; positive = higher when normalised
    disagreement: bool
    running_requested: Decimal
    above_threshold: bool
    within_envelope: bool

    @property
    def mean(self) -> Decimal | None:
        """The mean of the sheets' totals: the weighted total itself."""
        return self.weighted_total

    @property
    def scored(self) -> bool:
        return self.count > 0

    @property
    def spread(self) -> Decimal | None:
        """Highest minus lowest sheet total (of the rounded figures, as shown)."""
        return None if self.count == 0 else self.max - self.min

    @property
    def fundable(self) -> bool:
        """Above the threshold and within the envelope: on the right side of both lines."""
        return self.above_threshold and self.within_envelope


@dataclass(frozen=True)
class SheetResult:
    """One submitted sheet: its total, its juror z-score and its normalised value."""

    application_id: int
    juror_id: int
    total: Decimal
    z: Decimal  # 0 for a juror with one sheet or with every total the same; 4 decimals
    normalised: Decimal


@dataclass(frozen=True)
class JurorStats:
    """How a juror scores: a mean below the call's mean is a strict juror, above a lenient one."""

    juror_id: int
    count: int
    mean: Decimal
    std: Decimal | None  # None for a single sheet
    offset: Decimal  # juror's mean - mean of all sheets in the call

    @property
    def normalised(self) -> bool:
        """False when the juror's sheets carry no ranking information (z = 0 on all of them)."""
        return self.count > 1 and self.std is not None and self.std > 0


@dataclass(frozen=True)
class _SheetData:
    """Per-sheet figures as arrays, in the order the sheets were given; made into
    SheetResult objects only when asked (a page shows the sheets of one application)."""

    application_ids: np.ndarray
    juror_ids: np.ndarray
    totals: np.ndarray
    z: np.ndarray
    normalised: np.ndarray

    def results(self, positions: np.ndarray) -> tuple[SheetResult, ...]:
        z = np.round(self.z[positions], 4) + 0.0  # + 0.0 turns -0.0 into 0.0
        totals = _points(self.totals[positions])
        normalised = _points(self.normalised[positions])
        return tuple(
            SheetResult(application_id=a, juror_id=j, total=totals[k], z=Decimal(f"{z[k]:.4f}"),
                        normalised=normalised[k])
            for k, (a, j) in enumerate(zip(self.application_ids[positions].tolist(),
                                           self.juror_ids[positions].tolist()))
        )


@dataclass(frozen=True)
class Ranking:
    """The whole ranking of a call: the rows with both lines, the jurors, every sheet."""

    rows: tuple[RankingRow, ...]  # by rank; see the module docstring for the order of a tie
    threshold_index: int | None  # first row below the threshold; None: no threshold, or no row below
    envelope_index: int | None  # first row whose running total exceeds the envelope; None: none does
    jurors: tuple[JurorStats, ...]  # by juror id
    threshold: Decimal | None
    envelope: Decimal
    mean_all: Decimal | None  # of all sheet totals in the call; None without sheets
    std_all: Decimal | None  # None with fewer than two sheets
    _sheet_data: _SheetData = field(repr=False, compare=False)

    @cached_property
    def sheets(self) -> tuple[SheetResult, ...]:
        """Every submitted sheet, in the order given to build_ranking."""
        return self._sheet_data.results(np.arange(len(self._sheet_data.totals)))

    def sheets_for(self, application_id: int) -> tuple[SheetResult, ...]:
        """The sheets of one application, by juror id."""
        positions = np.flatnonzero(self._sheet_data.application_ids == application_id)
        positions = positions[np.argsort(self._sheet_data.juror_ids[positions], kind="stable")]
        return self._sheet_data.results(positions)

    @property
    def requested_total(self) -> Decimal:
        return self.rows[-1].running_requested if self.rows else Decimal("0.00")

    def row_for(self, application_id: int) -> RankingRow:
        for row in self.rows:
            if row.application_id == application_id:
                return row
        raise KeyError(application_id)


# --------------------------------------------------------------------------- the computation


def _snap(values: np.ndarray) -> np.ndarray:
    return np.round(values, _DECIMALS)


def _points(values: np.ndarray) -> list[Decimal | None]:
    """Snapped floats as the Decimals shown: half up (away from zero) to the cent; NaN -> None."""
    hundredths = np.round(np.asarray(values, dtype=float) * 100, _DECIMALS - 2)
    missing = np.isnan(hundredths)
    cents = np.where(missing, 0, np.sign(hundredths) * np.floor(np.abs(hundredths) + 0.5)).astype(np.int64)
    return [None if gap else Decimal(c).scaleb(-2) for c, gap in zip(cents.tolist(), missing.tolist())]


def _point(value: float) -> Decimal | None:
    return _points(np.array([value]))[0]


def _group_stats(codes: np.ndarray, values: np.ndarray, groups: int) -> dict[str, np.ndarray]:
    """count, mean, median, sample std (NaN below two values), min, max per group code."""
    count = np.bincount(codes, minlength=groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(codes, weights=values, minlength=groups) / count
        deviation = values - mean[codes]
        squares = np.bincount(codes, weights=deviation * deviation, minlength=groups)
        std = np.where(count > 1, np.sqrt(squares / np.maximum(count - 1, 1)), np.nan)
    has = count > 0
    if not len(values):
        nothing = np.full(groups, np.nan)
        return {"count": count, "mean": nothing, "median": nothing, "std": nothing, "min": nothing, "max": nothing}
    ordered = values[np.lexsort((values, codes))]  # by group, ascending within
    start = np.concatenate(([0], np.cumsum(count)[:-1]))
    first = np.where(has, start, 0)
    last = np.where(has, start + count - 1, 0)
    median = (ordered[np.where(has, start + (count - 1) // 2, 0)] + ordered[np.where(has, start + count // 2, 0)]) / 2
    return {"count": count, "mean": mean, "std": std,
            "median": np.where(has, median, np.nan),
            "min": np.where(has, ordered[first], np.nan),
            "max": np.where(has, ordered[last], np.nan)}


def _competition_ranks(values: np.ndarray) -> np.ndarray:
    """1 + the number of strictly higher values: "1, 2, 2, 4"."""
    ordered = np.sort(values)
    return len(values) - np.searchsorted(ordered, values, side="right") + 1


def _sheet_matrix(criteria: Sequence[CriterionInput], applications: Sequence[ApplicationInput],
                  sheets: Sequence[SheetInput]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores as an (n_sheets, n_criteria) float matrix (NaN: left empty), the index of each
    sheet's application, and each sheet's juror id. The Python work is a few comprehensions
    and maps over C-level lookups, not a loop body per score."""
    if len({c.id for c in criteria}) != len(criteria):
        raise ValueError("a criterion id occurs twice")
    index_of = {a.application_id: i for i, a in enumerate(applications)}
    if len(index_of) != len(applications):
        raise ValueError("an application occurs twice")
    unknown = [s.application_id for s in sheets if s.application_id not in index_of]
    if unknown:
        raise ValueError(f"a sheet for application {unknown[0]}, which is not ranked")
    application_codes = np.array([index_of[s.application_id] for s in sheets], dtype=np.int64)
    juror_ids = np.array([s.juror_id for s in sheets], dtype=np.int64)
    pairs = set(zip(application_codes.tolist(), juror_ids.tolist()))
    if len(pairs) != len(sheets):
        seen: set[tuple[int, int]] = set()
        for sheet in sheets:
            key = (sheet.application_id, sheet.juror_id)
            if key in seen:
                raise ValueError(f"two sheets of juror {sheet.juror_id} on application {sheet.application_id}")
            seen.add(key)

    ids = [c.id for c in criteria]
    given = list(chain.from_iterable([tuple(map(s.scores.get, ids)) for s in sheets]))
    as_float = {v: float(v) for v in set(given) if v is not None}  # few distinct marks: convert each once
    not_a_number = [v for v, f in as_float.items() if math.isnan(f)]
    if not_a_number:
        raise ValueError(f"a score is not a number: {not_a_number[0]}")
    as_float[None] = math.nan
    scores = np.fromiter(map(as_float.__getitem__, given), dtype=float,
                         count=len(given)).reshape(len(sheets), len(criteria))
    low = np.array([c.scale_min for c in criteria], dtype=float)
    high = np.array([c.scale_max for c in criteria], dtype=float)
    with np.errstate(invalid="ignore"):
        outside = np.argwhere((scores < low) | (scores > high))
    if len(outside):
        row, column = outside[0]
        sheet = sheets[row]
        raise ValueError(f"juror {sheet.juror_id}, application {sheet.application_id}: score "
                         f"{sheet.scores[ids[column]]} is outside the scale of criterion {ids[column]}")
    scored = (~np.isnan(scores)).sum(axis=1)
    if sum(map(len, [s.scores for s in sheets])) != int(scored.sum()):
        known = set(ids)
        for sheet in sheets:
            for criterion_id in sheet.scores:
                if criterion_id not in known:
                    raise ValueError(f"a score for criterion {criterion_id}, which is not in the call")
    empty = np.flatnonzero(scored == 0)
    if len(empty):
        sheet = sheets[empty[0]]
        raise ValueError(f"the sheet of juror {sheet.juror_id} on application {sheet.application_id} is empty")
    return scores, application_codes, juror_ids


def _sheet_totals(criteria: Sequence[CriterionInput], scores: np.ndarray) -> np.ndarray:
    weight = np.array([float(c.weight) for c in criteria])
    low = np.array([c.scale_min for c in criteria], dtype=float)
    span = np.array([c.scale_max - c.scale_min for c in criteria], dtype=float)
    scored = ~np.isnan(scores)
    share = np.where(scored, (scores - low) / span, 0.0)
    return 100.0 * (share @ weight) / (scored @ weight)


def _dossier_key(application: ApplicationInput) -> tuple[bool, str]:
    return (application.dossier_number is None, application.dossier_number or "")


def build_ranking(
    criteria: Sequence[CriterionInput],
    applications: Sequence[ApplicationInput],
    sheets: Sequence[SheetInput],
    *,
    threshold: Decimal | None = None,
    envelope: Decimal,
) -> Ranking:
    """The ranking of `applications` from their submitted `sheets` (rules in the module docstring).

    Raises ValueError on input the database should never hold: a duplicate application or
    criterion, two sheets of one juror on one application, an empty sheet, a score for an
    unknown criterion or outside its scale, a sheet for an application not in the list.
    """
    criteria = list(criteria)
    applications = list(applications)
    sheets = list(sheets)
    if threshold is not None and not Decimal(0) <= threshold <= Decimal(100):
        raise ValueError(f"threshold must be between 0 and 100 points, got {threshold}")
    if envelope < 0:
        raise ValueError("envelope must not be negative")

    scores, application_codes, juror_ids = _sheet_matrix(criteria, applications, sheets)
    n_applications = len(applications)
    n_sheets = len(sheets)
    totals = _sheet_totals(criteria, scores) if n_sheets else np.zeros(0)

    # Per juror, then back on the call's points scale.
    juror_list, juror_codes = np.unique(juror_ids, return_inverse=True)
    per_juror = _group_stats(juror_codes, totals, len(juror_list))
    informative = (per_juror["count"] > 1) & (np.nan_to_num(per_juror["std"]) > _EPSILON)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(informative[juror_codes],
                     (totals - per_juror["mean"][juror_codes]) / per_juror["std"][juror_codes], 0.0)
    mean_all = float(totals.mean()) if n_sheets else np.nan
    std_all = float(totals.std(ddof=1)) if n_sheets > 1 else np.nan
    normalised = np.clip(mean_all + z * np.nan_to_num(std_all), 0.0, 100.0)

    # Per application.
    stats = _group_stats(application_codes, totals, n_applications)
    stats = {name: values if name == "count" else _snap(values) for name, values in stats.items()}
    count = stats["count"]
    with np.errstate(invalid="ignore", divide="ignore"):
        normalised_total = _snap(np.bincount(application_codes, weights=normalised, minlength=n_applications) / count)
    spread = _snap(stats["max"] - stats["min"])
    with np.errstate(invalid="ignore"):
        wide = (spread >= float(DISAGREEMENT_SPREAD)) | (stats["std"] >= float(DISAGREEMENT_STD))
    disagreement = (count > 1) & wide

    scored = np.flatnonzero(count > 0)
    rank = np.zeros(n_applications, dtype=np.int64)
    normalised_rank = np.zeros(n_applications, dtype=np.int64)
    rank[scored] = _competition_ranks(stats["mean"][scored])
    normalised_rank[scored] = _competition_ranks(normalised_total[scored])
    if threshold is None:
        above = count > 0
    else:
        with np.errstate(invalid="ignore"):
            above = (count > 0) & (stats["mean"] >= float(threshold))

    rank_list = rank.tolist()
    scored_order = sorted(scored.tolist(), key=lambda i: (rank_list[i], _dossier_key(applications[i]),
                                                          applications[i].application_id))
    unscored_order = sorted(np.flatnonzero(count == 0).tolist(),
                            key=lambda i: (_dossier_key(applications[i]), applications[i].application_id))
    order = np.array(scored_order + unscored_order, dtype=np.int64)

    shown = {name: _points(stats[name][order]) for name in ("mean", "median", "std", "min", "max")}
    shown_normalised = _points(normalised_total[order])
    counts = count.tolist()
    above_list = above.tolist()
    disagreement_list = disagreement.tolist()
    normalised_rank_list = normalised_rank.tolist()
    rows: list[RankingRow] = []
    running = Decimal("0.00")
    threshold_index = envelope_index = None
    for position, i in enumerate(order.tolist()):
        application = applications[i]
        running += application.requested
        has_sheet = counts[i] > 0
        is_above = above_list[i]
        within = running <= envelope
        if threshold is not None and not is_above and threshold_index is None:
            threshold_index = position
        if not within and envelope_index is None:
            envelope_index = position
        rows.append(RankingRow(
            application.application_id,
            application.dossier_number,
            application.organisation,
            application.requested,
            counts[i],
            shown["mean"][position],
            shown["median"][position],
            shown["std"][position],
            shown["min"][position],
            shown["max"][position],
            shown_normalised[position],
            rank_list[i] if has_sheet else None,
            normalised_rank_list[i] if has_sheet else None,
            rank_list[i] - normalised_rank_list[i] if has_sheet else None,
            disagreement_list[i],
            running,
            is_above,
            within,
        ))

    juror_means = _points(_snap(per_juror["mean"]))
    juror_stds = _points(_snap(per_juror["std"]))
    offsets = _points(_snap(per_juror["mean"] - mean_all))
    jurors = tuple(
        JurorStats(juror_id=juror_id, count=int(per_juror["count"][j]), mean=juror_means[j],
                   std=juror_stds[j], offset=offsets[j])
        for j, juror_id in enumerate(juror_list.tolist())
    )
    return Ranking(
        rows=tuple(rows),
        threshold_index=threshold_index,
        envelope_index=envelope_index,
        jurors=jurors,
        threshold=threshold,
        envelope=envelope,
        mean_all=_point(_snap(np.array([mean_all]))[0]),
        std_all=_point(_snap(np.array([std_all]))[0]),
        _sheet_data=_SheetData(
            application_ids=np.array([s.application_id for s in sheets], dtype=np.int64),
            juror_ids=juror_ids, totals=totals, z=z, normalised=normalised),
    )


# --------------------------------------------------------------------------- benchmark


def _random_input(n_applications: int, jurors: int, criteria: int, seed: int):
    rng = np.random.default_rng(seed)
    base, rest = divmod(100, criteria)
    call_criteria = [CriterionInput(id=c + 1, weight=Decimal(base + (1 if c < rest else 0)), scale_min=0, scale_max=10)
                     for c in range(criteria)]
    applications = [ApplicationInput(application_id=a + 1, dossier_number=f"PS-{a + 1:06d}",
                                     organisation=f"Org {a + 1}",
                                     requested=Decimal(int(rng.integers(500_000, 6_000_000))) / 100)
                    for a in range(n_applications)]
    marks = [Decimal(m) / 2 for m in range(21)]  # 0, 0.5, ... 10
    drawn = rng.integers(0, len(marks), size=(n_applications, jurors, criteria))
    sheets = [SheetInput(application_id=a + 1, juror_id=j + 1,
                         scores={c + 1: marks[drawn[a, j, c]] for c in range(criteria)})
              for a in range(n_applications) for j in range(jurors)]
    envelope = sum((a.requested for a in applications), Decimal(0)) / 3
    return call_criteria, applications, sheets, envelope.quantize(CENT)


def bench_ranking(n_applications: int = 10_000, jurors: int = 5, criteria: int = 6, seed: int = 1) -> float:
    """Milliseconds of one `build_ranking` call on random input: a panel of `jurors` who each
    score every application on `criteria` criteria (10,000 x 5 = 50,000 sheets by default)."""
    call_criteria, applications, sheets, envelope = _random_input(n_applications, jurors, criteria, seed)
    started = time.perf_counter()
    build_ranking(call_criteria, applications, sheets, threshold=Decimal(50), envelope=envelope)
    return (time.perf_counter() - started) * 1000
