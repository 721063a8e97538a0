import subprocess
import sys
from collections import Counter

import pytest

from chaperon.audit.models import AuditEvent
from chaperon.audit.verify import verify_chain

WRITERS = 4
APPENDS = 100
# Three writers share organisation 1's chain; the last writes to organisation 2's.
ORGANISATION_OF = {0: 1, 1: 1, 2: 1, 3: 2}

# Each writer sets up Django, says it is ready, waits for the word, then appends.
WRITER = """
import sys

import django

django.setup()

from chaperon.audit.actions import AuditAction
from chaperon.audit.services import record

writer, appends, organisation = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
print("ready", flush=True)
sys.stdin.readline()
for number in range(appends):
    record(
        action=AuditAction.LEARNER_VIEWED,
        organisation_id=organisation,
        actor_label=f"writer-{writer}",
        data={"number": number},
    )
print("done", flush=True)
"""


@pytest.mark.clause("LOG-2")
@pytest.mark.django_db(transaction=True)
def test_writers_in_several_processes_leave_unbroken_gapless_chains(
    process_env: dict[str, str],
) -> None:
    writers = [
        subprocess.Popen(  # noqa: S603 (our own interpreter and script)
            [sys.executable, "-c", WRITER, str(writer), str(APPENDS), str(ORGANISATION_OF[writer])],
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
    assert (result.ok, result.events, result.chains, result.problem) == (
        True,
        WRITERS * APPENDS,
        2,
        "",
    )
    for organisation in (1, 2):  # each chain numbered 1, 2, 3, ... with no gaps
        chain = AuditEvent.objects.filter(chain=organisation).order_by("seq")
        sharing = sum(1 for writer in ORGANISATION_OF.values() if writer == organisation)
        assert list(chain.values_list("seq", flat=True)) == list(range(1, sharing * APPENDS + 1))
    events = list(AuditEvent.objects.order_by("id").values_list("seq", "actor_label", "data"))
    assert Counter(label for _, label, _ in events) == {
        f"writer-{writer}": APPENDS for writer in range(WRITERS)
    }
    for writer in range(WRITERS):  # each writer's events in the order it wrote them
        numbers = [data for _, label, data in events if label == f"writer-{writer}"]
        assert numbers == [f'{{"number":{number}}}' for number in range(APPENDS)]
