"""What the HTTP side gives away (hole 6, 7): Host and Origin checks, the anonymous health answer, and the
modes of the data the hub keeps. The real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import stat

import pytest
import websockets

from tests.web.conftest import Web
from tests.web.test_api import call

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8321", "192.168.1.66"])
async def test_a_foreign_host_name_is_refused(web: Web, host: str) -> None:
    """DNS rebinding: a page on evil.example that resolves to 127.0.0.1 still sends Host: evil.example."""
    for path, token in (("/api/health", None), ("/api/entities", ""), ("/", None)):
        refused = await call(web, "GET", path, token=token, headers={"Host": host})
        assert refused.status_code == 421, (path, refused.status_code)
        assert "Host" in refused.json()["error"]
    assert (await call(web, "GET", "/api/entities", headers={"Host": "localhost"})).status_code == 200
    assert (await call(web, "GET", "/api/entities")).status_code == 200  # 127.0.0.1:port


async def test_a_websocket_from_another_site_is_refused(web: Web) -> None:
    url = web.url.replace("http", "ws") + f"/api/ws?token={web.token}"
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(url, origin="http://evil.example"):
            pass
    assert refused.value.response.status_code == 403
    async with websockets.connect(url, origin=web.url) as ws:  # the dashboard's own origin
        first = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert first and first[0]["type"] == "snapshot"


async def test_health_without_a_token_names_no_broker(web: Web) -> None:
    anonymous = (await call(web, "GET", "/api/health", token=None)).json()
    assert anonymous == {"ok": True, "version": anonymous["version"]}
    wrong = (await call(web, "GET", "/api/health", token="wrong-token-0123456789")).json()
    assert sorted(wrong) == ["ok", "version"]


async def test_the_database_and_its_journal_are_private(web: Web) -> None:
    database = web.hub.config.storage.database
    for path in (database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


async def test_toggling_the_garage_over_http_asks_first(web: Web) -> None:
    """Hole 1 on /api/command: HassToggle on a closed garage door is an opening, so it asks."""
    body = {"intent": "HassToggle", "slots": {"name": "Garage Door"}, "session": "exposure"}
    asked = (await call(web, "POST", "/api/command", json=body)).json()
    assert asked["needs_confirmation"] and asked["request_id"]
    assert web.hub.devices.entity("cover.garage_door").state == "closed"
    other = await call(web, "POST", "/api/command", json={"intent": "HearthConfirm", "session": "elsewhere"})
    assert other.status_code == 422 and web.hub.devices.entity("cover.garage_door").state == "closed"
    confirm = {"intent": "HearthConfirm", "slots": {"request_id": asked["request_id"]}, "session": "elsewhere"}
    done = (await call(web, "POST", "/api/command", json=confirm)).json()
    assert done["ok"] and web.hub.devices.entity("cover.garage_door").state == "open"
    close = {"intent": "HassTurnOff", "slots": {"name": "Garage Door"}}
    assert (await call(web, "POST", "/api/command", json=close)).json()["ok"]
