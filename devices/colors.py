"""Colour names, RGB and CIE xy, as lights and Home Assistant use them."""

from __future__ import annotations

COLORS: dict[str, tuple[int, int, int]] = {
    "red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255), "white": (255, 255, 255),
    "yellow": (255, 255, 0), "orange": (255, 165, 0), "purple": (128, 0, 128),
    "pink": (255, 192, 203), "cyan": (0, 255, 255), "magenta": (255, 0, 255),
    "violet": (238, 130, 238), "indigo": (75, 0, 130), "teal": (0, 128, 128),
    "turquoise": (64, 224, 208), "lime": (50, 205, 50), "gold": (255, 215, 0),
    "amber": (255, 191, 0), "warm white": (255, 223, 179), "brown": (165, 42, 42),
    "lavender": (230, 230, 250), "crimson": (220, 20, 60), "navy": (0, 0, 128),
}


def color_rgb(name: str) -> tuple[int, int, int]:
    """A colour name or '#rrggbb' as RGB; ValueError lists what is understood."""
    key = " ".join(name.casefold().split())
    if key in COLORS:
        return COLORS[key]
    if key.startswith("#") and len(key) == 7:
        try:
            return int(key[1:3], 16), int(key[3:5], 16), int(key[5:7], 16)
        except ValueError:
            pass
    raise ValueError(f"unknown colour '{name}' (try one of: {', '.join(sorted(COLORS))})")


def rgb_hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _linear(c: float) -> float:
    c /= 255.0
    return ((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92


def _gamma(c: float) -> float:
    c = max(0.0, c)
    return 1.055 * c ** (1 / 2.4) - 0.055 if c > 0.0031308 else 12.92 * c


def rgb_to_xy(rgb: tuple[int, int, int]) -> tuple[float, float]:
    r, g, b = (_linear(c) for c in rgb)
    x = r * 0.4124 + g * 0.3576 + b * 0.1805
    y = r * 0.2126 + g * 0.7152 + b * 0.0722
    z = r * 0.0193 + g * 0.1192 + b * 0.9505
    total = x + y + z
    if total == 0:
        return 0.3127, 0.3290  # white point for black
    return round(x / total, 4), round(y / total, 4)


def xy_to_rgb(xy: tuple[float, float]) -> tuple[int, int, int]:
    x, y = xy
    if y <= 0:
        return 255, 255, 255
    big_y = 1.0
    big_x, big_z = (big_y / y) * x, (big_y / y) * (1 - x - y)
    r = big_x * 3.2406 - big_y * 1.5372 - big_z * 0.4986
    g = -big_x * 0.9689 + big_y * 1.8758 + big_z * 0.0415
    b = big_x * 0.0557 - big_y * 0.2040 + big_z * 1.0570
    top = max(r, g, b, 1e-9)
    return tuple(round(255 * _gamma(c / top)) for c in (r, g, b))  # type: ignore[return-value]


def nearest_color_name(rgb: tuple[int, int, int]) -> str:
    xy = rgb_to_xy(rgb)
    return min(COLORS, key=lambda n: _distance(rgb_to_xy(COLORS[n]), xy))


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5


def xy_close(a: tuple[float, float], b: tuple[float, float], tolerance: float = 0.01) -> bool:
    return _distance(a, b) <= tolerance
