"""Keys kept in the session between the password and the second factor."""

# The user who has given a correct password but not yet their second factor.
PENDING_USER_KEY = "chaperon_pending_user"
# A base32 secret shown for set-up, kept here (not in the database) until a code confirms it.
PENDING_SECRET_KEY = "chaperon_pending_totp_secret"  # noqa: S105 (a session key name)
# Set once the second factor has been given in this session.
SECOND_FACTOR_KEY = "chaperon_second_factor"
# Where to go after signing in.
NEXT_KEY = "chaperon_next"
# How the pending user proved who they are ("password" or "organisation account").
PENDING_METHOD_KEY = "chaperon_sign_in_method"
