"""What sign-in holds about people, for the register of personal information (ORG-7)."""

from chaperon.core.processing import UNTIL_SCHEDULE, About, Basis, register_processing, said


def declare() -> None:
    register_processing(
        "accounts.totpdevice",
        what="Each user's authenticator secret and the last code used",
        about_whom=[About.STAFF],
        purpose="A second factor at sign-in for the privileged roles",
        lawful_basis=Basis.LEGITIMATE_INTERESTS,
        retention="Until the authenticator is reset or replaced",
        who_sees=said("nobody: it is only checked at sign-in"),
    )
    register_processing(
        "accounts.signincounter",
        what="Failed sign-ins counted, in a window, per account (by a digest of its email "
        "address) and per network (IP) address",
        about_whom=[About.STAFF, About.LEARNERS, About.GUARDIANS],
        purpose="Lock out anyone guessing passwords",
        lawful_basis=Basis.LEGITIMATE_INTERESTS,
        retention="An account's count is cleared when the person next signs in; otherwise "
        + UNTIL_SCHEDULE.lower(),
        who_sees=said("nobody: it is only counted"),
    )
    register_processing(
        "accounts.apitoken",
        what="API tokens: their name, prefix and hash, when made, last used and revoked",
        about_whom=[About.STAFF],
        purpose="Let a user's own programs call the API as them",
        lawful_basis=Basis.LEGITIMATE_INTERESTS,
        retention=UNTIL_SCHEDULE,
        who_sees=said("the user themselves"),
    )
    register_processing(
        "accounts.ssoidentity",
        what="Each member of staff's account at their organisation's sign-in provider: the "
        "provider and the account's subject id, when linked and last used",
        about_whom=[About.STAFF],
        purpose="Sign staff in with their organisation account, the same person each time "
        "whatever their email address at the provider becomes",
        lawful_basis=Basis.LEGITIMATE_INTERESTS,
        retention=UNTIL_SCHEDULE,
        who_sees=said("nobody: it is only matched at sign-in"),
    )
