"""The breach report pack (issue 27, points 6–9): the report to the PPC, preliminary and final, the
notice to the individuals and the notices up the chain, read back for each item and the rule it
answers, and printed through LibreOffice."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from docx import Document

from tests import factories as f
from tests.conftest import TODAY, context_for
from tests.outputs.libreoffice import needs_libreoffice, pages, to_pdf
from tracker.cli import main
from tracker.domain.breach_report import ITEMS, NOTICE_ITEMS, Stage
from tracker.domain.permissions import Role
from tracker.domain.problems import RuleViolation
from tracker.i18n import t
from tracker.services import breach_reports, incidents, setup
from tracker.services.incidents import IncidentInput

US = "株式会社委託元"


def text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


@pytest.fixture
def chain_incident(ctx, db_path):
    """A leak of 1,500 people's data at a tier-3 printer; what is known so far."""
    setup.set_organisation(context_for(db_path, Role.ADMIN), US, "Itakumoto Co., Ltd.", "東京都港区1-1",
                           representative_title="代表取締役", representative_name="委託 太郎")
    _, _, links = f.chain(ctx, 3)
    incident_id = incidents.record_incident(ctx, links[2], IncidentInput(
        "封入ミスによる誤送付", learned_on=TODAY - timedelta(days=2), description="他人宛ての通知書を封入して発送した。",
        data_items="氏名、住所、給与額", individuals_count=1500, we_learned_on=TODAY - timedelta(days=1)))
    return incident_id


def test_a_preliminary_report_gives_every_item_in_the_rules_order_and_marks_what_is_not_known(ctx, chain_incident):
    name, content = breach_reports.report_file(ctx, chain_incident, Stage.PRELIMINARY)
    body = text(content)
    assert body.startswith(t("breach.title.appi.preliminary", "ja"))
    assert "個人情報保護委員会 御中" in body and "第26条第1項" in body and "施行規則第8条第1項" in body
    positions = [body.index(t(f"breach.item.{key}", "ja", number=n, kind="個人データ"))
                 for n, (key, _) in enumerate(ITEMS, start=1)]
    assert positions == sorted(positions), "items in the order of 第1号–第9号"
    assert "他人宛ての通知書を封入して発送した。" in body and "氏名、住所、給与額" in body and "1,500人" in body
    assert body.count(t("breach.not_yet_known", "ja")) == 4  # cause, secondary harm, prevention, other
    assert "公表していない。" in body and "本人への通知は未実施" in body
    assert "1,000人を超える" in body  # why it is reportable
    assert "速報の期限の目安: 2026年11月" in body
    assert t("breach.chain_title", "ja") in body and body.count(" へ: 期限 ") == 3  # three notices up the chain
    assert f"報告者: {US}" in body and "代表者: 代表取締役 委託 太郎" in body
    assert name.startswith("漏えい等報告_速報_") and name.endswith(".docx")


def test_a_final_report_needs_every_item_each_named_at_its_field(ctx, chain_incident):
    with pytest.raises(RuleViolation) as refused:
        breach_reports.report_file(ctx, chain_incident, Stage.FINAL)
    assert {p.field for p in refused.value.problems} == {"cause", "secondary_harm", "prevention_measures",
                                                          "other_notes"}
    row = incidents.incident(ctx, chain_incident).row
    facts = incidents.IncidentInput(row["title"], date.fromisoformat(row["learned_on"]), row["description"],
                                    row["data_items"], we_learned_on=date.fromisoformat(row["we_learned_on"]),
                                    individuals_count=1500, cause="封入機の設定誤り",
                                    secondary_harm="現時点で二次被害は確認されていない。",
                                    prevention_measures="封入前の二重確認を導入した。", other_notes="特になし")
    incidents.update_incident(ctx, chain_incident, row["version"], facts)  # entered on the incident, audited
    _, content = breach_reports.report_file(ctx, chain_incident, Stage.FINAL)
    body = text(content)
    assert body.startswith(t("breach.title.appi.final", "ja")) and "施行規則第8条第2項" in body
    assert t("breach.not_yet_known", "ja") not in body and "封入機の設定誤り" in body
    assert "確報の期限" in body


def test_my_number_data_is_reported_under_the_my_number_act(ctx, db_path):
    setup.set_organisation(context_for(db_path, Role.ADMIN), US)
    link = f.link(ctx, f.party(ctx, "株式会社給与"), business_id=f.business(ctx), categories=("my_number",))
    incident_id = incidents.record_incident(ctx, link, IncidentInput(
        "個人番号の誤送信", learned_on=TODAY, data_items="氏名、個人番号", individuals_count=150))
    _, content = breach_reports.report_file(ctx, incident_id, Stage.PRELIMINARY)
    body = text(content)
    assert body.startswith("特定個人情報の漏えい等に関する報告（速報）")
    assert "第29条の4第1項" in body and "特定個人情報の漏えい等に関する報告等に関する規則" in body
    assert "漏えい等が発生し、又は発生したおそれがある特定個人情報の項目" in body
    assert "特定個人情報の漏えい等に関する報告フォーム" in body  # where it is filed


def test_the_notice_to_the_individuals_has_the_items_of_rule_10(ctx, chain_incident):
    name, content = breach_reports.notice_file(ctx, chain_incident)
    body = text(content)
    headings = [t(f"breach.notice.item.{key}", "ja") for key in NOTICE_ITEMS]
    assert all(h in body for h in headings)
    assert "お詫び" in body and "お問い合わせ窓口" in body and "他人宛ての通知書" in body
    assert t("breach.item.individuals", "ja", number=3, kind="個人データ") not in body  # not a rule-10 item
    assert name.startswith("本人への通知_")


def test_an_incident_that_is_not_reportable_gets_no_report(ctx, db_path):
    link = f.link(ctx, f.party(ctx, "株式会社少数"), business_id=f.business(ctx))
    incident_id = incidents.record_incident(ctx, link, IncidentInput("少数の誤送付", learned_on=TODAY,
                                                                    individuals_count=3))
    with pytest.raises(RuleViolation) as refused:
        breach_reports.report_file(ctx, incident_id, Stage.PRELIMINARY)
    assert [p.code for p in refused.value.problems] == ["error.breach.not_reportable"]


def test_the_english_translation_says_it_is_one(ctx, chain_incident):
    _, content = breach_reports.report_file(ctx, chain_incident, Stage.PRELIMINARY, "en")
    body = text(content)
    assert body.startswith("Report of a Personal Data Breach (Preliminary)")
    assert "English translation for reference" in body and "Article 8(1) of its Enforcement Rules" in body


def test_the_command_line_writes_both_documents(ctx, db_path, chain_incident, tmp_path):
    runner = CliRunner()
    out = tmp_path / "report.docx"
    made = runner.invoke(main, ["--db", str(db_path), "incident", "report", str(chain_incident), "--stage",
                                "preliminary", "-o", str(out)])
    assert made.exit_code == 0, made.output
    assert text(out.read_bytes()).startswith(t("breach.title.appi.preliminary", "ja"))
    final = runner.invoke(main, ["--db", str(db_path), "incident", "report", str(chain_incident), "--stage", "final",
                                 "-o", str(tmp_path / "final.docx")])
    assert final.exit_code == 1 and "cause" in final.output
    letter = runner.invoke(main, ["--db", str(db_path), "incident", "notice", str(chain_incident), "-o",
                                  str(tmp_path / "notice.docx")])
    assert letter.exit_code == 0 and "お詫び" in text((tmp_path / "notice.docx").read_bytes())


@needs_libreoffice
def test_the_report_and_the_notice_print(ctx, chain_incident, tmp_path):
    for name, content in (breach_reports.report_file(ctx, chain_incident, Stage.PRELIMINARY),
                          breach_reports.notice_file(ctx, chain_incident)):
        path = tmp_path / name
        path.write_bytes(content)
        printed = pages(to_pdf(path))
        assert 1 <= len(printed) <= 4, len(printed)
        assert "他人宛ての通知書" in "".join(printed)
