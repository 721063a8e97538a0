"""The exemptions a DSL may give for withholding a third party from a subject access export
(UK GDPR article 15 with the Data Protection Act 2018). A fixed list: each is a ground the Act
gives for not disclosing, named as the Act names it, so that the decision kept says exactly
which was used. docs/subject-access.md says when each applies."""

from django.db import models


class Exemption(models.TextChoices):
    THIRD_PARTY = (
        "third_party",
        "Third party's personal data (DPA 2018 Sch 2 para 16)",
    )
    SERIOUS_HARM = (
        "serious_harm",
        "Serious harm to someone's physical or mental health (DPA 2018 Sch 3)",
    )
    CHILD_ABUSE = (
        "child_abuse",
        "Child abuse data, not in the child's best interests (DPA 2018 Sch 3 para 21)",
    )
    CRIME = "crime", "Crime and taxation (DPA 2018 Sch 2 para 2)"
    LEGAL_PRIVILEGE = "legal_privilege", "Legal professional privilege (DPA 2018 Sch 2 para 19)"
    CONFIDENTIAL_REFERENCE = (
        "confidential_reference",
        "Confidential reference (DPA 2018 Sch 2 para 24)",
    )


def withheld_text(exemption: str) -> str:
    """What stands in the export wherever a withheld third party was."""
    return f"[withheld: {Exemption(exemption).label}]"
