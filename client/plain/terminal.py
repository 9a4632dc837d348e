"""The plain participant terminal: ``circle join --plain``.

Everything the participant screen offers, as lines: each change in the room is one new line
(``Narrator``), and the person types a short word or letter and Enter. Nothing is redrawn and no
escape sequences are sent, so a screen reader or a braille display can follow along, and so can
anyone who finds full-screen programs hard. It needs no Textual.

What is on offer is asked of the rule core: before a command is sent it is dry-run through
``shared.decide.decide`` on this terminal's state, and a refusal is told in the core's words.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import ssl
import sys
import time
from collections.abc import Callable, Coroutine
from typing import TextIO

from client import credentials
from client.connection import (
    DEFAULT_DELAYS,
    OPEN_TIMEOUT,
    Delays,
    HubLink,
    LinkStatus,
    Refused,
    Untrusted,
    new_id,
)
from client.following import Following, draft, few_people, hello_fits
from client.mirror import SessionMirror
from client.plain.lines import LineSource
from client.plain.narrator import Narrator
from shared.commands import (
    MAX_SHARE_CHARS,
    PROTOCOL_VERSION,
    AnswerCheckin,
    AnyCommand,
    Hello,
    PassTurn,
    RaiseHand,
    RequestTalk,
    SubmitShare,
)
from shared.crisis import DEFAULT_LOCALE, crisis_words
from shared.decide import clean_name, decide
from shared.decision import Actor
from shared.events import Ack, Error, ServerMessage, Welcome

__all__ = ["HAND_WORDS", "RECEIVED_WORDS", "PlainTerminal"]

TICK_SECONDS = 0.5
"""How often the clock is looked at, for the timer's milestones and the exercise's steps."""
GREETING = (
    "circlekeeper, plain mode. Each change in the room is written as one new line. "
    "Type a word or letter and press Enter. Type crisis at any time for where to find help now."
)
CODE_ASK = "Type the room code your facilitator gave you, then press Enter."
NAME_ASK = (
    "Type the name to show in the room, then press Enter. "
    "A first name, a nickname or a made-up name is fine."
)
RECEIVED_WORDS = (
    "Your share was received. Thank you for sharing. It reaches the facilitator together with "
    "others in a few moments, without your name."
)
ANONYMITY_WORDS = (
    "Shares are anonymous: nobody, not even the facilitator, can see who wrote one. "
    "The facilitator reads each share before the room sees it."
)
FEW_PEOPLE_WORDS = (
    "Only a few people are here right now, so others might guess who wrote a share. "
    "You can still write one, or keep it for later."
)
HAND_WORDS = (
    "When you raise your hand, the facilitator sees your name in the queue of people who "
    "would like to speak. The rest of the room does not see the queue. "
    "Type y and Enter to raise your hand, or just Enter for not now."
)
REQUEST_ASK = (
    "This asks to talk with a counselor after group. The facilitators will see your name and "
    "your note; nobody else will. Type a short note if you like, then press Enter. "
    "To send it without a note, type a single dot. An empty line means not now."
)
CRISIS_PRIVATE = (
    "Reading this sends nothing and is not recorded. Nobody is told. "
    "You can also tell the facilitator or any staff member."
)
PASSED_WORDS = "You passed your turn. Only the facilitator knows; the room saw the next turn."
GOODBYE = "You have left. While the session runs you can join again with the same room code."

HELP: dict[str, str] = {
    "s": "write an anonymous share (or type s, a space and your words)",
    "h": "raise your hand",
    "lower": "lower your hand",
    "p": "pass on your turn",
    "t": "ask to talk with a counselor after group",
    "x": "step out of the exercise quietly",
    "back": "join the exercise again",
    "number": "answer the check-in",
    "w": "hear where the room is now",
    "c": "crisis help: where to find help right now",
    "?": "hear what you can type now",
    "q": "leave the session",
}


class PlainTerminal:
    """One participant, line by line: join, follow the room, and take part."""

    def __init__(
        self,
        uri: str,
        lines: LineSource,
        *,
        code: str | None = None,
        name: str | None = None,
        out: TextIO | None = None,
        tls: ssl.SSLContext | None = None,
        reconnect_delays: Delays = DEFAULT_DELAYS,
        open_timeout: float = OPEN_TIMEOUT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.uri = uri
        self.lines = lines
        self.out = out if out is not None else sys.stdout
        self.tls = tls
        self.reconnect_delays = reconnect_delays
        self.open_timeout = open_timeout
        self.clock = clock
        self._code = "".join((code or "").split()) or None
        self._name = name.strip() if name is not None else None
        self._reset_session()

    def _reset_session(self) -> None:
        self.link: HubLink | None = None
        self.mirror = SessionMirror()
        self.following = Following()
        self.narrator = Narrator()
        self._pending: dict[str, Callable[[Ack | Error], None]] = {}
        self._asking: Callable[[str], None] | None = None
        self._said_link = ""
        self._ended = asyncio.Event()
        self._tasks: set[asyncio.Future[None]] = set()

    # -- output ----------------------------------------------------------------------------------

    def say(self, line: str) -> None:
        """One line, written at once (a screen reader reads it as soon as it arrives)."""
        self.out.write(line + "\n")
        self.out.flush()

    def hub_now(self) -> float:
        return self.link.hub_now() if self.link is not None else self.clock()

    def _narrate(self) -> None:
        if not self.mirror.caught_up or not self.following.joined:
            return
        for line in self.narrator.tell(self.mirror.state, self.following, self.hub_now()):
            self.say(line)
        if self.mirror.state.status == "ended":
            credentials.forget_seat(self.uri)
            self._ended.set()

    # -- the whole run ---------------------------------------------------------------------------

    async def run(self) -> int:
        """Join, follow the session until it ends or the person leaves; the exit status."""
        self.say(GREETING)
        try:
            while True:
                hello = await self._ask_join()
                if hello is None:
                    self.say("Goodbye.")
                    return 0
                outcome = await self._session(hello)
                if outcome != "refused":
                    return 1 if outcome == "untrusted" else 0
                self._code = None  # the code may be why: ask for it again, keep the name
                self._reset_session()
        finally:
            self.lines.close()

    async def _ask(self, question: str) -> str | None:
        """Ask until there is an answer; crisis help is one word away even here."""
        while True:
            self.say(question)
            line = await self.lines.next()
            if line is None:
                return None
            word = line.strip()
            if word.lower() in ("crisis", "c?"):
                self._crisis()
                continue
            if word.lower() in ("q", "quit"):
                return None
            if word:
                return word

    async def _ask_join(self) -> Hello | None:
        while True:
            code = self._code
            if code is None:
                answer = await self._ask(CODE_ASK)
                if answer is None:
                    return None
                code = "".join(answer.split())
            hello = Hello(protocol=PROTOCOL_VERSION, role="participant", code=code)
            if not hello_fits(hello):
                self.say(
                    "That looks longer than a room code. Please check it with your facilitator."
                )
                self._code = None
                continue
            self._code = code
            kept = credentials.seat(self.uri, code)
            if kept is not None:  # this terminal has a seat in that session: back to it
                return Hello(
                    protocol=PROTOCOL_VERSION,
                    role="participant",
                    code=code,
                    session=kept.session,
                    token=kept.token,
                )
            while True:
                raw = self._name
                if raw is None:
                    raw = await self._ask(NAME_ASK)
                    if raw is None:
                        return None
                name = clean_name(raw)
                if isinstance(name, Error):
                    self.say(name.detail)
                    self._name = None
                    continue
                self._name = name
                return Hello(protocol=PROTOCOL_VERSION, role="participant", code=code, name=name)

    async def _session(self, hello: Hello) -> str:
        """Follow one session: "ended", "left", "refused" or "untrusted"."""
        self.say("Joining…")
        link = self.link = HubLink(
            self.uri,
            hello,
            reconnect_delays=self.reconnect_delays,
            clock=self.clock,
            ssl=self.tls,
            open_timeout=self.open_timeout,
        )
        runner = asyncio.create_task(self._run_link(link))
        ticker = asyncio.create_task(self._tick())
        reading: asyncio.Task[str | None] | None = None
        ended = asyncio.create_task(self._ended.wait())
        outcome = "left"
        try:
            while True:
                if reading is None:
                    reading = asyncio.create_task(self.lines.next())
                await asyncio.wait({runner, reading, ended}, return_when=asyncio.FIRST_COMPLETED)
                if ended.done():
                    outcome = "ended"
                    break
                if runner.done():
                    outcome = runner.result()
                    break
                line = reading.result()
                reading = None
                if line is None or not await self._typed(line):
                    self.say(GOODBYE)
                    break
        finally:
            waiting = [ticker, ended, *([reading] if reading is not None else [])]
            for task in waiting:
                task.cancel()
            # Gone before anyone reads again: a line read still waiting would refuse the next.
            await asyncio.gather(*waiting, return_exceptions=True)
            await link.close()
            with contextlib.suppress(asyncio.CancelledError, Refused, Untrusted):
                await asyncio.wait_for(runner, 5)
        return outcome

    async def _run_link(self, link: HubLink) -> str:
        try:
            await link.run(self._frame, self._status)
        except Refused as exc:
            credentials.forget_seat(self.uri)  # a seat the hub refused is gone: join afresh
            self.say(f"{exc.error.detail} Let's try again.")
            return "refused"
        except Untrusted:
            return "untrusted"  # the reason was said as the link closed
        return "left"

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(TICK_SECONDS)
            self._narrate()

    # -- the hub ---------------------------------------------------------------------------------

    def _frame(self, frame: ServerMessage) -> None:
        self.mirror.apply(frame)
        if isinstance(frame, Welcome):
            first = not self.following.joined
            self.following.join(frame.participant)
            if first:
                self.say("You are in. Type ? and Enter at any time to hear what you can do.")
        elif isinstance(frame, Ack | Error):
            done = self._pending.pop(frame.command or "", None)
            if done is not None:
                done(frame)
            elif isinstance(frame, Error):
                self.say(frame.detail)
        self._keep_seat()
        self._narrate()

    def _keep_seat(self) -> None:
        welcome, state = self.mirror.welcome, self.mirror.state
        if welcome is None or welcome.role != "participant" or not self.mirror.caught_up:
            return
        if state.status == "ended":
            credentials.forget_seat(self.uri)
        elif state.code:
            credentials.save_seat(
                self.uri, credentials.Seat(welcome.session_id, welcome.token, state.code)
            )

    def _status(self, status: LinkStatus, detail: str) -> None:
        link = self.link
        words = ""
        if status == "connecting" and detail and link is not None and link.retry is not None:
            seconds = link.retry.seconds_left(self.clock())
            words = (
                f"Can't reach the hub at {self.uri}: {detail}. Trying again in {seconds} "
                "seconds. Is the hub running, and is the address right?"
            )
        elif status == "reconnecting":
            words = (
                "The connection was lost. Trying again; anything you type is kept and sent "
                "when it is back."
            )
        elif status == "online" and self._said_link.startswith("The connection was lost"):
            words = "Connected again."
        elif status == "closed" and detail and self.mirror.state.status != "ended":
            if link is not None and link.welcome is None:
                return  # a refusal: said with what to do next by ``_run_link``
            words = detail
        if words and words != self._said_link:
            self._said_link = words
            self.say(words)

    # -- what the person types -------------------------------------------------------------------

    async def _typed(self, line: str) -> bool:
        """Act on one typed line; False to leave."""
        if self._asking is not None:
            answer, self._asking = self._asking, None
            answer(line)
            return True
        text = line.strip()
        word, _, rest = text.partition(" ")
        word = word.lower()
        if not word:
            return True
        if word in ("q", "quit", "leave"):
            return False
        if word in ("?", "help"):
            self._help()
        elif word in ("c", "crisis"):
            self._crisis()
        elif word in ("w", "where"):
            self._where()
        elif word in ("s", "share"):
            await self._share(rest)
        elif word in ("h", "hand", "raise"):
            await self._hand()
        elif word in ("lower", "down"):
            await self._lower()
        elif word in ("p", "pass"):
            await self._pass()
        elif word in ("t", "talk"):
            self._talk()
        elif word in ("x", "back", "out"):
            self._exercise()
        elif word.isdigit():
            await self._answer(int(word))
        else:
            self.say(
                f"“{text}” is not something this terminal knows. Type ? to hear what you can type."
            )
        return True

    @property
    def _actor(self) -> Actor:
        return Actor(role="participant", seat=self.following.seat)

    def _refusal(self, command: AnyCommand) -> str | None:
        """The rule core's words if the hub would refuse ``command`` now (None: it takes it)."""
        verdict = decide(self.mirror.state, command, self._actor, self.hub_now())
        return verdict.detail if isinstance(verdict, Error) else None

    def _offered(self, command: AnyCommand) -> bool:
        return self.following.joined and self._refusal(command) is None

    def _later(self, coroutine: Coroutine[object, object, None]) -> None:
        """Run a send started from an answer to a question; kept so it is not collected."""
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, command: AnyCommand, done: Callable[[Ack | Error], None]) -> None:
        self._pending[command.id] = done
        if self.link is not None:
            await self.link.send(command)

    def _help(self) -> None:
        state, following = self.mirror.state, self.following
        offered = ["w", "c", "?", "q"]
        if following.share_open(state, self.hub_now()):
            offered.insert(0, "s")
        if following.hand_up(state):
            offered.insert(0, "lower")
        elif self._offered(RaiseHand(id="probe", raised=True)) and not following.my_turn(state):
            offered.insert(0, "h")
        if following.can_pass(state):
            offered.insert(0, "p")
        if self._offered(RequestTalk(id="probe")) and not following.request_open(state):
            offered.insert(0, "t")
        if following.stepped_out(state) is not None:
            offered.insert(0, "back")
        elif following.room_run(state) is not None and state.exercise is not None:
            offered.insert(0, "x")
        ask = following.ask(state)
        shown = following.checkin(state)
        if ask is not None and shown is not None and shown.open:
            offered.insert(0, "number")
        self.say("You can type: " + "; ".join(f"{key}: {HELP[key]}" for key in offered) + ".")

    def _crisis(self) -> None:
        welcome = self.mirror.welcome
        facility = welcome.crisis if welcome is not None else ""
        locale = welcome.locale if welcome is not None else DEFAULT_LOCALE
        self.say("If you need help right now: " + " ".join(crisis_words(facility, locale)))
        self.say(CRISIS_PRIVATE)

    def _where(self) -> None:
        """Where the room is now, said afresh (nothing this terminal follows changes)."""
        if not self.following.joined or not self.mirror.caught_up:
            self.say("Not in the session yet.")
            return
        scratch = copy.deepcopy(self.following)
        for line in Narrator().tell(self.mirror.state, scratch, self.hub_now()):
            self.say(line)

    async def _share(self, words: str) -> None:
        state = self.mirror.state
        if not self.following.joined:
            return
        refused = self._refusal(SubmitShare(id="probe", text="probe"))
        if refused is not None:
            self.say(f"{refused} Your words were not sent.")
            return
        if words.strip():
            await self._send_share(words)
            return
        note = ANONYMITY_WORDS
        if few_people(state):
            note += " " + FEW_PEOPLE_WORDS
        self.say(note)
        self.say(
            f"Write your share on one line, up to {MAX_SHARE_CHARS} characters, then press "
            "Enter. An empty line means not now."
        )

        def written(line: str) -> None:
            if not line.strip():
                self.say("Nothing was sent.")
                return
            self._later(self._send_share(line))

        self._asking = written

    async def _send_share(self, text: str) -> None:
        current = draft(text)
        if current.problem == "too_long":
            self.say(
                f"This share has {current.length} characters; a share can be up to "
                f"{MAX_SHARE_CHARS}. Please shorten it a little and type s again."
            )
            return
        if current.problem == "empty":
            self.say("There is nothing to send yet. Write a few words first.")
            return

        def answered(frame: Ack | Error) -> None:
            if isinstance(frame, Ack):
                self.say(RECEIVED_WORDS)
            else:
                self.say(f"Your share was not sent: {frame.detail}")

        online = self.link is not None and self.link.welcome is not None
        self.say("Sending…" if online else "Waiting for the connection. It will be sent then.")
        await self._send(SubmitShare(id=new_id(), text=text), answered)

    async def _hand(self) -> None:
        if self.following.hand_up(self.mirror.state):
            self.say("Your hand is already up. Type lower to lower it.")
            return
        refused = self._refusal(RaiseHand(id="probe", raised=True))
        if refused is not None:
            self.say(refused)
            return
        if self.following.hand_explained:
            await self._send(RaiseHand(id=new_id(), raised=True), self._said_if_refused)
            return
        self.say(HAND_WORDS)

        def decided(line: str) -> None:
            if line.strip().lower() not in ("y", "yes"):
                self.say("Your hand stays down.")
                return
            self.following.hand_explained = True
            self._later(self._send(RaiseHand(id=new_id(), raised=True), self._said_if_refused))

        self._asking = decided

    async def _lower(self) -> None:
        if not self.following.hand_up(self.mirror.state):
            self.say("Your hand is not up.")
            return
        await self._send(RaiseHand(id=new_id(), raised=False), self._said_if_refused)

    def _said_if_refused(self, frame: Ack | Error) -> None:
        if isinstance(frame, Error):
            self.say(frame.detail)

    async def _pass(self) -> None:
        state = self.mirror.state
        speaker = state.speaker
        if speaker is None or not self.following.can_pass(state):
            self.say("It is not your turn in a round, so there is nothing to pass.")
            return
        # Not dry-run: whose turn comes next is the facilitators' to know (a participant's state
        # holds no round), so the hub alone can decide; ``can_pass`` is what this seat sees.
        command = PassTurn(id=new_id())
        self.following.passed = speaker.turn

        def answered(frame: Ack | Error) -> None:
            if isinstance(frame, Error):
                self.following.passed = None
                self.say(frame.detail)
            else:
                self.say(PASSED_WORDS)

        await self._send(command, answered)

    def _talk(self) -> None:
        refused = self._refusal(RequestTalk(id="probe"))
        if refused is not None:
            self.say(refused)
            return
        self.say(REQUEST_ASK)

        def written(line: str) -> None:
            note = " ".join(line.split())
            if not note:
                self.say("Nothing was sent.")
                return
            command = RequestTalk(id=new_id(), note="" if note == "." else note)
            refused = self._refusal(command)  # e.g. a note too long, in the core's words
            if refused is not None:
                self.say(f"{refused} Type t to try again.")
                return
            self._later(self._send(command, self._said_if_refused))

        self._asking = written

    def _exercise(self) -> None:
        state, following = self.mirror.state, self.following
        if following.stepped_out(state) is not None:
            following.rejoin(state)
        elif following.room_run(state) is not None and state.exercise is not None:
            following.leave(state)
        else:
            self.say("No exercise is going on right now.")
            return
        self._narrate()

    async def _answer(self, value: int) -> None:
        state, following = self.mirror.state, self.following
        shown = following.checkin(state)
        ask = following.ask(state)
        if shown is None or ask is None or not shown.open:
            self.say("There is no check-in open right now.")
            return
        if not ask.answering:
            self.say("Your answer is on its way. A moment, please.")
            return
        question = shown.question
        if value not in question.values:
            self.say(
                "That is not one of the answers. Please type a number from "
                f"{question.low} to {question.high}."
            )
            return
        command = AnswerCheckin(id=new_id(), checkin=shown.number, value=value)
        refused = self._refusal(command)
        if refused is not None:
            self.say(refused)
            return
        ask.sent(value, command.id)

        def answered(frame: Ack | Error) -> None:
            if isinstance(frame, Ack):
                ask.taken()
                self.say(
                    f"Your answer, {question.label(value)}, was received. You can change it "
                    "by typing another number until the check-in closes."
                )
            else:
                ask.refused(frame.detail)
                self.say(f"{frame.detail} You can choose again.")

        await self._send(command, answered)
