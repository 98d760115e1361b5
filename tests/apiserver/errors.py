"""Kubernetes-style errors: an ApiError exception that becomes a meta/v1 Status object.

The message shapes follow k8s.io/apimachinery/pkg/api/errors (NewNotFound, NewAlreadyExists,
NewConflict, NewInvalid, NewForbidden, NewBadRequest, ...), so clients that parse `reason`,
`code` and `details` behave as they do against a real kube-apiserver.

Example:
    raise not_found("apps", "deployments", "web")
    # -> 404 {"kind": "Status", "reason": "NotFound",
    #         "message": "deployments.apps \"web\" not found", ...}
"""


class ApiError(Exception):
    """An error answered as a Status object with HTTP status `code`."""

    def __init__(self, code, reason, message, details=None, headers=None):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.headers = headers or {}

    def status(self):
        return status_object(self.code, self.reason, self.message, self.details)


def status_object(code, reason, message, details=None):
    """A meta/v1 Status with status Failure (or Success for 2xx codes)."""
    obj = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success" if 200 <= code < 300 else "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    if details:
        obj["details"] = details
    if not reason:
        del obj["reason"]
    if not message:
        del obj["message"]
    return obj


def qualified(group, resource):
    """`deployments.apps`, or `pods` for the core group (GroupResource.String())."""
    return f"{resource}.{group}" if group else resource


def _details(group, resource, name, causes=None):
    d = {}
    if name:
        d["name"] = name
    if group:
        d["group"] = group
    d["kind"] = resource
    if causes:
        d["causes"] = causes
    return d


def not_found(group, resource, name):
    return ApiError(404, "NotFound", f'{qualified(group, resource)} "{name}" not found',
                    _details(group, resource, name))


def already_exists(group, resource, name):
    return ApiError(409, "AlreadyExists", f'{qualified(group, resource)} "{name}" already exists',
                    _details(group, resource, name))


def conflict(group, resource, name, why=None):
    why = why or ("the object has been modified; please apply your changes to the latest "
                  "version and try again")
    return ApiError(409, "Conflict",
                    f"Operation cannot be fulfilled on {qualified(group, resource)} "
                    f'"{name}": {why}',
                    _details(group, resource, name))


def invalid(group, kind, name, causes):
    """422 Invalid. causes: list of (field, reason, message) where message already includes
    the "Invalid value: ..." prefix, exactly as field.Error.ErrorBody() renders it."""
    parts = [f"{field}: {msg}" if field else msg for field, _, msg in causes]
    summary = parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"
    gk = f"{kind}.{group}" if group else kind
    message = f'{gk} "{name}" is invalid: {summary}'
    details = _details(group, kind, name,
                       [{"reason": r, "message": m, "field": f} for f, r, m in causes])
    return ApiError(422, "Invalid", message, details)


def forbidden(user, verb, group, resource, subresource, name, namespace):
    full = f"{resource}/{subresource}" if subresource else resource
    target = f'{qualified(group, resource)} "{name}"' if name else qualified(group, resource)
    scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
    message = (f'{target} is forbidden: User "{user}" cannot {verb} resource "{full}" '
               f'in API group "{group}" {scope}')
    return ApiError(403, "Forbidden", message, _details(group, resource, name))


def unauthorized():
    return ApiError(401, "Unauthorized", "Unauthorized")


def bad_request(message):
    return ApiError(400, "BadRequest", message)


def method_not_allowed(method):
    return ApiError(405, "MethodNotAllowed",
                    f"the server does not allow this method on the requested resource "
                    f"({method})")


def unsupported_media_type(content_type, strategic=True):
    accepted = "application/json-patch+json, application/merge-patch+json"
    if strategic:
        accepted += ", application/strategic-merge-patch+json"
    return ApiError(415, "UnsupportedMediaType",
                    f"the body of the request was in an unknown format - accepted media types "
                    f"include: {accepted}")


def not_acceptable(message):
    return ApiError(406, "NotAcceptable", message)


def expired(requested_rv, oldest_rv):
    return ApiError(410, "Expired",
                    f"too old resource version: {requested_rv} ({oldest_rv})")


def too_many_requests(retry_after_s):
    return ApiError(429, "TooManyRequests", "Too many requests, please try again later.",
                    {"retryAfterSeconds": int(retry_after_s)},
                    {"Retry-After": str(int(retry_after_s))})


def internal_error(message="an injected internal error"):
    return ApiError(500, "InternalError",
                    f"Internal error occurred: {message}",
                    {"causes": [{"message": message}]})


def service_unavailable(retry_after_s):
    return ApiError(503, "ServiceUnavailable", "the server is currently unable to handle the "
                    "request", {"retryAfterSeconds": int(retry_after_s)},
                    {"Retry-After": str(int(retry_after_s))})


def path_not_found(path):
    # The real server answers unknown paths with a bare 404 Status (reason NotFound, no details).
    return ApiError(404, "NotFound", "the server could not find the requested resource")
