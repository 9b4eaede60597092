"""An audit record read as the fields it changed, and its time in the organisation's zone."""

from tracker.domain.audit_changes import FieldChange, changes
from tracker.domain.local_times import local_time


def test_an_update_shows_only_the_fields_whose_value_changed():
    before = {"id": 3, "name": "旧社名", "address": "東京都", "version": 1, "updated_at": "2026-11-01T00:00:00+00:00"}
    after = {"id": 3, "name": "新社名", "address": "東京都", "version": 2, "updated_at": "2026-12-01T00:00:00+00:00"}
    assert changes(before, after) == [FieldChange("name", "旧社名", "新社名")]


def test_an_insert_lists_what_it_set_and_a_delete_what_the_row_held():
    row = {"id": 9, "name": "委託先", "kana": None, "created_by": "privacy", "country": "JP"}
    assert changes(None, row) == [FieldChange("name", None, "委託先"), FieldChange("country", None, "JP")]
    assert changes(row, None) == [FieldChange("name", "委託先", None), FieldChange("country", "JP", None)]


def test_stored_utc_times_are_shown_in_the_organisations_zone():
    shown = local_time("2026-12-01T15:30:00+00:00", "Asia/Tokyo")
    assert (shown.day, shown.hour, shown.minute) == (2, 0, 30)
