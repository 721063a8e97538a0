"""What one connection may send (ROOM-1): at most ``MESSAGES_PER_SECOND`` messages a second
on average, in bursts of up to ``MESSAGE_BURST`` (text and media chunks alike). A message
beyond that is dropped and the sender told once per run of drops; a connection that has had
``DROPPED_BEFORE_CLOSE`` messages dropped is closed. The numbers are in docs/rooms.md."""

import time

MESSAGES_PER_SECOND = 20
MESSAGE_BURST = 60
DROPPED_BEFORE_CLOSE = 100


def clock() -> float:
    return time.monotonic()


class MessageBudget:
    """A token bucket: ``take`` spends one message, or says there is none to spend."""

    def __init__(self) -> None:
        self.tokens = float(MESSAGE_BURST)
        self.at = clock()
        self.dropped = 0
        self.dropping = False

    def take(self) -> bool:
        now = clock()
        self.tokens = min(MESSAGE_BURST, self.tokens + (now - self.at) * MESSAGES_PER_SECOND)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            self.dropping = False
            return True
        self.dropped += 1
        return False

    @property
    def exhausted(self) -> bool:
        return self.dropped >= DROPPED_BEFORE_CLOSE
