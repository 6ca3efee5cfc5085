"""Automatic "N jurors per application" (grants/jury/assignment.py): table cases, and properties
checked against a max-flow oracle (lowest possible maximum load) and a brute force (most even
loads) written independently here."""
from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grants.jury.assignment import ExistingAssignment as E
from grants.jury.assignment import Pair, plan_assignments, shortfall_message


def pairs(plan):
    return sorted(plan.assignments)


# --------------------------------------------------------------------------- table cases


def test_no_conflicts_spreads_the_work_evenly_and_exactly_as_documented():
    plan = plan_assignments([1, 2, 3, 4, 5, 6], [1, 2, 3], set(), [], 2)
    # Greedy in id order, least loaded first, lowest id on a tie:
    # 1 -> {1, 2}; 2 -> {3, 1}; 3 -> {2, 3}; 4 -> {1, 2}; 5 -> {3, 1}; 6 -> {2, 3}.
    assert plan.add == (Pair(1, 1), Pair(1, 2), Pair(2, 1), Pair(2, 3), Pair(3, 2), Pair(3, 3),
                        Pair(4, 1), Pair(4, 2), Pair(5, 1), Pair(5, 3), Pair(6, 2), Pair(6, 3))
    assert dict(plan.loads) == {1: 4, 2: 4, 3: 4}
    assert (plan.keep, plan.drop, dict(plan.shortfalls)) == ((), (), {})
    assert plan.changes


def test_the_same_input_in_another_order_gives_the_same_plan():
    conflicts = {(2, 3), (5, 1), (7, 2)}
    existing = [E(1, 2, True), E(4, 4, False), E(7, 2, True)]
    plan = plan_assignments(range(1, 9), [1, 2, 3, 4], conflicts, existing, 2)
    shuffled = random.Random(4)
    apps, jurors = list(range(1, 9)), [1, 2, 3, 4]
    shuffled.shuffle(apps)
    shuffled.shuffle(jurors)
    again = plan_assignments(apps, jurors, list(conflicts), list(reversed(existing)), 2)
    assert again == plan


def test_every_juror_conflicted_on_one_application():
    conflicts = {(2, 1), (2, 2), (2, 3)}
    plan = plan_assignments([1, 2, 3], [1, 2, 3], conflicts, [], 2)
    assert plan.jurors_for(2) == ()
    assert dict(plan.shortfalls) == {2: "Geen enkel jurylid zonder belangenconflict beschikbaar; 2 gevraagd."}
    assert len(plan.jurors_for(1)) == len(plan.jurors_for(3)) == 2
    assert sorted(plan.loads.values()) == [1, 1, 2]


def test_more_jurors_asked_than_there_are():
    plan = plan_assignments([1, 2], [1, 2], set(), [], 3)
    assert pairs(plan) == [(1, 1), (1, 2), (2, 1), (2, 2)]
    assert dict(plan.shortfalls) == {
        1: "Slechts 2 juryleden zonder belangenconflict beschikbaar; 3 gevraagd.",
        2: "Slechts 2 juryleden zonder belangenconflict beschikbaar; 3 gevraagd.",
    }


def test_a_single_free_juror_is_named_in_the_singular():
    plan = plan_assignments([1], [1, 2, 3], {(1, 1), (1, 3)}, [], 3)
    assert pairs(plan) == [(1, 2)]
    assert plan.shortfalls[1] == "Slechts 1 jurylid zonder belangenconflict beschikbaar; 3 gevraagd."


@pytest.mark.parametrize(("available", "requested", "text"), [
    (0, 1, "Geen enkel jurylid zonder belangenconflict beschikbaar; 1 gevraagd."),
    (1, 2, "Slechts 1 jurylid zonder belangenconflict beschikbaar; 2 gevraagd."),
    (4, 5, "Slechts 4 juryleden zonder belangenconflict beschikbaar; 5 gevraagd."),
])
def test_shortfall_messages(available, requested, text):
    assert shortfall_message(available, requested) == text


def test_existing_assignments_are_kept_started_or_not():
    existing = [E(1, 1, True), E(1, 2, False), E(2, 3, True)]
    plan = plan_assignments([1, 2], [1, 2, 3], set(), existing, 2)
    assert plan.keep == (E(1, 1, True), E(1, 2, False), E(2, 3, True))
    assert plan.jurors_for(1) == (1, 2)  # already full: nothing added
    assert plan.add == (Pair(2, 1),)  # juror 1 and 2 tie on load 1; the lowest id
    assert plan.drop == ()


def test_an_application_with_more_than_n_jurors_keeps_them_all():
    # N was lowered from 3 to 2 after the assignments were made.
    existing = [E(1, 1), E(1, 2), E(1, 3)]
    plan = plan_assignments([1], [1, 2, 3], set(), existing, 2)
    assert (plan.keep, plan.add, plan.drop) == (tuple(existing), (), ())
    assert not plan.changes


def test_a_newly_conflicted_assignment_is_dropped_and_the_application_refilled():
    existing = [E(1, 1, True), E(1, 2, False), E(2, 2, False), E(2, 3, False)]
    conflicts = {(1, 1), (2, 3)}  # juror 1 declared a conflict after starting; juror 3 found later
    plan = plan_assignments([1, 2], [1, 2, 3, 4], conflicts, existing, 2)
    assert plan.drop == (E(1, 1, True), E(2, 3, False))
    assert plan.dropped_started == (E(1, 1, True),)
    assert plan.keep == (E(1, 2, False), E(2, 2, False))
    # Application 1 needs one more (free: 3, 4), application 2 one more (free: 1, 4): the lowest ids.
    assert plan.add == (Pair(1, 3), Pair(2, 1))
    assert dict(plan.loads) == {1: 1, 2: 2, 3: 1, 4: 0}  # juror 2 keeps two; a 0 cannot be avoided


def test_kept_assignments_count_in_the_load():
    # Juror 1 already has three assignments; the three new applications go to jurors 2 and 3.
    # Loads (3, 2, 1) are the most even possible: (3, 3, 0) or (4, 1, 1) are worse.
    existing = [E(1, 1), E(2, 1), E(3, 1)]
    plan = plan_assignments([1, 2, 3, 4, 5, 6], [1, 2, 3], set(), existing, 1)
    assert dict(plan.loads) == {1: 3, 2: 2, 3: 1}
    assert plan.add == (Pair(4, 2), Pair(5, 3), Pair(6, 2))


def test_conflicts_force_an_uneven_load_but_the_highest_is_as_low_as_possible():
    # Juror 3 may only score application 1; jurors 1 and 2 share the rest: 2 + 2 * 3 = 8 places,
    # of which juror 3 can take 1: the other 7 make 4 + 3 at best.
    conflicts = {(a, 3) for a in (2, 3, 4)}
    plan = plan_assignments([1, 2, 3, 4], [1, 2, 3], conflicts, [], 2)
    assert dict(plan.loads) == {1: 4, 2: 3, 3: 1}
    assert plan.jurors_for(1) == (1, 3)


def test_balancing_moves_a_new_assignment_along_a_path():
    # Juror 4 may not score 1, juror 3 may not score 2. The greedy start gives 1 -> {1, 2} and
    # 2 -> {4, 1}: loads 2, 1, 0, 1. Moving application 1 from juror 1 to juror 3 evens it out.
    plan = plan_assignments([1, 2], [1, 2, 3, 4], {(1, 4), (2, 3)}, [], 2)
    assert plan.add == (Pair(1, 2), Pair(1, 3), Pair(2, 1), Pair(2, 4))
    assert dict(plan.loads) == {1: 1, 2: 1, 3: 1, 4: 1}


def test_n_zero_only_drops_conflicted_assignments():
    plan = plan_assignments([1, 2], [1, 2], {(1, 1)}, [E(1, 1, True), E(2, 2)], 0)
    assert (plan.keep, plan.add, plan.drop) == ((E(2, 2),), (), (E(1, 1, True),))
    assert dict(plan.shortfalls) == {}


def test_nothing_to_assign():
    plan = plan_assignments([], [], set(), [], 3)
    assert (plan.keep, plan.add, plan.drop, dict(plan.loads), plan.max_load, plan.min_load) == ((), (), (), {}, 0, 0)
    plan = plan_assignments([1], [], set(), [], 3)
    assert plan.shortfalls[1].startswith("Geen enkel jurylid")


@pytest.mark.parametrize(("existing", "n", "message"), [
    ([E(9, 1)], 1, "application 9"),
    ([E(1, 9)], 1, "juror 9"),
    ([E(1, 1), E(1, 1, True)], 1, "twice"),
    ([], -1, "negative"),
])
def test_impossible_input_is_refused(existing, n, message):
    with pytest.raises(ValueError, match=message):
        plan_assignments([1], [1, 2], set(), existing, n)


# --------------------------------------------------------------------------- independent oracles


def max_flow(graph: dict, source, sink) -> int:
    """Plain augmenting paths (depth first) over a dict of dicts of capacities."""
    residual = {u: dict(vs) for u, vs in graph.items()}
    for u, vs in graph.items():
        for v in vs:
            residual.setdefault(v, {}).setdefault(u, 0)
    flow = 0
    while True:
        parent = {source: None}
        stack = [source]
        while stack and sink not in parent:
            u = stack.pop()
            for v, capacity in residual[u].items():
                if capacity > 0 and v not in parent:
                    parent[v] = u
                    stack.append(v)
        if sink not in parent:
            return flow
        v = sink
        while parent[v] is not None:
            u = parent[v]
            residual[u][v] -= 1
            residual[v][u] += 1
            v = u
        flow += 1


def fill_up_problem(applications, jurors, conflicts, existing, n):
    """What has to be added: per application the free jurors and how many; the kept loads."""
    kept = [e for e in existing if (e.application_id, e.juror_id) not in conflicts]
    kept_on = {a: {e.juror_id for e in kept if e.application_id == a} for a in applications}
    kept_load = {j: sum(1 for e in kept if e.juror_id == j) for j in jurors}
    free = {a: [j for j in jurors if (a, j) not in conflicts] for a in applications}
    need = {a: max(0, min(n, len(free[a])) - len(kept_on[a])) for a in applications}
    options = {a: [j for j in free[a] if j not in kept_on[a]] for a in applications}
    return need, options, kept_load


def feasible_with_max_load(need, options, kept_load, limit) -> bool:
    """Can every application be filled up with no juror above `limit` (kept assignments included)?"""
    if any(load > limit for load in kept_load.values()):
        return False
    graph: dict = {"s": {}, "t": {}}
    for a, k in need.items():
        graph["s"][("a", a)] = k
        graph[("a", a)] = {("j", j): 1 for j in options[a]}
    for j, load in kept_load.items():
        graph[("j", j)] = {"t": limit - load}
    return max_flow(graph, "s", "t") == sum(need.values())


def all_fill_ups(need, options, kept_load):
    """Every possible load vector after filling up (brute force, for tiny inputs)."""
    choices = [itertools.combinations(options[a], need[a]) for a in sorted(need)]
    for combination in itertools.product(*choices):
        load = dict(kept_load)
        for chosen in combination:
            for j in chosen:
                load[j] += 1
        yield load


@st.composite
def assignment_inputs(draw, max_jurors=12, max_applications=40, max_n=5):
    jurors = list(range(1, draw(st.integers(1, max_jurors)) + 1))
    applications = list(range(1, draw(st.integers(0, max_applications)) + 1))
    everything = [(a, j) for a in applications for j in jurors]
    rate = draw(st.sampled_from([0.0, 0.1, 0.3, 0.6]))
    rng = random.Random(draw(st.integers(0, 2 ** 32)))
    conflicts = {p for p in everything if rng.random() < rate}
    existing_rate = draw(st.sampled_from([0.0, 0.05, 0.2]))
    existing = [E(a, j, rng.random() < 0.5) for a, j in everything if rng.random() < existing_rate]
    n = draw(st.integers(1, max_n))
    return applications, jurors, conflicts, existing, n


PROPERTY = settings(max_examples=200, deadline=None)


@PROPERTY
@given(assignment_inputs())
def test_plan_rules(inputs):
    applications, jurors, conflicts, existing, n = inputs
    plan = plan_assignments(applications, jurors, conflicts, existing, n)
    final = pairs(plan)
    assert not [p for p in final if p in conflicts]
    assert len(final) == len(set(final))
    assert set(plan.keep) == {e for e in existing if (e.application_id, e.juror_id) not in conflicts}
    assert set(plan.drop) == {e for e in existing if (e.application_id, e.juror_id) in conflicts}
    assert set(plan.dropped_started) == {e for e in plan.drop if e.started}
    assert not set(plan.add) & {e.pair for e in existing}
    for a in applications:
        free = sum(1 for j in jurors if (a, j) not in conflicts)
        kept = sum(1 for e in plan.keep if e.application_id == a)
        assert len(plan.jurors_for(a)) == max(kept, min(n, free))
        if free < n:
            assert plan.shortfalls[a] == shortfall_message(free, n)
        else:
            assert a not in plan.shortfalls
    assert set(plan.shortfalls) <= set(applications)
    assert dict(plan.loads) == {j: sum(1 for _, juror in final if juror == j) for j in jurors}
    if not conflicts and not existing:
        assert plan.max_load - plan.min_load <= 1


@PROPERTY
@given(assignment_inputs())
def test_the_highest_load_is_the_lowest_possible(inputs):
    applications, jurors, conflicts, existing, n = inputs
    plan = plan_assignments(applications, jurors, conflicts, existing, n)
    need, options, kept_load = fill_up_problem(applications, jurors, conflicts, existing, n)
    assert feasible_with_max_load(need, options, kept_load, plan.max_load)
    assert not feasible_with_max_load(need, options, kept_load, plan.max_load - 1)


@PROPERTY
@given(assignment_inputs(max_jurors=4, max_applications=4, max_n=3))
def test_the_loads_are_the_most_even_possible(inputs):
    applications, jurors, conflicts, existing, n = inputs
    plan = plan_assignments(applications, jurors, conflicts, existing, n)
    need, options, kept_load = fill_up_problem(applications, jurors, conflicts, existing, n)
    possible = list(all_fill_ups(need, options, kept_load))
    loads = list(plan.loads.values())
    assert plan.max_load == min(max(p.values()) for p in possible)
    assert plan.min_load == max(min(p.values()) for p in possible)
    assert sum(x * x for x in loads) == min(sum(x * x for x in p.values()) for p in possible)


@PROPERTY
@given(assignment_inputs(max_applications=15), st.randoms(use_true_random=False))
def test_the_plan_does_not_depend_on_the_order_of_the_input(inputs, rng):
    applications, jurors, conflicts, existing, n = inputs
    plan = plan_assignments(applications, jurors, conflicts, existing, n)
    for items in (applications, jurors, existing):
        rng.shuffle(items)
    assert plan_assignments(applications, jurors, list(conflicts), existing, n) == plan
