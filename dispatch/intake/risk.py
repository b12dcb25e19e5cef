"""The risk-regions table: one row per region (compared by ``stations.text.region_key``), and
warnings for listed regions that match no arrival and for arrival origins no region covers."""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dispatch.day import Arrival, RiskLevel, RiskRegion
from stations.errors import InputWarning, ProblemCollector
from stations.model import Registry
from stations.text import region_key

SHOWN_ORIGINS = 12  # origins listed in one warning


class RiskMatchWarning(InputWarning):
    """A listed risk region matches no arrival, or arrival origins match no listed region."""


@dataclass(frozen=True, slots=True)
class RegionRow:
    """One valid row of the risk-regions table."""

    row: int
    region: str
    level: RiskLevel


def risk_registry(
    rows: Iterable[RegionRow], label: str, problems: ProblemCollector
) -> Registry[RiskRegion]:
    """The listed regions; two rows naming one region (same key) are a problem."""
    seen: dict[str, RegionRow] = {}
    regions: list[RiskRegion] = []
    for given in rows:
        key = region_key(given.region)
        first = seen.get(key)
        if not key:
            problems.add(
                label, given.row, "region", given.region, "names no region", "give a region name"
            )
        elif first is not None:
            problems.add(
                label,
                given.row,
                "region",
                given.region,
                f"is the same region as {first.region!r} on row {first.row}",
                "keep one row per region (names are matched without 省/市 suffixes, spaces and "
                "separators)",
            )
        else:
            seen[key] = given
            regions.append(RiskRegion(given.region, given.level))
    return Registry.of("risk region", regions, "region")


def warn_unmatched(regions: Sequence[RegionRow], arrivals: Sequence[Arrival], label: str) -> None:
    """Warn about listed regions (with their rows) that cover no arrival's origin, and about
    arrival origins that no listed region covers (one summarised warning each)."""
    if not regions:
        return
    origins = Counter(region_key(a.origin_region) for a in arrivals)
    written = {region_key(a.origin_region): a.origin_region for a in arrivals}
    keys = [(given, region_key(given.region)) for given in regions]
    idle = [
        f"row {given.row} {given.region!r} ({given.level.value})"
        for given, key in keys
        if not any(origin.startswith(key) for origin in origins)
    ]
    if idle:
        warnings.warn(
            RiskMatchWarning(
                f"{label}: {len(idle)} listed region(s) match no arrival's origin_region: "
                f"{', '.join(idle)} — check the spelling against arrivals' origin_region"
            ),
            stacklevel=3,
        )
    lone = sorted(
        (o for o in origins if not any(o.startswith(key) for _, key in keys)),
        key=lambda o: (-origins[o], o),
    )
    if lone:
        shown = ", ".join(f"{written[o]} ({origins[o]})" for o in lone[:SHOWN_ORIGINS])
        more = f", … ({len(lone)} in all)" if len(lone) > SHOWN_ORIGINS else ""
        workers = sum(origins[o] for o in lone)
        warnings.warn(
            RiskMatchWarning(
                f"arrivals: {len(lone)} origin_region value(s) of {workers} worker(s) match no "
                f"region listed in {label} and count as low risk: {shown}{more} — list them "
                "in risk_regions if they are not low risk"
            ),
            stacklevel=3,
        )
