"""A pickled event profile carries no cache keyed by object ids (the Spark engine ships profiles)."""

from __future__ import annotations

import pickle
from collections import Counter

from newsfold.events.scorer import Profile


def test_unpickled_profile_recomputes_its_salient_keys() -> None:
    profile = Profile(members=6, person_counts=Counter({"lavrov": 3, "putin": 1}), org_counts=Counter({"tass": 2}))
    assert profile.salient(profile.person_counts) == {"lavrov"}
    assert profile.salient(profile.org_counts) == {"tass"}
    restored = pickle.loads(pickle.dumps(profile))
    assert restored._salient == {}
    assert restored.salient(restored.org_counts) == {"tass"}
    assert restored.salient(restored.person_counts) == {"lavrov"}
    assert profile._salient  # the original keeps its cache
