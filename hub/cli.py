"""The `hearth` command: argument parsing apart from running, errors caught at this edge."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hub import __version__
from hub.core.errors import HearthError
from hub.core.events import Outcome, ToolCall

if TYPE_CHECKING:
    from hub.app import Hub
    from hub.core.config import HearthConfig
    from hub.core.home import Home
    from hub.traces import Trace
    from hub.web.app import WebServer
    from hub.wyoming import WyomingServer
    from scenes.engine import AutomationEngine
    from speech.pipeline import HandleText

_LOGGER = logging.getLogger(__name__)
_INTENT = re.compile(r"^(Hass|Hearth)[A-Za-z]+$")
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hearth", description="Hearth: a local voice-controlled home hub")
    parser.add_argument("--version", action="version", version=f"hearth {__version__}")
    parser.add_argument("--config", type=Path, help="hearth.yaml (default: ./hearth.yaml or $HEARTH_CONFIG)")
    parser.add_argument("--db", type=Path, help="registry database (overrides storage.database)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    home = commands.add_parser("home", help="import or show the home (floors, areas, entities)")
    home_commands = home.add_subparsers(dest="home_command", required=True, metavar="ACTION")
    imp = home_commands.add_parser("import", help="load a Home Assistant fixture YAML into the registry")
    imp.add_argument("file", type=Path)
    show = home_commands.add_parser("show", help="print floors, areas and entities")
    show.add_argument("--json", action="store_true")

    do = commands.add_parser("do", help="execute one structured intent, e.g. HassTurnOn area=Kitchen domain=light")
    _add_hub_arguments(do)
    do.add_argument("--json", action="store_true", help="print the outcome as JSON")
    do.add_argument("--yes", action="store_true", help="confirm a risky action (unlock, open the garage)")
    do.add_argument("intent", help="an intent name, e.g. HassTurnOn")
    do.add_argument("slots", nargs="*", metavar="slot=value")

    demo = commands.add_parser("demo", help="embedded broker + simulated home + hub, with a prompt")
    _add_hub_arguments(demo)

    serve = commands.add_parser("serve", help="run the hub as a daemon: MQTT, automations, timers, scenes")
    _add_hub_arguments(serve)
    serve.add_argument("--voice", action="store_true", help="also listen on the microphone (as hearth run)")
    serve.add_argument("--wyoming", metavar="URI", nargs="?", const="tcp://127.0.0.1:10700",
                       help="serve the Wyoming protocol (default tcp://127.0.0.1:10700; binding wider needs a "
                            "firewall rule, see Security in the README)")
    for parser_ in (serve, demo):
        parser_.add_argument("--port", type=int, help="dashboard and API port (default 8321; 0: any free port)")
        parser_.add_argument("--no-web", action="store_true", help="no dashboard or HTTP API")
    commands.add_parser("token", help="print the API and dashboard token (made on first run)")
    commands.add_parser("mqtt-credentials",
                        help="print the embedded broker's username and password (made on first run)")

    ha = commands.add_parser("ha", help="Home Assistant: import its home and control its devices")
    ha_commands = ha.add_subparsers(dest="ha_command", required=True, metavar="ACTION")
    connect = ha_commands.add_parser("connect", help="import areas and entities; keep states in sync from then on")
    connect.add_argument("--url", required=True, help="e.g. http://homeassistant.local:8123")
    connect.add_argument("--token", required=True, help="a long-lived access token (your profile page in HA)")
    ha_commands.add_parser("disconnect", help="forget Home Assistant and remove its entities")

    say = commands.add_parser("say", help="understand and carry out a sentence: hearth say 'turn off the lights'")
    _add_hub_arguments(say)
    say.add_argument("--json", action="store_true", help="print the trace as JSON")
    say.add_argument("--conversation", metavar="ID", help="continue a conversation (its id is printed on stderr)")
    say.add_argument("text", nargs="+")

    learned = commands.add_parser("learned", help="names and corrections Hearth learned: list or forget them")
    learned_commands = learned.add_subparsers(dest="learned_command", required=True, metavar="ACTION")
    learned_commands.add_parser("list", help="what was learned, where and when")
    forget = learned_commands.add_parser("forget", help="forget one learned item (by its id or its words)")
    forget.add_argument("item")

    from llm.cli import add_parse_arguments

    add_parse_arguments(commands.add_parser("parse", help="stdin lines → JSON intents (the resolver alone)"))
    # Its options come from `_late_arguments` (building them imports torch; --help and --version must not).
    commands.add_parser("train", help="regenerate the data and retrain the resolver", add_help=False)
    commands.add_parser("train-wake", help="synthesise the data and retrain Hearth's wake word model", add_help=False)
    _add_speech_commands(commands)

    scene = commands.add_parser("scene", help="list, add, capture or activate scenes")
    scene_commands = scene.add_subparsers(dest="scene_command", required=True, metavar="ACTION")
    scene_commands.add_parser("list", help="the scenes and what they set")
    add = scene_commands.add_parser("add", help="add a scene: hearth scene add 'Movie Night' light.lamp=on ...")
    add.add_argument("name")
    add.add_argument("states", nargs="+", metavar="entity_id=state")
    add.add_argument("--area")
    for action, text in (("activate", "activate a scene now"), ("capture", "save the current states as a scene")):
        sub = scene_commands.add_parser(action, help=text)
        sub.add_argument("name")
        _add_hub_arguments(sub)
        if action == "capture":
            sub.add_argument("--area", help="only the devices of this area")

    automation = commands.add_parser("automation", help="list automations, enable or disable them")
    automation_commands = automation.add_subparsers(dest="automation_command", required=True, metavar="ACTION")
    automation_commands.add_parser("list", help="automations with state, last run and last error")
    for action in ("enable", "disable"):
        sub = automation_commands.add_parser(action, help=f"{action} an automation (also in a running hub)")
        sub.add_argument("id")
        sub.add_argument("--broker", help="mqtt://HOST:PORT of the running hub's broker")
    return parser


def _add_speech_commands(commands: Any) -> None:
    """Placeholders: their own options are added by `_late_arguments` once the command is known."""
    listen = commands.add_parser("listen", help="run the voice pipeline on a WAV file and print the traces",
                                 add_help=False)
    _add_hub_arguments(listen)
    run = commands.add_parser("run", help="listen on the microphone: wake word, command, spoken reply",
                              add_help=False)
    _add_hub_arguments(run)
    commands.add_parser("speak", help="synthesise text to a WAV file", add_help=False)


def _late_arguments(command: str) -> argparse.ArgumentParser | None:
    """The full parser of a command whose options import heavy modules (speech engines, torch), built only
    when that command runs, so that `hearth --help` and `--version` stay fast."""
    parser = argparse.ArgumentParser(prog=f"hearth {command}")
    if command == "train":
        from llm.cli import add_train_arguments

        add_train_arguments(parser)
    elif command == "train-wake":
        from speech.wake_train import add_options

        add_options(parser)
    elif command in ("listen", "run", "speak"):
        from speech import cli as speech_cli

        {"listen": speech_cli.add_listen_arguments, "run": speech_cli.add_run_arguments,
         "speak": speech_cli.add_speak_arguments}[command](parser)
        if command != "speak":
            _add_hub_arguments(parser)
    else:
        return None
    return parser


def _add_hub_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--home", type=Path, help="home file to load (Home Assistant fixture YAML)")
    parser.add_argument("--broker", help="mqtt://HOST:PORT (default: an embedded broker)")
    parser.add_argument("--simulate", action="store_true",
                        help="also simulate the home's devices on --broker (always on with the embedded one)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    late = _late_arguments(args.command)
    if late is not None:
        late.parse_args(extra, namespace=args)
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)]
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = _config(args)
        if args.verbose == 0:
            logging.getLogger().setLevel(config.log_level)
        return _COMMANDS[args.command](args, config)
    except HearthError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_FAILED


def _config(args: argparse.Namespace) -> HearthConfig:
    from hub.core.config import load_config, parse_broker_uri

    config = load_config(args.config)
    updates: dict[str, Any] = {}
    if args.db:
        updates["storage"] = config.storage.model_copy(update={"database": args.db})
    if getattr(args, "port", None) is not None or getattr(args, "no_web", False):
        http = {"port": args.port} if args.port is not None else {}
        if args.no_web:
            http["enabled"] = False
        updates["http"] = config.http.model_copy(update=http)
    if getattr(args, "broker", None):
        try:
            parse_broker_uri(args.broker)
        except ValueError as err:
            raise HearthError(f"--broker: {err}") from None
        updates["mqtt"] = config.mqtt.model_copy(update={"broker": args.broker})
    return config.model_copy(update=updates) if updates else config


# --- home ---------------------------------------------------------------------------------------


def run_home(args: argparse.Namespace, config: HearthConfig) -> int:
    from devices.homefile import load_home
    from devices.registry import Registry

    registry = Registry.open(config.storage.database)
    try:
        if args.home_command == "import":
            home = load_home(args.file)
            registry.import_home(home)
            print(f"Imported {len(home.floors)} floors, {len(home.areas)} areas and "
                  f"{len(home.entities)} entities into {config.storage.database}")
            return EXIT_OK
        home = registry.load_home()
    finally:
        registry.close()
    if args.json:
        print(json.dumps(home.to_dict(), indent=2))
    elif not home.entities:
        print("The home is empty. Import one with: hearth home import HOME.yaml")
    else:
        print(format_home(home), end="")
    return EXIT_OK


def format_home(home: Home) -> str:
    lines: list[str] = []
    floors = {f.id: f for f in home.floors}
    for area in sorted(home.areas, key=lambda a: (a.floor_id or "", a.name)):
        floor = floors.get(area.floor_id) if area.floor_id is not None else None
        here = " (here)" if area.context_area else ""
        lines.append(f"{area.name}{here}" + (f" — {floor.name}" if floor else ""))
        for e in (e for e in home.entities if e.area_id == area.id):
            aliases = f" [{', '.join(e.aliases)}]" if e.aliases else ""
            lines.append(f"  {e.id:<36} {e.name}{aliases}: {e.state}")
    loose = [e for e in home.entities if e.area_id is None]
    if loose:
        lines.append("No area")
        lines.extend(f"  {e.id:<36} {e.name}: {e.state}" for e in loose)
    return "\n".join(lines) + "\n"


# --- do -----------------------------------------------------------------------------------------


def parse_call(intent: str, pairs: Sequence[str]) -> ToolCall:
    """'HassLightSet', ['name=Desk Lamp', 'brightness=50'] -> ToolCall; HearthError when malformed."""
    if not _INTENT.match(intent):
        raise HearthError(f"'{intent}' is not an intent name like HassTurnOn")
    slots: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not re.fullmatch(r"[a-z_]+", key):
            raise HearthError(f"'{pair}' is not slot=value (e.g. area=Kitchen)")
        slots[key] = _slot_value(value)
    return ToolCall(intent, slots)


def _slot_value(value: str) -> Any:
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        return value


def _hub(args: argparse.Namespace, config: HearthConfig) -> Hub:
    from hub.app import Hub, HubOptions

    simulate = True if args.simulate else None
    return Hub(config, HubOptions(home=args.home, simulate=simulate))


def run_do(args: argparse.Namespace, config: HearthConfig) -> int:
    call = parse_call(args.intent, args.slots)

    async def go() -> Outcome:
        async with _hub(args, config) as hub:
            return await hub.executor.execute(call, session="cli", confirmed=args.yes)

    outcome = asyncio.run(go())
    print(json.dumps({"intent": call.intent, "slots": call.slots, **outcome.to_dict()}, indent=2)
          if args.json else outcome.response)
    return EXIT_OK if outcome.ok else EXIT_FAILED


# --- demo ---------------------------------------------------------------------------------------

DEMO_HELP = """Say what you want in plain words, for example:
  turn on the kitchen lights
  set the floor lamp to red and start the vacuum
  what's the temperature in the bedroom
  unlock the front door                  (asks for confirmation: answer yes or no)
It is one conversation: then say "turn it off", "what about the bedroom", "undo that",
"no, I meant the desk lamp", "call the floor lamp the reading light".
Or type an intent and its slots:
  HassTurnOn area=Kitchen domain=light
  HassLightSet name="Floor Lamp" color=red
  HassClimateSetTemperature temperature=22
Other commands: states, help, quit"""


def run_demo(args: argparse.Namespace, config: HearthConfig) -> int:
    return asyncio.run(_demo(args, config))


async def _demo(args: argparse.Namespace, config: HearthConfig) -> int:
    interactive = sys.stdin.isatty()
    async with _hub(args, config) as hub:
        broker = hub.services.broker_uri or "?"
        print(f"Hearth demo: {len(hub.home.entities)} devices on {broker}. Type 'help' for examples.")
        web = await _start_web(hub, config)
        try:
            return await _prompt(hub, interactive)
        finally:
            if web is not None:
                await web.stop()


async def _prompt(hub: Hub, interactive: bool) -> int:
    while True:
        if interactive:
            print("hearth> ", end="", flush=True)
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            return EXIT_OK
        reply = await demo_line(hub, line.strip())
        if reply is None:
            return EXIT_OK
        if reply:
            print(reply, flush=True)


async def demo_line(hub: Hub, line: str) -> str | None:
    """One prompt line: a structured intent, yes/no, or a demo command. None means quit."""
    if not line:
        return ""
    word = line.split()[0].lower()
    if word in ("quit", "exit"):
        return None
    if word == "help":
        return DEMO_HELP
    if word == "states":
        return format_home(hub.home).rstrip()
    if _INTENT.match(line.split()[0]):
        try:
            parts = shlex.split(line)
            call = parse_call(parts[0], parts[1:])
        except (HearthError, ValueError) as err:
            return f"{err}. Type 'help' for examples."
        outcome = await hub.executor.execute(call, session="demo")
        return outcome.response
    trace = await hub.conversation.handle(line, source="text", session="demo")
    return trace.response


def run_serve(args: argparse.Namespace, config: HearthConfig) -> int:
    return asyncio.run(_serve(args, config))


async def _serve(args: argparse.Namespace, config: HearthConfig) -> int:
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with _hub(args, config) as hub:
        for error in hub.automation_errors:
            print(f"warning: {error}", file=sys.stderr)
        extras: list[WyomingServer | WebServer] = [await _start_wyoming(hub, args.wyoming)] if args.wyoming else []
        web = await _start_web(hub, config)
        if web is not None:
            extras.append(web)
        voice = asyncio.create_task(_serve_voice(hub)) if args.voice else None
        broker = hub.services.broker_uri or "?"
        print(f"Hearth is serving {len(hub.home.entities)} entities and "
              f"{len(hub.automations.automations)} automations on {broker}"
              + (f"; Wyoming on {args.wyoming}" if args.wyoming else ""), flush=True)
        waiters = [asyncio.create_task(stop.wait())] + ([voice] if voice else [])
        done, _ = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for task in waiters:
            task.cancel()
        for extra in extras:
            await extra.stop()
        if voice is not None and voice in done and voice.exception() is not None:
            raise voice.exception()  # type: ignore[misc]
    return EXIT_OK


async def _start_web(hub: Hub, config: HearthConfig) -> WebServer | None:
    """The dashboard and HTTP API, unless turned off (--no-web, http.enabled: false)."""
    if not config.http.enabled:
        return None
    from hub.token import load_or_create_token
    from hub.web import start_web

    token = load_or_create_token() if config.http.require_token else None
    web = await start_web(hub.services, config.http.host, config.http.port, token)
    print(f"Dashboard: {web.url}/  (the token: hearth token)", flush=True)
    return web


async def _start_wyoming(hub: Hub, uri: str) -> WyomingServer:
    from hub.wyoming import Engines, WyomingServer

    if not re.match(r"^(tcp://[^:/]+:\d+|unix://.+)$", uri):
        raise HearthError(f"--wyoming: '{uri}' is not a URI like tcp://127.0.0.1:10700")
    engines = await asyncio.to_thread(Engines.load, hub.home.spoken_names())
    await hub.conversation.resolver()  # its readings are weighed by the resolver (WhisperStt.transcribe)
    server = WyomingServer(uri, engines, hub.conversation)
    await server.start()
    return server


async def _serve_voice(hub: Hub) -> int:
    from speech.cli import add_run_arguments, run

    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    await hub.conversation.resolver()
    return await run(parser.parse_args([]), voice_handler(hub, "mic"), hub.home.spoken_names(),
                     accept=hub.conversation.understands)


def run_scene(args: argparse.Namespace, config: HearthConfig) -> int:
    from devices.registry import Registry
    from scenes.models import Scene

    if args.scene_command in ("activate", "capture"):
        return asyncio.run(_scene_live(args, config))
    registry = Registry.open(config.storage.database)
    try:
        if args.scene_command == "add":
            states = dict(_scene_state(pair) for pair in args.states)
            home = registry.load_home()
            unknown = [e for e in states if home.entity(e) is None]
            if unknown:
                raise HearthError(f"no entity {unknown[0]} in the registry (see: hearth home show)")
            scene = Scene.named(args.name, states, args.area)
            registry.upsert_entities([scene.to_entity()])
            print(f"Added scene {scene.name} (scene.{scene.id}) with {len(states)} devices")
            return EXIT_OK
        from hub.app import config_scenes

        registry.upsert_entities(config_scenes(config))
        scenes = [e for e in registry.load_home().entities if e.domain == "scene"]
    finally:
        registry.close()
    for entity in scenes:
        members = ", ".join(f"{k}={v}" for k, v in (entity.attributes.get("entities") or {}).items())
        print(f"{entity.id:<28} {entity.name}: {members}")
    return EXIT_OK


def _scene_state(pair: str) -> tuple[str, Any]:
    key, sep, value = pair.partition("=")
    if not sep or "." not in key:
        raise HearthError(f"'{pair}' is not entity_id=state (e.g. light.lamp=on)")
    return key, value


async def _scene_live(args: argparse.Namespace, config: HearthConfig) -> int:
    from scenes.capture import capture_scene

    async with _hub(args, config) as hub:
        if args.scene_command == "activate":
            outcome = await hub.executor.execute(ToolCall("HassTurnOn", {"name": args.name, "domain": "scene"}),
                                                 session="cli", confirmed=True)
            print(outcome.response)
            return EXIT_OK if outcome.ok else EXIT_FAILED
        scene = capture_scene(hub.home, args.name, args.area)
        hub.registry.upsert_entities([scene.to_entity()])
        print(f"Captured {len(scene.entities)} devices as scene {scene.name} (scene.{scene.id})")
        return EXIT_OK


def run_automation(args: argparse.Namespace, config: HearthConfig) -> int:
    from devices.registry import Registry
    from hub.app import Hub
    from scenes.engine import AutomationEngine

    hub = Hub(config)
    automations = hub.load_automations()
    registry = Registry.open(config.storage.database)
    try:
        engine = AutomationEngine(automations, None, None, registry, None, lambda _: None)  # type: ignore[arg-type]
        if args.automation_command == "list":
            print(format_automations(engine), end="")
            for error in hub.automation_errors:
                print(f"error: {error}")
            return EXIT_OK
        try:
            engine.set_enabled(args.id, args.automation_command == "enable")
        except KeyError:
            raise HearthError(f"no automation '{args.id}' (see: hearth automation list)") from None
    finally:
        registry.close()
    broker = args.broker or config.mqtt.broker
    if broker:
        _publish_once(broker, f"hearth/automation/{args.id}/set", "ON" if args.automation_command == "enable" else "OFF")
    print(f"{args.id} {args.automation_command}d")
    return EXIT_OK


def format_automations(engine: AutomationEngine) -> str:
    import datetime as dt

    lines = []
    for automation in engine.automations.values():
        run = engine.state[automation.id]
        last = dt.datetime.fromtimestamp(run.last_triggered).strftime("%Y-%m-%d %H:%M:%S") if run.last_triggered else "never"
        lines.append(f"{automation.id:<24} {'on ' if run.enabled else 'off'} {automation.alias} "
                     f"(runs {run.runs}, last {last}{', error: ' + run.last_error if run.last_error else ''})")
    return "\n".join(lines) + ("\n" if lines else "No automations. Add them under 'automations:' in hearth.yaml\n")


def _publish_once(broker: str, topic: str, payload: str) -> None:
    import paho.mqtt.client as paho
    from paho.mqtt.enums import CallbackAPIVersion

    from hub.core.config import parse_broker_uri

    host, port = parse_broker_uri(broker)
    client = paho.Client(CallbackAPIVersion.VERSION2)
    try:
        client.connect(host, port, keepalive=10)
    except OSError as err:
        raise HearthError(f"saved, but the running hub could not be told: {err}") from None
    client.loop_start()
    client.publish(topic, payload, qos=1).wait_for_publish(5)
    client.loop_stop()
    client.disconnect()


# --- language and voice -------------------------------------------------------------------------


def run_say(args: argparse.Namespace, config: HearthConfig) -> int:
    async def go() -> Trace:
        async with _hub(args, config) as hub:
            cid = hub.conversation.begin(args.conversation, "text")
            return await hub.conversation.handle(" ".join(args.text), source="text", conversation_id=cid)

    try:
        trace = asyncio.run(go())
    except HearthError as err:
        print(f"hearth: {err}", file=sys.stderr)
        return EXIT_FAILED
    print(json.dumps(trace.to_dict(), indent=2) if args.json else trace.response)
    if not args.json:
        print(f"(conversation {trace.conversation_id}: continue it with --conversation)", file=sys.stderr)
    return EXIT_OK if trace.ok else EXIT_FAILED


def run_learned(args: argparse.Namespace, config: HearthConfig) -> int:
    import datetime as dt

    from devices.registry import Registry
    from hub.learned import LearnedStore, LearnError

    registry = Registry.open(config.storage.database)
    try:
        store = LearnedStore(registry)
        if args.learned_command == "forget":
            try:
                item = store.forget(args.item)
            except LearnError as err:
                print(f"hearth: {err}", file=sys.stderr)
                return EXIT_FAILED
            print(f"Forgot {item.kind} '{item.phrase}' -> {item.target}")
            return EXIT_OK
        for item in store.all():
            when = dt.datetime.fromtimestamp(item.at).strftime("%Y-%m-%d %H:%M")
            print(f"{item.id}  {item.kind:6}  {item.phrase!r} -> {item.target}  ({item.where}, {when})")
        return EXIT_OK
    finally:
        registry.close()


def run_parse(args: argparse.Namespace, config: HearthConfig) -> int:
    from llm.cli import run_parse as parse

    return parse(args)


def run_train(args: argparse.Namespace, config: HearthConfig) -> int:
    from llm.cli import run_train as train

    return train(args)


def run_train_wake(args: argparse.Namespace, config: HearthConfig) -> int:
    from speech.wake_train import run

    return run(args)


def run_speak(args: argparse.Namespace, config: HearthConfig) -> int:
    from speech.cli import run_speak as speak

    return speak(args)


def run_listen(args: argparse.Namespace, config: HearthConfig) -> int:
    from speech.cli import listen

    return asyncio.run(_voice(args, config, listen, "wav"))


def run_voice(args: argparse.Namespace, config: HearthConfig) -> int:
    from speech.cli import run

    try:
        return asyncio.run(_voice(args, config, run, "mic"))
    except KeyboardInterrupt:
        return EXIT_OK


async def _voice(args: argparse.Namespace, config: HearthConfig, loop: Any, source: str) -> int:
    """The voice pipeline with the hub behind it: each utterance goes through the conversation."""
    async with _hub(args, config) as hub:
        await hub.conversation.resolver()  # load before audio starts, not on the first command
        return await loop(args, voice_handler(hub, source), hub.home.spoken_names(), accept=hub.conversation.understands)


def voice_handler(hub: Hub, source: str) -> HandleText:
    """The speech pipeline's handle_text: conversation in, reply and trace details out."""
    from hub.conversation import asks_back
    from speech.pipeline import TextReply

    async def handle_text(text: str) -> TextReply:
        await hub.publish_assistant_state(listening=False)
        trace = await hub.conversation.handle(text, source=source, session=source)
        outcome = {k: v for k, v in trace.to_dict()["outcome"].items() if k != "steps"}
        return TextReply(trace.response, trace={"intents": trace.intents, "outcome": outcome},
                         marks=trace.marks, follow_up=asks_back(trace.to_dict()))

    return handle_text


def run_ha(args: argparse.Namespace, config: HearthConfig) -> int:
    from devices.homeassistant import SOURCE, Credentials, HomeAssistantBridge
    from devices.registry import Registry
    from hub.app import ha_credentials_path

    registry = Registry.open(config.storage.database)
    try:
        if args.ha_command == "disconnect":
            registry.replace_source(SOURCE, [], [])
            ha_credentials_path().unlink(missing_ok=True)
            print("Forgot Home Assistant")
            return EXIT_OK
        credentials = Credentials(args.url.rstrip("/"), args.token)
        if not re.match(r"^https?://[^\s/]+", credentials.url):
            raise HearthError(f"--url: '{args.url}' is not a URL like http://127.0.0.1:8123")
        bridge = HomeAssistantBridge(credentials)
        areas, entities = asyncio.run(bridge.fetch(registry.load_home()))
        registry.replace_source(SOURCE, areas, entities)
        credentials.save(ha_credentials_path())
    finally:
        registry.close()
    print(f"Imported {len(entities)} entities and {len(areas)} new areas from Home Assistant at {credentials.url}")
    print(f"(token stored in {ha_credentials_path()}, readable only by you)")
    return EXIT_OK


def _print_token() -> int:
    from hub.token import load_or_create_token, token_path

    print(load_or_create_token())
    print(f"(stored in {token_path()})", file=sys.stderr)
    return EXIT_OK


def _print_broker_credentials() -> int:
    from devices.mqtt.broker import BrokerCredentials
    from hub.app import broker_credentials_path

    credentials = BrokerCredentials.load_or_create(broker_credentials_path())
    print(f"username: {credentials.username}\npassword: {credentials.password}")
    print(f"(stored in {broker_credentials_path()}; the embedded broker accepts only these)", file=sys.stderr)
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace, HearthConfig], int]] = {
    "home": run_home, "do": run_do, "demo": run_demo, "serve": run_serve, "scene": run_scene,
    "automation": run_automation, "say": run_say, "parse": run_parse, "train": run_train,
    "train-wake": run_train_wake,
    "speak": run_speak, "listen": run_listen, "run": run_voice, "token": lambda a, c: _print_token(),
    "ha": run_ha, "mqtt-credentials": lambda a, c: _print_broker_credentials(), "learned": run_learned,
}
