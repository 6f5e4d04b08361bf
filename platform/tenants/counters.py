"""The district summary's counters: a registry owned by `tenants`, filled by the apps above it.

`tenants` sits below the apps that hold district data (proposals, plans, investment, monitoring), so it may not
import them, not even as strings. Each of them registers its counter in its `AppConfig.ready()`:

    from tenants.counters import register_district_counter
    register_district_counter(selectors.district_counts)

and `tenants.selectors.district_summary` asks every registered counter, in the order of INSTALLED_APPS.
"""
from collections.abc import Callable

# "module.function" → a function of no argument returning {name: count} for the current district schema.
COUNTERS: dict[str, Callable[[], dict[str, int]]] = {}


def register_district_counter(counter: Callable[[], dict[str, int]]) -> None:
    """Add a counter to the district summary; registering the same function twice keeps one (ready() may run again in tests)."""
    COUNTERS[f"{counter.__module__}.{counter.__qualname__}"] = counter


def district_counts() -> dict[str, int]:
    """Every registered counter's figures for the district whose schema is active, merged: {name: count}."""
    counts = {}
    for counter in COUNTERS.values():
        counts.update(counter())
    return counts
