"""Local HTTP servers answering as the providers' public APIs document (external SaaS is the one
thing tests may stand in for): Mailchimp Marketing v3, Google Calendar v3 + Google's OAuth token
endpoint, QuickBooks Online Accounting v3 + Intuit's token endpoint. Each records the requests
it got; `fail_next` queues an error answer (status, body, headers) for the next matching call."""

import base64
import hashlib
import itertools
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return json.loads(self.body) if self.body else None

    @property
    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Answer:
    status: int
    body: object = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


class FakeApi:
    routes: list[tuple[str, str, str]] = []  # (method, path regex, handler method name)

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.failures: list[tuple[str, Answer]] = []  # (path regex, answer) for the next match
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                parts = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                request = Request(self.command, parts.path, parse_qs(parts.query), dict(self.headers.items()), body)
                answer = api.dispatch(request)
                payload = b"" if answer.body is None else json.dumps(answer.body).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle  # noqa: N815

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def fail_next(self, path_pattern: str, status: int, body: object, headers: dict | None = None) -> None:
        self.failures.append((path_pattern, Answer(status, body, headers or {})))

    def dispatch(self, request: Request) -> Answer:
        with self.lock:
            self.requests.append(request)
            for index, (pattern, answer) in enumerate(self.failures):
                if re.search(pattern, request.path):
                    del self.failures[index]
                    return answer
            for method, pattern, name in self.routes:
                match = re.fullmatch(pattern, request.path)
                if match and method == request.method:
                    return getattr(self, name)(request, *[unquote(g) for g in match.groups()])
        return self.not_found(request)

    def not_found(self, request: Request) -> Answer:
        return Answer(404, {"error": "no such route"})

    def on(self, method: str, pattern: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and re.search(pattern, r.path)]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


# -- Mailchimp Marketing API v3 ----------------------------------------------------------------
class FakeMailchimp(FakeApi):
    """Basic auth with the API key; audiences (lists) and their members keyed by the MD5 of the
    lowercased email; batch subscribe answers 200 with per-member errors."""

    routes = [
        ("GET", r"/3.0/lists/([^/]+)", "list_get"),
        ("POST", r"/3.0/lists/([^/]+)", "batch_subscribe"),
    ]

    def __init__(self, api_key: str = "0123456789abcdef0123456789abcdef-us21") -> None:
        self.api_key = api_key
        self.lists: dict[str, dict] = {"mailchimp_list_123": {"name": "Newsletter", "members": {}}}
        super().__init__()

    @staticmethod
    def problem(status: int, title: str, detail: str, **extra) -> Answer:
        body = {
            "type": "https://mailchimp.com/developer/marketing/docs/errors/",
            "title": title,
            "status": status,
            "detail": detail,
            "instance": str(uuid.uuid4()),
            **extra,
        }
        return Answer(status, body, content_type="application/problem+json; charset=utf-8")

    def dispatch(self, request: Request) -> Answer:
        auth = request.headers.get("Authorization", "")
        given = (
            base64.b64decode(auth.removeprefix("Basic ")).decode().split(":", 1)[-1]
            if auth.startswith("Basic ")
            else ""
        )
        if given != self.api_key:
            self.requests.append(request)
            return self.problem(
                401,
                "API Key Invalid",
                "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
            )
        return super().dispatch(request)

    def not_found(self, request: Request) -> Answer:
        return self.problem(404, "Resource Not Found", "The requested resource could not be found.")

    def list_get(self, request: Request, list_id: str) -> Answer:
        audience = self.lists.get(list_id)
        if audience is None:
            return self.not_found(request)
        return Answer(
            200, {"id": list_id, "name": audience["name"], "stats": {"member_count": len(audience["members"])}}
        )

    def batch_subscribe(self, request: Request, list_id: str) -> Answer:
        audience = self.lists.get(list_id)
        if audience is None:
            return self.not_found(request)
        body = request.json
        if not isinstance(body.get("members"), list) or len(body["members"]) > 500:
            return self.problem(400, "Invalid Resource", "The resource submitted could not be validated.")
        created, updated, errors = [], [], []
        for member in body["members"]:
            email = member.get("email_address", "")
            if "@" not in email or member.get("status") not in ("subscribed", "pending", "unsubscribed", "cleaned"):
                errors.append({"email_address": email, "error": "Invalid Resource", "error_code": "ERROR_GENERIC"})
                continue
            key = hashlib.md5(email.lower().encode()).hexdigest()  # noqa: S324 (Mailchimp's subscriber hash)
            existing = audience["members"].get(key)
            if existing and not body.get("update_existing"):
                errors.append(
                    {
                        "email_address": email,
                        "error": f"{email} is already a list member, do you want to update? please provide "
                        "update_existing:true in the request body",
                        "error_code": "ERROR_CONTACT_EXISTS",
                    }
                )
                continue
            record = {
                "id": key,
                "email_address": email,
                "status": member["status"] if not existing else existing["status"],
                "merge_fields": {**(existing or {}).get("merge_fields", {}), **member.get("merge_fields", {})},
                "tags": sorted(set((existing or {}).get("tags", [])) | set(member.get("tags", []))),
                "list_id": list_id,
            }
            audience["members"][key] = record
            (updated if existing else created).append(record)
        return Answer(
            200,
            {
                "new_members": created,
                "updated_members": updated,
                "errors": errors,
                "total_created": len(created),
                "total_updated": len(updated),
                "error_count": len(errors),
                "_links": [],
            },
        )


# -- Google Calendar API v3 and Google's OAuth token endpoint ----------------------------------
def google_error(status: int, message: str, reason: str, state: str) -> Answer:
    return Answer(
        status,
        {
            "error": {
                "code": status,
                "message": message,
                "errors": [{"message": message, "domain": "global", "reason": reason}],
                "status": state,
            }
        },
    )


class FakeGoogleCalendar(FakeApi):
    routes = [
        ("POST", r"/calendar/v3/calendars/([^/]+)/events", "event_insert"),
        ("POST", r"/token", "token"),
    ]

    def __init__(self) -> None:
        self.access_tokens = {"ya29.valid-token"}
        self.refresh_tokens = {"1//refresh-token": ("client-123.apps.googleusercontent.com", "client-secret")}
        self.calendars = {"primary": []}
        self.ids = itertools.count(1)
        super().__init__()

    def event_insert(self, request: Request, calendar_id: str) -> Answer:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.access_tokens:
            return google_error(
                401,
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie "
                "or other valid authentication credential.",
                "authError",
                "UNAUTHENTICATED",
            )
        if calendar_id not in self.calendars:
            return google_error(404, "Not Found", "notFound", "NOT_FOUND")
        body = request.json
        if "start" not in body or "end" not in body:
            return google_error(400, "Missing end time.", "required", "INVALID_ARGUMENT")
        event_id = f"evt{next(self.ids):04d}abc"
        event = {
            "kind": "calendar#event",
            "etag": '"3181161784712000"',
            "id": event_id,
            "status": "confirmed",
            "htmlLink": f"https://www.google.com/calendar/event?eid={event_id}",
            "created": _now(),
            "updated": _now(),
            "summary": body.get("summary"),
            "description": body.get("description"),
            "location": body.get("location"),
            "creator": {"email": "owner@example.com", "self": True},
            "organizer": {"email": "owner@example.com", "self": True},
            "start": body["start"],
            "end": body["end"],
            "iCalUID": f"{event_id}@google.com",
            "sequence": 0,
            "attendees": [{**a, "responseStatus": "needsAction"} for a in body.get("attendees", [])],
            "extendedProperties": body.get("extendedProperties"),
            "reminders": {"useDefault": True},
            "eventType": "default",
        }
        self.calendars[calendar_id].append(event)
        return Answer(200, {k: v for k, v in event.items() if v is not None})

    def token(self, request: Request) -> Answer:
        form = request.form
        client = self.refresh_tokens.get(form.get("refresh_token", ""))
        if form.get("grant_type") != "refresh_token" or client != (form.get("client_id"), form.get("client_secret")):
            return Answer(400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
        token = f"ya29.refreshed-{uuid.uuid4().hex[:8]}"
        self.access_tokens.add(token)
        return Answer(200, {"access_token": token, "expires_in": 3599, "scope": "calendar", "token_type": "Bearer"})


# -- QuickBooks Online Accounting API v3 -------------------------------------------------------
def qbo_fault(status: int, message: str, detail: str, code: str, kind: str = "ValidationFault") -> Answer:
    return Answer(status, {"Fault": {"Error": [{"Message": message, "Detail": detail, "code": code}], "type": kind}})


class FakeQuickBooks(FakeApi):
    routes = [
        ("GET", r"/v3/company/(\d+)/query", "query"),
        ("POST", r"/v3/company/(\d+)/customer", "customer_create"),
        ("POST", r"/v3/company/(\d+)/invoice", "invoice_create"),
    ]
    QUERY = re.compile(r"select \* from (\w+) where (\w+) = '((?:[^'\\]|\\.)*)'", re.IGNORECASE)

    def __init__(self, realm_id: str = "9130354918431234") -> None:
        self.realm_id = realm_id
        self.access_token = "eyJlbmMiOiJBMTI4Q0JDLUhTMjU2"
        self.customers: dict[str, dict] = {}
        self.invoices: dict[str, dict] = {}
        self.items = {"1": "Services"}
        self.terms = {"3": "Net 30", "2": "Net 15"}
        self.ids = itertools.count(58)
        self.doc_numbers = itertools.count(1037)
        super().__init__()

    def dispatch(self, request: Request) -> Answer:
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            self.requests.append(request)
            return Answer(
                401,
                {
                    "fault": {
                        "error": [
                            {
                                "message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                                "detail": "Token expired: please refresh it",
                                "code": "3200",
                            }
                        ],
                        "type": "AUTHENTICATION",
                    },
                    "time": _now(),
                },
            )
        return super().dispatch(request)

    def _realm(self, realm: str) -> Answer | None:
        if realm != self.realm_id:
            return qbo_fault(403, "ApplicationAuthorizationFailed", "The realm does not match the token.", "003100")
        return None

    def query(self, request: Request, realm: str) -> Answer:
        if refused := self._realm(realm):
            return refused
        text = request.query.get("query", [""])[0]
        match = self.QUERY.fullmatch(text.strip())
        if not match:
            return qbo_fault(400, "Error parsing query", f"QueryParserError: Encountered invalid query: {text}", "4000")
        entity, column, raw = match.groups()
        value = re.sub(r"\\(.)", r"\1", raw)
        if entity == "Customer" and column == "DisplayName":
            found = [c for c in self.customers.values() if c["DisplayName"] == value]
        elif entity == "Term" and column == "Name":
            found = [{"Id": k, "Name": v, "Active": True, "DueDays": 30} for k, v in self.terms.items() if v == value]
        else:
            return qbo_fault(400, "Error parsing query", f"QueryParserError: unsupported {entity}.{column}", "4000")
        response = {entity: found, "startPosition": 1, "maxResults": len(found)} if found else {}
        return Answer(200, {"QueryResponse": response, "time": _now()})

    def customer_create(self, request: Request, realm: str) -> Answer:
        if refused := self._realm(realm):
            return refused
        body = request.json
        name = body.get("DisplayName")
        if any(c["DisplayName"] == name for c in self.customers.values()):
            return qbo_fault(
                400,
                "Duplicate Name Exists Error",
                "The name supplied already exists. : Another customer is already using this name.",
                "6240",
            )
        customer = {**body, "Id": str(next(self.ids)), "SyncToken": "0", "Active": True, "Balance": 0}
        self.customers[customer["Id"]] = customer
        return Answer(200, {"Customer": customer, "time": _now()})

    def invoice_create(self, request: Request, realm: str) -> Answer:
        if refused := self._realm(realm):
            return refused
        body = request.json
        customer = self.customers.get((body.get("CustomerRef") or {}).get("value"))
        if customer is None:
            return qbo_fault(400, "Invalid Reference Id", "Invalid Reference Id : Customer not found", "2500")
        total = 0.0
        for line in body.get("Line") or []:
            detail = line.get("SalesItemLineDetail") or {}
            if detail.get("ItemRef", {}).get("value") not in self.items:
                return qbo_fault(
                    400,
                    "Invalid Reference Id",
                    "Invalid Reference Id : Something you're trying to use has been made inactive.",
                    "2500",
                )
            if round(detail.get("Qty", 1) * detail.get("UnitPrice", 0), 2) != round(line["Amount"], 2):
                return qbo_fault(400, "Amount is not equal to UnitPrice * Qty", "Supplied value:" + str(line), "6070")
            total += line["Amount"]
        term = body.get("SalesTermRef")
        invoice = {
            **body,
            "Id": str(next(self.ids)),
            "DocNumber": str(next(self.doc_numbers)),
            "SyncToken": "0",
            "TxnDate": datetime.now(UTC).date().isoformat(),
            "TotalAmt": total,
            "Balance": total,
            "CustomerRef": {"value": customer["Id"], "name": customer["DisplayName"]},
            **({"SalesTermRef": {"value": term["value"]}} if term else {}),
        }
        self.invoices[invoice["Id"]] = invoice
        return Answer(200, {"Invoice": invoice, "time": _now()})
