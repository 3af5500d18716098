"""The intents and span types the tagger knows, and their BIO tag sets."""

from __future__ import annotations

INTENTS: tuple[str, ...] = (
    "HassTurnOn",
    "HassTurnOff",
    "HassToggle",
    "HassGetState",
    "HassLightSet",
    "HearthBrightnessStep",
    "HassClimateSetTemperature",
    "HassClimateGetTemperature",
    "HassSetPosition",
    "HassFanSetSpeed",
    "HassVacuumStart",
    "HassVacuumReturnToBase",
    "HassVacuumCleanArea",
    "HassMediaPause",
    "HassMediaUnpause",
    "HassMediaNext",
    "HassMediaPrevious",
    "HassMediaPlayerMute",
    "HassMediaPlayerUnmute",
    "HassMediaSearchAndPlay",
    "HassSetVolume",
    "HassSetVolumeRelative",
    "HassStartTimer",
    "HassCancelTimer",
    "HassCancelAllTimers",
    "HassIncreaseTimer",
    "HassDecreaseTimer",
    "HassPauseTimer",
    "HassUnpauseTimer",
    "HassTimerStatus",
    "HassListAddItem",
    "HassListRemoveItem",
    "HassListCompleteItem",
    "HassShoppingListAddItem",
    "HearthListQuery",
    "HassGetCurrentTime",
    "HassGetCurrentDate",
    "HassGetWeather",
    "HassNevermind",
    "HassBroadcast",
    "HearthAlarmSet",
    "HearthAlarmList",
    "HearthAlarmCancel",
    "HearthFileRead",
    "HearthFileAppend",
    "HearthFileList",
    "HearthFileDelete",
    "HearthProcessStart",
    "HearthProcessStop",
    "HearthProcessList",
    "HearthConfirm",
    "HearthDeny",
)
"""The Transformer's intent labels, in the order baked into the shipped weights (`llm.checkpoint` refuses weights
trained on another list): append, never reorder. Each names an intent declared beside its handler
(`hub.intents.DECLARED`, or an answer in `hub.core.intents.ANSWERS`); tests/hub/test_intents.py checks."""

SPANS: tuple[str, ...] = (
    "name",
    "area",
    "floor",
    "domain",
    "state",
    "brightness",
    "color",
    "temperature",
    "position",
    "percentage",
    "volume",
    "step",
    "direction",
    "hours",
    "minutes",
    "seconds",
    "timer_name",
    "item",
    "list",
    "search_query",
    "media_class",
    "message",
    "time",
    "date",
    "label",
    "file",
    "text",
    "folder",
    "process",
    "location",
)
"""Span types the slot head tags; the resolver turns them into HA slots (see `llm.resolver`)."""


def bio_tags(labels: tuple[str, ...]) -> tuple[str, ...]:
    """('a', 'b') -> ('O', 'B-a', 'I-a', 'B-b', 'I-b')."""
    return ("O", *(f"{p}-{label}" for label in labels for p in ("B", "I")))


INTENT_TAGS = bio_tags(INTENTS)
SLOT_TAGS = bio_tags(SPANS)
INTENT_TAG_ID = {t: i for i, t in enumerate(INTENT_TAGS)}
SLOT_TAG_ID = {t: i for i, t in enumerate(SLOT_TAGS)}
