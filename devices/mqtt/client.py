"""An asyncio face on paho-mqtt 2.x: QoS 1 publishes that report delivery, reconnect with backoff."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from devices.errors import BrokerUnavailable

_LOGGER = logging.getLogger(__name__)

BRIDGE_STATE_TOPIC = "hearth/bridge/state"
MessageCallback = Callable[[str, bytes, bool], None]
"""(topic, payload, retained) — always called on the event loop."""


@dataclass(frozen=True, slots=True)
class MqttOptions:
    host: str
    port: int
    client_id: str = "hearth"
    username: str | None = None
    password: str | None = None
    keepalive: int = 30
    will_topic: str | None = BRIDGE_STATE_TOPIC
    reconnect_grace: float = 3.0
    publish_timeout: float = 5.0


class MqttClient:
    """One broker connection. Subscriptions survive reconnects; callbacks run on the loop."""

    def __init__(self, options: MqttOptions) -> None:
        self.options = options
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client = paho.Client(CallbackAPIVersion.VERSION2, client_id=options.client_id,
                                   protocol=paho.MQTTv311, clean_session=True)
        # paho annotates the delays as int, but waits any number of seconds
        self._client.reconnect_delay_set(min_delay=0.25, max_delay=15)  # type: ignore[arg-type]
        self._client.max_queued_messages_set(10_000)
        if options.username:
            self._client.username_pw_set(options.username, options.password)
        if options.will_topic:
            self._client.will_set(options.will_topic, "offline", qos=1, retain=True)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message
        self._client.on_publish = self._on_publish
        self._subs: dict[str, list[MessageCallback]] = {}
        self._wildcards: set[str] = set()
        self._lock = threading.Lock()
        self._pending: dict[int, asyncio.Future[None]] = {}
        self._acked: set[int] = set()
        self._connected = asyncio.Event()
        self.connection_listeners: list[Callable[[bool], None]] = []

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    async def start(self, timeout: float = 10.0) -> None:
        """Connect (reconnecting in the background from then on); BrokerUnavailable on timeout."""
        self._loop = asyncio.get_running_loop()
        self._client.connect_async(self.options.host, self.options.port, self.options.keepalive)
        self._client.loop_start()
        if not await self.wait_connected(timeout):
            self._client.loop_stop()
            raise BrokerUnavailable(
                f"cannot reach the MQTT broker at {self.options.host}:{self.options.port}")

    async def stop(self) -> None:
        if self.connected and self.options.will_topic:
            try:
                await self.publish(self.options.will_topic, "offline", retain=True, timeout=2)
            except BrokerUnavailable:
                pass
        await asyncio.to_thread(self._client.disconnect)
        await asyncio.to_thread(self._client.loop_stop)
        self._connected.clear()

    async def wait_connected(self, timeout: float) -> bool:
        try:
            async with asyncio.timeout(timeout):
                await self._connected.wait()
        except TimeoutError:
            return False
        return True

    def subscribe(self, topic_filter: str, callback: MessageCallback, qos: int = 1) -> Callable[[], None]:
        """Subscribe; returns a callable that unsubscribes this callback."""
        callbacks = self._subs.setdefault(topic_filter, [])
        callbacks.append(callback)
        if "+" in topic_filter or "#" in topic_filter:
            self._wildcards.add(topic_filter)
        if len(callbacks) == 1 and self.connected:
            self._client.subscribe(topic_filter, qos)

        def unsubscribe() -> None:
            callbacks.remove(callback)
            if not callbacks:
                del self._subs[topic_filter]
                self._wildcards.discard(topic_filter)
                self._client.unsubscribe(topic_filter)

        return unsubscribe

    async def publish(self, topic: str, payload: str | bytes | dict[str, Any], qos: int = 1,
                      retain: bool = False, timeout: float | None = None) -> None:
        """Publish and, for QoS 1, wait for the broker's PUBACK; BrokerUnavailable if it never comes."""
        if isinstance(payload, dict):
            payload = json.dumps(payload, separators=(",", ":"))
        if not self.connected and not await self.wait_connected(self.options.reconnect_grace):
            raise BrokerUnavailable(f"the MQTT broker is not reachable; '{topic}' was not sent")
        info = self._client.publish(topic, payload, qos=qos, retain=retain)
        if info.rc not in (paho.MQTT_ERR_SUCCESS,):
            raise BrokerUnavailable(f"publishing to '{topic}' failed: {paho.error_string(info.rc)}")
        if qos == 0:
            return
        await self._wait_ack(info.mid, topic, timeout or self.options.publish_timeout)

    async def _wait_ack(self, mid: int, topic: str, timeout: float) -> None:
        assert self._loop is not None
        future: asyncio.Future[None] = self._loop.create_future()
        with self._lock:
            if mid in self._acked:
                self._acked.discard(mid)
                return
            self._pending[mid] = future
        try:
            async with asyncio.timeout(timeout):
                await future
        except TimeoutError as err:
            raise BrokerUnavailable(f"the broker did not acknowledge '{topic}' in {timeout:g} s") from err
        finally:
            with self._lock:
                self._pending.pop(mid, None)

    # --- paho's thread ---------------------------------------------------------------------

    def _on_connect(self, client: paho.Client, userdata: Any, flags: Any, reason: Any,
                    properties: Any) -> None:
        if reason.is_failure:
            _LOGGER.warning("MQTT connection refused: %s", reason)
            return
        set_nodelay(client)
        for topic_filter in list(self._subs):
            client.subscribe(topic_filter, 1)
        if self.options.will_topic:
            client.publish(self.options.will_topic, "online", qos=1, retain=True)
        _LOGGER.info("Connected to MQTT broker %s:%s", self.options.host, self.options.port)
        self._call_on_loop(self._set_connected, True)

    def _on_disconnect(self, client: paho.Client, userdata: Any, flags: Any, reason: Any,
                       properties: Any) -> None:
        if reason.is_failure:
            _LOGGER.warning("Disconnected from MQTT broker (%s); reconnecting", reason)
        self._call_on_loop(self._set_connected, False)

    def _on_message(self, client: paho.Client, userdata: Any, message: paho.MQTTMessage) -> None:
        self._call_on_loop(self._dispatch, message.topic, message.payload, bool(message.retain))

    def _on_publish(self, client: paho.Client, userdata: Any, mid: int, reason: Any,
                    properties: Any) -> None:
        with self._lock:
            future = self._pending.get(mid)
            if future is None:
                if len(self._acked) > 10_000:  # acks nobody waited for (birth messages)
                    self._acked.clear()
                self._acked.add(mid)
                return
        self._call_on_loop(_resolve, future)

    def _call_on_loop(self, func: Callable[..., None], *args: Any) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(func, *args)

    # --- the loop ---------------------------------------------------------------------------

    def _set_connected(self, value: bool) -> None:
        if value:
            self._connected.set()
        else:
            self._connected.clear()
        for listener in self.connection_listeners:
            listener(value)

    def _dispatch(self, topic: str, payload: bytes, retained: bool) -> None:
        matched = [self._subs.get(topic, [])]  # exact filters: one dict lookup however many there are
        matched += [self._subs[f] for f in list(self._wildcards) if paho.topic_matches_sub(f, topic)]
        for callbacks in matched:
            for callback in list(callbacks):
                try:
                    callback(topic, payload, retained)
                except Exception:  # one bad handler must not stop the others
                    _LOGGER.exception("MQTT handler for %s failed", topic)


def set_nodelay(client: paho.Client) -> None:
    """Small QoS 1 packets must not wait for Nagle's algorithm (40 ms with delayed ACKs)."""
    sock = client.socket()
    if sock is not None and hasattr(sock, "setsockopt"):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
