"""Places as index terms: grid cells at three sizes, so "within N miles" is a handful of term lookups."""

from __future__ import annotations

import math

EARTH_MILES = 3958.8
# Cell sizes in degrees; a search picks the finest one whose cells cover its circle in a few terms.
LEVELS = (0.05, 0.2, 0.8)


def miles_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_MILES * math.asin(min(1.0, math.sqrt(h)))


def _cell(level: int, lat: float, lon: float) -> str:
    size = LEVELS[level]
    return f"geo{level}_{math.floor(lat / size)}_{math.floor(lon / size)}"


def cell_terms(points: list[tuple[float, float]]) -> set[str]:
    """The cells, at every level, that hold these points."""
    return {_cell(level, lat, lon) for lat, lon in points for level in range(len(LEVELS))}


def _grid(centre: tuple[float, float], miles: float, max_cells: int) -> tuple[int, float, range, range]:
    """The finest level whose cells cover the circle in at most `max_cells` (else the coarsest): its rows and columns."""
    lat, lon = centre
    dlat = miles / 69.0
    dlon = miles / max(1.0, 69.0 * math.cos(math.radians(lat)))
    for level, size in enumerate(LEVELS):
        rows = range(math.floor((lat - dlat) / size), math.floor((lat + dlat) / size) + 1)
        columns = range(math.floor((lon - dlon) / size), math.floor((lon + dlon) / size) + 1)
        if len(rows) * len(columns) <= max_cells or level == len(LEVELS) - 1:
            return level, size, rows, columns
    raise AssertionError("unreachable")


def encode(points: list[tuple[float, float]]) -> bytes:
    return ";".join(f"{lat:.5f},{lon:.5f}" for lat, lon in points).encode()


def decode(data: bytes) -> list[tuple[float, float]]:
    if not data:
        return []
    return [tuple(map(float, pair.split(","))) for pair in data.decode().split(";")]


MAX_RING_CELLS = 400


def cells_by_distance(centre: tuple[float, float], miles: float) -> list[tuple[float, str]]:
    """Cells covering the circle, each with how near its nearest edge is, nearest first.

    Searching them in this order finds the nearest places without measuring the far ones.
    """
    lat, lon = centre
    level, size, rows, columns = _grid(centre, miles, MAX_RING_CELLS)
    cells = []
    for row in rows:
        nearest_lat = min(max(lat, row * size), (row + 1) * size)
        for column in columns:
            nearest_lon = min(max(lon, column * size), (column + 1) * size)
            # Less a little: the nearest point of a cell on a sphere is not quite its clamped corner.
            edge = max(0.0, miles_between(centre, (nearest_lat, nearest_lon)) - 0.01)
            if edge <= miles:
                cells.append((edge, f"geo{level}_{row}_{column}"))
    cells.sort()
    return cells
