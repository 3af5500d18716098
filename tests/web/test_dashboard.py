"""The dashboard in a real headless Chromium against a live hub: clicks reach the broker, changes reach the page."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright, expect

from hub.core.events import ToolCall
from tests.web.conftest import ARTIFACTS, MqttWatcher, Web

pytestmark = pytest.mark.asyncio(loop_scope="module")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic",
        # a fake microphone (a beeping test signal) for the recording test; no permission prompt
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        await launched.close()


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser: Browser, web: Web) -> AsyncIterator[Page]:
    """A page that already holds the token (as after logging in once)."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await context.add_init_script(f"localStorage.setItem('hearth.token', {web.token!r})")
    opened = await context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda err: errors.append(str(err)))
    await opened.goto(web.url + "/#home")
    await expect(opened.locator("#conn")).to_have_text("live")
    yield opened
    await context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def tile(page: Page, entity_id: str):
    return page.locator(f'.tile[data-entity-id="{entity_id}"]')


async def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)


async def test_a_wrong_token_is_rejected_and_the_right_one_accepted(browser: Browser, web: Web) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    loaded: list = []
    page.on("response", lambda response: loaded.append(response))
    await page.goto(web.url + "/")
    await expect(page.locator("#login")).to_be_visible()
    assert {r.url.removeprefix(web.url) for r in loaded} == {"/", "/static/style.css", "/static/app.js"}
    first_load = sum([len(await r.body()) for r in loaded])
    assert first_load < 300 * 1024, f"the first load is {first_load} bytes"
    await page.fill("#token", "not-the-token-at-all")
    await page.click("#login button")
    await expect(page.locator("#login-error")).to_have_text("That token was not accepted.")
    await expect(page.locator(".tile")).to_have_count(0)
    await page.fill("#token", web.token)
    await page.click("#login button")
    await expect(page.locator("#conn")).to_have_text("live")
    await expect(tile(page, "light.kitchen_ceiling")).to_be_visible()
    await context.close()


async def test_clicking_a_light_publishes_set_and_shows_the_confirmed_state(page: Page, web: Web) -> None:
    lamp = tile(page, "light.hallway")
    await expect(lamp).to_have_attribute("data-state", "off")
    await shot(page, "home")
    with MqttWatcher(web.mosquitto, f"{web.base_topic}/+/set") as watcher:
        await lamp.locator(".toggle").click()
        messages = await asyncio.to_thread(watcher.wait_for, 1, 5)
    assert messages[0] == (f"{web.base_topic}/Hallway Light/set", {"state": "ON"})
    await expect(lamp).to_have_attribute("data-state", "on")
    await expect(lamp.locator(".toggle")).to_have_attribute("aria-checked", "true")
    assert web.hub.devices.entity("light.hallway").state == "on"


async def test_a_device_changed_outside_updates_its_tile_within_a_second(page: Page, web: Web) -> None:
    fan = tile(page, "fan.bedroom")
    await expect(fan).to_have_attribute("data-state", "off")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    started = time.perf_counter()
    web.hub.simulator.set_state("Ceiling Fan", state="ON", percentage=60)
    await expect(fan).to_have_attribute("data-state", "on", timeout=1000)
    assert time.perf_counter() - started < 1.0
    await expect(fan.locator('input[type="range"]')).to_have_value("60")
    assert requests == []  # pushed over the WebSocket: no polling, no reload


async def test_unlocking_from_a_tile_asks_first(page: Page, web: Web) -> None:
    door = tile(page, "lock.front_door")
    await door.get_by_role("button", name="Unlock").click()
    await expect(page.locator("#confirm")).to_be_visible()
    await expect(page.locator("#confirm-text")).to_contain_text("nlock")
    assert web.hub.devices.entity("lock.front_door").state == "locked"
    await page.click("#confirm-yes")
    await expect(door).to_have_attribute("data-state", "unlocked")
    await door.get_by_role("button", name="Lock").click()
    await expect(door).to_have_attribute("data-state", "locked")
    garage = tile(page, "cover.garage_door")
    await garage.get_by_role("button", name="Open").click()
    await expect(page.locator("#confirm-text")).to_contain_text("Garage Door")
    await page.click("#confirm-no")
    await expect(page.locator("#toast")).to_contain_text("won't")
    assert web.hub.devices.entity("cover.garage_door").state == "closed"


async def test_typing_a_command_shows_the_reply_and_a_trace(page: Page, web: Web) -> None:
    web.hub.simulator.set_state("Kitchen Ceiling", state="ON", brightness=200)
    await expect(tile(page, "light.kitchen_ceiling")).to_have_attribute("data-state", "on")
    await page.goto(web.url + "/#talk")
    await page.fill("#say-text", "turn off the kitchen lights")
    await page.press("#say-text", "Enter")
    reply = page.locator(".dialogue .turn").first.locator(".hearth")
    await expect(reply).to_contain_text("Turned off", timeout=30_000)  # the resolver loads on first use
    assert web.hub.devices.entity("light.kitchen_ceiling").state == "off"
    await expect(page.locator(".dialogue .intents").first).to_contain_text("HassTurnOff")
    await shot(page, "talk")
    await page.goto(web.url + "/#activity")
    first = page.locator("#traces .trace").first
    await expect(first).to_contain_text("turn off the kitchen lights")
    await first.locator("summary").click()
    await expect(first.locator(".mqtt").first).to_contain_text("/set")
    await shot(page, "activity")
    await page.select_option("#trace-source", "api")
    await expect(page.locator("#traces .trace").first).not_to_contain_text("turn off the kitchen lights")


async def test_the_talk_page_is_one_conversation_and_lists_what_it_learned(page: Page, web: Web) -> None:
    await page.goto(web.url + "/#talk")
    await page.select_option("#say-area", "Bedroom")
    for text, expected in (("turn on the lights", "Turned on"), ("turn them off", "Turned off"),
                           ("call the bedside lamp the night light", "from now on night light means")):
        await page.fill("#say-text", text)
        await page.press("#say-text", "Enter")
        await expect(page.locator(".dialogue .turn").first.locator(".hearth")).to_contain_text(expected,
                                                                                               timeout=30_000)
    assert web.hub.devices.entity("light.bedside").state == "off"
    learned = page.locator("#learned li", has_text="night light")
    await expect(learned).to_contain_text("Bedside Lamp")
    await learned.get_by_role("button", name="Remove").click()
    await expect(page.locator("#learned li", has_text="night light")).to_have_count(0)
    await page.goto(web.url + "/#activity")
    turn = page.locator("#traces .trace", has_text="turn them off").first
    await turn.locator("summary").click()
    await expect(turn.locator(".context")).to_contain_text("previous_targets")
    await page.goto(web.url + "/#talk")
    await page.fill("#say-text", "unlock the front door")
    await page.press("#say-text", "Enter")
    await expect(page.locator("#confirm-text")).to_contain_text("Front Door")
    await page.click("#confirm-yes")
    await expect(page.locator("#toast")).to_contain_text("Unlocked")
    assert web.hub.devices.entity("lock.front_door").state == "unlocked"
    relocked = await web.hub.conversation.handle("lock the front door", session="t-relock")
    assert relocked.ok and web.hub.devices.entity("lock.front_door").state == "locked"


async def test_activating_a_scene_from_the_dashboard(page: Page, web: Web) -> None:
    await page.goto(web.url + "/#routines")
    card = page.locator('.scene[data-entity-id="scene.movie_night"]')
    await card.get_by_role("button", name="Activate").click()
    await expect(page.locator("#toast")).to_contain_text("Movie Night")
    assert web.hub.devices.entity("cover.living_room_blinds").state == "closed"
    assert web.hub.devices.entity("light.living_room_strip").state == "on"
    await expect(page.locator('#automations tr[data-automation-id="door_alert"]')).to_be_visible()
    await shot(page, "routines")


async def test_timers_count_down_live_and_health_shows_the_broker(page: Page, web: Web) -> None:
    assert web.hub.executor is not None
    await web.hub.executor.execute(ToolCall("HassListAddItem", {"item": "oat milk", "name": "shopping"}))
    await page.goto(web.url + "/#timers")
    await expect(page.locator("#lists")).to_contain_text("oat milk")
    await web.hub.executor.execute(ToolCall("HassStartTimer", {"minutes": 10, "name": "tea"}))
    countdown = page.locator("#timers .countdown").first
    await expect(countdown).to_have_text("9:59", timeout=3000)
    await expect(countdown).to_have_text("9:58", timeout=3000)
    await shot(page, "timers")
    await page.goto(web.url + "/#local")
    await page.get_by_role("button", name="todo.txt").click()
    await expect(page.locator("#file-view")).to_contain_text("buy milk")
    await expect(page.locator("#processes")).to_contain_text("sleeper")
    await shot(page, "files")
    await page.goto(web.url + "/#health")
    await expect(page.locator("#health")).to_contain_text("connected")
    await shot(page, "health")



async def test_the_dashboard_fits_a_phone(browser: Browser, web: Web) -> None:
    context = await browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    await context.add_init_script(f"localStorage.setItem('hearth.token', {web.token!r})")
    page = await context.new_page()
    await page.goto(web.url + "/#home")
    await expect(tile(page, "light.kitchen_ceiling")).to_be_visible()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width} px)"
    await page.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"))
    await context.close()


async def test_recording_in_the_browser_uploads_a_wav_to_the_voice_pipeline(page: Page, web: Web) -> None:
    await page.context.grant_permissions(["microphone"], origin=web.url)
    await page.goto(web.url + "/#talk")
    await page.click("#record")
    await expect(page.locator("#record")).to_have_text("■ Stop")
    await page.wait_for_timeout(1500)
    async with page.expect_response(lambda r: "/api/listen" in r.url, timeout=60_000) as answer:
        await page.click("#record")
    response = await answer.value
    assert response.status == 200, await response.text()
    # 200 (not 415) and the length: the browser's recording arrived as a PCM WAV the server could read
    assert "multipart/form-data" in (await response.request.all_headers())["content-type"]
    assert 1.0 < (await response.json())["duration_s"] < 10
    await expect(page.locator(".dialogue .turn").first.locator(".hearth")).not_to_have_text("…")


async def test_the_api_reader_lists_every_operation(page: Page, web: Web) -> None:
    await page.goto(web.url + "/api/docs")
    await expect(page.locator("#operations details")).to_have_count(26)  # with GET and DELETE /api/learned
    entities = page.locator("#operations details", has_text="/api/entities/{entity_id}/action")
    await entities.locator("summary").click()
    await expect(entities).to_contain_text("Needs Authorization")
    await expect(entities).to_contain_text("action: ")
    await shot(page, "api-docs")
