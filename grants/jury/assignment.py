"""Automatic assignment of "N jurors per application", with the load spread as evenly as possible.

Plain values in (application ids, juror ids, conflicts of interest, the assignments that already
exist, N), one frozen `AssignmentPlan` out: what to keep, add and drop. Nothing is written here.

The rules
---------
1. A juror with a conflict of interest on an application is never assigned to it. An existing
   assignment that is conflicted now is dropped, also when the juror already started a score
   sheet; those are listed apart (`AssignmentPlan.dropped_started`) so the admin is told.
2. Every other existing assignment is kept, started or not, even when an application already
   has more than N jurors (N was lowered): taking work away from a juror is the admin's call.
3. Each application is filled up to N jurors, never with the same juror twice. When fewer
   than N jurors are free of conflict it gets all of them, and the plan says why in Dutch
   (`shortfalls`).
4. The new assignments spread the load (kept plus new assignments per juror) as evenly as the
   conflicts and the kept assignments allow: the most and the least loaded juror differ by at
   most one whenever that is possible, and the highest load is always as low as possible.
   Technically the plan minimises the sum of the squared loads, which for this kind of
   problem (a flow with one unit per assignment) gives the lowest maximum and the highest
   minimum at the same time. It is found exactly: a greedy start, then moving new
   assignments along alternating paths from a juror with load L to one with load L - 2 or
   less, until no such path exists (which is the optimality condition of that flow).
5. The same input always gives the same plan: applications and jurors are taken in id
   order, and ties go to the lowest juror id.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

from grants.i18n import _, ngettext

__all__ = ["AssignmentPlan", "ExistingAssignment", "Pair", "plan_assignments", "shortfall_message"]


class Pair(NamedTuple):
    application_id: int
    juror_id: int


@dataclass(frozen=True, order=True)
class ExistingAssignment:
    application_id: int
    juror_id: int
    started: bool = False  # a score sheet exists (draft or submitted)

    @property
    def pair(self) -> Pair:
        return Pair(self.application_id, self.juror_id)


@dataclass(frozen=True)
class AssignmentPlan:
    keep: tuple[ExistingAssignment, ...]  # existing assignments that stay, by (application, juror)
    add: tuple[Pair, ...]  # new assignments to create, by (application, juror)
    drop: tuple[ExistingAssignment, ...]  # existing assignments with a conflict of interest now
    shortfalls: Mapping[int, str] = field(hash=False)  # application id -> Dutch reason
    loads: Mapping[int, int] = field(hash=False)  # juror id -> assignments after the plan

    def __post_init__(self) -> None:
        object.__setattr__(self, "shortfalls", MappingProxyType(dict(self.shortfalls)))
        object.__setattr__(self, "loads", MappingProxyType(dict(self.loads)))

    @property
    def dropped_started(self) -> tuple[ExistingAssignment, ...]:
        """Dropped although the juror already started a sheet: tell the admin."""
        return tuple(d for d in self.drop if d.started)

    @property
    def changes(self) -> bool:
        return bool(self.add or self.drop)

    @property
    def assignments(self) -> tuple[Pair, ...]:
        """Every assignment after the plan, by (application, juror)."""
        return tuple(sorted([k.pair for k in self.keep] + list(self.add)))

    def jurors_for(self, application_id: int) -> tuple[int, ...]:
        return tuple(j for a, j in self.assignments if a == application_id)

    @property
    def max_load(self) -> int:
        return max(self.loads.values(), default=0)

    @property
    def min_load(self) -> int:
        return min(self.loads.values(), default=0)


def shortfall_message(available: int, requested: int) -> str:
    """Why an application gets fewer jurors than asked for."""
    if available == 0:
        return _("Geen enkel jurylid zonder belangenconflict beschikbaar; %(requested)s gevraagd.",
                 requested=requested)
    return ngettext("Slechts %(num)s jurylid zonder belangenconflict beschikbaar; %(requested)s gevraagd.",
                    "Slechts %(num)s juryleden zonder belangenconflict beschikbaar; %(requested)s gevraagd.",
                    available, requested=requested)


def plan_assignments(
    application_ids: Iterable[int],
    juror_ids: Iterable[int],
    conflicts: Iterable[tuple[int, int]],
    existing: Iterable[ExistingAssignment],
    n: int,
) -> AssignmentPlan:
    """The plan that gives every application `n` jurors (rules in the module docstring).

    `conflicts` holds (application_id, juror_id) pairs. Raises ValueError when n is negative,
    or when an existing assignment names an application or juror that is not in the lists
    (the caller passes every application under review and every juror with an assignment),
    or occurs twice.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    applications = sorted(set(application_ids))
    jurors = sorted(set(juror_ids))
    conflicted = {(a, j) for a, j in conflicts}
    known_applications, known_jurors = set(applications), set(jurors)

    keep: list[ExistingAssignment] = []
    drop: list[ExistingAssignment] = []
    seen: set[tuple[int, int]] = set()
    for assignment in sorted(existing):
        pair = (assignment.application_id, assignment.juror_id)
        if assignment.application_id not in known_applications:
            raise ValueError(f"an existing assignment on application {assignment.application_id}, which is not listed")
        if assignment.juror_id not in known_jurors:
            raise ValueError(f"an existing assignment of juror {assignment.juror_id}, who is not listed")
        if pair in seen:
            raise ValueError(f"juror {assignment.juror_id} is assigned twice to application "
                             f"{assignment.application_id}")
        seen.add(pair)
        (drop if pair in conflicted else keep).append(assignment)

    kept_on: dict[int, set[int]] = {a: set() for a in applications}
    load = {j: 0 for j in jurors}
    for assignment in keep:
        kept_on[assignment.application_id].add(assignment.juror_id)
        load[assignment.juror_id] += 1

    candidates: dict[int, list[int]] = {}  # free of conflict and not kept: may be added
    need: dict[int, int] = {}
    shortfalls: dict[int, str] = {}
    for a in applications:
        free = [j for j in jurors if (a, j) not in conflicted]
        if len(free) < n:
            shortfalls[a] = shortfall_message(len(free), n)
        candidates[a] = [j for j in free if j not in kept_on[a]]
        need[a] = max(0, min(n, len(free)) - len(kept_on[a]))

    added = _greedy(applications, candidates, need, load)
    _balance(applications, jurors, candidates, added, load)

    return AssignmentPlan(
        keep=tuple(keep),
        add=tuple(Pair(a, j) for a in applications for j in sorted(added[a])),
        drop=tuple(drop),
        shortfalls=shortfalls,
        loads=load,
    )


def _greedy(applications: list[int], candidates: dict[int, list[int]], need: dict[int, int],
            load: dict[int, int]) -> dict[int, set[int]]:
    """A first plan: the least loaded candidates (lowest id on a tie), the most constrained
    applications first. `load` is updated in place."""
    added: dict[int, set[int]] = {a: set() for a in applications}
    for a in sorted(applications, key=lambda a: (len(candidates[a]) - need[a], a)):
        for j in sorted(candidates[a], key=lambda j: (load[j], j))[:need[a]]:
            added[a].add(j)
            load[j] += 1
    return added


def _balance(applications: list[int], jurors: list[int], candidates: dict[int, list[int]],
             added: dict[int, set[int]], load: dict[int, int]) -> None:
    """Move new assignments along alternating paths until no juror with load L reaches one with
    load L - 2 or less. Each move lowers the sum of squared loads by at least 2, so it ends;
    when it ends, no move can lower it, which is the optimum."""
    while True:
        for start in sorted(jurors, key=lambda j: (-load[j], j)):
            path = _improving_path(start, candidates, added, load)
            if path:
                # path: start, a1, w1, a2, w2, ..., ak, wk: each a_i passes from the juror
                # before it to the juror after it.
                for i in range(1, len(path), 2):
                    giver, application, taker = path[i - 1], path[i], path[i + 1]
                    added[application].remove(giver)
                    added[application].add(taker)
                load[path[0]] -= 1
                load[path[-1]] += 1
                break
        else:
            return


def _improving_path(start: int, candidates: dict[int, list[int]], added: dict[int, set[int]],
                    load: dict[int, int]) -> list[int] | None:
    """Breadth first from `start` over "juror -> an application newly given to them -> a juror
    free to take it"; the path to the least loaded juror reached (lowest id on a tie) if that
    load is at most load[start] - 2, else None."""
    added_to: dict[int, list[int]] = {}
    for a in sorted(added):
        for j in added[a]:
            added_to.setdefault(j, []).append(a)
    came_from: dict[int, tuple[int, int]] = {}  # juror -> (juror before, application)
    seen_applications: set[int] = set()
    queue = deque([start])
    reached = {start}
    while queue:
        juror = queue.popleft()
        for a in added_to.get(juror, ()):
            if a in seen_applications:
                continue
            seen_applications.add(a)
            for other in candidates[a]:
                if other not in reached and other not in added[a]:
                    reached.add(other)
                    came_from[other] = (juror, a)
                    queue.append(other)
    targets = [j for j in reached if j != start and load[j] <= load[start] - 2]
    if not targets:
        return None
    end = min(targets, key=lambda j: (load[j], j))
    path = [end]
    while path[-1] != start:
        before, a = came_from[path[-1]]
        path += [a, before]
    path.reverse()
    return path
