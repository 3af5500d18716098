"""The domains each device intent acts on, from the declarations (`hub.intents.DECLARED`): the
executor targets only these, and the resolver understands a call only when the home has such a
target (`llm.slots.grounded`). Written by `python -m hub.intents`; do not edit."""

INTENT_DOMAINS: dict[str, tuple[str, ...]] = {
    "HassTurnOn": ("light", "switch", "fan", "cover", "lock", "scene", "climate", "media_player", "vacuum",
        "valve",),
    "HassTurnOff": ("light", "switch", "fan", "cover", "lock", "climate", "media_player", "vacuum", "valve",),
    "HassToggle": ("light", "switch", "fan", "cover", "lock", "scene", "climate", "media_player", "vacuum",
        "valve",),
    "HassLightSet": ("light",),
    "HearthBrightnessStep": ("light",),
    "HassClimateSetTemperature": ("climate",),
    "HassSetPosition": ("cover", "valve",),
    "HassFanSetSpeed": ("fan",),
    "HassVacuumStart": ("vacuum",),
    "HassVacuumReturnToBase": ("vacuum",),
    "HassMediaPause": ("media_player",),
    "HassMediaUnpause": ("media_player",),
    "HassMediaNext": ("media_player",),
    "HassMediaPrevious": ("media_player",),
    "HassMediaPlayerMute": ("media_player",),
    "HassMediaPlayerUnmute": ("media_player",),
    "HassSetVolume": ("media_player",),
    "HassSetVolumeRelative": ("media_player",),
    "HassLawnMowerStartMowing": ("lawn_mower",),
    "HassLawnMowerDock": ("lawn_mower",),
    "HearthVacuumStop": ("vacuum",),
    "HassMediaSearchAndPlay": ("media_player",),
    "HassClimateSetFanMode": ("climate",),
}
