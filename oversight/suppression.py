"""Complementary suppression for published tables: once a count of 1 or 2 is shown as "<3", no
sum of what is shown may give it back. A table is a set of figures and the sums that hold between
them (a total and its cells); a figure the reader never sees (the open cases = total − closed) is
part of the sums too. `protect` hides as few further figures as it can ("—") until, in every sum,
each small figure could still be another value: it could be 1 or 2, and some other hidden figure
of the same sum could make up the difference.

The reader is taken to know that "<3" means 1 or 2 and nothing about a "—" but that it is a count
(0 or more). A sum whose total is hidden still counts as known when another sum gives the total."""

from dataclasses import dataclass

SMALL = "<3"
HIDDEN = "—"

SHOWN, SMALL_STATE, WITHHELD = "shown", "small", "withheld"


@dataclass(frozen=True)
class Sum:
    """`total` = the sum of `cells`."""

    total: str
    cells: tuple[str, ...]

    def terms(self):
        return [(self.total, -1), *((cell, 1) for cell in self.cells)]


def is_small(n: int) -> bool:
    return n in (1, 2)


def protect(values: dict[str, int], sums: list[Sum], unpublished: frozenset[str] = frozenset()) -> dict:
    """What the public sees of each published figure: the count, "<3" or "—". `unpublished` are
    figures that take part in the sums but are never shown (the reader may only derive them)."""
    state = {}
    for key, n in values.items():
        if key in unpublished:
            state[key] = WITHHELD
        else:
            state[key] = SMALL_STATE if is_small(n) else SHOWN
    sums = [s for s in sums if values[s.total] == sum(values[c] for c in s.cells)]
    for _ in range(4 * len(values) + 4):  # every round hides one more figure
        leaking = _first_leak(values, sums, state)
        if leaking is None:
            break
        _hide_one_more(values, leaking, sums, state)
    else:  # cannot happen with consistent sums; publish no small figure rather than loop
        state.update({k: WITHHELD for k, n in values.items() if is_small(n) or state[k] != SHOWN})
    return {key: _shown(values[key], state[key]) for key in values if key not in unpublished}


def _shown(n: int, state: str):
    return n if state == SHOWN else SMALL if state == SMALL_STATE else HIDDEN


def _known(values, sums, state) -> dict[str, Sum | None]:
    """Figures the reader knows exactly — those shown (None), and any that is the only unknown of a
    sum (that sum) — in the order the reader can work them out."""
    known: dict[str, Sum | None] = {k: None for k, s in state.items() if s == SHOWN}
    changed = True
    while changed:
        changed = False
        for s in sums:
            unknown = [k for k, _c in s.terms() if k not in known]
            if len(unknown) == 1:
                known[unknown[0]] = s
                changed = True
    return known


def _domain_step_ok(n: int, step: int, state: str) -> bool:
    moved = n + step
    if state == SMALL_STATE:
        return moved in (1, 2)
    return moved >= 0


def _first_leak(values, sums, state):
    """A sum in which a small figure is pinned down, or None when there is no such sum."""
    known = _known(values, sums, state)
    for key, deriving in known.items():
        if deriving is not None and is_small(values[key]):
            return deriving  # worked out exactly from what is shown: hide more in that sum
    for s in sums:
        terms = [(k, c) for k, c in s.terms() if k not in known]
        for key, coeff in terms:
            if not is_small(values[key]):
                continue
            # Another value for `key`, made up by one other unknown of the same sum.
            if not any(
                _domain_step_ok(values[key], step, state[key])
                and _domain_step_ok(values[other], -step * coeff * c2, state[other])
                for step in (1, -1)
                for other, c2 in terms
                if other != key
            ):
                return s
    return None


def _hide_one_more(values, leaking: Sum, sums, state) -> None:
    terms = [k for k, _c in leaking.terms()]
    shown = [k for k in terms if state[k] == SHOWN]
    if not shown:
        # What this sum knows comes from sums it shares a figure with: hide more there.
        for other in sums:
            if other is not leaking and set(terms) & {k for k, _c in other.terms()}:
                if any(state[k] == SHOWN for k, _c in other.terms()):
                    _hide_one_more(values, other, sums, state)
                    return
        # Everything is hidden and a "<3" still pins itself down (two "<3" cells under a "<3"
        # total): say less about one of them.
        smalls = [k for k in terms if state[k] == SMALL_STATE]
        state[(smalls or terms)[0]] = WITHHELD
        return
    # The smallest non-zero cell costs the reader least; the total goes last.
    cells = [k for k in shown if k != leaking.total]
    nonzero = sorted((values[k], k) for k in cells if values[k])
    zero = [k for k in cells if not values[k]]
    key = nonzero[0][1] if nonzero else zero[0] if zero else leaking.total
    state[key] = WITHHELD
