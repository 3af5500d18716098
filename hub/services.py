"""What a started hub hands its parts: the services, typed, none of them missing but those said optional.

`Hub.start` builds one `HubServices` once every part is up; the web API, the CLI, the voice loop and
Wyoming take it (or the slice they need: `Conversation` takes `ConversationServices`, Wyoming a
`hub.wyoming.Assistant`), so a request can be followed from its edge to the executor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from devices.homeassistant import HomeAssistantBridge
from hub.machine.files import FileRoots
from hub.machine.processes import ProcessRunner
from devices.manager import DeviceManager
from devices.mqtt.broker import EmbeddedBroker
from devices.mqtt.client import MqttClient
from devices.mqtt.discovery import ASSISTANT_STATE_TOPIC
from devices.registry import Registry
from hub.conversation import Conversation
from hub.core.config import HearthConfig
from hub.core.errors import HearthError
from hub.core.home import Home
from hub.executor import Executor
from hub.traces import TraceStore
from scenes.engine import AutomationEngine
from hub.household.lists import ListStore
from hub.household.timers import TimerService


class HubNotRunning(HearthError):
    """A service was asked of a hub that is not (or no longer) running."""

    def __init__(self) -> None:
        super().__init__("The hub is not running")


class AssistantState:
    """The Hearth assistant's sensors in Home Assistant (transcript, intent, response, listening), retained
    on MQTT; published only while the client is connected."""

    def __init__(self, client: MqttClient) -> None:
        self.client = client
        self.state: dict[str, Any] = {"transcript": "", "intent": "", "response": "", "listening": False}

    async def publish(self, **state: Any) -> None:
        self.state = {**self.state, **state}
        if self.client.connected:
            await self.client.publish(ASSISTANT_STATE_TOPIC, self.state, retain=True)


@dataclass(frozen=True, slots=True)
class HubServices:
    """The services of a started hub."""

    config: HearthConfig
    registry: Registry
    client: MqttClient
    devices: DeviceManager
    executor: Executor
    timers: TimerService
    automations: AutomationEngine
    files: FileRoots
    processes: ProcessRunner
    lists: ListStore
    traces: TraceStore
    conversation: Conversation
    assistant: AssistantState
    broker: EmbeddedBroker | None
    """The embedded broker; None when the hub uses the configured one (`mqtt.broker`)."""
    homeassistant: HomeAssistantBridge | None
    """The bridge to Home Assistant; None unless `hearth ha connect` saved credentials."""

    @property
    def home(self) -> Home:
        """The home with its live states."""
        return self.devices.home

    @property
    def broker_uri(self) -> str | None:
        """The broker the hub talks to: the configured one, else the embedded one's address."""
        return self.config.mqtt.broker or (self.broker.address.uri if self.broker is not None else None)
