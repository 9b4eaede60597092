import pytest

from tracker.domain import corporate_number as cn


@pytest.mark.parametrize("number", ["7000012050002", "8010401098765", "2360001012345", "5010001008846"])
def test_valid_numbers_pass(number):
    assert cn.is_valid(number)


def test_check_digit_of_the_domain_example():
    # DOMAIN.md §9: 7000012050002 has check digit 7 over base 000012050002
    assert cn.check_digit("000012050002") == 7


@pytest.mark.parametrize("number", ["6000012050002", "8000012050002", "7000012050003"])
def test_wrong_check_digit_is_refused(number):
    problem = cn.problem(number)
    assert problem is not None and problem.code == "error.corporate_number.check_digit"


def test_wrong_length_names_the_length():
    problem = cn.problem("700001205000")
    assert problem.code == "error.corporate_number.length" and problem.params == {"length": 12}


@pytest.mark.parametrize("number", ["70000120500O2", "7000-0120-5000x", "abc"])
def test_non_digits_are_refused(number):
    assert cn.problem(number).code == "error.corporate_number.not_digits"


def test_full_width_digits_and_spaces_are_normalised():
    assert cn.normalise("７０００ ０１２０\u3000５０００２") == "7000012050002"
    assert cn.is_valid("７０００-０１２０-５０００２")


def test_with_check_digit_builds_valid_numbers():
    for base in ("000000000001", "123456789012", "999999999999"):
        assert cn.is_valid(cn.with_check_digit(base))
