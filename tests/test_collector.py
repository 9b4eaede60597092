"""The served process collects reference cycles after 10,000 new objects, not Python's 700: a page run
makes tens of thousands that live for milliseconds (docs/benchmarks.md measures what it saves)."""

import gc

from tracker import server


def test_serving_sets_the_young_generation_threshold_and_keeps_the_others():
    before = gc.get_threshold()
    try:
        server.collect_less_often()
        assert gc.get_threshold() == (server.YOUNG_OBJECTS_BEFORE_COLLECTING, *before[1:])
        assert before[0] < server.YOUNG_OBJECTS_BEFORE_COLLECTING
    finally:
        gc.set_threshold(*before)
