from tracker.domain.approvals import ApprovalFinding, Severity
from tracker.services.chains import ChainLink
from tracker.ui.chain_graph import APPROVAL_HEX, FINDING_COLOUR, chain_dot, wrapped


def link(id_, parent, tier, name, approval="approved", findings=(), status="active"):
    return ChainLink(id=id_, ref=f"E{id_}", parent_id=parent, business_id=1, business_name="b", tier=tier, entruster_id=None,
                     entruster_name=None, entrustee_id=id_, entrustee_name=name, work="w", status=status,
                     data_categories=["ordinary"], approval_status=approval if tier > 1 else None,
                     approval_version=1, subsidiary=False, findings=list(findings), path=[name])


def test_edges_follow_parents_and_names_are_escaped():
    dot = chain_dot([link(1, None, 1, 'A "quoted" \\ co'), link(2, 1, 2, "B"), link(3, 99, 3, "orphan")],
                    "自社", lambda n: f"T{n}")
    assert 'l1 [label="A \\"quoted\\" \\\\ co\\nT1"]' in dot
    assert "us -> l1" in dot and "l1 -> l2" in dot
    assert "us -> l3" in dot  # parent not on this page: hangs under us


def test_edges_keep_their_approval_colour_findings_outline_the_box_and_inactive_links_are_dashed():
    finding = ApprovalFinding(2, "finding.active_without_approval", Severity.FINDING)
    dot = chain_dot([link(1, None, 1, "A"), link(2, 1, 2, "B", approval="pending", findings=[finding]),
                     link(3, 1, 2, "C", status="proposed"), link(4, 1, 2, "D", approval=None)], "us", str)
    assert f'l1 -> l2 [color="{APPROVAL_HEX["pending"]}"' in dot  # orange, as the list's badge
    assert f'l2 [label="B\\n2", color="{FINDING_COLOUR}", penwidth=3]' in dot
    assert 'l1 -> l3 [color="#2e7d32", penwidth=2, style="dashed"]' in dot
    assert APPROVAL_HEX[None] != APPROVAL_HEX["rejected"]  # no record is not the same as rejected
    assert f'l1 -> l4 [color="{APPROVAL_HEX[None]}"' in dot


def test_long_names_wrap_on_two_lines():
    assert wrapped("株式会社コールセンター・ソリューションズ") == "株式会社コールセンター・\nソリューションズ"
    assert wrapped("Bayside Contact Center Inc.") == "Bayside Contact Center\nInc."
