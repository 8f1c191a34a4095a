"""Collector latency from one guest's clock and dom0's, with the bound made explicit.

A result's "ended" is the guest's clock, its journal "t" is dom0's.  The guest's
offset (guest - dom0) is measured by XenStore pings on *that* guest, before and
after its results; each ping knows it to within half its round trip, so the offset
lies in [lo, hi] = the union of both intervals (drift between the pings included).
The latency t - (ended - offset) then lies in [t - ended + lo, t - ended + hi].
Latency cannot be negative: a lower bound below 0 is clamped to 0 (causality), and
an upper bound below 0 means the measurement is wrong, reported as an error, never
as a figure."""


def offset_bounds(pings):
    """pings: [(offset_s, rtt_s), ...] of one guest -> (lo, hi)."""
    if not pings:
        raise ValueError("no clock ping of this guest")
    return (min(o - r / 2 for o, r in pings), max(o + r / 2 for o, r in pings))


def latency(t_dom0, ended_guest, bounds):
    """-> (lo, hi) with 0 <= lo <= hi, or raises ValueError when even hi < 0."""
    lo, hi = t_dom0 - ended_guest + bounds[0], t_dom0 - ended_guest + bounds[1]
    if hi < 0:
        raise ValueError(f"latency bound {hi * 1000:.0f} ms < 0: the clock offset is wrong for this guest")
    return (max(lo, 0.0), hi)


if __name__ == "__main__":
    # Plain assertions of the arithmetic (registered as a unit test).
    b = offset_bounds([(0.5, 0.02), (0.52, 0.04)])
    assert abs(b[0] - 0.49) < 1e-9 and abs(b[1] - 0.54) < 1e-9, b
    # Guest 0.5 s ahead: ended 100.6 guest = 100.1 dom0, journalled at 100.3 -> ~0.2 s.
    lo, hi = latency(100.3, 100.6, b)
    assert 0 <= lo <= 0.2 <= hi and hi - lo < 0.06, (lo, hi)
    # Jitter around zero latency clamps the lower bound, never goes negative.
    lo, hi = latency(100.1, 100.61, b)
    assert lo == 0.0 and hi >= 0, (lo, hi)
    # Another guest's offset (-15.5 s here) applied to this one: an error, not a figure.
    try:
        latency(100.3, 100.6 + 15.5 + 0.5, b)
        raise AssertionError("a negative latency was returned as a figure")
    except ValueError as e:
        assert "< 0" in str(e)
    try:
        offset_bounds([])
        raise AssertionError("no pings gave bounds")
    except ValueError:
        pass
    print("1..1\nok 1 - latency bounds are >= 0 or an error")
