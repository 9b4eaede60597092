from tracker.domain.approvals import ApprovalFinding, Severity
from tracker.services.chains import ChainLink
from tracker.ui.chain_graph import FINDING_COLOUR, chain_dot


def link(id_, parent, tier, name, approval="approved", findings=(), status="active"):
    return ChainLink(id=id_, parent_id=parent, business_id=1, business_name="b", tier=tier, entruster_id=None,
                     entruster_name=None, entrustee_id=id_, entrustee_name=name, work="w", status=status,
                     data_categories=["ordinary"], approval_status=approval if tier > 1 else None,
                     approval_version=1, subsidiary=False, findings=list(findings), path=[name])


def test_edges_follow_parents_and_names_are_escaped():
    dot = chain_dot([link(1, None, 1, 'A "quoted" \\ co'), link(2, 1, 2, "B"), link(3, 99, 3, "orphan")],
                    "自社", lambda n: f"T{n}")
    assert 'l1 [label="A \\"quoted\\" \\\\ co\\nT1"]' in dot
    assert "us -> l1" in dot and "l1 -> l2" in dot
    assert "us -> l3" in dot  # parent not on this page: hangs under us


def test_findings_are_red_and_inactive_links_dashed():
    finding = ApprovalFinding(2, "finding.active_without_approval", Severity.FINDING)
    dot = chain_dot([link(1, None, 1, "A"), link(2, 1, 2, "B", approval="pending", findings=[finding]),
                     link(3, 1, 2, "C", status="proposed")], "us", str)
    assert f'l1 -> l2 [color="{FINDING_COLOUR}"' in dot
    assert 'l1 -> l3 [color="#2e7d32", penwidth=2, style="dashed"]' in dot
