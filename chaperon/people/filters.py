"""The search and filters (GET) of the staff and learners lists."""

from django import forms

from chaperon.core.forms import Form

from .roles import Role
from .selectors import COMPLIANCE_FILTERS, learner_search_problem


class _SearchForm(Form):
    """A list's search box: refused, with the reason, when it has too many words to run."""

    def clean_q(self) -> str:
        search: str = self.cleaned_data["q"]
        problem = learner_search_problem(search)
        if problem is not None:
            raise forms.ValidationError(f"Your search {problem}.")
        return search


class StaffFilterForm(_SearchForm):
    q = forms.CharField(label="Search by name or email", required=False)
    role = forms.ChoiceField(label="Role", choices=[("", "Any"), *Role.choices], required=False)
    compliance = forms.ChoiceField(
        label="Checks", choices=[("", "Any"), *COMPLIANCE_FILTERS.items()], required=False
    )

    def __init__(self, *args: object, with_compliance: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not with_compliance:  # only those who may see the checks filter by them
            del self.fields["compliance"]

    def choices(self) -> dict[str, str]:
        """The valid search and filters, by the selector's argument names."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "search": data.get("q", ""),
            "role": data.get("role", ""),
            "compliance": data.get("compliance", ""),
        }


class LearnerFilterForm(_SearchForm):
    q = forms.CharField(label="Search by name or id", required=False)
    year_group = forms.ChoiceField(label="Year or group", required=False)
    tutor_group = forms.ChoiceField(label="Tutor group", required=False)

    def __init__(
        self, *args: object, year_groups: list[str], tutor_groups: list[str], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, groups in (("year_group", year_groups), ("tutor_group", tutor_groups)):
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField):
                field.choices = [("", "All"), *[(group, group) for group in groups]]
