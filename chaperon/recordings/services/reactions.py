"""How recordings react to what other apps announce (subscribed in ``apps.py``)."""

from chaperon.consent.events import ConsentWithdrawn
from chaperon.core.service_log import logged

from . import destruction


@logged
def destroy_for_withdrawn_consent(event: ConsentWithdrawn) -> None:
    """Subscribed to ``ConsentWithdrawn``: queues ``destruction.destroy_for_withdrawn_consent``
    as a task that is tried again until the store lets it finish."""
    destruction.queue_for_withdrawn_consent(event)
