"""Use cases: each checks the actor's permission, validates with the domain rules and writes in
one transaction. Pages call these and nothing below them."""
