"""The HTTP API and the web UI's pages, through FastAPI's TestClient (httpx).

The store is filled with store methods directly (articles, copy pairs with passages, copy groups, events
and storylines), so that every page has content whichever stages are installed. ``populate_demo_store``
and ``serve_in_thread`` are shared with the browser tests.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the server needs: pip install 'newsfold[serve]'")
pytest.importorskip("httpx", reason="the API tests need httpx")

import httpx  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from conftest import make_article  # noqa: E402
from newsfold.model import Article, CopyGroup, CopyMember, CopyPair, Passage  # noqa: E402
from newsfold.pipeline import STAGE_ORDER  # noqa: E402
from newsfold.server import create_app  # noqa: E402
from newsfold.server.ingest import BodyError, parse_body, record_to_document  # noqa: E402
from newsfold.server.render import snippet_segments, split_by_passages, timeline_layout  # noqa: E402
from newsfold.store import Store  # noqa: E402

TOKEN = "test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

# -- the demo store (invented events, as in examples/) -----------------------------------------------------

BRIDGE_WIRE = """PORTMERE, March 4. /NWA/. Valdoria's transport minister Irena Hollis reopened the Harbour Bridge on \
Tuesday, three years after cracks in its main span forced the country's busiest crossing to close.

The bridge links the old port district with the industrial suburb of Eastgate. Before the closure it carried \
about forty thousand vehicles a day, and the detour through the northern ring road added up to an hour to a \
lorry driver's journey.

"This bridge is the spine of our city, and today it stands straighter than ever," Hollis told a crowd of \
several hundred residents gathered at the eastern ramp.

The repair programme replaced all twelve steel cables of the main span and added a second deck for freight \
trains. Chief engineer Tomas Brandt said the crossing could now carry twice the freight it handled before.

The works cost 410 million valdors, about a fifth more than the original budget. Opposition deputies \
criticised the overrun and the delays, which they blamed on a dispute with the contractor, Meridian Steelworks."""

BRIDGE_REPRINT = """PORTMERE, March 4 (Lantern). Valdoria's transport minister Irena Hollis reopened the Harbour \
Bridge on Tuesday, three years after cracks in its main span forced the country's busiest crossing to close.

The bridge links the old port district with the industrial suburb of Eastgate. Before the closure it carried \
about forty thousand vehicles a day, and the detour through the northern ring road added up to an hour to a \
lorry driver's journey.

The repair programme replaced all twelve steel cables of the main span and added a second deck for freight \
trains. Chief engineer Tomas Brandt said the crossing could now carry twice the freight it handled before.

The works cost 410 million valdors, about a fifth more than the original budget. Opposition deputies \
criticised the overrun and the delays, which they blamed on a dispute with the contractor, Meridian Steelworks.

Read more local news every morning in the Lantern newsletter."""

BRIDGE_EXCERPT = """The repair programme replaced all twelve steel cables of the main span and added a second deck \
for freight trains. Chief engineer Tomas Brandt said the crossing could now carry twice the freight it handled \
before.

The works cost 410 million valdors, about a fifth more than the original budget. Opposition deputies \
criticised the overrun and the delays, which they blamed on a dispute with the contractor, Meridian Steelworks."""

BRIDGE_REWRITE = """Cars rolled across the Harbour Bridge in Portmere for the first time in three years on \
Tuesday, after minister Irena Hollis cut the ribbon at the eastern ramp.

Shopkeepers in Eastgate welcomed the reopening. "We lost half our customers to the ring road," said baker \
Mila Stoyan, whose shop stands a hundred metres from the ramp.

The final bill of 410 million valdors has angered opposition deputies, who want the audit published before \
the summer recess. Lorries may use the bridge from Thursday."""

TRAFFIC = """PORTMERE, April 10. /NWA/. Traffic on the reopened Harbour Bridge has doubled in its first month, \
the city's traffic office said on Thursday, as lorries returned from the northern ring road.

About eighty thousand vehicles crossed each day last week, twice the number before the closure. Minister \
Irena Hollis said the figures justified the cost of the repairs."""

WIND_WIRE = """NORTHFIELD, March 5. /NWA/. Northfield's district council approved the Gull Banks offshore wind \
farm on Wednesday, clearing the way for forty turbines eleven kilometres off the coast.

The vote was 23 to 9. Fishing cooperatives had asked the council to delay the decision until a study of the \
banks' cod grounds is finished.

Developer Greywater Energy said construction would begin in June and the first power would flow in 2027."""

WIND_REPRINT = """Northfield's district council approved the Gull Banks offshore wind farm on Wednesday, clearing \
the way for forty turbines eleven kilometres off the coast.

The vote was 23 to 9. Fishing cooperatives had asked the council to delay the decision until a study of the \
banks' cod grounds is finished.

Developer Greywater Energy said construction would begin in June and the first power would flow in 2027."""

WIND_REWRITE = """Fishers on the Gull Banks say the council has sold their grounds to the wind industry. \
Wednesday's vote in Northfield, 23 to 9, approved forty turbines on the banks.

"Nobody has counted the cod yet," said Arno Vell of the Northfield fishing cooperative, which will appeal \
the decision to the regional court."""

WIND_WORKS = """NORTHFIELD, June 2. /NWA/. The first foundation of the Gull Banks wind farm was sunk into \
the seabed on Monday, Greywater Energy said, as a court in Northfield rejected the fishers' appeal."""

CHESS = """PORTMERE, March 6. /NWA/. Grandmaster Lea Kestrel won the Portmere chess open on Thursday with \
a round to spare, beating the defending champion in a sharp Sicilian defence."""


def _passages(a: str, b: str) -> tuple[Passage, ...]:
    """Paragraphs of ``a`` found verbatim in ``b``, as passages (what the copies stage stores)."""
    found = []
    start = 0
    for paragraph in a.split("\n\n"):
        a_start = a.index(paragraph, start)
        start = a_start + len(paragraph)
        b_start = b.find(paragraph)
        if b_start >= 0:
            found.append(Passage(a_start, start, b_start, b_start + len(paragraph)))
    return tuple(found)


def _pair(first: Article, second: Article, kind: str, jaccard: float) -> CopyPair:
    a, b = sorted((first, second), key=lambda x: x.id)
    passages = _passages(a.text, b.text) or tuple(
        Passage(q.b_start, q.b_end, q.a_start, q.a_end) for q in _passages(b.text, a.text)
    )
    shared_a = sum(q.a_end - q.a_start for q in passages) / len(a.text)
    shared_b = sum(q.b_end - q.b_start for q in passages) / len(b.text)
    return CopyPair(a.id, b.id, kind, jaccard, round(shared_a, 3), round(shared_b, 3), passages)  # type: ignore[arg-type]


def populate_demo_store(store: Store) -> dict[str, Any]:
    """Fill ``store`` with two storylines, five events, copies with passages; return the ids used.

    Every stage's mark is set past these articles, as if the stages had folded them.
    """

    def article(article_id: str, text: str, title: str, day: str, outlet: str) -> Article:
        made = make_article(article_id, text, title=title, published=dt.date.fromisoformat(day))
        return Article(**{**{f: getattr(made, f) for f in made.__slots__}, "outlet": outlet})  # type: ignore[arg-type]

    articles = [
        article("nwa-bridge", BRIDGE_WIRE, "Valdoria reopens Harbour Bridge after three years of repairs",
                "2025-03-04", "NWA"),
        article("mirror-bridge", BRIDGE_WIRE, "Valdoria reopens Harbour Bridge after three years of repairs",
                "2025-03-04", "Valdoria Mirror"),
        article("lantern-bridge", BRIDGE_REPRINT, "Harbour Bridge open again", "2025-03-04", "Portmere Lantern"),
        article("digest-bridge", BRIDGE_EXCERPT, "Bridge repairs: the bill", "2025-03-05", "Regional Digest"),
        article("gazette-bridge", BRIDGE_REWRITE, "Eastgate shops cheer as the bridge reopens", "2025-03-04",
                "Portmere Gazette"),
        article("nwa-traffic", TRAFFIC, "Harbour Bridge traffic doubles in first month", "2025-04-10", "NWA"),
        article("nwa-wind", WIND_WIRE, "Northfield council approves Gull Banks wind farm", "2025-03-05", "NWA"),
        article("coastwatch-wind", WIND_REPRINT, "Gull Banks wind farm approved", "2025-03-05", "Coastwatch"),
        article("fishers-wind", WIND_REWRITE, "Fishers to appeal Gull Banks vote", "2025-03-06", "Fishers Weekly"),
        article("nwa-wind-works", WIND_WORKS, "First foundation sunk at Gull Banks", "2025-06-02", "NWA"),
        article("nwa-chess", CHESS, "Kestrel wins the Portmere chess open", "2025-03-06", "NWA"),
    ]
    by_id = {a.id: a for a in articles}
    store.add_articles(articles)
    store.put_copy_pairs(
        [
            _pair(by_id["mirror-bridge"], by_id["nwa-bridge"], "exact", 1.0),
            _pair(by_id["lantern-bridge"], by_id["nwa-bridge"], "near", 0.81),
            _pair(by_id["digest-bridge"], by_id["nwa-bridge"], "excerpt", 0.38),
            _pair(by_id["coastwatch-wind"], by_id["nwa-wind"], "near", 0.86),
        ]
    )
    store.replace_copy_groups(
        [],
        [
            CopyGroup("g-bridge", "nwa-bridge", (
                CopyMember("digest-bridge", "excerpt"), CopyMember("lantern-bridge", "reprint"),
                CopyMember("mirror-bridge", "duplicate"), CopyMember("nwa-bridge", "canonical"),
            ), 0.38),
            CopyGroup("g-wind", "nwa-wind", (
                CopyMember("coastwatch-wind", "reprint"), CopyMember("nwa-wind", "canonical"),
            ), 0.86),
        ],
    )
    store.put_events(
        [
            ("ev-bridge-opens", {
                "event_id": "ev-bridge-opens",
                "headline": "Harbour Bridge reopens in Portmere after three years",
                "headline_article": "nwa-bridge",
                "when": "2025-03-04",
                "where": ["Portmere", "Eastgate"],
                "who": ["Irena Hollis", "Tomas Brandt", "Meridian Steelworks"],
                "sources": ["NWA", "Portmere Gazette", "Portmere Lantern", "Regional Digest", "Valdoria Mirror"],
                "members": ["digest-bridge", "gazette-bridge", "lantern-bridge", "mirror-bridge", "nwa-bridge"],
                "unique": [{"article_id": "gazette-bridge", "source": "Portmere Gazette",
                            "sentences": ["Eastgate shopkeepers lost half their customers to the ring road."]}],
            }),
            ("ev-bridge-traffic", {"headline": "Bridge traffic doubles", "when": "2025-04-10",
                                   "where": ["Portmere"], "who": ["Irena Hollis"]}),
            ("ev-wind-vote", {"headline": "Northfield council approves the Gull Banks wind farm",
                              "when": {"start": "2025-03-05", "end": "2025-03-06"},
                              "where": [{"name": "Northfield"}, {"name": "Gull Banks"}],
                              "who": [{"name": "Greywater Energy", "type": "org"}, {"name": "Arno Vell"}]}),
            ("ev-wind-works", {"headline": "Gull Banks construction begins", "when": "2025-06-02",
                               "where": ["Gull Banks"], "who": ["Greywater Energy"]}),
            ("ev-chess", {"headline": "Kestrel wins the Portmere chess open", "when": "2025-03-06",
                          "where": ["Portmere"], "who": ["Lea Kestrel"]}),
        ]
    )
    members = {
        "ev-bridge-opens": ["nwa-bridge", "mirror-bridge", "lantern-bridge", "digest-bridge", "gazette-bridge"],
        "ev-bridge-traffic": ["nwa-traffic"],
        "ev-wind-vote": ["nwa-wind", "coastwatch-wind", "fishers-wind"],
        "ev-wind-works": ["nwa-wind-works"],
        "ev-chess": ["nwa-chess"],
    }
    store.put_event_members(
        [(a, e, 0.9, {"term_cosine": 0.71, "entities": 3}) for e, ids in members.items() for a in ids]
    )
    store.put_stories(
        [
            ("st-bridge", {"title": "Portmere's Harbour Bridge"}),
            ("st-wind", {"title": "The Gull Banks wind farm", "start": "2025-03-05", "end": "2025-06-02"}),
        ]
    )
    store.put_story_members(
        [
            ("ev-bridge-opens", "st-bridge", {"shared_entities": ["Harbour Bridge", "Irena Hollis"]}),
            ("ev-bridge-traffic", "st-bridge", {"shared_entities": ["Harbour Bridge", "Irena Hollis"], "days": 37}),
            ("ev-wind-vote", "st-wind", {"shared_entities": ["Gull Banks"]}),
            ("ev-wind-works", "st-wind", {"shared_entities": ["Gull Banks", "Greywater Energy"], "days": 88}),
        ]
    )
    last_seq = store.pending("copies")[-1][0]
    for stage in STAGE_ORDER:
        store.set_mark(stage, last_seq)
    return {"articles": [a.id for a in articles], "events": list(members), "stories": ["st-bridge", "st-wind"]}


HOSTILE_TITLE = "<script>window.__pwned = 1</script>Harbour fees <b>rise</b>"
HOSTILE_TEXT = (
    'Fees rise at the harbour. <img src="x" onerror="window.__pwned = 2"> The port authority said so.\n\n'
    '</textarea><script>window.__pwned = 3</script> "Quotes" & ampersands stay text.'
)


# -- fixtures and helpers ----------------------------------------------------------------------------------


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "server.db"
    with Store(path) as store:
        populate_demo_store(store)
    return path


@pytest.fixture
def client(db_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db_path, token=TOKEN, max_batch=5, max_body_bytes=200_000)) as opened:
        yield opened


@pytest.fixture
def readonly(db_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db_path)) as opened:
        yield opened


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve_in_thread(app: FastAPI) -> Iterator[str]:
    """Run ``app`` on uvicorn on a free loopback port in a thread; yield its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def post(client: TestClient, body: Any, **headers: str) -> httpx.Response:
    content = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post("/articles", content=content, headers={**AUTH, "Content-Type": "application/json", **headers})


# -- health and schema -------------------------------------------------------------------------------------


def test_healthz_reports_counts_and_mode(client: TestClient, readonly: TestClient) -> None:
    answer = client.get("/healthz").json()
    assert answer["status"] == "ok"
    assert answer["writable"] is True
    assert answer["counts"]["articles"] == 11
    assert answer["counts"]["events"] == 5
    assert readonly.get("/healthz").json()["writable"] is False


def test_openapi_schema_lists_every_endpoint(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/articles", "/articles/{article_id}", "/events", "/events/{event_id}", "/stories",
                 "/stories/{story_id}", "/search", "/copies", "/healthz"):
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/articles"]
    assert not any(path.startswith("/ui") for path in schema["paths"])


# -- writes: tokens, limits, bad input ---------------------------------------------------------------------


def test_post_article_stores_it_and_answers_its_assignments(client: TestClient) -> None:
    response = post(client, {"id": "new-1", "title": "A new pier", "text": "Portmere opened a new pier today.",
                             "published": "2025-05-01", "outlet": "NWA", "section": "local"})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["stored"] == 1
    (item,) = answer["articles"]
    assert item["id"] == "new-1" and item["status"] == "stored"
    assert set(item) >= {"copy_group", "copy_role", "event", "story"}
    article = client.get("/articles/new-1").json()
    assert article["title"] == "A new pier"
    assert article["outlet"] == "NWA"
    assert article["published"].startswith("2025-05-01")
    again = post(client, {"id": "new-1", "title": "A new pier", "text": "Portmere opened a new pier today."})
    assert again.json()["articles"][0]["status"] == "unchanged"


def test_post_json_lines_batch_answers_each_article(client: TestClient) -> None:
    lines = "\n".join(
        json.dumps(record)
        for record in (
            {"id": "b-1", "text": "The first article of the batch."},
            {"text": "An article without an id gets one from its text."},
            {"id": "b-3", "title": "no text here"},
        )
    )
    response = post(client, lines, **{"Content-Type": "application/x-ndjson"})
    assert response.status_code == 200, response.text
    items = response.json()["articles"]
    assert [i["status"] for i in items] == ["stored", "stored", "skipped"]
    assert items[1]["id"].startswith("api-")
    assert items[2]["kind"] == "missing_field" and "no 'text' field" in items[2]["reason"]
    assert response.json()["skipped"] == {"missing_field": 1}


def test_exact_copies_posted_together_share_a_copy_group(client: TestClient) -> None:
    text = "Two outlets printed the very same report about the ferry strike in Portmere."
    items = post(client, [{"id": "ferry-a", "text": text}, {"id": "ferry-b", "text": text}]).json()["articles"]
    if items[0]["copy_group"] is None:
        pytest.skip("the copies stage is not installed")
    assert items[0]["copy_group"] == items[1]["copy_group"]
    assert {items[0]["copy_role"], items[1]["copy_role"]} >= {"canonical"}


def test_same_id_with_another_text_is_skipped_as_conflict(client: TestClient) -> None:
    item = post(client, {"id": "nwa-chess", "text": "Something else entirely."}).json()["articles"][0]
    assert item["status"] == "skipped" and item["kind"] == "id_conflict"


def test_read_only_server_refuses_writes_with_reason(readonly: TestClient) -> None:
    response = post(readonly, {"text": "hello"})
    assert response.status_code == 403
    assert "read-only" in response.json()["reason"] and "NEWSFOLD_TOKEN" in response.json()["reason"]


def test_missing_and_wrong_token(client: TestClient) -> None:
    missing = client.post("/articles", json={"text": "hello"})
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert "token" in missing.json()["reason"]
    wrong = client.post("/articles", json={"text": "hello"}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403 and "does not match" in wrong.json()["reason"]
    assert client.get("/healthz").json()["counts"]["articles"] == 11


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        ('{"text": "unterminated', "application/json", "malformed JSON"),
        ('{"id": "ok", "text": "fine"}\n{"text": broken}\n', "application/x-ndjson", "line 2: malformed JSON"),
        ("", "application/json", "empty"),
        (b"\xff\xfe not utf-8", "application/json", "not UTF-8"),
    ],
)
def test_malformed_bodies_are_refused_whole(client: TestClient, body: Any, content_type: str, reason: str) -> None:
    response = post(client, body, **{"Content-Type": content_type})
    assert response.status_code == 400
    assert reason in response.json()["reason"]
    assert response.json()["error"] == "bad request"
    assert client.get("/healthz").json()["counts"]["articles"] == 11


def test_oversize_batch_is_413_and_stores_nothing(client: TestClient) -> None:
    batch = [{"id": f"big-{i}", "text": f"Article number {i} of a batch too large."} for i in range(6)]
    response = post(client, batch)
    assert response.status_code == 413
    assert "more than 5 articles" in response.json()["reason"]
    assert client.get("/articles/big-0").status_code == 404


def test_oversize_body_is_413_declared_or_streamed(client: TestClient) -> None:
    big = json.dumps({"text": "word " * 50_000})
    declared = post(client, big)
    assert declared.status_code == 413 and "200,000 bytes" in declared.json()["reason"]

    def chunks() -> Iterator[bytes]:
        for _ in range(30):
            yield b" " * 10_000

    streamed = client.post("/articles", content=chunks(), headers={**AUTH, "Content-Type": "application/json"})
    assert streamed.status_code == 413


def test_non_object_records_are_skipped(client: TestClient) -> None:
    items = post(client, [42, {"text": ["a", "list"]}, {"text": "  "}]).json()["articles"]
    assert [i["kind"] for i in items] == ["not_object", "bad_field", "empty"]


# -- reads ------------------------------------------------------------------------------------------------


def test_unknown_ids_are_404_with_reason(client: TestClient) -> None:
    for path in ("/articles/nope", "/events/nope", "/stories/nope", "/copies?a=nwa-bridge&b=nwa-chess"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["reason"].startswith("no "), path
    page = client.get("/ui/events/nope")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "no event with id" in page.text


def test_article_view_has_copies_event_and_story(client: TestClient) -> None:
    article = client.get("/articles/nwa-bridge").json()
    assert article["copy_group"] == {"id": "g-bridge", "role": "canonical", "canonical": "nwa-bridge", "size": 4}
    assert {c["other"] for c in article["copies"]} == {"mirror-bridge", "lantern-bridge", "digest-bridge"}
    assert article["event"] == "ev-bridge-opens" and article["story"] == "st-bridge"


def test_events_filters_and_paging(client: TestClient) -> None:
    everything = client.get("/events").json()
    assert everything["total"] == 5
    assert [e["id"] for e in everything["items"]][:2] == ["ev-bridge-opens", "ev-wind-vote"]
    march = client.get("/events", params={"from": "2025-03-05", "to": "2025-03-31"}).json()
    assert {e["id"] for e in march["items"]} == {"ev-wind-vote", "ev-chess"}
    hollis = client.get("/events", params={"entity": "hollis"}).json()
    assert {e["id"] for e in hollis["items"]} == {"ev-bridge-opens", "ev-bridge-traffic"}
    greywater = client.get("/events", params={"entity": "Greywater"}).json()
    assert {e["id"] for e in greywater["items"]} == {"ev-wind-vote", "ev-wind-works"}
    cod = client.get("/events", params={"q": "cod"}).json()
    assert [e["id"] for e in cod["items"]] == ["ev-wind-vote"]
    page = client.get("/events", params={"limit": 2, "offset": 2}).json()
    assert len(page["items"]) == 2 and page["total"] == 5 and page["offset"] == 2
    bad = client.get("/events", params={"from": "March"})
    assert bad.status_code == 422 and "from" in bad.json()["reason"]
    assert client.get("/events", params={"limit": 0}).status_code == 422


def test_events_cursor_pages_through_everything_once(client: TestClient) -> None:
    everything = [e["id"] for e in client.get("/events").json()["items"]]
    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 2}
    while True:
        page = client.get("/events", params=params).json()
        seen.extend(e["id"] for e in page["items"])
        if page["next"] is None:
            break
        params = {"limit": 2, "after": page["next"]}
    assert seen == everything
    bad = client.get("/events", params={"after": "bogus"})
    assert bad.status_code == 422 and "cursor" in bad.json()["reason"]


def test_event_card_collapses_copies_behind_canonical(client: TestClient) -> None:
    card = client.get("/events/ev-bridge-opens").json()
    assert card["headline"].startswith("Harbour Bridge reopens")
    assert card["start"] == "2025-03-04" and card["where"] == ["Portmere", "Eastgate"]
    assert card["story"] == "st-bridge" and card["size"] == 5
    sources = {s["id"]: s for s in card["sources"]}
    assert set(sources) == {"nwa-bridge", "gazette-bridge"}
    assert {c["id"]: c["role"] for c in sources["nwa-bridge"]["copies"]} == {
        "mirror-bridge": "duplicate", "lantern-bridge": "reprint", "digest-bridge": "excerpt"}
    assert sources["gazette-bridge"]["adds_from_card"] is True
    assert any("Eastgate" in line for line in sources["gazette-bridge"]["adds"])
    assert sources["nwa-bridge"]["adds"], "sentences found only in the wire report"
    assert client.get("/events/ev-wind-vote").json()["who"] == ["Greywater Energy", "Arno Vell"]


def test_stories_list_and_timeline(client: TestClient) -> None:
    stories = client.get("/stories").json()["items"]
    assert [s["id"] for s in stories] == ["st-bridge", "st-wind"]
    story = client.get("/stories/st-bridge").json()
    assert [e["id"] for e in story["events"]] == ["ev-bridge-opens", "ev-bridge-traffic"]
    assert story["start"] == "2025-03-04" and story["end"] == "2025-04-10"
    assert story["events"][1]["evidence"]["days"] == 37


def test_search_uses_full_text_index(client: TestClient) -> None:
    hits = client.get("/search", params={"q": "turbines"}).json()["items"]
    assert {h["id"] for h in hits} == {"nwa-wind", "coastwatch-wind", "fishers-wind"}
    assert all(h["event"] == "ev-wind-vote" for h in hits)
    assert client.get("/search", params={"q": 'unbalanced "quote'}).status_code == 200
    missing = client.get("/search")
    assert missing.status_code == 422 and "q" in missing.json()["reason"]


def test_copies_endpoint_orients_passages_as_asked(client: TestClient) -> None:
    forward = client.get("/copies", params={"a": "digest-bridge", "b": "nwa-bridge"}).json()
    backward = client.get("/copies", params={"a": "nwa-bridge", "b": "digest-bridge"}).json()
    assert forward["copy_kind"] == "excerpt" and len(forward["passages"]) == 2
    for p, q in zip(forward["passages"], backward["passages"], strict=True):
        assert (p["a_start"], p["b_start"]) == (q["b_start"], q["a_start"])
        assert forward["a"]["text"][p["a_start"]:p["a_end"]] == forward["b"]["text"][p["b_start"]:p["b_end"]]
    assert forward["containment_a_in_b"] == backward["containment_b_in_a"]


# -- the web UI --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "Portmere&#39;s Harbour Bridge"),
        ("/ui/stories/st-wind", "Gull Banks construction begins"),
        ("/ui/events", "Kestrel wins the Portmere chess open"),
        ("/ui/events?entity=Hollis&from=2025-04-01", "Bridge traffic doubles"),
        ("/ui/events/ev-bridge-opens", "3 copies of this report"),
        ("/ui/articles/lantern-bridge", "compare"),
        ("/ui/compare?a=lantern-bridge&b=nwa-bridge", "<mark class=\"p0\" data-p=\"0\""),
        ("/ui/search?q=valdors", "<mark>valdors</mark>"),
        ("/ui/ingest", "name=\"token\""),
    ],
)
def test_pages_render(client: TestClient, path: str, expected: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert expected in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_ui_filters_exclude_other_events(client: TestClient) -> None:
    page = client.get("/ui/events", params={"entity": "Hollis", "from": "2025-04-01"}).text
    assert "Kestrel" not in page
    assert client.get("/ui/events", params={"from": "not-a-date"}).status_code == 400


def test_timeline_degrades_without_events(tmp_path: Path) -> None:
    with Store(tmp_path / "plain.db") as store:
        store.add_articles([make_article("only", "Just one article, nothing folded yet.", title="Lonely")])
    with TestClient(create_app(tmp_path / "plain.db")) as plain:
        home = plain.get("/")
        assert home.status_code == 200
        assert "No dated events yet" in home.text and "Lonely" in home.text
        assert plain.get("/events").json() == {"items": [], "total": 0, "limit": 50, "offset": 0, "next": None}
        assert "appear once the events stage" in plain.get("/ui/events").text
        assert "read-only" in plain.get("/ui/ingest").text


def test_hostile_html_is_escaped_everywhere(client: TestClient, db_path: Path) -> None:
    item = post(client, {"id": "<hostile>", "title": HOSTILE_TITLE, "text": HOSTILE_TEXT}).json()["articles"][0]
    assert item["status"] == "stored"
    assert client.get("/articles/%3Chostile%3E").json()["title"] == HOSTILE_TITLE
    with Store(db_path) as store:
        store.put_events([("ev-<x>", {"headline": HOSTILE_TITLE, "who": ["<i>x</i>"], "when": "2025-05-01"})])
        store.put_event_members([("<hostile>", "ev-<x>", 1.0, {"note": "<script>"})])
    pages = [
        "/ui/articles/%3Chostile%3E",
        "/ui/events/ev-%3Cx%3E",
        "/ui/events",
        "/",
        "/ui/search?q=harbour+fees",
        "/ui/search?q=%3Cscript%3E",
        "/ui/ingest",
    ]
    for path in pages:
        text = client.get(path).text
        assert "<script>window" not in text, path
        assert "onerror=\"window" not in text, path
        assert "<b>rise" not in text, path
    article_page = client.get("/ui/articles/%3Chostile%3E").text
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in article_page
    assert "&lt;/textarea&gt;&lt;script&gt;" in article_page
    assert "/ui/articles/%3Chostile%3E" in client.get("/ui/events/ev-%3Cx%3E").text


def test_ingest_form_needs_token_and_shows_the_article(client: TestClient) -> None:
    form = {"title": "Ferry strike ends", "text": "The ferry strike in Portmere ended on Friday.",
            "outlet": "NWA", "published": "2025-05-02"}
    refused = client.post("/ui/ingest", data=form)
    assert refused.status_code == 401 and "writes need the token" in refused.text
    assert "Ferry strike ends" in refused.text, "the form keeps what was typed"
    wrong = client.post("/ui/ingest", data={**form, "token": "wrong"})
    assert wrong.status_code == 403
    done = client.post("/ui/ingest", data={**form, "token": TOKEN}, follow_redirects=False)
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    assert "Stored and folded." in page.text and "Ferry strike ends" in page.text
    empty = client.post("/ui/ingest", data={"title": "x", "text": "   ", "token": TOKEN})
    assert empty.status_code == 422 and "not stored" in empty.text


def test_ingest_form_on_read_only_server(readonly: TestClient) -> None:
    refused = readonly.post("/ui/ingest", data={"text": "anything", "token": "x"})
    assert refused.status_code == 403 and "read-only" in refused.text


def test_oversize_form_is_413_page(client: TestClient) -> None:
    response = client.post("/ui/ingest", data={"text": "x" * 300_000, "token": TOKEN},
                           headers={"Accept": "text/html"})
    assert response.status_code == 413 and "text/html" in response.headers["content-type"]


# -- concurrency ------------------------------------------------------------------------------------------


def test_concurrent_posts_and_reads_lose_no_article(db_path: Path) -> None:
    app = create_app(db_path, token=TOKEN, max_batch=10)
    errors: list[str] = []
    posted: list[str] = []
    lock = threading.Lock()

    def worker(number: int, base: str) -> None:
        with httpx.Client(base_url=base, headers=AUTH, timeout=30) as http:
            for round_ in range(8):
                batch = [{"id": f"w{number}-{round_}-{k}", "text": f"Worker {number} round {round_} item {k} "
                          f"reports on the harbour."} for k in range(3)]
                response = http.post("/articles", json=batch)
                if response.status_code != 200:
                    errors.append(response.text)
                    continue
                with lock:
                    posted.extend(i["id"] for i in response.json()["articles"] if i["status"] == "stored")
                for path in ("/events", "/search?q=harbour", f"/articles/w{number}-{round_}-0", "/"):
                    reply = http.get(path)
                    if reply.status_code != 200:
                        errors.append(f"{path}: {reply.status_code}")

    with serve_in_thread(app) as base:
        threads = [threading.Thread(target=worker, args=(n, base)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert len(posted) == 8 * 8 * 3
    with Store(db_path) as store:
        assert {a.id for a in store.get_articles(posted)} == set(posted)
        assert store.stats()["articles"] == 11 + len(posted)
        assert store.integrity_check() == "ok"


# -- pure helpers -----------------------------------------------------------------------------------------


def test_split_by_passages_gives_the_text_back() -> None:
    text = "abcdefghij"
    segments = split_by_passages(text, [(2, 5, 0), (4, 8, 1), (20, 30, 2), (9, 9, 3)])
    assert "".join(s.text for s in segments) == text
    assert [(s.text, s.passage) for s in segments] == [("ab", None), ("cde", 0), ("fgh", 1), ("ij", None)]


def test_snippet_segments() -> None:
    assert snippet_segments("the [bridge] and [cables] …") == [
        ("the ", False), ("bridge", True), (" and ", False), ("cables", True), (" …", False)]
    assert snippet_segments("a [broken snippet") == [("a [broken snippet", False)]


def test_timeline_layout_places_events_in_time_order() -> None:
    lanes = [{"id": "s", "headline": "S", "href": "/s", "events": [
        {"id": "a", "start": "2025-03-04", "size": 5, "href": "/a"},
        {"id": "b", "start": "2025-04-10", "size": 1, "href": "/b"},
        {"id": "c", "start": None, "size": 1}]}]
    layout = timeline_layout(lanes)
    (lane,) = layout["lanes"]
    first, second = lane["dots"]
    assert first["x"] < second["x"] and first["r"] > second["r"]
    assert layout["undated"] == 1 and layout["ticks"]
    assert timeline_layout([])["empty"] is True


def test_parse_body_shapes() -> None:
    assert parse_body(b'{"text": "a"}', "application/json", max_batch=5) == [{"text": "a"}]
    assert parse_body(b'[{"text": "a"}, {"text": "b"}]', None, max_batch=5) == [{"text": "a"}, {"text": "b"}]
    assert parse_body(b'{"text": "a"}\n\n{"text": "b"}\n', "text/plain", max_batch=5) == [{"text": "a"}, {"text": "b"}]
    with pytest.raises(BodyError, match="more than 1"):
        parse_body(b'{"text": "a"}\n{"text": "b"}', "application/x-ndjson", max_batch=1)


def test_record_to_document_fields() -> None:
    document = record_to_document({"id": 7, "text": "Body.", "date": "2025-01-02", "lang": "en"}, "api:x#0")
    assert not isinstance(document, type(None))
    assert getattr(document, "given_id", None) == "7"
    assert getattr(document, "published", None) == "2025-01-02"
    assert getattr(document, "meta", None) == {"lang": "en"}
    skipped = record_to_document({"text": "ok", "title": 5}, "api:x#1")
    assert getattr(skipped, "kind", None) == "bad_field"


# -- the serve command and the docs -----------------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_serve_command_serves_read_only_without_token(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    port = free_port()
    code = f"from newsfold.cli import main; main(['serve', '--db', {str(tmp_path / 's.db')!r}, '--port', '{port}'])"
    env = {k: v for k, v in os.environ.items() if k != "NEWSFOLD_TOKEN"}
    server = subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).json()
                break
            except httpx.TransportError:
                assert server.poll() is None, "serve exited early"
                assert time.monotonic() < deadline, "serve did not answer within 30 s"
                time.sleep(0.1)
        assert health["writable"] is False
        refused = httpx.post(f"http://127.0.0.1:{port}/articles", json={"text": "x"})
        assert refused.status_code == 403
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert b"read-only" in stderr


def test_api_doc_covers_every_endpoint(client: TestClient) -> None:
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        for method in operations:
            assert f"`{method.upper()} {path}" in text, f"docs/api.md does not document {method.upper()} {path}"


def test_api_doc_example_batch_is_accepted(client: TestClient) -> None:
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    example = text.split("```jsonl\n", 1)[1].split("```", 1)[0]
    response = post(client, example, **{"Content-Type": "application/x-ndjson"})
    assert response.status_code == 200
    assert [i["status"] for i in response.json()["articles"]] == ["stored", "stored"]


def test_ui_doc_screenshots_exist() -> None:
    import re

    text = (DOCS / "ui.md").read_text(encoding="utf-8")
    images = re.findall(r"\]\((screenshots/[^)]+\.png)\)", text)
    assert images
    for image in images:
        assert (DOCS / image).is_file(), f"docs/ui.md shows {image}, which is missing"


def test_allowed_hosts_refuse_other_host_names(db_path: Path) -> None:
    with TestClient(create_app(db_path, allowed_hosts=["127.0.0.1", "localhost"]), base_url="http://localhost") as local:
        assert local.get("/healthz").status_code == 200
        assert local.get("/healthz", headers={"Host": "attacker.example"}).status_code == 400


def test_compare_exact_copies_without_passages_marks_the_whole_text(client: TestClient, db_path: Path) -> None:
    with Store(db_path) as store:
        store.put_copy_pairs([CopyPair("mirror-bridge", "nwa-bridge", "exact", 1.0, 1.0, 1.0, ())])
    page = client.get("/ui/compare", params={"a": "nwa-bridge", "b": "mirror-bridge"}).text
    assert page.count('<mark class="p0" data-p="0"') == 2
    assert "100% shared" in page
    assert "unknown outlet" not in page and "NWA · 2025-03-04 · " in page
