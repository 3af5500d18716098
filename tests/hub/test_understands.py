"""`Conversation.understands`: what the voice pipeline asks of each reading, on the demo home."""

from __future__ import annotations

import asyncio

from hub.app import Hub


async def test_readings_are_judged_by_the_resolver_once_it_is_loaded(hub: Hub) -> None:
    understands = hub.conversation.understands
    assert understands("turn on the garden gnome")  # no resolver yet: it cannot tell, so the first reading stands
    await hub.conversation.resolver()
    assert await asyncio.to_thread(understands, "turn on the desk lamp")
    assert not await asyncio.to_thread(understands, "turn on the garden gnome")
    assert not await asyncio.to_thread(understands, "turn on the back door")


async def test_yes_is_understood_only_while_a_question_is_open(hub: Hub) -> None:
    await hub.conversation.resolver()
    assert not await asyncio.to_thread(hub.conversation.understands, "yes")
    trace = await hub.conversation.handle("unlock the front door", session="voice")
    assert trace.outcomes[0]["needs_confirmation"]
    assert await asyncio.to_thread(hub.conversation.understands, "yes")
    await hub.conversation.handle("yes", session="voice")
    assert not await asyncio.to_thread(hub.conversation.understands, "yes")
