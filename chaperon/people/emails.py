"""The one normal form of an email address, in which every address is stored and compared."""

import unicodedata


def normalise_email(address: str) -> str:
    """``address`` in its normal form: trimmed, Unicode NFKC with case folded, and the domain
    in its ASCII (IDNA) spelling.

    Compatibility and case variants of a letter are one letter here: U+017F (long s) is
    ``s``, U+212A (Kelvin sign) and U+FF2B (full-width K) are ``k``. Stored addresses are always
    in this form, and every look-up (sign-in, password reset, lockout, imports) compares normal
    forms exactly, so an address that reaches an account is always counted against that
    account's own lockout.
    A domain in another script (``bücher.example``) is kept as its ``xn--`` spelling, which is
    what mail servers use and makes a look-alike of an ASCII domain visibly different.
    """
    folded = unicodedata.normalize(
        "NFKC", unicodedata.normalize("NFKC", address.strip()).casefold()
    )
    local, at, domain = folded.rpartition("@")
    if not at or domain.isascii():
        return folded
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return folded  # not a domain name at all: validation refuses it and says why
    return f"{local}@{ascii_domain}"
