"""Plain Python that every layer may use, the policy engine included: no Django, no
database, no clock, and nothing else from Chaperon (an import-linter contract holds it to
that)."""
