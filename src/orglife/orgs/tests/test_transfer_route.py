"""The approval route of a transfer, from paths alone (no database)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from orglife.orgs import transfer_route as r

S = 4


def p(*steps: int) -> str:
    return "".join(f"{s:04d}" for s in steps)


def test_it_routes_between_sibling_branches_through_their_parent():
    # DW/ZZ/ZB1 → DW/ZZ/ZB2: the 总支 approves once, ZB2 accepts.
    assert r.internal_route(p(1, 1, 1), p(1, 1, 2), S) == [(p(1, 1), r.APPROVE), (p(1, 1, 2), r.ACCEPT)]


def test_it_routes_up_to_the_common_ancestor_and_down():
    # DW/ZZ/ZB1 → DW/ZZ2/ZB4: ZZ approves outward, DW approves, ZZ2 approves inward, ZB4 accepts.
    assert r.internal_route(p(1, 1, 1), p(1, 2, 4), S) == [
        (p(1, 1), r.APPROVE), (p(1), r.APPROVE), (p(1, 2), r.APPROVE), (p(1, 2, 4), r.ACCEPT)]


def test_it_skips_the_ancestor_when_it_receives():
    # A member of ZB1 moves to the 总支 itself: nobody between, the 总支 accepts.
    assert r.internal_route(p(1, 1, 1), p(1, 1), S) == [(p(1, 1), r.ACCEPT)]


def test_it_skips_the_ancestor_when_it_sends():
    # The 党委 sends a member of its own down to a branch two levels below.
    assert r.internal_route(p(1), p(1, 1, 2), S) == [(p(1, 1), r.APPROVE), (p(1, 1, 2), r.ACCEPT)]


def test_it_routes_between_trees_through_both_roots():
    assert r.internal_route(p(1, 3), p(2, 5), S) == [(p(1), r.APPROVE), (p(2), r.APPROVE), (p(2, 5), r.ACCEPT)]


def test_it_refuses_the_same_organization():
    try:
        r.internal_route(p(1, 1), p(1, 1), S)
    except ValueError:
        return
    raise AssertionError("expected ValueError")


def test_it_routes_outside_transfers_up_to_the_issuer():
    assert r.outside_route(p(1, 1, 1), p(1), S) == [(p(1, 1), r.APPROVE), (p(1), r.ISSUE)]
    assert r.outside_route(p(1), p(1), S) == [(p(1), r.ISSUE)]


def test_it_picks_the_nearest_committee_as_issuer():
    committees = {p(1), p(1, 2)}
    assert r.issuer_path(p(1, 2, 3, 4), committees, S) == p(1, 2)
    assert r.issuer_path(p(1, 3, 3), committees, S) == p(1)
    assert r.issuer_path(p(7, 3), set(), S) == p(7)  # no 党委 above: the top of the tree


paths = st.lists(st.integers(1, 3), min_size=1, max_size=6).map(lambda xs: p(*xs))


@given(paths, paths)
def test_every_route_climbs_to_the_common_ancestor_then_descends(a, b):
    if a == b:
        return
    route = r.internal_route(a, b, S)
    orgs = [x for x, _ in route]
    lca = r.common_ancestor(a, b, S)
    # Ends with the receiving organization accepting; every other step approves.
    assert route[-1] == (b, r.ACCEPT)
    assert all(role == r.APPROVE for _, role in route[:-1])
    # Nobody twice; the sender never approves its own transfer.
    assert len(set(orgs)) == len(orgs)
    assert a not in orgs
    # Every step is an ancestor of the sender or of the receiver (or the receiver).
    assert all(a.startswith(x) or b.startswith(x) for x in orgs)
    # Up (depths strictly decreasing) to the LCA, then down (strictly increasing).
    depths = [len(x) for x in orgs]
    turn = depths.index(min(depths))
    assert depths[:turn + 1] == sorted(depths[:turn + 1], reverse=True)
    assert depths[turn:] == sorted(depths[turn:])
    if lca:  # one tree: a single turning point (between trees, both roots are at the top)
        assert len(set(depths[:turn + 1])) == turn + 1 and len(set(depths[turn:])) == len(depths) - turn
    # Every organization strictly between sender and receiver in the tree is on the route.
    between = {a[:k] for k in range(len(lca) + S, len(a), S)} | {b[:k] for k in range(len(lca) + S, len(b), S)}
    if lca and lca != a:
        between.add(lca)
    assert between | {b} == set(orgs)
