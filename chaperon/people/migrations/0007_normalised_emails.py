"""Store every email address in its normal form (``chaperon.people.emails.normalise_email``).

Addresses were kept in lower case; an account whose address differed from another's only by a
compatibility or case variant of a letter (U+017F, the long s, for an s) is now the same
address. Should two accounts meet that way, the migration stops and names them, changing
nothing: an operator decides which account keeps the address before migrating again.
"""

from collections import defaultdict

from django.db import migrations

from chaperon.people.emails import normalise_email


def _normalise_users(User) -> None:
    by_normal_form = defaultdict(list)
    for pk, email in User.objects.values_list("pk", "email"):
        by_normal_form[normalise_email(email)].append((pk, email))
    clashes = {form: rows for form, rows in by_normal_form.items() if len(rows) > 1}
    if clashes:
        listed = "; ".join(
            f"{form}: " + ", ".join(f"user {pk} ({email!r})" for pk, email in rows)
            for form, rows in sorted(clashes.items())
        )
        raise RuntimeError(
            "These accounts have the same email address once it is normalised; give all but "
            f"one of them another address, then migrate again: {listed}"
        )
    for form, [(pk, email)] in by_normal_form.items():
        if form != email:
            User.objects.filter(pk=pk).update(email=form)


def _normalise_contacts(Model) -> None:
    for pk, email in Model.objects.exclude(email="").values_list("pk", "email"):
        if normalise_email(email) != email:
            Model.objects.filter(pk=pk).update(email=normalise_email(email))


def normalise(apps, schema_editor) -> None:
    _normalise_users(apps.get_model("people", "User"))
    _normalise_contacts(apps.get_model("people", "Learner"))
    _normalise_contacts(apps.get_model("people", "Guardian"))


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_single_line_fields"),
    ]

    operations = [
        migrations.RunPython(normalise, migrations.RunPython.noop),
    ]
