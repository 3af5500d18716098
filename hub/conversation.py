"""Text in, action and a reply out: phrase automations, the resolver, the executor, a trace — within a
conversation (one per requester, `hub.dialogue`), whose context fills what a turn leaves out (`hub.context`).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from devices.manager import DeviceManager
from devices.registry import Registry
from hub.core.home import Entity, Home
from hub.context import (
    ASK_FLOOR,
    DEVICE_INTENTS,
    Act,
    answer_calls,
    chosen,
    fragment_target,
    ground,
    guess_for_last_targets,
    inherit_targets,
    missing_value,
    other_choice,
    recognize_act,
    refers_back,
    said_a_target,
    same_for,
    step,
    target_slots_of,
    with_targets,
)
from hub.delayed import Delayed, DelayedStore, delay_seconds
from hub.dialogue import TARGET_SLOTS, ConversationError, ConversationStore, DialogueState, Question, Snapshot
from hub.core.errors import ExecutionError, HearthError
from hub.core.events import Outcome, ToolCall
from hub.core.seams import Judgement
from hub.learned import LearnedStore, LearnError, check_alias
from llm.address import unaddressed
from llm.entities import HomeNames
from hub.core.targets import find_area
from hub.executor import Executor
from hub.traces import Trace, TraceStore
from hub.undo import RESTORE, changed_before, snapshot
from hub.household.timers import TimerService, describe_duration
from scenes.engine import AutomationEngine

_LOGGER = logging.getLogger(__name__)
NOT_UNDERSTOOD = "Sorry, I didn't understand that. Could you say it another way?"
MAX_TEXT = 1000


ANSWERS = ("HearthConfirm", "HearthDeny")


@dataclass(frozen=True, slots=True)
class Policy:
    """What a requester's sentences may have carried out. The dashboard, voice and the command line may do
    anything (risky actions ask first); MQTT holds its requesters to an allow-list (see `Hub.mqtt_policy`)."""

    intents: frozenset[str] | None = None
    """The intents allowed (answers to questions always are); None: any."""
    where: str = ""
    """Said in a refusal: why an intent is not allowed here."""
    no_questions: str | None = None
    """When set, no question may be asked (so nothing risky is done), and this says why."""

    def refusal(self, call: ToolCall) -> str | None:
        """Why `call` may not be carried out for this requester; None when it may."""
        if self.intents is None or call.intent in ANSWERS:
            return None
        if call.intent not in self.intents:
            return f"{call.intent} is not allowed {self.where}".rstrip()
        if call.slots.get("conversation_command"):  # run later with no one's limits: not for a limited requester
            return f"a delayed command in {call.intent} is not allowed {self.where}".rstrip()
        return None


UNLIMITED = Policy()


class IntentResolver(Protocol):
    def resolve(self, text: str, home: Home) -> list[ToolCall]: ...

    def understands(self, text: str, home: Home, awaiting_answer: bool = False) -> Judgement: ...


class StatusBoard(Protocol):
    """Where the last turn is shown (the assistant's sensors in Home Assistant)."""

    async def publish(self, **state: Any) -> None: ...


@dataclass(frozen=True, slots=True)
class ConversationServices:
    """What the conversation needs of a started hub."""

    registry: Registry
    """Where conversations, learned names and delayed commands are kept."""
    devices: DeviceManager
    executor: Executor
    timers: TimerService
    """Runs delayed commands ('turn it off in 10 minutes')."""
    automations: AutomationEngine
    """Phrase automations are matched before the resolver."""
    traces: TraceStore
    speak: Callable[[str], Awaitable[None]]
    """Says a delayed command's reply."""
    status: StatusBoard
    idle: float
    """Seconds without a turn after which a conversation forgets its context."""

    @property
    def home(self) -> Home:
        return self.devices.home


@dataclass
class _Turn:
    """One utterance being handled: what was said, its conversation and what it has done so far."""

    text: str
    said: str
    """The text as said (before learned aliases were put in)."""
    cid: str
    source: str
    state: DialogueState
    trace: Trace
    act: Act | None = None
    calls: list[ToolCall] | None = None
    clauses: list[Any] = field(default_factory=list)
    home: Home | None = None
    """The home as the resolver sees it in this turn: the speaker's area is its context area."""
    policy: Policy = UNLIMITED

    @property
    def context(self) -> dict[str, Any]:
        return self.trace.context


class Conversation:
    """One per hub; many conversations inside. `handle` is what `hearth say`, the demo prompt, the voice
    loop, HTTP and MQTT call."""

    def __init__(self, services: ConversationServices, resolver_factory: Callable[[], IntentResolver]) -> None:
        self.services = services
        self._factory = resolver_factory
        self._resolver: IntentResolver | None = None
        self._lock = asyncio.Lock()
        self._turn_locks: dict[str, asyncio.Lock] = {}
        self._homes: dict[str, tuple[Home, Home]] = {}
        self._home_names: HomeNames | None = None

    @property
    def loaded_resolver(self) -> IntentResolver | None:
        """The resolver if it has been loaded (`resolver` loads it)."""
        return self._resolver

    async def resolver(self) -> IntentResolver:
        """The resolver, loaded once (in a worker thread) on first use."""
        async with self._lock:
            if self._resolver is None:
                self._resolver = await asyncio.to_thread(self._factory)
            return self._resolver

    def understands(self, text: str) -> Judgement:
        """How surely `handle` would understand `text` and what it means (a `ReadingJudge`). Blocking, for the
        speech worker thread, which asks it of the recogniser's readings; sure, with no meaning, when it cannot
        tell (the resolver not loaded yet), and for an automation's phrase."""
        resolver = self._resolver
        if resolver is None:
            return Judgement(1.0)
        if self.services.automations.phrase_automations(text):
            return Judgement(1.0)
        return resolver.understands(text, self.services.home, self.services.executor.awaiting_answer())

    # --- conversations ---------------------------------------------------------------------------

    @functools.cached_property
    def store(self) -> ConversationStore:
        return ConversationStore(self.services.registry, self.services.idle)

    @functools.cached_property
    def learned(self) -> LearnedStore:
        return LearnedStore(self.services.registry)

    @functools.cached_property
    def delayed(self) -> DelayedStore:
        return DelayedStore(self.services.registry)

    def begin(self, conversation_id: str | None, source: str) -> str:
        """The id to continue: a new conversation when None; ConversationError for a malformed or unknown id."""
        if conversation_id is None:
            return self.store.create(source)
        self.store.load(conversation_id)
        return conversation_id

    # --- one turn ----------------------------------------------------------------------------------

    async def handle(self, text: str, source: str = "text", session: str = "default",
                     started: float | None = None, conversation_id: str | None = None,
                     area: str | None = None, policy: Policy = UNLIMITED) -> Trace:
        """Understand and carry out `text` in a conversation: `conversation_id` (which must exist, see
        `begin`), else the requester's own, named `session`. `area` is where the speaker is (kept by the
        conversation; the home's `context_area` when never said). `policy` limits what may be carried out.
        Timings count from `started`, default now."""
        t0 = started if started is not None else time.perf_counter()
        text = " ".join(text.split())[:MAX_TEXT]
        trace = Trace(source, text)
        trace.timings_ms["speech_end" if source in ("wav", "mic", "wyoming") else "received"] = 0.0
        if not text:
            trace.ok, trace.response = False, NOT_UNDERSTOOD
            return self._finish(trace)
        if self.services.automations.match_phrase(text):
            trace.intents = [{"intent": "HearthAutomation", "slots": {"phrase": text}, "confidence": 1.0}]
            trace.response = "Done"
            trace.timings_ms["intents"] = trace.timings_ms["executed"] = _ms(t0)
            return self._finish(trace)
        cid = conversation_id or session
        lock = self._turn_locks.setdefault(cid, asyncio.Lock())
        async with lock:
            try:
                if conversation_id is None:
                    self.store.create(source, session)
                state = self.store.load(cid)
                if area is not None:
                    state = replace(state, area=find_area(self.services.home, area).name)
            except (ConversationError, ExecutionError) as err:
                trace.ok, trace.response = False, str(err)
                return self._finish(trace)
            trace.conversation_id = cid
            turn = _Turn(text, text, cid, source, state, trace, home=self._home_for(state), policy=policy)
            try:
                new_state = await self._turn(turn, t0)
            except HearthError as err:
                _LOGGER.error("The resolver failed: %s", err)
                trace.ok, trace.response = False, f"Sorry, I can't understand anything right now: {err}"
                return self._finish(trace)
            self.store.save(cid, new_state)
        return self._finish(trace)

    def _names(self) -> HomeNames:
        """The home's names, built again only when the home changes."""
        if self._home_names is None or self._home_names.home is not self.services.home:
            self._home_names = HomeNames(self.services.home)
        return self._home_names

    def _home_for(self, state: DialogueState) -> Home:
        """The home with the speaker's area as its context area ('the lights', 'in here')."""
        home: Home = self.services.home
        context = home.context_area()
        if state.area is None or (context is not None and context.name == state.area):
            return home
        cached = self._homes.get(state.area)
        if cached is None or cached[0] is not home:  # one variant per area, so the resolver's index is reused
            areas = tuple(replace(a, context_area=a.name == state.area) for a in home.areas)
            cached = self._homes[state.area] = (home, replace(home, areas=areas))
        return cached[1]

    async def _turn(self, turn: _Turn, t0: float) -> DialogueState:
        if turn.state.expired:
            turn.context["expired"] = True
        if turn.state.area is not None:
            turn.context["area"] = turn.state.area
        turn.text, aliases = self.learned.rewrite(turn.text, self.services.home)
        turn.text = unaddressed(turn.text, self._names())  # "olly, the second one": an answer
        if aliases:
            turn.context["learned"] = [{"alias": a.phrase, "target": a.target} for a in aliases]
        turn.act = recognize_act(turn.text)
        state = await self._answer(turn) if turn.state.question else None
        if state is None and turn.act is not None:
            state = await self._dialogue_act(turn)
        if state is None:
            calls = await self._calls(turn)
            turn.trace.timings_ms["intents"] = _ms(t0)
            turn.trace.marks["intents"] = time.perf_counter()
            if not calls and (asked := await self._did_you_mean(turn)) is not None:
                return asked
            if not calls:
                turn.trace.ok, turn.trace.response = False, NOT_UNDERSTOOD
                turn.trace.intents = [c.to_dict() for c in turn.calls or []]
                return replace(turn.state, question=None)
            state = await self._execute(turn, calls)
        turn.trace.timings_ms.setdefault("intents", _ms(t0))
        turn.trace.timings_ms["executed"] = _ms(t0)
        turn.trace.marks["executed"] = time.perf_counter()
        return state

    async def _resolve(self, turn: _Turn, tag: bool = False) -> list[ToolCall]:
        """The resolver's calls for the turn (once), and its tagger's clauses when `tag`."""
        resolver = await self.resolver()
        if turn.calls is None:
            turn.calls = await asyncio.to_thread(resolver.resolve, turn.text, turn.home or self.services.home)
        tagger = getattr(resolver, "tag", None)
        if tag and not turn.clauses and tagger is not None:
            turn.clauses = await asyncio.to_thread(tagger, turn.text)
        return turn.calls

    async def _calls(self, turn: _Turn) -> list[ToolCall]:
        """What to carry out: the resolver's calls, with a learned correction or the conversation's context."""
        state, home = turn.state, self.services.home
        calls = await self._resolve(turn)
        learned = self.learned.phrase(turn.said)
        entity = home.entity(learned.target) if learned else None
        if learned is not None and entity is not None and calls:
            turn.context["learned"] = [{"phrase": learned.phrase, "target": learned.target}]
            return [with_targets(c, target_slots_of([entity], home, {}), entity.domain)
                    if c.intent in DEVICE_INTENTS else c for c in calls]
        if calls and state.target_slots and any(c.intent in DEVICE_INTENTS for c in calls):
            await self._resolve(turn, tag=True)
            calls, inherited = inherit_targets(calls, said_a_target(turn.clauses), refers_back(turn.text), state,
                                               home)
            if inherited:
                turn.context["previous_targets"] = list(state.targets)
            return calls
        if not calls and state.target_slots and refers_back(turn.text):
            guessed = await self._guess(turn)
            if guessed is not None:
                turn.context["previous_targets"] = list(state.targets)
                turn.context["below_gate"] = guessed.to_dict()
                return [guessed]
        if not calls and state.call is not None:
            await self._resolve(turn, tag=True)
            targets = fragment_target(turn.clauses, state.call.intent, HomeNames(home))
            call = same_for(state, targets, home) if targets else None
            if call is not None:
                turn.context["previous_call"] = state.call.to_dict()
                return [call]
        return calls

    async def _did_you_mean(self, turn: _Turn) -> DialogueState | None:
        """Nothing understood: the one action the tagger read below the gate, from `ASK_FLOOR`, asked about ("Did
        you mean: turn on the Study Blind?"), where the policy allows a question and that action; a yes from this
        conversation carries it out (`Executor.ask_meant`). None when there is no such reading."""
        if turn.policy.no_questions:
            return None
        await self._resolve(turn, tag=True)
        from llm.slots import QUESTIONS, tool_calls

        home = turn.home or self.services.home
        readings = tool_calls(turn.clauses, HomeNames(home), ASK_FLOOR)
        if len(readings) != 1 or readings[0].intent in QUESTIONS or turn.policy.refusal(readings[0]):
            return None
        outcome = self.services.executor.ask_meant(readings[0], session=turn.cid)
        if outcome is None:
            return None
        turn.context["below_gate"] = readings[0].to_dict()
        turn.trace.intents = [readings[0].to_dict()]
        turn.trace.outcomes.append(outcome.to_dict())
        turn.trace.response = outcome.response
        return replace(turn.state, question=None)

    async def _guess(self, turn: _Turn) -> ToolCall | None:
        """The tagger's reading below the confidence gate, fitted to the last targets (`guess_for_last_targets`)."""
        await self._resolve(turn, tag=True)
        from llm.slots import tool_calls

        home = turn.home or self.services.home
        guesses = tool_calls(turn.clauses, HomeNames(home), 0.0)
        return guess_for_last_targets(guesses, turn.state, self.services.home)

    # --- answers, undo, corrections, teaching -------------------------------------------------------

    async def _answer(self, turn: _Turn) -> DialogueState | None:
        """The turn as the answer to the open question, if it is one (None: it is not)."""
        question = turn.state.question
        assert question is not None
        home = self.services.home
        if question.choices and await self._may_answer(turn):
            spoken = turn.act.slots.get("target", turn.text) if turn.act else turn.text
            picked = chosen(question, turn.act, str(spoken), home)
            if picked:
                turn.context["answered"] = question.to_dict()
                state = await self._execute(turn, answer_calls(question, picked, home))
                return replace(state, choices=question.choices)
        calls = await self._resolve(turn)
        if any(c.intent == "HassNevermind" for c in calls):
            turn.context["answered"] = question.to_dict()
            turn.trace.intents = [c.to_dict() for c in calls]
            turn.trace.response = "OK, never mind."
            return replace(turn.state, question=None)
        if question.missing:
            value = missing_value(question, calls, turn.text)
            if value is not None:
                turn.context["answered"] = question.to_dict()
                slots = {**question.call.slots, question.missing: value}
                return await self._execute(turn, [ToolCall(question.call.intent, slots)])
        return None

    async def _may_answer(self, turn: _Turn) -> bool:
        """Whether the turn can be an answer to 'which one?': a choosing or correcting template, or words
        the resolver does not read as a command on a device of their own ('the floor lamp' is none)."""
        if turn.act is not None:
            return turn.act.intent in ("HearthChoose", "HearthCorrect") and turn.act.slots.get("which") != "other"
        calls = await self._resolve(turn)
        return not any(c.intent in DEVICE_INTENTS for c in calls)

    async def _dialogue_act(self, turn: _Turn) -> DialogueState | None:
        """Undo, a correction, a reference to the last call, teaching; None when it does not apply here."""
        act, state, home = turn.act, turn.state, self.services.home
        assert act is not None
        if act.intent == "HearthUndo":
            return await self._undo(turn)
        if act.intent == "HearthCorrect":
            return await self._correct(turn)
        if act.intent == "HearthTeachAlias":
            return self._teach(turn)
        if act.intent == "HearthDelay":
            return await self._delay(turn)
        if act.intent == "HearthCancelDelayed":
            return self._cancel_delayed(turn)
        call: ToolCall | None = None
        if act.intent == "HearthSameFor":
            targets = ground(str(act.slots.get("target", "")), HomeNames(home))
            call = same_for(state, targets, home) if targets else None
            if call is not None:
                turn.context["previous_call"] = state.call.to_dict() if state.call else None
        elif act.intent in ("HearthMore", "HearthLess"):
            call = step(state, home, less=act.intent == "HearthLess")
            if call is not None:
                turn.context["previous_targets"] = list(state.targets)
        return await self._execute(turn, [call]) if call is not None else None

    async def _undo(self, turn: _Turn) -> DialogueState:
        undo = turn.state.undo
        turn.trace.intents = [{"intent": RESTORE, "slots": {}, "confidence": 1.0}]
        if undo is None or not undo.states:
            turn.trace.ok, turn.trace.response = False, "There is nothing to undo."
            return turn.state
        turn.context["undone"] = undo.to_dict()
        state = await self._execute(turn, [ToolCall(RESTORE, {"states": undo.states})], record=False)
        return replace(state, undo=None)

    async def _correct(self, turn: _Turn) -> DialogueState:
        """'no, I meant the floor lamp': put back what the last call changed, then do it to the right target."""
        act, state, home = turn.act, turn.state, self.services.home
        assert act is not None
        entity: Entity | None = None
        if act.slots.get("which") == "other":
            other = other_choice(state)
            entity = home.entity(other) if other else None
            targets = target_slots_of([entity], home, {}) if entity else None
        else:
            targets = ground(str(act.slots.get("target", "")), HomeNames(home))
            named = [e for e in home.entities if targets and e.name == targets.get("name")]
            entity = named[0] if named else None
        last = state.undo.call if state.undo else state.call
        if last is None or last.intent not in DEVICE_INTENTS:
            turn.trace.ok, turn.trace.response = False, "There is nothing to correct."
            return state
        if targets is None:
            turn.trace.ok, turn.trace.response = False, "Which device did you mean?"
            return state
        call = with_targets(last, targets, entity.domain if entity else targets.get("domain"))
        turn.context["corrected"] = {"call": last.to_dict(), "to": targets}
        undo = state.undo.states if state.undo else {}
        new_state = await self._execute(turn, ([ToolCall(RESTORE, {"states": undo})] if undo else []) + [call])
        if state.undo is not None and state.undo.text and entity is not None and turn.trace.ok:
            item = self.learned.add("phrase", state.undo.text, entity.id, turn.source, turn.cid)
            turn.context["learned_new"] = item.to_dict()
        return new_state

    def _teach(self, turn: _Turn) -> DialogueState:
        """'call the floor lamp the reading light': a new name for one of the home's devices or scenes."""
        act, home = turn.act, self.services.home
        assert act is not None
        alias, spoken = str(act.slots.get("alias", "")), str(act.slots.get("target", ""))
        entity = HomeNames(home).entity(spoken)
        turn.trace.intents = [{"intent": "HearthTeachAlias", "slots": dict(act.slots), "confidence": 1.0}]
        if entity is None:
            turn.trace.ok, turn.trace.response = False, f"I don't know a device called {spoken}."
            return turn.state
        try:
            item = self.learned.add("alias", check_alias(alias, home), entity.id, turn.source, turn.cid)
        except LearnError as err:
            turn.trace.ok, turn.trace.response = False, f"{err}."
            return turn.state
        turn.context["learned_new"] = item.to_dict()
        turn.trace.response = f"OK, from now on {item.phrase} means {entity.name}."
        return turn.state

    async def _delay(self, turn: _Turn) -> DialogueState | None:
        """'turn off the lights in 10 minutes': the command resolved now (with context), run when due."""
        assert turn.act is not None
        seconds = delay_seconds(turn.act.slots)
        command = str(turn.act.slots.get("command", ""))
        if seconds is None or not command:
            return None
        now = _Turn(command, command, turn.cid, turn.source, turn.state, turn.trace, home=turn.home,
                    policy=turn.policy)
        calls = await self._calls(now)
        if not calls or any(c.intent not in DEVICE_INTENTS for c in calls):
            return None
        turn.trace.intents = [c.to_dict() for c in calls]
        if refusal := await self._refusal(turn.policy, calls):
            turn.trace.ok, turn.trace.response = False, f"{refusal}."
            return turn.state
        try:
            timer = self.services.timers.schedule_command(seconds, command)
        except HearthError as err:
            turn.trace.ok, turn.trace.response = False, f"{err}."
            return turn.state
        self.delayed.add(Delayed(timer.id, turn.cid, tuple(calls), command))
        turn.context["delayed"] = {"timer": timer.id, "in_seconds": round(seconds)}
        turn.trace.response = f"OK, in {describe_duration(seconds)}: {command}."
        return replace(turn.state, delayed=timer.id)

    def _cancel_delayed(self, turn: _Turn) -> DialogueState | None:
        """'cancel that' after a delayed command: it will not run."""
        timer = next((t for t in self.services.timers.active("command") if t.id == turn.state.delayed), None)
        if timer is None:
            return None  # nothing delayed: the resolver reads it (a 'never mind')
        self.services.timers.cancel(timer)
        self.delayed.pop(timer.id)
        turn.trace.intents = [{"intent": "HearthCancelDelayed", "slots": {"timer": timer.id}, "confidence": 1.0}]
        turn.trace.response = f"OK, I won't {timer.name}."
        return replace(turn.state, delayed=None)

    async def _refusal(self, policy: Policy, calls: list[ToolCall]) -> str | None:
        """Why `calls` may not be scheduled for a requester with `policy` (one that would ask when it runs
        included, for a requester who may not be asked); None when they may."""
        for call in calls:
            if refusal := policy.refusal(call):
                return refusal
            if policy.no_questions and await self.services.executor.would_ask(call):
                return f"Refused: {call.intent} would need a confirmation; {policy.no_questions}"
        return None

    async def _carry_out(self, policy: Policy, call: ToolCall, cid: str) -> Outcome:
        """One call in conversation `cid`, within `policy`: refused, or carried out (a question only where the
        policy lets one be asked)."""
        if refusal := policy.refusal(call):
            return Outcome(call.intent, False, refusal, error=refusal)
        outcome: Outcome = await self.services.executor.execute(call, session=cid)
        if outcome.needs_confirmation and policy.no_questions:
            self.services.executor.cancel(outcome.request_id)
            why = f"Refused: {outcome.response.removesuffix(' Say yes or no.')} {policy.no_questions}"
            return Outcome(call.intent, False, why, error=why)
        return outcome

    async def run_delayed(self, timer_id: str) -> Trace | None:
        """A delayed command fell due: carry it out in its conversation; the reply is spoken."""
        item = self.delayed.pop(timer_id)
        if item is None:
            return None
        trace = Trace("timer", item.text)
        trace.conversation_id = item.conversation_id
        trace.context["delayed"] = {"timer": timer_id}
        lock = self._turn_locks.setdefault(item.conversation_id, asyncio.Lock())
        async with lock:
            try:
                state = self.store.load(item.conversation_id)
            except ConversationError:
                state = DialogueState()
            turn = _Turn(item.text, item.text, item.conversation_id, "timer", state, trace)
            new_state = await self._execute(turn, list(item.calls))
            if self.store.exists(item.conversation_id):
                self.store.save(item.conversation_id, new_state)
        await self.services.speak(trace.response)
        return self._finish(trace)

    # --- carrying out --------------------------------------------------------------------------------

    async def _execute(self, turn: _Turn, calls: list[ToolCall], record: bool = True) -> DialogueState:
        """Carry out `calls` in the conversation's session; the state it leaves (targets, question, undo)."""
        home_before = snapshot(self.services.home)
        turn.trace.intents = [c.to_dict() for c in calls]
        replies, outcomes = [], []
        for call in calls:
            outcome = await self._carry_out(turn.policy, call, turn.cid)
            outcomes.append((call, outcome))
            turn.trace.outcomes.append(outcome.to_dict())
            turn.trace.ok = turn.trace.ok and (outcome.ok or outcome.needs_confirmation)
            replies.append(outcome.response)
        turn.trace.response = " ".join(r if r.endswith((".", "?", "!")) else r + "." for r in replies)
        return self._after(turn, outcomes, home_before, record)

    def _after(self, turn: _Turn, outcomes: list[tuple[ToolCall, Outcome]],
               before: dict[str, dict[str, Any]], record: bool) -> DialogueState:
        home, state = self.services.home, replace(turn.state, question=None)
        for call, outcome in outcomes:
            if outcome.choices or outcome.missing:
                asked_about = {} if outcome.choices else {k: v for k, v in call.slots.items() if k in TARGET_SLOTS}
                state = replace(state, question=Question(call, outcome.choices, outcome.missing),
                                choices=outcome.choices or state.choices, targets=outcome.choices,
                                target_slots=asked_about)
            elif outcome.targets and call.intent != RESTORE and (outcome.ok or outcome.needs_confirmation):
                entities = [e for e in (home.entity(i) for i in outcome.targets) if e is not None]
                state = replace(state, targets=outcome.targets, call=call,
                                target_slots=target_slots_of(entities, home, call.slots))
        changed = changed_before(before, home, tuple(t for _, o in outcomes for t in o.targets))
        acted = [c for c, o in outcomes if o.targets and c.intent != RESTORE]
        if record and acted:  # the last action's states, even none: undo never reaches further back
            state = replace(state, undo=Snapshot(changed, acted[-1], _learnable(turn)))
        return state

    def _finish(self, trace: Trace) -> Trace:
        intent = ", ".join(i["intent"] for i in trace.intents)
        asyncio.get_running_loop().create_task(self.services.status.publish(
            transcript=trace.transcript, intent=intent, response=trace.response))
        try:
            self.services.traces.add(trace.to_dict())
        except Exception:  # a trace is never worth failing the request for
            _LOGGER.exception("Storing the trace failed")
        return trace


def _learnable(turn: _Turn) -> str:
    """The words a correction of this turn may teach: none when the turn leaned on its context ('what about
    the kitchen' means something else in the next conversation)."""
    leaned = ("previous_targets", "previous_call", "answered", "corrected", "learned")
    return "" if any(k in turn.context for k in leaned) else turn.said


def asks_back(trace: dict[str, Any]) -> bool:
    """Whether a reply asks something the next utterance answers (which device, what value, yes or no): the
    voice loop then listens again without the wake word, and Wyoming says `continue_conversation`."""
    steps = trace.get("outcome", {}).get("steps", [])
    return any(s.get("choices") or s.get("missing") or s.get("needs_confirmation") for s in steps)


def _ms(t0: float) -> float:
    return round((time.perf_counter() - t0) * 1000, 2)


def load_default_resolver(custom_sentences: Path | None = None, weights: tuple[Path, ...] = ()) -> IntentResolver:
    """HA's templates (plus the user's custom sentences), then the Transformer (`llm.cascade`) from `weights`
    (none: the shipped members)."""
    from llm.cascade import CascadeResolver

    return CascadeResolver.load(custom_sentences, functools.partial(_load_transformer, weights)).warm()


def _load_transformer(weights: tuple[Path, ...] = ()) -> Any:
    import torch

    from llm.resolver import Resolver

    # One thread: a 6-layer encoder on one short sentence gains nothing from two, and with the other
    # core busy (speech-to-text, the broker) two threads make it 100x slower, not 2x faster.
    torch.set_num_threads(1)
    return Resolver.load(list(weights) or None)
