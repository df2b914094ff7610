"""The demo corpus folds the way examples/README.md says it was written."""

from __future__ import annotations

from pathlib import Path

from newsfold import fold
from newsfold.store import Store

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"

BRIDGE_COPIES = {
    "corpus/wire/nwa-harbour-bridge-opens.txt",
    "corpus/sites/mirror-nwa-harbour-bridge.txt",
    "corpus/sites/coastal-herald-harbour-bridge.html",
    "lantern-2025-0305-bridge",
    "regional-digest-bridge-costs",
}
BRIDGE_REWRITE = "corpus/rewrites/portmere-gazette-bridge.txt"


def _ids(ids: set[str]) -> set[str]:
    # Files found under the folder given to fold are named relative to it.
    return {i.removeprefix("corpus/") for i in ids}


def test_demo_corpus_folds_into_its_copies_events_and_storylines(tmp_path: Path) -> None:
    with Store(tmp_path / "demo.db") as store:
        report = fold([CORPUS], store)
        assert report.stored == 11 and report.skipped == {"malformed_json": 1, "empty": 1}
        rows = {row["id"]: row for row in store.iter_assignments()}
    bridge = _ids(BRIDGE_COPIES)
    groups = {rows[i]["copy_group"] for i in bridge}
    assert len(groups) == 1 and None not in groups
    assert rows[_ids({BRIDGE_REWRITE}).pop()]["copy_group"] is None
    assert rows["regional-digest-bridge-costs"]["copy_role"] == "excerpt"
    assert rows["wire/nwa-harbour-bridge-opens.txt"]["copy_role"] in {"canonical", "duplicate"}
    assert rows["coastwatch-windfarm-reprint"]["copy_group"] == rows["nwa-2025-0305-windfarm"]["copy_group"]
    assert rows["fishers-weekly-windfarm"]["copy_group"] is None

    bridge_event = {rows[i]["event"] for i in bridge | _ids({BRIDGE_REWRITE})}
    assert len(bridge_event) == 1
    wind_event = {rows[i]["event"] for i in ("nwa-2025-0305-windfarm", "coastwatch-windfarm-reprint",
                                             "fishers-weekly-windfarm")}
    assert len(wind_event) == 1 and wind_event != bridge_event
    chess, traffic = rows["nwa-2025-0306-chess"]["event"], rows["nwa-2025-0410-bridge-traffic"]["event"]
    assert len({chess, traffic, *bridge_event, *wind_event}) == 4

    assert rows["nwa-2025-0410-bridge-traffic"]["story"] == rows["lantern-2025-0305-bridge"]["story"]
    assert rows["nwa-2025-0306-chess"]["story"] != rows["lantern-2025-0305-bridge"]["story"]
