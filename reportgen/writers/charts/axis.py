"""Axis scales: a round maximum and round tick steps for a value range."""

from __future__ import annotations

import math

_STEPS = (1.0, 2.0, 2.5, 5.0)


def nice_step(span: float, max_ticks: int) -> float:
    """Return the smallest round step (1, 2, 2.5 or 5 times a power of ten) giving <= max_ticks."""
    if span <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(span / max(1, max_ticks)))
    for factor in (*_STEPS, 10.0):
        step = factor * magnitude
        if span / step <= max_ticks:
            return step
    return 10.0 * magnitude


def ticks(maximum: float, step: float) -> list[float]:
    """Return tick values 0, step, ... up to the first multiple of `step` >= maximum."""
    count = max(1, math.ceil(maximum / step - 1e-9))
    return [round(i * step, 10) for i in range(count + 1)]


def tick_label(value: float, step: float) -> str:
    """Return a tick value grouped by thousands, with as many decimals as the step needs."""
    decimals = 0 if step >= 1 else min(6, -math.floor(math.log10(step)) + (step * 10 % 1 > 0))
    return f"{value:,.{decimals}f}"
