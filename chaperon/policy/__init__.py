"""The session policy.

- ``engine``: the policy as a pure function, ``evaluate(policy, plan) -> Verdict``, with the
  policy document, the plan format and the rules in words. Plain Python: no Django, no
  database, no clock, nothing from the rest of Chaperon but ``chaperon.core.pure``.
- Around it, the Django side: the ``chaperon policy check`` command and the API operation.
"""
