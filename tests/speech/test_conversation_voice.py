"""A spoken dialogue through the real hub: wake word, whisper, the conversation, the executor, follow-up."""

from __future__ import annotations

from hub.app import Hub
from hub.cli import voice_handler
from speech.pipeline import PipelineOptions, VoicePipeline
from speech.stt import WhisperStt
from speech.vad import Endpointer
from speech.wake import MicroWakeDetector
from speech.wavfile import WavSource

from .conftest import Speak, join, silence


async def test_a_spoken_dialogue_keeps_its_context_and_answers_without_the_wake_word(
        hub: Hub, stt: WhisperStt, joe: Speak) -> None:
    await hub.conversation.resolver()
    stt.with_names(hub.home.spoken_names())  # as `hearth run` biases it
    audio = join(silence(0.5), joe("Hey Jarvis, turn on the desk lamp."), silence(1.5),
                 joe("Hey Jarvis, turn it off."), silence(1.5),
                 joe("Hey Jarvis, set the thermostat."), silence(1.2),
                 joe("Twenty two degrees."), silence(1.0))  # the answer: no wake word
    pipeline = VoicePipeline(stt, voice_handler(hub, "wav"), wake=MicroWakeDetector(), vad=Endpointer(),
                             options=PipelineOptions(wake_required=True), accept=hub.conversation.understands)
    try:
        traces = await pipeline.run(WavSource.from_samples(audio))
    finally:
        stt.with_names(())
    assert [t["response"] for t in traces] == [
        "Turned on Desk Lamp.", "Turned off Desk Lamp.", "To what temperature? Say for example 21 degrees.",
        "Set Thermostat to 22 degrees."], [t["transcript"] for t in traces]
    assert traces[2]["follow_up"] is True and "wake" not in traces[3]
    assert hub.home.entity("light.office_desk").state == "off"
    assert hub.home.entity("climate.thermostat").attributes["temperature"] == 22
