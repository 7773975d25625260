"""The one exception the bring-up raises: a single line saying what to do."""


class BringUpError(Exception):
    """A step of the bring-up failed; str() is one line that says what to do."""
