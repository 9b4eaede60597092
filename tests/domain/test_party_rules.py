from tracker.domain.party_rules import PartyDraft, check_party, normalised


def codes(draft, **kw):
    return {(p.field, p.code) for p in check_party(normalised(draft), **kw)}


def test_only_the_name_is_mandatory():
    assert codes(PartyDraft(name="株式会社テスト")) == set()
    assert codes(PartyDraft(name="   ")) == {("name", "error.required")}


def test_each_bad_field_is_named():
    bad = PartyDraft(name="x", corporate_number="1234567890123", country="XX", email="no-at-sign", phone="abc")
    assert codes(bad) == {
        ("corporate_number", "error.corporate_number.check_digit"),
        ("country", "error.country.unknown"),
        ("email", "error.email.invalid"),
        ("phone", "error.phone.invalid"),
    }


def test_normalising_keeps_a_full_width_corporate_number():
    assert normalised(PartyDraft(name=" A ", corporate_number="７０００ ０１２０ ５０００２")).corporate_number == "7000012050002"


def test_a_party_cannot_be_its_own_or_its_subsidiarys_subsidiary():
    assert codes(PartyDraft(name="A", parent_party_id=1), own_id=1) == {("parent_party_id", "error.party.parent_cycle")}
    assert codes(PartyDraft(name="A", parent_party_id=5), own_id=1, own_descendants={5}) == {
        ("parent_party_id", "error.party.parent_cycle")}
    assert codes(PartyDraft(name="A", parent_party_id=6), own_id=1, own_descendants={5}) == set()
