"""A guided exercise on one terminal: what to do now, how long is left, a breathing pacer, and
the check-in about it ("How do you feel now?") once the room's exercise is over and the
facilitator asks it.

One module per widget:

- ``room``: ``ExerciseView``, the room's exercise on a participant's terminal, then the check-in
  (``checkin``).
  The room board shows the guided part alone (``ExerciseView(read_only=True)``): no question, no
  banner of its own and no words about keys, since nobody at a wall can press one.
- ``guided``: ``GuidedView``, one run as it goes, drawn from the run and a clock.
- ``checkin``: ``CheckinQuestion``, any check-in question, answered privately and changed until
  it closes, then its published answers; on the session's own check-in view too.
- ``choices``: ``ChoiceRow`` and its kinds, ``ScaleAnswer``, ``YesNoAnswer`` and
  ``QuestionAnswer`` (an answer to any check-in question).
- ``private``: ``PrivateAnswers``, what someone practising alone answers, and nowhere else: no
  widget here can send anything, and nothing here is written to disk.

These views never keep time of their own: where a run is at a moment is
``client.following.moment``, and every change to a run is ``shared.exercise_run``'s.
"""

from client.widgets.exercise_view.checkin import ANONYMOUS_WORDS, CheckinQuestion
from client.widgets.exercise_view.choices import (
    ChoiceRow,
    QuestionAnswer,
    ScaleAnswer,
    YesNoAnswer,
)
from client.widgets.exercise_view.guided import (
    DONE_WORDS,
    FRAME_SECONDS,
    PAUSED_WORDS,
    PRIVATE_NOTE,
    ROOM_NOTE,
    STOPPED_WORDS,
    GuidedView,
    cue_words,
    left_words,
    progress_words,
)
from client.widgets.exercise_view.private import Answer, PrivateAnswers, answer_words
from client.widgets.exercise_view.room import BOARD_NOTE, ExerciseView

__all__ = [
    "ANONYMOUS_WORDS",
    "BOARD_NOTE",
    "DONE_WORDS",
    "FRAME_SECONDS",
    "PAUSED_WORDS",
    "PRIVATE_NOTE",
    "ROOM_NOTE",
    "STOPPED_WORDS",
    "Answer",
    "CheckinQuestion",
    "ChoiceRow",
    "ExerciseView",
    "GuidedView",
    "PrivateAnswers",
    "QuestionAnswer",
    "ScaleAnswer",
    "YesNoAnswer",
    "answer_words",
    "cue_words",
    "left_words",
    "progress_words",
]
