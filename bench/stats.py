# Copyright (c) abraflexi.flexi contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Min and median of repeated measurements (other work shares the machine, so means would mislead)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """Repeated measurements of one thing, in seconds unless said otherwise."""

    samples: tuple[float, ...]

    @classmethod
    def of(cls, values: Iterable[float]) -> Summary:
        samples = tuple(values)
        if not samples:
            raise ValueError("no samples to summarise")
        return cls(samples)

    @property
    def n(self) -> int:
        return len(self.samples)

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("inf")
