"""The approval route of a transfer, computed from the tree's materialized paths (pure functions).

Inside orglife (docs/decisions/0021-transfer-approval-route.md): the sending organization starts
the transfer; its organizations above, up to but not including the lowest common ancestor (LCA),
approve outward; the LCA approves once (unless it is the sending or the receiving organization
itself); the receiving side's organizations below the LCA approve down to, not including, the
receiving organization; the receiving organization accepts.

To outside orglife: the sending organization's organizations above approve up to the issuer (the
nearest 党委 at or above it, else the top of the tree), which approves and issues the letter.
"""

from __future__ import annotations

APPROVE, ISSUE, ACCEPT = "approve", "issue", "accept"


def ancestors(path: str, steplen: int) -> list[str]:
    """Paths strictly above path, nearest first."""
    return [path[:k] for k in range(len(path) - steplen, 0, -steplen)]


def common_ancestor(a: str, b: str, steplen: int) -> str:
    """The longest path that is a prefix of both (on step boundaries): "" if different roots."""
    n = 0
    while n + steplen <= min(len(a), len(b)) and a[n:n + steplen] == b[n:n + steplen]:
        n += steplen
    return a[:n]


def internal_route(from_path: str, to_path: str, steplen: int = 4) -> list[tuple[str, str]]:
    if from_path == to_path:
        raise ValueError("the sending and receiving organizations are the same")
    lca = common_ancestor(from_path, to_path, steplen)
    up = [p for p in ancestors(from_path, steplen) if len(p) > len(lca)]
    middle = [lca] if lca and lca not in (from_path, to_path) else []
    down = [to_path[:k] for k in range(len(lca) + steplen, len(to_path), steplen)]
    return [(p, APPROVE) for p in up + middle + down] + [(to_path, ACCEPT)]


def outside_route(from_path: str, issuer_path: str, steplen: int = 4) -> list[tuple[str, str]]:
    if not from_path.startswith(issuer_path):
        raise ValueError("the issuer must be the sending organization or above it")
    up = [p for p in ancestors(from_path, steplen) if len(p) > len(issuer_path)]
    return [(p, APPROVE) for p in up] + [(issuer_path, ISSUE)]


def issuer_path(from_path: str, committee_paths: set[str], steplen: int = 4) -> str:
    """The nearest 党委 at or above the sending organization, else the top of its tree."""
    for p in [from_path, *ancestors(from_path, steplen)]:
        if p in committee_paths:
            return p
    return from_path[:steplen]
