"""Conversations over HTTP (`POST /api/say`) and MQTT (`hearth/command` text requests), learned items."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from tests.web.conftest import MqttWatcher, Web
from tests.web.test_api import call

pytestmark = pytest.mark.asyncio(loop_scope="module")


def state(web: Web, entity_id: str) -> str:
    entity = web.hub.home.entity(entity_id)
    assert entity is not None
    return entity.state


async def say(web: Web, text: str, cid: str | None = None) -> dict[str, Any]:
    body = {"text": text, **({"conversation_id": cid} if cid else {})}
    response = await call(web, "POST", "/api/say", json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_say_starts_a_conversation_and_continues_it(web: Web) -> None:
    first = await say(web, "turn on the desk lamp")
    cid = first["conversation_id"]
    assert cid and state(web, "light.office_desk") == "on"
    off = await say(web, "turn it off", cid)
    assert off["conversation_id"] == cid and off["outcome"]["targets"] == ["light.office_desk"]
    assert off["context"]["previous_targets"] == ["light.office_desk"]
    assert state(web, "light.office_desk") == "off"
    stranger = await say(web, "turn it on")  # a new conversation: no context
    assert stranger["conversation_id"] != cid and not stranger["outcome"]["ok"]
    trace = (await call(web, "GET", f"/api/traces/{off['id']}")).json()
    assert trace["context"]["previous_targets"] == ["light.office_desk"]


async def test_unknown_and_malformed_conversations_are_refused(web: Web) -> None:
    unknown = await call(web, "POST", "/api/say", json={"text": "turn it off", "conversation_id": "nope"})
    assert unknown.status_code == 404 and "no conversation nope" in unknown.json()["error"]
    bad = await call(web, "POST", "/api/say", json={"text": "turn it off", "conversation_id": "no way!"})
    assert bad.status_code == 422


async def test_mqtt_text_requests_carry_their_conversation(web: Web) -> None:
    with MqttWatcher(web.mosquitto, "hearth/command/result") as watcher:
        watcher.client.publish("hearth/command", json.dumps({"text": "turn on the bedroom light"}), qos=1)
        first = (await asyncio.to_thread(watcher.wait_for, 1, 15))[0][1]
        cid = first["conversation_id"]
        assert first["ok"] and state(web, "light.bedroom_ceiling") == "on"
        watcher.client.publish("hearth/command", json.dumps({"text": "turn it off", "conversation_id": cid}), qos=1)
        second = (await asyncio.to_thread(watcher.wait_for, 2, 15))[1][1]
        assert second["conversation_id"] == cid and second["outcome"]["targets"] == ["light.bedroom_ceiling"]
        assert state(web, "light.bedroom_ceiling") == "off"
        watcher.client.publish("hearth/command", json.dumps({"text": "turn it off", "conversation_id": "gone"}),
                               qos=1)
        third = (await asyncio.to_thread(watcher.wait_for, 3, 15))[2][1]
        assert third == {"ok": False, "error": third["error"], "response": third["error"], "conversation_id": "gone"}
        assert "no conversation gone" in third["error"]
        watcher.client.publish("hearth/command", json.dumps({"text": "turn on the lights", "area": "Office"}), qos=1)
        fourth = (await asyncio.to_thread(watcher.wait_for, 4, 15))[3][1]
        assert fourth["context"]["area"] == "Office" and fourth["outcome"]["targets"] == ["light.office_desk"]
        watcher.client.publish("hearth/command", json.dumps({"text": "turn on the lights", "area": 7}), qos=1)
        fifth = (await asyncio.to_thread(watcher.wait_for, 5, 15))[4][1]
        assert fifth == {"ok": False, "error": "area must be an area's name of 1 to 64 characters"}


async def test_an_alias_is_learned_listed_and_forgotten(web: Web) -> None:
    taught = await say(web, "call the floor lamp the reading light")
    assert taught["response"] == "OK, from now on reading light means Floor Lamp.", taught
    items = (await call(web, "GET", "/api/learned")).json()
    item = next(i for i in items if i["phrase"] == "reading light")
    assert item["target"] == "light.living_room_lamp" and item["where"] == "dashboard"
    await say(web, "turn on the floor lamp")
    off = await say(web, "turn off the reading light")
    assert off["outcome"]["targets"] == ["light.living_room_lamp"], off
    assert off["context"]["learned"] == [{"alias": "reading light", "target": "light.living_room_lamp"}]
    assert state(web, "light.living_room_lamp") == "off"
    gone = await call(web, "DELETE", f"/api/learned/{item['id']}")
    assert gone.status_code == 200
    assert not [i for i in (await call(web, "GET", "/api/learned")).json() if i["phrase"] == "reading light"]
    again = await call(web, "DELETE", f"/api/learned/{item['id']}")
    assert again.status_code == 404


async def test_an_alias_may_not_take_a_name_already_used(web: Web) -> None:
    refused = await say(web, "call the floor lamp the kitchen")
    assert not refused["outcome"]["ok"] and "already names something" in refused["response"]
    kind = await say(web, "call the front door the lights")  # else "turn off the lights" would unlock it
    assert not kind["outcome"]["ok"] and kind["response"] == "lights is a kind of device, so it cannot name one."
