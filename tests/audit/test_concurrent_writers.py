import subprocess
import sys
from collections import Counter

import pytest

from chaperon.audit.models import AuditEvent
from chaperon.audit.verify import verify_chain

WRITERS = 4
APPENDS = 100

# Each writer sets up Django, says it is ready, waits for the word, then appends.
WRITER = """
import sys

import django

django.setup()

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record

writer, appends = sys.argv[1], int(sys.argv[2])
print("ready", flush=True)
sys.stdin.readline()
for number in range(appends):
    record(
        action=AuditAction.LEARNER_VIEWED,
        organisation_id=1,
        actor_label=f"writer-{writer}",
        data={"number": number},
    )
print("done", flush=True)
"""


@pytest.mark.clause("LOG-2")
@pytest.mark.django_db(transaction=True)
def test_writers_in_several_processes_leave_one_unbroken_chain(
    process_env: dict[str, str],
) -> None:
    writers = [
        subprocess.Popen(  # noqa: S603 (our own interpreter and script)
            [sys.executable, "-c", WRITER, str(writer), str(APPENDS)],
            env=process_env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for writer in range(WRITERS)
    ]
    try:
        for process in writers:
            assert process.stdout is not None
            assert process.stdout.readline() == "ready\n", process.communicate(timeout=60)
        for process in writers:  # all at once
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        results = [process.communicate(timeout=180) for process in writers]
    finally:
        for process in writers:
            process.kill()
            process.wait()

    for process, (stdout, stderr) in zip(writers, results, strict=True):
        assert (process.returncode, stdout) == (0, "done\n"), stderr
    result = verify_chain()
    assert (result.ok, result.events, result.problem) == (True, WRITERS * APPENDS, "")
    events = list(AuditEvent.objects.order_by("seq").values_list("seq", "actor_label", "data"))
    assert [seq for seq, _, _ in events] == list(range(1, WRITERS * APPENDS + 1))
    assert Counter(label for _, label, _ in events) == {
        f"writer-{writer}": APPENDS for writer in range(WRITERS)
    }
    for writer in range(WRITERS):  # each writer's events in the order it wrote them
        numbers = [data for _, label, data in events if label == f"writer-{writer}"]
        assert numbers == [f'{{"number":{number}}}' for number in range(APPENDS)]
