"""Domain errors shared by services, pages and the API.

Each carries a stable machine code and a Chinese message a user can act on.
"""


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InvalidInput(DomainError):
    status = 400
    code = "invalid_input"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class InvalidTransition(DomainError):
    status = 409
    code = "invalid_transition"
