"""Spoken numbers, durations and clock times, both directions ("twenty two" <-> 22)."""

from __future__ import annotations

import re

ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_WORD_VALUES = {w: i for i, w in enumerate(ONES)} | {w: 10 * i for i, w in enumerate(TENS) if i >= 2}
_WORD_VALUES |= {"a": 1, "an": 1, "oh": 0, "o": 0, "nought": 0, "forty": 40, "fourty": 40}
_FRACTIONS = {"half": 0.5, "quarter": 0.25, "quarters": 0.25, "third": 1 / 3, "thirds": 1 / 3}
_UNIT_WORDS = {
    "percent",
    "per",
    "cent",
    "%",
    "degrees",
    "degree",
    "celsius",
    "fahrenheit",
    "c",
    "f",
    "kelvin",
    "k",
    "°",
    "°c",
    "°f",
    "points",
    "point",
    "steps",
    "step",
    "units",
}


def to_words(value: float) -> str:
    """22 -> 'twenty two', 2.5 -> 'two point five', 105 -> 'one hundred five'."""
    if value != int(value):
        whole, frac = f"{value:.10g}".split(".")
        return to_words(int(whole)) + " point " + " ".join(ONES[int(d)] for d in frac)
    n = int(value)
    if n < 0:
        return "minus " + to_words(-n)
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + to_words(rest))
    rest = n % 1000
    return to_words(n // 1000) + " thousand" + ("" if rest == 0 else " " + to_words(rest))


def _words(text: str) -> list[str]:
    text = text.casefold().replace("-", " ").replace(",", "")
    text = re.sub(r"(\d)\s*%", r"\1 %", text)
    text = re.sub(r"(\d)(°c|°f|°|c|f|k)\b", r"\1 \2", text)
    return text.split()


def parse_number(text: str) -> float | None:
    """'twenty two' -> 22, '50%' -> 50, 'two point five' -> 2.5, 'five and a half' -> 5.5."""
    words = [w for w in _words(text) if w not in _UNIT_WORDS or w == "point"]
    if not words:
        return None
    total = 0.0
    current = 0.0
    seen = False
    i = 0
    while i < len(words):
        w = words[i]
        if re.fullmatch(r"\d+(\.\d+)?", w):
            current += float(w)
            seen = True
        elif w in _WORD_VALUES and not (w in ("a", "an") and i + 1 < len(words) and words[i + 1] in _FRACTIONS):
            if w in ("a", "an") and seen:
                i += 1
                continue
            current += _WORD_VALUES[w]
            seen = True
        elif w == "hundred":
            current = max(current, 1) * 100
            seen = True
        elif w == "thousand":
            total += max(current, 1) * 1000
            current = 0
            seen = True
        elif w == "point" and i + 1 < len(words):
            digits = []
            for d in words[i + 1 :]:
                if d in _WORD_VALUES and _WORD_VALUES[d] < 10:
                    digits.append(str(_WORD_VALUES[d]))
                elif d.isdigit():
                    digits.append(d)
                else:
                    break
            if digits:
                current += float("0." + "".join(digits))
            break
        elif w in _FRACTIONS:
            counted = _WORD_VALUES.get(words[i - 1], 0) if i and w.endswith("s") else 0
            current += _FRACTIONS[w] * counted - counted if counted else _FRACTIONS[w]  # "three quarters": 3 × 1/4
            seen = True
        elif w in ("and", "a", "an", "about", "around", "to", "by", "of"):
            pass
        else:
            return None
        i += 1
    if not seen:
        return None
    value = total + current
    return int(value) if value == int(value) else value


def clean_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(float(value), 2)


def parse_duration(hours: str | None, minutes: str | None, seconds: str | None) -> dict[str, int]:
    """Spans of a timer -> HA slots {hours, minutes, seconds}; fractions carry down a unit."""
    out: dict[str, float] = {}
    for key, text, factor in (("hours", hours, 3600), ("minutes", minutes, 60), ("seconds", seconds, 1)):
        if text is None:
            continue
        value = parse_number(text)
        if value is None:
            continue
        out[key] = out.get(key, 0) + value
    if out.get("hours", 0) % 1:
        frac = out["hours"] % 1
        out["hours"] -= frac
        out["minutes"] = out.get("minutes", 0) + round(frac * 60)
    if out.get("minutes", 0) % 1:
        frac = out["minutes"] % 1
        out["minutes"] -= frac
        out["seconds"] = out.get("seconds", 0) + round(frac * 60)
    return {k: int(v) for k, v in out.items() if not (v == 0 and k == "hours" and "minutes" in out)}


_CLOCK_WORDS = {"noon": (12, 0), "midday": (12, 0), "midnight": (0, 0)}


def parse_time(text: str) -> str | None:
    """'7:30 am' / 'seven thirty' / 'half past six pm' / 'noon' -> 'HH:MM' (24 h)."""
    t = text.casefold().replace(".", "").replace("o'clock", "").replace("oclock", "")
    t = re.sub(r"(\d)(am|pm)\b", r"\1 \2", t)
    words = t.replace(":", " ").split()
    suffix = None
    if words and words[-1] in ("am", "pm", "a", "p"):
        suffix = words.pop()
        if words and words[-1] in ("am", "pm"):
            words.pop()
    for tail in (
        ("in", "the", "morning"),
        ("in", "the", "evening"),
        ("in", "the", "afternoon"),
        ("at", "night"),
        ("tonight",),
        ("this", "morning"),
        ("this", "evening"),
    ):
        if tuple(words[-len(tail) :]) == tail:
            words = words[: -len(tail)]
            suffix = "am" if "morning" in tail else "pm"
    if len(words) == 1 and words[0] in _CLOCK_WORDS:
        h, m = _CLOCK_WORDS[words[0]]
        return f"{h:02d}:{m:02d}"
    hour, minute = _hour_minute(words)
    if hour is None or minute is None or not (0 <= hour <= 24 and 0 <= minute < 60):
        return None
    if suffix and suffix.startswith("p") and hour < 12:
        hour += 12
    if suffix and suffix.startswith("a") and hour == 12:
        hour = 0
    return f"{hour % 24:02d}:{minute:02d}"


def _hour_minute(words: list[str]) -> tuple[int | None, int | None]:
    if not words:
        return None, None
    for marker, sign in (("past", 1), ("after", 1), ("to", -1), ("til", -1), ("till", -1)):
        if marker in words[1:]:
            k = words.index(marker)
            head = " ".join(words[:k])
            named = {"half": 30, "quarter": 15, "a quarter": 15}.get(head)
            mins = named if named is not None else parse_number(head.replace("minutes", ""))
            hour = _as_int(parse_number(" ".join(words[k + 1 :])))
            if mins is None or hour is None:
                return None, None
            return (hour, int(mins)) if sign > 0 else ((hour - 1) % 24, 60 - int(mins))
    if len(words) == 1 and words[0].isdigit() and len(words[0]) in (3, 4):
        return int(words[0][:-2]), int(words[0][-2:])
    if words[0] == "half" and len(words) > 1:
        return _as_int(parse_number(" ".join(words[1:]))), 30  # "half seven": British for half past seven
    hour = _as_int(parse_number(words[0]))
    if hour is None:
        return None, None
    rest = words[1:]
    if not rest:
        return hour, 0
    if rest[0] in ("oh", "o") and len(rest) == 2:
        return hour, _as_int(parse_number(rest[1]))
    return hour, _as_int(parse_number(" ".join(rest)))


def _as_int(value: float | None) -> int | None:
    return None if value is None or value != int(value) else int(value)
