"""The HTTP API against a live server: auth, entities, commands with confirmation, bad input, live feed."""

from __future__ import annotations

import asyncio
import io
import json
import wave
from pathlib import Path
from typing import Any

import pytest
import requests
import websockets

from hub.core.errors import HearthError
from hub.web import start_web
from tests.web.conftest import UPLOAD_LIMIT, MqttWatcher, Web

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def call(web: Web, method: str, path: str, token: str | None = "", **kwargs: Any) -> requests.Response:
    headers = kwargs.pop("headers", {})
    if token is not None:
        headers.setdefault("Authorization", f"Bearer {token or web.token}")
    return await asyncio.to_thread(requests.request, method, web.url + path, headers=headers, timeout=30, **kwargs)


def wav_upload(seconds: float = 0.5, rate: int = 16000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\0\0" * int(seconds * rate))
    return buffer.getvalue()


async def test_health_needs_no_token_but_says_only_ok_and_version_without_one(web: Web) -> None:
    anonymous = await call(web, "GET", "/api/health", token=None)
    assert anonymous.status_code == 200
    assert sorted(anonymous.json()) == ["ok", "version"] and anonymous.json()["ok"] is True
    full = (await call(web, "GET", "/api/health")).json()
    assert full["errors"] is not None and full["broker"]["connected"] is True


@pytest.mark.parametrize("token", [None, "wrong-token-0123456789"])
async def test_api_refuses_a_missing_or_wrong_token(web: Web, token: str | None) -> None:
    response = await call(web, "GET", "/api/entities", token=token)
    assert response.status_code == 401
    assert "token" in response.json()["error"]
    assert response.headers["www-authenticate"] == "Bearer"


async def test_websocket_refuses_a_wrong_token(web: Web) -> None:
    url = web.url.replace("http", "ws") + "/api/ws?token=nope"
    async with websockets.connect(url) as ws:
        assert json.loads(await ws.recv())[0]["type"] == "error"
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_entities_and_one_entity(web: Web) -> None:
    entities = (await call(web, "GET", "/api/entities")).json()
    assert len(entities) == len(web.hub.home.entities)
    lights = (await call(web, "GET", "/api/entities", params={"domain": "light", "area": "kitchen"})).json()
    assert sorted(e["id"] for e in lights) == ["light.kitchen_ceiling", "light.kitchen_counter"]
    lamp = (await call(web, "GET", "/api/entities/light.living_room_lamp")).json()
    assert lamp["name"] == "Floor Lamp" and lamp["area"] == "living_room"
    missing = await call(web, "GET", "/api/entities/light.nowhere")
    assert missing.status_code == 404 and missing.json() == {"error": "there is no entity 'light.nowhere'"}


async def test_bad_input_gets_clear_4xx_and_changes_nothing(web: Web) -> None:
    sent_before = web.hub.simulator.commands_received
    path = "/api/entities/light.kitchen_ceiling/action"
    malformed = await call(web, "POST", path, data=b'{"action": "turn_on",', headers={"Content-Type": "application/json"})
    assert malformed.status_code == 400 and "JSON" in malformed.json()["error"]
    too_bright = await call(web, "POST", path, json={"action": "brightness", "value": 140})
    assert too_bright.status_code == 422 and "between 1 and 100" in too_bright.json()["error"]
    not_a_number = await call(web, "POST", path, json={"action": "brightness", "value": "lots"})
    assert not_a_number.status_code == 422
    wrong_control = await call(web, "POST", path, json={"action": "dock"})
    assert wrong_control.status_code == 422 and "no 'dock' control" in wrong_control.json()["error"]
    unknown_action = await call(web, "POST", path, json={"action": "explode"})
    assert unknown_action.status_code == 422 and unknown_action.json()["error"].startswith("action:")
    too_hot = await call(web, "POST", "/api/entities/climate.thermostat/action", json={"action": "temperature", "value": 31})
    assert too_hot.status_code == 422 and "between 7 and 30" in too_hot.json()["error"]
    huge = await call(web, "POST", "/api/say", json={"text": "x" * 100_000})
    assert huge.status_code == 413
    unknown_intent = await call(web, "POST", "/api/command", json={"intent": "HassSelfDestruct"})
    assert unknown_intent.status_code == 422 and "unknown intent" in unknown_intent.json()["error"]
    no_device = await call(web, "POST", "/api/command", json={"intent": "HassTurnOn", "slots": {"name": "Jacuzzi"}})
    assert no_device.status_code == 422 and no_device.json()["outcome"]["ok"] is False
    # a good command after them is a marker: once its device has confirmed, nothing else was sent
    marker = await call(web, "POST", "/api/command", json={"intent": "HassTurnOn", "slots": {"name": "Desk Lamp"}})
    assert marker.status_code == 200 and marker.json()["ok"] is True
    assert web.hub.simulator.commands_received == sent_before + 1
    assert web.hub.devices.entity("light.kitchen_ceiling").state == "off"


async def test_uploads_must_be_wav_and_small_enough(web: Web) -> None:
    not_wav = await call(web, "POST", "/api/listen", files={"audio": ("a.mp3", b"ID3\x03" + b"\0" * 500, "audio/mpeg")})
    assert not_wav.status_code == 415 and "not a WAV" in not_wav.json()["error"]
    truncated = await call(web, "POST", "/api/listen", files={"audio": ("a.wav", wav_upload()[:30], "audio/wav")})
    assert truncated.status_code == 415
    too_big = await call(web, "POST", "/api/listen", files={"audio": ("a.wav", wav_upload(10), "audio/wav")})
    assert len(wav_upload(10)) > UPLOAD_LIMIT
    assert too_big.status_code == 413 and str(UPLOAD_LIMIT) in too_big.json()["error"]
    missing = await call(web, "POST", "/api/listen")
    assert missing.status_code == 422


async def test_command_acts_on_the_broker_and_leaves_a_trace(web: Web) -> None:
    with MqttWatcher(web.mosquitto, f"{web.base_topic}/Desk Lamp/set") as watcher:
        response = await call(web, "POST", "/api/command", json={"intent": "HassTurnOn", "slots": {"name": "Desk Lamp"}})
        messages = await asyncio.to_thread(watcher.wait_for, 1, 5)
    assert response.status_code == 200
    outcome = response.json()
    assert outcome["ok"] is True and outcome["targets"] == ["light.office_desk"]
    assert messages == [(f"{web.base_topic}/Desk Lamp/set", {"state": "ON"})]
    trace = (await call(web, "GET", f"/api/traces/{outcome['trace_id']}")).json()
    assert trace["source"] == "api" and trace["intents"][0]["intent"] == "HassTurnOn"
    assert trace["outcome"]["mqtt"] == [{"topic": f"{web.base_topic}/Desk Lamp/set", "payload": {"state": "ON"}}]
    listed = (await call(web, "GET", "/api/traces", params={"source": "api", "q": "Desk Lamp"})).json()
    assert outcome["trace_id"] in [t["id"] for t in listed]
    assert (await call(web, "GET", "/api/traces/nope")).status_code == 404


async def test_unlocking_asks_first_like_the_voice_does(web: Web) -> None:
    body = {"action": "unlock", "session": "t-unlock"}
    asked = (await call(web, "POST", "/api/entities/lock.front_door/action", json=body)).json()
    assert asked["needs_confirmation"] is True and asked["mqtt"] == []
    assert web.hub.devices.entity("lock.front_door").state == "locked"
    other = await call(web, "POST", "/api/command", json={"intent": "HearthConfirm", "session": "someone-else"})
    assert other.status_code == 422 and web.hub.devices.entity("lock.front_door").state == "locked"
    done = (await call(web, "POST", "/api/command", json={"intent": "HearthConfirm", "session": "t-unlock"})).json()
    assert done["ok"] is True and done["states"]["lock.front_door"]["state"] == "unlocked"
    relock = (await call(web, "POST", "/api/entities/lock.front_door/action", json={"action": "lock"})).json()
    assert relock["ok"] is True and web.hub.devices.entity("lock.front_door").state == "locked"


async def test_automations_can_be_disabled_and_enabled(web: Web) -> None:
    listed = (await call(web, "GET", "/api/automations")).json()
    assert [a["id"] for a in listed] == ["door_alert", "morning"]
    off = (await call(web, "PUT", "/api/automations/door_alert", json={"enabled": False})).json()
    assert off["enabled"] is False and web.hub.automations.state["door_alert"].enabled is False
    on = (await call(web, "PUT", "/api/automations/door_alert", json={"enabled": True})).json()
    assert on["enabled"] is True
    assert (await call(web, "PUT", "/api/automations/nope", json={"enabled": True})).status_code == 404
    assert (await call(web, "PUT", "/api/automations/morning", json={"enabled": "maybe"})).status_code == 422


async def test_timers_are_listed_and_cancelled(web: Web) -> None:
    started = (await call(web, "POST", "/api/command", json={"intent": "HassStartTimer",
                                                            "slots": {"minutes": 5, "name": "pasta"}})).json()
    timer_id = started["targets"][0]
    timers = (await call(web, "GET", "/api/timers")).json()
    pasta = next(t for t in timers if t["id"] == timer_id)
    assert pasta["name"] == "pasta" and 290 < pasta["remaining"] <= 300
    cancelled = (await call(web, "DELETE", f"/api/timers/{timer_id}")).json()
    assert cancelled["state"] == "cancelled"
    assert (await call(web, "DELETE", f"/api/timers/{timer_id}")).status_code == 404


async def test_scene_capture_and_activation(web: Web) -> None:
    made = await call(web, "POST", "/api/scenes", json={"name": "Kitchen Evening", "area": "Kitchen"})
    assert made.status_code == 201
    assert sorted(made.json()["attributes"]["entities"]) == ["light.kitchen_ceiling", "light.kitchen_counter",
                                                             "switch.coffee_maker"]
    assert (await call(web, "POST", "/api/scenes", json={"name": "Kitchen Evening"})).status_code == 409
    assert (await call(web, "POST", "/api/scenes", json={"name": "X", "area": "Moon"})).status_code == 422
    scenes = [s["id"] for s in (await call(web, "GET", "/api/scenes")).json()]
    assert "scene.kitchen_evening" in scenes and "scene.movie_night" in scenes
    outcome = (await call(web, "POST", "/api/scenes/movie_night/activate")).json()
    assert outcome["ok"] is True
    assert web.hub.devices.entity("cover.living_room_blinds").state == "closed"
    assert (await call(web, "POST", "/api/scenes/nope/activate")).status_code == 404


async def test_files_and_processes(web: Web) -> None:
    listing = (await call(web, "GET", "/api/files")).json()
    assert listing["names"] == ["notes/", "todo.txt"]
    read = (await call(web, "GET", "/api/files/read", params={"name": "todo.txt"})).json()
    assert read["lines"] == 2 and "buy milk" in read["summary"]
    assert (await call(web, "GET", "/api/files/read", params={"name": "../../etc/passwd"})).status_code == 404
    started = (await call(web, "POST", "/api/processes/sleeper/start")).json()
    assert started["ok"] is True
    assert (await call(web, "GET", "/api/processes")).json()[0]["running"] is True
    asked = (await call(web, "POST", "/api/processes/sleeper/stop", params={"session": "t-proc"})).json()
    assert asked["needs_confirmation"] is True
    done = (await call(web, "POST", "/api/command", json={"intent": "HearthConfirm", "session": "t-proc"})).json()
    assert done["ok"] is True
    assert (await call(web, "GET", "/api/processes")).json()[0]["running"] is False
    assert (await call(web, "POST", "/api/processes/rm/start")).status_code == 404


async def test_live_feed_pushes_state_changes_in_order_to_every_client(web: Web) -> None:
    url = web.url.replace("http", "ws") + f"/api/ws?token={web.token}"
    async with websockets.connect(url) as first, websockets.connect(url) as second:
        snapshots = [json.loads(await ws.recv())[0] for ws in (first, second)]
        assert all(s["type"] == "snapshot" for s in snapshots)
        for level in (10, 20, 30):
            web.hub.simulator.set_state("Bathroom Light", state="ON", brightness=level)
        for ws in (first, second):
            seen: list[tuple[int, int]] = []
            async with asyncio.timeout(5):
                while len(seen) < 3:
                    for message in json.loads(await ws.recv()):
                        if message["type"] == "state" and message["entity"]["id"] == "light.bathroom":
                            seen.append((message["seq"], message["entity"]["attributes"]["brightness"]))
            assert [b for _, b in seen] == [10, 20, 30]
            assert [s for s, _ in seen] == sorted(s for s, _ in seen)


async def test_a_spoken_command_upload_runs_the_voice_pipeline(web: Web, tmp_path: Path) -> None:
    """Real engines end to end: piper speaks a command, the upload goes through whisper, the resolver, the broker."""
    from speech.tts import PiperOptions, PiperTts

    tts = await asyncio.to_thread(PiperTts, PiperOptions(noise_scale=0.0, noise_w_scale=0.0))
    path = tmp_path / "command.wav"
    await asyncio.to_thread(tts.synthesize_wav, "Turn on the bedside lamp.", path)
    assert web.hub.devices.entity("light.bedside").state == "off"
    response = await call(web, "POST", "/api/listen", params={"session": "t-voice"},
                          files={"audio": ("command.wav", path.read_bytes(), "audio/wav")})
    assert response.status_code == 200, response.text
    traces = response.json()["traces"]
    assert len(traces) == 1
    assert "bedside lamp" in traces[0]["transcript"].lower()
    assert traces[0]["intents"][0]["intent"] == "HassTurnOn"
    assert traces[0]["timings_ms"]["speech_end"] == 0 and traces[0]["timings_ms"]["transcript"] > 0
    assert web.hub.devices.entity("light.bedside").state == "on"
    stored = (await call(web, "GET", f"/api/traces/{traces[0]['trace_id']}")).json()
    assert stored["source"] == "dashboard" and stored["transcript"] == traces[0]["transcript"]
    spoken = await call(web, "POST", "/api/speak", json={"text": traces[0]["response"]})
    assert spoken.status_code == 200 and spoken.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(spoken.content)) as reply:
        assert reply.getnchannels() == 1 and reply.getnframes() > reply.getframerate() * 0.3
    health = (await call(web, "GET", "/api/health")).json()
    assert health["models"]["stt"]["loaded"] is True and health["models"]["tts"]["loaded"] is True


async def test_start_web_refuses_an_open_address_without_a_token_and_a_busy_port(web: Web) -> None:
    with pytest.raises(HearthError, match="without a token"):
        await start_web(web.hub.services, "0.0.0.0", 0, None)
    with pytest.raises(HearthError, match="cannot serve the dashboard"):
        await start_web(web.hub.services, "127.0.0.1", web.server.port, web.token)



async def test_without_a_token_configured_loopback_serves_everyone(web: Web) -> None:
    open_server = await start_web(web.hub.services, "127.0.0.1", 0, None)
    try:
        response = await asyncio.to_thread(requests.get, open_server.url + "/api/entities/lock.front_door", timeout=10)
        assert response.status_code == 200 and response.json()["state"] == "locked"
        health = await asyncio.to_thread(requests.get, open_server.url + "/api/health", timeout=10)
        assert health.json()["errors"] is not None
    finally:
        await open_server.stop()
