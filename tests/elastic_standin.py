"""A local stand-in for Elasticsearch's REST API: a real HTTP server on 127.0.0.1 for the client.

It speaks enough of the wire protocol for ``backchannel.elastic`` and the
official client: the ``X-Elastic-Product: Elasticsearch`` header the client
checks, compatible-with JSON and NDJSON bodies, error bodies shaped like
Elasticsearch's (``{"error": {"type", "reason"}, "status"}``), index
templates, index creation and deletion, ``_bulk`` with per-item results,
``_settings``, ``_refresh``, aliases (``GET /_alias/<name>``, atomic
``POST /_aliases``) and ``_msearch``.

Searches are answered by a small evaluator of the query clauses the backend
builds (:func:`matches`: ``bool``, ``term``, ``terms``, ``range``,
``match_all``, ``match_none``, ``multi_match`` phrases over lower-cased
letter-and-digit tokens, no stemming) and kNN by exact cosine, so access and
operator filters can be checked against documents built from a real store. It is not a search engine: ranking
is the tests' business (:attr:`ElasticStandIn.answers` overrides a search's
hits). :attr:`ElasticStandIn.bulk_faults` makes chosen documents fail
(429 then success, or a mapping error); every request is kept in
:attr:`ElasticStandIn.calls`.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from backchannel.elastic.mapping import index_body
from tests.loopback import serving

JSON = "application/vnd.elasticsearch+json;compatible-with=9"
_TOKEN = re.compile(r"[^\W_]+")
#: Keyword fields with a normalizer: compared lower-cased, as Elasticsearch does.
NORMALIZED = {n for n, spec in index_body()["mappings"]["properties"].items() if "normalizer" in spec}


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    params: dict[str, str]
    body: Any  # parsed JSON, a list for NDJSON, None without a body


@dataclass
class Index:
    settings: dict[str, Any] = field(default_factory=dict)
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    refreshed: bool = False


class ElasticStandIn:
    """The server's state; start it with :func:`running`."""

    def __init__(self) -> None:
        self.templates: dict[str, dict[str, Any]] = {}
        self.indices: dict[str, Index] = {}
        self.aliases: dict[str, set[str]] = {}
        self.calls: list[Call] = []
        #: document id -> statuses its next bulk items answer, in turn (429, 400, ...)
        self.bulk_faults: dict[str, list[int]] = {}
        #: (search body -> hits [(id, score, highlight)]) overriding the evaluator's hits
        self.answers: Callable[[dict[str, Any]], list[tuple[str, float, dict[str, list[str]]]]] | None = None
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def calls_to(self, method: str, suffix: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.path.endswith(suffix)]

    def bulk_ids(self) -> list[str]:
        """Every document id sent in a bulk request, in order, retries included."""
        bulks = [c for c in self.calls if c.path.endswith("/_bulk")]
        return [line["index"]["_id"] for c in bulks for line in c.body if "index" in line]

    def answer(self, method: str, path: str, params: dict[str, str], body: Any) -> tuple[int, Any]:
        with self.lock:
            self.calls.append(Call(method, path, params, body))
            parts = [p for p in path.split("/") if p]
            for route in _ROUTES:
                try:
                    found = route(self, method, parts, params, body)
                except (KeyError, TypeError, ValueError) as exc:  # a request this stand-in cannot read
                    return _error(400, "parse_exception", f"{type(exc).__name__}: {exc}")
                if found is not None:
                    return found
            return _error(405, "unsupported_operation_exception", f"{method} {path} is not served here")

    def docs_of(self, target: str) -> dict[str, dict[str, Any]] | None:
        """Documents of an index or of the indices behind an alias; None when neither exists."""
        names = self.aliases.get(target) or ({target} if target in self.indices else None)
        if names is None:
            return None
        return {i: d for name in sorted(names) for i, d in self.indices[name].docs.items()}


@contextmanager
def running() -> Iterator[ElasticStandIn]:
    standin = ElasticStandIn()
    with serving(standin.server, "es-standin"):
        yield standin


# -- HTTP ---------------------------------------------------------------------------------------


def _handler(standin: ElasticStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8") if length else ""
            ndjson = "ndjson" in (self.headers.get("Content-Type") or "")
            body: Any = None
            if raw:
                body = (
                    [json.loads(line) for line in raw.splitlines() if line.strip()]
                    if ndjson
                    else json.loads(raw)
                )
            status, payload = standin.answer(self.command, url.path, dict(parse_qsl(url.query)), body)
            data = json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("X-Elastic-Product", "Elasticsearch")
            self.send_header("Content-Type", JSON)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _serve  # noqa: N815 (http.server's names)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Quiet: the test output is not the place for an access log."""

    return Handler


def _error(status: int, kind: str, reason: str) -> tuple[int, dict[str, Any]]:
    error = {"root_cause": [{"type": kind, "reason": reason}], "type": kind, "reason": reason}
    return status, {"error": error, "status": status}


def _missing(name: str) -> tuple[int, dict[str, Any]]:
    return _error(404, "index_not_found_exception", f"no such index [{name}]")


# -- routes: each answers (status, body), or None when the request is not its own ---------------

Route = Callable[[ElasticStandIn, str, list[str], dict[str, str], Any], "tuple[int, Any] | None"]


def _template(es: ElasticStandIn, method: str, parts: list[str], params: dict[str, str], body: Any):
    if method == "PUT" and len(parts) == 2 and parts[0] == "_index_template":
        es.templates[parts[1]] = body
        return 200, {"acknowledged": True}
    return None


def _aliases(es: ElasticStandIn, method: str, parts: list[str], params: dict[str, str], body: Any):
    if method == "GET" and len(parts) == 2 and parts[0] == "_alias":
        names = es.aliases.get(parts[1])
        if not names:
            return 404, {"error": f"alias [{parts[1]}] missing", "status": 404}
        return 200, {name: {"aliases": {parts[1]: {}}} for name in sorted(names)}
    if method == "POST" and parts == ["_aliases"]:
        new = {alias: set(names) for alias, names in es.aliases.items()}
        for action in body["actions"]:
            ((verb, spec),) = action.items()
            if spec["index"] not in es.indices:
                return _missing(spec["index"])
            if spec["alias"] in es.indices:
                return _error(400, "invalid_alias_name_exception", "an index exists with the same name")
            names = new.setdefault(spec["alias"], set())
            (names.add if verb == "add" else names.discard)(spec["index"])
        es.aliases = {alias: names for alias, names in new.items() if names}  # all at once: atomic
        return 200, {"acknowledged": True, "errors": False}
    return None


def _bulk(es: ElasticStandIn, method: str, parts: list[str], params: dict[str, str], body: Any):
    if method not in ("PUT", "POST") or parts[-1] != "_bulk":
        return None
    items = []
    for header, doc in zip(body[::2], body[1::2], strict=True):
        meta = header["index"]
        name, doc_id = meta.get("_index", parts[0]), meta["_id"]
        faults = es.bulk_faults.get(doc_id)
        status = faults.pop(0) if faults else 201
        item: dict[str, Any] = {"_index": name, "_id": doc_id, "status": status}
        if status == 429:
            item["error"] = {"type": "es_rejected_execution_exception", "reason": "rejected execution"}
        elif status >= 300:
            item["error"] = {
                "type": "document_parsing_exception",
                "reason": "[1:2] failed to parse field [ts] of type [date] in document with id "
                f"'{doc_id}'. Preview of field's value: 'SECRET BODY TEXT'",
            }
        elif name not in es.indices:
            item.update(status=404, error={"type": "index_not_found_exception", "reason": name})
        else:
            es.indices[name].docs[doc_id] = doc
            item["result"] = "created"
        items.append({"index": item})
    return 200, {"took": 1, "errors": any(i["index"]["status"] >= 300 for i in items), "items": items}


def _msearch(es: ElasticStandIn, method: str, parts: list[str], params: dict[str, str], body: Any):
    if parts[-1] != "_msearch":
        return None
    responses = []
    for header, search in zip(body[::2], body[1::2], strict=True):
        target = header.get("index", parts[0])
        docs = es.docs_of(target)
        if docs is None:
            responses.append(_missing(target)[1])
        else:
            responses.append({"status": 200, **_search(es, docs, search)})
    return 200, {"took": 1, "responses": responses}


def _index(es: ElasticStandIn, method: str, parts: list[str], params: dict[str, str], body: Any):
    if len(parts) == 1 and method == "PUT":
        if parts[0] in es.indices:
            return _error(400, "resource_already_exists_exception", parts[0])
        es.indices[parts[0]] = Index(settings=(body or {}).get("settings", {}))
        return 200, {"acknowledged": True, "shards_acknowledged": True, "index": parts[0]}
    if len(parts) == 1 and method == "DELETE":
        names = parts[0].split(",")
        missing = [n for n in names if n not in es.indices]
        if missing and params.get("ignore_unavailable") != "true":
            return _missing(missing[0])
        for name in names:
            es.indices.pop(name, None)
        return 200, {"acknowledged": True}
    if len(parts) == 2 and parts[1] in ("_settings", "_refresh") and parts[0] not in es.indices:
        return _missing(parts[0])
    if len(parts) == 2 and parts[1] == "_settings" and method == "PUT":
        es.indices[parts[0]].settings = _merge(
            es.indices[parts[0]].settings, body
        )  # the body is the settings
        return 200, {"acknowledged": True}
    if len(parts) == 2 and parts[1] == "_refresh":
        es.indices[parts[0]].refreshed = True
        return 200, {"_shards": {"total": 1, "successful": 1, "failed": 0}}
    return None


_ROUTES: list[Route] = [_template, _aliases, _bulk, _msearch, _index]


def _merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Settings as ES merges them: a null resets a setting to its default (drops it here)."""
    out = dict(old)
    for key, value in new.items():
        if isinstance(value, dict):
            out[key] = _merge(out.get(key, {}), value)
        elif value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


# -- searching ----------------------------------------------------------------------------------


def _search(es: ElasticStandIn, docs: dict[str, dict[str, Any]], body: dict[str, Any]) -> dict[str, Any]:
    matched: dict[str, float] = {}
    if "query" in body:
        matched.update({i: 1.0 for i, d in docs.items() if matches(body["query"], d)})
    if "knn" in body:
        matched.update(_nearest(body["knn"], docs))
    if "query" not in body and "knn" not in body:
        matched = {i: 1.0 for i in docs}
    if es.answers is not None and body.get("size", 10):
        hits = es.answers(body)
    else:
        newest_first = body.get("sort") == [{"ts": {"order": "desc"}}]
        key = (lambda x: (-docs[x[0]]["ts"], x[0])) if newest_first else (lambda x: (-x[1], x[0]))
        hits = [(i, s, {}) for i, s in sorted(matched.items(), key=key)]
    answer: dict[str, Any] = {
        "hits": {
            "total": {"value": len(matched), "relation": "eq"},
            "hits": [
                {"_index": "x", "_id": i, "_score": s, **({"highlight": h} if h else {})}
                for i, s, h in hits[: body.get("size", 10)]
            ],
        }
    }
    return answer


def _nearest(knn: dict[str, Any], docs: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Exact kNN over the documents the pre-filter keeps; scores as ES scores cosine: (1 + cos) / 2."""
    query = knn["query_vector"]
    scored = []
    for doc_id, doc in docs.items():
        if "vector" not in doc or not matches(knn.get("filter", {"match_all": {}}), doc):
            continue
        cos = _cosine(query, doc["vector"])
        if cos >= knn.get("similarity", -1.0):
            scored.append((doc_id, (1 + cos) / 2))
    scored.sort(key=lambda x: -x[1])
    return dict(scored[: knn["k"]])


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)) or 1.0)


def _values(doc: dict[str, Any], name: str) -> list[Any]:
    """A field's values, folded to lower case for a field with a normalizer."""
    value = doc.get(name)
    values = value if isinstance(value, list) else [] if value is None else [value]
    return [str(v).lower() for v in values] if name in NORMALIZED else values


def matches(query: dict[str, Any], doc: dict[str, Any]) -> bool:
    """Whether ``doc`` matches ``query`` (the clauses the backend builds; see the module doc)."""
    ((kind, spec),) = query.items()
    if kind == "match_all":
        return True
    if kind == "match_none":
        return False
    if kind == "bool":
        should = spec.get("should", [])
        wanted = spec.get("minimum_should_match", 0 if spec.get("must") or spec.get("filter") else 1)
        return (
            all(matches(q, doc) for q in spec.get("must", []) + spec.get("filter", []))
            and not any(matches(q, doc) for q in spec.get("must_not", []))
            and (not should or sum(matches(q, doc) for q in should) >= wanted)
        )
    if kind in ("term", "terms"):
        ((name, wanted_values),) = spec.items()
        wanted_values = wanted_values if kind == "terms" else [wanted_values]
        if name in NORMALIZED:
            wanted_values = [str(v).lower() for v in wanted_values]
        return bool(set(_values(doc, name)) & set(wanted_values))
    if kind == "range":
        ((name, bounds),) = spec.items()
        value = doc.get(name)
        return value is not None and all(
            {"gte": value >= b, "gt": value > b, "lte": value <= b, "lt": value < b}[op]
            for op, b in bounds.items()
        )
    if kind == "multi_match":
        words = _TOKEN.findall(spec["query"].lower())
        if not words:
            return spec.get("zero_terms_query", "none") == "all"
        return any(_has_phrase(str(doc.get(f.split("^")[0], "")), words) for f in spec["fields"])
    raise ValueError(f"the stand-in does not evaluate {kind!r}")


def _has_phrase(text: str, words: list[str]) -> bool:
    tokens = _TOKEN.findall(text.lower())
    n = len(words)
    return any(tokens[i : i + n] == words for i in range(len(tokens) - n + 1))
