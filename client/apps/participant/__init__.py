"""The participant terminal: join with a room code and a chosen name, follow the agenda, share,
follow the room's guided exercises and practise one alone.

- ``app``: ``ParticipantApp``. The join, session, exercise and ended views live side by side in
  one ``ContentSwitcher`` on the main screen, so a reconnect or a return to the join view never
  loses what someone has typed.
- ``join``, ``session``, ``ended``: those views (the exercise view is
  ``client.widgets.exercise_view``).
- ``hidden``: the blank screen F9 pushes on top; whatever changes underneath stays underneath.
- ``practice``: practising alone, another screen on top, with no way to reach the hub.

What the views show for a state and a time (which view, which room exercise, what the share
box offers) is ``client.following``, which has no Textual in it.
"""

from client.apps.participant.app import ParticipantApp
from client.apps.participant.hidden import HiddenScreen
from client.apps.participant.practice import ConfirmLeaveScreen, PracticeScreen

__all__ = ["ConfirmLeaveScreen", "HiddenScreen", "ParticipantApp", "PracticeScreen"]
