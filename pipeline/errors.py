"""Errors a user can act on. Their text is shown as is, never with a traceback."""


class CaseAuditError(Exception):
    """A problem with configuration or input that the user must fix."""


class FileRefused(CaseAuditError):
    """A whole input file cannot be loaded; nothing of it is stored.

    `rule` is the catalogue code of the refusal (see `case-audit rules`).
    """

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
